/* test_value.c: Sigma escapes and wildcards, every row of sigma-spec.md §5.3. */
#include "unit.h"

/* Renders a pattern as text with W* and W? spelled out. */
static char *
render(const char *sigma, bool placeholders)
{
	struct arena a = {0};
	struct pattern p = value_parse(&a, sigma, strlen(sigma), placeholders);
	struct buf b = {0};
	for (int i = 0; i < p.nsegs; i++) {
		const struct seg *s = &p.segs[i];
		switch (s->kind) {
		case SEG_TEXT: buf_printf(&b, "[%.*s]", (int)s->len, s->text); break;
		case SEG_STAR: buf_puts(&b, "W*"); break;
		case SEG_QMARK: buf_puts(&b, "W?"); break;
		case SEG_PLACEHOLDER: buf_printf(&b, "%%%.*s%%", (int)s->len, s->text); break;
		}
	}
	arena_free(&a);
	return b.data ? b.data : strdup("");
}

#define ASSERT_VALUE(sigma, want, ph) do { \
	char *got_ = render(sigma, ph); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void
spec_table(void **state)
{
	(void)state;
	ASSERT_VALUE("C:\\Windows\\cmd.exe", "[C:\\Windows\\cmd.exe]", false);
	ASSERT_VALUE("C:\\\\Windows\\\\cmd.exe", "[C:\\Windows\\cmd.exe]", false);
	ASSERT_VALUE("*\\cmd.exe", "W*[\\cmd.exe]", false);
	ASSERT_VALUE("foo\\*bar", "[foo*bar]", false);
	ASSERT_VALUE("foo\\?", "[foo?]", false);
	ASSERT_VALUE("C:\\\\*", "[C:\\]W*", false);
	ASSERT_VALUE("C:\\\\\\*", "[C:\\*]", false);
	ASSERT_VALUE("\\\\\\\\server", "[\\\\server]", false);
	ASSERT_VALUE("\\\\\\server", "[\\\\server]", false);
	ASSERT_VALUE("path\\", "[path\\]", false);
}

static void
wildcards(void **state)
{
	(void)state;
	ASSERT_VALUE("fo?b*r", "[fo]W?[b]W*[r]", false);
	ASSERT_VALUE("**a", "W*[a]", false);	/* adjacent W* collapse */
	ASSERT_VALUE("", "", false);
	ASSERT_VALUE("?", "W?", false);
}

static void
placeholders(void **state)
{
	(void)state;
	ASSERT_VALUE("%APPDATA%\\x", "[%APPDATA%\\x]", false);	/* plain text without expand */
	ASSERT_VALUE("*.%domains%", "W*[.]%domains%", true);
	ASSERT_VALUE("\\%plain%name%", "[%plain]%name%", true);
	ASSERT_VALUE("100%", "[100%]", true);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_table),
		cmocka_unit_test(wildcards),
		cmocka_unit_test(placeholders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
