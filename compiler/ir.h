/*
 * ir.h: the IR, what a backend reads: Sigma values as patterns (value.c), the
 * expression of matches, the event selection and the query with the facts
 * the normalizer resolved for it (metadata view, field attributes, backend
 * options). Nothing here points into the rule model or the pipeline.
 */
#ifndef SIGMACC_IR_H
#define SIGMACC_IR_H

#include "base.h"

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

enum field_type {
#define FIELD_TYPE(id, name) FIELD_##id,
#include "fieldtype.def"
#undef FIELD_TYPE
	FIELD__COUNT
};

/*
 * What a data model says about one of its fields (a pipeline's `datamodel:`
 * entry, templates/README.md). The normalizer attaches the entry to every
 * match on the field; backends read it there instead of keeping vendor lists.
 */
struct dm_field {
	char *field;		/* the target's name */
	char *type;		/* string (default), number, ip, bool, datetime, enum */
	char **values;		/* enum: its constants, as the target writes them */
	unsigned values_count;
	bool repeated;		/* holds a list: a test asks whether some element matches */
	bool device_path;	/* full paths written \Device\HarddiskVolumeN\ where Sysmon has C:\ */
	bool basename;		/* holds only the file name of what Sigma knows by its full path */
	char *ip6;		/* an IPv4 address field: its IPv6 addresses are in this field */
	bool event_time;	/* the time the event happened: what orders events (YARA-L's
				 * temporal_ordered correlations) */
};

struct datamodel {
	char *name;		/* as messages name it ("UDM": "not in the UDM field list") */
	bool closed;		/* fields lists every field: a query may name no other */
	struct dm_field *fields;
	unsigned fields_count;
};

/* The entry of field name in dm, or NULL (also without a data model). */
const struct dm_field *datamodel_field(const struct datamodel *dm, const char *name);
/* A type as a pipeline writes it; NULL is string. FIELD__COUNT if unknown. */
enum field_type field_type_parse(const char *name);
/* The type the entry gives, or dflt when it gives none. */
enum field_type datamodel_type(const struct dm_field *f, enum field_type dflt);
/* Is the constant (len bytes, compared exactly) one of the enum's? */
bool datamodel_has_value(const struct dm_field *f, const char *text, size_t len);
/* The data model of -p base -p over: over's entries first (they win), then base's; closed
 * if either is. Lives in a and points into both. */
struct datamodel *datamodel_stack(struct arena *a, struct datamodel *base, struct datamodel *over);

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
	enum field_type type;	/* the data model's type, else the mapping's (string without one) */
	const struct dm_field *model;	/* the data model's entry for field, or NULL */
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


/* ---- what the normalizer resolves for the backends ------------------------- */

/* The rule's logsource as written, for messages. */
struct ir_logsource {
	const char *product, *category, *service;
	const char *name;	/* as messages name it (logsource_name) */
	struct pos pos;
};

/* The rule's metadata: for a wrapper a backend writes, and for its messages. */
struct ir_meta {
	struct pos pos;		/* of the rule's document */
	const char *title, *id, *name, *status, *description, *author;
	const char *date, *modified, *level;
	const char **references, **tags, **falsepositives;
	int nreferences, ntags, nfalsepositives;
	const char **fields;		/* fields: as written */
	const struct pos *field_pos;	/* where each is written, or NULL */
	int nfields;
	struct ir_logsource logsource;
};

/* The target's -O KEY=VALUE options as given (the backend checks their values). */
struct ir_options {
	const char *const *kv;
	int n;
};

/* The value of option key, or NULL. */
const char *ir_option(const struct ir_options *o, const char *key);

/* What a target name of the logsource's pipeline entry is (bits, to select several). */
enum ir_column_kind {
	IR_COLUMN_FIELD = 1,		/* a field's to */
	IR_COLUMN_EVENT = 2,		/* a field's name in some events (events: to) */
	IR_COLUMN_VALUE_MAP = 4,	/* the field of a value map (values: field) */
	IR_COLUMN_HASH = 8,		/* the field of a hash algorithm (hashes: to) */
};

/* One target name of the logsource's pipeline entry, in the entry's order. */
struct ir_column {
	const char *name;
	const char *type;	/* the pipeline type (FIELD, EVENT), or NULL */
	enum ir_column_kind kind;
};


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

/* What a backend turns into text: one query of one rule, all it reads. */
struct query {
	struct ir_meta meta;		/* the rule's metadata, for wrappers and messages */
	struct ir_options options;	/* the target's -O options (ir_option) */
	struct ir_column *columns;	/* the target names of the logsource's fields */
	int ncolumns;
	const struct selection *select;	/* event selection; NULL without a pipeline */
	const char *index;		/* the pipeline's index pattern (ES|QL FROM), or NULL */
	const char *category_field;	/* the field select->from is a value of, or NULL */
	const char *raw_prefix;		/* what a passed-through field is written under, or NULL */
	const char *time_field;		/* the time column of the selected table, or NULL */
	const struct datamodel *model;	/* the pipeline's data model (datamodel_field), or NULL */
	struct extend *extends;		/* computed columns the expression or projection uses */
	int nextends;
	struct expr *expr;
	const char **project;		/* mapped fields: of the rule */
	int nproject;
	struct flag_column *flags;	/* boolean columns beside the results, never filters */
	int nflags;
	bool newest_first;		/* the results sorted by event time, newest first */
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

/* ---- dump.c ----------------------------------------------------------------------- */

void dump_query(struct buf *out, const struct query *q);
/* One value as the IR prints it: ["C:\\" *], "10.0.0.0/8", >= 3 ... */
void dump_value(struct buf *out, enum match_op op, const struct mval *v);
const char *match_op_name(enum match_op op);


#endif
