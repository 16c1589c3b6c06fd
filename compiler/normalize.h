/*
 * normalize.h: what the three files of the normalizer share. normalize.c
 * builds the expression from the condition and makes the query, transform.c
 * turns each Sigma value into its alternatives (modifiers, placeholders, the
 * per-rule budget), fieldmap.c applies the pipeline to each match. Internal
 * to these files.
 */
#ifndef SIGMACC_NORMALIZE_H
#define SIGMACC_NORMALIZE_H

#include "sigma.h"

struct norm {
	struct arena *a;
	struct diag *d;
	const struct rule *r;
	const struct options *o;
	const struct pl_logsource *ls;	/* NULL without a pipeline */
	const char *lsname;
	bool *extend_used;		/* per ls->fields entry */
	struct strmap projected;	/* columns already in query.project */
	struct alts_cache *cache;	/* while normalising the rule's own searches, or NULL */
	long values;			/* values produced so far, against RULE_MAX_VALUES */
	size_t bytes;			/* their text, against RULE_MAX_VALUE_BYTES */
};

/*
 * The alternatives of an item's values, OR-ed: op[i] and v[i]. The values
 * are one array so that consecutive ones of one op become a match's values
 * without a copy.
 */
struct alts {
	enum match_op *op;
	struct mval *v;
	int n, cap;
};

/* normalize.c: building expressions and messages */
struct expr *norm_group(struct norm *n, enum expr_kind kind);
/* Adds kid to g, merging a kid of the same operator into g. */
void norm_add_kid(struct norm *n, struct expr *g, struct expr *kid);
/* A group of one is its only member. */
struct expr *norm_finish(struct expr *g);
struct expr *norm_not(struct norm *n, struct expr *operand);
struct expr *norm_match_expr(struct norm *n, const struct match *m);
void norm_push_alt(struct norm *n, struct alts *as, enum match_op op, struct mval v);
/* Room for cap alternatives. */
void norm_alts_reserve(struct norm *n, struct alts *as, int cap);
/* s for a message: at most 60 bytes. */
const char *norm_show(struct norm *n, const char *s, size_t len);
bool norm_unmapped(struct norm *n, struct pos pos, const char *field);

/* transform.c */
/* The alternatives of one Sigma value of an item, counted against the rule's budget. */
bool norm_item_value(struct norm *n, const struct item *it, const struct value *v,
		     struct alts *out);

/* fieldmap.c */
/* The match with the pipeline applied (names, value maps, types); NULL after an error. */
struct expr *norm_map_match(struct norm *n, struct match *m);
void norm_use_extend(struct norm *n, const struct pl_field *f);
/* An unlisted field's name in an entry with passthrough (its prefix, if any, in front). */
const char *norm_passthrough_name(struct norm *n, const char *field);
/* Rewrites the leading abbreviations of m's values (the field's prefixes:). */
void norm_rewrite_prefixes(struct norm *n, struct match *m, const struct pl_field *f);

/* fieldmap_split.c */
/* A key\value path matched as the key field and the value-name field; NULL after an error. */
struct expr *norm_map_split(struct norm *n, const struct match *m, const struct pl_field *f,
			    const char *sigma);

/* fieldpart.c */
/* m on a field that holds part of the Sigma field (pipeline part: name|text): its values
 * rewritten for the part, or false after an error for one that cannot keep its meaning. */
bool norm_map_part(struct norm *n, struct match *m, const struct pl_field *f, const char *sigma);

#endif
