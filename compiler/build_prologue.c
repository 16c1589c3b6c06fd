/*
 * build_prologue.c: what `sigmacc build` reads before it compiles, in two parts
 * run side by side: the manifest and the stat cache; the rules tree, each rule
 * file read once for whether the tree holds a correlation, hashed on that
 * thread and kept for the compile (build.c).
 */
#include "build_impl.h"
#include "base.h"
#include "correlation.h"
#include "files.h"
#include "jobs.h"
#include "outdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Part 0 reads the manifest and the stat cache, part 1 the rules tree. Their
 * messages are printed in that order, the tree's only when the manifest could be
 * read (else the build stops there). */
struct prologue {
	struct build *b;
	struct output *t;
	int nt;
	const char *const *paths;
	int npaths;
	struct pathlist *files;
	bool read;	/* the manifest was read (or there is none) */
	struct buf say[2];
};

static void
prologue_work(void *ctx, int worker, int i)
{
	(void)worker;
	struct prologue *p = ctx;
	struct build *b = p->b;
	const struct build_options *bo = b->bo;
	if (i == 0) {
		p->read = build_read_manifest(b, p->t, p->nt, &p->say[0]);
		size_t nbytes = 0;
		b->cache_bytes = p->read ? outdir_lock_read(&b->out, &nbytes) : NULL;
		if (b->cache_bytes)
			statcache_read(&b->cache, b->cache_bytes, nbytes);
		return;
	}
	struct buf err = {0};
	for (int k = 0; k < p->npaths; k++) {
		buf_clear(&err);
		struct stat st;
		if (stat(p->paths[k], &st) != 0) {
			buf_printf(&p->say[1], "sigmacc: %s: %s; no output is removed\n", p->paths[k],
				   strerror(errno));
			b->may_remove = false;
			b->c.failed++;
		} else if (!files_expand(&p->files[k], p->paths[k], &err)) {
			b->may_remove = false;
			b->c.failed++;
		} else {
			filter_split(&p->files[k], p->paths[k]);	/* filters/: meta filters, not rules */
		}
		buf_puts(&p->say[1], err.data ? err.data : "");
	}
	buf_free(&err);
	size_t n = 1;
	for (int k = 0; k < p->npaths; k++)
		n += (size_t)p->files[k].n;
	b->done = mem_calloc(n, sizeof(*b->done));	/* in the order build_all numbers them */
	files_kept_init(&b->texts, (int)n);
	struct corr_visit hash = {build_visit, b};
	b->s->corr_index = corr_index_paths(p->files, p->npaths, b->s->opts.vars,	/* across the tree */
					    bo->jobs > 0 ? bo->jobs : jobs_cpus(), &hash);
}

static void
prologue_say(void *ctx, int i)
{
	struct prologue *p = ctx;
	if (i == 0 || p->read)
		fputs(p->say[i].data ? p->say[i].data : "", stderr);
}

bool
build_prologue(struct build *b, struct output *t, int nt, const char *const *paths, int npaths,
	       struct pathlist *files)
{
	struct prologue pro = {b, t, nt, paths, npaths, files, false, {{0}, {0}}};
	struct jobs j = {2, b->bo->jobs == 1 ? 1 : 2, 2, prologue_work, prologue_say, &pro};
	jobs_run(&j);
	buf_free(&pro.say[0]);
	buf_free(&pro.say[1]);
	return pro.read;
}
