/*
 * main.c: the sigmacc command line. Parses the command and its options,
 * loads the pipeline and value lists once, then hands each rule file to the
 * driver. Exit status: 0 all rules compiled, 1 some rule failed, 2 usage.
 */
#include "args.h"
#include "build.h"
#include "datadir.h"
#include "driver.h"
#include "eval.h"
#include "files.h"
#include "lint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SIGMACC_VERSION
#define SIGMACC_VERSION "0.1.0"
#endif

static const char usage_main[] =
	"usage: sigmacc COMMAND [OPTIONS] PATH...\n"
	"\n"
	"Compiles Sigma detection rules into SIEM queries.\n"
	"\n"
	"Commands:\n"
	"  convert   compile rules for one target and print the queries\n"
	"  build     regenerate every target's outputs into a directory, writing\n"
	"            only what changed; --check lists what is missing or stale\n"
	"  check     validate rules (structure, modifiers, condition, placeholders,\n"
	"            field mapping for every target) without writing output\n"
	"  ir        print the normalised expression of each rule\n"
	"  test      run each rule on the events of its test cases (RULE.tests.yml),\n"
	"            or every rule on a log sample (--events FILE)\n"
	"  list      list targets, formats or pipelines\n"
	"\n"
	"Run 'sigmacc COMMAND --help' for the options of a command.\n"
	"Options of every command: --help, --version.\n";

static const char usage_convert[] =
	"usage: sigmacc convert -t TARGET [OPTIONS] PATH...\n"
	"       sigmacc ir [-t TARGET] [OPTIONS] PATH...\n"
	"       sigmacc check [-t TARGET] [OPTIONS] PATH...\n"
	"\n"
	"PATH is a rule file, '-' for standard input, or a directory, searched\n"
	"recursively for .yml and .yaml files in sorted order. Every document of a\n"
	"file is a rule. A rule that fails is reported and skipped; the others are\n"
	"still compiled.\n"
	"\n"
	"Options:\n"
	"  -t, --target NAME        target language (see 'sigmacc list targets')\n"
	"  -p, --pipeline NAME      field mapping pipeline (default: the target's own,\n"
	"                           see 'sigmacc list pipelines'); repeat it to stack\n"
	"                           pipelines, later ones overriding earlier ones:\n"
	"                           -p defender_xdr -p my_fields\n"
	"      --without-pipeline   keep field names as written, emit only the\n"
	"                           expression (no table or event selection)\n"
	"      --vars FILE          load %placeholder% value lists (repeatable)\n"
	"      --unmapped=MODE      error (default): a field the pipeline does not\n"
	"                           know stops the rule; passthrough: keep its name\n"
	"                           and warn\n"
	"      --undefined-placeholder=MODE\n"
	"                           error (default) or wildcard: an undefined\n"
	"                           placeholder matches anything (pySigma's behaviour)\n"
	"  -f, --format NAME        output format: default (the query) or one of the\n"
	"                           target's (see 'sigmacc list formats')\n"
	"  -O, --backend-option KEY=VALUE\n"
	"                           a target's own option (repeatable), e.g.\n"
	"                           -O spl-index=main\n"
	"      --compact            print each query on one line\n"
	"  -o, --output FILE        write to FILE (atomically); - is stdout (the default)\n"
	"      --templates DIR      the data directory, holding pipelines/ and formats/\n"
	"                           (default: $SIGMACC_TEMPLATES, $SIGMACC_DATADIR,\n"
	"                           ../share/sigmacc beside the binary, the installed one)\n"
	"      --diagnostics=FORM   human (default), json (one object per line) or\n"
	"                           github (workflow annotations)\n"
	"      --skip-unsupported   rules that fail are reported but do not change the\n"
	"                           exit status\n"
	"      --fail-unsupported   stop at the first rule that fails\n"
	"      --lint-config FILE   check: severities of the lint checks (see README)\n"
	"      --fail-on LEVEL      check: error (default) or warning: the lint findings\n"
	"                           that make the exit status 1\n"
	"      --follow-symlinks    follow links below a PATH directory that stay inside\n"
	"                           it (default: skip every link, with a warning)\n"
	"      --max-rule-size BYTES  refuse larger rule and value files (default 4 MiB)\n"
	"\n"
	"Exit status: 0 when every rule compiled, 1 when some rule failed, 2 on a\n"
	"usage error. On a terminal, batches show their progress on stderr.\n";

static const char usage_build[] =
	"usage: sigmacc build -o OUTDIR [-t all|TARGET,...] [-f FORMAT] [--check] PATH...\n"
	"\n"
	"Compiles every rule file below each PATH for each target (default: all) into\n"
	"OUTDIR/<target>/<rule path>.<ext>, where <rule path> is the file's path below\n"
	"PATH without .yml and <ext> the target's extension (or the format's name).\n"
	"A file is written only when its bytes change, through a temporary file and a\n"
	"rename, so an interrupted build never leaves half a file. Outputs written by\n"
	"an earlier build for rule files that no longer exist are removed; the list\n"
	"lives in OUTDIR/.sigmacc-manifest. A rule that fails keeps its last output and\n"
	"makes the exit status 1. Prints: written, unchanged, removed, failed.\n"
	"\n"
	"      --check              write nothing; list every missing, stale or orphaned\n"
	"                           output and exit 1 if there is one (the CI gate)\n"
	"      --test               first run the test cases beside the rules\n"
	"                           (RULE.tests.yml, see 'sigmacc test'); if one fails,\n"
	"                           report it, write nothing and exit 1\n"
	"  -p, --pipeline NAME      a pipeline (a name or a file path) for the target it\n"
	"                           names; several for one target stack in order; a\n"
	"                           target without one uses its default pipeline\n"
	"  -j, --jobs N             compile N rule files at once (default: the number of\n"
	"                           CPUs); the outputs and messages are the same for any N\n"
	"\n"
	"Also: --vars FILE, --undefined-placeholder=MODE, --unmapped=MODE, -O KEY=VALUE,\n"
	"--templates DIR, --diagnostics=FORM, --follow-symlinks, --max-rule-size BYTES,\n"
	"as for convert. A second build of the same OUTDIR waits for the first\n"
	"(lock: OUTDIR/.sigmacc-lock).\n";

static const char usage_list[] =
	"usage: sigmacc list targets|formats|pipelines\n"
	"\n"
	"Lists the targets, their output formats, or the pipelines, one per line.\n";

struct cli {
	const char *command;
	const char *target, *output, *templates, *format;
	const char *lint_config, *fail_on;	/* check: --lint-config FILE, --fail-on LEVEL */
	const char **pipelines;	/* -p, in order: later ones on top of earlier ones */
	int npipelines;
	bool without_pipeline, compact, check;
	bool skip_unsupported, fail_unsupported, follow_symlinks, walked;
	size_t max_rule_size;
	bool test;		/* build --test: the rules' test cases first */
	int jobs;		/* build -j; 0 = the number of CPUs */
	const char **vars;
	int nvars;
	const char **paths;
	int npaths;
	struct session s;
};

static int
usage_error(const char *fmt, const char *arg)
{
	return usage_fail("sigmacc --help", fmt, arg);
}

static int
parse_args(struct cli *c, int argc, char **argv)
{
	c->vars = calloc((size_t)argc, sizeof(*c->vars));
	c->paths = calloc((size_t)argc, sizeof(*c->paths));
	c->pipelines = calloc((size_t)argc, sizeof(*c->pipelines));
	c->s.opts.backend_opts = calloc((size_t)argc, sizeof(*c->s.opts.backend_opts));
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		bool missing = false;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(!strcmp(c->command, "list") ? usage_list :
			      !strcmp(c->command, "build") ? usage_build : usage_convert, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			printf("sigmacc %s\n", SIGMACC_VERSION);
			exit(0);
		} else if (option_value(argc, argv, &i, "-t", "--target", &v, &missing)) {
			c->target = v;
		} else if (option_value(argc, argv, &i, "-p", "--pipeline", &v, &missing)) {
			if (v)
				c->pipelines[c->npipelines++] = v;
		} else if (option_value(argc, argv, &i, "-o", "--output", &v, &missing)) {
			c->output = v;
		} else if (option_value(argc, argv, &i, "-f", "--format", &v, &missing)) {
			c->format = v;
		} else if (option_value(argc, argv, &i, "-O", "--backend-option", &v, &missing)) {
			if (v && !strchr(v, '='))
				return usage_error("-O takes KEY=VALUE, not '%s'", v);
			if (v)
				c->s.opts.backend_opts[c->s.opts.nbackend_opts++] = v;
		} else if (option_value(argc, argv, &i, NULL, "--vars", &v, &missing)) {
			if (v)
				c->vars[c->nvars++] = v;
		} else if (option_value(argc, argv, &i, NULL, "--lint-config", &v, &missing)) {
			c->lint_config = v;
		} else if (option_value(argc, argv, &i, NULL, "--fail-on", &v, &missing)) {
			if (v && strcmp(v, "error") && strcmp(v, "warning"))
				return usage_error("--fail-on must be error or warning, not '%s'", v);
			c->fail_on = v;
		} else if (option_value(argc, argv, &i, NULL, "--templates", &v, &missing)) {
			c->templates = v;
		} else if (option_value(argc, argv, &i, NULL, "--unmapped", &v, &missing)) {
			if (v && !strcmp(v, "passthrough"))
				c->s.opts.unmapped = UNMAPPED_PASSTHROUGH;
			else if (v && strcmp(v, "error"))
				return usage_error("--unmapped must be error or passthrough, not '%s'", v);
		} else if (option_value(argc, argv, &i, NULL, "--undefined-placeholder", &v, &missing)) {
			if (v && !strcmp(v, "wildcard"))
				c->s.opts.placeholder_wildcard = true;
			else if (v && strcmp(v, "error"))
				return usage_error("--undefined-placeholder must be error or wildcard, not '%s'", v);
		} else if (option_value(argc, argv, &i, NULL, "--diagnostics", &v, &missing)) {
			if (v && !strcmp(v, "json"))
				c->s.diagfmt = DIAGFMT_JSON;
			else if (v && !strcmp(v, "github"))
				c->s.diagfmt = DIAGFMT_GITHUB;
			else if (v && strcmp(v, "human"))
				return usage_error("--diagnostics must be human, json or github, not '%s'", v);
		} else if (option_value(argc, argv, &i, NULL, "--max-rule-size", &v, &missing)) {
			char *end = NULL;
			unsigned long long n = v && *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
			if (v && (!end || *end || n == 0 || n > FILES_MAX_CEILING))
				return usage_error("--max-rule-size takes a number of bytes from 1 to "
						   "268435456, not '%s'", v);
			c->max_rule_size = (size_t)n;
		} else if (!strcmp(c->command, "build") &&
			   option_value(argc, argv, &i, "-j", "--jobs", &v, &missing)) {
			char *end = NULL;
			long n = v && *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : 0;
			if (v && (!end || *end || n < 1 || n > 256))
				return usage_error("-j takes a number of jobs from 1 to 256, not '%s'", v);
			c->jobs = (int)n;
		} else if (!strcmp(a, "--follow-symlinks")) {
			c->follow_symlinks = true;
		} else if (!strcmp(a, "--without-pipeline")) {
			c->without_pipeline = true;
		} else if (!strcmp(a, "--check") && !strcmp(c->command, "build")) {
			c->check = true;
		} else if (!strcmp(a, "--test") && !strcmp(c->command, "build")) {
			c->test = true;
		} else if (!strcmp(a, "--skip-unsupported")) {
			c->skip_unsupported = true;
		} else if (!strcmp(a, "--fail-unsupported")) {
			c->fail_unsupported = true;
		} else if (!strcmp(a, "--compact")) {
			c->compact = true;
		} else if (a[0] == '-' && a[1]) {
			return usage_error("unknown option '%s'", a);
		} else {
			c->paths[c->npaths++] = a;
		}
		if (missing)
			return usage_error("option '%s' needs a value", a);
	}
	return 0;
}

static int
cmd_list(struct cli *c, int argc, char **argv)
{
	if (argc != 3)
		return usage_error("%s", "list takes one argument: targets, formats or pipelines");
	if (!strcmp(argv[2], "targets")) {
		for (int i = 0; backends[i]; i++)
			printf("%-10s %s\n", backends[i]->name, backends[i]->description);
		return 0;
	}
	if (!strcmp(argv[2], "formats")) {
		for (int i = 0; backends[i]; i++) {
			const struct backend *be = backends[i];
			struct pathlist names = {0};
			printf("%-10s %-20s %s\n", be->name, "default", "the query");
			for (int k = 0; be->formats && be->formats[k].name; k++)
				printf("%-10s %-20s %s\n", be->name, be->formats[k].name,
				       be->formats[k].description);
			template_list(c->templates, be->name, &names);
			for (int k = 0; k < names.n; k++) {
				struct template *t = template_load(c->templates, be->name, names.v[k]);
				printf("%-10s %-20s %s\n", be->name, names.v[k], t ? t->description : "?");
				template_free(t);
			}
			files_free(&names);
		}
		return 0;
	}
	if (strcmp(argv[2], "pipelines"))
		return usage_error("list takes targets, formats or pipelines, not '%s'", argv[2]);
	struct pathlist names = {0};
	struct buf err = {0}, dir = {0};
	buf_printf(&dir, "%s/pipelines", c->templates);
	/* a missing directory would come back as itself, a "file" without an extension */
	int status = !access(dir.data, R_OK) && files_expand(&names, dir.data, &err) ? 0 : 1;
	if (status && !err.len)
		buf_printf(&err, "sigmacc: no pipelines in %s: %s; set SIGMACC_DATADIR or --templates\n",
			   c->templates, strerror(errno));
	fputs(err.data ? err.data : "", stderr);
	for (int i = 0; i < names.n; i++) {
		char *base = strrchr(names.v[i], '/') + 1, *dot = strrchr(base, '.');
		if (dot)
			*dot = '\0';
		struct pipeline *p = pipeline_load(c->templates, base);
		if (!p) {
			status = 1;
			continue;
		}
		const struct backend *be = backend_find(p->target);
		printf("%-16s %-10s %s%s\n", p->name, p->target, p->description,
		       be && !strcmp(be->default_pipeline, p->name) ? " (default)" : "");
		pipeline_free(p);
	}
	files_free(&names);
	buf_free(&err);
	buf_free(&dir);
	return status;
}

/* Runs the files through the driver once for backend be (NULL: no pipeline). */
static int
run(struct cli *c, const struct backend *be, struct buf *out)
{
	struct session *s = &c->s;
	s->be = be;
	s->opts.target = be ? be->name : "none";
	s->opts.pipeline = NULL;
	struct pipeline **loaded = calloc((size_t)c->npipelines + 1, sizeof(*loaded));
	int nloaded = 0;
	struct arena stack = {0};
	if (be && !c->without_pipeline) {
		const char *def[] = {be->default_pipeline};
		const char **names = c->npipelines ? c->pipelines : def;
		int n = c->npipelines ? c->npipelines : 1;
		for (int i = 0; i < n; i++) {
			struct pipeline *pl = pipeline_load(c->templates, names[i]);
			if (pl && strcmp(pl->target, be->name)) {
				fprintf(stderr, "sigmacc: pipeline '%s' is for target %s, not %s\n",
					pl->name, pl->target, be->name);
				pipeline_free(pl);
				pl = NULL;
			}
			if (!pl) {
				for (int k = 0; k < nloaded; k++)
					pipeline_free(loaded[k]);
				free(loaded);
				arena_free(&stack);
				return 2;
			}
			loaded[nloaded++] = pl;
			s->opts.pipeline = i ? pipeline_stack(&stack, s->opts.pipeline, pl) : pl;
		}
	}
	struct pathlist files = {0};
	struct buf err = {0};
	int status = 0;
	for (int i = 0; i < c->npaths; i++)
		if (!files_expand(&files, c->paths[i], &err))
			status = 1;
	if (!c->walked)	/* check walks once per target: what the walk skipped is said once */
		fputs(err.data ? err.data : "", stderr);
	c->walked = true;
	bool progress = files.n > 1 && isatty(2) && !getenv("CI");
	for (int i = 0; i < files.n; i++) {
		buf_clear(&err);
		if (progress)
			fprintf(stderr, "\r\033[K[%d/%d] %s", i + 1, files.n, files.v[i]);
		bool ok = driver_file(s, files.v[i], out, &err);
		if (!ok && !c->skip_unsupported)
			status = 1;
		if (progress && err.len)
			fputs("\r\033[K", stderr);
		fputs(err.data ? err.data : "", stderr);
		if (!c->output && out->len) {
			fwrite(out->data, 1, out->len, stdout);
			buf_clear(out);
		}
		if (!ok && c->fail_unsupported) {
			status = 1;
			break;
		}
	}
	if (progress)
		fputs("\r\033[K", stderr);
	buf_free(&err);
	files_free(&files);
	for (int k = 0; k < nloaded; k++)
		pipeline_free(loaded[k]);
	free(loaded);
	arena_free(&stack);
	return status;
}

/* Is name an output format of be: its own, or a template under templates/formats/? */
static bool
has_format(const struct cli *c, const struct backend *be, const char *name)
{
	if (backend_has_format(be, name))
		return true;
	struct template *t = template_load(c->templates, be->name, name);
	template_free(t);
	return t != NULL;
}

/* Loads every --vars file; false after a message. */
static bool
load_vars(struct cli *c, struct vars *vars)
{
	return vars_load_files(vars, c->vars, c->nvars);
}

/* The targets of -t (default: all), NULL-terminated, each once; NULL after a usage error. */
static const struct backend **
build_targets(const struct cli *c, int *n)
{
	const char *list = c->target && strcmp(c->target, "all") ? c->target : NULL;
	int max = 1;	/* each backend at most once, however many names the list has */
	for (int i = 0; backends[i]; i++)
		max++;
	const struct backend **targets = calloc((size_t)max, sizeof(*targets));
	*n = 0;
	for (int i = 0; backends[i] && !list; i++)
		targets[(*n)++] = backends[i];
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		char *name = strndup(p, len);
		const struct backend *be = backend_find(name);
		if (!be) {
			usage_error("unknown target '%s' (see 'sigmacc list targets')", name);
			free(name);
			free(targets);
			return NULL;
		}
		free(name);
		int k = 0;
		while (k < *n && targets[k] != be)
			k++;
		if (k == *n)
			targets[(*n)++] = be;	/* a target named twice is built once */
		p += len + (p[len] == ',');
	}
	return targets;
}

/* `build`: every chosen target, one output file per rule file. */
static int
cmd_build(struct cli *c)
{
	if (!c->output)
		return usage_error("%s", "build needs an output directory: -o OUTDIR");
	int n, status = 2;
	const struct backend **targets = build_targets(c, &n);
	struct vars vars = {0};
	if (!targets)
		return 2;
	for (int i = 0; i < n; i++) {
		if (c->format && !has_format(c, targets[i], c->format)) {
			usage_error("format '%s' is not one of every chosen target's "
				    "(see 'sigmacc list formats')", c->format);
			goto done;
		}
	}
	if (c->without_pipeline) {
		usage_error("%s", "build uses a pipeline for each target (-p or the default)");
		goto done;
	}
	if (load_vars(c, &vars)) {
		c->s.opts.vars = &vars;
		c->s.product = PRODUCT_QUERY;
		c->s.format = c->format;
		struct build_options bo = {c->output, c->templates, c->format, c->check, n, c->jobs,
					   c->pipelines, c->npipelines};
		/* a rule that no longer catches its attack must not ship */
		status = c->test ? eval_gate(c->paths, c->npaths, &c->s.opts, c->s.diagfmt) : 0;
		if (status == 0)
			status = build_run(&c->s, &bo, targets, c->paths, c->npaths);
	}
done:
	free(targets);
	vars_free(&vars);
	arena_free(&c->s.arena);
	return status;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("sigmacc %s\n", SIGMACC_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "test"))
		return eval_command(argc, argv, datadir_find(NULL));
	struct cli c = {.command = argv[1]};
	const char *cmd = argv[1];
	if (strcmp(cmd, "convert") && strcmp(cmd, "check") && strcmp(cmd, "ir") && strcmp(cmd, "list") &&
	    strcmp(cmd, "build"))
		return usage_error("unknown command '%s'", cmd);
	int status = parse_args(&c, argc, argv);
	if (status)
		goto done;
	files_configure(c.max_rule_size ? c.max_rule_size : FILES_MAX_DEFAULT, c.follow_symlinks);
	if (c.output && !strcmp(c.output, "-") && strcmp(cmd, "build"))
		c.output = NULL;	/* -o - is standard output */
	c.templates = datadir_find(c.templates);
	if (!strcmp(cmd, "list")) {
		status = cmd_list(&c, argc, argv);
		goto done;
	}
	if (c.npaths == 0) {
		status = usage_error("%s needs at least one PATH", cmd);
		goto done;
	}
	if (!strcmp(cmd, "build")) {
		status = cmd_build(&c);
		goto done;
	}
	const struct backend *be = NULL;
	if (c.target && !(be = backend_find(c.target))) {
		status = usage_error("unknown target '%s' (see 'sigmacc list targets')", c.target);
		goto done;
	}
	struct template *tpl = NULL;
	if (c.format && be && !backend_has_format(be, c.format))
		tpl = template_load(c.templates, be->name, c.format);
	if (c.format && (!be || (!backend_has_format(be, c.format) && !tpl))) {
		status = usage_error("unknown format '%s' for this target (see 'sigmacc list formats')",
				     c.format);
		goto done;
	}
	c.s.format = c.format;
	c.s.tpl = tpl;
	if (!strcmp(cmd, "convert") && !be) {
		status = usage_error("%s", "convert needs a target: -t TARGET");
		goto done;
	}
	if (c.skip_unsupported && c.fail_unsupported) {
		status = usage_error("%s", "--skip-unsupported and --fail-unsupported exclude each other");
		goto done;
	}
	if (c.npipelines && c.without_pipeline) {
		status = usage_error("%s", "-p and --without-pipeline exclude each other");
		goto done;
	}
	struct vars vars = {0};
	if (!load_vars(&c, &vars))
		status = 2;
	c.s.opts.vars = &vars;
	c.s.compact = c.compact;
	struct buf out = {0};
	if (status == 0) {
		if (!strcmp(cmd, "convert")) {
			c.s.product = PRODUCT_QUERY;
			status = run(&c, be, &out);
		} else if (!strcmp(cmd, "ir")) {
			c.s.product = PRODUCT_IR;
			status = run(&c, be, &out);
		} else {
			/* check: the linter once, then every target unless one is named */
			c.s.product = PRODUCT_NONE;
			struct lint_options lo = {c.templates, c.lint_config, c.fail_on, c.s.diagfmt};
			status = lint_run(&lo, c.paths, c.npaths, &out);
			fputs(out.data ? out.data : "", stderr);
			buf_clear(&out);
			for (int i = 0; backends[i] && status != 2; i++) {
				if (be && backends[i] != be)
					continue;
				c.s.nrules = c.s.nfailed = 0;
				int st = run(&c, backends[i], &out);
				status = st > status ? st : status;
				if (st != 2)
					fprintf(stderr, "sigmacc: check for %s: %d rule(s), %d failed\n",
						backends[i]->name, c.s.nrules, c.s.nfailed);
			}
		}
		if (c.output && status != 2) {
			const char *why;
			if (!files_write_atomic(c.output, out.data ? out.data : "", out.len, &why)) {
				fprintf(stderr, "sigmacc: %s: cannot write: %s\n", c.output, why);
				status = 1;
			}
		}
	}
	buf_free(&out);
	vars_free(&vars);
	template_free(tpl);
	arena_free(&c.s.arena);
done:
	free(c.vars);
	free(c.paths);
	free(c.pipelines);
	free(c.s.opts.backend_opts);
	return status;
}
