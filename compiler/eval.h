/*
 * eval.h: the evaluator behind `sigmacc test`. It runs a rule on events over
 * the same IR every backend emits (normalised without a pipeline, so field
 * names stay Sigma's), with Sigma's semantics as sigma-spec.md writes them.
 *
 *   eval_regex.c   a linear-time regex engine (Thompson NFA) for `re`
 *   eval_event.c   events from JSON, NDJSON or YAML; Windows and auditd shapes
 *   eval_match.c   one IR comparison, and whole expressions, on one event
 *   eval_rule.c    a rule's searches and condition, and why it decided
 *   eval_time.c    the time of an event (ISO 8601 or Unix seconds)
 *   eval_corr.c    correlation rules over a stream of timestamped events
 *   eval_cases.c   the test cases next to a rule (RULE.tests.yml)
 *   eval_hunt.c    every rule on every event of a log sample (--events)
 *   eval_report.c  results as text, TAP, JUnit XML or JSON lines
 *   eval_cli.c     `sigmacc test`
 */
#ifndef SIGMACC_EVAL_H
#define SIGMACC_EVAL_H

#include "driver.h"

/* ---- eval_regex.c ----------------------------------------------------------- */

struct regex;

#define REGEX_MAX_PROGRAM 100000	/* instructions after {n,m} are unrolled */

/*
 * Compiles s (RE_I/RE_M/RE_S flags) into a program, or NULL with *err and
 * *err_off set when s uses a construct a linear-time engine cannot run
 * (backreferences, lookaround, atomic groups, possessive quantifiers).
 */
struct regex *regex_compile(struct arena *a, const char *s, size_t len, unsigned flags,
			    const char **err, size_t *err_off);
/* Search semantics: does the regex match anywhere in text? Time O(len * program). */
bool regex_search(const struct regex *re, const char *text, size_t len);

/* ---- eval_event.c --------------------------------------------------------------- */

enum evkind {
	EV_STR,		/* text, len */
	EV_NUM,		/* text: the number as written */
	EV_BOOL,	/* text: "true" or "false" */
	EV_NULL,	/* JSON null: the field counts as absent */
};

struct evfield {
	const char *name;	/* dotted path of nested maps: Event.System.EventID */
	enum evkind kind;
	const char *text;
	size_t len;
};

struct event {
	struct pos pos;		/* of the event in its file */
	int index;		/* 1-based position in the input */
	struct evfield *fields;
	int nfields, cap;
};

/* An event from a YAML/JSON map (see eval_event.c for the shapes it knows). */
bool event_from_node(struct arena *a, struct diag *d, const struct ynode *n, struct event *ev);
/* Called for each event of a file; false stops the scan. */
typedef bool event_fn(void *ctx, const struct event *ev);
/*
 * Each event of a file (a JSON array, one object, NDJSON (one per line) or
 * YAML documents) to fn, parsed in a; with reset, a is reset before each
 * NDJSON line, so the memory of a large log is that of its longest line.
 */
bool events_scan(struct arena *a, struct diag *d, const struct source *src, bool reset,
		 event_fn *fn, void *ctx);
/* Every event of a file into an array in a. */
bool events_load(struct arena *a, struct diag *d, const struct source *src, struct event **evs,
		 int *nevs);
/* The fields called name (several when it was an array), or the first one from *at on. */
const struct evfield *event_field(const struct event *ev, const char *name, int *at);

/* ---- eval_match.c ---------------------------------------------------------------- */

struct regex_slot {
	const struct mval *val;
	struct regex *re;
};

/* What the evaluator needs besides the event: the rule's compiled regexes. */
struct evalctx {
	struct regex_slot *regexes;
	int nregexes, capregexes;
	const struct match *hit;	/* the last comparison that held */
	int hit_val;			/* and its value */
	const struct match *miss;	/* the comparison that failed an AND, if any */
};

/* Compiles the regexes of e into ctx; false after a diagnostic at the value. */
bool eval_prepare(struct arena *a, struct diag *d, struct evalctx *ctx, const struct expr *e);
bool eval_match(struct evalctx *ctx, const struct match *m, const struct event *ev, int *val);
bool eval_expr(struct evalctx *ctx, const struct expr *e, const struct event *ev);
/* "Image [* "\\chrome.exe"]": a comparison and one value, for explanations. */
void eval_describe(struct buf *out, const struct match *m, int val);

/* ---- eval_rule.c ------------------------------------------------------------------ */

struct eval_search {
	const char *name;
	struct expr *expr;
};

struct eval_rule {
	const struct rule *rule;
	struct eval_search *searches;
	int nsearches;
	struct flag_column *flags;	/* the rule's flag columns */
	int nflags;
	struct evalctx ctx;
};

/* Why a rule decided as it did on one event. */
struct verdict {
	bool fired;
	const char *search;	/* the search that decided it */
	bool search_value;	/* what that search was */
	char *why;		/* arena text: the search and the comparison that held or failed */
	unsigned flags;		/* bit i: flag column i of the rule holds */
};

/* Normalises every search of r once (o's value lists, no pipeline); false after a diagnostic. */
bool evalrule_build(struct arena *a, struct diag *d, const struct rule *r,
		    const struct options *o, struct eval_rule *er);
/* With explain, v->why says why (arena text); without, it is NULL and costs nothing. */
void evalrule_run(struct arena *a, struct eval_rule *er, const struct event *ev,
		  struct verdict *v, bool explain);

/* ---- eval_time.c ------------------------------------------------------------------ */

/* An ISO 8601 date and time ("2026-12-03T10:00:00.5+01:00", "2026-12-03 10:00:00")
 * in milliseconds since 1970 UTC; no offset is UTC. False if s is not one. */
bool time_parse_iso(const char *s, size_t len, long long *ms);
/* The time of ev from field, or (NULL) from the first present of the documented
 * names (@timestamp, timestamp, UtcTime, TimeCreated, SystemTime...); false with
 * *why (arena text) when it has none or it is not a time. */
bool event_time(struct arena *a, const struct event *ev, const char *field, long long *ms,
		const char **why);
/* ms as "2026-12-03T10:00:00Z" (".123" before the Z when not a whole second). */
const char *time_format(struct arena *a, long long ms);

/* ---- eval_corr.c ------------------------------------------------------------------ */

struct correlation;

/* An event that a base rule of a correlation fired on. */
struct corr_hit {
	long long ms;		/* its time */
	long seq;		/* its place in the stream (ties in time keep input order) */
	int rule;		/* which of the correlation's rules */
	int index;		/* the event's 1-based position in its input */
	struct pos pos;
	const char *group;	/* "Computer='WS1'": the group-by values, the group's key */
	const char *value;	/* condition.field's value, or NULL */
};

struct corr_eval {
	const struct correlation *c;
	struct eval_rule *rules;	/* [c->nrules] */
	const char *time_field;		/* NULL: the documented names */
	struct corr_hit *hits;
	int nhits, caphits;
	long seq;
};

/* A group for which the correlation fired: its first window that met the condition. */
struct corr_fire {
	const char *group;
	double value;
	const struct corr_hit *first, *last;	/* the window's first and last hit */
	const char *why;
};

struct corr_outcome {
	struct corr_fire *fires;	/* in the time order of their last hit */
	int nfires;
	const char *why;	/* the first firing, or why none did */
};

/* Builds the base rules of c; false after a diagnostic (also for what the
 * evaluator cannot run: a temporal boolean condition, a percentile without
 * its number). */
bool corrval_build(struct arena *a, struct diag *d, const struct correlation *c,
		   const struct options *o, const char *time_field, struct corr_eval *ce);
/* Runs the base rules on ev (those with reach[r], or all when reach is NULL)
 * and keeps its hits, in a. False, with *why, when a rule fired on an event
 * whose time cannot be read; its hits are not kept. */
bool corrval_feed(struct arena *a, struct corr_eval *ce, const struct event *ev, const bool *reach,
		  const char **why);
/* The windows over the hits fed so far (sorts them). */
void corrval_finish(struct arena *a, struct corr_eval *ce, struct corr_outcome *out);

/* ---- eval_cases.c: RULE.tests.yml --------------------------------------------------- */

struct test_flag {
	const char *name;
	bool want;
	struct pos pos;
};

struct test_case {
	bool want;		/* true: the rule must fire */
	const char *reason;
	struct pos pos;		/* of the case in the tests file */
	struct event event;
	struct event *events;	/* a correlation's case: the stream (NULL for a rule's) */
	int nevents;
	const char *rule;	/* rule: the one rule or correlation (id or name) it is for */
	struct test_flag *flags;	/* flags: the flag columns it expects */
	int nflags, capflags;
};

struct test_file {
	const char *path;
	const char *rule_id;	/* the rule or correlation (id or name) of a multi-document
				 * file they are for; NULL: all */
	struct test_case *cases;
	int ncases;
};

/* The tests file beside a rule file (x.yml -> x.tests.yml), or NULL. Heap string. */
char *cases_path(const char *rule_path);
bool cases_load(struct arena *a, struct diag *d, const struct source *src, struct test_file *tf);

/* ---- eval_report.c ------------------------------------------------------------------ */

enum report_format {
	REPORT_TEXT,
	REPORT_TAP,
	REPORT_JUNIT,
	REPORT_JSON,
};

/* One result: a test case of a rule, or a rule firing on an event (hunt mode).
 * report_add copies it with its strings. */
struct result {
	const char *rule_path, *rule_title, *rule_id;
	const char *name;	/* case reason, or "event N" */
	const char *events_path;
	int event_index;
	bool pass;
	bool want;		/* test cases: what was expected */
	struct verdict verdict;
	const char *detail;	/* for a failure: the message; NULL when it passed */
	struct pos pos;		/* of the case or event */
	const char *flag_names;	/* the rule's flag columns, "A,B"; NULL without */
	int order;		/* hunting: the rule's place among the rules */
	int seq;		/* set by report_add: the order results came in */
};

struct report {
	enum report_format format;
	struct arena arena;	/* the results' strings, for the whole run */
	struct result *results;	/* heap */
	int n, cap;
	int failed;
	bool hunting;		/* results are hits of --events */
	long events;		/* hunting: events read */
};

void report_add(struct report *r, const struct result *res);
/* The whole report (TAP, JUnit and text); JSON lines are written per result. */
void report_write(const struct report *r, struct buf *out);
void report_free(struct report *r);

/* ---- eval_hunt.c ------------------------------------------------------------------------ */

struct pathlist;

/* Every rule of the files on every event of the events files, and their
 * correlations over all of them (times from time_field, or NULL: the
 * documented names); hits into report. */
bool hunt_run(const struct session *s, const char *templates, const struct pathlist *files,
	      const char *const *events, int nevents, const char *time_field,
	      struct report *report, struct buf *err);
/* "A,B": the names of the rule's flag columns (arena text), or NULL. */
const char *eval_flag_names(struct arena *a, const struct eval_rule *er);

/* ---- eval_cli.c ----------------------------------------------------------------------- */

/* Reads a file into src (heap text); false after a diagnostic. */
bool eval_read(struct diag *d, const char *path, struct source *src);

/* `sigmacc test ARGS` (templates: the default templates directory): exit
 * status 0 all passed, 1 a failure, 2 usage. */
int eval_command(int argc, char **argv, const char *templates);
/* build --test: the test cases of the rules below paths; the text report on
 * stderr when one fails. The exit status of `sigmacc test`. */
int eval_gate(const char *const *paths, int npaths, const struct options *opts,
	      enum diag_format diagfmt);

#endif
