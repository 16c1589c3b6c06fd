/*
 * build.c: `sigmacc build`, the detection-as-code command. Compiles every rule
 * file for every chosen target into OUTDIR/<target>/<rule path>.<ext>, writes
 * a file only when its bytes change (atomically), removes the outputs it
 * wrote earlier for rule files that are gone (tracked in OUTDIR/.sigmacc-
 * manifest, which it owns) and prints a summary. With --check it writes
 * nothing and lists every missing, stale or orphaned output instead.
 */
#include "build.h"
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MANIFEST ".sigmacc-manifest"

struct outputs {
	char **v;	/* heap paths relative to OUTDIR, sorted at the end */
	int n, cap;
};

static void
outputs_add(struct outputs *o, const char *path)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->v = realloc(o->v, sizeof(*o->v) * (size_t)o->cap);
		if (!o->v)
			abort();
	}
	o->v[o->n++] = strdup(path);
}

static bool
outputs_has(const struct outputs *o, const char *path)
{
	for (int i = 0; i < o->n; i++)
		if (!strcmp(o->v[i], path))
			return true;
	return false;
}

static void
outputs_free(struct outputs *o)
{
	for (int i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
}

static int
cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* mkdir -p of the directory part of path. */
static bool
make_parents(const char *path)
{
	char *p = strdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return false;
		}
		*s = '/';
	}
	free(p);
	return true;
}

/* The output name of a rule file: its path below the PATH argument, without .yml. */
static void
output_name(struct buf *b, const char *root, const char *file, const char *target,
	    const char *ext)
{
	const char *rel = file;
	size_t n = strlen(root);
	if (strcmp(root, file) && !strncmp(file, root, n) && (file[n] == '/' || root[n - 1] == '/'))
		rel = file + n + (file[n] == '/');
	else if (strrchr(file, '/'))
		rel = strrchr(file, '/') + 1;
	size_t len = strlen(rel);
	if (len > 5 && !strcmp(rel + len - 5, ".yaml"))
		len -= 5;
	else if (len > 4 && !strcmp(rel + len - 4, ".yml"))
		len -= 4;
	buf_clear(b);
	buf_printf(b, "%s/%.*s.%s", target, (int)len, rel, ext);
}

static void
read_manifest(const char *outdir, struct outputs *o)
{
	struct buf path = {0};
	buf_printf(&path, "%s/" MANIFEST, outdir);
	size_t len;
	const char *why;
	char *text = files_read(path.data, &len, &why);
	buf_free(&path);
	for (char *line = text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (*line && *line != '#')
			outputs_add(o, line);
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(text);
}

static bool
write_manifest(const char *outdir, struct outputs *o)
{
	struct buf path = {0}, text = {0};
	buf_printf(&path, "%s/" MANIFEST, outdir);
	buf_puts(&text, "# Outputs written by sigmacc build; it removes them when their rule is gone.\n");
	if (o->n)
		qsort(o->v, (size_t)o->n, sizeof(*o->v), cmp_paths);
	for (int i = 0; i < o->n; i++)
		buf_printf(&text, "%s\n", o->v[i]);
	const char *why;
	bool ok = files_write_atomic(path.data, text.data, text.len, &why);
	if (!ok)
		fprintf(stderr, "sigmacc: %s: cannot write: %s\n", path.data, why);
	buf_free(&path);
	buf_free(&text);
	return ok;
}

/* Is the output path (TARGET/...) one of the targets of this run? */
static bool
built_target(const struct backend *const *targets, const char *path)
{
	size_t n = strcspn(path, "/");
	for (int t = 0; targets[t]; t++)
		if (strlen(targets[t]->name) == n && !strncmp(targets[t]->name, path, n))
			return true;
	return false;
}

struct counts {
	int written, unchanged, removed, failed, problems;
};

/* Compiles one file for one target and brings its output up to date (or checks it). */
static void
build_one(struct session *s, const struct build_options *bo, const char *root, const char *file,
	  struct outputs *now, struct outputs *kept, struct counts *c)
{
	struct buf name = {0}, path = {0}, out = {0}, err = {0};
	output_name(&name, root, file, s->be->name,
		    s->tpl ? s->tpl->ext :
		    s->format && strcmp(s->format, "default") ? s->format : s->be->ext);
	buf_printf(&path, "%s/%s", bo->outdir, name.data);
	bool ok = driver_file(s, file, &out, &err);
	fputs(err.data ? err.data : "", stderr);
	if (!ok) {
		c->failed++;
		outputs_add(kept, name.data);	/* a failing rule keeps its last output */
		goto done;
	}
	outputs_add(now, name.data);
	size_t len = 0;
	const char *why;
	char *old = files_read(path.data, &len, &why);
	bool same = old && len == out.len && !memcmp(old, out.data, len);
	free(old);
	if (same) {
		c->unchanged++;
	} else if (bo->check) {
		printf("%s: %s\n", old ? "stale" : "missing", path.data);
		c->problems++;
	} else if (!make_parents(path.data) ||
		   !files_write_atomic(path.data, out.data ? out.data : "", out.len, &why)) {
		fprintf(stderr, "sigmacc: %s: cannot write: %s\n", path.data, strerror(errno));
		c->failed++;
	} else {
		c->written++;
	}
done:
	buf_free(&name);
	buf_free(&path);
	buf_free(&out);
	buf_free(&err);
}

int
build_run(struct session *s, const struct build_options *bo,
	  const struct backend *const *targets, const char *const *paths, int npaths)
{
	struct counts c = {0};
	struct outputs before = {0}, now = {0}, kept = {0};
	read_manifest(bo->outdir, &before);
	if (!bo->check && mkdir(bo->outdir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "sigmacc: %s: %s\n", bo->outdir, strerror(errno));
		return 1;
	}
	bool tty = isatty(2) && !getenv("CI");
	int total = 0, done = 0;
	struct pathlist *files = calloc((size_t)(npaths > 0 ? npaths : 1), sizeof(*files));
	for (int p = 0; p < npaths; p++) {
		struct buf err = {0};
		if (!files_expand(&files[p], paths[p], &err))
			c.failed++;
		fputs(err.data ? err.data : "", stderr);
		buf_free(&err);
		total += files[p].n;
	}
	for (int t = 0; targets[t]; t++) {
		struct pipeline *pl = pipeline_load(bo->templates, targets[t]->default_pipeline);
		if (!pl) {
			c.failed++;
			continue;
		}
		struct template *tpl = NULL;
		if (bo->format && !backend_has_format(targets[t], bo->format) &&
		    !(tpl = template_load(bo->templates, targets[t]->name, bo->format))) {
			pipeline_free(pl);
			c.failed++;
			continue;
		}
		s->be = targets[t];
		s->tpl = tpl;
		s->opts.target = targets[t]->name;
		s->opts.pipeline = pl;
		for (int p = 0; p < npaths; p++) {
			for (int i = 0; i < files[p].n; i++) {
				if (tty)
					fprintf(stderr, "\r\033[K[%d/%d] %s %s", ++done, total * bo->ntargets,
						targets[t]->name, files[p].v[i]);
				build_one(s, bo, paths[p], files[p].v[i], &now, &kept, &c);
			}
		}
		pipeline_free(pl);
		template_free(tpl);
		s->tpl = NULL;
	}
	if (tty)
		fputs("\r\033[K", stderr);
	/* outputs of the last build whose rule file is gone */
	for (int i = 0; i < before.n; i++) {
		if (outputs_has(&now, before.v[i]) || outputs_has(&kept, before.v[i]))
			continue;
		if (!built_target(targets, before.v[i])) {
			outputs_add(&kept, before.v[i]);	/* another target's: not ours to judge */
			continue;
		}
		struct buf path = {0};
		buf_printf(&path, "%s/%s", bo->outdir, before.v[i]);
		if (bo->check) {
			printf("orphaned: %s\n", path.data);
			c.problems++;
		} else if (unlink(path.data) == 0 || errno == ENOENT) {
			c.removed++;
		} else {
			fprintf(stderr, "sigmacc: %s: cannot remove: %s\n", path.data, strerror(errno));
			c.failed++;
		}
		buf_free(&path);
	}
	for (int i = 0; i < kept.n; i++)
		outputs_add(&now, kept.v[i]);
	if (!bo->check && !write_manifest(bo->outdir, &now))
		c.failed++;
	if (bo->check)
		fprintf(stderr, "sigmacc build --check: %d up to date, %d missing or stale or orphaned, "
			"%d failed\n", c.unchanged, c.problems, c.failed);
	else
		fprintf(stderr, "sigmacc build: %d written, %d unchanged, %d removed, %d failed\n",
			c.written, c.unchanged, c.removed, c.failed);
	for (int p = 0; p < npaths; p++)
		files_free(&files[p]);
	free(files);
	outputs_free(&before);
	outputs_free(&now);
	outputs_free(&kept);
	return c.failed || c.problems ? 1 : 0;
}
