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

static const struct format aql_formats[] = {
	{"aql-filter", "the filter after WHERE, for a QRadar rule test"},
	{NULL, NULL},
};

/* Words a bare property name must not be (AQL is case-insensitive about them). */
static const char *const aql_keywords[] = {
	"all", "and", "as", "asc", "between", "by", "count", "desc", "distinct", "events",
	"false", "flows", "from", "group", "having", "ilike", "imatches", "in", "into", "is",
	"last", "like", "limit", "matches", "not", "null", "or", "order", "select", "start",
	"stop", "true", "where", "payload", NULL,
};

static const struct quoting aql_literal = {.open = "'", .close = "'", .special = "'"};
static const struct quoting aql_quoted_name = {.open = "\"", .close = "\"", .special = "\""};

/* What Java's regex reads differently from PCRE (silently), or NULL. */
static const char *
aql_java_gap(const char *re, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *t = re + i;
		size_t left = n - i;
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

/*
 * Strings match with ILIKE (LIKE when cased), whose only wildcards are % and _;
 * with no LIKE escape, a value holding % or _ (or a control character, which a
 * literal cannot hold) is an anchored Java regex with IMATCHES / MATCHES.
 */
static const struct syntax aql_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
	.name_extends = true,
	.reserved = aql_keywords,
	.reserved_caseless = true,
	.name_quote = &aql_quoted_name,
	.string = &aql_literal,
	.str_op = {[VCLASS_EXACT] = {NULL, "$f = $v"}},
	.str_in = {NULL, "$f IN ("},
	.empty = "$f = ''",
	.glob = {"$f ILIKE $v", "$f LIKE $v"},
	.glob_star = '%',
	.glob_qmark = '_',
	.glob_literal = "%_",
	.re_op = {"$f IMATCHES $v", "$f MATCHES $v"},
	.re_metas = "\\.^$|?*+()[]{}",
	.re_quote = &aql_literal,
	.re_case_op = true,
	/* a Sigma regex searches; MATCHES may test the whole value */
	.re_pad = true,
	.re_missing = REGEX_CONDITIONAL | REGEX_COMMENT,
	.re_engine = "Java regex",
	.re_gap = aql_java_gap,
	.num_op = {"$f = $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f IN (",
	.num_text = true,
	.bool_op = "$f = $v",
	.null = "$f IS NULL",
	.notnull = "$f IS NOT NULL",
	.cidr = "INCIDR($v, $f)",
	.fieldref = {"LOWER($f) = LOWER($v)", "$f = $v"},
	.guard = GUARD_NOT,	/* SQL's three-valued logic (§0.8) */
	.keyword = "UTF8(payload)",	/* a keyword is a substring of the payload */
};

/* Booleans and CIDR depend on the property's type in the rule's pipeline entry. */
static enum hook
aql_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field || (m->op != MATCH_BOOL && m->op != MATCH_CIDR))
		return HOOK_DECLINE;
	const struct ir_column *c = emit_column(em, m->field, IR_COLUMN_FIELD);
	const char *type = c && c->type ? c->type : "";
	if (m->op == MATCH_CIDR && em->q->select && strcmp(type, "ip"))
		emit_warn(em, m->pos, "cidr on property '%s' not typed as ip", m->field);
	if (m->op == MATCH_CIDR || !strcmp(type, "bool"))
		return HOOK_DECLINE;
	/* a property not typed bool holds the text true or false, in any case */
	struct match t = *m;
	t.op = MATCH_STR;
	t.cased = false;
	t.vals = arena_alloc(em->a, sizeof(*t.vals) * (size_t)m->nvals);
	for (int i = 0; i < m->nvals; i++) {
		const char *b = m->vals[i].b ? "true" : "false";
		t.vals[i] = m->vals[i];
		t.vals[i].pat = value_literal(em->a, b, strlen(b));
	}
	return emit_hook_done(emit_match_at(em, &t, emit_ident(em, m->field), out));
}

/* The pipeline's selection: `devicetype=12 AND "Event ID" = '9'`. */
static const struct selsyntax aql_select = {
	.eq = " = ", .num_eq = "=", .and_op = " AND ", .or_op = " OR ", .in_op = " IN (",
	.quote = &aql_literal, .name = emit_ident,
};

/* The log source filter, or NULL when the pipeline knows no log source type (no conditions)
 * or after a diagnostic. */
static const char *
aql_source_filter(struct emitter *em)
{
	const struct query *q = em->q;
	if (q->select->where_count)
		return emit_selection(em, &aql_select, q->select->where, q->select->where_count);
	const struct ir_logsource *ls = &q->meta.logsource;
	if (ls->product)
		emit_warn(em, ls->pos, "no QRadar log source type for product %s", ls->product);
	else
		emit_warn(em, ls->pos, "no QRadar log source type for logsource %s", ls->name);
	return NULL;
}

static bool
aql_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct buf *out = em->out;
	const char *from = ir_option(&q->options, "aql-table");
	from = from ? from : "events";
	if (strcmp(from, "events") && strcmp(from, "flows"))
		return emit_refuse(em, q->meta.pos, "option aql-table must be events or flows, "
				   "not '%s'", from);
	/* devicetype is a column of events; flows have no log source */
	const char *filter = NULL;
	if (q->select && !strcmp(from, "events") && !(filter = aql_source_filter(em)) &&
	    q->select->where_count)
		return false;
	bool full = !strcmp(em->format, "default") && q->select;
	if (full) {
		buf_puts(out, "SELECT *");
		for (int i = 0; i < q->nproject; i++) {
			const char *col = emit_ident(em, q->project[i]);
			buf_puts(out, ", ");
			buf_puts(out, col);
			/* a computed column keeps its Sigma name */
			for (int k = 0; k < q->nextends; k++)
				if (!strcmp(q->extends[k].name, q->project[i]))
					buf_printf(out, " AS %s", quote_str(em->a, &aql_literal, q->project[i],
									     strlen(q->project[i])));
		}
		/* a flag column is a CASE in the select list: NULL (a missing field) is false */
		if (!flags_emit(em, NULL, ",", 4, "CASE WHEN ", " THEN 'true' ELSE 'false' END AS $f"))
			return false;
		if (q->nflags)
			emit_newline(em, 0);
		else
			buf_putc(out, ' ');
		buf_puts(out, "FROM ");
		buf_puts(out, from);
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
	if (full && q->newest_first) {	/* starttime: the event's time, in events and flows */
		emit_newline(em, 0);
		buf_puts(out, "ORDER BY starttime DESC");
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
	.hook = aql_hook,
	.query = aql_query,
	.correlation = corr_aql_render,
	.flag_formats = flag_formats_default,	/* aql-filter is a rule test: no columns */
};
