/*
 * kql.c: Microsoft KQL for Defender XDR advanced hunting and Sentinel
 * (targets.md §1). Case-insensitive operators by default (=~, in~,
 * contains, startswith, endswith), the _cs / == forms for `cased`, anchored
 * `matches regex` (RE2) for inner wildcards, verbatim @"" strings for values
 * with backslashes, ['name'] for odd identifiers.
 */
#include "backend.h"

#include <string.h>

static const struct syntax kql_syntax = {
	.and_op = "and",
	.or_op = "or",
	.not_open = "not(",
	.not_close = ")",
	.max_chain = 100,	/* Kusto's parser refuses a few hundred chained ors */
};

/* Operators per value class: [class][cased]. */
static const char *const str_ops[][2] = {
	[VCLASS_EXACT] = {"=~", "=="},
	[VCLASS_PREFIX] = {"startswith", "startswith_cs"},
	[VCLASS_SUFFIX] = {"endswith", "endswith_cs"},
	[VCLASS_CONTAINS] = {"contains", "contains_cs"},
};

/* Constructs RE2 lacks (targets.md §0.4). */
static const unsigned re2_unsupported = REGEX_LOOKAHEAD | REGEX_LOOKBEHIND | REGEX_BACKREF |
					REGEX_POSSESSIVE | REGEX_ATOMIC | REGEX_CONDITIONAL |
					REGEX_BIG_Z | REGEX_BIG_G | REGEX_COMMENT;

static const char *const keywords[] = {
	"and", "or", "not", "in", "has", "contains", "startswith", "endswith", "matches", "regex",
	"between", "true", "false", "null", "let", "where", "project", "extend", "summarize", "by",
	"on", "with", "typeof", "bool", "int", "long", "real", "string", "datetime", "timespan",
	"dynamic", "guid", "decimal", "asc", "desc", "of", "kind", "like", "set", "alias",
	"restrict", "access", "to", "declare", "pattern", "query_parameters",
};

/* String literals (targets.md §1.2): regular, or verbatim @"" (no escapes, " doubled). */
static const struct quoting kql_regular = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn\rr",
};
static const struct quoting kql_verbatim = {.open = "@\"", .close = "\"", .special = "\""};
/* A quoted column name segment. */
static const struct quoting kql_column = {
	.open = "['", .close = "']", .escape = '\\', .special = "'\\",
};

/* A column name; dotted names are dynamic paths, each segment quoted alone. */
static const char *
kql_ident(struct emitter *em, const char *name)
{
	struct buf b = {0};
	const char *seg = name;
	for (;;) {
		const char *dot = strchr(seg, '.');
		size_t n = dot && dot != seg && dot[1] ? (size_t)(dot - seg) : strlen(seg);
		if (seg != name)
			buf_putc(&b, '.');
		if (emit_is_word(seg, n, keywords, sizeof(keywords) / sizeof(keywords[0])))
			buf_putn(&b, seg, n);
		else
			quote_put(&b, &kql_column, seg, n);	/* emit_names refused control characters */
		if (seg[n] == '\0')
			break;
		seg += n + 1;
	}
	const char *r = arena_strndup(em->a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* A string literal: verbatim when it has a backslash and fits; NULL after a diagnostic. */
static const char *
kql_string(struct emitter *em, const struct match *m, const char *s, size_t n)
{
	if (quote_check(&kql_regular, s, n) < n) {
		emit_refuse_control(em, m->pos, arena_printf(em->a, "value of field '%s'",
							     m->sigma_field ? m->sigma_field : "*"), s, n);
		return NULL;
	}
	bool verbatim = memchr(s, '\\', n) && quote_check(&kql_verbatim, s, n) == n;
	return quote_str(em->a, verbatim ? &kql_verbatim : &kql_regular, s, n);
}

/* A regex literal: always verbatim, quotes doubled; flags as an inline prefix. */
static const char *
kql_regex(struct emitter *em, const struct match *m, const char *flags, const char *re, size_t n)
{
	struct buf b = {0};
	if (*flags)
		buf_printf(&b, "(?%s)", flags);
	buf_putn(&b, re, n);
	const char *r = quote_str(em->a, &kql_verbatim, b.data, b.len);
	buf_free(&b);
	if (!r)
		emit_refuse_control(em, m->pos, arena_printf(em->a, "regex of field '%s'",
							     m->sigma_field ? m->sigma_field : "*"), re, n);
	return r;
}

static bool
match_keyword(struct emitter *em, const struct match *m, struct terms *out)
{
	if (m->op != MATCH_STR)
		return diag_error(em->d, m->pos, "keyword search with %s is not supported by target kql",
				  match_op_name(m->op));
	for (int i = 0; i < m->nvals; i++) {
		/* a keyword matches anywhere: outer wildcards add nothing */
		const struct pattern *p = &m->vals[i].pat;
		int lo = 0, hi = p->nsegs;
		while (lo < hi && p->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && p->segs[hi - 1].kind == SEG_STAR)
			hi--;
		if (hi - lo != 1 || p->segs[lo].kind != SEG_TEXT)
			return diag_error(em->d, m->pos,
					  "keyword search %s is not supported by target kql",
					  hi == lo ? "for an empty or '*' value"
						   : "with a wildcard inside the value");
		const char *lit = kql_string(em, m, p->segs[lo].text, p->segs[lo].len);
		if (!lit)
			return false;
		term_add(em, out, arena_printf(em->a, "* %s %s", m->cased ? "contains_cs" : "contains",
					       lit));
	}
	return true;
}

static bool
match_string(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	int in = -1;	/* the term collecting the exact values into one in~ list */
	int cased = m->cased;
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		const char *s = lit ? lit->text : "";
		size_t n = lit ? lit->len : 0;
		if (vc == VCLASS_ANY) {
			term_add(em, out, arena_printf(em->a, "isnotempty(%s)", f));
			continue;
		}
		if (vc == VCLASS_PATTERN) {
			struct buf re = {0};
			bool dot = emit_pattern_regex(&re, p, "\\.^$|?*+()[]{}");
			const char *flags = cased ? (dot ? "s" : "") : (dot ? "is" : "i");
			const char *lit_re = kql_regex(em, m, flags, re.data, re.len);
			buf_free(&re);
			if (!lit_re)
				return false;
			term_add(em, out, arena_printf(em->a, "%s matches regex %s", f, lit_re));
			continue;
		}
		const char *q = kql_string(em, m, s, n);
		if (!q)
			return false;
		if (vc == VCLASS_EXACT && n == 0) {
			term_add(em, out, arena_printf(em->a, "%s == \"\"", f));
			continue;
		}
		if (vc != VCLASS_EXACT) {
			term_add(em, out, arena_printf(em->a, "%s %s %s", f, str_ops[vc][cased], q));
			continue;
		}
		if (in < 0) {
			term_add(em, out, NULL)->tail = ")";
			in = out->n - 1;
		}
		term_item(em, &out->v[in], q);
	}
	/* one exact value is =~, several are in~ (the term keeps its place) */
	if (in >= 0) {
		struct term *t = &out->v[in];
		if (t->nitems == 1) {
			t->head = arena_printf(em->a, "%s %s %s", f, str_ops[VCLASS_EXACT][cased],
					       t->items[0]);
			t->items = NULL;
		} else {
			t->head = arena_printf(em->a, "%s %s (", f, cased ? "in" : "in~");
		}
	}
	return true;
}

static const char *const cmp_ops[] = {"==", "<", "<=", ">", ">="};

static bool
match_cidr(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int family = 4; family <= 6; family += 2) {
		struct term t = {0};
		for (int i = 0; i < m->nvals; i++) {
			if (m->vals[i].family != family)
				continue;
			term_item(em, &t, quote_str(em->a, &kql_regular, m->vals[i].text,
						    m->vals[i].len));
		}
		if (!t.nitems)
			continue;
		t.head = arena_printf(em->a, "ipv%d_is_in_%srange(%s, ", family,
				      t.nitems > 1 ? "any_" : "", f);
		t.tail = ")";
		struct term *dst = term_add(em, out, t.head);
		*dst = t;
	}
	return true;
}

static bool
kql_match(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return match_keyword(em, m, out);
	const char *f = kql_ident(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		return match_string(em, m, f, out);
	case MATCH_NUM: {
		if (m->vals[0].cmp != CMP_EQ || m->nvals == 1) {
			for (int i = 0; i < m->nvals; i++)
				term_add(em, out, arena_printf(em->a, "%s %s %s", f, cmp_ops[m->vals[i].cmp],
							       m->vals[i].text));
			return true;
		}
		struct term *t = term_add(em, out, arena_printf(em->a, "%s in (", f));
		t->tail = ")";
		for (int i = 0; i < m->nvals; i++)
			term_item(em, t, m->vals[i].text);
		return true;
	}
	case MATCH_BOOL:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s == %s", f, m->vals[i].b ? "true" : "false"));
		return true;
	case MATCH_NULL:
		term_add(em, out, arena_printf(em->a, "isempty(%s)", f));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s(%s)", m->vals[i].b ? "isnotempty" : "isempty", f));
		return true;
	case MATCH_RE:
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			unsigned features;
			size_t off;
			regex_check(v->text, v->len, &features, &off);
			if (features & re2_unsupported) {
				unsigned bit = features & re2_unsupported;
				bit &= -bit;
				return diag_error(em->d, m->pos,
						  "regex for field '%s' uses %s, which RE2 does not "
						  "support (target kql)", m->sigma_field, regex_feature_name(bit));
			}
			char flags[4] = {0}, *fp = flags;
			if (v->re_flags & RE_I)
				*fp++ = 'i';
			if (v->re_flags & RE_M)
				*fp++ = 'm';
			if (v->re_flags & RE_S)
				*fp++ = 's';
			const char *re = kql_regex(em, m, flags, v->text, v->len);
			if (!re)
				return false;
			term_add(em, out, arena_printf(em->a, "%s matches regex %s", f, re));
		}
		return true;
	case MATCH_CIDR:
		return match_cidr(em, m, f, out);
	case MATCH_FIELDREF:
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			static const enum vclass by_anchor[] = {VCLASS_EXACT, VCLASS_PREFIX, VCLASS_SUFFIX,
								VCLASS_CONTAINS};
			term_add(em, out, arena_printf(em->a, "%s %s %s", f,
						       str_ops[by_anchor[v->anchor]][m->cased],
						       kql_ident(em, v->text)));
		}
		return true;
	case MATCH_TIMEPART:
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			term_add(em, out, arena_printf(em->a, "datetime_part(\"%s\", %s) %s %s",
						       !strcmp(v->part, "week") ? "week_of_year" : v->part,
						       f, cmp_ops[v->cmp], v->text));
		}
		return true;
	case MATCH__COUNT:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: unknown match kind");
}

/* The pipeline's selection conditions after its table (ActionType == "FileCreated"). */
static const struct selsyntax kql_select = {
	.eq = " == ", .and_op = " and ", .or_op = " or ", .in_op = " in (",
	.exists = "isnotempty(%s)",
	.quote = &kql_regular,	/* == and in are case-sensitive in KQL; no prefix form */
};

static bool
kql_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct buf *out = em->out;
	if (!q->select)	/* --without-pipeline: the expression alone */
		return emit_expr(em, q->expr, 0);
	const char *table = emit_from(em), *where = NULL;
	const struct selection *s = q->select;
	if (!table || (s->where_count && !(where = emit_selection(em, &kql_select, s->where,
								   s->where_count))))
		return false;
	buf_puts(out, table);
	if (where)	/* `DeviceFileEvents | where ActionType == "FileCreated"` */
		buf_printf(out, " | where %s", where);
	for (int i = 0; i < q->nextends; i++) {
		emit_newline(em, 0);
		buf_printf(out, "| extend %s = %s", kql_ident(em, q->extends[i].name),
			   q->extends[i].expr);
	}
	emit_newline(em, 0);
	buf_puts(out, "| where ");
	if (!emit_expr(em, q->expr, 4))
		return false;
	if (q->nproject) {
		emit_newline(em, 0);
		buf_puts(out, "| project ");
		for (int i = 0; i < q->nproject; i++)
			buf_printf(out, "%s%s", i ? ", " : "", kql_ident(em, q->project[i]));
	}
	return true;
}

static const char *const kql_aliases[] = {"kusto", "microsoft365defender", NULL};

const struct backend backend_kql = {
	.name = "kql",
	.aliases = kql_aliases,
	.ext = "kql",
	.description = "Microsoft KQL: Defender XDR advanced hunting and Microsoft Sentinel",
	.default_pipeline = "defender_xdr",
	.syntax = &kql_syntax,
	.comment_open = "//",
	.match = kql_match,
	.query = kql_query,
	.correlation = corr_kql_render,
	.correlation_chains = true,
};
