/* test_template.c: the format template language: escaping, filters, sections, iteration. */
#include "unit.h"
#include "template.h"

static unsigned query_max;	/* the template's query_max while a test renders */

static char *
render(enum tpl_escape mode, char *body, const char *rule_yaml)
{
	struct arena a = {0};
	struct source src = {"t.yml", rule_yaml, strlen(rule_yaml)};
	struct diag d = {.src = &src};
	struct rule **rules;
	int n;
	struct buf out = {0};
	struct options o = {0};
	struct tpl_pair levels[] = {{"high", "High"}, {"low", "Low"}};
	struct tpl_map map = {.name = "severity", .from = "level", .fallback = "Medium",
			      .values = levels, .values_count = 2};
	struct template t = {.target = "kql", .format = "test", .maps = &map, .maps_count = 1,
			     .body = body, .mode = mode, .query_max = query_max};
	if (rule_load(&a, &d, &src, &rules, &n) && n == 1 &&
	    !template_render(&a, &d, &t, rules[0], "Q | where x\n", NULL, &o, &out))
		buf_printf(&out, "error: %s", d.msgs[0].text);
	diag_clear(&d);
	arena_free(&a);
	return out.data ? out.data : strdup("");
}

static const char rule[] = "title: 'A \"quoted\" \\ title'\nlevel: high\n"
			   "tags: [attack.execution, attack.t1059.001, attack.command-and-control]\n"
			   "logsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n";

#define ASSERT_RENDER(mode, body, want) do { \
	char body_[] = body; \
	char *got_ = render(mode, body_, rule); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void
escaping(void **state)
{
	(void)state;
	ASSERT_RENDER(TPL_JSON, "{{title}} {{tags}}",
		      "\"A \\\"quoted\\\" \\\\ title\" [\"attack.execution\", \"attack.t1059.001\", "
		      "\"attack.command-and-control\"]");
	ASSERT_RENDER(TPL_YAML, "{{title}} {{query}}", "\"A \\\"quoted\\\" \\\\ title\" \"Q | where x\"");
	ASSERT_RENDER(TPL_TEXT, "{{title}}", "A \"quoted\" \\ title");
	ASSERT_RENDER(TPL_JSON, "{{description}}", "\"\"");	/* missing: empty */
	/* a YARA-L literal: \ and " escaped, a list one literal, join's separator */
	ASSERT_RENDER(TPL_YARAL, "{{title}} {{tags}} {{tags|join ; }} {{title|raw}}",
		      "\"A \\\"quoted\\\" \\\\ title\" "
		      "\"attack.execution, attack.t1059.001, attack.command-and-control\" "
		      "\"attack.execution; attack.t1059.001; attack.command-and-control\" "
		      "A \"quoted\" \\ title");
	/* the rule's name as an identifier: [a-z0-9_], no '_' at either end */
	ASSERT_RENDER(TPL_TEXT, "{{identifier}}", "a_quoted_title");
}

/* A YARA-L literal holds one line: each run of blanks and control characters is one space. */
static void
yaral_literal(void **state)
{
	(void)state;
	char body[] = "{{description}}";
	char *got = render(TPL_YARAL, body, "title: t\nid: 9D7E1A20-6c3b-4f58-8e0d-3b2a1c4d5e22\n"
			   "description: \"  two\\n\\tlines\\x01 \"\n"
			   "logsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n");
	assert_string_equal(got, "\"two lines\"");
	free(got);
	char name[] = "{{identifier}}";
	got = render(TPL_TEXT, name, "title: 3 ways\nid: 9D7E1A20-6c3b-4f58-8e0d-3b2a1c4d5e22\n"
		     "logsource: {product: windows}\ndetection: {s: {a: b}, condition: s}\n");
	assert_string_equal(got, "r_3_ways_9d7e1a20");
	free(got);
}

static void
derived(void **state)
{
	(void)state;
	ASSERT_RENDER(TPL_JSON, "{{severity}} {{tactics}} {{tactic_ids}} {{techniques}} {{subtechniques}}",
		      "\"High\" [\"Execution\", \"CommandAndControl\"] [\"TA0002\", \"TA0011\"] "
		      "[\"T1059\"] [\"T1059.001\"]");
	ASSERT_RENDER(TPL_JSON, "{{subtechnique_ids}}", "[\"T1059.001\"]");
	ASSERT_RENDER(TPL_YAML, "{{query|block 2}}", "|-\n  Q | where x");
	ASSERT_RENDER(TPL_JSON, "[{{tactic_ids|prefix t:}}] {{tactics|first}} {{title|delete \"\\\\}}",
		      "[\"t:TA0002\", \"t:TA0011\"] \"Execution\" \"A quoted  title\"");
}

static void
sections(void **state)
{
	(void)state;
	ASSERT_RENDER(TPL_TEXT, "{{#description}}d{{/description}}{{^description}}none{{/description}}",
		      "none");
	ASSERT_RENDER(TPL_JSON, "[{{@tactic_ids}}[{{tactic_ids[]}}, {{tactic_names[]}}]{{/tactic_ids}}]",
		      "[[\"TA0002\", \"Execution\"], [\"TA0011\", \"Command and Control\"]]");
	ASSERT_RENDER(TPL_TEXT, "{{nope}}", "error: format kql/test: unknown placeholder 'nope'");
	ASSERT_RENDER(TPL_TEXT, "{{#level}}x", "error: format kql/test: section 'level' is not closed");
}

/* A format's longest query: the query "Q | where x" has 11 characters. */
static void
query_limit(void **state)
{
	(void)state;
	query_max = 11;
	ASSERT_RENDER(TPL_TEXT, "{{query}}", "Q | where x");
	query_max = 10;
	ASSERT_RENDER(TPL_TEXT, "{{query}}",
		      "error: the query is 11 characters long: format kql/test takes at most 10");
	query_max = 0;
}

/* A correlation's body: extra placeholders, a map over one, and a rule object's members. */
static void
extras(void **state)
{
	(void)state;
	struct arena a = {0};
	struct source src = {"t.yml", rule, strlen(rule)};
	struct diag d = {.src = &src};
	struct rule **rules;
	int n;
	struct buf out = {0};
	struct options o = {0};
	struct tpl_pair kinds[] = {{"aggregation", "yes"}};
	struct tpl_map map = {.name = "aggregation", .from = "pattern_type", .values = kinds,
			      .values_count = 1};
	struct template t = {.target = "sumo", .format = "test", .maps = &map, .maps_count = 1,
			     .body = "", .mode = TPL_JSON};
	struct tpl_extra x[] = {{"lookback", "20m"}, {"pattern_type", "aggregation"}};
	struct tpl_extra threshold[] = {{"pattern_type", "threshold"}};
	assert_true(rule_load(&a, &d, &src, &rules, &n) && n == 1);
	assert_true(template_render_body(&a, &d, &t, "{{lookback}} {{#aggregation}}agg{{/aggregation}} "
					 "[{{query|members}}, \"x\": 1]", rules[0],
					 " {\n  \"a\": 1,\n  \"b\": {}\n}\n", &o, x, 2, &out));
	assert_string_equal(out.data, "\"20m\" agg [\"a\": 1,\n  \"b\": {}, \"x\": 1]");
	out.len = 0;
	assert_true(template_render_body(&a, &d, &t, "{{^aggregation}}none{{/aggregation}}", rules[0],
					 "", &o, threshold, 1, &out));
	assert_string_equal(out.data, "none");
	buf_free(&out);
	diag_clear(&d);
	arena_free(&a);
}

/* -O severity=LEVEL:VALUE,...: the levels named (the last entry of a level wins), the others
 * as the map has them; a level or value outside the map's refused, naming the choices. */
static void
severity_option(void **state)
{
	(void)state;
	struct tpl_pair levels[] = {{"low", "Low"}, {"high", "High"}, {"critical", "High"}};
	struct tpl_map map = {.name = "severity", .from = "level", .fallback = "Medium",
			      .values = levels, .values_count = 3, .choices = NULL};
	struct tpl_option opt = {.name = "severity", .fallback = "", .map = "severity"};
	struct template t = {.target = "kql", .format = "test", .maps = &map, .maps_count = 1,
			     .options = &opt, .options_count = 1};
	const char *given[] = {"severity=critical:Low,high:Low,critical:High"};
	struct options o = {.backend_opts = given, .nbackend_opts = 1};
	struct arena a = {0};
	struct buf err = {0};
	assert_true(template_check_maps(&t, &o, &err));
	assert_string_equal(template_map_value(&a, &t, &map, &o, "critical"), "High");
	assert_string_equal(template_map_value(&a, &t, &map, &o, "high"), "Low");
	assert_string_equal(template_map_value(&a, &t, &map, &o, "low"), "Low");
	assert_string_equal(template_map_value(&a, &t, &map, &o, "medium"), "Medium");
	given[0] = "severity=high:Critical";
	assert_false(template_check_maps(&t, &o, &err));
	assert_string_equal(err.data, "sigmacc: -O severity=high:Critical: format kql/test: "
			    "'high:Critical' maps to none of Low|High\n");
	err.len = 0;
	given[0] = "severity=urgent:High";
	assert_false(template_check_maps(&t, &o, &err));
	assert_string_equal(err.data, "sigmacc: -O severity=urgent:High: format kql/test: "
			    "'urgent:High' names no level of low|high|critical\n");
	buf_free(&err);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(yaral_literal),
		cmocka_unit_test(derived),
		cmocka_unit_test(sections),
		cmocka_unit_test(extras),
		cmocka_unit_test(query_limit),
		cmocka_unit_test(severity_option),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
