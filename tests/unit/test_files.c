/* test_files.c: the rule texts kept between the look for correlations and the
 * compile (files.c): the budget is a total, a text is kept once and taken once,
 * and what was not kept is read again by its caller. */
#include "unit.h"
#include "files.h"

static char *
text(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(malloc(n), s, n);
}

static void
kept_within_budget(void **state)
{
	(void)state;
	struct files_kept k;
	files_kept_init(&k, 3);
	char *a = text("a"), *b = text("b"), *c = text("c");
	/* the lengths count against the budget, whatever the allocation */
	assert_true(files_keep(&k, 0, a, FILES_KEEP_BUDGET - 10));
	assert_false(files_keep(&k, 1, b, 11));	/* one byte over: not kept */
	assert_true(files_keep(&k, 1, b, 10));	/* exactly the budget */
	assert_false(files_keep(&k, 2, c, 1));
	free(c);
	size_t len = 0;
	assert_ptr_equal(files_kept_take(&k, 1, &len), b);
	assert_int_equal(len, 10);
	assert_null(files_kept_take(&k, 1, &len));	/* taken once */
	assert_null(files_kept_take(&k, 2, &len));	/* never kept */
	assert_null(files_kept_take(&k, 3, &len));	/* out of range */
	assert_null(files_kept_take(&k, -1, &len));
	assert_null(files_kept_take(NULL, 0, &len));	/* no read-ahead at all */
	free(b);
	files_kept_free(&k);	/* frees a, never taken */
}

static void
kept_once_per_file(void **state)
{
	(void)state;
	struct files_kept k;
	files_kept_init(&k, 1);
	char *a = text("first"), *b = text("second");
	assert_true(files_keep(&k, 0, a, 5));
	assert_false(files_keep(&k, 0, b, 6));	/* the first text stays */
	assert_false(files_keep(&k, 1, b, 6));	/* no such file */
	size_t len = 0;
	char *got = files_kept_take(&k, 0, &len);
	assert_string_equal(got, "first");
	assert_int_equal(len, 5);
	free(got);
	free(b);
	files_kept_free(&k);
}

static void
push_copies(void **state)
{
	(void)state;
	struct pathlist l = {0};
	char name[8] = "a/b.yml";
	for (int i = 0; i < 100; i++)	/* past the first growth */
		files_push(&l, name);
	name[0] = 'x';
	assert_int_equal(l.n, 100);
	assert_string_equal(l.v[99], "a/b.yml");
	assert_true(l.v[0] != l.v[1]);
	files_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kept_within_budget),
		cmocka_unit_test(kept_once_per_file),
		cmocka_unit_test(push_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
