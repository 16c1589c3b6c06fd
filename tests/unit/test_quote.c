/* test_quote.c: the string-quoting primitive of the backends (backends/quote.c). */
#include "unit.h"
#include "backend.h"

static const struct quoting doubled = {.open = "'", .close = "'", .special = "'"};
static const struct quoting escaped = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn",
	.control = "\\u{%02X}",
};
static const struct quoting with_nul = {
	.open = "/", .close = "/", .escape = '\\', .special = "/", .control = "\\x%02x", .nul = true,
};

/* The literal of s[0..n) in the arena, or "REFUSED". */
static const char *
lit(struct arena *a, const struct quoting *q, const char *s, size_t n)
{
	const char *r = quote_str(a, q, s, n);
	return r ? r : "REFUSED";
}

static void
delimiters_and_specials(void **state)
{
	(void)state;
	struct arena a = {0};
	assert_string_equal(lit(&a, &doubled, "it's", 4), "'it''s'");
	assert_string_equal(lit(&a, &doubled, "a\\b", 3), "'a\\b'");
	assert_string_equal(lit(&a, &escaped, "say \"hi\" \\o/", 12), "\"say \\\"hi\\\" \\\\o/\"");
	assert_string_equal(lit(&a, &escaped, "", 0), "\"\"");
	assert_string_equal(lit(&a, &with_nul, "a/b", 3), "/a\\/b/");
	arena_free(&a);
}

static void
control_characters(void **state)
{
	(void)state;
	struct arena a = {0};
	/* named escapes first, then the printf form; NUL only where the table allows it */
	assert_string_equal(lit(&a, &escaped, "a\tb\nc\x1b", 6), "\"a\\tb\\nc\\u{1B}\"");
	assert_string_equal(lit(&a, &escaped, "x\x7f", 2), "\"x\\u{7F}\"");
	assert_string_equal(lit(&a, &escaped, "a\0", 2), "REFUSED");
	assert_string_equal(lit(&a, &with_nul, "a\0b", 3), "/a\\x00b/");
	assert_string_equal(lit(&a, &doubled, "a\tb", 3), "REFUSED");
	/* the check names the first byte the literal cannot hold */
	assert_int_equal(quote_check(&doubled, "ab\x01\x02", 4), 2);
	assert_int_equal(quote_check(&escaped, "a\tb\0", 4), 3);
	assert_int_equal(quote_check(&with_nul, "a\0", 2), 2);
	/* a refused literal appends nothing */
	struct buf b = {0};
	buf_puts(&b, "x");
	assert_false(quote_put(&b, &doubled, "\x01", 1));
	assert_int_equal(b.len, 1);
	buf_free(&b);
	/* bytes of UTF-8 text are never control characters */
	assert_string_equal(lit(&a, &doubled, "\xc2\x85\xe2\x80\xa8", 5), "'\xc2\x85\xe2\x80\xa8'");
	arena_free(&a);
}

static void
regex_bodies(void **state)
{
	(void)state;
	static const struct quoting body = {
		.open = "/", .close = "/", .escape = '\\', .special = "/", .control = "\\x%02x",
		.nul = true, .hex = "\"",
	};
	struct buf b = {0};
	/* escapes pass through, the delimiter is escaped, quotes and controls are \xNN */
	quote_regex(&b, &body, "\\d+/\\/\"\\\"a\0\\\nb", 14);
	assert_string_equal(b.data, "/\\d+\\/\\/\\x22\\x22a\\x00\\x0ab/");
	buf_free(&b);
}

static void
shown_values(void **state)
{
	(void)state;
	struct arena a = {0};
	assert_string_equal(quote_show(&a, "TCP\0x\n", 6), "TCP\\x00x\\x0a");
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delimiters_and_specials),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(regex_bodies),
		cmocka_unit_test(shown_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
