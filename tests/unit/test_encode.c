/* test_encode.c: byte-exact base64, base64offset and UTF-16 (sigma-spec.md §6.3). */
#include "unit.h"

static void
base64(void **state)
{
	(void)state;
	struct arena a = {0};
	assert_string_equal(encode_base64(&a, (const unsigned char *)"", 0, NULL), "");
	assert_string_equal(encode_base64(&a, (const unsigned char *)"f", 1, NULL), "Zg==");
	assert_string_equal(encode_base64(&a, (const unsigned char *)"fo", 2, NULL), "Zm8=");
	assert_string_equal(encode_base64(&a, (const unsigned char *)"foo", 3, NULL), "Zm9v");
	assert_string_equal(encode_base64(&a, (const unsigned char *)"foobar", 6, NULL), "Zm9vYmFy");
	arena_free(&a);
}

static void
base64offset(void **state)
{
	(void)state;
	struct arena a = {0};
	char *f[3];
	encode_base64offset(&a, (const unsigned char *)"http://", 7, f);
	assert_string_equal(f[0], "aHR0cDovL");
	assert_string_equal(f[1], "h0dHA6Ly");
	assert_string_equal(f[2], "odHRwOi8v");
	encode_base64offset(&a, (const unsigned char *)"cmd", 3, f);
	assert_string_equal(f[0], "Y21k");
	assert_string_equal(f[1], "NtZ");
	assert_string_equal(f[2], "jbW");
	unsigned char *w;
	size_t wlen;
	assert_true(encode_utf16(&a, "Invoke", 6, false, false, &w, &wlen));
	encode_base64offset(&a, w, wlen, f);
	assert_string_equal(f[0], "SQBuAHYAbwBrAGUA");
	assert_string_equal(f[1], "kAbgB2AG8AawBlA");
	assert_string_equal(f[2], "JAG4AdgBvAGsAZQ");
	arena_free(&a);
}

static void
utf16(void **state)
{
	(void)state;
	struct arena a = {0};
	unsigned char *w;
	size_t n;
	assert_true(encode_utf16(&a, "cmd", 3, true, false, &w, &n));
	assert_string_equal(encode_base64(&a, w, n, NULL), "AGMAbQBk");	/* spec §6.5 */
	assert_true(encode_utf16(&a, "a", 1, false, true, &w, &n));
	assert_int_equal(n, 4);
	assert_memory_equal(w, "\xff\xfe" "a\0", 4);
	assert_true(encode_utf16(&a, "\xf0\x9f\x98\x80", 4, false, false, &w, &n));	/* U+1F600 */
	assert_memory_equal(w, "\x3d\xd8\x00\xde", 4);
	assert_false(encode_utf16(&a, "\xff", 1, false, false, &w, &n));
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base64),
		cmocka_unit_test(base64offset),
		cmocka_unit_test(utf16),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
