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
 */
#include "backend.h"

#include <string.h>

/*
 * The time column of a base query's table; -O time_column=NAME overrides.
 * The advanced hunting tables (Device*, Email*, Identity*, Alert*, Cloud*,
 * UrlClickEvents, Behavior*) have Timestamp, in Defender XDR and when
 * streamed to Sentinel; the Log Analytics tables (SecurityEvent, Syslog,
 * the ASIM parsers...) have TimeGenerated.
 */
static const char *
time_column(const struct options *o, const char *table)
{
	static const char *const hunting[] = {"Device", "Email", "Identity", "Alert", "Cloud",
					      "UrlClickEvents", "Behavior"};
	const char *t = options_get(o, "time_column");
	if (t)
		return t;
	for (size_t i = 0; table && i < sizeof(hunting) / sizeof(hunting[0]); i++)
		if (!strncmp(table, hunting[i], strlen(hunting[i])))
			return "Timestamp";
	return "TimeGenerated";
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
	const char *time = kql_name(a, time_column(in->opts, in->tables[i]));
	buf_printf(out, "base_%d\n    | project sigma_time = %s, sigma_rule = %s", i, time,
		   kql_string(a, corr_rule_label(c->rules[i])));
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

static bool
aggregate(struct arena *a, struct diag *d, const struct correlation *c, struct buf *out,
	  const char **column)
{
	const char *span = corr_span(a, c->seconds);
	switch (c->type) {
	case CORR_EVENT_COUNT:
		*column = "event_count";
		buf_printf(out, "\n| summarize event_count = count() by bin(sigma_time, %s)", span);
		break;
	case CORR_VALUE_COUNT:
		*column = "value_count";
		buf_printf(out, "\n| where isnotempty(sigma_value)\n| summarize by sigma_window = "
			   "bin(sigma_time, %s)", span);
		group_list(a, c, out);
		buf_puts(out, ", sigma_value\n| summarize value_count = count() by sigma_window");
		break;
	case CORR_TEMPORAL:
		if (c->expression)
			return diag_error(d, c->type_pos, "kql: a temporal correlation with a boolean "
					  "condition expression is not supported");
		*column = "rule_count";
		buf_printf(out, "\n| summarize by sigma_window = bin(sigma_time, %s)", span);
		group_list(a, c, out);
		buf_puts(out, ", sigma_rule\n| summarize rule_count = count() by sigma_window");
		break;
	case CORR_VALUE_SUM:
	case CORR_VALUE_AVG:
		*column = c->type == CORR_VALUE_SUM ? "value_sum" : "value_avg";
		buf_printf(out, "\n| summarize %s = %s(todouble(sigma_value)) by bin(sigma_time, %s)",
			   *column, c->type == CORR_VALUE_SUM ? "sum" : "avg", span);
		break;
	default:
		/* temporal_ordered needs scan; percentile() and median are estimates */
		return diag_error(d, c->type_pos, "kql: correlation type '%s' is not supported",
				  corr_type_name(c->type));
	}
	group_list(a, c, out);
	return true;
}

bool
corr_kql_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *column;
	struct buf agg = {0};
	bool ok = aggregate(a, d, c, &agg, &column);
	if (ok) {
		for (int i = 0; i < c->nrules; i++)
			buf_printf(out, "let base_%d = %s;\n", i, in->queries[i]);
		if (c->nrules > 1)
			buf_puts(out, "union\n");
		for (int i = 0; i < c->nrules; i++) {
			buf_puts(out, c->nrules > 1 ? (i ? ",\n    (" : "    (") : "");
			branch(a, in, i, out);
			buf_puts(out, c->nrules > 1 ? ")" : "");
		}
		buf_putn(out, agg.data, agg.len);
		corr_where(out, c, column, "\n    and");
		corr_warn_buckets(d, c, "kql", "bin()");
	}
	buf_free(&agg);
	return ok;
}
