/*
 * sigma.h: the data model and the API of every compiler stage, one section
 * per .c file. The pipeline is
 *
 *   yaml.c (text -> struct ynode) -> rule.c (-> struct rule, with value.c,
 *   modifier.c and cond.c) -> normalize.c (+ pipeline.c, vars.c -> struct
 *   query around a struct expr) -> a backend (backends/) -> text.
 *
 * Everything here lives in the rule's arena (see base.h) except the loaded
 * pipelines and value lists, which live for the whole run.
 */
#ifndef SIGMACC_SIGMA_H
#define SIGMACC_SIGMA_H

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

/* ---- value.c: Sigma strings, wildcards and escapes ------------------------ */

enum seg_kind {
	SEG_TEXT,	/* text, len: literal characters, escapes already removed */
	SEG_STAR,	/* W*: any run of characters, also empty */
	SEG_QMARK,	/* W?: exactly one character */
	SEG_PLACEHOLDER,	/* text, len: %name% of an expand value (name only) */
};

struct seg {
	enum seg_kind kind;
	const char *text;
	size_t len;
};

/* A string value after Sigma's escape rules: literal text and wildcards. */
struct pattern {
	struct seg *segs;
	int nsegs;
};

/* Parses s by sigma-spec.md §5.3; with placeholders, %name% and \% too. s must be
 * NUL-terminated at len and outlive the pattern: a value without wildcards or
 * escapes is its own text segment. */
struct pattern value_parse(struct arena *a, const char *s, size_t len, bool placeholders);
/* A pattern of one literal text. */
struct pattern value_literal(struct arena *a, const char *s, size_t len);
/* Appends segments, merging adjacent text and collapsing W* W*. */
void value_append(struct arena *a, struct pattern *p, struct seg s);
/* The same for a pattern being built whose segs have room for *cap (0 at
 * first): grows geometrically, so building segment by segment is linear. */
void value_push(struct arena *a, struct pattern *p, int *cap, struct seg s);
bool value_has_wildcards(const struct pattern *p);
/* The literal text of a wildcard-free pattern (arena copy), NUL-terminated. */
char *value_text(struct arena *a, const struct pattern *p, size_t *len);

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
	int nflags;
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

/* ---- the IR (normalize.c builds it, dump.c prints it, backends emit it) ---- */

enum match_op {
#define MATCH(id, name) MATCH_##id,
#include "match.def"
#undef MATCH
	MATCH__COUNT
};

enum cmp {
	CMP_EQ,		/* == */
	CMP_LT,		/* < */
	CMP_LTE,	/* <= */
	CMP_GT,		/* > */
	CMP_GTE,	/* >= */
};

enum anchor {
	ANCHOR_EXACT,	/* whole value */
	ANCHOR_PREFIX,	/* startswith */
	ANCHOR_SUFFIX,	/* endswith */
	ANCHOR_CONTAINS,	/* substring */
};

#define RE_I 1u		/* ignore case */
#define RE_M 2u		/* multi-line */
#define RE_S 4u		/* dot matches newline */

struct mval {
	struct pattern pat;	/* STR */
	const char *text;	/* RE, CIDR, NUM, FIELDREF, TIMEPART */
	size_t len;
	unsigned re_flags;	/* RE */
	int family;		/* CIDR: 4 or 6 */
	bool b;			/* BOOL, EXISTS */
	enum cmp cmp;		/* NUM, TIMEPART */
	enum anchor anchor;	/* FIELDREF */
	const char *part;	/* TIMEPART: minute, hour, day, week, month, year */
};

/* One comparison of one field with one or more values, OR-ed. */
struct match {
	const char *field;	/* target name; NULL = keyword search */
	enum match_op op;
	bool cased;		/* STR, FIELDREF: case-sensitive */
	bool numeric_field;	/* the target field holds numbers */
	bool ip_field;		/* the target field holds IP addresses (pipeline type ip) */
	const char *domain_field;	/* the data model splits a DOMAIN\user value: DOMAIN is
					 * in this field, the user in field (pipeline domain:) */
	struct pos pos;
	struct mval *vals;
	int nvals, capvals;
	const char *sigma_field;	/* the field as the rule names it, for messages */
};

enum expr_kind {
	EXPR_AND,	/* kids */
	EXPR_OR,	/* kids */
	EXPR_NOT,	/* kids[0] */
	EXPR_MATCH,	/* match */
};

struct expr {
	enum expr_kind kind;
	struct expr **kids;
	int nkids, capkids;
	struct match match;
};

/* ---- pipeline.c: per-target field mappings from templates/ --------------------- */

struct pl_value {		/* Initiated 'true' -> ActionType in (...) */
	char *from;
	char *field;
	char **in;
	unsigned in_count;
};

struct pl_rename {		/* a value prefix or hash algorithm -> replacement */
	char *from;
	char *to;
};

struct pl_warn {		/* a value text whose match the SIEM's data may not bear out */
	char *text;
	char *why;
};

struct pl_event_map {		/* the name a collector gives the field in some events */
	char **codes;		/* the events' ids, as the rule's EventID compares them */
	unsigned codes_count;
	char *to;
	char *type;
};

struct pl_field {
	char *from;		/* Sigma name */
	char *to;		/* target name; NULL with values/hashes only */
	char *type;		/* string (default), number, ip, bool, datetime */
	char *extend;		/* computed column: `to` is defined as this expression */
	char *project_only;	/* may be projected but not matched: the reason */
	char *dword;		/* decimal | both: how the SIEM stores Sysmon's DWORD (0x...) */
	char *warning;		/* the mapping holds only for some data: which */
	char *domain;		/* the data model splits DOMAIN\user: DOMAIN is in this field */
	char *split;		/* a registry path key\value: the key is in `to`, the value name
				 * (after the last backslash) in this field */
	struct pl_value *values;
	unsigned values_count;
	struct pl_rename *prefixes;
	unsigned prefixes_count;
	struct pl_rename *hashes;
	unsigned hashes_count;
	struct pl_warn *warn;
	unsigned warn_count;
	struct pl_event_map *events;	/* `to` holds in every other event */
	unsigned events_count;
	char **also;		/* pySigma's one-to-many mapping: further names, any may match */
	unsigned also_count;
	unsigned also_unmatched;	/* the last ones of also are only projected */
};

/*
 * The event selection of a logsource: where the target reads (from) and the
 * conditions the events must meet (where, all of them). A condition is exact
 * and cased: value (number for a numeric field), or any of in; prefix, regex and exists where a data model
 * needs them; any: any of the groups, each a list of conditions that all hold.
 * Backends render it through their own syntax; nobody parses a string.
 */
struct sel_group;
struct sel_cond {
	char *field;
	char *value;		/* field == value */
	char *number;		/* field == the integer number, written bare */
	char **in;		/* field is any of in[] */
	unsigned in_count;
	char *prefix;		/* field starts with prefix */
	char *regex;		/* field matches the whole regex (the target's dialect) */
	bool exists;		/* field holds a value (not null, not empty) */
	struct sel_group *any;	/* instead of field: any of these groups holds */
	unsigned any_count;
};

struct sel_group {
	struct sel_cond *all;
	unsigned all_count;
};

struct selection {
	char *from;		/* a KQL table, an EQL event category, an SPL data model... */
	struct sel_cond *where;
	unsigned where_count;
};

/* pySigma's add_condition: a search the rule must match as well (negated: must not) */
struct pl_added {
	const struct search *search;
	bool negated;
};

struct pl_logsource {
	char *product, *service;
	char **categories;
	unsigned categories_count;
	struct selection *select;	/* the event selection */
	char *error;		/* the logsource is known but cannot be served: why */
	char *warning;		/* served only in part (a subset of the events): what is missed */
	bool passthrough;	/* fields not listed keep their Sigma names, silently */
	char *prefix;		/* with passthrough: written in front of those names */
	/* pySigma's field_name_prefix/_suffix: fields not listed are named prefix + name +
	 * suffix, silently, and no pipeline below maps them */
	char *field_prefix, *field_suffix;
	/* pySigma's change_logsource: the rules are served as this logsource (the entry of
	 * the pipeline below that serves it gives select, error and fields); set by stacking */
	struct logsource *serve_as;
	/* pySigma's drop_detection_item: the Sigma fields whose detection items are left out */
	char **drop;
	unsigned drop_count;
	struct pl_added *added;	/* pySigma's add_condition, in the pipeline's order */
	unsigned added_count;
	struct pl_field *fields;
	unsigned fields_count;
};

struct pipeline {
	char *name;
	char *target;
	char **shared_with;	/* other targets that read the same data model */
	unsigned shared_with_count;
	char *index;		/* the index or data-stream pattern a query names, or NULL */
	char *description;
	struct pl_logsource *logsources;
	unsigned logsources_count;
	struct arena *owner;	/* a pySigma pipeline's memory; NULL: libcyaml's */
};

/* Loads dir/pipelines/NAME.yml, or NAME itself when it is an existing file.
 * NULL after a message on stderr. */
struct pipeline *pipeline_load(const char *dir, const char *name);
void pipeline_free(struct pipeline *p);
/* Is p for target: its own, or one it is shared with? */
bool pipeline_serves(const struct pipeline *p, const char *target);
/*
 * A pipeline of base with over on top (-p base -p over): an entry of over that
 * selects the same logsources as one of base adds its fields in front of
 * base's (and its select, if it has one); other entries of over come first.
 * The result lives in a and points into both.
 */
struct pipeline *pipeline_stack(struct arena *a, const struct pipeline *base,
				const struct pipeline *over);
const struct pl_logsource *pipeline_logsource(const struct pipeline *p,
					      const struct logsource *ls);
const struct pl_field *pipeline_field(const struct pl_logsource *ls, const char *name);
/* The name of a field ls does not list, kept (passthrough) or given its field_prefix/_suffix. */
const char *pipeline_unlisted_name(struct arena *a, const struct pl_logsource *ls,
				   const char *name);

/* ---- vars.c: placeholder value lists (--vars FILE) ------------------------- */

struct varlist {
	const char *name;
	const char **vals;
	struct pattern *pats;	/* vals parsed once (wildcards and escapes) */
	int nvals;
	size_t bytes;		/* of all pats, for the expansion budget */
};

struct vars {
	struct arena arena;	/* lives for the run */
	struct varlist *lists;
	int nlists, cap;
	struct strmap index;	/* name -> lists[] */
};

bool vars_load(struct vars *v, const struct source *src, struct diag *d);
/* Loads each file of paths (--vars); false after a message on stderr. */
bool vars_load_files(struct vars *v, const char *const *paths, int n);
const struct varlist *vars_find(const struct vars *v, const char *name, size_t len);
void vars_free(struct vars *v);

/* ---- normalize.c ------------------------------------------------------------------ */

enum unmapped {
	UNMAPPED_ERROR,		/* a field the pipeline does not know stops the rule */
	UNMAPPED_PASSTHROUGH,	/* keep the Sigma name, warn */
};

struct options {
	const char *target;		/* backend name, for messages */
	const struct pipeline *pipeline;	/* NULL = --without-pipeline */
	const struct vars *vars;
	enum unmapped unmapped;
	bool placeholder_wildcard;	/* undefined %name% matches anything (pySigma) */
	const char **backend_opts;	/* -O KEY=VALUE, for the backend */
	int nbackend_opts;
};

/* The value of backend option -O key=VALUE, or NULL. */
const char *options_get(const struct options *o, const char *key);

struct extend {
	const char *name;
	const char *expr;
};

/* A flag column (rule.c, load_flags): its name and its expression, mapped as the query's. */
struct flag_column {
	const char *name;
	struct pos pos;
	struct expr *expr;
};

/* What a backend turns into text: one query of one rule. */
struct query {
	const struct rule *rule;
	const struct options *opts;	/* what the user asked for (backend options: options_get) */
	const struct selection *select;	/* event selection; NULL without a pipeline */
	const char *index;		/* the pipeline's index pattern (ES|QL FROM), or NULL */
	struct extend *extends;		/* computed columns the expression or projection uses */
	int nextends;
	struct expr *expr;
	const char **project;		/* mapped fields: of the rule */
	int nproject;
	struct flag_column *flags;	/* boolean columns beside the results, never filters */
	int nflags;
};

/*
 * The per-rule budget: values a rule may produce once modifiers, placeholders
 * and repeated references are expanded, and their bytes. Far above real
 * rules (SigmaHQ's largest has a few thousand values), far below what would
 * exhaust memory.
 */
#define RULE_MAX_VALUES 2000000
#define RULE_MAX_VALUE_BYTES (64 << 20)
/* The text of one rule's query for one target: quoting and expansion (windash,
 * case-insensitive regexes) can make it a few times the values' bytes, never more. */
#define RULE_MAX_OUTPUT_BYTES (256 << 20)

/* Normalises a rule (a condition list is the OR of its conditions). NULL after a diagnostic. */
struct query *normalize_rule(struct arena *a, struct diag *d, const struct rule *r,
			     const struct options *o);

/* ---- dump.c ----------------------------------------------------------------------- */

void dump_query(struct buf *out, const struct query *q);
/* One value as the IR prints it: ["C:\\" *], "10.0.0.0/8", >= 3 ... */
void dump_value(struct buf *out, enum match_op op, const struct mval *v);
const char *match_op_name(enum match_op op);

/* ---- regex.c: syntax check and construct census of `re` values ------------ */

enum regex_feature {
#define REGEX_FEATURE(id, name) REGEX_BIT_##id,
#include "regex.def"
#undef REGEX_FEATURE
};

enum regex_feature_bit {
#define REGEX_FEATURE(id, name) REGEX_##id = 1u << REGEX_BIT_##id,
#include "regex.def"
#undef REGEX_FEATURE
};

#define REGEX_MAX_DEPTH 250	/* nested groups, as PCRE's default */
#define REGEX_MAX_DEPTH_TEXT "250"

/* NULL if s is a valid regex, else the problem at byte *err_off. */
const char *regex_check(const char *s, size_t len, unsigned *features, size_t *err_off);
const char *regex_feature_name(unsigned bit);

/* ---- ip.c: addresses in text form ------------------------------------------ */

/* Dotted quad without leading zeros; false if s is not one. */
bool ip_parse4(const char *s, size_t len, unsigned char out[4]);
/* RFC 4291 text (with :: and an embedded IPv4 tail); false if s is not one. */
bool ip_parse6(const char *s, size_t len, unsigned char out[16]);

/* ---- encode.c: the transformation modifiers' byte-exact algorithms ---------- */

/* Standard Base64 with padding. */
char *encode_base64(struct arena *a, const unsigned char *s, size_t n, size_t *outlen);
/* The three offset-stable fragments (sigma-spec.md §6.3). */
void encode_base64offset(struct arena *a, const unsigned char *s, size_t n, char *out[3]);
/* UTF-8 to UTF-16 (le or be, optional BOM). False on invalid UTF-8. */
bool encode_utf16(struct arena *a, const char *s, size_t n, bool be, bool bom,
		  unsigned char **out, size_t *outlen);

#endif
