/*
 * fuzz_yaml.c: the YAML layer (yaml.c) alone: every document of the input is
 * loaded into the node tree, which is then walked and queried as rule.c
 * does (kind names, map lookups of the keys it holds).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static struct arena arena;

/* Checks the shape the loader promises and looks keys up, without recursion. */
static void
walk(struct ynode *root)
{
	struct ynode **stack = NULL;
	int n = 0, cap = 0;
	VEC_PUSH(&arena, stack, n, cap, root);
	while (n) {
		struct ynode *y = stack[--n];
		yaml_kind_name(y);
		if (y->kind == YNODE_SCALAR) {
			if (!y->text || y->text[y->len] != '\0')
				abort();	/* scalars are NUL-terminated at len */
			continue;
		}
		if (y->kind == YNODE_MAP && y->nkids % 2)
			abort();
		for (int i = 0; i < y->nkids; i++) {
			if (y->kind == YNODE_MAP && i % 2 == 0 && y->kids[i]->kind == YNODE_SCALAR)
				yaml_get(y, y->kids[i]->text);
			VEC_PUSH(&arena, stack, n, cap, y->kids[i]);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_reset(&arena);
	struct fuzz_input in;
	fuzz_begin(&in, "fuzz.yml", data, size);
	struct ynode **docs;
	int ndocs = 0;
	if (yaml_load(&in.src, &arena, &in.d, &docs, &ndocs))
		for (int i = 0; i < ndocs; i++)
			walk(docs[i]);
	fuzz_end(&in);
	return 0;
}
