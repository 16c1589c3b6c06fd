/*
 * correlation_load.h: what correlation.c (the keys of one document) and
 * correlation_index.c (references across documents and files) share while
 * the correlations of one file load. Not for other modules.
 */
#ifndef SIGMACC_CORRELATION_LOAD_H
#define SIGMACC_CORRELATION_LOAD_H

#include "correlation.h"
#include "sigma.h"

enum corr_state { CORR_UNLOADED, CORR_LOADING, CORR_LOADED, CORR_FAILED };

/* A file whose documents a correlation references. */
struct corr_file {
	const char *path;
	const struct vars *vars;	/* its value lists; NULL: the session's */
	struct ynode *const *docs;
	int ndocs;
	struct rule *const *rules;
	int nrules;
	struct correlation **cors;	/* [ndocs] once loaded */
	unsigned char *state;		/* [ndocs] enum corr_state */
	bool foreign;			/* not the file being compiled: its errors show there */
};

struct corr_loader {
	struct arena *a;
	struct diag *d;			/* quiet while another file's correlation loads */
	struct diag *top;		/* the compiling file's: cycles are reported here */
	const struct corr_index *ix;
	struct corr_file **files;	/* [0]: the file being compiled */
	int nfiles, capfiles;
	const char **stack;		/* labels of the correlations being loaded */
	int nstack, capstack;
};

/* One document, as a reference resolves: a base rule or a correlation. */
struct corr_target {
	const struct rule *rule;
	const struct correlation *cor;
	const struct vars *vars;	/* a rule of another file: its value lists */
};

/* The correlation of document doc of f (loading it, and what it references). */
const struct correlation *corr_load_doc(struct corr_loader *L, struct corr_file *f, int doc);
/* What ref, written in f, names; false after an error at ref. */
bool corr_resolve(struct corr_loader *L, struct corr_file *f, const struct ynode *ref,
		  struct corr_target *out);

#endif
