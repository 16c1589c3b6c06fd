/* cli.h: the command line's options, shared by the commands (cli.c, main.c, cmd_list.c). */
#ifndef SIGMACC_CLI_H
#define SIGMACC_CLI_H

#include "driver.h"

#include <stdio.h>

struct build_output;

#define CLI_TARGETS_MAX 16

struct cli {
	const char *command;
	const char *target, *output, *templates, *format;
	const char *file_pattern;	/* -P: rule files found in directories must match it */
	const char *lint_config, *fail_on;	/* check: --lint-config FILE, --fail-on LEVEL */
	const char **pipelines;	/* -p, in order: later ones on top of earlier ones */
	int npipelines;
	bool without_pipeline, compact, check;
	bool test;		/* build --test: the rules' test cases first */
	bool rebuild;		/* build --rebuild: compile every rule whatever the manifest says */
	bool query_beside;	/* build --query-beside: every wrapping output keeps its bare query */
	const char *project;	/* build --project FILE */
	bool skip_unsupported, fail_unsupported, follow_symlinks;
	size_t max_rule_size;	/* --max-rule-size; 0: FILES_MAX_DEFAULT */
	int json_indent;	/* -j N: JSON outputs indented by N spaces; -1: as written */
	int jobs;		/* build -j N: rule files compiled at once; 0 = the number of CPUs */
	const char **vars;
	int nvars;
	const char **filters;	/* --filter FILE|DIR, in order */
	int nfilters;
	const char **paths;
	int npaths;
	/* check of a project: one pass per output target and pipelines (NULL: -t's targets) */
	const struct build_output *check_outputs;
	int ncheck_outputs;
	struct session s;
};

/* Prints "sigmacc: MESSAGE" and the hint to --help; returns the usage exit status 2. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parses argv[2..]; 0, or 2 after a usage error (--help and --version exit). */
int cli_parse(struct cli *c, int argc, char **argv);
void cli_free(struct cli *c);
/* A target by its name or one of sigma-cli's names for it; NULL when unknown. */
const struct backend *cli_backend(const char *name);
/* Resolves "-t a,b" ("all" or NULL: every target) into targets; the count, or -1
 * after a usage error that names the closest known target. */
int cli_targets(const char *list, const struct backend **targets);
/* Are the -O keys options of some of the targets (their own or their formats')?
 * False after a usage error listing the valid ones. */
bool cli_check_options(struct cli *c, const struct backend *const *targets, int n);
/* The -O options every target reads (they choose pipeline entries), ended by a NULL name. */
extern const struct backend_option cli_pipeline_options[];
/* The message that be's default format template is missing from the data directory; 2. */
int cli_missing_default(struct cli *c, const struct backend *be);
/* The usage error for a format be does not have, with the closest one; returns 2. */
int cli_unknown_format(struct cli *c, const struct backend *be, const char *name);
/* `sigmacc build ...` (project_cli.c). */
int cmd_build(struct cli *c);
/* `sigmacc check` without PATH: the project file's rules, value lists, filters and outputs'
 * targets and pipelines (project_cli.c); cmd_compile does the check. */
int cmd_check_project(struct cli *c, int (*compile)(struct cli *c, const char *cmd));
struct filter_set;
/* The --filter files, the extra ones (a project's filters:) and the filters/ folder of
 * each of paths, into fs (the session applies them); false after a message on stderr. */
bool cli_load_filters(struct cli *c, const char *const *extra, int nextra,
		      const char *const *paths, int npaths, struct filter_set *fs);
/* After a run: the filters' names that matched no rule; then fs is freed. */
void cli_report_filters(struct cli *c, struct filter_set *fs);
/* `sigmacc list ...` (cmd_list.c). */
int cmd_list(struct cli *c);
/* Prints the usage of command (NULL: the overview). */
void cli_usage(const char *command, FILE *to);

#endif
