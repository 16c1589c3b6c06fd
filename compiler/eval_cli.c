/*
 * eval_cli.c: `sigmacc test`. Two modes over the same evaluator:
 *   - test cases (the default): every rule file with a RULE.tests.yml beside
 *     it runs its cases; a case fails when the rule fires on a no_match event
 *     or stays quiet on a match event. Exit status 1 on any failure.
 *   - hunting (--events FILE): every rule runs on every event of the files;
 *     the report lists which rules fire on which events, with counts.
 */
#include "args.h"
#include "base.h"
#include "correlation.h"
#include "driver.h"
#include "eval.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_test[] =
	"usage: sigmacc test [OPTIONS] PATH...\n"
	"       sigmacc test --events FILE [OPTIONS] PATH...\n"
	"\n"
	"Runs each rule below PATH on the events of its test cases, the file\n"
	"RULE.tests.yml beside RULE.yml ('match' events the rule must fire on,\n"
	"'no_match' events it must not fire on; see README, \"Testing rules\").\n"
	"Reports per rule, with the search that decided each failed case and the\n"
	"value that matched. A correlation rule's cases are streams of timestamped\n"
	"events ('events:'); it fires when its condition holds in a sliding window.\n"
	"With --events, runs every rule on the events of FILE\n"
	"(JSON, a JSON array, NDJSON as .ndjson/.jsonl, or YAML) and lists which\n"
	"rules fire on which events.\n"
	"\n"
	"Options:\n"
	"      --events FILE        hunt: run every rule on these events (repeatable)\n"
	"      --vars FILE          load %placeholder% value lists (repeatable)\n"
	"      --time-field NAME    the field that holds an event's time, for\n"
	"                           correlations (default: the first present of\n"
	"                           @timestamp, timestamp, UtcTime, TimeCreated,\n"
	"                           SystemTime)\n"
	"      --undefined-placeholder=MODE\n"
	"                           error (default) or wildcard\n"
	"  -f, --format FORM        text (default), tap, junit or json (one object per\n"
	"                           case, or per rule and event when hunting)\n"
	"  -o, --output FILE        write the report to FILE (atomically)\n"
	"      --templates DIR      where events/logsources.yml lives (default: the\n"
	"                           build's templates/ directory, or $SIGMACC_TEMPLATES)\n"
	"      --diagnostics=FORM   human (default), json or github: also report each\n"
	"                           failed case in that form on stderr (github:\n"
	"                           workflow annotations at the case)\n"
	"\n"
	"The evaluator follows Sigma's semantics for every target. When hunting, an\n"
	"event of a log source templates/events/logsources.yml describes (Sysmon event\n"
	"IDs, auditd records) reaches only the rules of that source; other events reach\n"
	"every rule. Test cases always reach their rule.\n"
	"Exit status: 0 every case passed (or hunting finished), 1 a case failed, a\n"
	"rule, tests or events file could not be read or no test case was found, 2 on\n"
	"a usage error.\n";

struct tcli {
	const char **paths, **events, **vars;
	int npaths, nevents, nvars;
	const char *output;
	const char *time_field;	/* --time-field: where events keep their time */
	bool diag_explicit;	/* --diagnostics: failed cases also as diagnostics on stderr */
	struct session s;	/* for its options, arena and diagnostics form */
	struct report report;
	const char *templates;
	bool gate;		/* build --test: the report on stderr, and only on failure */
};

static int
test_usage(const char *fmt, const char *arg)
{
	return usage_fail("sigmacc test --help", fmt, arg);
}

/* --name VALUE, --name=VALUE or -x VALUE (short may be NULL); NULL if it is none of them. */
static const char *
value_of(int argc, char **argv, int *i, const char *shortname, const char *longname,
	 bool *missing)
{
	const char *v = NULL;
	return option_value(argc, argv, i, shortname, longname, &v, missing) ? v : NULL;
}

static int
set_choice(const char *v, const char *const *names, int *out, const char *what)
{
	for (int k = 0; names[k]; k++)
		if (!strcmp(v, names[k])) {
			*out = k;
			return 0;
		}
	return test_usage(what, v);
}

static int
parse_test_args(struct tcli *c, int argc, char **argv)
{
	static const char *const formats[] = {"text", "tap", "junit", "json", NULL};
	static const char *const diags[] = {"human", "json", "github", NULL};
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		int k = 0, st = 0;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_test, stdout);
			exit(0);
		} else if ((v = value_of(argc, argv, &i, NULL, "--events", &missing))) {
			c->events[c->nevents++] = v;
		} else if ((v = value_of(argc, argv, &i, NULL, "--time-field", &missing))) {
			c->time_field = v;
		} else if ((v = value_of(argc, argv, &i, NULL, "--templates", &missing))) {
			c->templates = v;
		} else if ((v = value_of(argc, argv, &i, NULL, "--vars", &missing))) {
			c->vars[c->nvars++] = v;
		} else if ((v = value_of(argc, argv, &i, "-o", "--output", &missing))) {
			c->output = strcmp(v, "-") ? v : NULL;
		} else if ((v = value_of(argc, argv, &i, "-f", "--format", &missing))) {
			st = set_choice(v, formats, &k, "--format must be text, tap, junit or json, not '%s'");
			c->report.format = (enum report_format)k;
		} else if ((v = value_of(argc, argv, &i, NULL, "--diagnostics", &missing))) {
			st = set_choice(v, diags, &k, "--diagnostics must be human, json or github, not '%s'");
			c->s.diagfmt = (enum diag_format)k;
			c->diag_explicit = true;
		} else if ((v = value_of(argc, argv, &i, NULL, "--undefined-placeholder", &missing))) {
			if (strcmp(v, "error") && strcmp(v, "wildcard"))
				return test_usage("--undefined-placeholder must be error or wildcard, not '%s'", v);
			c->s.opts.placeholder_wildcard = !strcmp(v, "wildcard");
		} else if (missing) {
			return test_usage("option '%s' needs a value", a);
		} else if (a[0] == '-' && a[1]) {
			return test_usage("unknown option '%s'", a);
		} else {
			c->paths[c->npaths++] = a;
		}
		if (missing)
			return test_usage("option '%s' needs a value", a);
		if (st)
			return st;
	}
	if (!c->npaths)
		return test_usage("%s", "test needs at least one PATH");
	return 0;
}

bool
eval_read(struct diag *d, const char *path, struct source *src)
{
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	*src = (struct source){path, text, len};
	if (!text)
		return diag_error(d, (struct pos){path, 0, 0}, "cannot read file: %s", why);
	return true;
}

/* The first flag column whose value the case does not expect: the message, or NULL. */
static const char *
flag_mismatch(struct arena *a, const struct eval_rule *er, const struct test_case *tc,
	      unsigned flags)
{
	for (int k = 0; k < tc->nflags; k++) {
		int i = 0;
		while (i < er->nflags && strcmp(er->flags[i].name, tc->flags[k].name))
			i++;
		if (i == er->nflags)
			return arena_printf(a, "the rule has no flag column '%s'", tc->flags[k].name);
		if (((flags >> i) & 1) != tc->flags[k].want)
			return arena_printf(a, "flag column %s is %s, the case expects %s",
					    tc->flags[k].name, tc->flags[k].want ? "false" : "true",
					    tc->flags[k].want ? "true" : "false");
	}
	return NULL;
}

/* Does want (a `rule:` of the tests file or a case) name this rule or
 * correlation, by id or name? No want: every one. */
static bool
selected(const char *want, const char *id, const char *name)
{
	return !want || (id && !strcmp(want, id)) || (name && !strcmp(want, name));
}

/* A case result's failure text, and its diagnostic with --diagnostics. */
static void
finish_case(struct tcli *c, struct diag *d, const struct test_case *tc, struct result *res,
	    const char *flags)
{
	struct arena *a = &c->s.arena;
	res->pass = res->verdict.fired == tc->want && !flags;
	if (!res->pass) {
		if (res->verdict.fired != tc->want)
			res->detail = arena_printf(a, "the %s %s: %s",
						   tc->events ? "correlation" : "rule",
						   tc->want ? "did not fire" : "fired", res->verdict.why);
		else
			res->detail = flags;
		if (c->diag_explicit)
			diag_error(d, tc->pos, "%s case '%s': %s", tc->want ? "match" : "no_match",
				   tc->reason, res->detail);
	}
	report_add(&c->report, res);
}

static void
run_cases(struct tcli *c, struct diag *d, struct eval_rule *er, const char *path,
	  const struct test_file *tf, bool *reached)
{
	struct arena *a = &c->s.arena;
	for (int k = 0; k < tf->ncases; k++) {
		const struct test_case *tc = &tf->cases[k];
		if (tc->events || !selected(tc->rule, er->rule->id, er->rule->name))
			continue;	/* a correlation's stream, or another rule's case */
		reached[k] = true;
		struct result res = {.rule_path = path, .rule_title = er->rule->title,
				     .rule_id = er->rule->id, .name = tc->reason,
				     .event_index = tc->event.index, .want = tc->want, .pos = tc->pos,
				     .flag_names = eval_flag_names(a, er)};
		evalrule_run(a, er, &tc->event, &res.verdict, true);
		finish_case(c, d, tc, &res, flag_mismatch(a, er, tc, res.verdict.flags));
	}
}

/* A correlation on the stream of each of its cases; false when an event of
 * a stream has no readable time (an error at the event). */
static bool
run_streams(struct tcli *c, struct diag *d, struct corr_eval *ce, const char *path,
	    const struct test_file *tf, bool *reached)
{
	struct arena *a = &c->s.arena;
	bool ok = true;
	for (int k = 0; k < tf->ncases; k++) {
		const struct test_case *tc = &tf->cases[k];
		if (!tc->events || !selected(tc->rule, ce->c->id, ce->c->name))
			continue;
		reached[k] = true;
		const char *why;
		ce->nhits = ce->caphits = 0;
		ce->hits = NULL;
		ce->seq = 0;
		for (int i = 0; i < tc->nevents; i++)
			if (!corrval_feed(a, ce, &tc->events[i], NULL, &why)) {
				ok = diag_error(d, tc->events[i].pos, "event %d of the stream matches "
						"a rule of the correlation, but %s", i + 1, why);
				break;
			}
		if (!ok)
			break;
		struct corr_outcome out;
		corrval_finish(a, ce, &out);
		struct result res = {.rule_path = path, .rule_title = ce->c->title,
				     .rule_id = ce->c->id ? ce->c->id : ce->c->name,
				     .name = tc->reason, .want = tc->want, .pos = tc->pos,
				     .event_index = out.nfires ? out.fires[0].last->index : tc->nevents,
				     .verdict = {.fired = out.nfires > 0, .why = (char *)out.why}};
		finish_case(c, d, tc, &res, NULL);
	}
	return ok;
}

/* Every case must have run: a rule's single event on a rule, a stream on a
 * correlation. */
static bool
check_reached(struct diag *d, const struct test_file *tf, const char *path, const bool *reached)
{
	for (int k = 0; k < tf->ncases; k++) {
		const struct test_case *tc = &tf->cases[k];
		const char *which = tc->rule ? tc->rule : tf->rule_id;
		if (reached[k])
			continue;
		if (tc->events)
			return diag_error(d, tc->pos, "this case is a stream of events ('events'), but "
					  "no correlation of %s%s%s is tested", path,
					  which ? " named " : "", which ? which : "");
		return diag_error(d, tc->pos, "this case is one event ('event'), but no rule of "
				  "%s%s%s is tested alone (a correlation's base rules are, with "
				  "generate: true or when named by rule:)", path,
				  which ? " named " : "", which ? which : "");
	}
	return true;
}

/* Does a case of tf name r (which then is tested alone)? */
static bool
named_by_case(const struct test_file *tf, const struct rule *r)
{
	for (int k = 0; k < tf->ncases; k++)
		if (tf->cases[k].rule && selected(tf->cases[k].rule, r->id, r->name))
			return true;
	return false;
}

/* The rules and correlations of one file against its test cases. */
static bool
test_file(struct tcli *c, const char *path, struct buf *err)
{
	struct arena *a = &c->s.arena;
	arena_reset(a);
	struct source src, tsrc = {0};
	struct diag d = {.src = &src}, td = {.src = &tsrc};
	struct rule **rules;
	struct ynode **docs;
	struct correlation **cors = NULL;
	int nrules = 0, ndocs = 0, ncors = 0, used = 0;
	struct test_file tf = {0};
	char *tpath = cases_path(path);
	bool have_cases = tpath && access(tpath, F_OK) == 0;
	if (!have_cases) {	/* checking it is `sigmacc check`'s work */
		free(tpath);
		return true;
	}
	bool ok = eval_read(&d, path, &src) &&
		  rule_load_docs(a, &d, &src, &rules, &nrules, &docs, &ndocs) &&
		  corr_load(a, &d, NULL, path, docs, ndocs, rules, nrules, &cors, &ncors);
	if (ok)
		ok = eval_read(&td, tpath, &tsrc) && cases_load(a, &td, &tsrc, &tf);
	bool *reached = arena_alloc(a, sizeof(bool) * (size_t)(tf.ncases + 1));
	for (int i = 0; ok && i < nrules; i++) {
		struct eval_rule er;
		/* a correlation's base rule alone is no detection, unless asked for by name */
		if (!selected(tf.rule_id, rules[i]->id, rules[i]->name) ||
		    (!tf.rule_id && corr_hides(cors, ncors, rules[i]) &&
		     !named_by_case(&tf, rules[i])))
			continue;
		used++;
		d.context = rule_context(a, rules[i]);
		if (!evalrule_build(a, &d, rules[i], &c->s.opts, &er)) {
			ok = false;
			continue;
		}
		run_cases(c, &td, &er, path, &tf, reached);
	}
	for (int i = 0; ok && i < ncors; i++) {
		struct corr_eval ce;
		if (!selected(tf.rule_id, cors[i]->id, cors[i]->name))
			continue;
		used++;
		d.context = arena_printf(a, "correlation '%s': ", cors[i]->title);
		ok = corrval_build(a, &d, cors[i], &c->s.opts, c->time_field, &ce) &&
		     run_streams(c, &td, &ce, path, &tf, reached);
	}
	if (ok && !used && tf.rule_id)
		ok = diag_error(&td, (struct pos){tpath, 1, 1}, "no rule of %s has the id or name "
				"'%s'", path, tf.rule_id);
	else if (ok)
		ok = check_reached(&td, &tf, path, reached);
	d.context = NULL;
	driver_render(&c->s, &d, err);
	driver_render(&c->s, &td, err);
	ok = ok && !td.nerrors;
	diag_clear(&d);
	diag_clear(&td);
	free((char *)src.text);
	free((char *)tsrc.text);
	free(tpath);
	return ok;
}

static int
run_tests(struct tcli *c)
{
	struct pathlist files = {0};
	struct buf err = {0}, out = {0};
	int status = 0;
	for (int i = 0; i < c->npaths; i++)
		if (!files_expand(&files, c->paths[i], &err))
			status = 1;
	if (c->nevents && !hunt_run(&c->s, c->templates, &files, c->events, c->nevents, c->time_field,
				    &c->report, &err))
		status = 1;
	for (int i = 0; !c->nevents && i < files.n; i++)
		if (!test_file(c, files.v[i], &err))
			status = 1;
	if (!c->nevents && !c->gate && !c->report.n && !status) {
		buf_puts(&err, "sigmacc: no test cases (RULE.tests.yml beside RULE.yml) below the "
			 "given paths\n");
		status = 1;
	}
	fputs(err.data ? err.data : "", stderr);
	report_write(&c->report, &out);
	if (c->report.failed)
		status = 1;
	const char *why;
	if (c->gate || !c->output)	/* a passing gate stays quiet */
		fputs(out.data && (!c->gate || status) ? out.data : "", c->gate ? stderr : stdout);
	else if (!files_write_atomic(c->output, out.data ? out.data : "", out.len, &why)) {
		fprintf(stderr, "sigmacc: %s: cannot write: %s\n", c->output, why);
		status = 1;
	}
	files_free(&files);
	buf_free(&err);
	buf_free(&out);
	return status;
}

int
eval_gate(const char *const *paths, int npaths, const struct options *opts,
	  enum diag_format diagfmt)
{
	struct tcli c = {.paths = (const char **)paths, .npaths = npaths, .gate = true};
	c.s.opts = *opts;
	c.s.opts.pipeline = NULL;
	c.s.diagfmt = diagfmt;
	int status = run_tests(&c);
	report_free(&c.report);
	arena_free(&c.s.arena);
	return status;
}

int
eval_command(int argc, char **argv, const char *templates)
{
	struct tcli c = {.templates = templates};
	c.paths = mem_calloc((size_t)argc, sizeof(*c.paths));
	c.events = mem_calloc((size_t)argc, sizeof(*c.events));
	c.vars = mem_calloc((size_t)argc, sizeof(*c.vars));
	struct vars vars = {0};
	/* events files are logs: they may be as large as any input is allowed to be */
	files_configure(FILES_MAX_CEILING, false);
	int status = parse_test_args(&c, argc, argv);
	if (!status && !vars_load_files(&vars, c.vars, c.nvars))
		status = 2;
	c.s.opts.vars = &vars;
	c.s.opts.target = "test";
	if (!status)
		status = run_tests(&c);
	report_free(&c.report);
	arena_free(&c.s.arena);
	vars_free(&vars);
	free(c.paths);
	free(c.events);
	free(c.vars);
	return status;
}
