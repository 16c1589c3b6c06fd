/*
 * build_link.c: the new outputs of a build, written by the workers where they
 * belong as files without a name (outdir_prewrite) and named here in batches:
 * their manifest entries are appended to OUTDIR/.sigmacc-pending, one syncfs
 * makes those and the files durable, then each file gets its name. A build
 * stopped at any point leaves every output it named listed there, so the next
 * one tracks it (removes it when its rule is gone), and no temporary: a file
 * without a name vanishes with the process. A full batch is named on a thread of
 * its own while the next one fills: it mostly waits for the disk.
 */
#include "build_impl.h"
#include "base.h"
#include "files.h"
#include "jobs.h"
#include "manifest.h"
#include "outdir.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct staged *
build_staged_add(struct staged **v, int *n, int *cap, const struct prepared *p)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = mem_realloc(*v, sizeof(**v) * (size_t)*cap);
	}
	struct staged *sg = &(*v)[*n];
	*sg = (struct staged){.fd = -1, .keyed = p->keyed};
	memcpy(sg->hex, p->hex, HASH_HEX);
	memcpy(sg->key, p->key, 16);
	return sg;
}

enum link_state { LINK_NOT, LINK_DONE, LINK_TAKEN };

/* A full batch, named on a thread of its own while the workers fill the next:
 * most of its time is syncfs waiting for the disk. */
struct link_run {
	struct outdir *out;
	struct staged *v;
	int n;
	struct buf text;	/* its lines for the pending list (after the head, the first time) */
	struct stat *st;	/* per file, once named */
	unsigned char *state;	/* per file: enum link_state */
	bool listed;		/* the pending list took the batch and everything is durable */
	struct buf err, path;
	pthread_t thread;
	bool threaded;
};

/* The path of an entry of b->now ("PATH" or "PATH\tRECORD") in path. */
static void
entry_path(struct buf *path, const char *entry)
{
	const char *tab = strchr(entry, '\t');
	buf_clear(path);
	buf_putn(path, entry, tab ? (size_t)(tab - entry) : strlen(entry));
}

static void *
link_batch(void *arg)
{
	struct link_run *r = arg;
	r->listed = outdir_pending_add(r->out, r->text.data, r->text.len, &r->err) &&
		    outdir_sync(r->out, &r->err);
	for (int i = 0; i < r->n; i++) {
		int linked = 0;
		if (r->listed) {
			entry_path(&r->path, r->v[i].rel);
			linked = outdir_link(r->out, r->v[i].fd, r->path.data, &r->st[i], &r->err);
		} else {
			close(r->v[i].fd);	/* without a name: gone */
		}
		r->state[i] = linked > 0 ? LINK_DONE : linked < 0 ? LINK_TAKEN : LINK_NOT;
	}
	return NULL;
}

/* Waits for the batch in flight and takes in what naming it did, in its order. */
static void
link_wait(struct build *b)
{
	struct link_run *r = b->link_run;
	if (!r)
		return;
	if (r->threaded)
		pthread_join(r->thread, NULL);
	b->pending_head |= r->listed;
	for (int i = 0; i < r->n; i++) {
		struct staged *sg = &r->v[i];
		if (r->state[i] == LINK_DONE) {
			build_written(b, sg, &r->st[i]);
		} else if (r->state[i] == LINK_TAKEN) {	/* replaced after the manifest */
			entry_path(&r->path, sg->rel);
			struct staged *s = build_staged_add(&b->staged, &b->nstaged, &b->capstaged,
							    &(struct prepared){0});
			*s = *sg;
			s->fd = -1;
			if (outdir_adopt(&b->out, sg->fd, r->path.data, s->tmp, &r->err))
				b->nstaged++;
			else
				b->c.failed++;
		} else {
			b->c.failed++;
		}
	}
	buf_puts(&b->say, r->err.data ? r->err.data : "");
	free(b->link_spare);
	b->link_spare = r->v;	/* the next batch fills it */
	buf_free(&r->text);
	buf_free(&r->err);
	buf_free(&r->path);
	free(r->st);
	free(r->state);
	free(r);
	b->link_run = NULL;
}

/* Hands the batch being filled to a thread (or names it here when none starts). */
static void
link_hand(struct build *b)
{
	link_wait(b);
	if (!b->nlinking)
		return;
	struct link_run *r = mem_calloc(1, sizeof(*r));
	*r = (struct link_run){.out = &b->out, .v = b->linking, .n = b->nlinking};
	if (!b->pending_head) {
		struct manifest_output *o = mem_calloc((size_t)(b->nt ? b->nt : 1), sizeof(*o));
		for (int i = 0; i < b->nt; i++)
			o[i] = b->t[i].rec;
		manifest_render_pending(o, b->nt, &r->text);
		free(o);
	}
	for (int i = 0; i < r->n; i++) {
		buf_puts(&r->text, r->v[i].rel);
		buf_putc(&r->text, '\n');
	}
	r->st = mem_calloc((size_t)r->n, sizeof(*r->st));
	r->state = mem_calloc((size_t)r->n, 1);
	b->link_run = r;
	b->linking = b->link_spare;
	b->link_spare = NULL;
	b->nlinking = 0;
	r->threaded = jobs_thread(&r->thread, link_batch, r) == 0;
	if (!r->threaded)
		link_batch(r);
}

struct staged *
build_link_add(struct build *b, struct prepared *p)
{
	if (b->nlinking == BUILD_LINK_BATCH)
		link_hand(b);
	if (!b->linking)
		b->linking = mem_alloc(sizeof(*b->linking) * BUILD_LINK_BATCH);
	int cap = BUILD_LINK_BATCH;
	struct staged *sg = build_staged_add(&b->linking, &b->nlinking, &cap, p);
	sg->fd = p->fd;
	p->prewritten = false;	/* the batch owns the descriptor */
	b->nlinking++;
	return sg;
}

void
build_link(struct build *b)
{
	link_hand(b);
	link_wait(b);
}

bool
build_read_pending(struct build *b, const struct manifest_target *mt, int nt, struct buf *say)
{
	size_t len = 0;
	bool missing = false;
	char *text = outdir_read(&b->out, OUTDIR_PENDING, &len, &missing, say, NULL);
	if (!text)
		return missing;
	b->pending_read = true;
	struct buf file = {0};
	buf_printf(&file, "%s/" OUTDIR_PENDING, b->bo->outdir);
	struct manifest p = {0};
	int bad = manifest_parse(text, len, file.data, mt, nt, &p, say);
	if (b->bo->check)
		b->c.problems += bad;
	/* the manifest's entries and outputs stand; the pending list adds the others */
	struct manifest *m = &b->before;
	int nnew = 0, *fresh = mem_calloc((size_t)p.entries.n + 1, sizeof(*fresh));
	struct buf name = {0};
	for (int i = 0; i < p.entries.n; i++) {	/* asked before any is added: adding unindexes */
		entry_path(&name, p.entries.v[i]);
		if (!names_has(&m->entries, name.data))
			fresh[nnew++] = i;
	}
	for (int k = 0; k < nnew; k++) {
		entry_path(&name, p.entries.v[fresh[k]]);
		names_add_record(&m->entries, name.data, names_entry_record(p.entries.v[fresh[k]]));
	}
	if (nnew)
		names_sort(&m->entries);
	buf_free(&name);
	free(fresh);
	struct arena a = {0};	/* outputs by "NAME DIR": every list repeats them */
	struct strmap known = {0};
	int n0 = m->noutputs;
	for (int k = 0; k < n0 + p.noutputs; k++) {
		const struct manifest_output *o = k < n0 ? &m->outputs[k] : &p.outputs[k - n0];
		char *key = arena_printf(&a, "%s %s", o->name, o->dir);
		if (strmap_put(&a, &known, key, strlen(key), k) < 0 && k >= n0) {
			m->outputs = mem_realloc(m->outputs, sizeof(*o) * (size_t)(m->noutputs + 1));
			m->outputs[m->noutputs++] = *o;
		}
	}
	arena_free(&a);
	manifest_free(&p);
	free(text);
	buf_free(&file);
	return true;
}
