/* test_emit_match.c: one match rendered from a token table (backends/emit_match.c). */
#include "unit.h"
#include "backend.h"

#include <string.h>

static const char *const toy_reserved[] = {"and", "in", NULL};
static const struct quoting toy_string = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\",
};
static const struct quoting toy_verbatim = {.open = "@'", .close = "'", .special = "'"};
static const struct quoting toy_name = {.open = "`", .close = "`", .special = "`"};

/* A target with every form: lists, a glob, a regex cut by class, a null guard. */
static const struct syntax toy = {
	.and_op = "AND", .or_op = "OR", .not_open = "NOT(", .not_close = ")",
	.name_segments = true,
	.reserved = toy_reserved,
	.reserved_caseless = true,
	.name_quote = &toy_name,
	.string = &toy_string,
	.verbatim = &toy_verbatim,
	.unquoted = "~",
	.str_op = {[VCLASS_EXACT] = {"$f =~ $v", "$f == $v"},
		   [VCLASS_PREFIX] = {"$f ^~ $v", NULL}},
	.str_in = {"$f in~ (", "$f in ("},
	.empty = "$f == \"\"",
	.glob = {NULL, "$f like $v"},
	.glob_star = '%',
	.glob_literal = "%",
	.re_op = {"$f ~ $v", "$f ~ $v"},
	.re_metas = "\\.^$|?*+()[]{}",
	.re_quote = &toy_string,
	.re_shape = {[VCLASS_SUFFIX] = SHAPE_LIT | SHAPE_OPEN_HEAD},
	.re_missing = REGEX_LOOKBEHIND,
	.re_engine = "RE2",
	.num_op = {"$f = $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f in (",
	.num_text = true,
	.bool_op = "$f is $v",
	.null = "null($f)",
	.notnull = "present($f)",
	.fieldref = {"low($f) = low($v)", "$f = $v"},
	.guard = GUARD_NOT,
	.keyword = "_all",
	.keyword_plain = true,
};

static const struct backend toy_backend = {.name = "toy", .syntax = &toy};

/* A stand-in translator into another regex dialect. */
static void
toy_pattern(struct buf *out, const struct pattern *p)
{
	buf_printf(out, "RE%d", p->nsegs);
}

static const struct quoting toy_no_nul = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .control = "\\%02x",
};

/* Globs whose operator depends on case and on having a wildcard (EQL's shape). */
static const struct syntax globs = {
	.and_op = "and", .or_op = "or", .not_open = "not(", .not_close = ")",
	.string = &toy_no_nul,
	.refuse_unquotable = true,
	.glob = {"$f ~= $v", "$f = $v"},
	.glob_wild = {NULL, "$f glob $v"},
	.glob_star = '*',
	.glob_qmark = '?',
	.glob_literal = "*?",
	.glob_in = true,
	.str_in = {"$f any~ (", "$f any ("},
	.str_in_wild = {NULL, "$f globs ("},
	.any = "has($f)",
	.empty = "$f = \"\"",
	.re_op = {"$f re~ $v", "$f re $v"},
	.re_quote = &toy_no_nul,
	.re_pattern = toy_pattern,
};

static const struct backend globs_backend = {.name = "globs", .syntax = &globs};

/* Regexes in /.../ with trailing flags, named groups made plain, keywords as bare regexes
 * (LogScale's shape). */
static const struct quoting slash_body = {
	.open = "", .close = "", .escape = '\\', .special = "/", .control = "\\x%02x", .nul = true,
};
static const struct quoting slash_delims = {.open = "/", .close = "/", .special = ""};
static const struct syntax slashes = {
	.and_op = "and", .or_op = "or", .not_open = "not(", .not_close = ")",
	.name_lead = "@#",
	.name_quote = &toy_string,
	.string = &toy_string,
	.any = "$f=*",
	.empty = "$f=\"\"",
	.re_op = {"$f=$v", "$f=$v"},
	.re_metas = "\\.^$|?*+()[]{}/",
	.re_quote = &slash_delims,
	.re_body = &slash_body,
	.re_flags_after = "imd",
	.re_plain_groups = true,
	.keyword_re = "$v",
};

static const struct backend slashes_backend = {.name = "slashes", .syntax = &slashes};

/* The terms of m as one line: items joined by ", ", terms by " | "; or the error. */
static const char *
render_with(struct arena *a, const struct backend *be, struct match *m, int negated)
{
	struct query q = {0};
	struct diag d = {0};
	struct emitter em = {.a = a, .d = &d, .be = be, .q = &q, .negated = negated};
	struct terms ts = {0};
	struct buf b = {0};
	if (!emit_match(&em, m, &ts)) {
		buf_puts(&b, d.nmsgs ? d.msgs[0].text : "no message");
	}
	for (int i = 0; d.nerrors == 0 && i < ts.n; i++) {
		if (i)
			buf_puts(&b, " | ");
		buf_puts(&b, ts.v[i].head ? ts.v[i].head : "");
		for (int k = 0; ts.v[i].items && k < ts.v[i].nitems; k++)
			buf_printf(&b, "%s%s", k ? ", " : "", ts.v[i].items[k]);
		if (ts.v[i].items)
			buf_puts(&b, ts.v[i].tail);
	}
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	diag_clear(&d);
	return r;
}

static const char *
render(struct arena *a, struct match *m, int negated)
{
	return render_with(a, &toy_backend, m, negated);
}

/* A string match of field f (NULL: keyword) on the Sigma values vals. */
static struct match
strings(struct arena *a, const char *f, bool cased, const char *const *vals, int n)
{
	struct match m = {.field = f, .sigma_field = f, .op = MATCH_STR, .cased = cased,
			  .nvals = n};
	m.vals = arena_alloc(a, sizeof(*m.vals) * (size_t)n);
	for (int i = 0; i < n; i++) {
		memset(&m.vals[i], 0, sizeof(m.vals[i]));
		m.vals[i].pat = value_parse(a, vals[i], strlen(vals[i]), false);
	}
	return m;
}

static void
value_classes(void **state)
{
	(void)state;
	struct arena a = {0};
	/* exact values share one list at the first one's place; W* alone is presence */
	const char *const v1[] = {"a", "b*", "*", "c"};
	struct match m = strings(&a, "F", false, v1, 4);
	assert_string_equal(render(&a, &m, 0), "F in~ (\"a\", \"c\") | F ^~ \"b\" | present(F)");
	/* one exact value is the comparison itself; a backslash takes the verbatim literal */
	const char *const v2[] = {"C:\\\\x"};
	m = strings(&a, "F", false, v2, 1);
	assert_string_equal(render(&a, &m, 0), "F =~ @'C:\\x'");
	/* no caseless suffix operator and no caseless glob: the regex, cut as the table says */
	const char *const v3[] = {"*.exe", "a?b"};
	m = strings(&a, "F", false, v3, 2);
	assert_string_equal(render(&a, &m, 0), "F ~ \"(?i)\\\\.exe$\" | F ~ \"(?is)^a.b$\"");
	/* cased: the glob, unless the value holds its wildcard literally; "" is the empty form */
	const char *const v4[] = {"*x*", "50%*", ""};
	m = strings(&a, "F", true, v4, 3);
	assert_string_equal(render(&a, &m, 0),
			    "F like \"%x%\" | F ~ \"(?s)^50%.*$\" | F == \"\"");
	/* a character the target reads inside its literal sends the value to the regex */
	const char *const v5[] = {"a~b"};
	m = strings(&a, "F", false, v5, 1);
	assert_string_equal(render(&a, &m, 0), "F ~ \"(?i)^a~b$\"");
	arena_free(&a);
}

static void
guards_under_not(void **state)
{
	(void)state;
	struct arena a = {0};
	const char *const v[] = {"a", "b", "*"};
	struct match m = strings(&a, "F", true, v, 3);
	/* the list is guarded as a whole; the presence test needs no guard */
	assert_string_equal(render(&a, &m, 1),
			    "(present(F) AND F in (\"a\", \"b\")) | present(F)");
	struct match r = {.field = "F", .sigma_field = "F", .op = MATCH_FIELDREF, .nvals = 1};
	struct mval other = {.text = "G", .len = 1};
	r.vals = &other;
	assert_string_equal(render(&a, &r, 1), "(present(F) AND present(G) AND low(F) = low(G))");
	other.anchor = ANCHOR_PREFIX;
	assert_string_equal(render(&a, &r, 0), "modifier 'startswith' with 'fieldref' is not "
			    "supported by target toy");
	arena_free(&a);
}

static void
names_and_keywords(void **state)
{
	(void)state;
	struct arena a = {0};
	struct query q = {0};
	struct emitter em = {.a = &a, .be = &toy_backend, .q = &q};
	/* a path's segments are bare or quoted alone; reserved words in any casing are quoted */
	assert_string_equal(emit_ident(&em, "a.b c.IN"), "a.`b c`.`IN`");
	assert_string_equal(emit_ident(&em, "9x"), "`9x`");
	assert_string_equal(emit_fill(&em, "$f($v) $x", "F", "V"), "F(V) $x");
	const char *const k1[] = {"*evil*"};
	struct match m = strings(&a, NULL, false, k1, 1);
	assert_string_equal(render(&a, &m, 0), "_all ~ \"(?is)^.*evil.*$\"");
	const char *const k2[] = {"a*b"};
	m = strings(&a, NULL, false, k2, 1);
	assert_string_equal(render(&a, &m, 0),
			    "keyword search with a wildcard inside the value is not supported "
			    "by target toy");
	arena_free(&a);
}

static void
other_kinds(void **state)
{
	(void)state;
	struct arena a = {0};
	struct mval n[2] = {{.text = "4", .len = 1}, {.text = "5", .len = 1}};
	struct match m = {.field = "F", .op = MATCH_NUM, .vals = n, .nvals = 2};
	/* a number against a text field compares as its text */
	assert_string_equal(render(&a, &m, 0), "F in (\"4\", \"5\")");
	m.numeric_field = true;
	n[0].cmp = n[1].cmp = CMP_GT;
	assert_string_equal(render(&a, &m, 1), "(present(F) AND F > 4) | (present(F) AND F > 5)");
	struct mval re = {.text = "(?<=a)b", .len = 7};
	struct match r = {.field = "F", .sigma_field = "Image", .op = MATCH_RE, .vals = &re,
			  .nvals = 1};
	assert_string_equal(render(&a, &r, 0), "regex for field 'Image' uses lookbehind, which "
			    "RE2 does not support (target toy)");
	re = (struct mval){.text = "a\"b", .len = 3, .re_flags = RE_I | RE_S};
	assert_string_equal(render(&a, &r, 0), "F ~ \"(?is)a\\\"b\"");
	struct match c = {.field = "F", .op = MATCH_CIDR, .vals = &re, .nvals = 1};
	assert_string_equal(render(&a, &c, 0), "modifier 'cidr' is not supported by target toy");
	/* a form the table lacks is refused, never written half */
	struct mval yes = {.b = true};
	struct match b = {.field = "F", .sigma_field = "F", .op = MATCH_BOOL, .vals = &yes,
			  .nvals = 1};
	assert_string_equal(render(&a, &b, 0), "F is true");
	assert_string_equal(render_with(&a, &globs_backend, &b, 0), "a bool match on field 'F' is "
			    "not supported by target globs");
	arena_free(&a);
}

static void
wildcard_operators(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct backend *g = &globs_backend;
	const char *const v1[] = {"a", "b*"}, *const v2[] = {"a", "b"}, *const v3[] = {"a?"};
	struct match m = strings(&a, "F", true, v1, 2);
	assert_string_equal(render_with(&a, g, &m, 0), "F globs (\"a\", \"b*\")");
	m = strings(&a, "F", true, v2, 2);
	assert_string_equal(render_with(&a, g, &m, 0), "F any (\"a\", \"b\")");
	m = strings(&a, "F", true, v3, 1);
	assert_string_equal(render_with(&a, g, &m, 0), "F glob \"a?\"");
	m = strings(&a, "F", false, v1, 2);
	assert_string_equal(render_with(&a, g, &m, 0), "F any~ (\"a\", \"b*\")");
	m = strings(&a, "F", false, v2, 1);
	assert_string_equal(render_with(&a, g, &m, 0), "F ~= \"a\"");
	/* a literal wildcard character takes the translated regex */
	const char *const v4[] = {"a\\*b*"};
	m = strings(&a, "F", false, v4, 1);
	assert_string_equal(render_with(&a, g, &m, 0), "F re~ \"RE2\"");
	/* the glob's literal cannot hold a NUL: refused, never another form */
	m = strings(&a, "F", true, v2, 1);
	m.vals[0].pat = value_literal(&a, "a\0b", 3);
	assert_string_equal(render_with(&a, g, &m, 0), "value of field 'F' contains control "
			    "character 0x00, which a literal of target globs cannot hold");
	arena_free(&a);
}

static void
regex_literals_and_keywords(void **state)
{
	(void)state;
	struct arena a = {0};
	const struct backend *sl = &slashes_backend;
	struct query q = {0};
	struct emitter em = {.a = &a, .be = sl, .q = &q};
	/* a bare name may start with a name_lead character, but not be one alone */
	assert_string_equal(emit_ident(&em, "@timestamp"), "@timestamp");
	assert_string_equal(emit_ident(&em, "#"), "\"#\"");
	assert_string_equal(emit_ident(&em, "a@b"), "\"a@b\"");
	/* the flags follow the literal (s as d); a named group is a plain group; '/' escaped */
	struct mval re = {.text = "(?<n>a)/b\\/", .len = 11, .re_flags = RE_I | RE_S};
	struct match r = {.field = "F", .sigma_field = "F", .op = MATCH_RE, .vals = &re,
			  .nvals = 1};
	assert_string_equal(render_with(&a, sl, &r, 0), "F=/(?:a)\\/b\\//id");
	const char *const v[] = {"a?b*"};
	struct match m = strings(&a, "F", false, v, 1);
	assert_string_equal(render_with(&a, sl, &m, 0), "F=/^a.b.*$/id");
	/* a keyword: outer W* dropped, unanchored; without keyword_re_more "*" is refused */
	const char *const k[] = {"*ev/il*", "*"};
	m = strings(&a, NULL, true, k, 1);
	assert_string_equal(render_with(&a, sl, &m, 0), "/ev\\/il/");
	m = strings(&a, NULL, false, k, 2);
	assert_string_equal(render_with(&a, sl, &m, 0), "keyword search for an empty or '*' value "
			    "is not supported by target slashes");
	r.field = NULL;
	assert_string_equal(render_with(&a, sl, &r, 0), "keyword search with re is not supported "
			    "by target slashes");
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(value_classes),
		cmocka_unit_test(guards_under_not),
		cmocka_unit_test(names_and_keywords),
		cmocka_unit_test(other_kinds),
		cmocka_unit_test(wildcard_operators),
		cmocka_unit_test(regex_literals_and_keywords),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
