/*
 * corr_esql.c: correlation rules in ES|QL. ES|QL reads one source per query
 * (FROM; it has no union of queries), so the base rules are tested on the
 * same rows: each rule's selection and condition become a 0/1 column
 * (EVAL sigma_rN = CASE(..., 1, 0)), and the rows that no rule matches are
 * dropped. A row is then one event matched by some rule, which the spec
 * counts once (event_count: "the number of events matching any referenced
 * rule"). STATS ... BY BUCKET(@timestamp, span) aggregates per window and
 * group, and WHERE applies the condition.
 *
 * The base queries split multi-valued ECS selection fields with MV_EXPAND
 * (esql.c), which gives one event several rows; where they do, the rows are
 * folded back to one per event first (STATS ... BY _index, _id, read with
 * FROM ... METADATA), keeping for each rule whether any row matched it.
 *
 * Exact constructs only: distinct values are counted with two STATS steps
 * (the distinct tuples, then COUNT(*)), never COUNT_DISTINCT, which is an
 * approximation (HyperLogLog++); temporal counts the rules whose MAX(sigma_rN)
 * is 1. PERCENTILE and MEDIAN are approximate in ES|QL: a warning says so.
 * temporal_ordered is refused: an aggregation keeps no order of events, and
 * ES|QL has no sequence (the EQL target's `sequence` is exact).
 *
 * Elastic's ES|QL reference (elastic.co/docs/reference/query-languages/esql/):
 *   commands/stats-by: STATS [column =] aggregate, ... BY grouping_expression, ...
 *     (a grouping may be named: `BY week = BUCKET(hire_date, 1 week)`)
 *   functions-operators/grouping-functions/bucket: BUCKET(date, time_duration
 *     or date_period), fixed buckets aligned to the epoch: a warning says so
 *   esql-time-spans: "5 minutes", "2 hours", "1 day" (TIME_DURATION and
 *     DATE_PERIOD, both taken by BUCKET)
 *   functions-operators/conditional-functions-and-expressions: CASE(condition,
 *     value, ..., default); a condition that is null is not true
 *   esql-metadata-fields: FROM index METADATA _index, _id; after an
 *     aggregation a metadata field is kept only as a grouping field
 *   commands/mv_expand: one row per value of a multi-valued column
 *   functions-operators/aggregation-functions: COUNT(*), MAX, SUM, AVG,
 *     PERCENTILE ("usually approximate"), MEDIAN ("Like PERCENTILE, MEDIAN
 *     is usually approximate"), COUNT_DISTINCT ("approximate counts")
 *   functions-operators/type-conversion-functions: TO_DOUBLE (null, with a
 *     warning, for a value that is no number)
 */
#include "backend.h"

#include <string.h>

/* A column name in backquotes (a backquote doubled), as esql.c writes names. */
static void
esql_name(struct buf *out, const char *s)
{
	buf_putc(out, '`');
	for (; *s; s++)
		buf_puts(out, *s == '`' ? "``" : (char[]){*s, 0});
	buf_putc(out, '`');
}

/* The window as an ES|QL time span in its largest exact unit ("5 minutes"). */
static void
esql_span(struct buf *out, long long seconds)
{
	static const struct { long long s; const char *unit; } units[] = {
		{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (seconds % units[i].s == 0) {
			long long n = seconds / units[i].s;
			buf_printf(out, "%lld %s%s", n, units[i].unit, n == 1 ? "" : "s");
			return;
		}
}

/* The line break between commands (or a space, compact). */
static void
pipe(const struct corr_input *in, struct buf *out)
{
	buf_puts(out, in->compact ? " | " : "\n| ");
}

/* Is column k of the group-by columns (k == ngroup: the value column) one listed before it? */
static bool
listed(const struct corr_input *in, int k)
{
	const char *col = k < in->c->ngroup ? in->columns[0][k] : in->value_column[0];
	for (int g = 0; g < k && g < in->c->ngroup; g++)
		if (!strcmp(in->columns[0][g], col))
			return true;
	return false;
}

/* ", `col`" for each group-by column (every rule's are the same), and with value the
 * value column, each once: BY names a column once. */
static void
columns(const struct corr_input *in, bool value, struct buf *out)
{
	for (int k = 0; k < in->c->ngroup + (value && in->value_column[0]); k++) {
		if (listed(in, k))
			continue;
		buf_puts(out, ", ");
		esql_name(out, k < in->c->ngroup ? in->columns[0][k] : in->value_column[0]);
	}
}

static void
group_list(const struct corr_input *in, struct buf *out)
{
	columns(in, false, out);
}

/* BY the window and the groups of STATS, and with value the value column. */
static void
by_window(const struct corr_input *in, bool value, struct buf *out)
{
	buf_puts(out, " BY sigma_window = BUCKET(`@timestamp`, ");
	esql_span(out, in->c->seconds);
	buf_putc(out, ')');
	columns(in, value, out);
}

/* "sigma_r0 = MAX(sigma_r0), ...": whether any row of the event or window matched rule i. */
static void
esql_rule_maxima(const struct correlation *c, struct buf *out)
{
	for (int i = 0; i < c->nrules; i++)
		buf_printf(out, "%ssigma_r%d = MAX(sigma_r%d)", i ? ", " : "", i, i);
}

/*
 * The refusals: one ES|QL query reads each event once, so every base rule
 * must name the same column for each group-by field and for the value field.
 * (They read the same index: it is the pipeline's, and one pipeline serves a
 * target.)
 */
static bool
check(struct diag *d, const struct corr_input *in)
{
	const struct correlation *c = in->c;
	if (c->type == CORR_TEMPORAL_ORDERED)
		return corr_refuse(d, in, "an aggregation keeps no order of events and ES|QL "
				   "has no sequence; compile it for eql (sequence ... with maxspan, "
				   "exact)");
	for (int i = 1; i < c->nrules; i++) {
		for (int g = 0; g < c->ngroup; g++)
			if (strcmp(in->columns[i][g], in->columns[0][g]))
				return corr_fail(d, in, c->pos, "group-by field '%s' is column %s in "
						  "the events of one base rule and %s in another; one ES|QL "
						  "query reads each event once, so they must be one column",
						  c->group_by[g], in->columns[0][g], in->columns[i][g]);
		if (c->field && strcmp(in->value_column[i], in->value_column[0]))
			return corr_fail(d, in, c->pos, "field '%s' is column %s in the events of "
					  "one base rule and %s in another; one ES|QL query reads each "
					  "event once, so they must be one column", c->field,
					  in->value_column[0], in->value_column[i]);
	}
	return true;
}

/* The source, the rule columns, and the rows some rule matched, one per event. */
static void
source(const struct corr_input *in, const struct esql_parts *parts, struct buf *out)
{
	const struct correlation *c = in->c;
	struct buf fields = {0};	/* each field once, though several rules split it */
	for (int i = 0; i < c->nrules; i++)
		for (const char *f = parts[i].expand; f && *f; f = strchr(f, '\n') + 1) {
			size_t n = strcspn(f, "\n") + 1;
			bool seen = false;
			for (const char *g = fields.data; g && *g && !seen; g = strchr(g, '\n') + 1)
				seen = !strncmp(f, g, n);
			if (!seen)
				buf_putn(&fields, f, n);
		}
	bool expand = fields.len > 0;
	buf_printf(out, "FROM %s%s", parts[0].index, expand ? " METADATA _index, _id" : "");
	for (const char *f = fields.data; f && *f; f = strchr(f, '\n') + 1) {
		pipe(in, out);
		buf_printf(out, "MV_EXPAND %.*s", (int)strcspn(f, "\n"), f);
	}
	buf_free(&fields);
	pipe(in, out);
	buf_puts(out, "EVAL ");
	for (int i = 0; i < c->nrules; i++) {
		if (i)
			buf_puts(out, in->compact ? ", " : ",\n    ");
		buf_printf(out, "sigma_r%d = CASE(", i);
		if (parts[i].where)
			buf_printf(out, "(%s) AND ", parts[i].where);
		buf_printf(out, "(%s), 1, 0)", parts[i].expr);
	}
	pipe(in, out);
	buf_puts(out, "WHERE ");
	for (int i = 0; i < c->nrules; i++)
		buf_printf(out, "%ssigma_r%d == 1", i ? " OR " : "", i);
	if (!expand)
		return;
	pipe(in, out);
	buf_puts(out, "STATS ");
	esql_rule_maxima(c, out);
	buf_puts(out, " BY _index, _id, `@timestamp`");
	columns(in, true, out);
}

/* The aggregation per window and group; *column is what the condition tests. */
static void
aggregate(struct diag *d, const struct corr_input *in, struct buf *out, const char **column)
{
	const struct correlation *c = in->c;
	const char *fn = NULL;
	*column = NULL;
	if (c->field) {
		pipe(in, out);
		buf_puts(out, c->type == CORR_VALUE_COUNT ? "WHERE " : "EVAL sigma_value = TO_DOUBLE(");
		esql_name(out, in->value_column[0]);
		buf_puts(out, c->type == CORR_VALUE_COUNT ? " IS NOT NULL" : ")");
	}
	pipe(in, out);
	switch (c->type) {
	case CORR_EVENT_COUNT:
		*column = "event_count";
		buf_puts(out, "STATS event_count = COUNT(*)");
		by_window(in, false, out);
		return;
	case CORR_VALUE_COUNT:
		*column = "value_count";
		buf_puts(out, "STATS sigma_events = COUNT(*)");
		by_window(in, true, out);
		pipe(in, out);
		buf_puts(out, "STATS value_count = COUNT(*) BY sigma_window");
		group_list(in, out);
		return;
	case CORR_TEMPORAL:
		buf_puts(out, "STATS ");
		esql_rule_maxima(c, out);
		by_window(in, false, out);
		if (c->cond) {
			pipe(in, out);
			buf_puts(out, "WHERE ");
			corr_cond_write(out, c, c->cond, "AND", "OR", "NOT ", "sigma_r%d == 1");
			return;
		}
		*column = "rule_count";
		pipe(in, out);
		buf_puts(out, "EVAL rule_count = ");
		for (int i = 0; i < c->nrules; i++)
			buf_printf(out, "%ssigma_r%d", i ? " + " : "", i);
		return;
	case CORR_VALUE_SUM: *column = "value_sum"; fn = "SUM(sigma_value)"; break;
	case CORR_VALUE_AVG: *column = "value_avg"; fn = "AVG(sigma_value)"; break;
	case CORR_VALUE_MEDIAN: *column = "value_median"; fn = "MEDIAN(sigma_value)"; break;
	case CORR_VALUE_PERCENTILE: *column = "value_percentile"; fn = "PERCENTILE"; break;
	case CORR_TEMPORAL_ORDERED: return;	/* refused by check() */
	}
	buf_printf(out, "STATS %s = ", *column);
	if (c->type == CORR_VALUE_PERCENTILE)
		buf_printf(out, "%s(sigma_value, %s)", fn, corr_percent(c));
	else
		buf_puts(out, fn);
	by_window(in, false, out);
	if (c->type == CORR_VALUE_PERCENTILE || c->type == CORR_VALUE_MEDIAN)
		corr_warn(d, in, c->type_pos, "%s is usually approximate in ES|QL, not the "
			     "exact %s percentile", c->type == CORR_VALUE_MEDIAN ? "MEDIAN()"
			     : "PERCENTILE()", corr_percent(c));
}

bool
corr_esql_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	struct esql_parts *parts = arena_alloc(a, sizeof(*parts) * (size_t)c->nrules);
	for (int i = 0; i < c->nrules; i++)
		if (!esql_parts(a, d, in->bases[i], in->compact, &parts[i]))
			return false;
	if (!check(d, in))
		return false;
	const char *column;
	source(in, parts, out);
	aggregate(d, in, out, &column);
	if (column) {
		pipe(in, out);
		buf_puts(out, "WHERE ");
		corr_condition(out, c, column, " AND ");
	}
	corr_warn_buckets(d, c, in->target, "BUCKET()");
	return true;
}
