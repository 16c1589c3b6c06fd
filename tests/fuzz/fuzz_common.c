/* fuzz_common.c: helpers of every fuzz target (fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
fuzz_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

void
fuzz_diag_done(struct diag *d)
{
	/* the renderers quote and escape input bytes: they are part of what is fuzzed */
	struct buf out = {0};
	diag_render(d, &out);
	diag_render_json(d, &out);
	diag_render_github(d, &out);
	buf_free(&out);
	diag_clear(d);
}

const char *
fuzz_path(const char *rel)
{
	static char path[4096];
	snprintf(path, sizeof(path), "%s/%s", SIGMACC_SOURCE_ROOT, rel);
	return path;
}
