/* test_arena.c: the arena and the string builder: formatting that does or does
 * not fit the room left, marks and the reuse of released blocks. */
#include "unit.h"

#include <stdio.h>

/* A string of n copies of c (heap). */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
printf_fits_and_overflows(void **state)
{
	(void)state;
	struct arena a = {0};
	char *big = repeat('x', 200000);	/* larger than a block: formatted twice */
	char *first = arena_printf(&a, "%s-%d", "a", 1);
	char *huge = arena_printf(&a, "<%s>", big);
	/* many short ones cross block boundaries: each must be whole */
	char *last = NULL;
	for (int i = 0; i < 20000; i++) {
		last = arena_printf(&a, "value%d", i);
		char want[32];
		snprintf(want, sizeof(want), "value%d", i);
		assert_string_equal(last, want);
	}
	assert_string_equal(first, "a-1");
	assert_int_equal(strlen(huge), 200002);
	assert_int_equal(huge[0], '<');
	assert_int_equal(huge[200001], '>');
	char *after = arena_strdup(&a, "next");	/* the printed text is not overwritten */
	assert_string_equal(last, "value19999");
	assert_string_equal(after, "next");
	free(big);
	arena_free(&a);
}

static void
release_reuses_blocks(void **state)
{
	(void)state;
	struct arena a = {0};
	char *kept = arena_strdup(&a, "the rule model");
	struct arena_mark m = arena_mark(&a);
	char *blocks[3];
	for (int pass = 0; pass < 3; pass++) {
		/* one target's work: several blocks, then released */
		for (int i = 0; i < 300; i++)
			memset(arena_alloc_raw(&a, 1000), pass, 1000);
		blocks[pass] = arena_alloc_raw(&a, 100000);	/* one large block */
		arena_adopt(&a, malloc(64));	/* freed at the release (ASan finds a leak) */
		arena_release(&a, m);
		assert_string_equal(kept, "the rule model");
	}
	/* the large block of each pass is the one the pass before released */
	assert_ptr_equal(blocks[1], blocks[0]);
	assert_ptr_equal(blocks[2], blocks[0]);
	/* what is allocated after the mark starts where the mark was */
	char *again = arena_strdup(&a, "y");
	assert_ptr_equal(again, kept + 16);
	arena_reset(&a);
	assert_string_equal(arena_strdup(&a, "after reset"), "after reset");
	arena_free(&a);
}

static void
buf_printf_grows(void **state)
{
	(void)state;
	struct buf b = {0};
	char *big = repeat('y', 5000);
	buf_printf(&b, "%d:", 1);
	buf_printf(&b, "%s", big);	/* does not fit the room left */
	buf_printf(&b, ":%s", "end");
	assert_int_equal(b.len, 2 + 5000 + 4);
	assert_int_equal(strlen(b.data), b.len);
	assert_memory_equal(b.data, "1:yyy", 5);
	assert_string_equal(b.data + b.len - 4, ":end");
	free(big);
	buf_free(&b);
}

static void
plain_value_is_not_copied(void **state)
{
	(void)state;
	struct arena a = {0};
	const char *text = "powershell.exe";
	struct pattern p = value_parse(&a, text, strlen(text), true);
	assert_int_equal(p.nsegs, 1);
	assert_ptr_equal(p.segs[0].text, text);
	assert_int_equal(p.segs[0].len, strlen(text));
	const char *escaped = "a\\*b";	/* an escape: its own text */
	p = value_parse(&a, escaped, strlen(escaped), false);
	assert_int_equal(p.nsegs, 1);
	assert_string_equal(p.segs[0].text, "a*b");
	p = value_parse(&a, "", 0, false);
	assert_int_equal(p.nsegs, 0);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printf_fits_and_overflows),
		cmocka_unit_test(release_reuses_blocks),
		cmocka_unit_test(buf_printf_grows),
		cmocka_unit_test(plain_value_is_not_copied),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
