/*
 * main.c: the sigmacc command line. Parses the command and its options
 * (cli.c), loads the pipelines and value lists once, then hands each rule
 * file to the driver. Exit status: 0 all rules compiled, 1 some rule
 * failed, 2 usage.
 */
#include "build.h"
#include "base.h"
#include "cli.h"
#include "datadir.h"
#include "eval.h"
#include "output.h"
#include "lint.h"
#include "pipelines.h"
#include "scopes.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SIGMACC_VERSION
#define SIGMACC_VERSION "0.1.0"
#endif

#define PIPELINES_MAX 64

struct loaded {
	struct pipeline *v[PIPELINES_MAX];
	int n;
	struct arena stack;	/* the stacked pipelines */
};

static void
loaded_free(struct loaded *l)
{
	for (int k = 0; k < l->n; k++)
		pipeline_free(l->v[k]);
	arena_free(&l->stack);
	l->n = 0;
}

/* Loads one -p pipeline (a directory: its files in order) on top of *top. */
static bool
load_pipeline(struct cli *c, const struct backend *be, const char *name, struct loaded *l,
	      const struct pipeline **top)
{
	struct stat st;
	struct pathlist files = {0};
	bool dir = stat(name, &st) == 0 && S_ISDIR(st.st_mode);
	if (dir) {
		struct buf err = {0};
		files_expand(&files, name, &err);
		fputs(err.data ? err.data : "", stderr);
		buf_free(&err);
		if (files.n == 0)
			fprintf(stderr, "sigmacc: pipeline directory %s has no .yml files\n", name);
	}
	bool ok = !dir || files.n > 0;
	for (int i = 0; ok && i < (dir ? files.n : 1); i++) {
		struct pipeline *pl = pipeline_load_for(c->templates, dir ? files.v[i] : name,
							be->name);
		if (pl && !pipeline_serves(pl, be->name)) {
			fprintf(stderr, "sigmacc: pipeline '%s' is for target %s, not %s\n", pl->name,
				pl->target, be->name);
			pipeline_free(pl);
			pl = NULL;
		}
		if (pl && l->n == PIPELINES_MAX) {
			fprintf(stderr, "sigmacc: more than %d pipelines\n", PIPELINES_MAX);
			pipeline_free(pl);
			pl = NULL;
		}
		if (!pl) {
			ok = false;
			break;
		}
		l->v[l->n++] = pl;
		/* a pySigma pipeline only renames fields: the target's own selects the events */
		if (!*top && pl->owner && !load_pipeline(c, be, be->default_pipeline, l, top)) {
			ok = false;
			break;
		}
		*top = *top ? pipeline_stack(&l->stack, *top, pl) : pl;
	}
	files_free(&files);
	return ok;
}

/* The pipeline of be: the -p ones stacked, or the target's own; false after a message. */
static bool
load_pipelines(struct cli *c, const struct backend *be, struct loaded *l)
{
	const struct pipeline *top = NULL;
	c->s.opts.pipeline = NULL;
	if (!be || c->without_pipeline)
		return true;
	const char *def[] = {be->default_pipeline};
	const char **names = c->npipelines ? c->pipelines : def;
	int n = c->npipelines ? c->npipelines : 1;
	for (int i = 0; i < n; i++)
		if (!load_pipeline(c, be, names[i], l, &top))
			return false;
	c->s.opts.pipeline = top;
	return true;
}

/* The rule files and the value lists that apply to each. */
struct inputs {
	struct pathlist files;
	const char **root;	/* per file: the PATH argument it was found under */
	int *scope;		/* per file: its value lists in scopes, or -1: vars */
	struct var_scopes scopes;
	struct vars vars;	/* --vars */
	struct files_kept *kept;	/* heap: texts the look for correlations read */
	/* every rule file below the PATHs that are not "-" nor a companion, before
	 * -P and the filters/ folders take theirs out: what check lints */
	struct pathlist all;
};

static void
inputs_free(struct inputs *in)
{
	files_free(&in->files);
	files_free(&in->all);
	free(in->root);
	free(in->scope);
	scopes_free(&in->scopes);
	vars_free(&in->vars);
	if (in->kept)
		files_kept_free(in->kept);
	free(in->kept);
}

/* The rule files of the PATHs (-P filters those found in directories); false after an error. */
static bool
expand_paths(struct cli *c, struct inputs *in)
{
	struct pathlist *files = &in->files;
	struct buf err = {0};
	bool ok = true;
	for (int i = 0; i < c->npaths; i++) {
		int before = files->n;
		struct stat st;
		bool dir = stat(c->paths[i], &st) == 0 && S_ISDIR(st.st_mode);
		const char *companion = dir ? NULL : files_companion(c->paths[i]);
		if (companion) {	/* as a shell glob over a rules folder names them */
			buf_puts(&err, "sigmacc: ");
			files_put_name(&err, c->paths[i]);
			buf_printf(&err, ": warning: %s; skipped\n", companion);
			continue;
		}
		if (!files_expand(files, c->paths[i], &err))
			ok = false;
		for (int k = before; strcmp(c->paths[i], "-") && !files_companion(c->paths[i]) &&
				     k < files->n; k++)
			files_push(&in->all, files->v[k]);
		if (dir)
			filter_split(files, c->paths[i]);	/* filters/: meta filters, not rules */
		int kept = before;
		for (int k = before; k < files->n; k++) {
			const char *base = strrchr(files->v[k], '/');
			if (!dir || !c->file_pattern ||
			    fnmatch(c->file_pattern, base ? base + 1 : files->v[k], 0) == 0)
				files->v[kept++] = files->v[k];
			else
				free(files->v[k]);
		}
		files->n = kept;
		in->root = mem_realloc(in->root, sizeof(*in->root) * (size_t)(files->n + 1));
		for (int k = before; k < files->n; k++)
			in->root[k] = c->paths[i];
	}
	fputs(err.data ? err.data : "", stderr);
	buf_free(&err);
	return ok;
}

/* Is the -o file one of the rule files (the same inode)? */
static bool
output_is_input(const struct cli *c, const struct pathlist *files)
{
	struct stat out, in;
	if (!c->output || stat(c->output, &out) != 0)
		return false;
	for (int i = 0; i < files->n; i++)
		if (stat(files->v[i], &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
			return true;
	for (int i = 0; i < c->nvars; i++)
		if (stat(c->vars[i], &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
			return true;
	return false;
}

/* Runs the files through the driver once for backend be (NULL: no pipeline). */
static int
run(struct cli *c, const struct backend *be, const struct inputs *in, struct buf *out)
{
	const struct pathlist *files = &in->files;
	struct session *s = &c->s;
	s->be = be;
	s->opts.target = be ? be->name : "none";
	struct loaded l = {0};
	if (!load_pipelines(c, be, &l)) {
		loaded_free(&l);
		return 2;
	}
	int status = 0;
	bool progress = !strcmp(c->command, "convert") && files->n > 1 && isatty(2) &&
			!getenv("CI");
	struct buf err = {0};
	for (int i = 0; i < files->n; i++) {
		buf_clear(&err);
		if (progress)
			fprintf(stderr, "\r\033[K[%d/%d] %s", i + 1, files->n, files->v[i]);
		s->opts.vars = in->scope[i] >= 0 ? &in->scopes.v[in->scope[i]].vars : &in->vars;
		size_t len = 0;
		char *text = files_kept_take(in->kept, i, &len);
		bool ok = driver_file_text(s, files->v[i], text, len, out, &err);
		if (!ok && !c->skip_unsupported)
			status = 1;
		if (progress && err.len)
			fputs("\r\033[K", stderr);
		fputs(err.data ? err.data : "", stderr);
		if (!ok && c->fail_unsupported) {
			status = 1;
			break;
		}
	}
	if (progress)
		fputs("\r\033[K", stderr);
	buf_free(&err);
	loaded_free(&l);
	return status;
}

/*
 * Loads every --vars file; without --vars, each rule gets the value lists
 * found in its directories (scopes.c), so `convert rules/` needs no flag.
 * Explicit files replace the found ones rather than add to them: a copy of
 * a list beside the rules would otherwise define its names twice.
 */
static bool
load_vars(struct cli *c, struct inputs *in)
{
	in->scope = mem_alloc(sizeof(*in->scope) * (size_t)(in->files.n + 1));
	for (int i = 0; i < c->nvars; i++)
		if (!scopes_load_file(&c->s, &in->vars, c->vars[i]))
			return false;
	for (int i = 0; i < in->files.n; i++) {
		in->scope[i] = -1;
		if (c->nvars || !strcmp(in->files.v[i], "-"))
			continue;
		if ((in->scope[i] = scopes_find(&c->s, &in->scopes, in->root[i], in->files.v[i])) < 0)
			return false;
	}
	return true;
}

/* The --filter files, the extra ones (a project's filters:) and the filters/
 * folder of each PATH; false after a message on stderr. */
bool
cli_load_filters(struct cli *c, const char *const *extra, int nextra, const char *const *paths,
		 int npaths, struct filter_set *fs)
{
	struct buf err = {0};
	bool ok = true;
	for (int i = 0; i < c->nfilters; i++)
		ok = filter_load(fs, &c->s, c->filters[i], &err) && ok;
	for (int i = 0; i < nextra; i++)
		ok = filter_load(fs, &c->s, extra[i], &err) && ok;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		char *dir = arena_printf(&fs->a, "%s/filters", paths[i]);
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			ok = filter_load(fs, &c->s, dir, &err) && ok;
	}
	fputs(err.data ? err.data : "", stderr);
	buf_free(&err);
	c->s.filters = fs->n ? fs : NULL;
	return ok;
}

/* After the run: the names filters gave that matched no rule compiled. */
void
cli_report_filters(struct cli *c, struct filter_set *fs)
{
	struct buf err = {0};
	filter_report(fs, &c->s, &err);
	fputs(err.data ? err.data : "", stderr);
	buf_free(&err);
	c->s.filters = NULL;
	filter_free(fs);
}

static bool
keep_text(void *ctx, int i, char *text, size_t len, const struct stat *st)
{
	(void)st;
	return files_keep(ctx, i, text, len);
}

/* The names of every input's documents, when one holds a correlation; the
 * texts read for it kept in in->kept for the compile. */
static struct corr_index *
index_inputs(struct inputs *in)
{
	const struct vars **vars = mem_calloc((size_t)in->files.n + 1, sizeof(*vars));
	for (int i = 0; i < in->files.n; i++)
		vars[i] = in->scope[i] >= 0 ? &in->scopes.v[in->scope[i]].vars : &in->vars;
	in->kept = mem_calloc(1, sizeof(*in->kept));
	files_kept_init(in->kept, in->files.n);
	struct corr_visit keep = {keep_text, in->kept};
	struct corr_index *ix = corr_index_build((const char *const *)in->files.v, vars,
						 in->files.n, 1, &keep);
	free(vars);
	return ix;
}

/* One pass of check: no target (the problems every target shares), or one target. */
struct check_pass {
	const struct backend *be;
	const struct pipeline *pipeline;
	struct buf err;		/* its messages, printed after the lint's */
	int nrules, nfailed, status;
	bool stopped;		/* --fail-unsupported after a failure */
};

/* Runs one loaded file through a pass, as run() does for a whole pass. */
static void
check_pass_run(struct cli *c, struct check_pass *p, struct unit *u, struct buf *out)
{
	struct session *s = &c->s;
	s->be = p->be;
	s->opts.target = p->be ? p->be->name : "none";
	s->opts.pipeline = p->pipeline;
	s->nrules = p->nrules;
	s->nfailed = p->nfailed;
	driver_render_load(s, u, &p->err);
	bool ok = driver_emit(s, u, out, &p->err);
	p->nrules = s->nrules;
	p->nfailed = s->nfailed;
	if (!ok && (!c->skip_unsupported || c->fail_unsupported))
		p->status = 1;
	p->stopped = !ok && c->fail_unsupported;
}

/*
 * Reads and parses one file once for the lint (lint NULL: not linted) and
 * every pass. A message is printed by the first pass that finds it; messages
 * carry the position in the file they are about, so which one that is does
 * not depend on whether the passes go file by file or pass by pass.
 */
static void
check_file(struct cli *c, struct check_pass *passes, int npasses, const struct inputs *in, int i,
	   struct lint_run *lint, struct buf *lintout, struct buf *out)
{
	struct unit u;
	size_t len = 0;
	char *text = files_kept_take(in->kept, i, &len);
	driver_load_text(&c->s, &u, in->files.v[i], text, len);
	if (lint)
		lint_docs(lint, &c->s.arena, &u.src, u.docs, u.ndocs, lintout);
	c->s.opts.vars = in->scope[i] >= 0 ? &in->scopes.v[in->scope[i]].vars : &in->vars;
	for (int k = 0; k < npasses; k++)
		if (!passes[k].stopped)
			check_pass_run(c, &passes[k], &u, out);
	driver_unload(&u);
}

/* check: the files, each loaded once; the lint sees what it always saw (every rule file
 * below the PATHs, -P aside, never standard input): lint_file for those not compiled. */
static void
check_files(struct cli *c, struct check_pass *passes, int npasses, const struct inputs *in,
	    struct lint_run *lint, struct buf *lintout, struct buf *out)
{
	const struct pathlist lintfiles = in->all;
	int next = 0;	/* lintfiles before next are linted */
	for (int i = 0; i < in->files.n; i++) {
		const char *path = in->files.v[i];
		int at = next;
		while (strcmp(path, "-") && at < lintfiles.n && strcmp(lintfiles.v[at], path))
			at++;
		bool linted = strcmp(path, "-") && at < lintfiles.n;
		for (; linted && next < at; next++)
			lint_file(lint, lintfiles.v[next], lintout);
		next += linted;
		check_file(c, passes, npasses, in, i, linted ? lint : NULL, lintout, out);
	}
	for (; next < lintfiles.n; next++)
		lint_file(lint, lintfiles.v[next], lintout);
}

/*
 * `check`: the linter, then a pass without a target, then every chosen target
 * (default: all), each file read and parsed once for all of them. Compile
 * problems that do not depend on the target are found by the pass without
 * one and printed once; each target's pass then prints only what is new. The
 * output is the lint's, then each pass's in turn, as if each ran on its own.
 */
static int
cmd_check(struct cli *c, const struct inputs *in, struct buf *out)
{
	const struct backend *targets[CLI_TARGETS_MAX + 1] = {0};
	const char **own = c->pipelines;	/* -p; a project's passes use each output's */
	int nown = c->npipelines;
	int n = c->check_outputs ? c->ncheck_outputs : cli_targets(c->target, targets);
	for (int i = 0; c->check_outputs && i < n; i++)
		targets[i] = c->check_outputs[i].be;
	if (n < 0 || !cli_check_options(c, targets, n))
		return 2;
	struct lint_options lo = {c->templates, c->lint_config, c->fail_on, c->s.diagfmt};
	struct lint_run *lint = lint_begin(&lo, out);
	if (!lint) {
		fputs(out->data ? out->data : "", stderr);
		buf_clear(out);
		return 2;
	}
	struct check_pass passes[CLI_TARGETS_MAX + 1];
	struct loaded loaded[CLI_TARGETS_MAX];
	memset(passes, 0, sizeof(passes));
	memset(loaded, 0, sizeof(loaded));
	int npasses = 1, status = 0;
	for (int i = 0; i < n; i++, npasses++) {	/* a pipeline that fails ends the passes */
		if (c->check_outputs) {
			c->pipelines = (const char **)c->check_outputs[i].pipelines;
			c->npipelines = c->check_outputs[i].npipelines;
		}
		bool ok = load_pipelines(c, targets[i], &loaded[i]);
		c->pipelines = own;
		c->npipelines = nown;
		if (!ok) {
			status = 2;
			break;
		}
		passes[npasses] = (struct check_pass){.be = targets[i], .pipeline = c->s.opts.pipeline};
	}
	c->s.product = PRODUCT_NONE;
	c->s.dedupe = true;
	struct buf lintout = {0};
	check_files(c, passes, npasses, in, lint, &lintout, out);
	int st = lint_end(lint, &lintout);
	status = st > status ? st : status;
	fputs(lintout.data ? lintout.data : "", stderr);
	buf_free(&lintout);
	for (int k = 0; k < npasses; k++) {
		struct check_pass *p = &passes[k];
		fputs(p->err.data ? p->err.data : "", stderr);
		if (p->be)
			fprintf(stderr, "sigmacc: check for %s: %d rule(s), %d failed\n", p->be->name,
				p->nrules, p->nfailed);
		status = p->status > status ? p->status : status;
		buf_free(&p->err);
	}
	for (int i = 0; i < n; i++)
		loaded_free(&loaded[i]);
	return status;
}

/* Writes the output (joined for convert) to -o or stdout. */
static int
write_output(struct cli *c, const struct buf *out, int status)
{
	struct buf joined = {0};
	if (!strcmp(c->command, "convert"))
		output_join(&c->s, out, c->compact, c->json_indent, &joined);
	else
		buf_putn(&joined, out->data ? out->data : "", out->len);
	if (!c->output) {
		fwrite(joined.data ? joined.data : "", 1, joined.len, stdout);
	} else if (status != 0 && joined.len == 0) {
		/* nothing compiled: no empty file that would look like a result */
		fprintf(stderr, "sigmacc: %s: not written, no rule compiled\n", c->output);
	} else {
		const char *why;
		if (!files_write_atomic(c->output, joined.data ? joined.data : "", joined.len, &why)) {
			fprintf(stderr, "sigmacc: %s: cannot write: %s\n", c->output, why);
			status = status ? status : 1;
		}
	}
	buf_free(&joined);
	return status;
}

/* convert, ir and check. */
static int
cmd_compile(struct cli *c, const char *cmd)
{
	const struct backend *be = NULL;
	/* check takes a list of targets (cmd_check); -f then needs exactly one */
	if (c->target && !(be = cli_backend(c->target)) && strcmp(cmd, "check")) {
		const struct backend *t[CLI_TARGETS_MAX];
		cli_targets(c->target, t);	/* prints the error with the closest name */
		return 2;
	}
	if (!strcmp(cmd, "convert") && !be)
		return cli_usage_error("%s", "convert needs a target: -t TARGET");
	struct template *tpl = NULL;
	/* without -f, the target's default format (a template) unless the IR is asked for */
	const char *format = be && strcmp(cmd, "ir") ? backend_format(be, c->format) : c->format;
	if (format && be && !backend_has_format(be, format))
		tpl = template_load(c->templates, be->name, format);
	if (c->format && !be)
		return cli_usage_error("%s", "-f needs a target: -t TARGET");
	if (format && !backend_has_format(be, format) && !tpl && format != c->format)
		return cli_missing_default(c, be);
	if (format && !backend_has_format(be, format) && !tpl)
		return cli_unknown_format(c, be, format);
	struct buf bad = {0};
	if (tpl && !template_check_options(tpl, &c->s.opts, &bad)) {
		fputs(bad.data, stderr);
		buf_free(&bad);
		template_free(tpl);
		return 2;
	}
	c->s.format = c->format;
	c->s.tpl = tpl;
	int status = 0;
	if (c->skip_unsupported && c->fail_unsupported)
		status = cli_usage_error("%s", "--skip-unsupported and --fail-unsupported exclude "
					 "each other");
	else if (c->npipelines && c->without_pipeline)
		status = cli_usage_error("%s", "-p and --without-pipeline exclude each other");
	else if (c->npipelines && !be)	/* a pipeline is for one target: never ignored */
		status = cli_usage_error("%s", "-p needs one target: -t TARGET");
	else if (c->json_indent >= 0 && !output_is_json(&c->s))
		status = cli_usage_error("%s", "-j applies to JSON formats (see 'sigmacc list "
					 "formats')");
	else if (be && !cli_check_options(c, &be, 1))
		status = 2;
	struct inputs in = {0};
	if (status == 0 && !expand_paths(c, &in))
		status = 1;
	if (status != 2 && output_is_input(c, &in.files))
		status = cli_usage_error("-o %s is one of the input files; it would be overwritten",
					 c->output);
	if (status != 2 && !load_vars(c, &in))
		status = 2;
	struct filter_set fs = {0};
	if (status != 2 && !cli_load_filters(c, NULL, 0, (const char *const *)c->paths, c->npaths, &fs))
		status = 2;
	c->s.compact = c->compact;
	struct buf out = {0};
	if (status != 2)
		c->s.corr_index = index_inputs(&in);
	if (status != 2) {
		int st = 0;
		c->s.record = !strcmp(cmd, "convert");
		if (!strcmp(cmd, "check")) {
			st = cmd_check(c, &in, &out);
		} else {
			c->s.product = !strcmp(cmd, "convert") ? PRODUCT_QUERY : PRODUCT_IR;
			st = run(c, be, &in, &out);
		}
		status = st > status ? st : status;
		if (status != 2 && strcmp(cmd, "check"))
			status = write_output(c, &out, status);
	}
	buf_free(&out);
	if (status != 2)
		cli_report_filters(c, &fs);
	filter_free(&fs);
	corr_index_free((struct corr_index *)c->s.corr_index);
	c->s.corr_index = NULL;
	inputs_free(&in);
	template_free(tpl);
	return status;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_usage(NULL, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sigmacc %s\n", SIGMACC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "test"))	/* its own options: eval_cli.c */
		return eval_command(argc, argv, datadir_find(NULL));
	struct cli c = {.command = argv[1]};
	const char *cmd = argv[1];
	if (strcmp(cmd, "convert") && strcmp(cmd, "check") && strcmp(cmd, "ir") && strcmp(cmd, "list") &&
	    strcmp(cmd, "build"))
		return cli_usage_error("unknown command '%s'", cmd);
	int status = cli_parse(&c, argc, argv);
	if (status)
		goto done;
	files_configure(c.max_rule_size ? c.max_rule_size : FILES_MAX_DEFAULT, c.follow_symlinks);
	if (c.output && !strcmp(c.output, "-") && strcmp(cmd, "build"))
		c.output = NULL;	/* -o - is standard output */
	c.templates = datadir_find(c.templates);
	if (!strcmp(cmd, "list"))
		status = cmd_list(&c);
	else if (!strcmp(cmd, "build"))	/* its PATHs may come from the project file */
		status = cmd_build(&c);
	else if (!strcmp(cmd, "check") && (c.npaths == 0 || c.project))	/* likewise */
		status = cmd_check_project(&c, cmd_compile);
	else if (c.npaths == 0)
		status = cli_usage_error("%s needs at least one PATH", cmd);
	else
		status = cmd_compile(&c, cmd);
done:
	driver_free(&c.s);
	arena_free(&c.s.arena);
	cli_free(&c);
	return status;
}
