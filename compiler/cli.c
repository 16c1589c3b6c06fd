/*
 * cli.c: the options of every command, in sigma-cli's spelling where it has
 * one (-t splunk, -s, -P, -j, -tkql), and their checks: unknown targets,
 * formats, pipelines and -O keys are usage errors with the closest known
 * name, so a typo never silently selects something else.
 */
#include "cli.h"
#include "base.h"
#include "args.h"
#include "files.h"
#include "suggest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	"  list      list targets, formats, pipelines or a target's options\n"
	"\n"
	"Run 'sigmacc COMMAND --help' for the options of a command.\n"
	"Options of every command: --help, --version.\n";

static const char usage_convert[] =
	"usage: sigmacc convert -t TARGET [OPTIONS] PATH...\n"
	"       sigmacc ir [-t TARGET] [OPTIONS] PATH...\n"
	"       sigmacc check [-t TARGET,...] [OPTIONS] PATH...\n"
	"\n"
	"PATH is a rule file, '-' for standard input, or a directory, searched\n"
	"recursively for .yml and .yaml files in sorted order. Every document of a\n"
	"file is a rule. A rule that fails is reported and skipped; the others are\n"
	"still compiled. Without --vars, value lists named *.vars.yml in a directory\n"
	"are loaded for the rules in it and below it (a rule file: those beside it).\n"
	"\n"
	"Options (a short option takes its value attached too: -tkql):\n"
	"  -t, --target NAME        target language (see 'sigmacc list targets'); sigma-cli's\n"
	"                           names work too (splunk, kusto, qradar, secops, ...);\n"
	"                           check takes several: -t kql,spl\n"
	"  -p, --pipeline NAME|FILE|DIR\n"
	"                           field mapping pipeline (default: the target's own,\n"
	"                           see 'sigmacc list pipelines'); an existing path is a\n"
	"                           file (ours or a pySigma processing pipeline), a\n"
	"                           directory its .yml files in sorted order; repeat it to\n"
	"                           stack pipelines, later ones overriding earlier ones\n"
	"      --without-pipeline   keep field names as written, emit only the\n"
	"                           expression (no table or event selection)\n"
	"      --vars FILE          load %placeholder% value lists (repeatable)\n"
	"      --filter FILE|DIR    apply meta filters (repeatable)\n"
	"      --unmapped=MODE      error (default): a field the pipeline does not\n"
	"                           know stops the rule; passthrough: keep its name\n"
	"                           and warn\n"
	"      --undefined-placeholder=MODE\n"
	"                           error (default) or wildcard: an undefined\n"
	"                           placeholder matches anything (pySigma's behaviour)\n"
	"  -f, --format NAME        output format: default (the query) or one of the\n"
	"                           target's (see 'sigmacc list formats TARGET')\n"
	"  -O, --backend-option KEY=VALUE\n"
	"                           a target's own option (repeatable, see 'sigmacc list\n"
	"                           options TARGET'), e.g. -O spl-index=main\n"
	"      --compact            print each query on one line; several queries are\n"
	"                           not separated by a comment naming the rule\n"
	"  -j, --json-indent N      indent JSON formats by N spaces (a JSON array of\n"
	"                           several rules, too); NDJSON stays one line per rule\n"
	"  -o, --output FILE        write to FILE (atomically); - is stdout (the default)\n"
	"  -P, --file-pattern GLOB  only rule files in directories whose name matches\n"
	"                           GLOB (e.g. 'proc_*.yml')\n"
	"      --templates DIR      the data directory, holding pipelines/ and formats/\n"
	"                           (default: $SIGMACC_TEMPLATES, $SIGMACC_DATADIR,\n"
	"                           ../share/sigmacc beside the binary, the installed one)\n"
	"      --diagnostics=FORM   human (default), json (one object per line on\n"
	"                           stderr) or github (workflow annotations)\n"
	"  -s, --skip-unsupported   rules that fail are reported but do not change the\n"
	"                           exit status\n"
	"      --fail-unsupported   stop at the first rule that fails\n"
	"      --lint-config FILE   check: severities of the lint checks (see README)\n"
	"      --fail-on LEVEL      check: error (default) or warning: the lint findings\n"
	"                           that make the exit status 1\n"
	"      --follow-symlinks    follow links below a PATH directory that stay inside\n"
	"                           it (default: skip every link, with a warning)\n"
	"      --max-rule-size BYTES  refuse larger rule and value files (default 4 MiB)\n"
	"\n"
	"Several rules in one output: JSON formats become one array (NDJSON one line\n"
	"each), YAML formats separate documents (---), other formats a blank line;\n"
	"bare queries also get a comment line naming the rule unless --compact.\n"
	"\n"
	"Exit status: 0 when every rule compiled, 1 when some rule failed, 2 on a\n"
	"usage error. On a terminal, convert shows its progress on stderr.\n";

/* check without PATH (a second string: one would pass the length C17 promises) */
static const char usage_check[] =
	"\n"
	"sigmacc check [-t TARGET,...] [--project FILE] [OPTIONS], without PATH,\n"
	"reads the project file (sigmacc.yml here or above, or\n"
	"--project FILE): its rules, value lists and filters, and a pass for each\n"
	"output's target with that output's pipelines (-t: those targets' outputs).\n";

static const char usage_build[] =
	"usage: sigmacc build -o OUTDIR [-t all|TARGET,...] [-f FORMAT] [--check] PATH...\n"
	"       sigmacc build [--check] [--project FILE]\n"
	"\n"
	"Unless both PATH and -o are given, the project file sigmacc.yml (here or in\n"
	"the nearest directory above) names the rules, value lists, output directory\n"
	"and the outputs: each a target with its own directory, format, pipelines and\n"
	"-O options, rules limited or excluded, and expected refusals (skipped, not\n"
	"failed). Options on the command line override it.\n"
	"\n"
	"Compiles every rule file below each PATH for each target (default: all) into\n"
	"OUTDIR/<target>/<rule path>.<ext>, where <rule path> is the file's path below\n"
	"PATH without .yml and <ext> the target's extension (or the format's name).\n"
	"A file is written only when its bytes change, through a temporary file and a\n"
	"rename, so an interrupted build never leaves half a file. Outputs written by\n"
	"an earlier build for rule files that no longer exist are removed; the list\n"
	"lives in OUTDIR/.sigmacc-manifest, with hashes of what produced each output:\n"
	"a rule is compiled again only when its file, a value list it uses, or the\n"
	"output's pipelines, options, format or sigmacc version changed. A rule that\n"
	"fails keeps its last output and makes the exit status 1. Prints: written,\n"
	"unchanged, removed, skipped (when any), failed.\n"
	"\n"
	"      --check              write nothing; list every missing, stale or orphaned\n"
	"                           output and exit 1 if there is one (the CI gate);\n"
	"                           compiles every rule, trusting no recorded hash\n"
	"      --project FILE       build what FILE says (default: sigmacc.yml here or\n"
	"                           above, unless both PATH and -o are given)\n"
	"      --query-beside       beside each file of a format that wraps the query\n"
	"                           (X.json), keep the bare query too (X.kql)\n"
	"      --rebuild            compile every rule, whatever the manifest records\n"
	"      --test               first run the test cases beside the rules\n"
	"                           (RULE.tests.yml, see 'sigmacc test'); if one fails,\n"
	"                           report it, write nothing and exit 1\n"
	"  -p, --pipeline NAME      a pipeline (a name or a file path) for the target it\n"
	"                           names; several for one target stack in order; a\n"
	"                           target without one uses its default pipeline\n"
	"  -j, --jobs N             compile N rule files at once (default: the number of\n"
	"                           CPUs); the outputs and messages are the same for any N\n"
	"\n"
	"Meta filters: the documents under a filters/ folder of a PATH apply to the\n"
	"rules of the whole build (not compiled as rules), as with convert; --filter\n"
	"FILE|DIR adds more.\n"
	"Correlations reference rules and correlations anywhere below the PATHs.\n"
	"\n"
	"Also: --vars FILE, --undefined-placeholder=MODE, --unmapped=MODE, -O KEY=VALUE,\n"
	"--templates DIR, --diagnostics=FORM, --follow-symlinks, --max-rule-size BYTES,\n"
	"-s (a rule a target refuses does not fail the build), as for convert. A second\n"
	"build of the same OUTDIR waits for the first (lock: OUTDIR/.sigmacc-lock).\n";

static const char usage_list[] =
	"usage: sigmacc list targets|formats|pipelines [TARGET]\n"
	"       sigmacc list options TARGET\n"
	"\n"
	"Lists the targets, the output formats or pipelines (of one target), or the\n"
	"-O options of a target, one per line.\n";

void
cli_usage(const char *command, FILE *to)
{
	fputs(!command ? usage_main : !strcmp(command, "list") ? usage_list :
	      !strcmp(command, "build") ? usage_build : usage_convert, to);
	if (command && strcmp(command, "list") && strcmp(command, "build"))
		fputs(usage_check, to);
}

int
cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct buf msg = {0}, out = {0};
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	/* the message quotes arguments and project-file values: no control character raw */
	buf_puts(&out, "sigmacc: ");
	files_put_bytes(&out, msg.data ? msg.data : "", msg.len);
	buf_puts(&out, "\nTry 'sigmacc --help'.\n");
	fputs(out.data, stderr);
	buf_free(&msg);
	buf_free(&out);
	return 2;
}

/* args.h's option_value, and -xVALUE (sigma-cli's -tkql) as well. */
static bool
option_arg(int argc, char **argv, int *i, const char *shortname, const char *longname,
	   const char **value, bool *missing)
{
	const char *a = argv[*i];
	if (shortname && !strncmp(a, shortname, 2) && a[2]) {
		*value = a + 2;
		return true;
	}
	return option_value(argc, argv, i, shortname, longname, value, missing);
}

/* The options that take a choice of words; 0 or 2 after a usage error. */
static int
parse_mode(struct cli *c, const char *a, const char *v)
{
	if (!strncmp(a, "--unmapped", 10)) {
		if (!strcmp(v, "passthrough"))
			c->s.opts.unmapped = UNMAPPED_PASSTHROUGH;
		else if (strcmp(v, "error"))
			return cli_usage_error("--unmapped must be error or passthrough, not '%s'", v);
	} else if (!strncmp(a, "--undefined-placeholder", 23)) {
		if (!strcmp(v, "wildcard"))
			c->s.opts.placeholder_wildcard = true;
		else if (strcmp(v, "error"))
			return cli_usage_error("--undefined-placeholder must be error or wildcard, "
					       "not '%s'", v);
	} else if (!strcmp(v, "json")) {
		c->s.diagfmt = DIAGFMT_JSON;
	} else if (!strcmp(v, "github")) {
		c->s.diagfmt = DIAGFMT_GITHUB;
	} else if (strcmp(v, "human")) {
		return cli_usage_error("--diagnostics must be human, json or github, not '%s'", v);
	}
	return 0;
}

static int
parse_indent(struct cli *c, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < 0 || n > 16)
		return cli_usage_error("-j takes a number of spaces from 0 to 16, not '%s'", v);
	c->json_indent = (int)n;
	return 0;
}

static int
parse_jobs(struct cli *c, const char *v)
{
	char *end = NULL;
	long n = *v >= '0' && *v <= '9' ? strtol(v, &end, 10) : 0;
	if (!end || *end || n < 1 || n > 256)
		return cli_usage_error("-j takes a number of jobs from 1 to 256, not '%s'", v);
	c->jobs = (int)n;
	return 0;
}

static int
parse_size(struct cli *c, const char *v)
{
	char *end = NULL;
	unsigned long long n = *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
	if (!end || *end || n == 0 || n > FILES_MAX_CEILING)
		return cli_usage_error("--max-rule-size takes a number of bytes from 1 to %u, not '%s'",
				       FILES_MAX_CEILING, v);
	c->max_rule_size = (size_t)n;
	return 0;
}

/* A flag without a value; false when a is none. */
static bool
parse_flag(struct cli *c, const char *a)
{
	if (!strcmp(a, "--without-pipeline"))
		c->without_pipeline = true;
	else if (!strcmp(a, "--check") && !strcmp(c->command, "build"))
		c->check = true;
	else if (!strcmp(a, "--test") && !strcmp(c->command, "build"))
		c->test = true;
	else if (!strcmp(a, "--rebuild") && !strcmp(c->command, "build"))
		c->rebuild = true;
	else if (!strcmp(a, "--query-beside") && !strcmp(c->command, "build"))
		c->query_beside = true;
	else if (!strcmp(a, "--skip-unsupported") || !strcmp(a, "-s"))
		c->skip_unsupported = true;
	else if (!strcmp(a, "--fail-unsupported"))
		c->fail_unsupported = true;
	else if (!strcmp(a, "--compact"))
		c->compact = true;
	else if (!strcmp(a, "--follow-symlinks"))
		c->follow_symlinks = true;
	else
		return false;
	return true;
}

/* An option with a value; 0, 2 after a usage error, or -1 when a is none. */
static int
parse_valued(struct cli *c, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v = NULL;
	bool missing = false;
	int status = 0;
	if (option_arg(argc, argv, i, "-t", "--target", &v, &missing)) {
		c->target = v;
	} else if (option_arg(argc, argv, i, "-p", "--pipeline", &v, &missing)) {
		if (v)
			c->pipelines[c->npipelines++] = v;
	} else if (option_arg(argc, argv, i, "-o", "--output", &v, &missing)) {
		c->output = v;
	} else if (option_arg(argc, argv, i, "-f", "--format", &v, &missing)) {
		c->format = v;
	} else if (option_arg(argc, argv, i, "-P", "--file-pattern", &v, &missing)) {
		c->file_pattern = v;
	} else if (!strcmp(c->command, "build") &&
		   option_arg(argc, argv, i, "-j", "--jobs", &v, &missing)) {
		/* build's -j is make's; convert's is sigma-cli's --json-indent */
		status = v ? parse_jobs(c, v) : 0;
	} else if (option_arg(argc, argv, i, "-j", "--json-indent", &v, &missing)) {
		status = v ? parse_indent(c, v) : 0;
	} else if (option_arg(argc, argv, i, "-O", "--backend-option", &v, &missing)) {
		if (v && (!strchr(v, '=') || *v == '='))
			return cli_usage_error("-O takes KEY=VALUE, not '%s'", v);
		if (v)
			c->s.opts.backend_opts[c->s.opts.nbackend_opts++] = v;
	} else if (option_arg(argc, argv, i, NULL, "--vars", &v, &missing)) {
		if (v)
			c->vars[c->nvars++] = v;
	} else if (option_arg(argc, argv, i, NULL, "--filter", &v, &missing)) {
		if (v)
			c->filters[c->nfilters++] = v;
	} else if (option_arg(argc, argv, i, NULL, "--lint-config", &v, &missing)) {
		c->lint_config = v;
	} else if (option_arg(argc, argv, i, NULL, "--fail-on", &v, &missing)) {
		if (v && strcmp(v, "error") && strcmp(v, "warning"))
			return cli_usage_error("--fail-on must be error or warning, not '%s'", v);
		c->fail_on = v;
	} else if (option_arg(argc, argv, i, NULL, "--max-rule-size", &v, &missing)) {
		status = v ? parse_size(c, v) : 0;
	} else if ((!strcmp(c->command, "build") || !strcmp(c->command, "check")) &&
		   option_arg(argc, argv, i, NULL, "--project", &v, &missing)) {
		c->project = v;
	} else if (option_arg(argc, argv, i, NULL, "--templates", &v, &missing)) {
		c->templates = v;
	} else if (option_arg(argc, argv, i, NULL, "--unmapped", &v, &missing) ||
		   option_arg(argc, argv, i, NULL, "--undefined-placeholder", &v, &missing) ||
		   option_arg(argc, argv, i, NULL, "--diagnostics", &v, &missing)) {
		status = v ? parse_mode(c, a, v) : 0;
	} else {
		return -1;
	}
	if (missing)
		return cli_usage_error("option '%s' needs a value", a);
	return status;
}

static int
unknown_option(const char *a)
{
	static const char *const names[] = {
		"--target", "--pipeline", "--without-pipeline", "--vars", "--unmapped",
		"--undefined-placeholder", "--format", "--backend-option", "--compact",
		"--json-indent", "--output", "--file-pattern", "--templates", "--diagnostics",
		"--skip-unsupported", "--fail-unsupported", "--check", "--help", "--version",
		"--lint-config", "--fail-on", "--follow-symlinks", "--max-rule-size", "--test",
		"--filter", "--project", "--rebuild", "--query-beside",
	};
	const char *near = suggest_closest(a, strcspn(a, "="), names,
					   (int)(sizeof(names) / sizeof(names[0])));
	if (near)
		return cli_usage_error("unknown option '%s'; did you mean '%s'?", a, near);
	return cli_usage_error("unknown option '%s'", a);
}

int
cli_parse(struct cli *c, int argc, char **argv)
{
	c->json_indent = -1;
	c->vars = mem_calloc((size_t)argc, sizeof(*c->vars));
	c->filters = mem_calloc((size_t)argc, sizeof(*c->filters));
	c->paths = mem_calloc((size_t)argc, sizeof(*c->paths));
	c->pipelines = mem_calloc((size_t)argc, sizeof(*c->pipelines));
	c->s.opts.backend_opts = mem_calloc((size_t)argc, sizeof(*c->s.opts.backend_opts));
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			cli_usage(c->command, stdout);
			exit(0);
		} else if (!strcmp(a, "--version")) {
			printf("sigmacc %s\n", SIGMACC_VERSION);
			exit(0);
		} else if (parse_flag(c, a)) {
			continue;
		}
		int st = parse_valued(c, argc, argv, &i);
		if (st > 0)
			return st;
		if (st == 0)
			continue;
		if (a[0] == '-' && a[1])
			return unknown_option(a);
		c->paths[c->npaths++] = a;
	}
	return 0;
}

void
cli_free(struct cli *c)
{
	free(c->vars);
	free(c->filters);
	free(c->paths);
	free(c->pipelines);
	free(c->s.opts.backend_opts);
}

const struct backend *
cli_backend(const char *name)
{
	for (int i = 0; backends[i]; i++) {
		const struct backend *be = backends[i];
		if (!strcmp(be->name, name))
			return be;
		for (int k = 0; be->aliases && be->aliases[k]; k++)
			if (!strcmp(be->aliases[k], name))
				return be;
	}
	return NULL;
}

/* ", did you mean 'X'?" when near is not NULL, else "". */
static const char *
did_you_mean(char *buf, size_t size, const char *near)
{
	if (!near)
		return "";
	snprintf(buf, size, "; did you mean '%s'?", near);
	return buf;
}

static int
unknown_target(const char *name)
{
	const char *names[64];
	int n = 0;
	for (int i = 0; backends[i]; i++) {
		names[n++] = backends[i]->name;
		for (int k = 0; backends[i]->aliases && backends[i]->aliases[k] && n < 64; k++)
			names[n++] = backends[i]->aliases[k];
	}
	char hint[96];
	cli_usage_error("unknown target '%s' (see 'sigmacc list targets')%s", name,
			did_you_mean(hint, sizeof(hint), suggest_closest(name, strlen(name), names, n)));
	return -1;
}

int
cli_targets(const char *list, const struct backend **targets)
{
	int n = 0;
	if (!list || !strcmp(list, "all")) {
		for (int i = 0; backends[i] && n < CLI_TARGETS_MAX; i++)
			targets[n++] = backends[i];
		return n;
	}
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		struct buf name = {0};
		buf_putn(&name, p, len);
		const struct backend *be = len ? cli_backend(name.data) : NULL;
		if (!be) {
			unknown_target(name.data ? name.data : "");
			buf_free(&name);
			return -1;
		}
		buf_free(&name);
		bool dup = false;
		for (int i = 0; i < n; i++)
			dup |= targets[i] == be;
		if (!dup && n < CLI_TARGETS_MAX)
			targets[n++] = be;
		p += len + (p[len] == ',');
	}
	if (n == 0)
		return unknown_target(list);
	return n;
}

const struct backend_option cli_pipeline_options[] = {
	{"unconfirmed", "true|false", "false",
	 "serve the pipeline entries no vendor source confirms, each with a warning"},
	{NULL, NULL, NULL, NULL},
};

/* Appends the -O keys of be (its own, the pipelines', then its formats') to names;
 * format[] says which format reads a key (NULL: the target itself). */
static void
option_names(struct cli *c, const struct backend *be, const char **names, const char **format,
	     int *n, int max)
{
	for (int k = 0; be->options && be->options[k].name && *n < max; k++) {
		format[*n] = NULL;
		names[(*n)++] = be->options[k].name;
	}
	for (int k = 0; cli_pipeline_options[k].name && *n < max; k++) {
		format[*n] = NULL;
		names[(*n)++] = cli_pipeline_options[k].name;
	}
	struct pathlist formats = {0};
	template_list(c->templates, be->name, &formats);
	for (int f = 0; f < formats.n; f++) {
		struct template *t = template_load(c->templates, be->name, formats.v[f]);
		/* the target's default format (YARA-L's rule) reads its options without -f */
		const char *fmt = backend_format(be, c->format);
		bool chosen = fmt && !strcmp(formats.v[f], fmt);
		for (unsigned k = 0; t && k < t->options_count && *n < max; k++) {
			/* the template is freed below: keep copies in the session's arena */
			format[*n] = chosen ? NULL : arena_strndup(&c->s.arena, formats.v[f],
								   strlen(formats.v[f]));
			names[(*n)++] = arena_strndup(&c->s.arena, t->options[k].name,
						      strlen(t->options[k].name));
		}
		template_free(t);
	}
	files_free(&formats);
}

/* Is the key kv[0..len) read with the chosen format? Else a usage error naming the format
 * that reads it: an option that would be ignored is a mistake worth stopping for. */
static bool
read_by_format(const struct cli *c, const char **names, const char **format, int n,
	       const char *kv, size_t len)
{
	struct buf readers = {0};
	int nreaders = 0;
	for (int k = 0; k < n; k++) {
		if (strlen(names[k]) != len || strncmp(names[k], kv, len))
			continue;
		if (!format[k] || (c->format && !strcmp(c->format, format[k]))) {
			buf_free(&readers);
			return true;
		}
		buf_printf(&readers, "%s%s", nreaders++ ? ", " : "", format[k]);
	}
	if (nreaders == 1)
		cli_usage_error("-O %.*s is read by format %s only (-f %s)", (int)len, kv,
				readers.data, readers.data);
	else
		cli_usage_error("-O %.*s is read by the formats %s only (-f FORMAT)", (int)len, kv,
				readers.data);
	buf_free(&readers);
	return false;
}

/* Is the value of kv outside the choices its option declares ("events|flows")? After a
 * usage error. Target -1 is the options of every target (cli_pipeline_options). */
static bool
bad_choice(const struct backend *const *targets, int n, const char *kv, size_t len)
{
	const char *value = kv + len + 1;
	for (int i = -1; i < n; i++) {
		const struct backend_option *opts = i < 0 ? cli_pipeline_options : targets[i]->options;
		for (const struct backend_option *o = opts; o && o->name; o++) {
			if (strlen(o->name) != len || strncmp(o->name, kv, len) || !strchr(o->type, '|'))
				continue;
			for (const char *p = o->type; *p;) {
				size_t k = strcspn(p, "|");
				if (strlen(value) == k && !strncmp(p, value, k))
					return false;
				p += k + (p[k] == '|');
			}
			cli_usage_error("-O %.*s must be %s, not '%s'", (int)len, kv, o->type, value);
			return true;
		}
	}
	return false;
}

bool
cli_check_options(struct cli *c, const struct backend *const *targets, int n)
{
	if (!c->s.opts.nbackend_opts)
		return true;
	const char *names[128], *format[128];
	int nnames = 0;
	for (int i = 0; i < n; i++)
		option_names(c, targets[i], names, format, &nnames, 128);
	for (int i = 0; i < c->s.opts.nbackend_opts; i++) {
		const char *kv = c->s.opts.backend_opts[i];
		size_t len = strcspn(kv, "=");
		bool known = false;
		for (int k = 0; k < nnames && !known; k++)
			known = strlen(names[k]) == len && !strncmp(names[k], kv, len);
		if (known && (!read_by_format(c, names, format, nnames, kv, len) ||
			      bad_choice(targets, n, kv, len)))
			return false;
		if (known)
			continue;
		struct buf valid = {0};
		for (int k = 0; k < nnames; k++) {	/* a name several formats read: once */
			bool seen = false;
			for (int j = 0; j < k && !seen; j++)
				seen = !strcmp(names[j], names[k]);
			if (!seen)
				buf_printf(&valid, "%s%s", valid.len ? ", " : "", names[k]);
		}
		char hint[96];
		const char *near = suggest_closest(kv, len, names, nnames);
		cli_usage_error("unknown option -O %.*s for %s%s (valid: %s)%s", (int)len, kv,
				n == 1 ? "target " : "targets ", n == 1 ? targets[0]->name : "these",
				nnames ? valid.data : "none", did_you_mean(hint, sizeof(hint), near));
		buf_free(&valid);
		return false;
	}
	return true;
}

int
cli_missing_default(struct cli *c, const struct backend *be)
{
	fprintf(stderr, "sigmacc: %s/formats/%s/%s.yml: target %s writes its rules with this "
		"format template, which cannot be loaded\n", c->templates, be->name, be->default_format,
		be->name);
	return 2;
}

int
cli_unknown_format(struct cli *c, const struct backend *be, const char *name)
{
	const char *names[64] = {"default"};
	int n = 1;
	for (int k = 0; be->formats && be->formats[k].name && n < 64; k++)
		names[n++] = be->formats[k].name;
	struct pathlist formats = {0};
	template_list(c->templates, be->name, &formats);
	for (int f = 0; f < formats.n && n < 64; f++)
		names[n++] = formats.v[f];
	char hint[96];
	cli_usage_error("unknown format '%s' for target %s (see 'sigmacc list formats %s')%s", name,
			be->name, be->name,
			did_you_mean(hint, sizeof(hint), suggest_closest(name, strlen(name), names, n)));
	files_free(&formats);
	return 2;
}
