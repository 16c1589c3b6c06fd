/*
 * rule.h: the rule model, from text to struct rule: yaml.c (text -> struct
 * ynode), rule.c (-> struct rule, with modifier.c and cond.c). The
 * normalizer reads it; backends never do (they read the IR, ir.h).
 */
#ifndef SIGMACC_RULE_H
#define SIGMACC_RULE_H

#include "base.h"

/* ---- yaml.c -------------------------------------------------------------- */

enum ynode_kind {
	YNODE_SCALAR,	/* text, len, style, type */
	YNODE_SEQ,	/* kids[0..nkids) */
	YNODE_MAP,	/* kids: key, value, key, value ... (nkids is even) */
};

enum scalar_type {
	SCALAR_STR,	/* quoted, or plain text that is nothing else */
	SCALAR_INT,	/* plain [-+]?[0-9]+, 0x.., 0o.. (YAML 1.2 core schema) */
	SCALAR_FLOAT,	/* plain decimal with . or exponent */
	SCALAR_BOOL,	/* plain true/false (any of the three casings) */
	SCALAR_NULL,	/* plain null, ~ or empty */
};

/* Fields ordered by size: a large rule has one node per value. */
struct ynode {
	struct pos pos;
	const char *text;	/* SCALAR: NUL-terminated, may contain NUL if len says so */
	size_t len;
	struct ynode **kids;
	int nkids;
	enum ynode_kind kind;
	enum scalar_type type;
	bool quoted;
};

#define YAML_MAX_NODES 2000000		/* nodes per document, as written */
#define YAML_MAX_ALIAS_NODES 1000000	/* nodes per document that aliases add */
#define YAML_MAX_DEPTH 64		/* nesting levels, aliases expanded */

/* Loads every document of src. Returns false after a diagnostic. */
bool yaml_load(const struct source *src, struct arena *a, struct diag *d,
	       struct ynode ***docs, int *ndocs);
/* The value of key in a map, or NULL. */
struct ynode *yaml_get(const struct ynode *map, const char *key);
const char *yaml_kind_name(const struct ynode *n);


/* ---- modifier.c ------------------------------------------------------------ */

enum modclass {
	MODCLASS_POSITION,	/* contains/startswith/endswith */
	MODCLASS_LIST,		/* all */
	MODCLASS_FLAG,		/* cased, neq */
	MODCLASS_TRANSFORM,	/* value rewrites */
	MODCLASS_TYPE,		/* re, cidr, exists, fieldref */
	MODCLASS_REFLAG,	/* i, m, s after re */
	MODCLASS_COMPARE,	/* lt, lte, gt, gte */
	MODCLASS_TIMEPART,	/* minute ... year */
};

enum modifier {
#define MODIFIER(id, name, class) MOD_##id,
#include "modifiers.def"
#undef MODIFIER
	MOD__COUNT
};

#define MODCHAIN_MAX 8

/* Every modifier is on its key's line: one file and line, a column each (an
 * item per value of a large rule holds one). */
struct modchain {
	enum modifier mod[MODCHAIN_MAX];
	int col[MODCHAIN_MAX];
	const char *file;
	int line;
	int n;
};

const char *modifier_name(enum modifier m);
enum modclass modifier_class(enum modifier m);
bool modchain_has(const struct modchain *c, enum modifier m);
/* Where modifier i of the chain is written. */
struct pos modchain_pos(const struct modchain *c, int i);
/*
 * Splits "field|m1|m2" at pos into field and chain and validates the chain
 * (order, combinations). field is "" for a keyword item ('|all').
 */
bool modifier_parse_key(struct arena *a, struct diag *d, const char *key, struct pos pos,
			const char **field, struct modchain *chain);


/* ---- cond.c: the condition -------------------------------------------------- */

enum cond_kind {
	COND_ID,	/* id: a search identifier */
	COND_OF,	/* of: "1 of pat", "all of them" */
	COND_NOT,	/* operand */
	COND_AND,	/* list: two or more operands */
	COND_OR,	/* list: two or more operands */
};

struct cond {
	enum cond_kind kind;
	int search;	/* COND_ID: 1 + the index of its search in the rule rule.c
			 * checked it for (0: not looked up), so no later pass hashes
			 * the name again; a copy in another rule is checked by name */
	struct pos pos;
	union {
		const char *id;
		struct {
			bool all;
			const char *pattern;	/* NULL = them */
		} of;
		struct cond *operand;
		struct {
			struct cond **kids;
			int n;
		} list;
	};
};

/* Bytes a rule's 'of' selectors may compare with search identifiers (pattern
 * and name lengths, per selector and search): real rules use thousands. */
#define COND_MAX_OF_WORK 20000000

/* Parses a condition string whose first character is at pos. */
struct cond *cond_parse(struct arena *a, struct diag *d, const char *text, size_t len,
			struct pos pos, bool quoted);
/* Does "1 of pattern" select the search called name? pattern NULL = them. */
bool cond_selects(const char *pattern, const char *name);


/* ---- rule.c: the rule model ---------------------------------------------- */

enum value_kind {
	VAL_STR,	/* text, len: the scalar as written (escapes not yet applied) */
	VAL_NUM,	/* text: canonical number; is_int, i / f */
	VAL_BOOL,	/* b */
	VAL_NULL,	/* nothing */
};

struct value {	/* fields ordered by size: a large rule has many */
	struct pos pos;
	const char *text;
	size_t len;
	int64_t i;
	double f;
	enum value_kind kind;
	bool is_int;
	bool b;
};

struct item {
	struct pos pos;			/* of the key; for keyword lists, of the list */
	const char *field;		/* NULL = keyword (unbound) search */
	struct modchain mods;
	struct value *vals;
	int nvals;
	bool empty_list;		/* written as [] */
};

struct group {
	struct pos pos;
	struct item *items;		/* AND */
	int nitems;
};

struct search {
	const char *name;
	struct pos pos;
	struct group *groups;		/* OR */
	int ngroups;
};

struct related {
	const char *id, *type;
};

struct custom_key {
	const char *key;
	const struct ynode *value;
};

struct logsource {
	const char *product, *category, *service, *definition;
	struct pos pos;
};

struct rule {
	const char *file;
	struct pos pos;			/* of the document */
	int doc;			/* 0-based document index in the file */
	const char *title, *id, *name, *status, *description, *license, *author;
	const char *date, *modified, *level, *taxonomy;
	const char **references, **tags, **falsepositives, **fields, **scope;
	int nreferences, ntags, nfalsepositives, nfields, nscope;
	struct pos *field_pos;		/* position of each fields: entry */
	struct related *related;
	int nrelated;
	struct custom_key *custom;
	int ncustom;
	struct logsource logsource;
	struct search *searches;
	int nsearches;
	struct strmap search_index;	/* name -> searches[] */
	struct cond **conds;		/* OR of conditions (a condition list) */
	int nconds;
	struct search *flags;		/* flags: named searches shown as boolean columns */
	struct cond **flag_conds;	/* flag i written as a condition over searches, or NULL */
	int nflags;
	bool newest_first;		/* sort: newest-first (a sigmacc extension) */
};

#define RULE_FLAGS_MAX 16

/* Builds the rules of a file. Bad documents are reported and skipped. */
bool rule_load(struct arena *a, struct diag *d, const struct source *src,
	       struct rule ***rules, int *nrules);
/* The same, but correlation documents are skipped instead of refused; all the
 * documents are returned for corr_load (correlation.h). */
bool rule_load_docs(struct arena *a, struct diag *d, const struct source *src,
		    struct rule ***rules, int *nrules, struct ynode ***docs, int *ndocs);
/* A meta filter document (sigma-spec.md §12) as a rule: its logsource, and
 * its `filter` map read as a detection without the `rules` key (filter.c). */
/* One search from its name k and definition v (a pySigma add_condition's conditions). */
bool rule_load_search(struct arena *a, struct diag *d, const struct ynode *k, const struct ynode *v,
		      struct search *s);
struct rule *rule_load_filter(struct arena *a, struct diag *d, const struct source *src,
			      const struct ynode *doc, int index);
/* The search called name, or NULL. */
const struct search *rule_search(const struct rule *r, const char *name);
/* "rule 'TITLE' (ID): " for messages about a rule as a whole. */
const char *rule_context(struct arena *a, const struct rule *r);
const char *logsource_name(struct arena *a, const struct logsource *ls);


#endif
