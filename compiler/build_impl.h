/* build_impl.h: what build.c shares with build_outputs.c (the outputs, their
 * configuration and the hashes the manifest records). */
#ifndef SIGMACC_BUILD_IMPL_H
#define SIGMACC_BUILD_IMPL_H

#include "build.h"
#include "manifest.h"

/* An output of this build with what it needs loaded. */
struct output {
	const struct build_output *spec;
	const struct backend *be;
	struct pipeline *pl;		/* the stack it compiles with */
	struct pipeline **own;		/* loaded for this output, freed with it */
	int nown;
	struct template *tpl;		/* the format is this template (NULL: the backend's own) */
	const char *ext;		/* of its files */
	struct manifest_output rec;	/* what produces its files, for the manifest */
	const struct manifest_output *was;	/* the manifest's line for it, or NULL */
};

/* Loads every output's pipelines and format (pls: the -p pipelines, stacked in
 * stack); an output that cannot be loaded is reported and counted in *failed. */
int outputs_load(const struct build_options *bo, const struct options *opts,
		 struct pipeline **pls, struct arena *stack, struct output **out, int *failed);
void outputs_free(struct output *o, int n);

/* The digest of each value list, so a rule's record names the lists it may use. */
struct list_digests {
	const struct varlist *lists;
	char (*hex)[HASH_HEX];
	int n;
};
void list_digests_init(struct list_digests *ld, const struct vars *v);
void list_digests_free(struct list_digests *ld);
/* The hashes of a rule file's bytes and of the value lists it may use ("-": none).
 * A list counts as used when its name occurs in the text, or when the text has
 * an escape that could spell any name (YAML \x, \u, \U, an escaped line break):
 * more lists than used only costs a recompile, fewer would keep a stale output. */
void rule_hashes(const struct list_digests *ld, const char *text, size_t len,
		 char rule[HASH_HEX], char lists[HASH_HEX]);

/* Is the rule file in the output's scope? */
bool output_in_scope(const struct output *o, const char *file);
/* The expected refusal of file (or of one of its rules' ids) by output o, or NULL. */
const struct build_refusal *output_expected(const struct build_options *bo, const struct output *o,
					    const char *file, const char *const *ids, int nids);
/* Could an expected refusal of output o name one of file's rules by id? */
bool output_refusal_by_id(const struct build_options *bo, const struct output *o,
			  const char *text, size_t len);

#endif
