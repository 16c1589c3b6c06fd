/* test_normalize.c: modifier semantics and boolean structure of the IR. */
#include "unit.h"

static void
structure(void **state)
{
	(void)state;
	ASSERT_IR("    sel_a: {A: x}\n    sel_b: {B: y}\n    filter: {C: z}\n"
		  "    condition: 1 of sel_* and not filter\n",
		  "(and\n  (or\n    (str A [\"x\"])\n    (str B [\"y\"]))\n  (not\n    (str C [\"z\"])))\n");
	/* a map is AND, a list of maps OR, a value list one match */
	ASSERT_IR("    sel:\n      - {A: x, B: [1, 2]}\n      - C: null\n    condition: sel\n",
		  "(or\n  (and\n    (str A [\"x\"])\n    (num B\n      1\n      2))\n  (null C))\n");
	/* nested same-operator groups flatten */
	ASSERT_IR("    a: {A: 1}\n    b: {B: 2}\n    c: {C: 3}\n    condition: a and (b and c)\n",
		  "(and\n  (num A 1)\n  (num B 2)\n  (num C 3))\n");
}

static void
positions(void **state)
{
	(void)state;
	ASSERT_IR("    sel:\n      A|contains: x\n      B|startswith: y\n      C|endswith: z\n"
		  "      D|contains: '*w*'\n    condition: sel\n",
		  "(and\n  (str A [* \"x\" *])\n  (str B [\"y\" *])\n  (str C [* \"z\"])\n"
		  "  (str D [* \"w\" *]))\n");
	ASSERT_IR("    sel:\n      A|contains|all: [a, b]\n    condition: sel\n",
		  "(and\n  (str A [* \"a\" *])\n  (str A [* \"b\" *]))\n");
	ASSERT_IR("    sel:\n      A|cased|contains: V\n    condition: sel\n",
		  "(str A cased [* \"V\" *])\n");
}

static void
windash(void **state)
{
	(void)state;
	/* pySigma: every - or / after a non-word, before a word character; five spellings */
	ASSERT_IR("    sel:\n      A|windash|contains: ' -enc'\n    condition: sel\n",
		  "(str A\n  [* \" -enc\" *]\n  [* \" /enc\" *]\n  [* \" \xe2\x80\x93" "enc\" *]\n"
		  "  [* \" \xe2\x80\x94" "enc\" *]\n  [* \" \xe2\x80\x95" "enc\" *])\n");
	char *rule = unit_rule("    sel:\n      A|windash: '-a -b'\n    condition: sel\n");
	char *ir = unit_ir(rule, NULL);
	/* 2 spots, 25 values, first spot slowest */
	int n = 0;
	for (char *p = ir; (p = strchr(p, '[')); p++)
		n++;
	assert_int_equal(n, 25);
	assert_non_null(strstr(ir, "[\"-a -b\"]\n  [\"-a /b\"]"));
	free(ir);
	free(rule);
	/* x-y: the dash follows a word character, so it stays */
	ASSERT_IR("    sel:\n      A|windash: 'x-y'\n    condition: sel\n", "(str A [\"x-y\"])\n");
}

static void
encodings(void **state)
{
	(void)state;
	ASSERT_IR("    sel:\n      A|base64offset|contains: 'cmd'\n    condition: sel\n",
		  "(str A cased\n  [* \"Y21k\" *]\n  [* \"NtZ\" *]\n  [* \"jbW\" *])\n");
	ASSERT_IR("    sel:\n      A|base64|contains: 'foo'\n    condition: sel\n",
		  "(str A cased [* \"Zm9v\" *])\n");
	ASSERT_IR("    sel:\n      A|utf16be|base64|contains: 'cmd'\n    condition: sel\n",
		  "(str A cased [* \"AGMAbQBk\" *])\n");
	ASSERT_IR("    sel:\n      A|base64: 'a*'\n    condition: sel\n",
		  "error: 5:17: rule 't': modifier 'base64' cannot encode a wildcard; escape '*' and "
		  "'?' as '\\*' and '\\?'");
	ASSERT_IR("    sel:\n      A|wide: 'a'\n    condition: sel\n",
		  "error: 5:9: rule 't': a UTF-16 value must be followed by 'base64' or "
		  "'base64offset': no target can match its NUL bytes as text");
}

static void
types(void **state)
{
	(void)state;
	ASSERT_IR("    sel:\n      A|re|i: '\\s-e(nc)?\\s'\n    condition: sel\n",
		  "(re A \"\\\\s-e(nc)?\\\\s\" flags=i)\n");
	ASSERT_IR("    sel:\n      A|re|contains: 'ab'\n    condition: sel\n", "(re A \".*ab.*\")\n");
	ASSERT_IR("    sel:\n      A|re|startswith: '^ab$'\n    condition: sel\n", "(re A \"^ab$\")\n");
	ASSERT_IR("    sel:\n      A|cidr: ['10.0.0.0/8', 'fd00::/8', '1.2.3.4']\n    condition: sel\n",
		  "(cidr A\n  ipv4 10.0.0.0/8\n  ipv6 fd00::/8\n  ipv4 1.2.3.4/32)\n");
	ASSERT_IR("    sel:\n      A|cidr: '10.0.0.1/8'\n    condition: sel\n",
		  "error: 5:15: rule 't': invalid CIDR network '10.0.0.1/8': host bits are set after /8");
	ASSERT_IR("    sel:\n      A|cidr: '300.0.0.0/8'\n    condition: sel\n",
		  "error: 5:15: rule 't': invalid CIDR network '300.0.0.0/8'");
	ASSERT_IR("    sel:\n      A|exists: true\n      B|exists: false\n    condition: sel\n",
		  "(and\n  (exists A true)\n  (exists B false))\n");
	ASSERT_IR("    sel:\n      A|gte: 1024\n      B|hour|lt: 6\n    condition: sel\n",
		  "(and\n  (num A >= 1024)\n  (timepart B hour < 6))\n");
	ASSERT_IR("    sel:\n      A|fieldref|endswith: B\n    condition: sel\n",
		  "(fieldref A suffix B)\n");
	ASSERT_IR("    sel:\n      A|neq: [1, 2]\n    condition: sel\n",
		  "(not\n  (num A\n    1\n    2))\n");
	ASSERT_IR("    sel:\n      A: ''\n      B: true\n      C: []\n    condition: sel\n",
		  "(and\n  (str A [])\n  (bool B true)\n  (null C))\n");
	ASSERT_IR("    sel:\n      A|re: 'a(b'\n    condition: sel\n",
		  "error: 5:13: rule 't': invalid regular expression: missing ')' at offset 3");
}

static void
keywords(void **state)
{
	(void)state;
	ASSERT_IR("    keywords:\n      - 'event::clear'\n      - 'x'\n    condition: keywords\n",
		  "(str *\n  [\"event::clear\"]\n  [\"x\"])\n");
	ASSERT_IR("    keywords:\n      '|all': [a, b]\n    condition: keywords\n",
		  "(and\n  (str * [\"a\"])\n  (str * [\"b\"]))\n");
}

static void
placeholders(void **state)
{
	(void)state;
	struct vars v = {0};
	const char *text = "dom: [a.com, b.com]\nx: ['1', '2']\n";
	struct source src = {"v.yml", text, strlen(text)};
	struct diag d = {.src = &src};
	assert_true(vars_load(&v, &src, &d));
	char *rule = unit_rule("    sel:\n      H|expand: ['%dom%', '*.%dom%']\n      C|contains|expand: "
			       "'%x%-%dom%'\n    condition: sel\n");
	char *ir = unit_ir(rule, &v);
	assert_string_equal(ir, "(and\n  (str H\n    [\"a.com\"]\n    [\"b.com\"]\n    [* \".a.com\"]\n"
				"    [* \".b.com\"])\n  (str C\n    [* \"1-a.com\" *]\n    [* \"1-b.com\" *]\n"
				"    [* \"2-a.com\" *]\n    [* \"2-b.com\" *]))\n");
	free(ir);
	free(rule);
	ASSERT_IR_VARS("    sel:\n      H|expand: '%nope%'\n    condition: sel\n", &v,
		       "error: 5:17: rule 't': placeholder '%nope%' is not defined (load its "
		       "values with --vars FILE)");
	diag_clear(&d);
	vars_free(&v);
}

/* A list of 10,000 values is accepted; a value that squares it hits the rule's budget. */
static void
budget(void **state)
{
	(void)state;
	struct buf text = {0};
	buf_puts(&text, "dom:\n");
	for (int i = 0; i < 10000; i++)
		buf_printf(&text, "  - d%d.example\n", i);
	struct vars v = {0};
	struct source src = {"v.yml", text.data, text.len};
	struct diag d = {.src = &src};
	assert_true(vars_load(&v, &src, &d));
	assert_int_equal(vars_find(&v, "dom", 3)->nvals, 10000);
	char *rule = unit_rule("    sel:\n      H|expand: '%dom%'\n    condition: sel\n");
	char *ir = unit_ir(rule, &v);
	assert_non_null(strstr(ir, "[\"d9999.example\"]"));
	free(ir);
	free(rule);
	const char *over = "error: 5:17: rule 't': values of this rule would expand to more "
			   "than 2000000, the limit per rule";
	ASSERT_IR_VARS("    sel:\n      H|expand: '%dom%%dom%'\n    condition: sel\n", &v, over);
	/* repeated references count too: 10,000 values referenced 201 times */
	struct buf det = {0};
	buf_puts(&det, "    sel:\n      H|expand: '%dom%'\n    condition: sel");
	for (int i = 0; i < 200; i++)
		buf_puts(&det, " or sel");
	buf_puts(&det, "\n");
	ASSERT_IR_VARS(det.data, &v, over);
	buf_free(&det);
	buf_free(&text);
	diag_clear(&d);
	vars_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(structure),
		cmocka_unit_test(budget),
		cmocka_unit_test(positions),
		cmocka_unit_test(windash),
		cmocka_unit_test(encodings),
		cmocka_unit_test(types),
		cmocka_unit_test(keywords),
		cmocka_unit_test(placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
