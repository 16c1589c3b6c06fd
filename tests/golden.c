/*
 * golden.c: the golden-file runner. Run from the source root, it compiles
 * every rule of rules/ and tests/constructs/ and compares the bytes with
 *
 *   tests/golden/<target>/<rule>.<ext>   the query of every target in backends[],
 *                                        or <rule>.err where the target refuses it
 *   tests/golden/ir/<rule>.ir            the normalised IR (no pipeline)
 *   tests/golden/errors/<case>.err       the diagnostics of tests/bad/<case>.yml
 *   tests/golden/formats/<target>-<format>/<rule>.<ext>
 *                                        every other output format, for rules/
 *
 * and prints TAP. A new case is a new file pair, no build edit. With
 * --update (one suite) or --update-all it rewrites the expected files
 * instead: review the change with git diff.
 *
 *   golden --suite kql|ir|errors|formats [--update]
 *   golden --update-all
 */
#include "driver.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const rule_dirs[] = {"rules", "tests/constructs", NULL};
static const char *const bad_dirs[] = {"tests/bad", NULL};
static const char *const var_files[] = {"rules/web_service.vars.yml",
					"tests/constructs/constructs.vars.yml", NULL};

static int failures;

static void
first_difference(const char *want, size_t wlen, const char *got, size_t glen)
{
	size_t line = 1, i = 0;
	while (i < wlen && i < glen && want[i] == got[i]) {
		if (want[i] == '\n')
			line++;
		i++;
	}
	while (i > 0 && want[i - 1] != '\n' && i <= wlen && i <= glen)
		i--;
	const char *we = memchr(want + i, '\n', wlen - i), *ge = memchr(got + i, '\n', glen - i);
	int wl = (int)((we ? we : want + wlen) - (want + i));
	int gl = (int)((ge ? ge : got + glen) - (got + i));
	printf("#   line %zu\n#   want: %.*s\n#   got:  %.*s\n", line, wl, want + i, gl, got + i);
}

static void
comment(const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("#   %.*s\n", n, p);
		p = nl ? nl + 1 : NULL;
	}
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * Compiles one file and checks (or rewrites) its expected file: stem.EXT when
 * the rule compiles, stem.err (the exact diagnostics) when the target refuses
 * it. In the errors suite only stem.err is valid.
 */
static void
check_case(struct session *s, int num, const char *suite, const char *path, const char *stem,
	   const char *ext, bool errors_only, bool update)
{
	struct buf out = {0}, err = {0}, want_path = {0}, other = {0};
	bool ok = driver_file(s, path, &out, &err);
	bool want_failure = errors_only;
	buf_printf(&want_path, "%s.%s", stem, errors_only ? "err" : ext);
	buf_printf(&other, "%s.err", stem);
	if (!errors_only && !update && !exists(want_path.data) && exists(other.data)) {
		want_failure = true;
		buf_clear(&want_path);
		buf_puts(&want_path, other.data);
	}
	if (update && !errors_only && !ok) {
		want_failure = true;
		unlink(want_path.data);
		buf_clear(&want_path);
		buf_puts(&want_path, other.data);
	} else if (update && !errors_only) {
		unlink(other.data);
	}
	const struct buf *got = want_failure ? &err : &out;
	const char *expect = want_path.data;
	const char *problem = NULL;
	if (ok == want_failure)
		problem = want_failure ? "the rule compiled but must fail" : "the rule failed";
	if (!problem && update) {
		const char *why;
		char *dir = strdup(expect);	/* mkdir -p of its directory */
		for (char *sl = strchr(dir, '/'); sl; sl = strchr(sl + 1, '/')) {
			*sl = '\0';
			mkdir(dir, 0777);
			*sl = '/';
		}
		free(dir);
		if (!files_write_atomic(expect, got->data ? got->data : "", got->len, &why))
			problem = why;
	}
	size_t wlen = 0;
	const char *why;
	char *want = problem || update ? NULL : files_read(expect, &wlen, &why);
	if (!problem && !update && !want)
		problem = "no expected file (run ./build.sh update-golden and review it)";
	if (!problem && want && (wlen != got->len || memcmp(want, got->data, wlen)))
		problem = "output differs";
	if (problem) {
		failures++;
		printf("not ok %d - %s/%s\n#   %s (%s)\n", num, suite, path, problem, expect);
		if (want && !strcmp(problem, "output differs"))
			first_difference(want, wlen, got->data ? got->data : "", got->len);
		else if (!want_failure || ok)
			comment(err.data);
	} else {
		printf("ok %d - %s/%s\n", num, suite, path);
	}
	free(want);
	buf_free(&out);
	buf_free(&err);
	buf_free(&want_path);
	buf_free(&other);
}

static const char *
base_name(const char *path, struct buf *b)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	buf_clear(b);
	buf_putn(b, name, strcspn(name, "."));
	return b->data;
}

static bool
load_vars(struct vars *v)
{
	for (int i = 0; var_files[i]; i++) {
		size_t len;
		const char *why;
		char *text = files_read(var_files[i], &len, &why);
		struct source src = {var_files[i], text, len};
		struct diag d = {.src = &src};
		bool ok = text && vars_load(v, &src, &d);
		if (!ok) {
			struct buf e = {0};
			diag_render(&d, &e);
			printf("Bail out! cannot load %s: %s\n", var_files[i], text ? e.data : why);
			buf_free(&e);
		}
		diag_clear(&d);
		free(text);
		if (!ok)
			return false;
	}
	return true;
}

struct format_case {
	const struct backend *be;
	char *format;	/* heap */
};

/* The -O options of a format's goldens: the KEY=VALUE lines of tests/golden/<label>/options
 * (a value only the user knows, such as a tenant id); none without the file. */
static char *
format_options(const char *label, const char **opts, int max, int *n)
{
	struct buf path = {0};
	buf_printf(&path, "tests/golden/%s/options", label);
	size_t len;
	const char *why;
	char *text = files_read(path.data, &len, &why);
	buf_free(&path);
	*n = 0;
	for (char *line = text, *nl; line && *line && *n < max; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		if (*line)
			opts[(*n)++] = line;
	}
	return text;
}

/* Every non-default format of every target, for the rules of rules/. */
static int
run_formats(bool update, const struct vars *vars)
{
	struct pathlist files = {0};
	struct buf err = {0}, name = {0}, stem = {0}, label = {0};
	files_expand(&files, "rules", &err);
	struct format_case cases[64];
	int ncases = 0;
	for (int t = 0; backends[t]; t++) {
		for (int k = 0; backends[t]->formats && backends[t]->formats[k].name && ncases < 64; k++)
			cases[ncases++] =
				(struct format_case){backends[t], strdup(backends[t]->formats[k].name)};
		struct pathlist names = {0};
		template_list("templates", backends[t]->name, &names);
		for (int k = 0; k < names.n && ncases < 64; k++)
			cases[ncases++] = (struct format_case){backends[t], strdup(names.v[k])};
		files_free(&names);
	}
	printf("1..%d\n", ncases * files.n);
	int num = 0;
	for (int c = 0; c < ncases; c++) {
		const struct backend *be = cases[c].be;
		struct pipeline *pl = pipeline_load("templates", be->default_pipeline);
		struct template *tpl = backend_has_format(be, cases[c].format) ? NULL :
				       template_load("templates", be->name, cases[c].format);
		struct session s = {.be = be, .product = PRODUCT_QUERY, .format = cases[c].format,
				    .tpl = tpl, .opts = {.target = be->name, .pipeline = pl, .vars = vars}};
		buf_clear(&label);
		buf_printf(&label, "formats/%s-%s", be->name, cases[c].format);
		const char *opts[8];
		char *opts_text = format_options(label.data, opts, 8, &s.opts.nbackend_opts);
		s.opts.backend_opts = opts;
		for (int i = 0; i < files.n; i++) {
			buf_clear(&stem);
			buf_printf(&stem, "tests/golden/%s/%s", label.data, base_name(files.v[i], &name));
			check_case(&s, ++num, label.data, files.v[i], stem.data, tpl ? tpl->ext : be->ext,
				   false, update);
		}
		template_free(tpl);
		pipeline_free(pl);
		arena_free(&s.arena);
		free(opts_text);
		free(cases[c].format);
	}
	files_free(&files);
	buf_free(&err);
	buf_free(&name);
	buf_free(&stem);
	buf_free(&label);
	return 0;
}

static int
run_suite(const char *suite, bool update, const struct vars *vars)
{
	if (!strcmp(suite, "formats"))
		return run_formats(update, vars);
	struct session s = {.opts = {.vars = vars}};
	const char *const *dirs = rule_dirs;
	const char *ext;
	bool want_failure = false;
	struct pipeline *pl = NULL;
	struct template *tpl = NULL;
	if (!strcmp(suite, "ir")) {
		s.product = PRODUCT_IR;
		s.opts.target = "none";
		ext = "ir";
	} else if (!strcmp(suite, "errors")) {
		s.product = PRODUCT_QUERY;
		s.be = &backend_kql;
		dirs = bad_dirs;
		ext = "err";
		want_failure = true;
	} else if ((s.be = backend_find(suite))) {
		s.product = PRODUCT_QUERY;
		ext = s.be->ext;
	} else {
		printf("Bail out! unknown suite '%s'\n", suite);
		return 2;
	}
	if (s.be) {
		s.opts.target = s.be->name;
		if (!(pl = pipeline_load("templates", s.be->default_pipeline))) {
			printf("Bail out! cannot load pipeline %s\n", s.be->default_pipeline);
			return 2;
		}
		s.opts.pipeline = pl;
		/* without -f a target writes its default format, as the command line does */
		if (s.be->default_format &&
		    !(s.tpl = tpl = template_load("templates", s.be->name, s.be->default_format))) {
			printf("Bail out! cannot load format %s\n", s.be->default_format);
			pipeline_free(pl);
			return 2;
		}
	}
	struct pathlist files = {0};
	struct buf err = {0}, name = {0}, expect = {0};
	for (int i = 0; dirs[i]; i++)
		files_expand(&files, dirs[i], &err);
	printf("1..%d\n", files.n);
	for (int i = 0; i < files.n; i++) {
		buf_clear(&expect);
		buf_printf(&expect, "tests/golden/%s/%s", suite, base_name(files.v[i], &name));
		check_case(&s, i + 1, suite, files.v[i], expect.data, ext, want_failure, update);
	}
	files_free(&files);
	buf_free(&err);
	buf_free(&name);
	buf_free(&expect);
	pipeline_free(pl);
	template_free(tpl);
	arena_free(&s.arena);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *suite = NULL;
	bool update = false, all = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--suite") && i + 1 < argc)
			suite = argv[++i];
		else if (!strcmp(argv[i], "--update"))
			update = true;
		else if (!strcmp(argv[i], "--update-all"))
			all = update = true;
		else {
			fprintf(stderr, "usage: golden --suite TARGET|ir|errors|formats [--update] | "
				"--update-all\n");
			return 2;
		}
	}
	if (!suite && !all) {
		fprintf(stderr, "usage: golden --suite kql|ir|errors [--update] | --update-all\n");
		return 2;
	}
	struct vars vars = {0};
	if (!load_vars(&vars))
		return 2;
	int status = 0;
	if (all) {
		for (int i = 0; backends[i] && !status; i++)
			status = run_suite(backends[i]->name, true, &vars);
		if (!status)
			status = run_suite("ir", true, &vars);
		if (!status)
			status = run_suite("errors", true, &vars);
		if (!status)
			status = run_suite("formats", true, &vars);
	} else {
		status = run_suite(suite, update, &vars);
	}
	vars_free(&vars);
	/* TAP: failures are "not ok" lines; a non-zero exit means the runner broke */
	return status;
}
