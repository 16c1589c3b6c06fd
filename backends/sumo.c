/*
 * sumo.c: Sumo Logic Cloud SIEM match-rule expressions (targets.md §5).
 * CSE's =, in and matches are case-sensitive, so a default Sigma string is
 * toLowerCase(f) compared with the lower-cased ASCII value, or an (?i) RE2
 * regex written /.../, which CSE matches against the whole value. Fields the
 * pipeline maps are schema names; any other name is a raw field, fields["..."].
 * The rule JSON for import (-f cse-rule) is templates/formats/sumo/cse-rule.yml.
 */
#include "backend.h"

#include <stdio.h>
#include <string.h>

static const struct syntax sumo_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "!(",
	.not_close = ")",
};

/* RE2 metacharacters plus the / that closes the literal (targets.md §0.3, §5.2). */
static const char sumo_metas[] = "\\.^$|?*+()[]{}/";

/* The body of a /regex/ literal: '/' escaped, control characters as \xNN. */
static const struct quoting sumo_regex_body = {
	.open = "", .close = "", .escape = '\\', .special = "/", .control = "\\x%02x", .nul = true,
};

/* Constructs RE2 lacks (targets.md §0.4). */
static const unsigned re2_unsupported = REGEX_LOOKAHEAD | REGEX_LOOKBEHIND | REGEX_BACKREF |
					REGEX_POSSESSIVE | REGEX_ATOMIC | REGEX_CONDITIONAL |
					REGEX_BIG_Z | REGEX_BIG_G | REGEX_COMMENT;


static const char *const cmp_ops[] = {"=", "<", "<=", ">", ">="};
static const char *const cmp_mods[] = {"", "lt", "lte", "gt", "gte"};

static const struct quoting sumo_literal = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\",
};
/* A raw field reference, fields["name"], written with the string literal's escapes. */
static const struct quoting sumo_raw_field = {
	.open = "fields[\"", .close = "\"]", .escape = '\\', .special = "\"\\",
};

/* Is name a target the rule's pipeline entry maps to (a schema name, or a fields[] ref)? */
static bool
sumo_is_mapped(const struct emitter *em, const char *name)
{
	const struct pipeline *pl = em->q->opts ? em->q->opts->pipeline : NULL;
	const struct pl_logsource *ls = pl ? pipeline_logsource(pl, &em->q->rule->logsource) : NULL;
	for (unsigned i = 0; ls && i < ls->fields_count; i++) {
		const struct pl_field *f = &ls->fields[i];
		if (f->to && !strcmp(f->to, name))
			return true;
		for (unsigned k = 0; k < f->values_count; k++)
			if (!strcmp(f->values[k].field, name))
				return true;
		for (unsigned k = 0; k < f->hashes_count; k++)
			if (!strcmp(f->hashes[k].to, name))
				return true;
	}
	return false;
}

/*
 * The field as written in the expression. A mapped name is written as the
 * pipeline gives it, up to a ':' that starts a value prefix (EventID ->
 * metadata_deviceEventId:Security- writes "Security-4625"); an unmapped
 * (passed-through) name is a raw field, under EventData. for Windows logs.
 */
static const char *
sumo_field(struct emitter *em, const char *name, const char **prefix)
{
	*prefix = NULL;
	if (sumo_is_mapped(em, name)) {
		const char *colon = strchr(name, ':');
		if (!colon)
			return name;
		*prefix = colon + 1;
		return arena_strndup(em->a, name, (size_t)(colon - name));
	}
	const char *product = em->q->rule->logsource.product;
	struct buf b = {0};
	/* a name the rule already writes under EventData. is not prefixed again */
	if (em->q->opts && em->q->opts->pipeline && product && !strcmp(product, "windows") &&
	    strncmp(name, "EventData.", 10))
		buf_puts(&b, "EventData.");
	buf_puts(&b, name);
	const char *r = quote_str(em->a, &sumo_raw_field, b.data, b.len);
	buf_free(&b);
	return r;
}

/*
 * A string literal after the value prefix, lower-cased for a caseless compare.
 * CSE reads strings verbatim (targets.md §5.2): sumo_plain sends values with
 * \, " or a control character through a regex, so the escapes here only
 * guard the pipeline's own prefixes.
 */
static const char *
sumo_string(struct emitter *em, const char *prefix, const char *s, size_t n, bool lower)
{
	struct buf b = {0};
	if (prefix)
		buf_puts(&b, prefix);
	for (size_t i = 0; i < n; i++)
		buf_putc(&b, lower && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i]);
	const char *r = quote_str(em->a, &sumo_literal, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* Can the value be written as a string literal compared with = / in? */
static bool
sumo_plain(const char *s, size_t n, bool cased)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\' || c == '"')
			return false;	/* CSE reads strings verbatim: the regex writes them exactly */
		if (c >= 0x80 && !cased)
			return false;	/* the compiler lower-cases ASCII only (targets.md §0.2) */
	}
	return true;
}

/* f matches /(?flags)re/ */
static void
sumo_matches(struct emitter *em, struct terms *out, const char *f, const char *flags,
	     const char *re, size_t n)
{
	term_add(em, out, arena_printf(em->a, "%s matches /%s%s%s%.*s/", f, *flags ? "(?" : "",
				       flags, *flags ? ")" : "", (int)n, re));
}

/* A wildcard value through the whole-value regex path (targets.md §0.3, §5.3). */
static void
sumo_pattern(struct emitter *em, const struct match *m, const struct pattern *p, enum vclass vc,
	     const char *f, struct terms *out)
{
	struct buf re = {0};
	bool dot = emit_pattern_regex(&re, p, sumo_metas);
	const char *body = re.data;
	size_t n = re.len;
	/* the shapes of §5.3: ^v.* for PREFIX, .*v.* for CONTAINS (exact whole-value or not) */
	if (vc == VCLASS_PREFIX || vc == VCLASS_CONTAINS)
		n--;
	if (vc == VCLASS_CONTAINS)
		body++, n--;
	const char *flags = m->cased ? (dot ? "s" : "") : (dot ? "is" : "i");
	sumo_matches(em, out, f, flags, body, n);
	buf_free(&re);
}

/* The value with the field's value prefix in front (metadata_deviceEventId: "Security-"). */
static const struct pattern *
sumo_prefixed(struct emitter *em, const struct pattern *p, const char *prefix)
{
	if (!prefix)
		return p;
	struct pattern *q = arena_alloc(em->a, sizeof(*q));
	*q = value_literal(em->a, prefix, strlen(prefix));
	for (int i = 0; i < p->nsegs; i++)
		value_append(em->a, q, p->segs[i]);
	return q;
}

static bool
sumo_strings(struct emitter *em, const struct match *m, const char *f, const char *prefix,
	     struct terms *out)
{
	int in = -1;	/* the term collecting the exact values into one in list */
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = sumo_prefixed(em, &m->vals[i].pat, prefix);
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		const char *s = lit ? lit->text : "";
		size_t n = lit ? lit->len : 0;
		if (vc == VCLASS_ANY) {
			term_add(em, out, arena_printf(em->a, "!isEmpty(%s)", f));
			continue;
		}
		if (vc == VCLASS_EXACT && n == 0) {
			term_add(em, out, arena_printf(em->a, "%s = \"\"", f));
			continue;
		}
		if (vc != VCLASS_EXACT || !sumo_plain(s, n, m->cased)) {
			sumo_pattern(em, m, p, vc, f, out);
			continue;
		}
		if (in < 0) {
			term_add(em, out, NULL)->tail = ")";
			in = out->n - 1;
		}
		term_item(em, &out->v[in], sumo_string(em, NULL, s, n, !m->cased));
	}
	/* one exact value is =, several are in (the term keeps its place) */
	if (in >= 0) {
		struct term *t = &out->v[in];
		const char *lhs = m->cased ? f : arena_printf(em->a, "toLowerCase(%s)", f);
		if (t->nitems == 1) {
			t->head = arena_printf(em->a, "%s = %s", lhs, t->items[0]);
			t->items = NULL;
		} else {
			t->head = arena_printf(em->a, "%s in (", lhs);
		}
	}
	return true;
}

static bool
sumo_numbers(struct emitter *em, const struct match *m, const char *f, const char *prefix,
	     struct terms *out)
{
	struct term list = {.tail = ")"};
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		if (prefix && v->cmp != CMP_EQ)
			return diag_error(em->d, m->pos, "modifier '%s' is not supported by target sumo "
					  "for field '%s', which holds text", cmp_mods[v->cmp], f);
		const char *lit = prefix ? sumo_string(em, prefix, v->text, v->len, false) : v->text;
		if (v->cmp != CMP_EQ)
			term_add(em, out, arena_printf(em->a, "%s %s %s", f, cmp_ops[v->cmp], lit));
		else
			term_item(em, &list, lit);
	}
	if (list.nitems == 1) {
		term_add(em, out, arena_printf(em->a, "%s = %s", f, list.items[0]));
	} else if (list.nitems > 1) {
		list.head = arena_printf(em->a, "%s in (", f);
		*term_add(em, out, NULL) = list;
	}
	return true;
}

/* IPv4 a.b.c.d/len as an inclusive numeric range; false if it is not one. */
static bool
sumo_cidr4(const char *s, unsigned long *lo, unsigned long *hi)
{
	unsigned a[4], len;
	char end;
	if (sscanf(s, "%u.%u.%u.%u/%u%c", &a[0], &a[1], &a[2], &a[3], &len, &end) != 5 ||
	    a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255 || len > 32)
		return false;
	unsigned long ip = (unsigned long)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	unsigned long mask = len ? 0xffffffffUL << (32 - len) & 0xffffffffUL : 0;
	*lo = ip & mask;
	*hi = *lo | (~mask & 0xffffffffUL);
	return true;
}

static bool
sumo_cidr(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		unsigned long lo, hi;
		if (v->family != 4)
			return diag_error(em->d, m->pos, "cidr '%s' of field '%s' is IPv6, which is not "
					  "supported by target sumo (ipv4ToNumber covers IPv4 only)",
					  v->text, m->field);
		if (!sumo_cidr4(v->text, &lo, &hi))
			return diag_error(em->d, m->pos, "cidr '%s' of field '%s' is not an IPv4 "
					  "network a.b.c.d/n (target sumo)", v->text, m->field);
		term_add(em, out, arena_printf(em->a, "(ipv4ToNumber(%s) >= %lu AND ipv4ToNumber(%s) "
					       "<= %lu)", f, lo, f, hi));
	}
	return true;
}

/*
 * A Sigma regex: search semantics on a whole-value engine, so padded with
 * (?s:.*) on both sides; flags scoped to the user's group; / escaped for the
 * literal and control characters as \xNN, nothing else touched (§5.5 #2).
 */
static bool
sumo_regex(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		unsigned features = 0;
		size_t off;
		regex_check(v->text, v->len, &features, &off);
		if (features & re2_unsupported) {
			unsigned bit = features & re2_unsupported;
			bit &= -bit;
			return diag_error(em->d, m->pos, "regex for field '%s' uses %s, which RE2 does "
					  "not support (target sumo)", m->field,
					  regex_feature_name(bit));
		}
		struct buf b = {0};
		buf_puts(&b, "(?s:.*)(?");
		if (v->re_flags & RE_I)
			buf_putc(&b, 'i');
		if (v->re_flags & RE_M)
			buf_putc(&b, 'm');
		if (v->re_flags & RE_S)
			buf_putc(&b, 's');
		buf_putc(&b, ':');
		quote_regex(&b, &sumo_regex_body, v->text, v->len);
		buf_puts(&b, ")(?s:.*)");
		sumo_matches(em, out, f, "", b.data, b.len);
		buf_free(&b);
	}
	return true;
}

static bool
sumo_fieldref(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	static const char *const anchors[] = {"", "startswith", "endswith", "contains"};
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		const char *prefix;
		if (v->anchor != ANCHOR_EXACT)
			return diag_error(em->d, m->pos, "modifier '%s' with 'fieldref' is not supported "
					  "by target sumo", anchors[v->anchor]);
		const char *g = sumo_field(em, v->text, &prefix);
		if (m->cased)
			term_add(em, out, arena_printf(em->a, "%s = %s", f, g));
		else
			term_add(em, out, arena_printf(em->a, "toLowerCase(%s) = toLowerCase(%s)", f, g));
	}
	return true;
}

static bool
sumo_match(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return diag_error(em->d, m->pos, "keyword search is not supported by target sumo");
	const char *prefix;
	const char *f = sumo_field(em, m->field, &prefix);
	if (prefix && m->op != MATCH_STR && m->op != MATCH_NUM)
		return diag_error(em->d, m->pos, "field '%s' can only be compared with values "
				  "(target sumo)", f);
	switch (m->op) {
	case MATCH_STR:
		return sumo_strings(em, m, f, prefix, out);
	case MATCH_NUM:
		return sumo_numbers(em, m, f, prefix, out);
	case MATCH_BOOL:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s = %s", f,
						       m->vals[i].b ? "true" : "false"));
		return true;
	case MATCH_NULL:
		term_add(em, out, arena_printf(em->a, "isEmpty(%s)", f));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%sisNull(%s)", m->vals[i].b ? "!" : "", f));
		return true;
	case MATCH_RE:
		return sumo_regex(em, m, f, out);
	case MATCH_CIDR:
		return sumo_cidr(em, m, f, out);
	case MATCH_FIELDREF:
		return sumo_fieldref(em, m, f, out);
	case MATCH_TIMEPART:
		return emit_unsupported(em, m, m->vals[0].part);
	case MATCH__COUNT:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: unknown match kind");
}

/* The pipeline's selection: `metadata_vendor = "Microsoft" AND metadata_product = "Windows"`. */
static const struct selsyntax sumo_select = {
	.eq = " = ", .and_op = " AND ", .or_op = " OR ", .in_op = " in (", .quote = &sumo_literal,
};

/* The expression, after the pipeline's event selection when there is one. */
static bool
sumo_expression(struct emitter *em)
{
	const struct selection *s = em->q->select;
	if (!s || !s->where_count)	/* the normalized fields identify the record kind */
		return emit_expr(em, em->q->expr, 0);
	const char *table = emit_selection(em, &sumo_select, s->where, s->where_count);
	if (!table)
		return false;
	buf_printf(em->out, "%s AND (", table);
	if (!em->compact)
		emit_newline(em, 4);
	if (!emit_expr(em, em->q->expr, 4))
		return false;
	if (!em->compact)
		emit_newline(em, 0);
	buf_putc(em->out, ')');
	return true;
}

static bool
sumo_query(struct emitter *em)
{
	return sumo_expression(em);
}

static const char *const sumo_aliases[] = {"sumologic", "sumo_logic_cse", NULL};

const struct backend backend_sumo = {
	.name = "sumo",
	.aliases = sumo_aliases,
	.ext = "sumo",
	.description = "Sumo Logic Cloud SIEM rule expressions over normalized records",
	.default_pipeline = "sumo_cse",
	.syntax = &sumo_syntax,
	.comment_open = "//",
	.match = sumo_match,
	.query = sumo_query,
	.correlation = corr_sumo_render,
};
