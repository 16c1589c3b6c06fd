/*
 * corpus.c: the SigmaHQ corpus test. Every rule must load and normalise;
 * then every target compiles every rule or fails with a reason, counted and
 * printed per reason; every KQL query goes through the project's KQL checker
 * (tests/kqlcheck) in one node process. Prints TAP lines for the reader and
 * exits 1 when one is "not ok".
 *
 *   corpus [--corpus DIR] [--kqlcheck SCRIPT] [--out DIR]
 *
 * The corpus (the rules/ folder of the SigmaHQ/sigma repository) is --corpus
 * or $SIGMACC_CORPUS; with neither the test is skipped (exit status 77), as a
 * fresh checkout has no corpus beside it. A corpus named but missing fails.
 */
#include "driver.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Regression floors: the share of the corpus each target must keep compiling. */
static const struct {
	const char *target;
	int percent;
} floors[] = {
#define TARGET(name, floor) {#name, floor},	/* the floors: backends/targets.def */
#include "targets.def"
#undef TARGET
};

static int
min_percent(const char *target)
{
	for (size_t i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		if (!strcmp(floors[i].target, target))
			return floors[i].percent;
	return 97;
}

struct reason {
	char *text;
	int count;
};

struct reasons {
	struct reason *v;
	int n, cap;
};

static void
count_reason(struct reasons *rs, const char *text, size_t len)
{
	for (int i = 0; i < rs->n; i++) {
		if (strlen(rs->v[i].text) == len && !memcmp(rs->v[i].text, text, len)) {
			rs->v[i].count++;
			return;
		}
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = realloc(rs->v, sizeof(*rs->v) * (size_t)rs->cap);
	}
	rs->v[rs->n++] = (struct reason){strndup(text, len), 1};
}

static int
by_count(const void *a, const void *b)
{
	const struct reason *x = a, *y = b;
	return x->count != y->count ? y->count - x->count : strcmp(x->text, y->text);
}

/* The reason of the first error in a rendered diagnostic, without rule and position. */
static void
classify(struct reasons *rs, const char *err)
{
	const char *p = strstr(err, ": error: ");
	if (!p) {
		count_reason(rs, "(no diagnostic)", 15);
		return;
	}
	p += 9;
	const char *ctx = strstr(p, "): ");	/* rule 'T' (id): */
	if (!strncmp(p, "rule '", 6) && ctx)
		p = ctx + 3;
	size_t len = strcspn(p, "\n");
	const char *paren = strstr(p, " (target ");	/* keep the field, drop the logsource */
	if (paren && (size_t)(paren - p) < len)
		len = (size_t)(paren - p);
	count_reason(rs, p, len);
}

static void
print_reasons(struct reasons *rs, const char *label)
{
	if (rs->n)
		qsort(rs->v, (size_t)rs->n, sizeof(*rs->v), by_count);
	printf("# %s failures by reason (%d distinct):\n", label, rs->n);
	for (int i = 0; i < rs->n; i++) {
		if (i == 40) {
			printf("#   ... %d more\n", rs->n - i);
			break;
		}
		printf("#   %5d  %s\n", rs->v[i].count, rs->v[i].text);
	}
	for (int i = 0; i < rs->n; i++)
		free(rs->v[i].text);
	free(rs->v);
}

static int test_num, failed;

static void
tap(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
tap(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s %d - ", ok ? "ok" : "not ok", ++test_num);
	failed += !ok;
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* Runs the KQL checker over the written files; returns the number of invalid ones. */
static int
validate(const char *kqlcheck, const char *list, int nfiles)
{
	struct buf cmd = {0};
	buf_printf(&cmd, "node '%s' -q --files '%s' 2>&1", kqlcheck, list);
	FILE *p = popen(cmd.data, "r");
	buf_free(&cmd);
	if (!p)
		return nfiles;
	char line[4096];
	int shown = 0;
	struct buf seen = {0};
	int invalid = 0;
	while (fgets(line, sizeof(line), p)) {
		/* FILE: LINE:COL: MESSAGE [CODE]; count files, show the first few */
		char *colon = strstr(line, ": ");
		if (!colon)
			continue;
		*colon = '\0';
		if (!seen.data || !strstr(seen.data, line)) {
			invalid++;
			buf_printf(&seen, "%s\n", line);
		}
		if (shown++ < 20)
			printf("#   %s: %s", line, colon + 2);
	}
	int status = pclose(p);
	buf_free(&seen);
	if (status != 0 && invalid == 0)
		invalid = -1;	/* the validator itself failed */
	return invalid;
}

/* The corpus directory: --corpus, else $SIGMACC_CORPUS, else NULL (skip). */
static const char *
corpus_dir(const char *option)
{
	if (option && *option)
		return option;
	const char *env = getenv("SIGMACC_CORPUS");
	return env && *env ? env : NULL;
}

int
main(int argc, char **argv)
{
	const char *kqlcheck = NULL, *outdir = "corpus-out", *option = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--kqlcheck"))
			kqlcheck = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			outdir = argv[i + 1];
		else if (!strcmp(argv[i], "--corpus"))
			option = argv[i + 1];
	}
	const char *corpus = corpus_dir(option);
	if (!corpus) {
		puts("1..0 # SKIP no corpus: set SIGMACC_CORPUS or -Dcorpus to SigmaHQ's rules/ folder");
		return 77;
	}
	struct stat st;
	if (stat(corpus, &st) != 0 || !S_ISDIR(st.st_mode)) {
		printf("1..1\nnot ok 1 - the corpus %s is not a directory\n", corpus);
		return 1;
	}
	struct pathlist files = {0};
	struct buf err = {0}, out = {0};
	files_expand(&files, corpus, &err);
	int ntargets = 0;
	while (backends[ntargets])
		ntargets++;
	printf("1..%d\n", 2 + ntargets);
	printf("# %d rule files under %s\n", files.n, corpus);

	/* 1. load and normalise everything, without a pipeline */
	struct session s = {.product = PRODUCT_IR,
			    .opts = {.target = "none", .placeholder_wildcard = true}};
	struct reasons rs = {0};
	for (int i = 0; i < files.n; i++) {
		buf_clear(&err);
		buf_clear(&out);
		if (!driver_file(&s, files.v[i], &out, &err))
			classify(&rs, err.data ? err.data : "");
	}
	tap(s.nfailed == 0 && s.nrules >= files.n, "%d rules load and normalise (%d failed)", s.nrules,
	    s.nfailed);
	if (rs.n)
		print_reasons(&rs, "normalise");
	else
		free(rs.v);

	/* 2. every target with its default pipeline; KQL output also goes to the validator */
	for (int t = 0; backends[t]; t++) {
		const struct backend *be = backends[t];
		struct pipeline *pl = pipeline_load("templates", be->default_pipeline);
		struct session k = {.product = PRODUCT_QUERY, .be = be,
				    .opts = {.target = be->name, .pipeline = pl,
					     .placeholder_wildcard = true}};
		struct reasons kr = {0};
		struct buf list = {0}, path = {0};
		bool is_kql = be == &backend_kql;
		int written = 0;
		mkdir(outdir, 0777);
		for (int i = 0; pl && i < files.n; i++) {
			buf_clear(&err);
			buf_clear(&out);
			if (!driver_file(&k, files.v[i], &out, &err))
				classify(&kr, err.data ? err.data : "");
			if (!out.len || !is_kql)
				continue;
			/* the corpus has one rule per file, so one query per file */
			buf_clear(&path);
			buf_printf(&path, "%s/%04d.kql", outdir, i);
			const char *why;
			if (files_write_atomic(path.data, out.data, out.len, &why)) {
				buf_printf(&list, "%s\n", path.data);
				written++;
			}
		}
		int compiled = k.nrules - k.nfailed, floor = min_percent(be->name);
		printf("# %s: %d of %d rules compiled (%.1f%%), %d failed with a reason\n", be->name,
		       compiled, k.nrules, k.nrules ? 100.0 * compiled / k.nrules : 0.0, k.nfailed);
		print_reasons(&kr, be->name);
		tap(pl && k.nrules && 100 * compiled >= floor * k.nrules,
		    "%s compiles at least %d%% of the corpus", be->name, floor);
		if (is_kql) {
			/* 3. every KQL query passes Microsoft's parser */
			int invalid = -1;
			if (kqlcheck) {
				buf_clear(&path);
				buf_printf(&path, "%s/files.txt", outdir);
				const char *why;
				files_write_atomic(path.data, list.data ? list.data : "", list.len, &why);
				invalid = validate(kqlcheck, path.data, written);
			}
			tap(invalid == 0 && written == compiled,
			    "all %d KQL queries pass the KQL validator (%d invalid)", written, invalid);
		}
		pipeline_free(pl);
		buf_free(&list);
		buf_free(&path);
		arena_free(&k.arena);
	}
	files_free(&files);
	buf_free(&err);
	buf_free(&out);
	arena_free(&s.arena);
	return failed ? 1 : 0;
}
