/*
 * corr_logscale.c: correlation rules in LogScale (CrowdStrike Query
 * Language). Counts, distinct counts, sums and averages: the base query
 * (several: a `case` with one branch per rule), a window number computed
 * from @timestamp, groupBy() over the window and the group-by fields with
 * count(), sum() or avg(), and test() on the aggregate. A distinct count is
 * two groupBy() steps (distinct tuples, then count()), which is exact:
 * count(distinct=true) is an estimate. The temporal types are correlate():
 * one named query per base rule, joined on the group-by fields
 * (globalConstraints, or `<=>` links where a rule names them differently),
 * `within` the timespan, `sequence=true` for temporal_ordered.
 *
 * LogScale docs (library.humio.com/data-analysis):
 *   functions-groupby.html (field list, function list, `function=[]` for the
 *     distinct tuples, limit=max)
 *   functions-count.html ("distinct=true ... always uses an estimate")
 *   functions-sum.html, functions-avg.html, functions-test.html,
 *   functions-math-floor.html (`math:floor(field, as=...)`: a field in, a field out),
 *   syntax-expressions.html (`field := expression` with + - * /)
 *   functions-correlate.html (named queries `name: { ... } include: [...]`,
 *     `a <=> other.b` links, globalConstraints, sequence, within; correlate()
 *     must come first in the query)
 *
 * Window numbers are fixed, clock-aligned buckets: a warning says so.
 * correlate() takes every query of its pattern, so a temporal condition
 * other than "all rules" is refused, as is value_percentile.
 */
#include "backend.h"

#include <string.h>

/* A field name: bare when plain, else in double quotes (LogScale quoted field names). */
static void
ls_field(struct buf *out, const char *name)
{
	bool bare = *name != 0;
	for (const char *p = name; *p; p++)
		bare = bare && *p != ' ' && *p != '"' && *p != '\\' && *p != '|' && *p != ',' &&
		       *p != '(' && *p != ')' && *p != '[' && *p != ']' && *p != '=' && *p != ':';
	if (bare)
		buf_puts(out, name);
	else
		corr_quote(out, '"', name);
}

/*
 * A base query inside a case branch or a correlate() query, its lines
 * indented to the block (emitted literals hold no raw line break).
 */
static void
indented(struct buf *out, const char *query, const char *indent)
{
	buf_puts(out, indent);
	for (const char *p = query; *p; p++) {
		buf_putc(out, *p);
		if (*p == '\n')
			buf_puts(out, indent);
	}
}

/* Several base rules: a case with one branch each, renaming their columns to common names. */
static bool
needs_case(const struct corr_input *in)
{
	return in->c->nrules > 1;
}

/* The group column g (the Sigma name where a case renamed it, else the mapped one). */
static const char *
group_column(const struct corr_input *in, int g)
{
	return needs_case(in) ? in->c->group_by[g] : in->columns[0][g];
}

static const char *
value_column(const struct corr_input *in)
{
	return needs_case(in) ? "sigma_value" : in->value_column[0];
}

static void
selection(const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	if (!needs_case(in)) {
		buf_puts(out, in->queries[0]);
		return;
	}
	buf_puts(out, "case {");
	for (int i = 0; i < c->nrules; i++) {
		buf_putc(out, '\n');
		indented(out, in->queries[i], "    ");
		for (int g = 0; g < c->ngroup; g++) {
			buf_printf(out, "\n    | %s := ", c->group_by[g]);
			ls_field(out, in->columns[i][g]);
		}
		if (in->value_column[i]) {
			buf_puts(out, "\n    | sigma_value := ");
			ls_field(out, in->value_column[i]);
		}
		if (i + 1 < c->nrules)
			buf_putc(out, ';');	/* between branches */
	}
	buf_puts(out, "\n}");
}

static void
group_list(const struct corr_input *in, struct buf *out, bool value)
{
	buf_puts(out, "groupBy([sigma_window");
	for (int g = 0; g < in->c->ngroup; g++) {
		buf_puts(out, ", ");
		ls_field(out, group_column(in, g));
	}
	if (value) {
		buf_puts(out, ", ");
		ls_field(out, value_column(in));
	}
	buf_puts(out, "], function=");
}

static bool
aggregate(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	/* math:floor() takes a field, not an expression: the quotient goes in the field first */
	buf_printf(out, "\n| sigma_window := @timestamp / %lld\n| math:floor(sigma_window, "
		   "as=sigma_window)\n| ", c->seconds * 1000);
	const char *column;
	switch (c->type) {
	case CORR_EVENT_COUNT:
		column = "event_count";
		group_list(in, out, false);
		buf_puts(out, "count(as=event_count), limit=max)");
		break;
	case CORR_VALUE_COUNT:
		column = "value_count";
		group_list(in, out, true);
		buf_puts(out, "[], limit=max)\n| ");
		group_list(in, out, false);
		buf_puts(out, "count(as=value_count), limit=max)");
		break;
	case CORR_VALUE_SUM:
	case CORR_VALUE_AVG:
		column = c->type == CORR_VALUE_SUM ? "value_sum" : "value_avg";
		group_list(in, out, false);
		buf_printf(out, "%s(", c->type == CORR_VALUE_SUM ? "sum" : "avg");
		ls_field(out, value_column(in));
		buf_printf(out, ", as=%s), limit=max)", column);
		break;
	default:
		return corr_refuse(d, in, "percentile() is an estimate in LogScale (its accuracy parameter)");
	}
	buf_puts(out, "\n| test(");
	corr_condition(out, c, column, " and ");
	buf_putc(out, ')');
	corr_warn_window(d, in, arena_printf(a, "a fixed, clock-aligned bucket "
				  "(@timestamp / %lld)", c->seconds * 1000));
	return true;
}

/* correlate(): one query per rule, e0, e1, ..., joined on the group-by columns. */
static bool
sequence(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	if (c->expression || !corr_needs_all(c))
		return corr_refuse(d, in, "correlate() matches every query of its "
				   "pattern; another condition cannot be expressed");
	bool shared = corr_same_columns(in);
	buf_puts(out, "correlate(");
	for (int i = 0; i < c->nrules; i++) {
		buf_printf(out, "\n    e%d: {\n", i);
		indented(out, in->queries[i], "        ");
		for (int g = 0; i && !shared && g < c->ngroup; g++) {
			buf_puts(out, "\n        | ");
			ls_field(out, in->columns[i][g]);
			buf_puts(out, " <=> ");
			ls_field(out, arena_printf(a, "e0.%s", in->columns[0][g]));
		}
		buf_puts(out, "\n    } include: [");
		for (int g = 0; g < c->ngroup; g++) {
			buf_puts(out, g ? ", " : "");
			ls_field(out, in->columns[i][g]);
		}
		buf_puts(out, "],");
	}
	if (shared && c->ngroup) {
		buf_puts(out, "\n    globalConstraints=[");
		for (int g = 0; g < c->ngroup; g++) {
			buf_puts(out, g ? ", " : "");
			ls_field(out, in->columns[0][g]);
		}
		buf_puts(out, "],");
	}
	buf_printf(out, "\n    sequence=%s, within=%s)",
		   c->type == CORR_TEMPORAL_ORDERED ? "true" : "false", corr_span(a, c->seconds));
	return true;
}

bool
corr_logscale_render(struct arena *a, struct diag *d, const struct corr_input *in,
		     struct buf *out)
{
	const struct correlation *c = in->c;
	if (c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED)
		return sequence(a, d, in, out);
	struct buf agg = {0};
	bool ok = aggregate(a, d, in, &agg);
	if (ok) {
		selection(in, out);
		buf_putn(out, agg.data, agg.len);
	}
	buf_free(&agg);
	return ok;
}
