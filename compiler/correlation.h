/*
 * correlation.h: Sigma correlation rules (sigma-spec.md §11). The front end
 * (correlation.c) reads every `correlation:` document of a file, resolves
 * its rule references by name or id among the file's rules and checks the
 * keys; the result is one struct correlation per document (the correlation
 * IR). correlation_emit.c gives a backend the base rules' queries and the
 * mapped group-by columns; each backend renders them in backends/corr_*.c.
 */
#ifndef SIGMACC_CORRELATION_H
#define SIGMACC_CORRELATION_H

#include "files.h"
#include "ir.h"

/* The rule model (rule.h) and the value lists (sigma.h), which renderers
 * only pass along. */
struct cond;
struct rule;
struct vars;
struct ynode;

#define CORR_TYPES(X) \
	X(EVENT_COUNT, "event_count") \
	X(VALUE_COUNT, "value_count") \
	X(TEMPORAL, "temporal") \
	X(TEMPORAL_ORDERED, "temporal_ordered") \
	X(VALUE_SUM, "value_sum") \
	X(VALUE_AVG, "value_avg") \
	X(VALUE_PERCENTILE, "value_percentile") \
	X(VALUE_MEDIAN, "value_median")

enum corr_type {
#define X(id, name) CORR_##id,
	CORR_TYPES(X)
#undef X
};

#define CORR_OPS(X) \
	X(GT, "gt", ">") \
	X(GTE, "gte", ">=") \
	X(LT, "lt", "<") \
	X(LTE, "lte", "<=") \
	X(EQ, "eq", "==") \
	X(NEQ, "neq", "!=")

enum corr_op {
#define X(id, name, sym) CORR_OP_##id,
	CORR_OPS(X)
#undef X
};

struct corr_cmp {
	enum corr_op op;
	const char *value;	/* the number as written */
};

/* alias name: for each referenced rule (by index), that rule's field */
struct corr_alias {
	const char *name;
	const char **field;	/* [nrules], NULL where the rule has no entry */
};

/* Correlations one chain may use, each use counted (a correlation used by two
 * others counts twice, as its query is written twice): bounds the chain's
 * depth while it loads and the size of its query. */
#define CORR_MAX_CHAIN 256

struct correlation {
	const char *title, *id, *name, *level;
	int uses;			/* itself and the correlations it chains, each use */
	const char *file;		/* where it is written */
	const struct ynode *node;	/* its document: the metadata an import format shows */
	int doc;			/* its document index there */
	struct pos pos;
	enum corr_type type;
	struct pos type_pos;
	const struct rule **rules;	/* the referenced base rules, in listed order */
	int nrules;
	/* [nrules]: where the entry is a correlation (a chain), that correlation
	 * and rules[i] is NULL; a chain's inner correlation outputs one row per
	 * window and group, with the window's time and its group-by columns */
	const struct correlation **chain;
	/* [nrules]: the value lists of a base rule from another file, NULL where
	 * the rule uses those of the correlation's file */
	const struct vars **vars;
	const char **group_by;
	int ngroup;
	const char *timespan;		/* as written, e.g. "15m" */
	struct pos timespan_pos;
	long long seconds;		/* its length */
	struct corr_cmp cmp[2];		/* one comparison, or a range of two */
	int ncmp;
	const char *field;		/* value_* types */
	const char *percentile;		/* value_percentile, as written */
	const char *expression;		/* temporal types: a boolean expression over rule names */
	struct cond *cond;		/* that expression parsed; its names are entries' */
	struct corr_alias *aliases;
	int naliases;
	bool generate;
};

const char *corr_type_name(enum corr_type t);
const char *corr_op_symbol(enum corr_op op);

/*
 * The rule and correlation documents of every input file, by name and id
 * (correlation_index.c), so that a correlation may reference a rule or a
 * correlation of another file. Built only when some input holds a
 * correlation; read-only afterwards, so build's workers share it.
 */
struct corr_index;
/* What looking for correlations read of each file, handed on so that it is not
 * read again for that (build hashes its rule files from it): fn runs on the
 * reading thread with the file's index, its bytes and what fstat said of it. */
struct corr_visit {
	/* text is heap: true when fn kept it (then it is fn's to free) */
	bool (*fn)(void *ctx, int i, char *text, size_t len, const struct stat *st);
	void *ctx;
};
/* NULL when no file holds a correlation document (nothing to resolve); whether
 * one does is found on njobs threads (a repository of 100,000 rule files is
 * read once for it), each file read handed to visit (unless NULL). */
struct corr_index *corr_index_build(const char *const *files, const struct vars *const *vars,
				    int nfiles, int njobs, const struct corr_visit *visit);
/* The same over several lists of files (build's PATHs), with one vars for all. */
struct corr_index *corr_index_paths(const struct pathlist *lists, int nlists,
				    const struct vars *vars, int njobs,
				    const struct corr_visit *visit);
void corr_index_free(struct corr_index *ix);
/* Is document doc of file referenced by a correlation without generate: true? */
bool corr_index_hides(const struct corr_index *ix, const char *file, int doc);

/* Reads the correlation documents docs[i] (those with a `correlation` key)
 * of file; references resolve among the file's documents and, through ix
 * (may be NULL), those of the other files. False after diagnostics. */
bool corr_load(struct arena *a, struct diag *d, const struct corr_index *ix, const char *file,
	       struct ynode *const *docs, int ndocs, struct rule *const *rules, int nrules,
	       struct correlation ***out, int *nout);
/* Is r used by a correlation that does not ask for its base rules (generate)? */
bool corr_hides(struct correlation *const *c, int n, const struct rule *r);
/* Is c an inner correlation of one of cs, which does not ask for it (generate)? */
bool corr_hides_corr(struct correlation *const *cs, int n, const struct correlation *c);
/* The reference text of entry i of c in outputs (corr_rule_label, or the
 * chained correlation's name or id). */
const char *corr_entry_label(const struct correlation *c, int i);
/* Does c or a correlation it chains reference a correlation? */
bool corr_is_chain(const struct correlation *c);
/* A window length in the largest exact unit of d, h, m, s ("90m"). */
const char *corr_span(struct arena *a, long long seconds);
/* The rule's reference text in outputs: name, else id, else title. */
const char *corr_rule_label(const struct rule *r);
/* "\n| where COLUMN OP N" and, for a range, AND_OP "COLUMN OP N" after it. */
void corr_where(struct buf *out, const struct correlation *c, const char *column,
		const char *and_op);
/* The warning of targets whose windows are fixed buckets (construct: "bin()"). */
void corr_warn_buckets(struct diag *d, const struct correlation *c, const char *target,
		       const char *construct);
/* Is s a plain field name ([A-Za-z_][A-Za-z0-9_]*)? */
bool corr_plain_name(const char *s);
/* s in quotes q, with q and backslash escaped by a backslash. */
void corr_quote(struct buf *out, char q, const char *s);
/* correlation_render.c: what several renderers share. */
/* The entry that ref (a name or id) names, or -1. */
int corr_entry_index(const struct correlation *c, const char *ref);
/* Front end: parses c->expression (pySigma's boolean condition of temporal
 * types) into c->cond; its names must be entries of c. */
bool corr_load_expression(struct arena *a, struct diag *d, const struct ynode *n,
			  struct correlation *c);
/* c->cond in a target's syntax, entry i written as printf(entry_fmt, i, i). */
void corr_cond_write(struct buf *out, const struct correlation *c, const struct cond *e,
		     const char *and_op, const char *or_op, const char *not_op,
		     const char *entry_fmt);
/* temporal_ordered: only "every rule, in order" is expressible as a sequence. */
bool corr_ordered_check(struct diag *d, const struct correlation *c, const char *target);
/* The percentile of value_percentile, or "50" for value_median. */
const char *corr_percent(const struct correlation *c);
/* The IR as text (`ir` output). */
void corr_dump(struct buf *out, const struct correlation *c);

/* What a backend's correlation hook receives (correlation_emit.c). */
struct query_sections;

struct corr_input {
	const struct correlation *c;
	const char *target;		/* the backend's name, for messages */
	struct ir_options options;	/* the target's -O options */
	const char **queries;	/* [nrules] each base rule's query, no projection */
	const char **tables;	/* [nrules] the pipeline's table of each, or NULL */
	const char ***columns;	/* [nrules][ngroup] the group-by fields mapped for that rule */
	const char **value_column;	/* [nrules] condition.field mapped, or NULL */
	/* Chains (c->chain[i] set): queries[i] is the inner correlation rendered
	 * with inner_name set; tables[i] is NULL and columns[i] are the Sigma
	 * group-by names the inner one outputs. */
	const char *prefix;		/* names of the base queries' lets (KQL): "base_" */
	const char *inner_name;		/* rendered as chain input: a let of this name */
	const struct query **bases;	/* [nrules] each base rule normalised (its computed
					 * columns: extends) */
	bool compact;			/* one line (--compact, or the format's) */
	/* Where the hook puts sections besides the query text (YARA-L's match:), for the
	 * format template's placeholders (backends/backend.h); may be NULL. */
	struct query_sections *sections;
};

#endif
