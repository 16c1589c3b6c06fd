/*
 * filter.h: Sigma meta filters (sigma-spec.md §12). A filter document names
 * rules (by id or name; none, `any` or a single string: every rule) and a
 * logsource; a rule it names whose logsource the filter's contains compiles
 * as `(original condition) and (filter condition)`, the filter's search
 * identifiers prefixed so they cannot clash with the rule's (pySigma's
 * semantics: an exclusion is written `condition: not selection`).
 */
#ifndef SIGMACC_FILTER_H
#define SIGMACC_FILTER_H

#include "sigma.h"
#include "files.h"

#include <stdatomic.h>

struct filter {
	const char *title;
	struct pos pos;
	const struct source *src;	/* its file, for the caret lines */
	struct rule *rule;	/* the filter's logsource, searches and condition */
	const char **refs;	/* the rules it names; nrefs 0: every rule */
	struct pos *ref_pos;
	int nrefs;
	const char *prefix;	/* of its search identifiers in a filtered rule */
	/* per ref, over the whole run (build's workers share them) */
	atomic_bool *named;	/* some rule has this id or name */
	atomic_bool *applied;	/* the filter applied to that rule */
};

/* The filters of a run, loaded once; read-only while rules compile. */
struct filter_set {
	struct arena a;
	struct filter **v;
	int n, cap;
};

struct session;

/* Loads every filter document of path (a file, or the .yml files below a
 * directory); messages to err in s's diagnostics format. False after an error. */
bool filter_load(struct filter_set *fs, const struct session *s, const char *path,
		 struct buf *err);
/* r with every filter that applies to it (r itself when none does); names of
 * the filters applied in *applied (may be NULL). NULL after an error. */
const struct rule *filter_apply(struct arena *a, struct diag *d, const struct filter_set *fs,
				const struct rule *r, const char ***applied, int *napplied);
/* Warnings (to err) for names no rule had and for rules of another logsource. */
void filter_report(const struct filter_set *fs, const struct session *s, struct buf *err);
void filter_free(struct filter_set *fs);
/* Removes from l (found below root) the files under root's filters/ folder,
 * which build loads as filters, not rules. */
void filter_split(struct pathlist *l, const char *root);

#endif
