/*
 * build.c: `sigmacc build`, the detection-as-code command. Compiles every rule
 * file for every chosen target into OUTDIR/<target>/<rule path>.<ext>, writes
 * a file only when its bytes change (atomically) and removes the outputs it
 * wrote earlier for rule files that are gone (tracked in OUTDIR/.sigmacc-
 * manifest, which it owns), then prints a summary. With --check it writes
 * nothing and lists every missing, stale or orphaned output instead.
 *
 * The order of the writes keeps every output tracked whatever kills the
 * build: changed outputs are staged as temporaries; once all are staged the
 * manifest grows to the union of the old entries and the new outputs; only
 * then are the outputs renamed into place and the orphans removed; last, the
 * manifest shrinks to what is there. Every access below OUTDIR goes through
 * outdir.c, which never follows a link.
 */
#include "build.h"
#include "output.h"
#include "files.h"
#include "jobs.h"
#include "manifest.h"
#include "outdir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A target of this build with what it needs loaded. */
struct target {
	const struct backend *be;
	struct pipeline *pl;
	bool owned;		/* pl is the default pipeline, loaded for this target */
	struct template *tpl;	/* the format is this template (NULL: the backend's own) */
	const char *ext;	/* of its outputs */
};

/* A changed output, written to a temporary and not yet in place. */
struct staged {
	char tmp[32];
	const char *rel;	/* in the arena of build.now */
};

/* One rule file compiled for every target by a worker, waiting to be written. */
struct compiled {
	struct buf load;	/* what loading said */
	struct buf *out, *err;	/* per target: the output and what compiling said */
	bool *ok;		/* per target */
};

/* A rule file and the PATH argument it was found below. */
struct rulefile {
	const char *root, *file;
};

struct counts {
	int written, unchanged, removed, failed, problems;
};

struct build {
	struct session *s;
	const struct build_options *bo;
	struct outdir out;
	struct names before;	/* the manifest's valid entries */
	struct names now;	/* outputs of this build */
	struct names kept;	/* earlier outputs that stay: failing rules, other targets */
	struct buf disk;	/* the manifest's text as it is on disk */
	struct staged *staged;
	int nstaged, capstaged;
	struct counts c;
	/* the rule files, compiled on workers and written in order (jobs.c) */
	const struct target *t;
	int nt;
	struct rulefile *items;
	struct compiled *done;
	struct session *workers;	/* a session (arena) per worker */
	int nitems, progress;
	bool tty;
};

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

/* The -p pipelines, each loaded once; a target uses those for it, stacked in
 * order, or its default pipeline when none is. False after a message when a -p
 * pipeline cannot be loaded or is for none of the targets of this build. */
static bool
build_load_pipelines(const struct build_options *bo, const struct backend *const *list,
		     struct pipeline **pls)
{
	for (int k = 0; k < bo->npipelines; k++) {
		pls[k] = pipeline_load(bo->templates, bo->pipelines[k]);
		if (!pls[k])
			return false;
		bool used = false;
		for (int i = 0; list[i]; i++)
			used |= !strcmp(pls[k]->target, list[i]->name);
		if (!used) {
			fprintf(stderr, "sigmacc: pipeline '%s' is for target %s, which this build "
				"does not build\n", pls[k]->name, pls[k]->target);
			return false;
		}
	}
	return true;
}

/* The pipeline of target be: the -p pipelines for it stacked in order (in
 * stack), else its default one, loaded (and owned by the target). */
static struct pipeline *
build_pipeline_of(const struct build_options *bo, const struct backend *be, struct pipeline **pls,
		  struct arena *stack, bool *owned)
{
	struct pipeline *pl = NULL;
	for (int k = 0; k < bo->npipelines; k++)
		if (!strcmp(pls[k]->target, be->name))
			pl = pl ? pipeline_stack(stack, pl, pls[k]) : pls[k];
	*owned = !pl;
	return pl ? pl : pipeline_load(bo->templates, be->default_pipeline);
}

/* Loads every target's pipeline and format; a target that cannot be loaded is counted failed. */
static int
targets_load(const struct build_options *bo, const struct backend *const *list,
	     struct target **out, struct counts *c, struct pipeline **pls, struct arena *stack)
{
	int n = 0;
	while (list[n])
		n++;
	struct target *t = calloc((size_t)(n ? n : 1), sizeof(*t));
	int k = 0;
	for (int i = 0; i < n; i++) {
		bool owned;
		struct pipeline *pl = build_pipeline_of(bo, list[i], pls, stack, &owned);
		struct template *tpl = NULL;
		if (pl && bo->format && !backend_has_format(list[i], bo->format))
			tpl = template_load(bo->templates, list[i]->name, bo->format);
		if (!pl || (bo->format && !backend_has_format(list[i], bo->format) && !tpl)) {
			if (owned)
				pipeline_free(pl);
			c->failed++;
			continue;
		}
		t[k++] = (struct target){list[i], pl, owned, tpl,
			tpl ? tpl->ext : bo->format && strcmp(bo->format, "default") ? bo->format :
			list[i]->ext};
	}
	*out = t;
	return k;
}

static void
targets_free(struct target *t, int n)
{
	for (int i = 0; i < n; i++) {
		if (t[i].owned)
			pipeline_free(t[i].pl);
		template_free(t[i].tpl);
	}
	free(t);
}

/* Reads the manifest; its invalid entries are reported and left out (a problem for --check). */
static bool
build_read_manifest(struct build *b, const struct target *t, int nt)
{
	struct buf err = {0}, file = {0};
	size_t len = 0;
	bool missing = false;
	char *text = outdir_read(&b->out, OUTDIR_MANIFEST, &len, &missing, &err);
	if (text) {
		struct manifest_target *mt = calloc((size_t)(nt ? nt : 1), sizeof(*mt));
		for (int i = 0; i < nt; i++)
			mt[i] = (struct manifest_target){t[i].be->name, t[i].ext};
		buf_printf(&file, "%s/" OUTDIR_MANIFEST, b->bo->outdir);
		int bad = manifest_parse(text, len, file.data, mt, nt, &b->before, &err);
		if (b->bo->check)
			b->c.problems += bad;
		buf_putn(&b->disk, text, len);
		free(mt);
	}
	names_sort(&b->before);
	fputs(err.data ? err.data : "", stderr);
	buf_free(&err);
	buf_free(&file);
	free(text);
	return text || missing;
}

/* Replaces the manifest with the sorted set, unless the file already says exactly that. */
static bool
build_write_manifest(struct build *b, const struct names *set)
{
	struct buf text = {0}, err = {0};
	manifest_render(set, &text);
	bool ok = true;
	if (text.len != b->disk.len || memcmp(text.data, b->disk.data ? b->disk.data : "", text.len)) {
		char tmp[32];
		ok = outdir_stage(&b->out, OUTDIR_MANIFEST, text.data, text.len, tmp, &err);
		if (ok && !outdir_sync(&b->out, &err)) {
			outdir_discard(&b->out, tmp);
			ok = false;
		}
		ok = ok && outdir_commit(&b->out, tmp, OUTDIR_MANIFEST, &err) &&
		     outdir_sync(&b->out, &err);
	}
	if (ok) {
		buf_clear(&b->disk);
		buf_putn(&b->disk, text.data, text.len);
	}
	fputs(err.data ? err.data : "", stderr);
	buf_free(&text);
	buf_free(&err);
	return ok;
}

/* A --check finding on stdout: "stale: OUTDIR/REL" in the human form, else an
 * error at the output's path in the --diagnostics form, for pull-request annotations.
 * The JSON form names the target and a code: missing-output, stale-output or
 * orphaned-output. */
static void
build_finding(const struct build *b, const char *what, const char *rel)
{
	struct buf path = {0}, out = {0};
	buf_printf(&path, "%s/%s", b->bo->outdir, rel);
	if (b->s->diagfmt == DIAGFMT_HUMAN) {
		printf("%s: %s\n", what, path.data);
	} else {
		char target[64], code[32];	/* an output's path starts with its target's name */
		snprintf(target, sizeof(target), "%.*s", (int)strcspn(rel, "/"), rel);
		struct diag d = {.target = target};
		snprintf(code, sizeof(code), "%s-output", what);
		diag_error(&d, (struct pos){path.data, 0, 0}, "%s output: %s", what,
			   !strcmp(what, "orphaned") ? "its rule file is gone; run sigmacc build to remove it" :
			   "run sigmacc build to regenerate it from its rule");
		diag_set_code(&d, code);
		driver_render(b->s, &d, &out);
		fputs(out.data ? out.data : "", stdout);
		diag_clear(&d);
	}
	buf_free(&path);
	buf_free(&out);
}

/* Brings one output up to date, or reports it for --check. An output that could
 * not be compared or staged is tracked only when it was before (it may be there). */
static void
build_update_output(struct build *b, const char *name, const struct buf *out)
{
	struct buf err = {0};
	const char *data = out->data ? out->data : "";
	enum outdir_state st = outdir_compare(&b->out, name, data, out->len, &err);
	bool track = st != OUTDIR_ERROR;
	if (st == OUTDIR_SAME) {
		b->c.unchanged++;
	} else if (st == OUTDIR_ERROR) {
		b->c.failed++;
	} else if (b->bo->check) {
		build_finding(b, st == OUTDIR_MISSING ? "missing" : "stale", name);
		b->c.problems++;
	} else {
		if (b->nstaged == b->capstaged) {
			b->capstaged = b->capstaged ? 2 * b->capstaged : 64;
			b->staged = realloc(b->staged, sizeof(*b->staged) * (size_t)b->capstaged);
			if (!b->staged)
				abort();
		}
		struct staged *sg = &b->staged[b->nstaged];
		track = outdir_stage(&b->out, name, data, out->len, sg->tmp, &err);
		if (track)
			b->nstaged++;
		else
			b->c.failed++;
	}
	const char *rel = track ? names_add(&b->now, name) : NULL;
	if (rel && st != OUTDIR_SAME && !b->bo->check)
		b->staged[b->nstaged - 1].rel = rel;
	else if (!track && names_has(&b->before, name))
		names_add(&b->kept, name);
	fputs(err.data ? err.data : "", stderr);
	buf_free(&err);
}

/* Brings one target's output of one compiled file up to date (or checks it).
 * What loading said is printed before the first target's messages. */
static void
build_one(struct build *b, const struct target *t, const char *root, const char *file,
	  struct compiled *c, int k, bool *said)
{
	struct buf name = {0}, err = {0};
	output_name(&name, root, file, t->be->name, t->ext);
	const char *why = manifest_check(name.data);
	if (why) {	/* the walk refuses such names; this keeps the manifest sound anyway */
		buf_puts(&err, "sigmacc: ");
		files_put_name(&err, file);
		buf_puts(&err, ": error: output name '");
		files_put_name(&err, name.data);
		buf_printf(&err, "' refused: it %s\n", why);
		fputs(err.data, stderr);
		b->c.failed++;
		goto done;
	}
	if (!*said)
		fputs(c->load.data ? c->load.data : "", stderr);
	*said = true;
	fputs(c->err[k].data ? c->err[k].data : "", stderr);
	if (c->ok[k] && c->out[k].len) {
		build_update_output(b, name.data, &c->out[k]);
	} else if (c->ok[k]) {
		/* every document is an input of a correlation elsewhere: no output of its own */
	} else {
		b->c.failed++;
		if (names_has(&b->before, name.data))
			names_add(&b->kept, name.data);	/* a failing rule keeps its last output */
	}
done:
	buf_free(&name);
	buf_free(&err);
}

/* Renames the staged outputs into place, after the manifest tracks every one of them. */
static void
build_commit(struct build *b)
{
	if (!b->nstaged)
		return;
	struct names all = {0};
	for (int i = 0; i < b->before.n; i++)
		names_add(&all, b->before.v[i]);
	for (int i = 0; i < b->now.n; i++)
		names_add(&all, b->now.v[i]);
	names_sort(&all);
	struct buf err = {0};
	bool ok = outdir_sync(&b->out, &err) && build_write_manifest(b, &all);
	fputs(err.data ? err.data : "", stderr);
	buf_clear(&err);
	for (int i = 0; i < b->nstaged; i++) {
		if (!ok)
			outdir_discard(&b->out, b->staged[i].tmp);
		else if (outdir_commit(&b->out, b->staged[i].tmp, b->staged[i].rel, &err))
			b->c.written++;
		if (!ok || err.len)
			b->c.failed++;
		fputs(err.data ? err.data : "", stderr);
		buf_clear(&err);
	}
	buf_free(&err);
	names_free(&all);
}

/* Is the output path (TARGET/...) one of the targets of this run? */
static bool
built_target(const struct target *t, int nt, const char *path)
{
	size_t n = strcspn(path, "/");
	for (int i = 0; i < nt; i++)
		if (strlen(t[i].be->name) == n && !strncmp(t[i].be->name, path, n))
			return true;
	return false;
}

/* Removes (or, for --check, lists) the outputs of the last build whose rule file is gone. */
static void
build_remove_orphans(struct build *b, const struct target *t, int nt, struct names *carry)
{
	struct buf err = {0};
	for (int i = 0; i < b->before.n; i++) {
		const char *e = b->before.v[i];
		if (names_has(&b->now, e) || names_has(&b->kept, e))
			continue;
		if (!built_target(t, nt, e)) {
			names_add(carry, e);	/* another target's: not ours to judge */
		} else if (b->bo->check) {
			build_finding(b, "orphaned", e);
			b->c.problems++;
		} else if (outdir_remove(&b->out, e, &err)) {
			b->c.removed++;
		} else {
			b->c.failed++;
			names_add(carry, e);	/* still there: still tracked */
		}
		fputs(err.data ? err.data : "", stderr);
		buf_clear(&err);
	}
	buf_free(&err);
}

/* A worker: loads rule file i once and compiles it for every target. It only
 * fills b->done[i]; build_consume prints and writes. */
static void
build_work(void *ctx, int worker, int i)
{
	struct build *b = ctx;
	struct session *s = &b->workers[worker];
	struct compiled *c = &b->done[i];
	size_t nt = (size_t)(b->nt ? b->nt : 1);
	c->out = calloc(nt, sizeof(*c->out));
	c->err = calloc(nt, sizeof(*c->err));
	c->ok = calloc(nt, sizeof(*c->ok));
	if (!c->out || !c->err || !c->ok)
		abort();
	struct unit u;
	driver_load(s, &u, b->items[i].file);
	driver_render(s, &u.load, &c->load);
	for (int k = 0; k < b->nt; k++) {
		s->be = b->t[k].be;
		s->tpl = b->t[k].tpl;
		s->opts.target = b->t[k].be->name;
		s->opts.pipeline = b->t[k].pl;
		driver_forget_pieces(s);	/* the rules of this file for this target only */
		c->ok[k] = driver_emit(s, &u, &c->out[k], &c->err[k]);
		if (c->ok[k] && s->npieces > 1) {	/* several rules in one file: one valid output */
			struct buf joined = {0};
			output_join(s, &c->out[k], s->compact, -1, &joined);
			buf_free(&c->out[k]);
			c->out[k] = joined;
		}
	}
	driver_unload(&u);
}

/* In file order on the main thread: every target's output of file i, with a
 * progress line on a terminal. */
static void
build_consume(void *ctx, int i)
{
	struct build *b = ctx;
	struct compiled *c = &b->done[i];
	bool said = false;
	for (int k = 0; k < b->nt; k++) {
		if (b->tty)
			fprintf(stderr, "\r\033[K[%d/%d] %s %s", ++b->progress, b->nitems * b->nt,
				b->t[k].be->name, b->items[i].file);
		build_one(b, &b->t[k], b->items[i].root, b->items[i].file, c, k, &said);
		buf_free(&c->out[k]);
		buf_free(&c->err[k]);
	}
	buf_free(&c->load);
	free(c->out);
	free(c->err);
	free(c->ok);
}

/* Every rule file, loaded once and compiled for every target on bo->jobs
 * workers, its outputs written in the order of the files whatever the workers. */
static void
build_all(struct build *b, const struct pathlist *files, const char *const *paths, int npaths)
{
	int nw = b->bo->jobs > 0 ? b->bo->jobs : jobs_cpus();
	b->tty = isatty(2) && !getenv("CI");
	for (int p = 0; p < npaths; p++)
		b->nitems += files[p].n;
	size_t n = (size_t)(b->nitems ? b->nitems : 1);
	b->items = calloc(n, sizeof(*b->items));
	b->done = calloc(n, sizeof(*b->done));
	b->workers = calloc((size_t)nw, sizeof(*b->workers));
	if (!b->items || !b->done || !b->workers)
		abort();
	int k = 0;
	for (int p = 0; p < npaths; p++)
		for (int f = 0; f < files[p].n; f++)
			b->items[k++] = (struct rulefile){paths[p], files[p].v[f]};
	for (int w = 0; w < nw; w++) {
		b->workers[w] = *b->s;
		b->workers[w].arena = (struct arena){0};
		b->workers[w].pieces = NULL;
		b->workers[w].npieces = b->workers[w].cappieces = 0;
		b->workers[w].seen = NULL;
		b->workers[w].nseen = b->workers[w].capseen = 0;
	}
	/* a worker runs at most 2N files ahead of the writes: memory stays a small multiple of N rules */
	struct jobs j = {b->nitems, nw, 2 * nw, build_work, build_consume, b};
	jobs_run(&j);
	for (int w = 0; w < nw; w++) {
		b->s->nrules += b->workers[w].nrules;
		b->s->nfailed += b->workers[w].nfailed;
		arena_free(&b->workers[w].arena);
		driver_free(&b->workers[w]);	/* its pieces and seen set, never the main session's */
	}
	free(b->items);
	free(b->done);
	free(b->workers);
	if (b->tty)
		fputs("\r\033[K", stderr);
}

int
build_run(struct session *s, const struct build_options *bo,
	  const struct backend *const *targets, const char *const *paths, int npaths)
{
	struct build b = {.s = s, .bo = bo};
	struct target *t = NULL;
	struct arena stack = {0};
	struct pipeline **pls = calloc((size_t)bo->npipelines + 1, sizeof(*pls));
	if (!pls)
		abort();
	if (!build_load_pipelines(bo, targets, pls)) {
		for (int k = 0; k < bo->npipelines; k++)
			pipeline_free(pls[k]);
		free(pls);
		return 2;
	}
	int nt = targets_load(bo, targets, &t, &b.c, pls, &stack);
	struct buf err = {0};
	struct pathlist *files = calloc((size_t)(npaths > 0 ? npaths : 1), sizeof(*files));
	bool opened = outdir_open(&b.out, bo->outdir, !bo->check, &err);
	fputs(err.data ? err.data : "", stderr);
	if (!opened || !build_read_manifest(&b, t, nt)) {
		b.c.failed++;
		goto done;
	}
	for (int p = 0; p < npaths; p++) {
		buf_clear(&err);
		if (!files_expand(&files[p], paths[p], &err))
			b.c.failed++;
		filter_split(&files[p], paths[p]);	/* filters/: meta filters, not rules */
		fputs(err.data ? err.data : "", stderr);
	}
	b.t = t;
	b.nt = nt;
	s->corr_index = corr_index_paths(files, npaths, s->opts.vars);	/* across the tree */
	build_all(&b, files, paths, npaths);
	corr_index_free((struct corr_index *)s->corr_index);
	s->corr_index = NULL;
	names_sort(&b.now);
	names_sort(&b.kept);
	if (!bo->check)
		build_commit(&b);
	struct names final = {0};
	build_remove_orphans(&b, t, nt, &final);
	for (int i = 0; i < b.now.n; i++)
		names_add(&final, b.now.v[i]);
	for (int i = 0; i < b.kept.n; i++)
		names_add(&final, b.kept.v[i]);
	names_sort(&final);
	if (!bo->check && !build_write_manifest(&b, &final))
		b.c.failed++;
	names_free(&final);
	if (bo->check)
		fprintf(stderr, "sigmacc build --check: %d up to date, %d missing or stale or orphaned, "
			"%d failed\n", b.c.unchanged, b.c.problems, b.c.failed);
	else
		fprintf(stderr, "sigmacc build: %d written, %d unchanged, %d removed, %d failed\n",
			b.c.written, b.c.unchanged, b.c.removed, b.c.failed);
done:
	outdir_close(&b.out);
	for (int p = 0; p < npaths; p++)
		files_free(&files[p]);
	free(files);
	free(b.staged);
	names_free(&b.before);
	names_free(&b.now);
	names_free(&b.kept);
	buf_free(&b.disk);
	buf_free(&err);
	targets_free(t, nt);
	for (int k = 0; k < bo->npipelines; k++)
		pipeline_free(pls[k]);
	free(pls);
	arena_free(&stack);
	return b.c.failed || b.c.problems ? 1 : 0;
}
