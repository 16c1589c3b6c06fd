/*
 * corr_kql.c: correlation rules in KQL. Each base query becomes a `let`
 * statement; the branches are projected onto common columns (the event
 * time, the rule's label, the group-by fields under their Sigma names,
 * the condition field) and joined with `union`; `summarize ... by
 * bin(time, span)` aggregates per group and window, and `where` applies
 * the condition. Distinct counts use two summarize steps (distinct tuples,
 * then count()), which is exact; dcount() would be an estimate and
 * count_distinct() is not available in Defender XDR advanced hunting.
 *
 * Microsoft docs:
 *   https://learn.microsoft.com/en-us/kusto/query/summarize-operator
 *   https://learn.microsoft.com/en-us/kusto/query/bin-function
 *   https://learn.microsoft.com/en-us/kusto/query/union-operator
 *   https://learn.microsoft.com/en-us/kusto/query/let-statement
 *   https://learn.microsoft.com/en-us/kusto/query/count-distinct-aggregation-function
 *     (applies to Fabric, ADX, Azure Monitor, Sentinel only)
 *   Advanced hunting tables carry the event time in Timestamp, Log Analytics
 *   (Sentinel) tables in TimeGenerated:
 *   https://learn.microsoft.com/en-us/defender-xdr/advanced-hunting-schema-tables
 *
 * bin() makes fixed, clock-aligned windows: a warning says so. Types that
 * KQL cannot express exactly here are refused by name.
 *
 * temporal_ordered runs the union, sorted by group and time, through the
 * scan operator: one step per rule in the listed order, each requiring the
 * same group as the step before and a time within the window of the
 * sequence's first event. The window slides (it starts at each first
 * event), so no bucket warning applies. Each step keeps the latest start,
 * and the input is ordered by time, so a later start only widens what the
 * following steps may match.
 *   https://learn.microsoft.com/en-us/kusto/query/scan-operator
 *     (serialized input; `step Name output=none: Condition => Column = Value;`;
 *     StepName.Column reads a previous step's state; applies to Azure Data
 *     Explorer, Azure Monitor and Microsoft Sentinel)
 *   Defender XDR advanced hunting is not among those, and its language page
 *   (learn.microsoft.com/defender-xdr/advanced-hunting-query-language) lists
 *   common operators only and defers to the Kusto reference: scan is not
 *   documented there. The query is Sentinel's (the sentinel-rule format, also
 *   over the Defender XDR tables streamed to Sentinel); README says so, and
 *   the defender-detection format refuses correlations in any case. A warning
 *   says so on every temporal_ordered query.
 *   https://learn.microsoft.com/en-us/kusto/query/percentile-aggregation-function
 *     (percentile() estimates with T-Digest: a warning says so)
 *
 * Chains: an inner correlation becomes `let NAME = ...;` with its own base
 * queries before it (names PREFIX0, PREFIX1...), and its rows, with the
 * window's start as sigma_time and its group-by columns, are one branch of
 * the outer union.
 */
#include "backend.h"

#include <string.h>

/*
 * The time column of a base query's table: -O time_column=NAME, else the
 * pipeline's (time_field:, time_tables:, resolved into q->time_field), else
 * NULL, which the caller refuses.
 */
const char *
kql_time_column(const struct ir_options *o, const struct query *q)
{
	const char *t = ir_option(o, "time_column");
	return t ? t : q ? q->time_field : NULL;
}

static const char *
kql_name(struct arena *a, const char *s)
{
	if (corr_plain_name(s))
		return s;
	struct buf b = {0};
	buf_putc(&b, '[');
	corr_quote(&b, '\'', s);
	buf_putc(&b, ']');
	char *r = arena_strdup(a, b.data);
	buf_free(&b);
	return r;
}

static const char *
kql_string(struct arena *a, const char *s)
{
	struct buf b = {0};
	corr_quote(&b, '"', s);
	char *r = arena_strdup(a, b.data);
	buf_free(&b);
	return r;
}

static void
branch(struct arena *a, const struct corr_input *in, int i, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *time = c->chain[i] ? "sigma_time"
			   : kql_name(a, kql_time_column(&in->options, in->bases[i]));
	buf_printf(out, "%s%d\n    | project sigma_time = %s, sigma_rule = %s", in->prefix, i, time,
		   kql_string(a, corr_entry_label(c, i)));
	for (int g = 0; g < c->ngroup; g++)
		buf_printf(out, ", %s = %s", kql_name(a, c->group_by[g]),
			   kql_name(a, in->columns[i][g]));
	if (in->value_column[i])
		buf_printf(out, ", sigma_value = %s", kql_name(a, in->value_column[i]));
}

static void
group_list(struct arena *a, const struct correlation *c, struct buf *out)
{
	for (int g = 0; g < c->ngroup; g++)
		buf_printf(out, ", %s", kql_name(a, c->group_by[g]));
}

/* temporal_ordered: the scan steps; the rows left are complete sequences. */
static void
ordered(struct arena *a, const struct correlation *c, struct buf *out)
{
	const char *span = corr_span(a, c->seconds);
	buf_puts(out, "\n| sort by ");
	for (int g = 0; g < c->ngroup; g++)
		buf_printf(out, "%s asc, ", kql_name(a, c->group_by[g]));
	buf_puts(out, "sigma_time asc\n| scan declare (sigma_start: datetime) with (");
	for (int i = 0; i < c->nrules; i++) {
		buf_printf(out, "\n    step s%d%s: sigma_rule == %s", i,
			   i + 1 < c->nrules ? " output=none" : "",
			   kql_string(a, corr_entry_label(c, i)));
		if (i == 0) {
			buf_puts(out, " => sigma_start = sigma_time;");
			continue;
		}
		buf_printf(out, " and sigma_time - s%d.sigma_start <= %s", i - 1, span);
		for (int g = 0; g < c->ngroup; g++)
			buf_printf(out, " and %s == s%d.%s", kql_name(a, c->group_by[g]), i - 1,
				   kql_name(a, c->group_by[g]));
		buf_printf(out, " => sigma_start = s%d.sigma_start;", i - 1);
	}
	buf_puts(out, "\n)\n| project sigma_time = sigma_start");
}

/* temporal with a boolean condition: per window and group, how many events
 * of each rule, then the condition over "rule i matched" (sigma_ri > 0). */
static void
expression(struct arena *a, const struct corr_input *in, const char *window, struct buf *out)
{
	const struct correlation *c = in->c;
	buf_puts(out, "\n| summarize ");
	for (int i = 0; i < c->nrules; i++)
		buf_printf(out, "%ssigma_r%d = countif(sigma_rule == %s)", i ? ", " : "", i,
			   kql_string(a, corr_entry_label(c, i)));
	buf_printf(out, " by %s = bin(sigma_time, %s)", window, corr_span(a, c->seconds));
	group_list(a, c, out);
	buf_puts(out, "\n| where ");
	corr_cond_write(out, c, c->cond, "and", "or", "not", "sigma_r%d > 0");
}

static bool
aggregate(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out,
	  const char **column)
{
	const struct correlation *c = in->c;
	const char *span = corr_span(a, c->seconds);
	/* a chain's input keeps the window's start under the one name it reads */
	const char *window = in->inner_name ? "sigma_time" : "sigma_window";
	*column = NULL;
	switch (c->type) {
	case CORR_EVENT_COUNT:
		*column = "event_count";
		buf_printf(out, "\n| summarize event_count = count() by bin(sigma_time, %s)", span);
		break;
	case CORR_VALUE_COUNT:
		*column = "value_count";
		buf_printf(out, "\n| where isnotempty(sigma_value)\n| summarize by %s = "
			   "bin(sigma_time, %s)", window, span);
		group_list(a, c, out);
		buf_printf(out, ", sigma_value\n| summarize value_count = count() by %s", window);
		break;
	case CORR_TEMPORAL:
		if (c->cond) {
			expression(a, in, window, out);
			*column = NULL;
			return true;
		}
		*column = "rule_count";
		buf_printf(out, "\n| summarize by %s = bin(sigma_time, %s)", window, span);
		group_list(a, c, out);
		buf_printf(out, ", sigma_rule\n| summarize rule_count = count() by %s", window);
		break;
	case CORR_TEMPORAL_ORDERED:
		if (!corr_ordered_check(d, c, in->target))
			return false;
		*column = NULL;
		ordered(a, c, out);
		/* see the header: scan is documented where Sentinel runs, not for advanced hunting */
		corr_warn(d, in, c->type_pos, "temporal_ordered uses the scan operator, which "
			  "Microsoft documents for Sentinel, Azure Monitor and Azure Data Explorer "
			  "but not for Defender XDR advanced hunting: deploy it as a Sentinel rule");
		break;
	case CORR_VALUE_PERCENTILE:
	case CORR_VALUE_MEDIAN:
		*column = c->type == CORR_VALUE_MEDIAN ? "value_median" : "value_percentile";
		buf_printf(out, "\n| summarize %s = percentile(todouble(sigma_value), %s) by "
			   "bin(sigma_time, %s)", *column, corr_percent(c), span);
		corr_warn(d, in, c->type_pos, "percentile() is an estimate (T-Digest), not the "
			     "exact %s percentile", corr_percent(c));
		break;
	case CORR_VALUE_SUM:
	case CORR_VALUE_AVG:
		*column = c->type == CORR_VALUE_SUM ? "value_sum" : "value_avg";
		buf_printf(out, "\n| summarize %s = %s(todouble(sigma_value)) by bin(sigma_time, %s)",
			   *column, c->type == CORR_VALUE_SUM ? "sum" : "avg", span);
		break;
	}
	group_list(a, c, out);
	return true;
}

/* The base queries as lets; a chain's inner correlation brings its own. */
static void
lets(const struct corr_input *in, struct buf *out)
{
	for (int i = 0; i < in->c->nrules; i++)
		if (in->c->chain[i])
			buf_printf(out, "%s\n", in->queries[i]);
		else
			buf_printf(out, "let %s%d = %s;\n", in->prefix, i, in->queries[i]);
}

bool
corr_kql_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *column = NULL;
	struct buf agg = {0};
	bool ok = aggregate(a, d, in, &agg, &column);
	for (int i = 0; ok && i < c->nrules; i++)
		if (!c->chain[i] && !kql_time_column(&in->options, in->bases[i]))
			ok = corr_fail(d, in, c->pos, "rule %d's pipeline names no time column "
				       "(time_field:); -O time_column=NAME names it", i + 1);
	if (ok) {
		lets(in, out);
		if (in->inner_name)
			buf_printf(out, "let %s = ", in->inner_name);
		if (c->nrules > 1)
			buf_puts(out, "union\n");
		for (int i = 0; i < c->nrules; i++) {
			buf_puts(out, c->nrules > 1 ? (i ? ",\n    (" : "    (") : "");
			branch(a, in, i, out);
			buf_puts(out, c->nrules > 1 ? ")" : "");
		}
		buf_putn(out, agg.data, agg.len);
		if (column)
			corr_where(out, c, column, "\n    and");
		if (in->inner_name)
			buf_putc(out, ';');
		if (c->type != CORR_TEMPORAL_ORDERED)
			corr_warn_buckets(d, c, in->target, "bin()");
	}
	buf_free(&agg);
	return ok;
}
