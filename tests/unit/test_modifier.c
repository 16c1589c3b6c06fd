/* test_modifier.c: "field|mod|mod" keys and the validation of modifier chains. */
#include "unit.h"

/* "" when the key is valid, else "COL: message". */
static char *
key(const char *k)
{
	struct arena a = {0};
	struct diag d = {0};
	const char *field;
	struct modchain c;
	struct buf b = {0};
	if (!modifier_parse_key(&a, &d, k, (struct pos){"t", 1, 1}, &field, &c))
		buf_printf(&b, "%d: %s", d.msgs[0].pos.col, d.msgs[0].text);
	diag_clear(&d);
	arena_free(&a);
	return b.data ? b.data : strdup("");
}

#define ASSERT_KEY(k, want) do { \
	char *got_ = key(k); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void
valid_chains(void **state)
{
	(void)state;
	ASSERT_KEY("CommandLine", "");
	ASSERT_KEY("CommandLine|contains|all", "");
	ASSERT_KEY("CommandLine|wide|base64offset|contains", "");
	ASSERT_KEY("CommandLine|utf16le|base64|contains", "");
	ASSERT_KEY("CommandLine|contains|windash", "");
	ASSERT_KEY("CommandLine|windash|contains", "");
	ASSERT_KEY("CommandLine|re|i|m|s", "");
	ASSERT_KEY("CommandLine|re|ignorecase", "");
	ASSERT_KEY("CommandLine|re|contains", "");
	ASSERT_KEY("DestinationIp|cidr", "");
	ASSERT_KEY("DestinationIp|cidr|neq", "");
	ASSERT_KEY("a|fieldref|contains", "");
	ASSERT_KEY("a|exists", "");
	ASSERT_KEY("a|hour|gte", "");
	ASSERT_KEY("a|neq|gt", "");
	ASSERT_KEY("a|contains|expand", "");
	ASSERT_KEY("a|cased|startswith", "");
	ASSERT_KEY("|all", "");
}

static void
invalid_chains(void **state)
{
	(void)state;
	ASSERT_KEY("CommandLine|contians", "13: unknown modifier 'contians' (did you mean 'contains'?)");
	ASSERT_KEY("CommandLine|frobnicate", "13: unknown modifier 'frobnicate'");
	ASSERT_KEY("CommandLine|contains|", "22: empty modifier in 'CommandLine|contains|'");
	ASSERT_KEY("a|contains|re", "12: modifier 're' must be the first modifier");
	ASSERT_KEY("a|contains|cidr", "12: modifier 'cidr' must be the first modifier");
	ASSERT_KEY("a|i", "3: regex flag 'i' is only valid after 're'");
	ASSERT_KEY("a|contains|base64offset",
		   "12: modifier 'base64offset' after 'contains' would encode wildcards; write the "
		   "encoding first");
	ASSERT_KEY("a|contains|endswith", "12: modifier 'endswith' conflicts with 'contains'");
	ASSERT_KEY("a|contains|contains", "12: modifier 'contains' given twice");
	ASSERT_KEY("a|exists|neq", "10: modifier 'exists' cannot be combined with 'neq'");
	ASSERT_KEY("a|re|cased", "6: modifier 'cased' cannot follow 're' (a regex is case-sensitive "
				 "unless 'i' is given)");
	ASSERT_KEY("a|gt|lt", "6: modifier 'lt' conflicts with 'gt'");
	ASSERT_KEY("a|contains|gt", "12: modifier 'gt' cannot follow 'contains'");
	ASSERT_KEY("a|re|windash", "6: modifier 'windash' cannot follow 're'");
	ASSERT_KEY("|cidr", "2: modifier 'cidr' needs a field name");
	ASSERT_KEY("a|base64|base64offset", "10: modifier 'base64offset' after 'base64'");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_chains),
		cmocka_unit_test(invalid_chains),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
