/* manifest.h: the set of output names and OUTDIR/.sigmacc-manifest (manifest.c). */
#ifndef SIGMACC_MANIFEST_H
#define SIGMACC_MANIFEST_H

#include "base.h"

/* A set of output paths (relative to OUTDIR): the names live in one arena, the
 * sorted index on the heap, so lookups are O(log n) and a 100k-rule build
 * does not fragment the heap with separately allocated names. */
struct names {
	struct arena arena;
	const char **v;
	int n, cap;
	bool sorted;
};

/* Adds a copy of name; returns the copy. */
const char *names_add(struct names *s, const char *name);
/* Sorts and drops duplicates; names_has needs it. */
void names_sort(struct names *s);
bool names_has(const struct names *s, const char *name);
void names_free(struct names *s);

/* A target of this build and the extension of its outputs. */
struct manifest_target {
	const char *name, *ext;
};

/* Why rel cannot be an output of a build (NULL: it can): not relative, an
 * empty, '.' or '..' component, a control character, not below a known target. */
const char *manifest_check(const char *rel);
/* Adds the valid entries of a manifest's text to s. An entry that fails
 * manifest_check, or lies below one of the nt built targets without that
 * target's extension, is reported in err as FILE:LINE:1: warning and left out.
 * Returns how many were left out. */
int manifest_parse(const char *text, size_t len, const char *file,
		   const struct manifest_target *targets, int nt, struct names *s, struct buf *err);
/* The manifest's text for the sorted set s. */
void manifest_render(const struct names *s, struct buf *out);

#endif
