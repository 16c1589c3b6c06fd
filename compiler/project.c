/*
 * project.c: sigmacc.yml, the project file of a rule repository (loaded with
 * libcyaml; docs/project.md is its reference). It names what `sigmacc build`
 * and `sigmacc build --check` do without arguments:
 *
 *   rules: [rules]                      # rule files and folders
 *   vars: [rules/web_service.vars.yml]  # optional; default: *.vars.yml below rules
 *   filters: [filters]                  # optional; Sigma meta filters (filter.c)
 *   output_dir: generated
 *   outputs:
 *     - name: sentinel                  # also the directory below output_dir ...
 *       dir: kql-sentinel               # ... unless dir says another
 *       target: kql
 *       format: sentinel-rule           # optional; default: the bare query
 *       pipelines: [defender_xdr, pipelines/local.yml]   # stacked, in order
 *       options: [kql-x=y]              # -O KEY=VALUE
 *       rules: [rules/windows]          # optional: only these rules or folders
 *       exclude: [rules/windows/old]    # optional: not these
 *       query_beside: true              # optional: the bare query beside each file
 *   expected_refusals:
 *     - {rule: rules/x.yml, output: aql, reason: no such events in QRadar}
 *   scoping:                            # rules or folders for some outputs or targets
 *     - {rules: [rules/linux], only: [spl, kql]}
 *     - {rules: [rules/legacy], except: [aql]}
 *
 * Every mistake is an error naming the file and the entry: a typo must not
 * silently build something else.
 */
#include "project.h"
#include "cli.h"
#include "config.h"
#include "files.h"
#include "manifest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* severity: a Sigma level -> the vendor's severity, for the levels it names */
struct pf_levels {
	char *informational, *low, *medium, *high, *critical;
};

struct pf_output {
	char *name, *target, *format, *dir;
	char *interval, *lookback, *level, *enabled;	/* the -O options of the same names */
	struct pf_levels *severity;	/* -O severity=LEVEL:VALUE,... */
	char **pipelines, **options, **rules, **exclude;
	unsigned pipelines_count, options_count, rules_count, exclude_count;
	bool query_beside;	/* the bare query beside each file of a wrapping format */
};

struct pf_refusal {
	char *rule, *output, *reason;
};

struct pf_scope {
	char **rules, **only, **except;
	unsigned rules_count, only_count, except_count;
};

struct pf_project {
	char **rules, **vars, **filters;
	unsigned rules_count, vars_count, filters_count;
	char *output_dir;
	struct pf_output *outputs;
	unsigned outputs_count;
	struct pf_refusal *expected_refusals;
	unsigned expected_refusals_count;
	struct pf_scope *scoping;
	unsigned scoping_count;
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

#define STR(key, st, m) CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER, st, m, 1, CYAML_UNLIMITED)
#define OPT_STR(key, st, m) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, st, m, 1, CYAML_UNLIMITED)
#define LIST(key, st, m, min) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | ((min) ? 0 : CYAML_FLAG_OPTIONAL), st, m, \
			     &string_entry, min, CYAML_UNLIMITED)

static const cyaml_schema_field_t levels_fields[] = {
	OPT_STR("informational", struct pf_levels, informational),
	OPT_STR("low", struct pf_levels, low),
	OPT_STR("medium", struct pf_levels, medium),
	OPT_STR("high", struct pf_levels, high),
	OPT_STR("critical", struct pf_levels, critical),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t output_fields[] = {
	STR("name", struct pf_output, name),
	STR("target", struct pf_output, target),
	OPT_STR("format", struct pf_output, format),
	OPT_STR("dir", struct pf_output, dir),
	OPT_STR("interval", struct pf_output, interval),
	OPT_STR("lookback", struct pf_output, lookback),
	OPT_STR("level", struct pf_output, level),
	OPT_STR("enabled", struct pf_output, enabled),
	CYAML_FIELD_MAPPING_PTR("severity", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct pf_output,
				severity, levels_fields),
	LIST("pipelines", struct pf_output, pipelines, 0),
	LIST("options", struct pf_output, options, 0),
	LIST("rules", struct pf_output, rules, 0),
	LIST("exclude", struct pf_output, exclude, 0),
	CYAML_FIELD_BOOL("query_beside", CYAML_FLAG_OPTIONAL, struct pf_output, query_beside),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t output_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pf_output, output_fields),
};

static const cyaml_schema_field_t refusal_fields[] = {
	STR("rule", struct pf_refusal, rule),
	STR("output", struct pf_refusal, output),
	OPT_STR("reason", struct pf_refusal, reason),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t refusal_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pf_refusal, refusal_fields),
};

static const cyaml_schema_field_t scope_fields[] = {
	LIST("rules", struct pf_scope, rules, 1),
	LIST("only", struct pf_scope, only, 0),
	LIST("except", struct pf_scope, except, 0),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t scope_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pf_scope, scope_fields),
};

static const cyaml_schema_field_t project_fields[] = {
	LIST("rules", struct pf_project, rules, 1),
	LIST("vars", struct pf_project, vars, 0),
	LIST("filters", struct pf_project, filters, 0),
	STR("output_dir", struct pf_project, output_dir),
	CYAML_FIELD_SEQUENCE("outputs", CYAML_FLAG_POINTER, struct pf_project, outputs,
			     &output_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("expected_refusals", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct pf_project, expected_refusals, &refusal_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("scoping", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct pf_project,
			     scoping, &scope_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t project_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct pf_project, project_fields),
};

bool
project_find(const char *given, struct buf *path)
{
	buf_clear(path);
	if (given) {
		buf_puts(path, given);
		return true;
	}
	struct stat st, root;
	if (stat("/", &root) != 0)
		return false;
	struct buf dir = {0};
	buf_puts(&dir, ".");
	bool found = false;
	for (int depth = 0; depth < 64 && !found; depth++) {
		buf_clear(path);
		buf_printf(path, "%s/" PROJECT_FILE, dir.data);
		found = stat(path->data, &st) == 0 && S_ISREG(st.st_mode);
		if (found || stat(dir.data, &st) != 0 || (st.st_dev == root.st_dev &&
							  st.st_ino == root.st_ino))
			break;
		buf_clear(&dir);
		for (int k = 0; k <= depth; k++)
			buf_puts(&dir, k ? "/.." : "..");
	}
	if (found && !strncmp(path->data, "./", 2)) {	/* messages name sigmacc.yml, not ./sigmacc.yml */
		struct buf plain = {0};
		buf_puts(&plain, path->data + 2);
		buf_free(path);
		*path = plain;
	}
	buf_free(&dir);
	return found;
}

/* A path of the project file, relative to the current directory. */
static const char *
resolve(struct project *p, const char *base, const char *path)
{
	if (*path == '/' || !*base)
		return arena_strndup(&p->arena, path, strlen(path));
	size_t n = strlen(base) + strlen(path) + 2;
	char *s = arena_alloc(&p->arena, n);
	snprintf(s, n, "%s/%s", base, path);
	return s;
}

/* resolve, written without "." components, repeated or trailing slashes: a
 * scoping or refusal path, which build compares with rule files' paths written
 * the same way ("./rules/a.yml" is below "rules/"). */
static const char *
resolve_path(struct project *p, const char *base, const char *path)
{
	char *clean = files_path_clean(resolve(p, base, path));
	const char *s = arena_strndup(&p->arena, clean, strlen(clean));
	free(clean);
	return s;
}

static const char **
resolve_all(struct project *p, const char *base, char **v, unsigned n, int *count)
{
	const char **out = arena_alloc(&p->arena, sizeof(*out) * (n + 1));
	for (unsigned i = 0; i < n; i++)
		out[i] = resolve_path(p, base, v[i]);
	*count = (int)n;
	return out;
}

/* "sigmacc: FILE: outputs[I] (NAME): MESSAGE"; returns false. */
static bool
fail(const struct project *p, const char *what, int i, const char *name, const char *msg,
     const char *arg)
{
	fprintf(stderr, "sigmacc: %s: %s[%d]", p->path, what, i);
	if (name)
		fprintf(stderr, " (%s)", name);
	fputs(": ", stderr);
	fprintf(stderr, msg, arg);
	fputc('\n', stderr);
	return false;
}

/* A pipeline entry: a path (it names a .yml file or a directory) relative to the
 * project file, else the name of one of sigmacc's pipelines. */
static const char *
pipeline_entry(struct project *p, const char *base, const char *name)
{
	size_t n = strlen(name);
	bool path = strchr(name, '/') || (n > 4 && !strcmp(name + n - 4, ".yml")) ||
		    (n > 5 && !strcmp(name + n - 5, ".yaml"));
	return path ? resolve(p, base, name) : arena_strndup(&p->arena, name, n);
}

bool
project_has_format(const struct backend *be, const char *templates, const char *format)
{
	if (backend_has_format(be, format))
		return true;
	struct template *t = template_load(templates, be->name, format);
	template_free(t);
	return t != NULL;
}

bool
project_wraps_query(const struct backend *be, const char *templates, const char *format)
{
	if (!format || backend_has_format(be, format))
		return false;
	struct template *t = template_load(templates, be->name, format);
	bool wraps = t && strcmp(t->ext, be->ext);
	template_free(t);
	return wraps;
}

/* The severity: mapping as the format's option, -O severity=LEVEL:VALUE,... (checked
 * by the format, template_maps.c), the levels in their order. */
static const char *
severity_option(struct project *p, const struct pf_levels *l)
{
	const char *levels[] = {"informational", "low", "medium", "high", "critical"},
		   *values[] = {l->informational, l->low, l->medium, l->high, l->critical};
	struct buf b = {0};
	buf_puts(&b, "severity=");
	for (int k = 0; k < 5; k++)
		if (values[k])
			buf_printf(&b, "%s%s:%s", b.len > 9 ? "," : "", levels[k], values[k]);
	const char *s = arena_strndup(&p->arena, b.data, b.len);
	buf_free(&b);
	return s;
}

static bool
load_output(struct project *p, const char *base, const struct pf_output *f, int i,
	    const char *templates)
{
	struct build_output *o = &p->outputs[i];
	o->name = arena_strndup(&p->arena, f->name, strlen(f->name));
	o->dir = f->dir ? arena_strndup(&p->arena, f->dir, strlen(f->dir)) : o->name;
	if (!manifest_safe_dir(o->name) || strchr(o->name, '/') || strlen(o->name) > 63)
		return fail(p, "outputs", i, NULL, "name '%s' must be at most 63 letters, digits, "
			    "'.', '_' or '-'", o->name);
	if (!manifest_safe_dir(o->dir))
		return fail(p, "outputs", i, o->name, "dir '%s' must be a relative path of letters, "
			    "digits, '.', '_', '-' and '/', without '.' or '..' components", o->dir);
	if (!strncmp(o->dir, ".sigmacc", 8))	/* the manifest, the lock, the temporaries */
		return fail(p, "outputs", i, o->name, "dir '%s' is sigmacc's own name in the output "
			    "directory", o->dir);
	if (!(o->be = cli_backend(f->target)))
		return fail(p, "outputs", i, o->name, "unknown target '%s' (see 'sigmacc list targets')",
			    f->target);
	if (f->format && !project_has_format(o->be, templates, f->format))
		return fail(p, "outputs", i, o->name, "unknown format '%s' (see 'sigmacc list formats')",
			    f->format);
	o->format = f->format ? arena_strndup(&p->arena, f->format, strlen(f->format)) : NULL;
	/* the bare query takes the target's extension: beside a file of another one */
	o->query_beside = f->query_beside;
	if (o->query_beside && !project_wraps_query(o->be, templates, o->format))
		return fail(p, "outputs", i, o->name, "query_beside needs a format that wraps the "
			    "query in a file of another extension than .%s", o->be->ext);
	const char **pl = arena_alloc(&p->arena, sizeof(*pl) * (f->pipelines_count + 1));
	for (unsigned k = 0; k < f->pipelines_count; k++)
		pl[k] = pipeline_entry(p, base, f->pipelines[k]);
	o->pipelines = pl;
	o->npipelines = (int)f->pipelines_count;
	o->opts = arena_alloc(&p->arena, sizeof(*o->opts) * (f->options_count + 6));
	for (unsigned k = 0; k < f->options_count; k++) {
		if (!strchr(f->options[k], '=') || *f->options[k] == '=')
			return fail(p, "outputs", i, o->name, "option '%s' must be KEY=VALUE",
				    f->options[k]);
		o->opts[o->nopts++] = arena_strndup(&p->arena, f->options[k], strlen(f->options[k]));
	}
	/* the schedule and severity keys are the format's options of the same names, which
	 * check them (template_schedule.c); after options, so they win */
	const char *keys[] = {"interval", "lookback", "level", "enabled"},
		   *values[] = {f->interval, f->lookback, f->level, f->enabled};
	for (int k = 0; k < 4; k++)
		if (values[k])
			o->opts[o->nopts++] = arena_printf(&p->arena, "%s=%s", keys[k], values[k]);
	if (f->severity)
		o->opts[o->nopts++] = severity_option(p, f->severity);
	o->include = resolve_all(p, base, f->rules, f->rules_count, &o->ninclude);
	o->exclude = resolve_all(p, base, f->exclude, f->exclude_count, &o->nexclude);
	return true;
}

/* Is one of the directories a, b equal to or below the other? */
static bool
nested(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), k = n < m ? n : m;
	return !strncmp(a, b, k) && (n == m || (n < m ? b[k] : a[k]) == '/');
}

/* Names and directories are unique, and no output writes into another's directory. */
static bool
check_outputs(const struct project *p)
{
	for (int i = 0; i < p->noutputs; i++)
		for (int k = 0; k < i; k++) {
			if (!strcmp(p->outputs[i].name, p->outputs[k].name))
				return fail(p, "outputs", i, NULL, "the name '%s' is taken by another "
					    "output", p->outputs[i].name);
			if (nested(p->outputs[i].dir, p->outputs[k].dir))
				return fail(p, "outputs", i, p->outputs[i].name, "its directory and "
					    "that of output %s are the same or one holds the other",
					    p->outputs[k].name);
		}
	return true;
}

/* Is name output k's name or target (k < 0: some output's)? */
static bool
names_output(const struct project *p, const char *name, int k)
{
	for (int i = k < 0 ? 0 : k; i < (k < 0 ? p->noutputs : k + 1); i++)
		if (!strcmp(name, p->outputs[i].name) || !strcmp(name, p->outputs[i].be->name))
			return true;
	return false;
}

/* An expected refusal: its rule (a path relative to the project file when one
 * exists there, else a rule id) and an output or target of the project. A rule
 * named by an earlier refusal (one of them, in seen) is not looked up again: a
 * project may declare a quarter of a million refusals, most rules for several
 * outputs. */
static bool
load_refusal(struct project *p, const char *base, const struct pf_refusal *f, int i,
	     struct arena *a, struct strmap *seen)
{
	struct build_refusal *r = &p->refusals[i];
	int same = strmap_put(a, seen, f->rule, strlen(f->rule), i);
	if (same >= 0) {
		r->path = p->refusals[same].path;
		r->rule = p->refusals[same].rule;
	} else {
		const char *path = resolve_path(p, base, f->rule);
		struct stat st;
		r->path = stat(path, &st) == 0;
		r->rule = r->path ? path : arena_strndup(&p->arena, f->rule, strlen(f->rule));
	}
	r->output = arena_strndup(&p->arena, f->output, strlen(f->output));
	r->reason = f->reason ? arena_strndup(&p->arena, f->reason, strlen(f->reason)) : NULL;
	if (!names_output(p, r->output, -1))
		return fail(p, "expected_refusals", i, f->rule, "'%s' is neither an output nor the "
			    "target of one", r->output);
	return true;
}

/* Appends the rules of a scoping entry to output o's exclude list. */
static void
exclude_more(struct project *p, const char *base, struct build_output *o, char **rules,
	     unsigned n)
{
	const char **v = arena_alloc(&p->arena, sizeof(*v) * ((size_t)o->nexclude + n + 1));
	memcpy(v, o->exclude, sizeof(*v) * (size_t)o->nexclude);
	for (unsigned i = 0; i < n; i++)
		v[o->nexclude + (int)i] = resolve_path(p, base, rules[i]);
	o->exclude = v;
	o->nexclude += (int)n;
}

/* A scoping entry: its rules only for the outputs (or targets) in only, or not
 * for those in except; both become exclude lists of the other outputs. */
static bool
load_scope(struct project *p, const char *base, const struct pf_scope *f, int i)
{
	if (!f->only_count == !f->except_count)
		return fail(p, "scoping", i, f->rules[0], "%s", "give either only or except");
	char **names = f->only_count ? f->only : f->except;
	unsigned n = f->only_count ? f->only_count : f->except_count;
	for (unsigned k = 0; k < n; k++)
		if (!names_output(p, names[k], -1))
			return fail(p, "scoping", i, f->rules[0], "'%s' is neither an output nor the "
				    "target of one", names[k]);
	for (int o = 0; o < p->noutputs; o++) {
		bool named = false;
		for (unsigned k = 0; k < n && !named; k++)
			named = names_output(p, names[k], o);
		if (named != (f->only_count > 0))
			exclude_more(p, base, &p->outputs[o], f->rules, f->rules_count);
	}
	return true;
}

/* libcyaml's messages, as config.c writes them, noting whether an unexpected key sat
 * directly under severity:, whose keys the message then lists. */
struct load_log {
	const char *path;
	int state;	/* 1: after an unexpected key; 2: it was under severity: */
};

static void
load_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	(void)level;
	struct load_log *l = ctx;
	char msg[512];
	va_list again;
	va_copy(again, args);
	vsnprintf(msg, sizeof(msg), fmt, args);
	config_say(l->path, fmt, again);
	va_end(again);
	if (strstr(msg, "Unexpected key"))
		l->state = 1;
	else if (l->state == 1 && strstr(msg, "in mapping field"))	/* the key's mapping */
		l->state = strstr(msg, "field 'severity'") ? 2 : 0;
}

bool
project_load(struct project *p, const char *path, const char *templates)
{
	*p = (struct project){.path = path};
	struct pf_project *f = NULL;
	struct load_log log = {path, 0};
	cyaml_config_t cfg = config_for(path);
	cfg.log_fn = load_log;
	cfg.log_ctx = &log;
	if (!config_scan(path, "the project file"))
		return false;
	cyaml_err_t e = cyaml_load_file(path, &cfg, &project_schema, (cyaml_data_t **)&f, NULL);
	if (e != CYAML_OK) {
		fprintf(stderr, "sigmacc: %s: %s\n", path, cyaml_strerror(e));
		if (log.state == 2)
			fprintf(stderr, "sigmacc: %s: the keys of severity: are the Sigma levels "
				"informational, low, medium, high and critical\n", path);
		return false;
	}
	const char *slash = strrchr(path, '/');
	char *base = arena_strndup(&p->arena, path, slash ? (size_t)(slash - path) : 0);
	if (slash && slash == path)
		base = "/";
	p->rules = resolve_all(p, base, f->rules, f->rules_count, &p->nrules);
	p->vars = resolve_all(p, base, f->vars, f->vars_count, &p->nvars);
	p->filters = resolve_all(p, base, f->filters, f->filters_count, &p->nfilters);
	p->outdir = resolve(p, base, f->output_dir);
	p->outputs = arena_alloc(&p->arena, sizeof(*p->outputs) * f->outputs_count);
	if (f->outputs_count > PROJECT_OUTPUTS_MAX) {
		fprintf(stderr, "sigmacc: %s: outputs: more than %d\n", path, PROJECT_OUTPUTS_MAX);
		cyaml_free(&cfg, &project_schema, f, 0);
		return false;
	}
	p->refusals = arena_alloc(&p->arena, sizeof(*p->refusals) * (f->expected_refusals_count + 1));
	bool ok = true;
	for (unsigned i = 0; i < f->outputs_count && ok; i++)
		ok = load_output(p, base, &f->outputs[i], (int)i, templates);
	p->noutputs = ok ? (int)f->outputs_count : 0;
	ok = ok && check_outputs(p);
	struct arena memo = {0};
	struct strmap seen = {0};
	for (unsigned i = 0; i < f->expected_refusals_count && ok; i++)
		ok = load_refusal(p, base, &f->expected_refusals[i], (int)i, &memo, &seen);
	arena_free(&memo);
	p->nrefusals = ok ? (int)f->expected_refusals_count : 0;
	refusal_index_build(&p->arena, &p->rindex, p->refusals, p->nrefusals);
	for (unsigned i = 0; i < f->scoping_count && ok; i++)
		ok = load_scope(p, base, &f->scoping[i], (int)i);
	cyaml_free(&cfg, &project_schema, f, 0);
	return ok;
}

void
project_free(struct project *p)
{
	arena_free(&p->arena);
	*p = (struct project){0};
}
