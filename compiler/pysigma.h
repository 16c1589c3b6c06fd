/*
 * pysigma.h: what the two files reading a pySigma processing pipeline share.
 * pysigma.c reads the YAML (transformations, their conditions, refusals);
 * pysigma_names.c composes the field-name transformations, in order, into
 * the field table of each logsource entry. Internal to these files.
 */
#ifndef SIGMACC_PYSIGMA_H
#define SIGMACC_PYSIGMA_H

#include "sigma.h"

/*
 * The transformations that map onto our pipelines, with their parameter key
 * (required, "" for none) and their other keys (space-separated, optional).
 */
#define PY_KINDS(X) \
	X(PY_MAPPING, "field_name_mapping", "mapping", "") \
	X(PY_PREFIX, "field_name_prefix", "prefix", "") \
	X(PY_SUFFIX, "field_name_suffix", "suffix", "") \
	X(PY_RULE_FAILURE, "rule_failure", "message", "") \
	X(PY_ITEM_FAILURE, "detection_item_failure", "message", "") \
	X(PY_CHANGE_LOGSOURCE, "change_logsource", "category", "product service") \
	X(PY_DROP, "drop_detection_item", "", "") \
	X(PY_ADD, "add_condition", "conditions", "negated template name") \
	X(PY_STATE, "set_state", "key", "val")

enum py_kind {
#define PY_ENUM(kind, type, param, more) kind,
	PY_KINDS(PY_ENUM)
#undef PY_ENUM
	PY_KIND__COUNT
};

/* A logsource rule condition: the keys it leaves NULL match any rule. */
struct py_scope {
	const char *product, *service, *category;
};

/* field_name_conditions: include_fields/exclude_fields lists, linked by and/or, maybe negated. */
struct py_fieldcond {
	const struct ynode **lists;	/* each a sequence of field names */
	bool *exclude;			/* lists[i] is an exclude_fields condition */
	int n;
	bool any;			/* field_name_cond_op: or */
	bool negate;			/* field_name_cond_not */
};

struct py_xform {
	enum py_kind kind;
	const struct ynode *node;
	struct py_scope *scopes;	/* it applies to rules in any of them */
	int nscopes;
	struct py_fieldcond fc;
	const struct ynode *mapping;	/* PY_MAPPING: {from: to}, a name or a list of names */
	const char *text;		/* the prefix, suffix, message or state value */
	const struct search *cond;	/* PY_ADD: the conditions, one search */
	bool negated;			/* PY_ADD: the rule must not match them */
	struct py_scope to;		/* PY_CHANGE_LOGSOURCE: the new logsource, whole */
};

/*
 * How the Sigma field names of the rules of one entry are named after the
 * transformations so far: the listed ones as v says (from: the Sigma name,
 * to: the current one, project_only: a detection_item_failure's message),
 * every other as pre + name + suf. With pre and suf empty the other names
 * are left to the pipeline below.
 */
struct py_names {
	struct pl_field *v;
	int n, cap;
	const char *pre, *suf;
	const char *error;	/* a rule_failure's message */
	const struct py_scope *as;	/* the last change_logsource */
	char **drop;		/* drop_detection_item: Sigma names */
	int ndrop, capdrop;
	struct pl_added *added;
	int nadded, capadded;
	const struct py_xform *conflict;	/* an add_condition on a field renamed before it */
	const char *conflict_field;
};

/* Both scopes at once into *out; false when they cannot hold together. */
bool py_scope_and(const struct py_scope *x, const struct py_scope *y, struct py_scope *out);
/* The scopes to make entries for, most specific first (-1 after an error). */
int py_entry_scopes(struct arena *a, struct diag *d, const struct ynode *ts,
		    const struct py_xform *xs, struct py_scope **out);
/* The entry for scope s, if some of the nx transformations apply to its rules (1), none
 * does (0), or an error (-1). */
int py_entry(struct arena *a, struct diag *d, const struct py_xform *xs, int nx,
	     const struct py_scope *s, struct pl_logsource *e);
/* Does the name pass the transformation's field name conditions? */
bool py_field_passes(const struct py_fieldcond *fc, const char *name);
/* Applies x to the names of one entry. */
void py_names_apply(struct arena *a, struct py_names *nm, const struct py_xform *x);

#endif
