/* fuzz_common.c: helpers of every fuzz target (fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Weak: a target with set-up to do defines its own. */
__attribute__((weak)) int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

void
fuzz_begin(struct fuzz_input *in, const char *name, const uint8_t *data, size_t size)
{
	in->text = malloc(size + 1);
	if (!in->text)
		abort();
	if (size)
		memcpy(in->text, data, size);
	in->text[size] = '\0';
	in->src = (struct source){name, in->text, size};
	in->d = (struct diag){.src = &in->src};
}

void
fuzz_end(struct fuzz_input *in)
{
	/* the renderers quote and escape input bytes: they are part of what is fuzzed */
	struct buf out = {0};
	diag_render(&in->d, &out);
	diag_render_json(&in->d, &out);
	diag_render_github(&in->d, &out);
	buf_free(&out);
	diag_clear(&in->d);
	free(in->text);
}

const char *
fuzz_path(const char *rel)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", SIGMACC_SOURCE_ROOT, rel);
	return path;
}
