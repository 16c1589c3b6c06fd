/* build.h: `sigmacc build`, regenerating every output's files into a directory (build.c). */
#ifndef SIGMACC_BUILD_H
#define SIGMACC_BUILD_H

#include "driver.h"

/* One output: a target compiled one way into its own directory. Without a
 * project file there is one per target, named and placed as the target. */
struct build_output {
	const char *name;	/* for messages and the manifest */
	const char *dir;	/* below OUTDIR: its files are OUTDIR/<dir>/<rule path>.<ext> */
	const struct backend *be;
	const char *format;	/* NULL or "default": the query; else a format of be */
	const char *const *pipelines;	/* for be, stacked in order; none: be's default */
	int npipelines;
	const char **opts;	/* -O KEY=VALUE */
	int nopts;
	/* keep the bare query beside each file of a format that wraps it (X.json, X.kql) */
	bool query_beside;
	/* scoping: rule files or folders; no include: every rule file */
	const char *const *include, *const *exclude;
	int ninclude, nexclude;
};

/* A rule an output is expected to refuse: reported as skipped, not failed. */
struct build_refusal {
	const char *rule;	/* a rule file or folder, or a rule's id */
	const char *output;	/* an output's name or a target's */
	const char *reason;	/* NULL: none given */
	bool path;		/* rule is a file or folder (it exists), else an id */
};

/* Expected refusals indexed by their rule (build_outputs.c): a rule file's are
 * found with a lookup per folder of its path and per word of its text, never a
 * scan of every refusal for every file. */
struct refusal_index {
	struct strmap paths, ids;	/* rule -> the first refusal naming it */
	int *next;	/* per refusal: the next one naming the same rule, or -1 */
	int *odd;	/* ids holding a separator (space, quote, comma, bracket), */
	int nodd;	/* searched for in a text instead */
};

/* Indexes the n refusals at v, in arena a. */
void refusal_index_build(struct arena *a, struct refusal_index *x, const struct build_refusal *v,
			 int n);

struct build_options {
	const char *outdir;	/* OUTDIR */
	const char *templates;	/* where the pipelines and format templates are */
	const char *version;	/* of sigmacc, recorded in the manifest */
	bool check;		/* write nothing; report missing, stale and orphaned outputs */
	bool full;		/* compile every rule, whatever the manifest records */
	bool complete;		/* these are all of OUTDIR's outputs: files of others are orphans */
	bool skip_unsupported;	/* -s: refused rules do not make the exit status 1 */
	int jobs;		/* -j: files compiled at once; 0 = the number of CPUs */
	const struct build_output *outputs;
	int noutputs;
	const char *const *pipelines;	/* -p: an output stacks those for its target instead */
	int npipelines;
	const struct build_refusal *refusals;
	int nrefusals;
	const struct refusal_index *rindex;	/* of refusals; NULL when there is none */
	/* Sigma filter files (the project's filters:). Their bytes are part of every
	 * output's recorded options, so a changed filter recompiles; the session applies
	 * them (filter.c). */
	const char *const *filters;
	int nfilters;
};

/* Builds (or checks) the rule files below paths into every output. Returns the exit status. */
int build_run(struct session *s, const struct build_options *bo, const char *const *paths,
	      int npaths);

#endif
