/* build.h: `sigmacc build`, regenerating every target's outputs into a directory (build.c). */
#ifndef SIGMACC_BUILD_H
#define SIGMACC_BUILD_H

#include "driver.h"

struct build_options {
	const char *outdir;	/* OUTDIR: outputs go to OUTDIR/<target>/<rule>.<ext> */
	const char *templates;	/* where the pipelines and format templates are */
	const char *format;	/* NULL or "default": the query; else a format of every target */
	bool check;		/* write nothing; report missing, stale and orphaned outputs */
	int ntargets;
	int jobs;		/* -j: files compiled at once; 0 = the number of CPUs */
	const char *const *pipelines;	/* -p, in order: each target stacks those for it */
	int npipelines;
};

/* Builds (or checks) paths for the NULL-terminated targets. Returns the exit status. */
int build_run(struct session *s, const struct build_options *bo,
	      const struct backend *const *targets, const char *const *paths, int npaths);

#endif
