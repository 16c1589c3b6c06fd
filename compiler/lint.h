/*
 * lint.h: `sigmacc check`'s rule linter (lint.c, lint_meta.c, lint_tags.c,
 * lint_detection.c, lint_config.c). It reads every rule file once, before
 * the per-target compile runs, and reports target-independent findings once
 * per rule, each with a stable code from lint.def and a position.
 */
#ifndef SIGMACC_LINT_H
#define SIGMACC_LINT_H

#include "driver.h"

#include <cyaml/cyaml.h>

enum lint_check {
#define LINT(id, code, severity, description) LINT_##id,
#include "lint.def"
#undef LINT
	LINT__COUNT
};

enum lint_severity {
	LINT_OFF,
	LINT_WARNING,
	LINT_ERROR,
};

#define LINT_TITLE_MAX 256	/* sigma-spec §2: "title: string, <= 256 chars" */

struct lint_options {
	const char *templates;	/* the ATT&CK table: every .yml of TEMPLATES/attack */
	const char *config;	/* --lint-config FILE, or NULL */
	const char *fail_on;	/* --fail-on error|warning, or NULL: the config's, else error */
	enum diag_format diagfmt;
};

/*
 * One lint of a tree: lint_begin loads the configuration and the ATT&CK table
 * (NULL after a message in out: exit status 2); each rule file is then linted
 * in order, by lint_docs from the documents the compiler loaded (check reads
 * and parses each file once for the lint and every target) or by lint_file
 * from its path; lint_end appends the summary line, frees the run and
 * returns 0, or 1 when a finding reaches the fail-on severity. Findings go
 * to out. Standard input is never linted: the compile runs read it.
 */
struct lint_run;
struct lint_run *lint_begin(const struct lint_options *o, struct buf *out);
void lint_docs(struct lint_run *r, struct arena *a, const struct source *src,
	       struct ynode *const *docs, int ndocs, struct buf *out);
void lint_file(struct lint_run *r, const char *path, struct buf *out);
int lint_end(struct lint_run *r, struct buf *out);

const char *lint_code(enum lint_check c);
/* The check with this code, or -1. */
int lint_find(const char *code);

/* ---- internals shared by the lint_*.c files -------------------------------- */

/* lint_config.c: the configuration (defaults, then --lint-config FILE). */
struct lint_config {
	enum lint_severity severity[LINT__COUNT];
	int title_max;
	bool fail_on_warning;
};

/* Defaults, then FILE if not NULL; false after a message in err. */
bool lint_config_load(struct lint_config *c, const char *file, struct buf *err);
/* file loaded with libcyaml by schema (config.c's settings); NULL after a message in err. */
void *lint_load_yaml(const char *file, const cyaml_schema_value_t *schema, struct buf *err);

/* lint_tags.c: the ATT&CK table from TEMPLATES/attack/. */
struct attack_entry {
	char *id;		/* TA0005, T1059.001, G0016, S0002, M1042, DS0009 */
	char *name;
	char *short_name;	/* tactics: defense-evasion */
	char **tactics;		/* techniques: their tactics' short names */
	unsigned tactics_count;
	char *status;		/* revoked, deprecated or NULL */
	char *split_from;	/* tactics: the tactic whose techniques this one took over
				 * (v19's defense-impairment: TA0005), or NULL */
};

struct attack_table;

/* Loads every .yml file of dir/attack; NULL after a message in err. */
struct attack_table *attack_load(const char *dir, struct buf *err);
void attack_free(struct attack_table *t);
/* "18.1" or "18.1 + additions": what messages name. */
const char *attack_version(const struct attack_table *t);
/* A tactic by short name, or any other entry by id (upper case); NULL if unknown. */
const struct attack_entry *attack_tactic(const struct attack_table *t, const char *short_name);
const struct attack_entry *attack_find(const struct attack_table *t, const char *id);
/* The tactic short name nearest to s (typos, '_' for '-'), or NULL. */
const char *attack_nearest_tactic(const struct attack_table *t, const char *s);

/* One rule document being linted. */
struct lint_ctx {
	struct arena *a;		/* the file's arena */
	struct diag *d;
	const struct lint_config *conf;
	const struct attack_table *attack;
	int nerrors, nwarnings;
};

/* An open-addressing set of strings with the position of their first use. */
struct seen_entry {
	const char *key;	/* NULL: free slot */
	struct pos pos;
};
struct seen {
	struct seen_entry *v;
	size_t n, cap;
};

/* What the whole tree shares: the ids, titles and names seen so far. */
struct lint_tree {
	struct arena arena;	/* the keys, for the whole run */
	struct seen ids, titles, names;
};

/* The first position of key, or NULL after remembering key at pos (a copy in a;
 * a NULL a keeps key itself). */
const struct pos *lint_seen(struct seen *s, struct arena *a, const char *key, struct pos pos);
/* The value of key when it is a non-null scalar, else NULL. */
const struct ynode *lint_scalar(const struct ynode *doc, const char *key);

/* Reports check c at pos with its configured severity (nothing when off). */
void lint_report(struct lint_ctx *l, enum lint_check c, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* lint_meta.c */
void lint_meta(struct lint_ctx *l, const struct ynode *doc, struct lint_tree *tree);
/* lint_tags.c */
void lint_tags(struct lint_ctx *l, const struct ynode *doc);
/* lint_detection.c */
void lint_detection(struct lint_ctx *l, const struct ynode *doc);

#endif
