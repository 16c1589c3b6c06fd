/*
 * corr_yaral.c: correlation rules as YARA-L 2.0 multi-event rules. The
 * events: section holds the base rules' predicates (from their compiled
 * rules: the text between `events:` and `condition:`), the group-by
 * fields become placeholders joined to each event variable, match:
 * groups by them `over` the timespan, and condition: tests the count
 * (`#e >= N`) or an outcome variable (count_distinct, sum, avg). Several
 * rules feeding one count are OR-ed under one event variable; the temporal
 * types give each rule its own variable ($e0, $e1, ...) and need all of
 * them, ordered ones with timestamp comparisons and a sliding window
 * (`over SPAN after $e0`) anchored on the first event.
 *
 * Google SecOps docs:
 *   https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-syntax
 *     (meta/events/match/outcome/condition sections, placeholders, `#e`
 *     counts, outcome conditionals in the condition)
 *   https://docs.cloud.google.com/chronicle/docs/yara-l/windowing-logic
 *     (hop windows `$key over D`: fixed, overlapping intervals; sliding
 *     windows `$key over D after $pivot`)
 *   https://docs.cloud.google.com/chronicle/docs/yara-l/match-syntax
 *     (match windows from 1m to 48h)
 *   https://cloud.google.com/chronicle/docs/investigation/statistics-aggregations-in-udm-search
 *     (the YARA-L aggregate functions: count_distinct, sum, avg, ...)
 *   github.com/chronicle/detection-rules (multi-event rules written this way)
 *
 * Hop windows are not sliding: a warning says so. Event timestamps compare
 * in seconds (the .seconds of the data model's event_time field): a warning
 * says events of one second are not ordered. The rule around the sections
 * (name, meta:) is the format template's.
 */
#include "backend.h"

#include <ctype.h>
#include <string.h>

#define MIN_WINDOW 60		/* the shortest match window */
#define MAX_WINDOW (48 * 3600)	/* the longest */

/* The end of the literal opening at s (a "string" or a /regex/, backslash escapes). */
static const char *
literal_end(const char *s)
{
	char close = *s;
	for (s++; *s && *s != close; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

/*
 * A base rule's events: section (its compiled query) with $e renamed var. A
 * top-level conjunct (a line indented 4, after the first) gets an explicit
 * "and" when joined: inside parentheses a new line is no implicit and.
 */
static const char *
events_of(struct arena *a, const char *query, const char *var, bool joined)
{
	struct buf b = {0};
	for (const char *s = query; *s;) {
		if (*s == '"' || *s == '/') {
			const char *e = literal_end(s);
			buf_putn(&b, s, (size_t)(e - s));
			s = e;
		} else if (!strncmp(s, "$e.", 3)) {
			buf_printf(&b, "$%s.", var);
			s += 3;
		} else if (joined && *s == '\n' && !strncmp(s + 1, "    ", 4) && s[5] != ' ' &&
			   strncmp(s + 5, "and ", 4) && strncmp(s + 5, "or ", 3)) {
			buf_puts(&b, "\n    and ");
			s += 5;
		} else {
			buf_putc(&b, *s++);
		}
	}
	const char *r = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return r;
}

/* $VAR.COLUMN = $key for each group-by field. */
static void
joins(const struct corr_input *in, int i, const char *var, const char *const *keys,
      struct buf *out)
{
	for (int g = 0; g < in->c->ngroup; g++)
		buf_printf(out, "\n    $%s.%s = $%s", var, in->columns[i][g], keys[g]);
}

/* The match: section, the group-by placeholders over the window. */
static void
match(struct arena *a, const struct corr_input *in, const char *const *keys, const char *after)
{
	struct buf out = {0};
	for (int g = 0; g < in->c->ngroup; g++)
		buf_printf(&out, "%s$%s", g ? ", " : "", keys[g]);
	buf_printf(&out, " over %s%s", corr_span(a, in->c->seconds), after);
	query_section_add(in->sections, "match", arena_strdup(a, out.data));
	buf_free(&out);
}

/*
 * The placeholder of a group-by field: its name's letters and digits, with
 * "key_" in front where it could be taken for an event variable ($e, $e0...)
 * or an outcome variable, or has no letter or digit.
 */
static const char *
placeholder(struct arena *a, const char *field)
{
	const char *k = corr_identifier(a, field, "");
	bool event = k[0] == 'e' && strspn(k + 1, "0123456789") == strlen(k + 1);
	if (!*k || event || !strncmp(k, "value_", 6))
		k = corr_identifier(a, field, "key_");
	return k;
}

/* Why the type or its condition has no exact YARA-L form, or NULL. */
static const char *
unsupported(const struct corr_input *in)
{
	const struct correlation *c = in->c;
	switch (c->type) {
	case CORR_TEMPORAL:
	case CORR_TEMPORAL_ORDERED:
		if (c->expression || !corr_needs_all(c))
			return "a multi-event rule needs every event variable; another condition "
			       "cannot be expressed";
		return NULL;
	case CORR_EVENT_COUNT:
		if (corr_at_least(c) < 1)
			return "a rule fires on events that exist (#e >= N); only 'at least N' "
			       "conditions can be expressed";
		break;
	case CORR_VALUE_COUNT:
	case CORR_VALUE_SUM:
	case CORR_VALUE_AVG:
		break;
	default:
		return "YARA-L has no percentile aggregate";
	}
	if (!corr_same_columns(in))
		return "several rules share one event variable, so a group-by field must be the "
		       "same UDM field in each";
	for (int i = 1; c->field && i < c->nrules; i++)
		if (strcmp(in->value_column[i], in->value_column[0]))
			return "several rules share one event variable, so the correlation field "
			       "must be the same UDM field in each";
	return NULL;
}

/* event_count, value_count, value_sum, value_avg: one event variable $e. */
static bool
aggregate(struct arena *a, struct diag *d, const struct corr_input *in, const char *const *keys,
	  struct buf *out)
{
	const struct correlation *c = in->c;
	for (int i = 0; i < c->nrules; i++) {
		const char *body = events_of(a, in->queries[i], "e", c->nrules > 1);
		if (c->nrules == 1)
			buf_puts(out, body);
		else
			buf_printf(out, i ? "\n    or (%s)" : "((%s)", body);
	}
	if (c->nrules > 1)
		buf_putc(out, ')');
	joins(in, 0, "e", keys, out);
	match(a, in, keys, "");
	if (c->type == CORR_EVENT_COUNT) {
		query_section_add(in->sections, "condition",
				  arena_printf(a, "#e >= %lld", corr_at_least(c)));
	} else {
		const char *name = c->type == CORR_VALUE_COUNT ? "value_count"
				   : c->type == CORR_VALUE_SUM ? "value_sum" : "value_avg";
		query_section_add(in->sections, "outcome", arena_printf(a, "$%s = %s($e.%s)", name,
				  c->type == CORR_VALUE_COUNT ? "count_distinct"
				  : c->type == CORR_VALUE_SUM ? "sum" : "avg", in->value_column[0]));
		struct buf cond = {0};
		buf_puts(&cond, "$e and ");
		corr_condition(&cond, c, arena_printf(a, "$%s", name), " and ");
		query_section_add(in->sections, "condition", arena_strdup(a, cond.data));
		buf_free(&cond);
	}
	corr_warn_window(d, in, "a hop window (fixed, overlapping intervals)");
	return true;
}

/*
 * The data model's event time (a datamodel entry with event_time: true), in
 * whole seconds as a timestamp compares; NULL when no base rule's pipeline
 * names one.
 */
static const char *
event_time(struct arena *a, const struct corr_input *in)
{
	for (int i = 0; i < in->c->nrules; i++) {
		const struct datamodel *dm = in->bases[i] ? in->bases[i]->model : NULL;
		for (unsigned k = 0; dm && k < dm->fields_count; k++)
			if (dm->fields[k].event_time)
				return arena_printf(a, "%s.seconds", dm->fields[k].field);
	}
	return NULL;
}

/* temporal, temporal_ordered: one event variable per rule, all required. */
static bool
temporal(struct arena *a, struct diag *d, const struct corr_input *in, const char *const *keys,
	 struct buf *out)
{
	const struct correlation *c = in->c;
	bool ordered = c->type == CORR_TEMPORAL_ORDERED;
	const char *time = ordered ? event_time(a, in) : NULL;
	if (ordered && !time)
		return corr_fail(d, in, c->type_pos, "ordering events needs their time: the "
				  "pipeline's datamodel names no field with event_time: true");
	for (int i = 0; i < c->nrules; i++) {
		const char *var = arena_printf(a, "e%d", i);
		buf_printf(out, "%s%s", i ? "\n    " : "", events_of(a, in->queries[i], var, false));
		joins(in, i, var, keys, out);
		if (ordered && i)
			buf_printf(out, "\n    $e%d.%s <= $e%d.%s", i - 1, time, i, time);
	}
	match(a, in, keys, ordered ? " after $e0" : "");
	struct buf cond = {0};
	for (int i = 0; i < c->nrules; i++)
		buf_printf(&cond, "%s$e%d", i ? " and " : "", i);
	query_section_add(in->sections, "condition", arena_strdup(a, cond.data));
	buf_free(&cond);
	if (ordered)
		corr_warn(d, in, c->type_pos, "event timestamps compare in whole seconds: "
			     "events of the same second are taken in either order");
	else
		corr_warn_window(d, in, "a hop window (fixed, overlapping intervals)");
	return true;
}

/*
 * The events: section into out, the match:, outcome: and condition: sections
 * into in->sections; the rule around them is the format template's
 * correlation body (templates/formats/yaral/rule.yml).
 */
bool
corr_yaral_render(struct arena *a, struct diag *d, const struct corr_input *in, struct buf *out)
{
	const struct correlation *c = in->c;
	const char *why = unsupported(in);
	if (why)
		return corr_refuse(d, in, why);
	if (!c->ngroup)
		return corr_fail(d, in, c->pos, "a multi-event rule groups by a placeholder "
				  "in its match section: give the correlation a group-by field");
	if (c->seconds < MIN_WINDOW || c->seconds > MAX_WINDOW)
		return corr_fail(d, in, c->timespan_pos, "the %s window is outside the 1m to "
				  "48h a match section allows", c->timespan);
	const char **keys = arena_alloc(a, sizeof(*keys) * (size_t)c->ngroup);
	for (int g = 0; g < c->ngroup; g++)
		keys[g] = placeholder(a, c->group_by[g]);
	return c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED
		       ? temporal(a, d, in, keys, out)
		       : aggregate(a, d, in, keys, out);
}
