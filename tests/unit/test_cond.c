/* test_cond.c: the condition grammar: precedence, selectors, errors. */
#include "unit.h"

static void
print(struct buf *b, const struct cond *c)
{
	switch (c->kind) {
	case COND_ID: buf_puts(b, c->id); break;
	case COND_OF:
		buf_printf(b, "(%s of %s)", c->of.all ? "all" : "1", c->of.pattern ? c->of.pattern : "them");
		break;
	case COND_NOT: buf_puts(b, "(not "); print(b, c->operand); buf_putc(b, ')'); break;
	case COND_AND:
	case COND_OR:
		buf_putc(b, '(');
		for (int i = 0; i < c->list.n; i++) {
			if (i)
				buf_puts(b, c->kind == COND_AND ? " and " : " or ");
			print(b, c->list.kids[i]);
		}
		buf_putc(b, ')');
		break;
	}
}

static char *
parse(const char *text)
{
	struct arena a = {0};
	struct diag d = {0};
	struct buf b = {0};
	struct cond *c = cond_parse(&a, &d, text, strlen(text), (struct pos){"t", 1, 1}, false);
	if (c)
		print(&b, c);
	else
		buf_printf(&b, "%d: %s", d.msgs[0].pos.col, d.msgs[0].text);
	diag_clear(&d);
	arena_free(&a);
	return b.data;
}

#define ASSERT_COND(text, want) do { \
	char *got_ = parse(text); \
	assert_string_equal(got_, want); \
	free(got_); \
} while (0)

static void
precedence(void **state)
{
	(void)state;
	ASSERT_COND("a or b and not c", "(a or (b and (not c)))");
	ASSERT_COND("not a and b", "((not a) and b)");
	ASSERT_COND("a and b and c", "(a and b and c)");	/* a chain is one node */
	ASSERT_COND("a or b and c or d", "(a or (b and c) or d)");
	ASSERT_COND("(a or b) and c", "((a or b) and c)");
	ASSERT_COND("not not a", "(not (not a))");
	ASSERT_COND("sel-1 and _x", "(sel-1 and _x)");
}

static void
selectors(void **state)
{
	(void)state;
	ASSERT_COND("1 of sel*", "(1 of sel*)");
	ASSERT_COND("any of sel*", "(1 of sel*)");
	ASSERT_COND("all of them", "(all of them)");
	ASSERT_COND("all of selection_* and not 1 of filter_*",
		    "((all of selection_*) and (not (1 of filter_*)))");
	ASSERT_COND("1 of x", "(1 of x)");
}

static void
errors(void **state)
{
	(void)state;
	ASSERT_COND("", "1: empty condition");
	ASSERT_COND("(a or b", "8: expected ')' to close '(' at column 1, found end of condition");
	ASSERT_COND("a or b)", "7: expected 'and', 'or' or end of condition, found ')'");
	ASSERT_COND("a and", "6: expected a search identifier, '(' or 'not', found end of condition");
	ASSERT_COND("sel*", "1: pattern 'sel*' is only allowed after '1 of' or 'all of'");
	ASSERT_COND("2 of sel*", "1: expected '1', 'any' or 'all' before 'of', found '2'");
	ASSERT_COND("sel | count() > 5",
		    "5: '|' in a condition is Sigma v1 aggregation syntax, which is not supported; "
		    "write a correlation rule instead");
	ASSERT_COND("a & b", "3: unexpected character '&' in condition");
	ASSERT_COND("1 of (a)", "6: expected 'them' or a pattern after 'of', found '('");
}

static void
selects(void **state)
{
	(void)state;
	assert_true(cond_selects("sel*", "selection"));
	assert_false(cond_selects("sel*", "filter"));
	assert_true(cond_selects(NULL, "filter"));
	assert_false(cond_selects(NULL, "_hidden"));
	assert_false(cond_selects("*", "_hidden"));
	assert_true(cond_selects("_h*", "_hidden"));
	assert_true(cond_selects("a*b*c", "aXXbYYc"));
	assert_true(cond_selects("a*b*c", "abc"));
	assert_false(cond_selects("a*b*c", "acb"));
	assert_false(cond_selects("ab*ba", "aba"));	/* prefix and suffix may not overlap */
	assert_true(cond_selects("*a*a*b", "xaxab"));
	assert_false(cond_selects("*a*a*b", "xab"));
	assert_true(cond_selects("sel", "sel"));
	assert_false(cond_selects("sel", "sel1"));
	assert_true(cond_selects("**", "x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(precedence),
		cmocka_unit_test(selectors),
		cmocka_unit_test(errors),
		cmocka_unit_test(selects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
