/* test_suggest.c: "did you mean" picks the closest name only when it looks like a typo. */
#include "unit.h"
#include "suggest.h"

#include <string.h>

static const char *const targets[] = {"kql", "spl", "eql", "aql", "sumo", "yaral", "logscale"};
static const char *const mods[] = {"contains", "startswith", "endswith", "base64", "re", "cidr"};

static const char *
near(const char *word, const char *const *cands, int n)
{
	return suggest_closest(word, strlen(word), cands, n);
}

static void
typos(void **state)
{
	(void)state;
	assert_string_equal(near("kqll", targets, 7), "kql");
	assert_string_equal(near("logscael", targets, 7), "logscale");
	assert_string_equal(near("contians", mods, 6), "contains");
	assert_string_equal(near("ENDSWITH", mods, 6), "endswith");	/* case does not count */
	assert_string_equal(near("startwith", mods, 6), "startswith");
}

static void
no_guess(void **state)
{
	(void)state;
	assert_null(near("nosuch", targets, 7));	/* too far from every name */
	assert_null(near("frobnicate", mods, 6));
	assert_null(near("", targets, 7));
	assert_null(near("kql", targets, 0));
	char longword[100];
	memset(longword, 'a', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	assert_null(near(longword, targets, 7));	/* longer than any name: no table overrun */
}

static void
first_of_equals(void **state)
{
	(void)state;
	/* "qql" is one edit from kql, eql and aql: the first listed wins, so the hint is stable */
	assert_string_equal(near("qql", targets, 7), "kql");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typos),
		cmocka_unit_test(no_guess),
		cmocka_unit_test(first_of_equals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
