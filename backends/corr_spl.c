/*
 * corr_spl.c: correlation rules in SPL. One base search is used as it is;
 * several are run side by side with multisearch, each tagged with its rule
 * label. `eval` copies the mapped group-by fields to their Sigma names,
 * `bin _time span=...` buckets the events, `stats` aggregates per bucket
 * and group, and `where` applies the condition. dc() counts distinct
 * values exactly (estdc() would estimate).
 *
 * Splunk docs (Search Reference):
 *   https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Bin
 *   https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Stats
 *   https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Multisearch
 *     (every subsearch must be streaming: the base searches end in where/regex only)
 *   https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Aggregatefunctions
 *   eval: field names other than [A-Za-z0-9_] go in single quotes on the right side.
 *
 * bin makes fixed, clock-aligned windows: a warning says so. Types that SPL
 * cannot express exactly here are refused by name.
 */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

/* a field on the right side of eval */
static void
spl_field(struct buf *out, const char *name)
{
	if (corr_plain_name(name))
		buf_puts(out, name);
	else
		corr_quote(out, '\'', name);
}

/* eval NAME=COLUMN for each group-by column whose Sigma name differs */
static void
renames(const struct corr_input *in, int i, bool tag, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *sep = " | eval ";
	if (tag) {
		buf_puts(out, sep);
		buf_puts(out, "sigma_rule=");
		corr_quote(out, '"', corr_entry_label(c, i));
		sep = ", ";
	}
	for (int g = 0; g < c->ngroup; g++) {
		if (!strcmp(c->group_by[g], in->columns[i][g]))
			continue;
		buf_printf(out, "%s%s=", sep, c->group_by[g]);
		spl_field(out, in->columns[i][g]);
		sep = ", ";
	}
	if (in->value_column[i]) {
		buf_printf(out, "%ssigma_value=", sep);
		spl_field(out, in->value_column[i]);
	}
}

/*
 * One aggregate per rule: HEAD"<label>"TAIL, e.g. the first time of each
 * (temporal_ordered) or the count of each (a boolean condition). TAIL holds
 * one %d, the rule's index.
 */
static void
per_rule(const struct correlation *c, const char *head, const char *tail, struct buf *out)
{
	for (int i = 0; i < c->nrules; i++) {
		buf_printf(out, "%s%s", i ? ", " : "", head);
		corr_quote(out, '"', corr_entry_label(c, i));
		buf_printf(out, tail, i);
	}
}

static bool
aggregate(struct diag *d, const struct corr_input *in, struct buf *out, const char **column)
{
	const struct correlation *c = in->c;
	*column = NULL;
	switch (c->type) {
	case CORR_EVENT_COUNT: *column = "event_count"; buf_puts(out, "count"); break;
	case CORR_VALUE_COUNT: *column = "value_count"; buf_puts(out, "dc(sigma_value)"); break;
	case CORR_VALUE_SUM: *column = "value_sum"; buf_puts(out, "sum(sigma_value)"); break;
	case CORR_VALUE_AVG: *column = "value_avg"; buf_puts(out, "avg(sigma_value)"); break;
	case CORR_VALUE_PERCENTILE:
	case CORR_VALUE_MEDIAN: {
		double p = strtod(corr_percent(c), NULL);
		/* Aggregate functions: "floating point numbers from 1 to 99, such as 99.95" */
		if (p < 1 || p >= 100)
			return corr_fail(d, in, c->type_pos, "exactperc takes a percentile from 1 "
					  "to below 100, not %s", corr_percent(c));
		*column = c->type == CORR_VALUE_MEDIAN ? "value_median" : "value_percentile";
		buf_printf(out, "exactperc%s(sigma_value)", corr_percent(c));
		break;
	}
	case CORR_TEMPORAL:
		if (c->cond) {
			per_rule(c, "count(eval(sigma_rule=", ")) as sigma_r%d", out);
			break;
		}
		*column = "rule_count";
		buf_puts(out, "dc(sigma_rule)");
		break;
	case CORR_TEMPORAL_ORDERED:
		if (!corr_ordered_check(d, c, in->target))
			return false;
		per_rule(c, "min(eval(if(sigma_rule=", ", sigma_t, null()))) as sigma_t%d", out);
		corr_warn(d, in, c->type_pos, "temporal_ordered compares the first event of each "
			     "rule in the window (min(_time)): a sequence whose rules also fired out "
			     "of order earlier in the window is missed");
		break;
	}
	if (*column)
		buf_printf(out, " as %s", *column);
	buf_puts(out, " by _time");
	for (int g = 0; g < c->ngroup; g++)
		buf_printf(out, ", %s", c->group_by[g]);
	return true;
}

/* The test after stats. */
static void
condition(const struct correlation *c, const char *column, struct buf *out)
{
	if (column) {
		corr_where(out, c, column, " AND");
	} else if (c->type == CORR_TEMPORAL_ORDERED) {
		buf_puts(out, "\n| where ");
		for (int i = 1; i < c->nrules; i++)
			buf_printf(out, "%ssigma_t%d <= sigma_t%d", i > 1 ? " AND " : "", i - 1, i);
		if (c->nrules == 1)
			buf_puts(out, "isnotnull(sigma_t0)");
	} else {
		buf_puts(out, "\n| where ");
		corr_cond_write(out, c, c->cond, "AND", "OR", "NOT ", "sigma_r%d > 0");
	}
}

/* An inner correlation's search inside [ ]: a search of terms needs `search`. */
static void
subsearch(const struct corr_input *in, int i, bool tag, struct buf *out)
{
	const char *q = in->queries[i];
	buf_printf(out, "\n| append [%s%s", q[0] == '|' ? "" : "search ", q);
	renames(in, i, tag, out);
	buf_putc(out, ']');
}

/* The base searches (multisearch when several), then the appended chains. */
static void
inputs(struct diag *d, const struct corr_input *in, bool tag, struct buf *out)
{
	const struct correlation *c = in->c;
	int nbase = 0, first_chain = -1;
	for (int i = 0; i < c->nrules; i++) {
		nbase += !c->chain[i];
		if (c->chain[i] && first_chain < 0)
			first_chain = i;
	}
	if (nbase > 1)
		buf_puts(out, "| multisearch");
	for (int i = 0; i < c->nrules; i++) {
		if (c->chain[i])
			continue;
		buf_printf(out, nbase > 1 ? "\n    [search %s" : "%s", in->queries[i]);
		renames(in, i, tag, out);
		if (nbase > 1)
			buf_putc(out, ']');
	}
	for (int i = 0; i < c->nrules; i++) {
		if (!c->chain[i])
			continue;
		if (nbase == 0 && i == first_chain) {
			buf_puts(out, in->queries[i]);
			renames(in, i, tag, out);
			continue;
		}
		subsearch(in, i, tag, out);
		corr_warn(d, in, c->type_pos, "the chained correlation '%s' runs in an append "
			     "subsearch, whose results Splunk truncates (maxout, default 50,000 "
			     "rows; maxtime)", corr_entry_label(c, i));
	}
}

static bool
check_names(struct diag *d, const struct corr_input *in)
{
	const struct correlation *c = in->c;
	for (int g = 0; g < c->ngroup; g++)
		if (!corr_plain_name(c->group_by[g]))
			return corr_fail(d, in, c->pos, "group-by name '%s' is not a plain field "
					  "name; use an alias", c->group_by[g]);
	return true;
}

bool
corr_spl_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *column = NULL;
	struct buf agg = {0};
	bool ok = check_names(d, in) && aggregate(d, in, &agg, &column);
	bool tag = c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED;
	if (ok) {
		inputs(d, in, tag, out);
		if (c->type == CORR_VALUE_COUNT)
			buf_puts(out, "\n| where isnotnull(sigma_value)");
		if (c->type == CORR_TEMPORAL_ORDERED)
			buf_puts(out, "\n| eval sigma_t=_time");
		buf_printf(out, "\n| bin _time span=%s\n| stats ", corr_span(a, c->seconds));
		buf_putn(out, agg.data, agg.len);
		condition(c, column, out);
		corr_warn_buckets(d, c, in->target, "bin");
	}
	buf_free(&agg);
	return ok;
}
