/*
 * esql.c: Elastic ES|QL for Elasticsearch and Elastic Security, on the ECS
 * pipeline EQL uses: FROM <the pipeline's index> | MV_EXPAND <selection
 * fields> | WHERE <selection> | WHERE <expr> | KEEP <fields>.
 * From Elastic's ES|QL reference (elastic.co/docs/reference/query-languages/esql):
 *   esql-syntax: identifiers in backquotes, a backquote doubled; strings in
 *   double quotes with \" \\ \t \n \r escapes;
 *   operators LIKE (`*` any run, `?` one character, a backslash escapes them
 *   and itself) and RLIKE (a Lucene regular expression over the whole value,
 *   written by lucene.c as for EQL); functions CIDR_MATCH, TO_IP, TO_LOWER;
 *   a comparison with a null or multi-valued field is null, and so is its
 *   NOT: under a NOT each comparison is guarded by IS NOT NULL, so a missing
 *   field is no match, as in Sigma; MV_EXPAND turns the multi-valued ECS
 *   selection fields (event.category, event.type) into one row per value.
 * Sigma compares strings ignoring case: TO_LOWER(field) against the value
 * lower-cased here, ASCII only, so a caseless value with a non-ASCII letter
 * (which TO_LOWER would fold) is refused: `|cased` compiles it.
 */
#include "backend.h"
#include "lucene.h"

#include <string.h>

static const struct quoting esql_literal = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn\rr",
};
static const struct quoting esql_name = {.open = "`", .close = "`", .special = "`"};

/* Every field name backquoted, so no name is read as a keyword or function. */
static const char *
esql_ident(struct emitter *em, const char *name)
{
	return quote_str(em->a, &esql_name, name, strlen(name));
}

static bool
esql_refuse_non_ascii(struct emitter *em, const struct match *m, const char *what)
{
	return emit_refuse(em, m->pos, "%s of field '%s' has a non-ASCII character, which "
			   "TO_LOWER may fold unlike Sigma: use |cased", what, emit_field_shown(m));
}

/*
 * The length of the UTF-8 character at s[0..n) when TO_LOWER leaves it as it
 * is and it is no letter, else 0: U+0080-U+00BF (C1 controls, Latin-1 signs)
 * and General Punctuation, U+2000-U+206F (the dashes windash writes).
 */
static size_t
esql_caseless(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n >= 2 && u[0] == 0xc2 && (u[1] & 0xc0) == 0x80)
		return 2;
	return n >= 3 && u[0] == 0xe2 && (u[1] == 0x80 || u[1] == 0x81) && (u[2] & 0xc0) == 0x80
	       ? 3 : 0;
}

/*
 * One string value p but a plain exact one (declined: the table writes those,
 * lists included): LIKE, with its wildcards and escapes, folded here.
 */
static enum hook
esql_value(struct emitter *em, const struct match *m, const struct pattern *p, const char *f,
	       struct terms *out)
{
	const struct seg *lit;
	bool exact = value_class(p, &lit) == VCLASS_EXACT, wide = false;
	struct buf b = {0};
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind != SEG_TEXT)
			buf_putc(&b, s->kind == SEG_STAR ? '*' : '?');
		for (size_t j = 0; s->kind == SEG_TEXT && j < s->len; j++) {
			char c = s->text[j];
			size_t keep = m->cased ? 0 : esql_caseless(s->text + j, s->len - j);
			if (keep) {
				buf_putn(&b, s->text + j, keep);
				j += keep - 1;
				wide = true;
				continue;
			}
			if (!m->cased && (unsigned char)c >= 0x80) {
				buf_free(&b);
				return emit_hook_done(esql_refuse_non_ascii(em, m, "value"));
			}
			if (!exact && c && strchr("*?\\", c))
				buf_putc(&b, '\\');
			buf_putc(&b, !m->cased && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
		}
	}
	/* an exact value is the table's, unless it holds what the table's folding refuses */
	const char *v = exact && !wide ? NULL : quote_str(em->a, &esql_literal, b.data ? b.data : "",
							   b.len);
	if ((!exact || wide) && !v)
		emit_refuse_control(em, m->pos, arena_printf(em->a, "value of field '%s'",
							      emit_field_shown(m)), b.data, b.len);
	buf_free(&b);
	if (!v)
		return exact && !wide ? HOOK_DECLINE : HOOK_REFUSED;
	term_add(em, out, emit_guarded(em, f, emit_fill(em, exact ? "TO_LOWER($f) == $v" :
							m->cased ? "$f LIKE $v" :
							"TO_LOWER($f) LIKE $v", f, v)));
	return HOOK_DONE;
}

/* A string match on f: the values esql_value declines go to the table, as one match. */
static bool
esql_strings(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	struct match table = *m;
	table.vals = arena_alloc(em->a, sizeof(*table.vals) * (size_t)m->nvals);
	table.nvals = 0;
	for (int i = 0; i < m->nvals; i++) {
		const struct seg *lit;
		enum vclass vc = value_class(&m->vals[i].pat, &lit);
		enum hook h = vc == VCLASS_ANY || (vc == VCLASS_EXACT && (!lit || !lit->len))
			      ? HOOK_DECLINE : esql_value(em, m, &m->vals[i].pat, f, out);
		if (h == HOOK_REFUSED)
			return false;
		if (h == HOOK_DECLINE)
			table.vals[table.nvals++] = m->vals[i];
	}
	return !table.nvals || emit_match_at(em, &table, f, out);
}

/* A Sigma regex through lucene.c; ignoring case lowers the field, so the regex must be lower. */
static bool
esql_regex(struct emitter *em, const struct match *m, const struct mval *v, struct buf *out,
	   bool *icase)
{
	if (!lucene_regex(em, m, v, out, icase))
		return false;
	for (size_t i = 0; *icase && i < out->len; i++) {
		char c = out->data[i];
		if ((unsigned char)c >= 0x80)
			return esql_refuse_non_ascii(em, m, "regex");
		if (c == '\\')
			i++;	/* an escape (\D, \W...) is no letter of the value */
		else if (c >= 'A' && c <= 'Z')
			return emit_refuse(em, m->pos, "case-insensitive regex of field '%s' has an "
					   "upper-case letter, which TO_LOWER(field) never holds",
					   emit_field_shown(m));
	}
	return true;
}

static const struct syntax esql_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
	.ident = esql_ident,
	.string = &esql_literal,
	.refuse_unquotable = true,
	.fold = true,
	.str_op = {[VCLASS_EXACT] = {"TO_LOWER($f) == $v", "$f == $v"}},
	.str_in = {"TO_LOWER($f) IN (", "$f IN ("},
	.any = "$f IS NOT NULL",
	.empty = "$f == \"\"",
	.re_op = {"TO_LOWER($f) RLIKE $v", "$f RLIKE $v"},
	.re_quote = &esql_literal,
	.re_pattern = lucene_pattern,
	.re_translate = esql_regex,
	.num_op = {"$f == $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f IN (",
	.bool_op = "$f == $v",
	.null = "$f IS NULL",
	.notnull = "$f IS NOT NULL",
	.cidr = "CIDR_MATCH(TO_IP($f), $v)",
	.fieldref = {"TO_LOWER($f) == TO_LOWER($v)", "$f == $v"},
	.guard = GUARD_NOT,
};

/* One value p of m on field, as one term from the table; NULL after a diagnostic. */
static const char *
esql_on(struct emitter *em, const struct match *m, const char *field, struct pattern p)
{
	struct match c = *m;
	struct mval v = m->vals[0];
	struct terms t = {0};
	v.pat = p;
	c.field = field;
	c.domain_field = NULL;
	c.vals = &v;
	c.nvals = 1;
	return esql_strings(em, &c, emit_ident(em, field), &t) ? t.v[0].head : NULL;
}

/* p cut at its one literal backslash into *d and *u; false if it has none or several. */
static bool
esql_cut(struct emitter *em, const struct pattern *p, struct pattern *d, struct pattern *u)
{
	int found = 0;
	for (int i = 0; i < p->nsegs; i++) {
		struct seg s = p->segs[i];
		const char *bs = s.kind == SEG_TEXT ? memchr(s.text, '\\', s.len) : NULL;
		if (!bs) {
			value_append(em->a, found ? u : d, s);
			continue;
		}
		if (found++ || memchr(bs + 1, '\\', s.len - (size_t)(bs - s.text) - 1))
			return false;
		if (bs > s.text)
			value_append(em->a, d, (struct seg){SEG_TEXT, s.text, (size_t)(bs - s.text)});
		if (bs + 1 < s.text + s.len)
			value_append(em->a, u, (struct seg){SEG_TEXT, bs + 1,
							   s.len - (size_t)(bs - s.text) - 1});
	}
	return found == 1;
}

/*
 * A value of a field whose data model keeps DOMAIN\user apart (the pipeline's
 * domain:): with one backslash, the domain matches what precedes it and the
 * user what follows; without, a contains lies in either part, a prefix in the
 * domain, an exact value or a suffix in the user. Else NULL, refused.
 */
static const char *
esql_account(struct emitter *em, const struct match *m, const struct pattern *p)
{
	struct pattern d = {0}, u = {0};
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	bool slash = false;
	for (int i = 0; i < p->nsegs; i++)
		slash |= p->segs[i].kind == SEG_TEXT && memchr(p->segs[i].text, '\\', p->segs[i].len);
	const char *a, *b;
	if (slash) {
		if (!esql_cut(em, p, &d, &u) || !(a = esql_on(em, m, m->domain_field, d)) ||
		    !(b = esql_on(em, m, m->field, u)))
			return NULL;
		return arena_printf(em->a, "(%s AND %s)", a, b);
	}
	if (vc == VCLASS_CONTAINS)
		return (a = esql_on(em, m, m->domain_field, *p)) && (b = esql_on(em, m, m->field, *p))
		       ? arena_printf(em->a, "(%s OR %s)", a, b) : NULL;
	if (vc == VCLASS_PATTERN)
		return NULL;
	return esql_on(em, m, vc == VCLASS_PREFIX ? m->domain_field : m->field, *p);
}

/* What the table cannot say: an ip field as its text (TO_STRING), as Sigma reads it; accounts. */
static enum hook
esql_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field || m->op != MATCH_STR)
		return HOOK_DECLINE;
	const char *f = emit_ident(em, m->field);
	if (m->ip_field)
		f = arena_printf(em->a, "TO_STRING(%s)", f);
	if (!m->domain_field)
		return emit_hook_done(esql_strings(em, m, f, out));
	for (int i = 0; i < m->nvals; i++) {
		struct match one = *m;
		one.vals = &m->vals[i];
		one.nvals = 1;
		int errors = em->d->nerrors;
		const char *t = esql_account(em, &one, &m->vals[i].pat);
		if (!t && em->d->nerrors == errors)
			emit_refuse(em, m->pos, "value of field '%s' may span %s and %s, which ECS "
				    "keeps apart", emit_field_shown(m), m->domain_field, m->field);
		if (!t)
			return HOOK_REFUSED;
		term_add(em, out, t);
	}
	return HOOK_DONE;
}

static const struct selsyntax esql_select = {
	.eq = " == ", .and_op = " AND ", .or_op = " OR ", .in_op = " IN (", .prefix_op = " LIKE ",
	.quote = &esql_literal, .name = esql_ident,
};

/* One MV_EXPAND per field of the selection conditions c[0..n), each once. */
static void
esql_expand(struct emitter *em, const struct sel_cond *c, unsigned n, struct buf *seen)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned g = 0; g < c[i].any_count; g++)
			esql_expand(em, c[i].any[g].all, c[i].any[g].all_count, seen);
		const char *f = c[i].field ? esql_ident(em, c[i].field) : NULL;
		if (!f || (seen->data && strstr(seen->data, arena_printf(em->a, "%s\n", f))))
			continue;
		buf_printf(seen, "%s\n", f);
		emit_newline(em, 0);
		buf_printf(em->out, "| MV_EXPAND %s", f);
	}
}

/* The selection conditions of s: the ECS event category (EQL's head), then the pipeline's. */
static struct sel_cond *
esql_conds(struct emitter *em, const struct selection *s, unsigned *n)
{
	*n = s->where_count + (s->from != NULL);
	struct sel_cond *c = arena_alloc(em->a, sizeof(*c) * (*n + 1));
	if (s->from)
		c[0] = (struct sel_cond){.field = (char *)"event.category", .value = s->from};
	for (unsigned i = 0; i < s->where_count; i++)
		c[i + (s->from != NULL)] = s->where[i];
	return c;
}

static bool
esql_query(struct emitter *em)
{
	const struct query *q = em->q;
	const struct selection *s = q->select;
	if (!s)	/* --without-pipeline: the expression alone */
		return emit_expr(em, q->expr, 0);
	unsigned n;
	struct sel_cond *c = esql_conds(em, s, &n);
	const char *where = n ? emit_selection(em, &esql_select, c, n) : NULL;
	if (n && !where)
		return false;
	buf_printf(em->out, "FROM %s", q->index ? q->index : "logs-*");
	struct buf seen = {0};
	esql_expand(em, c, n, &seen);
	buf_free(&seen);
	if (where) {
		emit_newline(em, 0);
		buf_printf(em->out, "| WHERE %s", where);
	}
	emit_newline(em, 0);
	buf_puts(em->out, "| WHERE ");
	/* CASE: a null condition (a missing field) takes the else value, false */
	if (!emit_expr(em, q->expr, 4) ||
	    !flags_emit(em, NULL, "", 0, "| EVAL $f = CASE(", ", true, false)"))
		return false;
	if (q->newest_first) {
		emit_newline(em, 0);
		buf_puts(em->out, "| SORT @timestamp DESC");
	}
	if (q->nproject) {
		emit_newline(em, 0);
		buf_puts(em->out, "| KEEP ");
	}
	for (int i = 0; i < q->nproject; i++)
		buf_printf(em->out, "%s%s", i ? ", " : "", esql_ident(em, q->project[i]));
	if (q->nproject)
		flags_project(em, ", ");
	return true;
}

bool
esql_parts(struct arena *a, struct diag *d, const struct query *q, bool compact,
	   struct esql_parts *out)
{
	struct buf text = {0};
	struct emitter em = {.a = a, .d = d, .out = &text, .be = &backend_esql, .q = q,
			     .compact = compact, .format = "default"};
	memset(out, 0, sizeof(*out));
	out->index = q->index ? q->index : "logs-*";
	bool ok = emit_names(&em);
	unsigned n = 0;
	struct sel_cond *c = ok && q->select ? esql_conds(&em, q->select, &n) : NULL;
	if (ok && n && !(out->where = emit_selection(&em, &esql_select, c, n)))
		ok = false;
	if (ok && n) {
		struct buf seen = {0};
		esql_expand(&em, c, n, &seen);
		out->expand = arena_strndup(a, seen.data ? seen.data : "", seen.len);
		buf_free(&seen);
		text.len = 0;
	}
	ok = ok && emit_expr(&em, q->expr, 4);
	if (ok)
		out->expr = arena_strndup(a, text.data ? text.data : "", text.len);
	buf_free(&text);
	return ok;
}

const struct backend backend_esql = {
	.name = "esql",
	.ext = "esql",
	.description = "Elastic ES|QL: Elasticsearch and Elastic Security (ECS field names)",
	.default_pipeline = "ecs_windows",
	.syntax = &esql_syntax,
	.comment_open = "//",
	.hook = esql_hook,
	.query = esql_query,
	.correlation = corr_esql_render,
	.flag_formats = flag_formats_default,
};
