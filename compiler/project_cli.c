/*
 * project_cli.c: `sigmacc build`'s command line. Unless it gives both PATH and
 * -o (or with --project FILE), the project file says what to build; the command line
 * still overrides it: -o the output directory, PATHs the rules, --vars the
 * value lists, -t picks the outputs of those targets, -f the format and -O
 * options of every output, -p the pipelines of the outputs of its target.
 * Without a project file, each -t target is one output in OUTDIR/<target>.
 */
#include "build.h"
#include "base.h"
#include "cli.h"
#include "filter.h"
#include "eval.h"
#include "project.h"
#include "scopes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef SIGMACC_VERSION
#define SIGMACC_VERSION "0.1.0"
#endif

/* The --vars files, or the value lists found below each PATH, for every rule. */
static bool
load_build_vars(struct cli *c, const char *const *vars, int nvars, const char *const *paths,
		int npaths, struct vars *out)
{
	for (int i = 0; i < nvars; i++)
		if (!scopes_load_file(&c->s, out, vars[i]))
			return false;
	struct pathlist found = {0};
	for (int i = 0; i < npaths && !nvars; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			scopes_list(paths[i], &found, false);
	}
	bool ok = true;
	for (int i = 0; i < found.n && ok; i++)
		ok = scopes_load_file(&c->s, out, found.v[i]);
	files_free(&found);
	return ok;
}

/* Options that build refuses; 0 or the usage status. */
static int
build_refused(const struct cli *c)
{
	if (c->without_pipeline)
		return cli_usage_error("%s", "build uses a pipeline for each target (-p or the default)");
	if (c->json_indent >= 0)
		return cli_usage_error("%s", "build writes JSON as the format does; --json-indent is "
				       "for convert");
	if (c->file_pattern)
		return cli_usage_error("%s", "build compiles every rule file below its PATHs; -P is "
				       "for convert, check and ir");
	return 0;
}

/* Is be one of targets[0..n)? */
static bool
chosen(const struct backend *const *targets, int n, const struct backend *be)
{
	for (int i = 0; i < n; i++)
		if (targets[i] == be)
			return true;
	return false;
}

/* Checks a project output's own format and -O options as the command line's; 0 or 2. */
static int
check_output(struct cli *c, const struct build_output *o)
{
	if (o->format && !project_has_format(o->be, c->templates, o->format))
		return cli_usage_error("format '%s' is not one of target %s's (output %s; see "
				       "'sigmacc list formats %s')", o->format, o->be->name, o->name,
				       o->be->name);
	const char *format = c->format;
	const char **opts = c->s.opts.backend_opts;
	int nopts = c->s.opts.nbackend_opts;
	c->format = o->format;
	c->s.opts.backend_opts = o->opts;
	c->s.opts.nbackend_opts = o->nopts;
	bool ok = cli_check_options(c, &o->be, 1);
	struct template *t = ok && o->format && !backend_has_format(o->be, o->format)
			     ? template_load(c->templates, o->be->name, o->format) : NULL;
	struct buf bad = {0};
	if (t && !template_check_options(t, &c->s.opts, &bad)) {
		fprintf(stderr, "%.*s (output %s)\n", (int)bad.len - 1, bad.data, o->name);
		ok = false;
	}
	buf_free(&bad);
	template_free(t);
	c->format = format;
	c->s.opts.backend_opts = opts;
	c->s.opts.nbackend_opts = nopts;
	return ok ? 0 : 2;
}

/* The command line's -f and -O over the n outputs: -f must be a format of each
 * output's target, -O a key of one of them (as for several -t targets); both
 * then apply to every output, -O after the output's own so they win. 0 or 2. */
static int
apply_command_line(struct cli *c, struct build_output *out, int n)
{
	const struct backend *be[PROJECT_OUTPUTS_MAX];
	for (int i = 0; i < n; i++) {
		be[i] = out[i].be;
		if (c->format && !project_has_format(be[i], c->templates, c->format))
			return cli_usage_error("format '%s' is not one of every chosen target's (see "
					       "'sigmacc list formats')", c->format);
	}
	if (!cli_check_options(c, be, n))
		return 2;
	/* --query-beside: the outputs whose format wraps the query */
	int beside = 0;
	for (int i = 0; i < n; i++) {
		const char *format = c->format ? c->format : out[i].format;
		if (c->query_beside && project_wraps_query(be[i], c->templates, format))
			out[i].query_beside = true;
		beside += out[i].query_beside;
	}
	if (c->query_beside && !beside)
		return cli_usage_error("%s", "--query-beside keeps the bare query beside the files of "
				       "a format that wraps it (-f, or an output's format), and no "
				       "output of this build has one");
	for (int i = 0; i < n; i++) {
		if (c->format)
			out[i].format = c->format;
		if (!c->s.opts.nbackend_opts)
			continue;
		const char **o = mem_calloc((size_t)(out[i].nopts + c->s.opts.nbackend_opts + 1), sizeof(*o));
		if (out[i].nopts)
			memcpy(o, out[i].opts, sizeof(*o) * (size_t)out[i].nopts);
		memcpy(o + out[i].nopts, c->s.opts.backend_opts,
		       sizeof(*o) * (size_t)c->s.opts.nbackend_opts);
		out[i].opts = o;
		out[i].nopts += c->s.opts.nbackend_opts;
	}
	return 0;
}

/* The outputs: the project's of the -t targets (all without -t), or one per -t
 * target. Their count, or -1 after a usage error. */
static int
build_outputs(struct cli *c, const struct project *p, struct build_output *out, int max)
{
	const struct backend *targets[CLI_TARGETS_MAX + 1] = {0};
	int nt = c->target || !p ? cli_targets(c->target, targets) : 0;
	if (nt < 0)
		return -1;
	int n = 0;
	for (int i = 0; p && i < p->noutputs && n < max; i++)
		if (!c->target || chosen(targets, nt, p->outputs[i].be)) {
			out[n] = p->outputs[i];
			if (check_output(c, &out[n++]))
				return -1;
		}
	for (int i = 0; !p && i < nt && n < max; i++)
		out[n++] = (struct build_output){.name = targets[i]->name, .dir = targets[i]->name,
						 .be = targets[i]};
	if (n == 0)
		return cli_usage_error("no output of %s is for target %s", p->path, c->target), -1;
	return n;
}

static void
outputs_release(const struct cli *c, struct build_output *o, int n)
{
	for (int i = 0; c->s.opts.nbackend_opts && i < n; i++)
		free(o[i].opts);
}

/* build with the options resolved; the exit status. */
static int
build_with(struct cli *c, const struct project *p, struct build_output *outputs, int n)
{
	const char *const *paths = c->npaths || !p ? c->paths : p->rules;
	int npaths = c->npaths || !p ? c->npaths : p->nrules;
	const char *const *vars = c->nvars || !p ? c->vars : p->vars;
	int nvars = c->nvars || !p ? c->nvars : p->nvars;
	if (npaths == 0)
		return cli_usage_error("%s", "build needs at least one PATH");
	struct vars lists = {0};
	struct filter_set fs = {0};
	int status = 2;
	if (cli_load_filters(c, p ? (const char *const *)p->filters : NULL, p ? p->nfilters : 0,
			     (const char *const *)paths, npaths, &fs) &&
	    load_build_vars(c, vars, nvars, paths, npaths, &lists)) {
		c->s.opts.vars = &lists;
		c->s.product = PRODUCT_QUERY;
		c->s.record = true;	/* a file of several rules becomes one valid output */
		struct build_options bo = {
			.outdir = c->output ? c->output : p->outdir, .templates = c->templates,
			.version = SIGMACC_VERSION, .check = c->check, .full = c->rebuild,
			/* the whole project: an output dropped from it leaves orphans */
			.complete = p && !c->target, .skip_unsupported = c->skip_unsupported,
			.jobs = c->jobs, .outputs = outputs, .noutputs = n,
			.pipelines = c->pipelines, .npipelines = c->npipelines,
			.refusals = p ? p->refusals : NULL, .nrefusals = p ? p->nrefusals : 0,
			.rindex = p && p->nrefusals ? &p->rindex : NULL,
			.filters = p ? p->filters : NULL, .nfilters = p ? p->nfilters : 0,
		};
		/* a rule that no longer catches its attack must not ship */
		status = c->test ? eval_gate(paths, npaths, &c->s.opts, c->s.diagfmt) : 0;
		if (status == 0)
			status = build_run(&c->s, &bo, paths, npaths);
	}
	cli_report_filters(c, &fs);
	vars_free(&lists);
	return status;
}

int
cmd_build(struct cli *c)
{
	int status = build_refused(c);
	if (status)
		return status;
	struct buf path = {0};
	struct project p = {0};
	/* a command line with PATH and -o is its own project: a sigmacc.yml above is not read */
	bool use = c->project || !c->output || !c->npaths;
	if (use && !project_find(c->project, &path)) {
		buf_free(&path);
		if (!c->output)
			return cli_usage_error("%s", "build needs a project file (" PROJECT_FILE " here or "
					       "above, or --project FILE) or an output directory: -o OUTDIR");
		return cli_usage_error("%s", "build needs at least one PATH (or a project file "
				       PROJECT_FILE " here or above)");
	}
	if (use && !project_load(&p, path.data, c->templates)) {
		buf_free(&path);
		project_free(&p);
		return 2;
	}
	struct build_output outputs[PROJECT_OUTPUTS_MAX];
	int n = build_outputs(c, use ? &p : NULL, outputs, PROJECT_OUTPUTS_MAX);
	status = n < 0 ? 2 : apply_command_line(c, outputs, n);
	if (!status) {
		status = build_with(c, use ? &p : NULL, outputs, n);
		outputs_release(c, outputs, n);	/* the -O lists apply_command_line made */
	}
	project_free(&p);
	buf_free(&path);
	return status;
}

/* Do outputs a and b check the same (one target, the same pipelines)? */
static bool
same_pass(const struct build_output *a, const struct build_output *b)
{
	if (a->be != b->be || a->npipelines != b->npipelines)
		return false;
	for (int i = 0; i < a->npipelines; i++)
		if (strcmp(a->pipelines[i], b->pipelines[i]))
			return false;
	return true;
}

int
cmd_check_project(struct cli *c, int (*compile)(struct cli *c, const char *cmd))
{
	struct buf path = {0};
	struct project p = {0};
	if (!project_find(c->project, &path)) {
		buf_free(&path);
		return cli_usage_error("%s", "check needs at least one PATH (or a project file "
				       PROJECT_FILE " here or above, or --project FILE)");
	}
	int status = 0;
	if (c->npaths)
		status = cli_usage_error("%s", "check --project takes its PATHs from the project file");
	else if (c->npipelines)
		status = cli_usage_error("%s", "check of a project uses each output's pipelines; -p "
					 "is for check with PATHs");
	else if (!project_load(&p, path.data, c->templates))
		status = 2;
	const struct backend *only[CLI_TARGETS_MAX + 1] = {0};
	int nonly = !status && c->target ? cli_targets(c->target, only) : 0;
	status = nonly < 0 ? 2 : status;
	/* one pass per target and pipelines among the outputs (those of -t's targets) */
	struct build_output passes[PROJECT_OUTPUTS_MAX];
	int n = 0;
	for (int i = 0; !status && i < p.noutputs; i++) {
		bool dup = nonly && !chosen(only, nonly, p.outputs[i].be);
		for (int k = 0; k < n && !dup; k++)
			dup = same_pass(&passes[k], &p.outputs[i]);
		if (!dup)
			passes[n++] = p.outputs[i];
	}
	const char **filters = NULL;
	if (!status && n == 0)
		status = cli_usage_error("-t %s names no output of %s", c->target, path.data);
	if (!status) {
		/* the project's filters join --filter's, its value lists stand for --vars */
		filters = mem_calloc((size_t)(c->nfilters + p.nfilters + 1), sizeof(*filters));
		for (int i = 0; i < c->nfilters; i++)
			filters[i] = c->filters[i];
		for (int i = 0; i < p.nfilters; i++)
			filters[c->nfilters + i] = p.filters[i];
		struct cli saved = *c;	/* the command line's lists, restored for cli_free */
		c->filters = filters;
		c->nfilters += p.nfilters;
		c->paths = p.rules;
		c->npaths = p.nrules;
		if (!c->nvars) {
			c->vars = p.vars;
			c->nvars = p.nvars;
		}
		c->check_outputs = passes;
		c->ncheck_outputs = n;
		status = compile(c, "check");
		c->check_outputs = NULL;
		c->filters = saved.filters;
		c->nfilters = saved.nfilters;
		c->paths = saved.paths;
		c->npaths = saved.npaths;
		c->vars = saved.vars;
		c->nvars = saved.nvars;
	}
	free(filters);
	project_free(&p);
	buf_free(&path);
	return status;
}
