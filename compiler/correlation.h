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

#include "sigma.h"

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

struct correlation {
	const char *title, *id, *name, *level;
	struct pos pos;
	enum corr_type type;
	struct pos type_pos;
	const struct rule **rules;	/* the referenced base rules, in listed order */
	int nrules;
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
	struct corr_alias *aliases;
	int naliases;
	bool generate;
};

const char *corr_type_name(enum corr_type t);
const char *corr_op_symbol(enum corr_op op);

/* Reads the correlation documents docs[i] (those with a `correlation` key)
 * against the file's rules. False after diagnostics. */
bool corr_load(struct arena *a, struct diag *d, struct ynode *const *docs, int ndocs,
	       struct rule *const *rules, int nrules, struct correlation ***out, int *nout);
/* Is r used by a correlation that does not ask for its base rules (generate)? */
bool corr_hides(struct correlation *const *c, int n, const struct rule *r);
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
/* The IR as text (`ir` output). */
void corr_dump(struct buf *out, const struct correlation *c);

/* What a backend's correlation hook receives (correlation_emit.c). */
struct corr_input {
	const struct correlation *c;
	const struct options *opts;
	const char **queries;	/* [nrules] each base rule's query, no projection */
	const char **tables;	/* [nrules] the pipeline's table of each, or NULL */
	const char ***columns;	/* [nrules][ngroup] the group-by fields mapped for that rule */
	const char **value_column;	/* [nrules] condition.field mapped, or NULL */
	const struct query **bases;	/* [nrules] each base rule normalised (its computed
					 * columns: extends) */
};

#endif
