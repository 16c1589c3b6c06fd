/*
 * corr_eql.c: correlation rules in EQL. EQL's correlation construct is the
 * sequence: `sequence by KEYS with maxspan=SPAN [q1] [q2] ...` matches
 * events of the listed queries, in that order, sharing the join keys, all
 * within SPAN of the first event. That is temporal_ordered exactly; when a
 * base rule names the keys differently, each query carries its own `by`.
 *
 * An event_count of one rule with "at least N" (2 <= N <= 100) is the same
 * sequence with the query repeated N times (`[q] with runs=N`): N events of
 * a group within SPAN of the first, a window that slides with the events.
 *
 * Elastic docs:
 *   https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html
 *     (sequences, `with maxspan`, `by` per query and `sequence by`, time units,
 *     escaping field names with backticks; pending sequences as a state machine;
 *     `runs`: the same criteria successively, a value from 1 to 100)
 *   https://elastic.co/docs/solutions/security/detect-and-alert/threshold
 *     (threshold rules: "language": "kuery" queries, `threshold.field/value/cardinality`)
 *
 * The other types and conditions are refused by name: EQL has no aggregation, its unordered
 * `sample` takes no time window, and Elastic's construct for counts, the
 * threshold rule, runs a KQL or Lucene query, not an EQL one.
 */
#include "backend.h"

/* The join keys, each written as eql.c writes a field name. */
static void
by_list(struct arena *a, struct buf *out, const char *const *columns, int n)
{
	for (int g = 0; g < n; g++) {
		buf_puts(out, g ? ", " : " by ");
		buf_puts(out, emit_name_of(a, &backend_eql, columns[g]));
	}
}

static bool
refuse(struct diag *d, const struct corr_input *in)
{
	const struct correlation *c = in->c;
	switch (c->type) {
	case CORR_EVENT_COUNT:
		return corr_refuse(d, in, "only one rule with 'at least N' events, N from 2 "
				   "to 100, is a sequence (`with runs=N`); EQL has no aggregation, and "
				   "Elastic's threshold rule runs a KQL or Lucene query, not EQL");
	case CORR_TEMPORAL:
		return corr_refuse(d, in, "EQL's unordered `sample` takes no time window "
				   "(maxspan), so the timespan cannot be expressed");
	case CORR_TEMPORAL_ORDERED:
		return corr_refuse(d, in, "an EQL sequence matches every listed rule in "
				   "order; a condition other than all of them cannot be expressed");
	default:
		return corr_refuse(d, in, "EQL has no aggregation, and Elastic's threshold "
				   "rule (counts, distinct counts) runs a KQL or Lucene query, not EQL");
	}
}

/* N events of one rule: the sequence of its query run N times. */
static bool
runs(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	long long n = corr_at_least(c);
	if (c->nrules != 1 || n < 2 || n > 100)
		return refuse(d, in);
	buf_puts(out, "sequence");
	by_list(a, out, in->columns[0], c->ngroup);
	buf_printf(out, " with maxspan=%s\n  [%s] with runs=%lld", corr_span(a, c->seconds),
		   in->queries[0], n);
	return true;
}

bool
corr_eql_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	if (c->type == CORR_EVENT_COUNT)
		return runs(a, d, in, out);
	if (c->type != CORR_TEMPORAL_ORDERED || c->expression || !corr_needs_all(c))
		return refuse(d, in);
	bool shared = corr_same_columns(in);
	buf_puts(out, "sequence");
	if (shared)
		by_list(a, out, in->columns[0], c->ngroup);
	buf_printf(out, " with maxspan=%s", corr_span(a, c->seconds));
	for (int i = 0; i < c->nrules; i++) {
		buf_printf(out, "\n  [%s]", in->queries[i]);
		if (!shared)
			by_list(a, out, in->columns[i], c->ngroup);
	}
	return true;
}
