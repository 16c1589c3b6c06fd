/*
 * test_eval.c: the evaluator of `sigmacc test`, per match class and
 * modifier, each asserting a match and a no-match, with the edge cases of
 * targets.md (escaped wildcards, windash spellings, base64offset at its
 * three offsets, null vs empty vs missing, |all, IPv6 cidr, regex flags).
 */
#include "eval.h"
#include "unit.h"

#include <stdio.h>

/*
 * 1 if the rule around detection fires on the event (YAML/JSON text), 0 if
 * not, -1 if the rule or the event does not load (the message is printed).
 */
static int
fires_with(const char *detection, const char *event, const struct vars *vars)
{
	struct arena a = {0};
	char *yaml = unit_rule(detection);
	struct source rsrc = {"t.yml", yaml, strlen(yaml)}, esrc = {"e.json", event, strlen(event)};
	struct diag d = {.src = &rsrc};
	struct rule **rules;
	struct ynode **docs;
	int n, ndocs, result = -1;
	struct eval_rule er;
	struct event ev;
	struct options o = {.target = "test", .vars = vars};
	if (rule_load(&a, &d, &rsrc, &rules, &n) && n == 1 && evalrule_build(&a, &d, rules[0], &o, &er) &&
	    yaml_load(&esrc, &a, &d, &docs, &ndocs) && event_from_node(&a, &d, docs[0], &ev)) {
		struct verdict v;
		evalrule_run(&a, &er, &ev, &v, true);
		result = v.fired;
	}
	for (int i = 0; i < d.nmsgs; i++)
		printf("# %d:%d: %s\n", d.msgs[i].pos.line, d.msgs[i].pos.col, d.msgs[i].text);
	diag_clear(&d);
	arena_free(&a);
	free(yaml);
	return result;
}

static int
fires(const char *detection, const char *event)
{
	return fires_with(detection, event, NULL);
}

#define SEL(item) "    sel:\n      " item "\n    condition: sel\n"
#define YES(det, ev) assert_int_equal(fires(det, ev), 1)
#define NO(det, ev) assert_int_equal(fires(det, ev), 0)

static void
strings(void **state)
{
	(void)state;
	/* whole value, case-insensitive */
	YES(SEL("Image: 'C:\\Windows\\cmd.exe'"), "{Image: 'c:\\windows\\CMD.EXE'}");
	NO(SEL("Image: 'C:\\Windows\\cmd.exe'"), "{Image: 'C:\\Windows\\cmd.exe.bak'}");
	/* position modifiers */
	YES(SEL("A|contains: bad"), "{A: 'xxBADxx'}");
	NO(SEL("A|contains: bad"), "{A: 'ba d'}");
	YES(SEL("A|startswith: ab"), "{A: abc}");
	NO(SEL("A|startswith: ab"), "{A: cab}");
	YES(SEL("A|endswith: '.exe'"), "{A: run.EXE}");
	NO(SEL("A|endswith: '.exe'"), "{A: run.exe.txt}");
	/* cased */
	YES(SEL("A|cased: Value"), "{A: Value}");
	NO(SEL("A|cased: Value"), "{A: value}");
	/* wildcards: * any run, ? exactly one character (a UTF-8 character) */
	YES(SEL("A: 'a*c?e'"), "{A: 'abbbcde'}");
	NO(SEL("A: 'a*c?e'"), "{A: 'abbbce'}");
	YES(SEL("A: 'x?y'"), "{A: 'x\xc3\xa9y'}");
	/* escaped wildcards are literal */
	YES(SEL("A: 'a\\*b'"), "{A: 'a*b'}");
	NO(SEL("A: 'a\\*b'"), "{A: 'axxb'}");
	YES(SEL("A|contains: 'what\\?'"), "{A: 'so what?'}");
	NO(SEL("A|contains: 'what\\?'"), "{A: 'so whatx'}");
	/* a number in the event is compared by its text */
	YES(SEL("A|startswith: '44'"), "{A: 4433}");
}

static void
windash(void **state)
{
	(void)state;
	const char *det = SEL("CommandLine|windash|contains: ' -enc '");
	YES(det, "{CommandLine: 'powershell -enc AAAA'}");
	YES(det, "{CommandLine: 'powershell /enc AAAA'}");
	YES(det, "{CommandLine: 'powershell \xe2\x80\x93" "enc AAAA'}");	/* en dash */
	YES(det, "{CommandLine: 'powershell \xe2\x80\x94" "enc AAAA'}");	/* em dash */
	YES(det, "{CommandLine: 'powershell \xe2\x80\x95" "enc AAAA'}");	/* horizontal bar */
	NO(det, "{CommandLine: 'powershell enc AAAA'}");
	NO(det, "{CommandLine: 'powershell +enc AAAA'}");
}

/* The value at each byte offset of a Base64 blob: the rule must find all three. */
static void
base64offset(void **state)
{
	(void)state;
	const char *det = SEL("CommandLine|base64offset|contains: 'http://'");
	const char *prefixes[] = {"", "A", "AB"};
	struct arena a = {0};
	for (int i = 0; i < 3; i++) {
		char *plain = arena_printf(&a, "%shttp://evil.example/x", prefixes[i]);
		size_t len;
		char *b64 = encode_base64(&a, (const unsigned char *)plain, strlen(plain), &len);
		YES(det, arena_printf(&a, "{CommandLine: 'powershell -e %s'}", b64));
		char *other = encode_base64(&a, (const unsigned char *)"ftp://evil", 10, &len);
		NO(det, arena_printf(&a, "{CommandLine: 'powershell -e %s'}", other));
	}
	/* Base64 is case-significant: a lowercased blob is another blob */
	YES(SEL("A|base64|contains: 'abc'"), "{A: 'xx YWJj yy'}");
	NO(SEL("A|base64|contains: 'abc'"), "{A: 'xx ywjj yy'}");
	/* UTF-16LE, then base64offset, as in PowerShell's -EncodedCommand */
	char *wide = arena_alloc(&a, 64);
	const char *cmd = "IEX (New-Object Net.WebClient)";
	size_t n = strlen(cmd);
	for (size_t i = 0; i < n; i++) {
		wide[2 * i] = cmd[i];
		wide[2 * i + 1] = 0;
	}
	size_t blen;
	char *b = encode_base64(&a, (const unsigned char *)wide, 2 * n, &blen);
	YES(SEL("A|wide|base64offset|contains: 'New-Object'"), arena_printf(&a, "{A: '-e %s'}", b));
	NO(SEL("A|wide|base64offset|contains: 'Invoke-Item'"), arena_printf(&a, "{A: '-e %s'}", b));
	arena_free(&a);
}

static void
null_empty_missing(void **state)
{
	(void)state;
	/* null: missing, JSON null or empty; '': present and empty */
	YES(SEL("A: null"), "{B: x}");
	YES(SEL("A: null"), "{A: null}");
	YES(SEL("A: null"), "{A: ''}");
	NO(SEL("A: null"), "{A: x}");
	YES(SEL("A: ''"), "{A: ''}");
	NO(SEL("A: ''"), "{B: x}");
	NO(SEL("A: ''"), "{A: null}");
	/* exists: an empty value exists, JSON null does not */
	YES(SEL("A|exists: true"), "{A: ''}");
	NO(SEL("A|exists: true"), "{A: null}");
	YES(SEL("A|exists: false"), "{B: 1}");
	NO(SEL("A|exists: false"), "{A: 0}");
	/* a comparison on a missing field is false, its neq true */
	NO(SEL("A: x"), "{B: x}");
	YES(SEL("A|neq: x"), "{B: x}");
	NO(SEL("A|neq: [x, y]"), "{A: y}");
	YES(SEL("A|neq: [x, y]"), "{A: z}");
}

static void
lists_and_all(void **state)
{
	(void)state;
	YES(SEL("A: [x, y]"), "{A: y}");
	NO(SEL("A: [x, y]"), "{A: z}");
	YES(SEL("A|contains|all: [foo, bar]"), "{A: 'bar and foo'}");
	NO(SEL("A|contains|all: [foo, bar]"), "{A: 'foo only'}");
	/* |all with one value is refused, not evaluated */
	assert_int_equal(fires(SEL("A|contains|all: [foo]"), "{A: foo}"), -1);
	/* an array in the event: any element */
	YES(SEL("A: two"), "{A: [one, two]}");
	NO(SEL("A: three"), "{A: [one, two]}");
}

static void
numbers_and_bools(void **state)
{
	(void)state;
	YES(SEL("EventID: 4104"), "{EventID: 4104}");
	YES(SEL("EventID: 4104"), "{EventID: '4104'}");	/* a string holding the number */
	NO(SEL("EventID: 4104"), "{EventID: 4103}");
	YES(SEL("A|gte: 10"), "{A: 10}");
	NO(SEL("A|gt: 10"), "{A: 10}");
	YES(SEL("A|lt: 2.5"), "{A: 2}");
	NO(SEL("A|lte: 2"), "{A: 'two'}");
	YES(SEL("A: true"), "{A: true}");
	YES(SEL("A: true"), "{A: 'True'}");
	NO(SEL("A: true"), "{A: false}");
}

static void
fieldref(void **state)
{
	(void)state;
	YES(SEL("A|fieldref: B"), "{A: 'Same', B: 'same'}");
	NO(SEL("A|fieldref: B"), "{A: 'one', B: 'two'}");
	NO(SEL("A|fieldref: B"), "{A: 'one'}");
	YES(SEL("A|fieldref|contains: B"), "{A: 'xx-one-xx', B: one}");
	NO(SEL("A|fieldref|endswith: B"), "{A: 'one-xx', B: one}");
	YES(SEL("A|fieldref|startswith: B"), "{A: 'one-xx', B: one}");
}

static void
cidr(void **state)
{
	(void)state;
	YES(SEL("Ip|cidr: 10.0.0.0/8"), "{Ip: 10.200.3.4}");
	NO(SEL("Ip|cidr: 10.0.0.0/8"), "{Ip: 11.0.0.1}");
	NO(SEL("Ip|cidr: 10.0.0.0/8"), "{Ip: 'not an address'}");
	YES(SEL("Ip|cidr: 'fe80::/10'"), "{Ip: 'fe80::1c2a:3b'}");
	YES(SEL("Ip|cidr: 'fe80::/10'"), "{Ip: 'febf::1'}");
	NO(SEL("Ip|cidr: 'fe80::/10'"), "{Ip: 'fec0::1'}");
	NO(SEL("Ip|cidr: 'fe80::/10'"), "{Ip: 10.0.0.1}");
	YES(SEL("Ip|cidr: '2001:db8::/32'"), "{Ip: '2001:db8:0:0:0:0:0:1'}");
}

static void
regex(void **state)
{
	(void)state;
	/* search semantics: anywhere in the value */
	YES(SEL("A|re: 'APT\\d{2}'"), "{A: 'group APT29 here'}");
	NO(SEL("A|re: 'APT\\d{2}'"), "{A: 'group apt29 here'}");
	/* flags */
	YES(SEL("A|re|i: 'APT\\d{2}'"), "{A: 'group apt29 here'}");
	YES(SEL("A|re: '(?i)apt'"), "{A: 'APT'}");
	NO(SEL("A|re: '^b$'"), "{A: \"a\\nb\\nc\"}");
	YES(SEL("A|re|m: '^b$'"), "{A: \"a\\nb\\nc\"}");
	NO(SEL("A|re: 'a.c'"), "{A: \"a\\nc\"}");
	YES(SEL("A|re|s: 'a.c'"), "{A: \"a\\nc\"}");
	/* classes, alternation, bounded repetition, word boundaries */
	YES(SEL("A|re: '\\b(cmd|powershell)\\.exe\\s+/c'"), "{A: 'C:\\x\\cmd.exe  /c dir'}");
	NO(SEL("A|re: '\\b(cmd|powershell)\\.exe\\s+/c'"), "{A: 'xcmd.exe /c dir'}");
	YES(SEL("A|re: '^[a-f0-9]{32}$'"), "{A: 'd41d8cd98f00b204e9800998ecf8427e'}");
	NO(SEL("A|re: '^[a-f0-9]{32}$'"), "{A: 'd41d8cd98f00b204e9800998ecf8427'}");
	/* constructs that need backtracking are refused, not evaluated wrongly */
	assert_int_equal(fires(SEL("A|re: '(a)\\1'"), "{A: aa}"), -1);
	assert_int_equal(fires(SEL("A|re: 'a(?=b)'"), "{A: ab}"), -1);
}

/* 1 if re (compiled with flags) matches text, 0 if not, -1 if it does not compile. */
static int
re_matches(const char *re, unsigned flags, const char *text)
{
	struct arena a = {0};
	const char *err;
	size_t off;
	struct regex *r = regex_compile(&a, re, strlen(re), flags, &err, &off);
	int m = r ? regex_search(r, text, strlen(text)) : -1;
	arena_free(&a);
	return m;
}

static void
regex_syntax(void **state)
{
	(void)state;
	assert_int_equal(re_matches("[^a-c]x", 0, "bx dx"), 1);
	assert_int_equal(re_matches("[^a-c]x", 0, "bx cx"), 0);
	assert_int_equal(re_matches("[[:digit:]]{3}-[\\d]", 0, "call 555-1"), 1);
	assert_int_equal(re_matches("[\\D]", 0, "123"), 0);
	assert_int_equal(re_matches("\\x41\\x{42}\\u0043", 0, "ABC"), 1);
	assert_int_equal(re_matches("a(?i:b)c", 0, "aBc"), 1);
	assert_int_equal(re_matches("a(?i:b)c", 0, "aBC"), 0);	/* the flag ends with its group */
	assert_int_equal(re_matches("a(?i)b", 0, "aB"), 1);
	assert_int_equal(re_matches("(?i)[a-c]+", 0, "XBCAX"), 1);
	assert_int_equal(re_matches("a.+?b", 0, "a-b"), 1);	/* lazy: the same match or none */
	assert_int_equal(re_matches("^$", 0, ""), 1);
	assert_int_equal(re_matches("x{2,3}y", 0, "xy"), 0);
	assert_int_equal(re_matches("x{2,3}y", 0, "xxxy"), 1);
	assert_int_equal(re_matches("x{,2}", 0, "x{,2}"), 1);	/* not a repetition: literal */
	assert_int_equal(re_matches("^caf.$", 0, "caf\xc3\xa9"), 1);	/* . is one character, */
	assert_int_equal(re_matches("^caf..$", 0, "caf\xc3\xa9"), 0);	/* not one byte */
	assert_int_equal(re_matches("(?P<n>a)(?<m>b)(?#note)c", 0, "abc"), 1);
	assert_int_equal(re_matches("end\\Z", 0, "the end\n"), 1);
	assert_int_equal(re_matches("end\\z", 0, "the end\n"), 0);
	assert_int_equal(re_matches("a++", 0, "aa"), -1);	/* possessive */
	assert_int_equal(re_matches("(?>a)", 0, "a"), -1);	/* atomic */
	assert_int_equal(re_matches("\\p{L}", 0, "a"), -1);
	assert_int_equal(re_matches("(?x) a", 0, "a"), -1);	/* extended mode */
	/* long alternations and deep groups: lists, and a depth limit, not deep recursion */
	struct buf b = {0};
	for (int i = 0; i < 5000; i++)
		buf_printf(&b, "%sw%d", i ? "|" : "", i);
	assert_int_equal(re_matches(b.data, 0, "x w4999 y"), 1);
	assert_int_equal(re_matches(b.data, 0, "x w5000 y"), 1);	/* w500 is in it */
	assert_int_equal(re_matches(b.data, 0, "x wx y"), 0);
	for (int depth = REGEX_MAX_DEPTH; depth <= REGEX_MAX_DEPTH + 1; depth++) {
		buf_clear(&b);
		for (int i = 0; i < depth; i++)
			buf_putc(&b, '(');
		buf_putc(&b, 'a');
		for (int i = 0; i < depth; i++)
			buf_putc(&b, ')');
		assert_int_equal(re_matches(b.data, 0, "a"), depth > REGEX_MAX_DEPTH ? -1 : 1);
	}
	buf_free(&b);
}

/* A pattern that takes exponential time in a backtracking engine. */
static void
regex_linear(void **state)
{
	(void)state;
	struct arena a = {0};
	const char *err;
	size_t off;
	struct regex *re = regex_compile(&a, "(a|a)*(a*)*$b", 13, 0, &err, &off);
	assert_non_null(re);
	char text[4097];
	memset(text, 'a', 4096);
	text[4096] = 0;
	assert_false(regex_search(re, text, 4096));
	re = regex_compile(&a, "(x+x+)+y", 8, 0, &err, &off);
	assert_false(regex_search(re, text, 4096));
	text[4095] = 'y';
	re = regex_compile(&a, "(a+a+)+y", 8, 0, &err, &off);
	assert_true(regex_search(re, text, 4096));
	assert_null(regex_compile(&a, "a{1000}{1000}", 13, 0, &err, &off));
	assert_string_equal(err,
			    "the pattern needs more than 100,000 instructions (its length times its "
			    "repetitions)");
	arena_free(&a);
}

static void
timepart(void **state)
{
	(void)state;
	YES(SEL("UtcTime|hour|gte: 22"), "{UtcTime: '2026-11-30 23:05:00.000'}");
	NO(SEL("UtcTime|hour|gte: 22"), "{UtcTime: '2026-11-30 21:59:59.999'}");
	YES(SEL("T|month: 12"), "{T: '2026-12-03T07:54:33Z'}");
	YES(SEL("T|week: 53"), "{T: '2026-12-31T00:00:00Z'}");	/* 2026 has 53 ISO weeks */
	YES(SEL("T|week: 1"), "{T: '2025-12-29T00:00:00Z'}");	/* ISO week 1 of 2026 */
	NO(SEL("T|week: 52"), "{T: '2025-12-29T00:00:00Z'}");
	NO(SEL("T|hour: 3"), "{T: 'yesterday'}");
}

static void
keywords(void **state)
{
	(void)state;
	const char *det =
		"    keywords:\n      - mimikatz\n      - 'sekurlsa::'\n    condition: keywords\n";
	YES(det, "{A: x, B: 'run MIMIKATZ.exe'}");
	YES(det, "{Event: {EventData: {CommandLine: 'sekurlsa::logonpasswords'}}}");
	NO(det, "{A: 'mimi katz'}");
	const char *all = "    keywords:\n      '|all': [foo, bar]\n    condition: keywords\n";
	YES(all, "{A: foo, B: bar}");
	NO(all, "{A: foo}");
}

static void
conditions(void **state)
{
	(void)state;
	const char *det = "    sel_a: {A: 1}\n    sel_b: {B: 2}\n    filter: {C: 3}\n"
			  "    condition: 1 of sel_* and not filter\n";
	YES(det, "{B: 2}");
	NO(det, "{B: 2, C: 3}");
	NO(det, "{C: 3}");
	const char *all = "    sel_a: {A: 1}\n    sel_b: {B: 2}\n    condition: all of sel_*\n";
	YES(all, "{A: 1, B: 2}");
	NO(all, "{A: 1}");
	const char *list = "    a: {A: 1}\n    b: {B: 2}\n    condition: [a, b]\n";
	YES(list, "{B: 2}");
	NO(list, "{C: 2}");
}

static void
placeholders(void **state)
{
	(void)state;
	struct vars v = {0};
	const char *text = "hosts: [pastebin.com, paste.ee]\n";
	struct source src = {"v.yml", text, strlen(text)};
	struct diag d = {.src = &src};
	assert_true(vars_load(&v, &src, &d));
	const char *det = SEL("Host|expand: ['%hosts%', '*.%hosts%']");
	assert_int_equal(fires_with(det, "{Host: 'x.paste.ee'}", &v), 1);
	assert_int_equal(fires_with(det, "{Host: 'evilpaste.ee'}", &v), 0);
	assert_int_equal(fires_with(det, "{Host: 'pastebin.com'}", NULL), -1);	/* undefined */
	diag_clear(&d);
	vars_free(&v);
}

static void
event_shapes(void **state)
{
	(void)state;
	/* Windows: EventData and System members by their own name; dotted paths */
	const char *win = "{Event: {System: {EventID: 1}, EventData: {Image: 'C:\\x\\cmd.exe'}}}";
	YES("    sel: {EventID: 1, Image|endswith: '\\cmd.exe'}\n    condition: sel\n", win);
	YES(SEL("Event.System.EventID: 1"), win);
	NO(SEL("System.Image: x"), win);
	/* auditd records: Image from exe, CommandLine from the arguments */
	const char *au = "{SYSCALL: {exe: /usr/bin/curl}, EXECVE: {argc: 2, a0: curl, a1: 'https://x'}}";
	YES(SEL("Image|endswith: '/curl'"), au);
	YES(SEL("CommandLine: 'curl https://x'"), au);
	NO(SEL("CommandLine: 'curl'"), au);
}

/* Flag columns: evaluated on every event, never a filter. */
static void
flags(void **state)
{
	(void)state;
	struct arena a = {0};
	const char *yaml = "title: t\nlogsource: {category: test}\ndetection:\n"
			   "    sel: {Host: pastebin.com}\n    condition: sel\n"
			   "flags:\n    Lolbin: {Image|endswith: ['\\cmd.exe', '\\mshta.exe']}\n"
			   "    Office: {ParentImage|endswith: '\\winword.exe'}\n";
	struct source src = {"t.yml", yaml, strlen(yaml)};
	struct diag d = {.src = &src};
	struct rule **rules;
	int n;
	struct eval_rule er;
	struct options o = {.target = "test"};
	assert_true(rule_load(&a, &d, &src, &rules, &n));
	assert_true(evalrule_build(&a, &d, rules[0], &o, &er));
	assert_int_equal(er.nflags, 2);
	assert_string_equal(er.flags[1].name, "Office");
	const char *evs[] = {
		"{Host: pastebin.com, Image: 'C:\\x\\mshta.exe', ParentImage: 'C:\\o\\WINWORD.EXE'}",
		"{Host: example.com, Image: 'C:\\x\\cmd.exe'}",
	};
	const unsigned want_flags[] = {3, 1};
	const bool want_fired[] = {true, false};
	for (int i = 0; i < 2; i++) {
		struct source es = {"e.json", evs[i], strlen(evs[i])};
		struct ynode **docs;
		int nd;
		struct event ev;
		struct verdict v;
		assert_true(yaml_load(&es, &a, &d, &docs, &nd) && event_from_node(&a, &d, docs[0], &ev));
		evalrule_run(&a, &er, &ev, &v, true);
		assert_int_equal(v.fired, want_fired[i]);
		assert_int_equal(v.flags, want_flags[i]);
	}
	diag_clear(&d);
	arena_free(&a);
}

static void
events_files(void **state)
{
	(void)state;
	struct arena a = {0};
	const char *nd = "{\"A\": 1}\n\n{\"A\": 2, \"B\": [\"x\", \"y\"]}\n";
	struct source src = {"s.ndjson", nd, strlen(nd)};
	struct diag d = {.src = &src};
	struct event *evs;
	int n;
	assert_true(events_load(&a, &d, &src, &evs, &n));
	assert_int_equal(n, 2);
	assert_int_equal(evs[1].pos.line, 3);
	assert_int_equal(evs[1].nfields, 3);
	const char *bad = "{\"A\": 1}\n[1, 2]\n";
	struct source bsrc = {"b.ndjson", bad, strlen(bad)};
	d.src = &bsrc;
	assert_false(events_load(&a, &d, &bsrc, &evs, &n));
	assert_string_equal(d.msgs[0].text, "an event must be a map of fields (found list)");
	assert_int_equal(d.msgs[0].pos.line, 2);
	diag_clear(&d);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings),
		cmocka_unit_test(windash),
		cmocka_unit_test(base64offset),
		cmocka_unit_test(null_empty_missing),
		cmocka_unit_test(lists_and_all),
		cmocka_unit_test(numbers_and_bools),
		cmocka_unit_test(fieldref),
		cmocka_unit_test(cidr),
		cmocka_unit_test(regex),
		cmocka_unit_test(regex_syntax),
		cmocka_unit_test(regex_linear),
		cmocka_unit_test(timepart),
		cmocka_unit_test(keywords),
		cmocka_unit_test(conditions),
		cmocka_unit_test(placeholders),
		cmocka_unit_test(event_shapes),
		cmocka_unit_test(flags),
		cmocka_unit_test(events_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
