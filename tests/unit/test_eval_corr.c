/*
 * test_eval_corr.c: correlations in the evaluator: event times (ISO 8601,
 * offsets, Unix seconds, refusals) and the sliding window of each type at
 * its edges, each asserting a firing and a quiet stream.
 */
#include "correlation.h"
#include "eval.h"
#include "unit.h"

#include <stdio.h>

static long long
iso(const char *s)
{
	long long ms = -1;
	return time_parse_iso(s, strlen(s), &ms) ? ms : -1;
}

static void
times(void **state)
{
	(void)state;
	struct arena a = {0};
	/* 2026-12-03T10:00:00Z */
	const long long t0 = 1796292000000LL;
	assert_true(iso("2026-12-03T10:00:00Z") == t0);
	assert_true(iso("2026-12-03 10:00:00.000") == t0);		/* Sysmon UtcTime */
	assert_true(iso("2026-12-03t10:00:00z") == t0);
	assert_true(iso("2026-12-03T11:00:00+01:00") == t0);
	assert_true(iso("2026-12-03T04:30:00-0530") == t0);
	assert_true(iso("2026-12-03T10:00Z") == t0);			/* no seconds */
	assert_true(iso("2026-12-03") == t0 - 10 * 3600000LL);		/* a date: midnight */
	assert_true(iso("2026-12-03T10:00:00.5Z") == t0 + 500);
	assert_true(iso("2026-12-03T10:00:00.123456789Z") == t0 + 123);	/* to the millisecond */
	assert_true(iso("2024-02-29T00:00:00Z") > 0);			/* a leap day */
	assert_true(iso("1969-12-31T23:59:59Z") == -1000);
	/* refused, not guessed at */
	assert_true(iso("2026-02-29T00:00:00Z") == -1);			/* 2026 is no leap year */
	assert_true(iso("2026-13-01T00:00:00Z") == -1);
	assert_true(iso("2026-12-03T24:00:00Z") == -1);
	assert_true(iso("2026-12-03T10:00:00Zjunk") == -1);
	assert_true(iso("2026-12-03T10:00:00.Z") == -1);
	assert_true(iso("03/12/2026 10:00") == -1);
	assert_true(iso("2026-12-03T10:00:00+25:00") == -1);
	assert_string_equal(time_format(&a, t0), "2026-12-03T10:00:00Z");
	assert_string_equal(time_format(&a, t0 + 250), "2026-12-03T10:00:00.250Z");
	assert_string_equal(time_format(&a, -1000), "1969-12-31T23:59:59Z");
	assert_string_equal(time_format(&a, iso("2024-02-29T23:59:59Z")), "2024-02-29T23:59:59Z");
	arena_free(&a);
}

/* The time of an event (YAML text): ms, or -1 with the reason printed. */
static long long
event_ms(const char *event, const char *field)
{
	struct arena a = {0};
	struct source src = {"e.yml", event, strlen(event)};
	struct diag d = {.src = &src};
	struct ynode **docs;
	int n;
	struct event ev;
	long long ms = -1;
	const char *why = NULL;
	if (yaml_load(&src, &a, &d, &docs, &n) && event_from_node(&a, &d, docs[0], &ev) &&
	    !event_time(&a, &ev, field, &ms, &why)) {
		printf("# %s\n", why);
		ms = -1;
	}
	diag_clear(&d);
	arena_free(&a);
	return ms;
}

static void
event_times(void **state)
{
	(void)state;
	const long long t0 = 1796292000000LL;
	assert_true(event_ms("{'@timestamp': '2026-12-03T10:00:00Z'}", NULL) == t0);
	assert_true(event_ms("{Event: {EventData: {UtcTime: '2026-12-03 10:00:00.000'}}}", NULL) == t0);
	assert_true(event_ms("{Event: {System: {TimeCreated: {SystemTime: '2026-12-03T10:00:00.0000000Z'}}}}",
			     NULL) == t0);
	assert_true(event_ms("{ts: 1796292000}", NULL) == -1);		/* not a documented name */
	assert_true(event_ms("{ts: 1796292000}", "ts") == t0);		/* unless named */
	assert_true(event_ms("{ts: '1796292000.25'}", "ts") == t0 + 250);
	assert_true(event_ms("{'@timestamp': null}", NULL) == -1);
	assert_true(event_ms("{'@timestamp': true}", NULL) == -1);
	assert_true(event_ms("{'@timestamp': 'yesterday'}", NULL) == -1);
	/* the first documented name present wins */
	assert_true(event_ms("{UtcTime: '2026-12-03 11:00:00', '@timestamp': '2026-12-03T10:00:00Z'}",
			     NULL) == t0);
}

/*
 * Runs the correlation of rule_yaml (its last document) on the stream (one
 * event per line (NDJSON; YAML flow maps are read too), times in @timestamp); 1 fired, 0 not, -1 it
 * did not load. The explanation goes to why (static buffer).
 */
static char why_text[512];

static int
corr_fires(const char *rule_yaml, const char *stream)
{
	struct arena a = {0};
	struct source src = {"c.yml", rule_yaml, strlen(rule_yaml)};
	struct source es = {"s.ndjson", stream, strlen(stream)};
	struct diag d = {.src = &src};
	struct rule **rules;
	struct ynode **docs;
	struct correlation **cors;
	struct event *evs;
	int nrules, ndocs, ncors, nevs, result = -1;
	struct options o = {.target = "test"};
	struct corr_eval ce;
	if (rule_load_docs(&a, &d, &src, &rules, &nrules, &docs, &ndocs) &&
	    corr_load(&a, &d, NULL, "test.yml", docs, ndocs, rules, nrules, &cors, &ncors) && ncors == 1 &&
	    corrval_build(&a, &d, cors[0], &o, NULL, &ce) && events_load(&a, &d, &es, &evs, &nevs)) {
		const char *why;
		result = 1;
		for (int i = 0; i < nevs && result; i++)
			if (!corrval_feed(&a, &ce, &evs[i], NULL, &why)) {
				printf("# event %d: %s\n", i + 1, why);
				result = -1;
			}
		struct corr_outcome out;
		corrval_finish(&a, &ce, &out);
		snprintf(why_text, sizeof(why_text), "%s", out.why);
		if (result == 1)
			result = out.nfires > 0;
	}
	for (int i = 0; i < d.nmsgs; i++)
		printf("# %d:%d: %s\n", d.msgs[i].pos.line, d.msgs[i].pos.col, d.msgs[i].text);
	diag_clear(&d);
	arena_free(&a);
	return result;
}

#define BASE(name, id) \
	"title: " name "\nname: " name "\nlogsource: {category: test}\n" \
	"detection: {sel: {EventID: " #id "}, condition: sel}\n---\n"
#define FIRES(rule, stream) assert_int_equal(corr_fires(rule, stream), 1)
#define QUIET(rule, stream) assert_int_equal(corr_fires(rule, stream), 0)
#define CORR(body) "title: c\ncorrelation:\n" body
/* a flat event at minute:second past 10:00 */
#define EV(ms, id, more) "{'@timestamp': '2026-12-03T10:" ms "Z', EventID: " #id more "}\n"

static void
event_count_window(void **state)
{
	(void)state;
	const char *r = BASE("a", 1) CORR("  type: event_count\n  rules: [a]\n  group-by: [U]\n"
					    "  timespan: 1m\n  condition: {gte: 2}\n");
	/* half-open: 59.999 s apart share a window, 60 s apart do not */
	FIRES(r, EV("00:00", 1, ", U: x") EV("00:59.999", 1, ", U: x"));
	QUIET(r, EV("00:00", 1, ", U: x") EV("01:00", 1, ", U: x"));
	assert_string_equal(why_text, "no 1m window met the condition >= 2: the most was 1 event "
			    "(U='x': event 1 at 2026-12-03T10:00:00Z)");
	/* a missing group-by field is a group of its own, not a member of another */
	QUIET(r, EV("00:00", 1, ", U: x") EV("00:01", 1, ""));
	FIRES(r, EV("00:00", 1, "") EV("00:01", 1, ", U: null"));
	assert_string_equal(why_text, "U=missing: 2 events within 1m (event 1 at "
			    "2026-12-03T10:00:00Z to event 2 at 2026-12-03T10:00:01Z), condition >= 2");
	/* group values are compared exactly: 'x' and 'X' are two groups */
	QUIET(r, EV("00:00", 1, ", U: x") EV("00:01", 1, ", U: X"));
	/* a range: more than one and at most two */
	const char *range = BASE("a", 1) CORR("  type: event_count\n  rules: [a]\n  timespan: 1m\n"
						"  condition: {gt: 1, lte: 2}\n");
	FIRES(range, EV("00:00", 1, "") EV("00:01", 1, ""));
	QUIET(range, EV("00:00", 1, ""));
	/* an event the rule does not match needs no time */
	QUIET(r, "{EventID: 2}\n" EV("00:00", 1, ", U: x"));
	/* one the rule matches does */
	assert_int_equal(corr_fires(r, "{EventID: 1, U: x}\n"), -1);
}

static void
event_matched_twice_counts_once(void **state)
{
	(void)state;
	const char *r = BASE("a", 1) "title: b\nname: b\nlogsource: {category: test}\n"
			"detection: {sel: {U: x}, condition: sel}\n---\n"
			CORR("  type: event_count\n  rules: [a, b]\n  timespan: 1m\n"
			     "  condition: {gte: 2}\n");
	QUIET(r, EV("00:00", 1, ", U: x"));
	FIRES(r, EV("00:00", 1, ", U: x") EV("00:01", 3, ", U: x"));
}

static void
value_count_window(void **state)
{
	(void)state;
	const char *r = BASE("a", 1) CORR("  type: value_count\n  rules: [a]\n  timespan: 1m\n"
					    "  condition: {field: D, gte: 2}\n");
	FIRES(r, EV("00:00", 1, ", D: p") EV("00:10", 1, ", D: q"));
	QUIET(r, EV("00:00", 1, ", D: p") EV("00:10", 1, ", D: p"));
	/* events without the field add no value */
	QUIET(r, EV("00:00", 1, ", D: p") EV("00:10", 1, ""));
	/* the window slides: p leaves before r comes, q and r meet */
	FIRES(r, EV("00:00", 1, ", D: p") EV("01:00", 1, ", D: p")
				    EV("01:30", 1, ", D: q"));
}

static void
temporal_ordered_window(void **state)
{
	(void)state;
	const char *r = BASE("a", 1) BASE("b", 2) BASE("c", 3)
		CORR("  type: temporal_ordered\n  rules: [a, b, c]\n  timespan: 1m\n");
	FIRES(r, EV("00:00", 1, "") EV("00:01", 2, "") EV("00:02", 3, ""));
	QUIET(r, EV("00:00", 1, "") EV("00:01", 3, "") EV("00:02", 2, ""));
	assert_string_equal(why_text, "no 1m window met the condition >= 3: the most was 2 of 3 "
			    "rules in order (all events: event 1 at 2026-12-03T10:00:00Z to event 3 at "
			    "2026-12-03T10:00:02Z)");
	/* ties in time keep the input order */
	FIRES(r, EV("00:00", 1, "") EV("00:00", 2, "") EV("00:00", 3, ""));
	QUIET(r, EV("00:00", 2, "") EV("00:00", 1, "") EV("00:00", 3, ""));
	/* one event is one link of a chain, even when it matches two rules */
	const char *two = BASE("a", 1) "title: b\nname: b\nlogsource: {category: test}\n"
			  "detection: {sel: {U: x}, condition: sel}\n---\n"
			  CORR("  type: temporal_ordered\n  rules: [a, b]\n  timespan: 1m\n");
	QUIET(two, EV("00:00", 1, ", U: x"));
	FIRES(two, EV("00:00", 1, ", U: x") EV("00:00", 1, ", U: x"));
	/* the chain must start inside the window that ends with its last link */
	QUIET(r, EV("00:00", 1, "") EV("00:30", 2, "") EV("01:00", 3, ""));
	FIRES(r, EV("00:00", 1, "") EV("00:30", 1, "") EV("00:40", 2, "")
				    EV("01:00", 3, ""));
	/* temporal (unordered) fires on the same stream */
	const char *u = BASE("a", 1) BASE("b", 2) BASE("c", 3)
		CORR("  type: temporal\n  rules: [a, b, c]\n  timespan: 1m\n");
	FIRES(u, EV("00:00", 2, "") EV("00:00", 1, "") EV("00:00", 3, ""));
	QUIET(u, EV("00:00", 2, "") EV("00:00", 1, "") EV("01:00", 3, ""));
}

static void
numeric_windows(void **state)
{
	(void)state;
	const char *sum = BASE("a", 1) CORR("  type: value_sum\n  rules: [a]\n  timespan: 1m\n"
					      "  condition: {field: N, gte: 10}\n");
	FIRES(sum, EV("00:00", 1, ", N: 4") EV("00:01", 1, ", N: '6.0'"));
	QUIET(sum, EV("00:00", 1, ", N: 4") EV("00:01", 1, ", N: six"));
	const char *avg = BASE("a", 1) CORR("  type: value_avg\n  rules: [a]\n  timespan: 1m\n"
					      "  condition: {field: N, lt: 5}\n");
	FIRES(avg, EV("00:00", 1, ", N: 8") EV("00:01", 1, ", N: 1"));
	QUIET(avg, EV("00:00", 1, ", N: 8") EV("00:01", 1, ", N: 6"));
	/* no numeric value at all: nothing to measure */
	QUIET(avg, EV("00:00", 1, ", N: x"));
	assert_string_equal(why_text, "no window had a value of N to measure");
	const char *med = BASE("a", 1) CORR("  type: value_median\n  rules: [a]\n  timespan: 1m\n"
					      "  condition: {field: N, gte: 5}\n");
	FIRES(med, EV("00:00", 1, ", N: 1") EV("00:01", 1, ", N: 5")
				    EV("00:02", 1, ", N: 9"));
	QUIET(med, EV("00:00", 1, ", N: 1") EV("00:01", 1, ", N: 2")
				    EV("00:02", 1, ", N: 9"));
	/* the window slides: 1 and 2 leave, 9 and 7 remain (median by nearest rank: 7) */
	FIRES(med, EV("00:00", 1, ", N: 1") EV("00:01", 1, ", N: 2")
				    EV("01:00.5", 1, ", N: 9") EV("01:01", 1, ", N: 7"));
	assert_string_equal(why_text, "all events: median of N 7 within 1m (event 3 at "
			    "2026-12-03T10:01:00.500Z to event 4 at 2026-12-03T10:01:01Z), condition >= 5");
	/* equal values are counted each: 3, 3, 3, 9 has the median 3 */
	QUIET(med, EV("00:00", 1, ", N: 3") EV("00:01", 1, ", N: 3")
				    EV("00:02", 1, ", N: 9") EV("00:03", 1, ", N: 3"));
	const char *p75 = BASE("a", 1) CORR("  type: value_percentile\n  rules: [a]\n  timespan: 1m\n"
					      "  condition: {field: N, percentile: 75, gte: 9}\n");
	FIRES(p75, EV("00:00", 1, ", N: 3") EV("00:01", 1, ", N: 3")
				    EV("00:02", 1, ", N: 9") EV("00:03", 1, ", N: 9"));
	QUIET(p75, EV("00:00", 1, ", N: 3") EV("00:01", 1, ", N: 3")
				    EV("00:02", 1, ", N: 3") EV("00:03", 1, ", N: 9"));
	/* the percentile's number is needed: the spec leaves its default open */
	const char *pct = BASE("a", 1) CORR("  type: value_percentile\n  rules: [a]\n  timespan: 1m\n"
					      "  condition: {field: N, gte: 5}\n");
	assert_int_equal(corr_fires(pct, EV("00:00", 1, ", N: 1")), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(times),
		cmocka_unit_test(event_times),
		cmocka_unit_test(event_count_window),
		cmocka_unit_test(event_matched_twice_counts_once),
		cmocka_unit_test(value_count_window),
		cmocka_unit_test(temporal_ordered_window),
		cmocka_unit_test(numeric_windows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
