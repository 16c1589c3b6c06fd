/*
 * backend.h: what a target is. A backend is mostly data (struct syntax: the
 * token table of its literals, names, operators and regex dialect, from which
 * emit_match.c writes every comparison) plus two hooks: one for the matches
 * the table cannot say, one that wraps the expression into the query. emit.c
 * owns the layout (indentation, one list value per line, --compact), so every
 * target prints the same way and diffs stay one line per changed value.
 */
#ifndef SIGMACC_BACKEND_H
#define SIGMACC_BACKEND_H

#include "../compiler/correlation.h"
#include "../compiler/ir.h"

struct emitter;

/* Value classes of targets.md §0.1. */
enum vclass {
	VCLASS_EXACT,		/* literal only */
	VCLASS_PREFIX,		/* literal W* */
	VCLASS_SUFFIX,		/* W* literal */
	VCLASS_CONTAINS,	/* W* literal W* */
	VCLASS_ANY,		/* W* alone */
	VCLASS_PATTERN,		/* anything else */
};

/* One atom of output; with items, a list laid out by the emitter. */
struct term {
	const char *head;	/* the whole atom, or the text before the list */
	const char **items;	/* list values, already quoted; NULL = no list */
	int nitems, capitems;
	const char *tail;	/* after the list, e.g. ")" */
};

/* The terms one match renders to; several terms are OR-ed. */
struct terms {
	struct term *v;
	int n, cap;
};

/*
 * How a target writes a string literal (or a quoted name): quote.c writes
 * every literal from one of these, so a value either stays inside its
 * literal byte for byte or is refused.
 */
struct quoting {
	const char *open, *close;	/* "@\"" and "\"" */
	char escape;		/* the escape character, or 0: no escapes, special doubled */
	const char *special;	/* written after the escape character (or doubled) */
	const char *named;	/* control characters with a letter escape: "\tt\nn\rr" */
	const char *control;	/* printf form of the other control characters ("\\x%02x"),
				 * or NULL: the literal cannot hold them */
	bool nul;		/* control also writes NUL */
	const char *hex;	/* printable characters written in the control form (quote_regex) */
};

/* What a backend hook did with a match. */
enum hook {
	HOOK_DECLINE,	/* nothing: the token table renders the match */
	HOOK_DONE,	/* rendered into the terms */
	HOOK_REFUSED,	/* a diagnostic was written */
};

/* When a comparison is wrapped in the null guard (syntax.guard). */
enum guard {
	GUARD_NONE,	/* comparisons with a missing field are false, also under not */
	GUARD_NOT,	/* under a NOT: three-valued logic (SQL, eval) */
	GUARD_ALWAYS,	/* always (SPL tstats: a missing field holds a fill value) */
};

/* The constructs RE2 lacks (targets.md §0.4), for syntax.re_missing. */
#define RE2_MISSING (REGEX_LOOKAHEAD | REGEX_LOOKBEHIND | REGEX_BACKREF | REGEX_POSSESSIVE | \
		     REGEX_ATOMIC | REGEX_CONDITIONAL | REGEX_BIG_Z | REGEX_BIG_G | REGEX_COMMENT)

/* How the regex of a wildcard value is cut for one value class (syntax.re_shape). */
#define SHAPE_LIT 1u		/* the literal alone, not the whole pattern */
#define SHAPE_OPEN_HEAD 2u	/* no ^ */
#define SHAPE_OPEN_TAIL 4u	/* no $ */

/*
 * The token table: everything about writing one match that differs between
 * targets. emit_match.c renders a match from it; a backend's hook handles
 * only what no table entry can say. Templates hold $f (the field as written)
 * and $v (the value as written); a NULL template means the target has no
 * such form, and the renderer tries the next one or refuses.
 */
struct syntax {
	const char *and_op;	/* "and" */
	const char *or_op;	/* "or" */
	const char *not_open;	/* "not(" : wraps the negated expression */
	const char *not_close;	/* ")" */
	int max_chain;		/* longest OR chain the parser takes; longer ones are nested
				 * in parenthesised chunks (0 = no limit) */
	bool bare_paths;	/* field names cannot be quoted: only [A-Za-z_][A-Za-z0-9_.]* */

	/* Field names: bare when [A-Za-z0-9_] plus name_chars, else name_quote. */
	const char *name_chars;	/* more characters of a bare name ("." for a path) */
	bool name_digit;	/* a bare name may start with a digit */
	bool name_segments;	/* a dotted name is a path whose segments are quoted alone */
	bool name_extends;	/* a computed column is written as its expression */
	const char *const *reserved;	/* words no bare name may be, NULL-ended */
	bool reserved_caseless;		/* ... in any casing */
	const struct quoting *name_quote;
	/* Writes a field name instead of the rules above (may be NULL). */
	const char *(*ident)(struct emitter *em, const char *name);

	/* String literals: string; verbatim where the value has a backslash and fits. */
	const struct quoting *string, *verbatim;
	const char *unquoted;	/* characters that send a value to the regex form: the
				 * literal would hold them but the target reads them */
	bool refuse_unquotable;	/* a literal it cannot write is refused, not a regex */
	bool fold;		/* caseless: the ASCII value lower-cased (the field is in
				 * the template), other non-ASCII values take the regex */

	/* String matches, [class][cased]: a literal comparison by value class. */
	const char *str_op[VCLASS_CONTAINS + 1][2];
	const char *str_in[2];	/* exact values of one match as one list, "$f in~ (" */
	const char *any;	/* W* alone (NULL: notnull) */
	const char *empty;	/* "" */
	/* Globs, [cased]: the value with glob_star / glob_qmark for W* / W?. */
	const char *glob[2];
	char glob_star, glob_qmark;	/* glob_qmark 0: a W? takes the regex */
	const char *glob_wild[2];	/* a glob with a wildcard, where the operator differs */
	const char *glob_literal;	/* characters a glob cannot hold literally */
	bool glob_in;		/* globs form the list str_in[cased] */
	const char *str_in_wild[2];	/* ... str_in_wild when one of them has a wildcard */

	/* The regex of a wildcard value, and Sigma's re, [cased]: "$f matches regex $v". */
	const char *re_op[2];
	const char *re_metas;	/* escaped in the regex of a wildcard value */
	const struct quoting *re_quote;	/* the literal around the regex */
	const struct quoting *re_body;	/* how a regex is copied into re_quote (quote_regex), or raw */
	bool re_case_op;	/* case is re_op, not an i flag */
	bool re_pad;		/* a whole-value engine: (?s:.*)(?flags:re)(?s:.*) */
	unsigned char re_shape[VCLASS_PATTERN + 1];
	unsigned re_missing;	/* REGEX_* constructs the engine lacks */
	const char *re_engine;	/* its name for the refusal: "RE2" */
	/* A construct the engine reads differently, for the refusal, or NULL. */
	const char *(*re_gap)(const char *re, size_t n);
	/* Translators into another dialect, or NULL: the regex of a wildcard value
	 * (whole-value, no flags), and a Sigma regex (false after a diagnostic;
	 * *icase when it ignores case). Their text is quoted by re_quote. */
	void (*re_pattern)(struct buf *out, const struct pattern *p);
	bool (*re_translate)(struct emitter *em, const struct match *m, const struct mval *v,
			     struct buf *out, bool *icase);

	/* Other matches. */
	const char *num_op[CMP_GTE + 1];
	const char *num_in;	/* several numbers ==, "$f in (" */
	bool num_text;		/* a number against a text field is a string literal */
	const char *bool_op;
	const char *null, *notnull;
	const char *exists[2];	/* [present] (NULL: null / notnull) */
	const char *cidr;	/* $v the quoted network */
	const char *fieldref[2];	/* [cased], $v the other field */
	bool fieldref_anchored;	/* fieldref with startswith... uses str_op */
	enum guard guard;	/* (notnull AND comparison) */

	/* Keywords: a contains match on this text as field; NULL: refused. */
	const char *keyword;
	bool keyword_plain;	/* only a single literal (no inner wildcard) */

	/* ---- regex literals with trailing flags, free-text regex keywords ---- */
	const char *name_lead;	/* characters a bare name may also start with ("@#") */
	/* The letters of the flags i, m and s written after the regex literal ("imd"), for
	 * a Sigma regex and a wildcard value alike; NULL: an inline (?ims) group. */
	const char *re_flags_after;
	bool re_plain_groups;	/* named groups are written as plain (?: groups */
	/* A keyword as an unanchored regex over the raw event, $v the regex literal
	 * ("match(_raw, $v)"), instead of keyword; outer W* of the value add nothing. */
	const char *keyword_re;
	bool keyword_re_more;	/* ... numbers (==), Sigma regexes and "" or '*' too */

	/*
	 * Names quoted always or as a whole path; a pattern operator with an
	 * escape (SQL's LIKE) and case folding by a function (emit_like.c, for
	 * ES|QL): every value has a glob form, and a caseless comparison folds
	 * the field ("TO_LOWER($f)" in the templates) against the value
	 * lower-cased by the compiler, ASCII only.
	 */
	bool name_quoted;	/* every field name is quoted (name_quote), bare or not */
	char glob_escape;	/* escapes glob_star, glob_qmark and itself in a glob_wild
				 * literal; then string matches go through emit_like */
	const unsigned (*fold_same)[2];	/* with fold: code point ranges the folding function
				 * leaves as they are (no letters), ended by {0, 0}; a
				 * caseless value with other non-ASCII is refused */
	const char *fold_name;	/* the folding function, for those refusals: "TO_LOWER" */
	const char *ip_text;	/* a string match on an ip field reads this: "TO_STRING($f)" */
	bool name_whole;	/* a dotted name is bare when every segment is, else quoted
				 * whole (EQL) */
};

extern const struct quoting quote_none;	/* no escapes: a text free of control characters */
/* "..." whose only escapes are \" and \\: no form for control characters */
extern const struct quoting quote_dq;
/* The body of a /regex/ (quote_regex): '/' escaped, control characters as \xNN; and the
 * slashes around a body so written (quote_str), for syntax.re_body and re_quote. */
extern const struct quoting quote_slash_body, quote_slashes;

struct emitter;

/* How a target writes the pipeline's event selection conditions (select.c). */
struct selsyntax {
	const char *eq;		/* between field and value: "=", " = ", " == " */
	const char *num_eq;	/* between field and a number (NULL: eq) */
	const char *and_op;	/* between conditions: " ", " AND ", " and " */
	const char *or_op;	/* between the groups of an any: " or " */
	const char *in_op;	/* " IN (": then the values joined by ", " and ")" */
	const char *prefix_op;	/* before a prefix, written as a literal ending in '*'
				 * (NULL: refused) */
	const char *exists;	/* a printf format taking the field: "isnotempty(%s)" (NULL: refused) */
	const char *bare;	/* the characters of values written bare (NULL: none) */
	const struct quoting *quote;	/* the other values */
	const struct quoting *regex;	/* a regex, for quote_regex (NULL: refused) */
	/* a field name as the target writes it (NULL: as the pipeline spells it) */
	const char *(*name)(struct emitter *em, const char *field);
};

/*
 * A section of a query besides its main text, which the format template
 * places by name (YARA-L's outcome: and condition:, `{{outcome}}`); at most
 * QUERY_SECTIONS_MAX of them.
 */
#define QUERY_SECTIONS_MAX 4
struct query_sections {
	const char *name[QUERY_SECTIONS_MAX], *text[QUERY_SECTIONS_MAX];
	int n;
};

struct emitter {
	struct arena *a;
	struct diag *d;
	struct buf *out;
	const struct backend *be;
	const struct query *q;
	bool compact;		/* one line */
	const char *format;	/* "default" or one of the backend's formats */
	int negated;		/* enclosing NOTs of the match being written (null guards) */
	struct query_sections *sections;	/* the query's other sections (NULL: unwanted) */
	/* Buffers the regex of every value and every field name are built in, emptied and
	 * reused rather than allocated each (NULL: the emitter has none; local ones are
	 * used). EMIT_SCRATCH_N of them, by use. */
	struct buf *scratch;
	/* emit_fill's last template and what it measured of it ($f, $v and the other
	 * bytes): consecutive values mostly take the same one (templates are constant
	 * strings of the tables and hooks, never rewritten) */
	const char *fill_tmpl;
	size_t fill_nf, fill_nv, fill_len;
};

enum { EMIT_SCRATCH_BODY, EMIT_SCRATCH_RE, EMIT_SCRATCH_IDENT, EMIT_SCRATCH_N };

struct format {
	const char *name;		/* -f NAME */
	const char *description;	/* for `sigmacc list formats` */
};

/* A target's own option, -O NAME=VALUE (read with options_get). */
struct backend_option {
	const char *name;
	const char *type;		/* "string", or the allowed values: "events|flows" */
	const char *fallback;		/* what applies when it is not given */
	const char *help;		/* one line for `sigmacc list options` */
};

struct backend {
	const char *name;		/* -t NAME */
	const char *const *aliases;	/* sigma-cli's names for the target, NULL-ended */
	const char *ext;		/* output file extension */
	const char *description;	/* for `sigmacc list targets` */
	const char *default_pipeline;
	const struct syntax *syntax;
	/* Output formats besides "default" that change the query itself, ended by a NULL
	 * name (may be NULL); the query hook reads em->format. Import formats that wrap
	 * the query are templates (templates/formats/). */
	const struct format *formats;
	/* The format template (templates/formats/<name>/) applied when no -f is given, whose
	 * body places the query's sections (NULL: the bare query). */
	const char *default_format;
	const struct backend_option *options;	/* ended by a NULL name; may be NULL */
	/* A comment line naming each rule where several queries share one output:
	 * comment_open, the rule, comment_close (may be NULL). With comment_in_body the
	 * line goes after the query's first line instead of before it, for targets that
	 * accept comments only inside a query. */
	const char *comment_open, *comment_close;
	bool comment_in_body;
	/* What the token table (syntax) cannot say: renders m into terms, declines (the
	 * table renders it) or refuses; NULL: the table renders every match. */
	enum hook (*hook)(struct emitter *em, const struct match *m, struct terms *out);
	/* Writes the whole query (selection, expression via emit_expr, projection),
	 * without the final newline, which emit_query adds. */
	bool (*query)(struct emitter *em);
	/* Renders a correlation rule (compiler/correlation.h) into out, without the final
	 * newline; false after a diagnostic. NULL: the target refuses correlations. */
	bool (*correlation)(struct arena *a, struct diag *d, const struct corr_input *in,
			    struct buf *out);
	/* The correlation hook renders chains (corr_input.inner_name); a target
	 * without it refuses a correlation over correlations by name. */
	bool correlation_chains;
	/* The formats whose query hook writes q->flags as columns, NULL-ended (NULL: none;
	 * the driver then compiles the rule without them and warns). */
	const char *const *flag_formats;
};

/* backends/corr_<target>.c */
bool corr_kql_render(struct arena *a, struct diag *d, const struct corr_input *in,
		     struct buf *out);
bool corr_spl_render(struct arena *a, struct diag *d, const struct corr_input *in,
		     struct buf *out);
bool corr_eql_render(struct arena *a, struct diag *d, const struct corr_input *in,
		     struct buf *out);
bool corr_aql_render(struct arena *a, struct diag *d, const struct corr_input *in,
		     struct buf *out);
bool corr_sumo_render(struct arena *a, struct diag *d, const struct corr_input *in,
		      struct buf *out);
bool corr_yaral_render(struct arena *a, struct diag *d, const struct corr_input *in,
		       struct buf *out);
bool corr_logscale_render(struct arena *a, struct diag *d, const struct corr_input *in,
			  struct buf *out);

bool corr_esql_render(struct arena *a, struct diag *d, const struct corr_input *in,
		      struct buf *out);

/* esql.c: the pieces of a base rule's ES|QL query, which corr_esql.c recombines */
struct esql_parts {
	const char *index;	/* what FROM reads */
	const char *expand;	/* the fields MV_EXPAND splits, as written, each ending in '\n'
				 * (NULL: none) */
	const char *where;	/* the event selection, or NULL */
	const char *expr;	/* the rule's condition, continuation lines indented by 4 */
};
bool esql_parts(struct arena *a, struct diag *d, const struct query *q, bool compact,
		struct esql_parts *out);

/* The time column of a KQL query: -O time_column, else the pipeline's time_field (corr_kql.c). */
const char *kql_time_column(const struct ir_options *o, const struct query *q);

/* corr_common.c: shared by the correlation renderings above */
/* Is the condition "every referenced rule" (gte/eq N rules, gt N-1)? */
bool corr_needs_all(const struct correlation *c);
/* The least count a lone gte/gt integer condition accepts, or -1 for any other condition. */
long long corr_at_least(const struct correlation *c);
/* Does every base rule map each group-by field to the same column? */
bool corr_same_columns(const struct corr_input *in);
/* "TARGET: " and the message, TARGET the target in use (in->target): an error (false), a
 * warning. Every message of a correlation renderer goes through these. */
bool corr_fail(struct diag *d, const struct corr_input *in, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void corr_warn(struct diag *d, const struct corr_input *in, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "TARGET: correlation type 'T' is not supported: WHY" at the type; returns false. */
bool corr_refuse(struct diag *d, const struct corr_input *in, const char *why);
/* "COLUMN OP N", and for a range AND_OP "COLUMN OP N" after it. */
void corr_condition(struct buf *out, const struct correlation *c, const char *column,
		    const char *and_op);
/* The warning of a target whose window (construct: "a hop window") is not sliding. */
void corr_warn_window(struct diag *d, const struct corr_input *in, const char *construct);
/* s as a JSON string. */
void corr_json_string(struct buf *out, const char *s);
/* prefix and s's letters and digits, each other run of characters one '_'. */
const char *corr_identifier(struct arena *a, const char *s, const char *prefix);

/* emit.c */
extern const struct backend *const backends[];	/* NULL-terminated */
const struct backend *backend_find(const char *name);
/* Renders q with be into out (query text, newline-terminated). */
bool emit_query(struct arena *a, struct diag *d, const struct backend *be, const struct query *q,
		bool compact, const char *format, struct buf *out);
/* emit_query, and the query's other sections (the hook's emit_section) into sections. */
bool emit_query_sections(struct arena *a, struct diag *d, const struct backend *be,
			 const struct query *q, bool compact, const char *format, struct buf *out,
			 struct query_sections *sections);
/* Adds section name with its text (copied to the arena) to em->sections, when the caller
 * wants them. */
void emit_section(struct emitter *em, const char *name, const char *text);
/* Adds section name with text, which outlives s, to s (NULL: dropped). */
void query_section_add(struct query_sections *s, const char *name, const char *text);
/* The format -f format means for be: its default_format for none or "default". */
const char *backend_format(const struct backend *be, const char *format);
/* Does be know output format name ("default" always)? */
bool backend_has_format(const struct backend *be, const char *name);
/* Writes q->expr at the current position; continuation lines start at indent. */
bool emit_expr(struct emitter *em, const struct expr *e, int indent);
/* Line break plus indent, or one space when compact. */
void emit_newline(struct emitter *em, int indent);

/* Refuses a modifier the target cannot express, in the words of targets.md §8. */
bool emit_unsupported(struct emitter *em, const struct match *m, const char *modifier);
/* A refusal: the message, then " (target NAME)" naming the target in use; false. */
bool emit_refuse(struct emitter *em, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A construct the target cannot say: the message, " is not supported by target NAME",
 * then tail (may be NULL); false. */
bool emit_refuse_unsupported(struct emitter *em, struct pos pos, const char *tail,
			     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A warning: the message, then " (target NAME)". */
void emit_warn(struct emitter *em, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Refuses what (e.g. "value of field 'F'"), whose s[0..n) holds a control character. */
bool emit_refuse_control(struct emitter *em, struct pos pos, const char *what, const char *s,
			 size_t n);
/* Is name writable by the target (no control character; a bare path where names are bare)? */
bool emit_name_ok(struct emitter *em, struct pos pos, const char *name);
/* emit_name_ok for every field name of em->q; emit_query calls it first. */
bool emit_names(struct emitter *em);
/* The first target name of the logsource's pipeline entry called name whose kind is one
 * of kinds (IR_COLUMN_* bits), or NULL. */
const struct ir_column *emit_column(const struct emitter *em, const char *name, unsigned kinds);
/* Is s[0..n) a plain identifier ([A-Za-z_][A-Za-z0-9_]*) and none of keywords? */
bool emit_is_word(const char *s, size_t n, const char *const *keywords, size_t nkeywords);

/* flags.c: flag columns (README, "Flag columns") */
extern const char *const flag_formats_default[];	/* {"default", NULL} */
/* Does be write flag columns in format? */
bool flags_supported(const struct backend *be, const char *format);
/* Each flag of em->q as lead, a new line at indent, open, the flag's expression written
 * by expr_be (NULL: em->be), close; in open and close $f is the column name as the
 * target writes a field name, $v the name as the rule spells it (an identifier). */
bool flags_emit(struct emitter *em, const struct backend *expr_be, const char *lead, int indent,
		const char *open, const char *close);
/* sep and the column name, for each flag: the flags after a projection's fields. */
void flags_project(struct emitter *em, const char *sep);
/* The projection: a new line, lead, the fields and then the flag columns as the target
 * writes their names, sep between them; true. No fields to project: nothing, false. */
bool flags_columns(struct emitter *em, const char *lead, const char *sep);
/* emit_name_ok for every flag column name. */
bool flags_names(struct emitter *em);

/* emit_match.c: one match from the token table */
/* Renders m: the backend's hook, else the table. False after a diagnostic. */
bool emit_match(struct emitter *em, const struct match *m, struct terms *out);
/* Renders m from the table, its field written as f. */
bool emit_match_at(struct emitter *em, const struct match *m, const char *f, struct terms *out);
/* The field of m for a message: as the rule names it. */
const char *emit_field_shown(const struct match *m);
/* A string value as the rule wrote it, for a message (control characters as \xNN). */
const char *emit_value_shown(struct emitter *em, const struct pattern *p);
/* A field name as the syntax writes it. */
const char *emit_ident(struct emitter *em, const char *name);
/* tmpl with $f and $v replaced (arena). */
const char *emit_fill(struct emitter *em, const char *tmpl, const char *f, const char *v);
/* The regex comparison of Sigma regex v against f; NULL after a diagnostic. */
const char *emit_regex(struct emitter *em, const struct match *m, const struct mval *v,
		       const char *f);
/* The regex comparison of wildcard value p of m against f, cut by shape (SHAPE_OPEN_*). */
const char *emit_pattern_re(struct emitter *em, const struct match *m, const struct pattern *p,
			    unsigned shape, const char *f);
/* p without its leading and trailing W* (*lo: how many lead). */
struct pattern emit_pattern_inner(const struct pattern *p, int *lo);
/* Can the syntax's glob write p (no W? without glob_qmark, no literal it cannot hold)? */
bool emit_globbable(const struct syntax *sx, const struct pattern *p);
/* p with glob_star and glob_qmark for its wildcards, unquoted (may hold NUL): *n bytes. */
const char *emit_glob_text(struct emitter *em, const struct pattern *p, size_t *n);
/* The comparison atom on field f with the null guard where the target needs it (syntax.guard). */
const char *emit_guarded(struct emitter *em, const char *f, const char *atom);
/* The hook result of a bool: HOOK_DONE, or HOOK_REFUSED after a diagnostic. */
enum hook emit_hook_done(bool ok);
/* The token table's literal forms of string match m (no glob_escape dispatch). */
bool emit_match_literals(struct emitter *em, const struct match *m, const char *f,
			 struct terms *out);

/* emit_like.c: string matches of a syntax with glob_escape and fold */
/* Renders string match m on f: its glob and folded forms first, then the table's literals. */
bool emit_like(struct emitter *em, const struct match *m, const char *f, struct terms *out);
/* Does the caseless regex re hold only what the folded field can (no upper-case letter,
 * no non-ASCII)? Else a diagnostic; false. */
bool emit_fold_regex(struct emitter *em, const struct match *m, const struct buf *re);

/* emit_split.c: a string match on a DOMAIN\user field pair (match.domain_field) */
/* Each value of m on the part of the account it can lie in, or on both; false after a
 * diagnostic (a value that may span both parts is refused). */
bool emit_split(struct emitter *em, const struct match *m, struct terms *out);
/* How many literal backslashes p has; with one, p cut there into the domain part *d and
 * the user part *u (both empty patterns on entry). */
int emit_split_cut(struct emitter *em, const struct pattern *p, struct pattern *d,
		   struct pattern *u);

/* emit_parts.c: pieces a query hook writes around the expression */
/* The distinct fields of the selection conditions c[0..n) (any groups too), as the syntax
 * writes them, each followed by a newline, in order. */
const char *emit_selection_fields(struct emitter *em, const struct sel_cond *c, unsigned n);
/* A field name as be's token table writes it, outside a query (correlations); be has no
 * ident hook that reads the query. */
const char *emit_name_of(struct arena *a, const struct backend *be, const char *name);

/* quote.c */
/* A C0 control character or DEL: the bytes no literal may carry raw. */
bool quote_is_control(char c);
/* The offset of the first byte q cannot write, or n. */
size_t quote_check(const struct quoting *q, const char *s, size_t n);
/* Appends s[0..n) as q's literal; false (nothing appended) if q cannot hold it. */
bool quote_put(struct buf *out, const struct quoting *q, const char *s, size_t n);
/* The literal in the arena, or NULL if q cannot hold s. */
const char *quote_str(struct arena *a, const struct quoting *q, const char *s, size_t n);
/*
 * Appends a regex inside q's delimiters: escape pairs pass through (an escaped
 * control character is that character), a special character (the delimiter)
 * gets the escape, control characters and those in q->hex, escaped or not, take
 * the control form. Every byte is written: q must have a control form with NUL.
 */
void quote_regex(struct buf *out, const struct quoting *q, const char *re, size_t n);
/* s[0..n) for a message: control characters (NUL too) as \xNN. */
const char *quote_show(struct arena *a, const char *s, size_t n);

/* select.c */
/* where[0..n) as one text (conditions ANDed); NULL after a diagnostic. */
const char *emit_selection(struct emitter *em, const struct selsyntax *s,
			   const struct sel_cond *where, unsigned n);
/* The selection's from, which the target needs; NULL after a diagnostic. */
const char *emit_from(struct emitter *em);

struct term *term_add(struct emitter *em, struct terms *ts, const char *head);
void term_item(struct emitter *em, struct term *t, const char *item);


/* Classifies p; for the literal classes *lit is the literal segment (NULL for "" ). */
enum vclass value_class(const struct pattern *p, const struct seg **lit);
/*
 * Appends the anchored "pattern regex" of p (targets.md §0.3) with every
 * character in metas escaped by a backslash and control characters as \xNN.
 * Returns whether a wildcard produced a '.' (so dot-all is needed).
 */
bool emit_pattern_regex(struct buf *out, const struct pattern *p, const char *metas);

/* backend_<name>, defined in backends/<name>.c */
#define TARGET(name, floor) extern const struct backend backend_##name;
#include "targets.def"
#undef TARGET

#endif
