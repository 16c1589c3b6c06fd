/*
 * fuzz_vars.c: the --vars value-list loader. The input is one list file,
 * loaded on top of the checkout's own lists (so that names defined twice
 * are reached); every list it defines is then looked up by name.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

static bool
load(struct vars *v, const char *name, const char *text, size_t len)
{
	struct fuzz_input in;
	fuzz_begin(&in, name, (const uint8_t *)text, len);
	bool ok = vars_load(v, &in.src, &in.d);
	fuzz_end(&in);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char base[] = "construct_shares:\n    - 'ADMIN$'\n    - 'C$'\n";
	struct vars v = {0};
	if (!load(&v, "base.vars.yml", base, sizeof(base) - 1))
		abort();	/* a fixed, valid list */
	if (load(&v, "fuzz.vars.yml", (const char *)data, size)) {
		for (int i = 0; i < v.nlists; i++) {
			const struct varlist *l = vars_find(&v, v.lists[i].name, strlen(v.lists[i].name));
			if (!l || l->nvals < 1)
				abort();	/* a loaded list must be found, and non-empty */
		}
	}
	vars_free(&v);
	return 0;
}
