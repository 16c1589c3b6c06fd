/*
 * fuzz_cond.c: the condition parser alone. The input is the text of a
 * `condition:` value (any bytes: a YAML scalar may hold NUL); every
 * "1 of PATTERN" of the parsed condition is then matched against a few
 * search names, as rule.c does when it resolves the condition.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static struct arena arena;

static const char *const names[] = {
	"selection", "selection_img", "filter_main_1", "filter", "_private", "sel", "", "them",
};

/* Visits the tree without recursion, whatever depth the parser lets through. */
static void
walk(struct cond *root)
{
	struct cond **stack = NULL;
	int n = 0, cap = 0;
	VEC_PUSH(&arena, stack, n, cap, root);
	while (n) {
		struct cond *c = stack[--n];
		switch (c->kind) {
		case COND_ID:
			break;
		case COND_OF:
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				cond_selects(c->of.pattern, names[i]);
			break;
		case COND_NOT:
			VEC_PUSH(&arena, stack, n, cap, c->operand);
			break;
		case COND_AND:
		case COND_OR:
			for (int i = 0; i < c->list.n; i++)
				VEC_PUSH(&arena, stack, n, cap, c->list.kids[i]);
			break;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_reset(&arena);
	struct fuzz_input in;
	fuzz_begin(&in, "fuzz.yml", data, size);
	/* as the value of `condition: ` on line 1; the quoted form shifts columns by one */
	struct cond *c = cond_parse(&arena, &in.d, in.text, size, (struct pos){"fuzz.yml", 1, 12},
				    size % 2);
	if (c)
		walk(c);
	fuzz_end(&in);
	return 0;
}
