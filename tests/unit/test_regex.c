/* test_regex.c: regex syntax check and the constructs it reports. */
#include "unit.h"

static const char *
check(const char *re, unsigned *features)
{
	size_t off;
	return regex_check(re, strlen(re), features, &off);
}

static void
valid(void **state)
{
	(void)state;
	unsigned f;
	assert_null(check("\\s-e(nc(odedcommand)?)?\\s", &f));
	assert_int_equal(f, 0);
	assert_null(check("(?i)APT\\d{1,3}[a-z]+?", &f));
	assert_int_equal(f, REGEX_FLAGS);
	assert_null(check("a{2,}b{3}c{1,2}", &f));
	assert_null(check("[]a]x[^]]", &f));
	assert_null(check("x{", &f));	/* a literal brace */
	assert_null(check("(?:a|b)(?P<n>c)", &f));
}

static void
invalid(void **state)
{
	(void)state;
	unsigned f;
	size_t off;
	assert_string_equal(regex_check("a(b", 3, &f, &off), "missing ')'");
	assert_string_equal(regex_check("ab)", 3, &f, &off), "unmatched ')'");
	assert_int_equal(off, 2);
	assert_string_equal(check("[abc", &f), "missing ']' to close a character class");
	assert_string_equal(check("*a", &f), "quantifier with nothing to repeat");
	assert_string_equal(check("a\\", &f), "trailing backslash");
	assert_string_equal(check("a{3,2}", &f), "repetition {n,m} with m smaller than n");
}

static void
nesting(void **state)
{
	(void)state;
	unsigned f;
	size_t off, n = REGEX_MAX_DEPTH + 1;
	char *re = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		re[i] = '(';
		re[n + i] = ')';
	}
	re[2 * n] = '\0';
	assert_string_equal(regex_check(re, 2 * n, &f, &off), "groups nested deeper than 250 levels");
	assert_int_equal(off, REGEX_MAX_DEPTH);	/* at the first '(' too many */
	assert_null(regex_check(re + 1, 2 * n - 2, &f, &off));	/* exactly the limit */
	/* a syntax error is reported in preference to the limit */
	assert_string_equal(regex_check(re, 2 * n - 1, &f, &off), "missing ')'");
	free(re);
	assert_null(check("[[:alpha:][:digit:]x]", &f));
	assert_string_equal(check("[[:[[:[[:", &f), "missing ']' to close a character class");
}

static void
features(void **state)
{
	(void)state;
	unsigned f;
	assert_null(check("a(?=b)", &f));
	assert_int_equal(f, REGEX_LOOKAHEAD);
	assert_null(check("(?<!x)y", &f));
	assert_int_equal(f, REGEX_LOOKBEHIND);
	assert_null(check("(a)\\1", &f));
	assert_int_equal(f, REGEX_BACKREF);
	assert_null(check("a++", &f));
	assert_int_equal(f, REGEX_POSSESSIVE);
	assert_null(check("(?>a)", &f));
	assert_int_equal(f, REGEX_ATOMIC);
	assert_null(check("a\\Z", &f));
	assert_int_equal(f, REGEX_BIG_Z);
	assert_string_equal(regex_feature_name(REGEX_LOOKBEHIND), "lookbehind");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid),
		cmocka_unit_test(invalid),
		cmocka_unit_test(nesting),
		cmocka_unit_test(features),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
