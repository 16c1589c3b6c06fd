/*
 * corr_sumo.c: correlation rules as Sumo Logic Cloud SIEM rules. CSE has no
 * query for a correlation: its rule types are the construct, so the output
 * is the rule object (JSON, one key a line), in the field names of Sumo
 * Logic's own content export:
 *   - threshold (event_count, value_count with "at least N"): `expression`,
 *     `limit`, `count_distinct` + `count_field`, `group_by_fields`;
 *   - chain (temporal, temporal_ordered): `expressions_and_limits` (each base
 *     rule's expression with limit 1), `ordered`, `group_by_fields`;
 *   - aggregation (value_sum, value_avg, and counts with any other
 *     condition): `match_expression`, `aggregation_functions` (name,
 *     function, arguments), `trigger_expression`, `group_by_fields`;
 * each with `window` "CUSTOM" and `window_size` in milliseconds.
 *
 * Sumo Logic sources:
 *   github.com/SumoLogic/cloud-siem-content-catalog, audit/rules.json (the
 *     published rules: THRESHOLD-S00003 count_distinct/count_field/limit,
 *     CHAIN-S00002 expressions_and_limits/ordered, AGGREGATION-S00002
 *     aggregation_functions/trigger_expression, CHAIN-S00014 window CUSTOM)
 *   https://www.sumologic.com/help/docs/cse/rules/write-threshold-rule/
 *     ("fires when its rule expression is matched at least a certain number of
 *     times during a specified length of time")
 *   https://www.sumologic.com/help/docs/cse/rules/write-aggregation-rule/
 *   https://www.sumologic.com/help/docs/cse/rules/write-chain-rule/
 *
 * A threshold counts "at least N", so other count conditions become
 * aggregation rules; a chain needs every rule, so other temporal conditions
 * are refused, as is value_percentile.
 */
#include "backend.h"

#include <string.h>

static void
key(struct buf *out, const char *name)
{
	buf_printf(out, ",\n    \"%s\": ", name);
}

/* The base rules' expressions OR-ed (one rule: its expression). */
static void
any_rule(struct buf *out, const struct corr_input *in)
{
	struct buf e = {0};
	for (int i = 0; i < in->c->nrules; i++)
		buf_printf(&e, in->c->nrules > 1 ? "%s(%s)" : "%s%s", i ? " OR " : "",
			   in->queries[i]);
	corr_json_string(out, e.data);
	buf_free(&e);
}

static void
group_by(struct buf *out, const struct corr_input *in)
{
	key(out, "group_by_fields");
	buf_putc(out, '[');
	for (int g = 0; g < in->c->ngroup; g++) {
		buf_puts(out, g ? ", " : "");
		corr_json_string(out, in->columns[0][g]);
	}
	buf_putc(out, ']');
}

static void
threshold(struct buf *out, const struct corr_input *in, long long limit)
{
	bool distinct = in->c->type == CORR_VALUE_COUNT;
	key(out, "expression");
	any_rule(out, in);
	key(out, "count_distinct");
	buf_puts(out, distinct ? "true" : "false");
	if (distinct) {
		key(out, "count_field");
		corr_json_string(out, in->value_column[0]);
	}
	key(out, "limit");
	buf_printf(out, "%lld", limit);
}

static void
chain(struct buf *out, const struct corr_input *in)
{
	key(out, "expressions_and_limits");
	buf_putc(out, '[');
	for (int i = 0; i < in->c->nrules; i++) {
		buf_puts(out, i ? ",\n        {\"expression\": " : "\n        {\"expression\": ");
		corr_json_string(out, in->queries[i]);
		buf_puts(out, ", \"limit\": 1}");
	}
	buf_puts(out, "\n    ]");
	key(out, "ordered");
	buf_puts(out, in->c->type == CORR_TEMPORAL_ORDERED ? "true" : "false");
}

static void
aggregation(struct buf *out, const struct corr_input *in)
{
	static const char *const names[][2] = {
		[CORR_EVENT_COUNT] = {"event_count", "count"},
		[CORR_VALUE_COUNT] = {"value_count", "count_distinct"},
		[CORR_VALUE_SUM] = {"value_sum", "sum"},
		[CORR_VALUE_AVG] = {"value_avg", "avg"},
	};
	const struct correlation *c = in->c;
	key(out, "match_expression");
	any_rule(out, in);
	key(out, "aggregation_functions");
	buf_printf(out, "[{\"name\": \"%s\", \"function\": \"%s\", \"arguments\": [",
		   names[c->type][0], names[c->type][1]);
	if (c->type != CORR_EVENT_COUNT)
		corr_json_string(out, in->value_column[0]);
	buf_puts(out, "]}]");
	struct buf trig = {0};
	corr_condition(&trig, c, names[c->type][0], " AND ");
	key(out, "trigger_expression");
	corr_json_string(out, trig.data);
	buf_free(&trig);
}

static bool
check(struct diag *d, const struct corr_input *in)
{
	const struct correlation *c = in->c;
	if (c->type == CORR_VALUE_PERCENTILE || c->type == CORR_VALUE_MEDIAN)
		return corr_refuse(d, in, "Cloud SIEM aggregation rules have no percentile "
				   "function");
	if ((c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED) &&
	    (c->expression || !corr_needs_all(c)))
		return corr_refuse(d, in, "a chain rule fires when every one of its "
				   "expressions matched; another condition cannot be expressed");
	if (!corr_same_columns(in))
		return corr_fail(d, in, c->pos, "a group-by field is a different field in each "
				  "base rule; group_by_fields names one field");
	for (int g = 0; g < c->ngroup; g++)
		if (!strncmp(in->columns[0][g], "fields[", 7))
			return corr_fail(d, in, c->pos, "group-by field '%s' is the raw field %s, "
					  "not a record field group_by_fields can name", c->group_by[g],
					  in->columns[0][g]);
	for (int i = 1; c->field && i < c->nrules; i++)
		if (strcmp(in->value_column[i], in->value_column[0]))
			return corr_fail(d, in, c->pos, "the correlation field '%s' is a different "
					  "field in each base rule", c->field);
	return true;
}

bool
corr_sumo_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	(void)a;
	const struct correlation *c = in->c;
	if (!check(d, in))
		return false;
	long long limit = corr_at_least(c);
	bool counts = c->type == CORR_EVENT_COUNT || c->type == CORR_VALUE_COUNT;
	const char *pattern = c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED
				      ? "chain"
			      : counts && limit >= 1 ? "threshold" : "aggregation";
	buf_puts(out, "{\n    \"content_type\": \"RULE\"");
	key(out, "pattern_type");
	corr_json_string(out, pattern);
	key(out, "stream");
	buf_puts(out, "\"record\"");
	key(out, "name");
	corr_json_string(out, c->title);
	if (!strcmp(pattern, "chain"))
		chain(out, in);
	else if (!strcmp(pattern, "threshold"))
		threshold(out, in, limit);
	else
		aggregation(out, in);
	group_by(out, in);
	key(out, "window");
	buf_puts(out, "\"CUSTOM\"");
	key(out, "window_size");
	buf_printf(out, "%lld\n}", c->seconds * 1000);
	return true;
}
