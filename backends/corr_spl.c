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
		corr_quote(out, '"', corr_rule_label(c->rules[i]));
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

static bool
aggregate(struct diag *d, const struct correlation *c, struct buf *out, const char **column)
{
	switch (c->type) {
	case CORR_EVENT_COUNT: *column = "event_count"; buf_puts(out, "count"); break;
	case CORR_VALUE_COUNT: *column = "value_count"; buf_puts(out, "dc(sigma_value)"); break;
	case CORR_VALUE_SUM: *column = "value_sum"; buf_puts(out, "sum(sigma_value)"); break;
	case CORR_VALUE_AVG: *column = "value_avg"; buf_puts(out, "avg(sigma_value)"); break;
	case CORR_TEMPORAL:
		if (c->expression)
			return diag_error(d, c->type_pos, "spl: a temporal correlation with a boolean "
					  "condition expression is not supported");
		*column = "rule_count";
		buf_puts(out, "dc(sigma_rule)");
		break;
	default:
		/* temporal_ordered needs the order checked; perc and median are estimates */
		return diag_error(d, c->type_pos, "spl: correlation type '%s' is not supported",
				  corr_type_name(c->type));
	}
	buf_printf(out, " as %s by _time", *column);
	for (int g = 0; g < c->ngroup; g++)
		buf_printf(out, ", %s", c->group_by[g]);
	return true;
}

static bool
check_names(struct diag *d, const struct correlation *c)
{
	for (int g = 0; g < c->ngroup; g++)
		if (!corr_plain_name(c->group_by[g]))
			return diag_error(d, c->pos, "spl: group-by name '%s' is not a plain field "
					  "name; use an alias", c->group_by[g]);
	return true;
}

bool
corr_spl_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *column;
	struct buf agg = {0};
	bool ok = check_names(d, c) && aggregate(d, c, &agg, &column);
	bool tag = c->type == CORR_TEMPORAL;
	if (ok && c->nrules == 1) {
		buf_puts(out, in->queries[0]);
		renames(in, 0, tag, out);
	} else if (ok) {
		buf_puts(out, "| multisearch");
		for (int i = 0; i < c->nrules; i++) {
			buf_printf(out, "\n    [search %s", in->queries[i]);
			renames(in, i, tag, out);
			buf_putc(out, ']');
		}
	}
	if (ok) {
		if (c->type == CORR_VALUE_COUNT)
			buf_puts(out, "\n| where isnotnull(sigma_value)");
		buf_printf(out, "\n| bin _time span=%s\n| stats ", corr_span(a, c->seconds));
		buf_putn(out, agg.data, agg.len);
		corr_where(out, c, column, " AND");
		corr_warn_buckets(d, c, "spl", "bin");
	}
	buf_free(&agg);
	return ok;
}
