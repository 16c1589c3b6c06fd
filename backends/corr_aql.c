/*
 * corr_aql.c: correlation rules in AQL. The base rules' WHERE conditions
 * are OR-ed in one SELECT over events, GROUP BY takes the group-by columns,
 * the aggregate is COUNT(*), UNIQUECOUNT (exact; DISTINCTCOUNT is a
 * HyperLogLog estimate), SUM or AVG, HAVING applies the condition and
 * LAST n MINUTES|HOURS|DAYS is the window.
 *
 * IBM docs (QRadar AQL):
 *   https://www.ibm.com/docs/SS42VS_7.4/com.ibm.qradar.doc/r_aql_aggregate_functions.html
 *     (AVG, COUNT, SUM; DISTINCTCOUNT "uses the HyperLogLog+ approximation";
 *     GROUP BY; HAVING on an aggregate's alias, not in saved searches for
 *     scheduled reports or time-series graphs)
 *   https://www.ibm.com/docs/qsip/7.4?topic=options-aql-search-string-examples
 *     (UNIQUECOUNT(sourceip) with GROUP BY and `LAST 1 days`)
 *   https://www.ibm.com/support/knowledgecenter/SS42VS_7.4/com.ibm.qradar.doc/c_aql_introduction.html
 *     (clause order SELECT, FROM, WHERE, GROUP BY, HAVING, ORDER BY, LIMIT, LAST;
 *     `LAST 1 HOURS`)
 *
 * The window is the query's whole time range, one per run: a warning says it
 * is not sliding. Temporal types are refused: after GROUP BY no documented
 * aggregate tells which base rule each event matched, and AQL cannot order
 * events within a group. AQL's conditional logic gives one value per event
 * (`SELECT CASE username WHEN 'root' THEN ... END`, `IF cond THEN a ELSE b`:
 *   https://www.ibm.com/docs/SSKMKU/com.ibm.qradar.doc/c_aql_conditional_logic.html),
 * so UNIQUECOUNT of such a rule tag would credit an event matching two rules
 * to the first only, and per-rule flags need an aggregate over an expression
 * (MAX(IF ... THEN 1 ELSE 0)), which the aggregate functions page does not
 * document (its arguments are properties). Group-by fields that map to a different column per
 * base rule are refused too (GROUP BY takes one column).
 */
#include "backend.h"

#include <string.h>

/* A column: bare when plain, else "double quoted" (AQL's quoted property names). */
static void
aql_column(struct buf *out, const char *name)
{
	if (corr_plain_name(name)) {
		buf_puts(out, name);
		return;
	}
	buf_putc(out, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

/* The computed column (pipeline extend) name stands for in base rule i, or NULL. */
static const char *
computed(const struct corr_input *in, int i, const char *name)
{
	const struct query *q = in->bases[i];
	for (int k = 0; q && k < q->nextends; k++)
		if (!strcmp(q->extends[k].name, name))
			return q->extends[k].expr;
	return NULL;
}

/*
 * GROUP BY and the aggregates take stored properties here: a computed one
 * (PROTOCOLNAME(protocolid) for Protocol) is refused rather than guessed at.
 */
static bool
check_columns(struct diag *d, const struct corr_input *in)
{
	const struct correlation *c = in->c;
	for (int i = 0; i < c->nrules; i++) {
		for (int g = 0; g < c->ngroup; g++) {
			const char *e = computed(in, i, in->columns[i][g]);
			if (e)
				return corr_fail(d, in, c->pos, "group-by field '%s' is the computed "
						  "column %s, which this rendering does not group by",
						  c->group_by[g], e);
		}
		const char *e = in->value_column[i] ? computed(in, i, in->value_column[i]) : NULL;
		if (e)
			return corr_fail(d, in, c->pos, "the correlation field '%s' is the computed "
					  "column %s, which this rendering does not aggregate",
					  c->field, e);
	}
	return true;
}

/* The WHERE condition of a base query (the text after "SELECT * FROM t WHERE "). */
static const char *
condition(const char *query)
{
	if (strncmp(query, "SELECT * FROM ", 14))
		return query;
	const char *w = strstr(query, "WHERE ");
	return w ? w + 6 : query;
}

/* The table a base query selects FROM (events unless -O aql-table=flows). */
static const char *
table_of(struct arena *a, const char *query)
{
	if (strncmp(query, "SELECT * FROM ", 14))
		return "events";
	size_t n = strcspn(query + 14, " \n");
	return arena_strndup(a, query + 14, n);
}

/* The LAST clause: whole minutes, hours or days. */
static bool
last_clause(struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	static const struct { long long s; const char *unit; } units[] = {
		{86400, "DAYS"}, {3600, "HOURS"}, {60, "MINUTES"}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (c->seconds % units[i].s == 0) {
			buf_printf(out, "\nLAST %lld %s", c->seconds / units[i].s, units[i].unit);
			return true;
		}
	return corr_fail(d, in, c->timespan_pos, "the %s window is not a whole number of "
			  "minutes, which AQL's LAST clause needs", c->timespan);
}

static bool
aggregate(struct diag *d, const struct corr_input *in, struct buf *out, const char **alias)
{
	const struct correlation *c = in->c;
	switch (c->type) {
	case CORR_EVENT_COUNT:
		*alias = "event_count";
		buf_puts(out, "COUNT(*)");
		return true;
	case CORR_VALUE_COUNT:
	case CORR_VALUE_SUM:
	case CORR_VALUE_AVG:
		for (int i = 1; i < c->nrules; i++)
			if (strcmp(in->value_column[i], in->value_column[0]))
				return corr_fail(d, in, c->pos, "the correlation field '%s' is a "
						  "different column in each base rule", c->field);
		*alias = c->type == CORR_VALUE_COUNT ? "value_count"
			 : c->type == CORR_VALUE_SUM ? "value_sum" : "value_avg";
		buf_puts(out, c->type == CORR_VALUE_COUNT ? "UNIQUECOUNT("
			 : c->type == CORR_VALUE_SUM ? "SUM(" : "AVG(");
		aql_column(out, in->value_column[0]);
		buf_putc(out, ')');
		return true;
	case CORR_TEMPORAL:
	case CORR_TEMPORAL_ORDERED:
		return corr_refuse(d, in, "after GROUP BY no AQL aggregate tells which base "
				   "rule an event matched, nor in which order");
	default:
		return corr_refuse(d, in, "AQL has no exact percentile aggregate");
	}
}

bool
corr_aql_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *alias = NULL;
	struct buf agg = {0}, last = {0};
	bool ok = check_columns(d, in) && aggregate(d, in, &agg, &alias) &&
		  last_clause(d, in, &last);
	if (ok && !corr_same_columns(in))
		ok = corr_fail(d, in, c->pos, "a group-by field is a different column in each "
				"base rule; GROUP BY takes one column");
	if (ok) {
		buf_puts(out, "SELECT ");
		for (int g = 0; g < c->ngroup; g++) {
			aql_column(out, in->columns[0][g]);
			buf_puts(out, ", ");
		}
		buf_printf(out, "%s AS %s\nFROM %s\nWHERE ", agg.data, alias,
			   table_of(a, in->queries[0]));
		for (int i = 0; i < c->nrules; i++)
			buf_printf(out, c->nrules > 1 ? "%s(%s)" : "%s%s", i ? "\n    OR " : "",
				   condition(in->queries[i]));
		for (int g = 0; g < c->ngroup; g++) {
			buf_puts(out, g ? ", " : "\nGROUP BY ");
			aql_column(out, in->columns[0][g]);
		}
		buf_puts(out, "\nHAVING ");
		corr_condition(out, c, alias, " AND ");
		buf_putn(out, last.data, last.len);
		corr_warn_window(d, in, "the query's time range (LAST), one per run");
	}
	buf_free(&agg);
	buf_free(&last);
	return ok;
}
