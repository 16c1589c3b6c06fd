/*
 * aql.c: IBM QRadar AQL over the events table (targets.md §4). Strings match
 * with ILIKE (LIKE when cased), whose only wildcards are % and _; since AQL
 * has no LIKE escape, a value whose literal text holds % or _ (or a control
 * character) goes through an anchored Java regex with IMATCHES/MATCHES
 * instead. AQL has SQL three-valued logic, so every comparison under a NOT is
 * guarded with IS NOT NULL (§0.8). Formats: the full SELECT, or aql-filter
 * (only the condition, for a QRadar rule test).
 */
#include "backend.h"

#include <string.h>
#include <strings.h>

static const struct syntax aql_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
};

static const struct format aql_formats[] = {
	{"aql-filter", "the filter after WHERE, for a QRadar rule test"},
	{NULL, NULL},
};

/* Java regex metacharacters, escaped in a pattern regex (§0.3). */
static const char java_metas[] = "\\.^$|?*+()[]{}";

/* Constructs java.util.regex lacks or reads differently from PCRE. */
static const unsigned java_unsupported = REGEX_CONDITIONAL | REGEX_COMMENT;

static const char *const cmp_ops[] = {"=", "<", "<=", ">", ">="};

/* Words a bare property name must not be (AQL is case-insensitive about them). */
static const char *const aql_keywords[] = {
	"all", "and", "as", "asc", "between", "by", "count", "desc", "distinct", "events",
	"false", "flows", "from", "group", "having", "ilike", "imatches", "in", "into", "is",
	"last", "like", "limit", "matches", "not", "null", "or", "order", "select", "start",
	"stop", "true", "where", "payload",
};

static bool
aql_plain(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	for (size_t i = 0; i < sizeof(aql_keywords) / sizeof(aql_keywords[0]); i++)
		if (!strcasecmp(aql_keywords[i], s))
			return false;
	return true;
}

static const struct quoting aql_literal = {.open = "'", .close = "'", .special = "'"};
static const struct quoting aql_quoted_name = {.open = "\"", .close = "\"", .special = "\""};

/* A property reference: a computed column's expression, a bare name, or "quoted name". */
static const char *
aql_ident(struct emitter *em, const char *name)
{
	for (int i = 0; i < em->q->nextends; i++)
		if (!strcmp(em->q->extends[i].name, name))
			return em->q->extends[i].expr;
	if (aql_plain(name))
		return name;
	return quote_str(em->a, &aql_quoted_name, name, strlen(name));
}

/*
 * A string literal: single quotes, a quote doubled; backslash is an ordinary
 * character and there is no escape for control characters, so callers send
 * text with them through a regex (\xNN). NULL if s holds one.
 */
static const char *
aql_string(struct emitter *em, const char *s, size_t n)
{
	return quote_str(em->a, &aql_literal, s, n);
}

/* The pipeline type of a target property in the rule's logsource entry, or NULL. */
static const char *
aql_field_type(struct emitter *em, const char *name)
{
	const struct pipeline *pl = em->q->opts ? em->q->opts->pipeline : NULL;
	const struct pl_logsource *ls = pl ? pipeline_logsource(pl, &em->q->rule->logsource) : NULL;
	for (unsigned i = 0; ls && i < ls->fields_count; i++)
		if (ls->fields[i].to && !strcmp(ls->fields[i].to, name))
			return ls->fields[i].type;
	return NULL;
}

/* A comparison atom; under a NOT it is guarded so that a missing property negates to true. */
static void
aql_atom(struct emitter *em, struct terms *out, const char *subject, const char *cmp)
{
	term_add(em, out, em->negated ? arena_printf(em->a, "(%s IS NOT NULL AND %s)", subject, cmp)
				      : cmp);
}

/* Can LIKE express p's literal text? Not with % or _ (no escape) or control characters. */
static bool
aql_likeable(const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		for (size_t j = 0; s->kind == SEG_TEXT && j < s->len; j++) {
			unsigned char c = (unsigned char)s->text[j];
			if (c == '%' || c == '_' || c < 0x20 || c == 0x7f)
				return false;
		}
	}
	return true;
}

/* The LIKE pattern of p: W* is %, W? is _. */
static const char *
aql_like(struct emitter *em, const struct pattern *p)
{
	struct buf b = {0};
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_TEXT)
			buf_putn(&b, s->text, s->len);
		else
			buf_putc(&b, s->kind == SEG_STAR ? '%' : '_');
	}
	const char *r = aql_string(em, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* subject IMATCHES the anchored pattern regex of p (dot-all when a wildcard made a '.'). */
static void
aql_pattern_regex(struct emitter *em, struct terms *out, const char *subject,
		  const struct pattern *p, bool cased)
{
	struct buf body = {0}, re = {0};
	if (emit_pattern_regex(&body, p, java_metas))
		buf_puts(&re, "(?s)");
	buf_putn(&re, body.data, body.len);
	const char *lit = aql_string(em, re.data, re.len);
	buf_free(&body);
	buf_free(&re);
	aql_atom(em, out, subject, arena_printf(em->a, "%s %s %s", subject,
						cased ? "MATCHES" : "IMATCHES", lit));
}

/* Exact values of one list: one is '=', several are one IN (…), guarded under a NOT. */
static void
aql_in(struct emitter *em, struct term *t, const char *f)
{
	const char *guard = em->negated ? arena_printf(em->a, "(%s IS NOT NULL AND ", f) : "";
	if (t->nitems == 1) {
		t->head = arena_printf(em->a, "%s%s = %s%s", guard, f, t->items[0],
				       *guard ? ")" : "");
		t->items = NULL;
		return;
	}
	t->head = arena_printf(em->a, "%s%s IN (", guard, f);
	t->tail = *guard ? "))" : ")";
}

/* One value of a string match (also a keyword against the payload). */
static void
aql_string_value(struct emitter *em, struct terms *out, const char *f, const struct pattern *p,
		 bool cased)
{
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	if (vc == VCLASS_ANY)
		term_add(em, out, arena_printf(em->a, "%s IS NOT NULL", f));
	else if (vc == VCLASS_EXACT && !lit)
		aql_atom(em, out, f, arena_printf(em->a, "%s = ''", f));
	else if (aql_likeable(p))
		aql_atom(em, out, f, arena_printf(em->a, "%s %s %s", f, cased ? "LIKE" : "ILIKE",
						  aql_like(em, p)));
	else
		aql_pattern_regex(em, out, f, p, cased);
}

static bool
aql_string_match(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	bool cased = m->cased;
	int in = -1;	/* cased exact values share one IN list, at the first one's place */
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		/* '=' has no wildcards, so any literal text without control characters is fine */
		if (cased && value_class(p, &lit) == VCLASS_EXACT && lit &&
		    quote_check(&aql_literal, lit->text, lit->len) == lit->len) {
			if (in < 0) {
				term_add(em, out, NULL);
				in = out->n - 1;
			}
			term_item(em, &out->v[in], aql_string(em, lit->text, lit->len));
			continue;
		}
		aql_string_value(em, out, f, p, cased);
	}
	if (in >= 0)
		aql_in(em, &out->v[in], f);
	return true;
}

/* A keyword is a substring of the payload: outer wildcards are implied, never whole-value. */
static bool
aql_keyword(struct emitter *em, const struct match *m, struct terms *out)
{
	if (m->op != MATCH_STR)
		return diag_error(em->d, m->pos,
				  "keyword search with %s is not supported by target aql",
				  match_op_name(m->op));
	bool cased = m->cased;
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *v = &m->vals[i].pat;
		int lo = 0, hi = v->nsegs;
		while (lo < hi && v->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && v->segs[hi - 1].kind == SEG_STAR)
			hi--;
		if (hi == lo)
			return diag_error(em->d, m->pos, "keyword search for an empty or '*' "
					  "value is not supported by target aql");
		struct pattern p = {0};
		value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
		for (int k = lo; k < hi; k++)
			value_append(em->a, &p, v->segs[k]);
		value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
		aql_string_value(em, out, "UTF8(payload)", &p, cased);
	}
	return true;
}

static bool
aql_number(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	/* a number against a text property compares as the string it is written as */
	bool text = !m->numeric_field;
	if (m->vals[0].cmp != CMP_EQ) {
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			aql_atom(em, out, f, arena_printf(em->a, "%s %s %s", f, cmp_ops[v->cmp],
							  v->text));
		}
		return true;
	}
	struct term *t = term_add(em, out, NULL);
	for (int i = 0; i < m->nvals; i++)
		term_item(em, t, text ? aql_string(em, m->vals[i].text, m->vals[i].len)
				      : m->vals[i].text);
	aql_in(em, t, f);
	return true;
}

/* Java's regex dialect: what it lacks, or spells differently from PCRE (silently). */
static const char *
aql_java_gap(const struct mval *v)
{
	unsigned features;
	size_t off;
	regex_check(v->text, v->len, &features, &off);
	if (features & java_unsupported) {
		unsigned bit = features & java_unsupported;
		return regex_feature_name(bit & -bit);
	}
	for (size_t i = 0; i < v->len; i++) {
		const char *t = v->text + i;
		size_t left = v->len - i;
		if (*t == '\\' && left > 1) {
			if (t[1] == 'K')
				return "\\K";
			i++;
		} else if (left >= 3 && (!memcmp(t, "(?P", 3) || !memcmp(t, "(?'", 3))) {
			return "a Python-style named group";
		} else if (left > 3 && t[0] == '[' && t[1] == ':') {
			/* [:alpha:] is a POSIX class in PCRE, a set of letters in Java */
			size_t k = 2;
			while (k < left && t[k] >= 'a' && t[k] <= 'z')
				k++;
			if (k > 2 && k + 1 < left && t[k] == ':' && t[k + 1] == ']')
				return "a POSIX character class";
		}
	}
	return NULL;
}

static bool
aql_regex(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		const char *gap = aql_java_gap(v);
		if (gap)
			return diag_error(em->d, m->pos, "regex for field '%s' uses %s, which Java "
					  "regex does not support (target aql)", m->field, gap);
		if (quote_check(&aql_literal, v->text, v->len) < v->len)
			return emit_refuse_control(em, m->pos, arena_printf(em->a, "regex of field '%s'",
										m->field), v->text, v->len);
		/* a Sigma regex searches; MATCHES may test the whole value, so pad both sides */
		const char *flags = (v->re_flags & RE_M) && (v->re_flags & RE_S) ? "ms"
				    : v->re_flags & RE_M ? "m" : v->re_flags & RE_S ? "s" : "";
		struct buf re = {0};
		buf_printf(&re, "(?s:.*)(?%s:%.*s)(?s:.*)", flags, (int)v->len, v->text);
		const char *lit = aql_string(em, re.data, re.len);
		buf_free(&re);
		const char *op = v->re_flags & RE_I ? "IMATCHES" : "MATCHES";
		aql_atom(em, out, f, arena_printf(em->a, "%s %s %s", f, op, lit));
	}
	return true;
}

static bool
aql_cidr(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	const char *type = aql_field_type(em, m->field);
	if (em->q->opts && em->q->opts->pipeline && (!type || strcmp(type, "ip")))
		diag_warning(em->d, m->pos, "cidr on property '%s' not typed as ip (target aql)",
			     m->field);
	for (int i = 0; i < m->nvals; i++) {
		const char *net = aql_string(em, m->vals[i].text, m->vals[i].len);
		aql_atom(em, out, f, arena_printf(em->a, "INCIDR(%s, %s)", net, f));
	}
	return true;
}

static bool
aql_fieldref(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	static const char *const anchors[] = {"exact", "startswith", "endswith", "contains"};
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		/* LIKE against another property would read its % and _ as wildcards */
		if (v->anchor != ANCHOR_EXACT)
			return diag_error(em->d, m->pos, "modifier '%s' with 'fieldref' is not "
					  "supported by target aql", anchors[v->anchor]);
		const char *o = aql_ident(em, v->text);
		const char *cmp = m->cased ? arena_printf(em->a, "%s = %s", f, o)
					   : arena_printf(em->a, "LOWER(%s) = LOWER(%s)", f, o);
		if (em->negated)
			cmp = arena_printf(em->a, "%s IS NOT NULL AND %s", o, cmp);
		aql_atom(em, out, f, cmp);
	}
	return true;
}

static bool
aql_match(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return aql_keyword(em, m, out);
	const char *f = aql_ident(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		return aql_string_match(em, m, f, out);
	case MATCH_NUM:
		return aql_number(em, m, f, out);
	case MATCH_BOOL: {
		const char *type = aql_field_type(em, m->field);
		bool typed = type && !strcmp(type, "bool");
		for (int i = 0; i < m->nvals; i++) {
			const char *b = m->vals[i].b ? "true" : "false";
			aql_atom(em, out, f, typed ? arena_printf(em->a, "%s = %s", f, b)
						   : arena_printf(em->a, "%s ILIKE '%s'", f, b));
		}
		return true;
	}
	case MATCH_NULL:
		term_add(em, out, arena_printf(em->a, "%s IS NULL", f));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s IS %sNULL", f,
						       m->vals[i].b ? "NOT " : ""));
		return true;
	case MATCH_RE:
		return aql_regex(em, m, f, out);
	case MATCH_CIDR:
		return aql_cidr(em, m, f, out);
	case MATCH_FIELDREF:
		return aql_fieldref(em, m, f, out);
	case MATCH_TIMEPART:
		return emit_unsupported(em, m, m->vals[0].part);
	case MATCH__COUNT:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: unknown match kind");
}

/* The pipeline's selection: `devicetype=12 AND "Event ID" = '9'`. */
static const struct selsyntax aql_select = {
	.eq = " = ", .num_eq = "=", .and_op = " AND ", .or_op = " OR ", .in_op = " IN (",
	.quote = &aql_literal, .name = aql_ident,
};

/* The log source filter, or NULL when the pipeline knows no log source type (no conditions)
 * or after a diagnostic. */
static const char *
aql_source_filter(struct emitter *em)
{
	const struct query *q = em->q;
	if (q->select->where_count)
		return emit_selection(em, &aql_select, q->select->where, q->select->where_count);
	const struct logsource *ls = &q->rule->logsource;
	if (ls->product)
		diag_warning(em->d, ls->pos,
			     "no QRadar log source type for product %s (target aql)", ls->product);
	else
		diag_warning(em->d, ls->pos,
			     "no QRadar log source type for logsource %s (target aql)",
			     logsource_name(em->a, ls));
	return NULL;
}

static bool
aql_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct buf *out = em->out;
	const char *from = q->opts ? options_get(q->opts, "aql-table") : NULL;
	if (from && strcmp(from, "events") && strcmp(from, "flows"))
		return diag_error(em->d, q->rule->pos, "option aql-table must be events or flows, "
				  "not '%s' (target aql)", from);
	/* devicetype is a column of events; flows have no log source */
	const char *filter = q->select && !(from && !strcmp(from, "flows")) ? aql_source_filter(em)
									    : NULL;
	if (q->select && q->select->where_count && !(from && !strcmp(from, "flows")) && !filter)
		return false;
	bool full = !strcmp(em->format, "default") && q->select;
	if (full) {
		buf_puts(out, "SELECT *");
		for (int i = 0; i < q->nproject; i++) {
			const char *col = aql_ident(em, q->project[i]);
			buf_printf(out, ", %s", col);
			/* a computed column keeps its Sigma name */
			for (int k = 0; k < q->nextends; k++)
				if (!strcmp(q->extends[k].name, q->project[i]))
					buf_printf(out, " AS %s", aql_string(em, q->project[i],
									   strlen(q->project[i])));
		}
		buf_printf(out, " FROM %s", from ? from : "events");
		emit_newline(em, 0);
		buf_puts(out, "WHERE ");
	}
	if (filter) {
		buf_puts(out, filter);
		emit_newline(em, 4);
		buf_puts(out, "AND (");
		if (!emit_expr(em, q->expr, 8))
			return false;
		buf_putc(out, ')');
	} else if (!emit_expr(em, q->expr, full ? 4 : 0)) {
		return false;
	}
	return true;
}

static const char *const aql_aliases[] = {"qradar", "q_radar_aql", "ibm-qradar-aql", NULL};
static const struct backend_option aql_options[] = {
	{"aql-table", "events|flows", "events", "the table the query selects FROM"},
	{NULL, NULL, NULL, NULL},
};

const struct backend backend_aql = {
	.name = "aql",
	.aliases = aql_aliases,
	.ext = "aql",
	.description = "IBM QRadar AQL: SELECT over events, or the filter for a QRadar rule test",
	.default_pipeline = "qradar_windows",
	.syntax = &aql_syntax,
	.formats = aql_formats,
	.options = aql_options,
	/* AQL comments are / * ... * / and only inside a query's body: one before SELECT
	 * or after the last line is a parse error (IBM support, "How to include comments
	 * in an AQL query", https://ibm.com/support/pages/node/6959337). */
	.comment_open = "/*",
	.comment_close = "*/",
	.comment_in_body = true,
	.match = aql_match,
	.query = aql_query,
	.correlation = corr_aql_render,
};
