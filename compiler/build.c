/*
 * build.c: `sigmacc build`, the detection-as-code command. Compiles every rule
 * file for every output (a target compiled one way, build_outputs.c) into
 * OUTDIR/<output dir>/<rule path>.<ext>, writes a file only when its bytes
 * change (atomically) and removes the outputs it wrote earlier for rule files
 * that are gone (tracked in OUTDIR/.sigmacc-manifest, which it owns; its
 * records let it skip rules whose inputs did not change, build_records.c),
 * then prints a summary. With --check it writes nothing, compiles every rule
 * and lists every missing, stale or orphaned output instead.
 *
 * The order of the writes keeps every output tracked whatever kills the
 * build: changed outputs are staged as temporaries; once all are staged the
 * manifest grows to the union of the old entries and the new outputs; only
 * then are the outputs renamed into place and the orphans removed; last, the
 * manifest shrinks to what is there. Every access below OUTDIR goes through
 * outdir.c, which never follows a link.
 */
#include "build_impl.h"
#include "base.h"
#include "output.h"
#include "files.h"
#include "jobs.h"
#include "manifest.h"
#include "outdir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The -p pipelines, each loaded once; an output stacks those for its target.
 * False after a message when one cannot be loaded or is for none of the
 * targets of this build. */
static bool
build_load_pipelines(const struct build_options *bo, struct pipeline **pls)
{
	for (int k = 0; k < bo->npipelines; k++) {
		pls[k] = pipeline_load(bo->templates, bo->pipelines[k]);
		if (!pls[k])
			return false;
		bool used = false;
		for (int i = 0; i < bo->noutputs; i++)
			used |= pipeline_serves(pls[k], bo->outputs[i].be->name);
		if (!used) {
			fprintf(stderr, "sigmacc: pipeline '%s' is for target %s, which this build "
				"does not build\n", pls[k]->name, pls[k]->target);
			return false;
		}
	}
	return true;
}

/* What the build says on stderr about one rule file is written at once, when its
 * outputs are done or before anything goes to stdout: one write, not one per message
 * (stderr has no buffer), and the same order. When neither stream is a terminal
 * (stdout then has a buffer of its own), in blocks of BUILD_SAY_BLOCK bytes. */
#define BUILD_SAY_BLOCK 65536

static void
build_say(struct build *b, const char *text)
{
	buf_puts(&b->say, text ? text : "");
}

static void
build_flush_say(struct build *b)
{
	if (b->say.len)
		fwrite(b->say.data, 1, b->say.len, stderr);
	buf_clear(&b->say);
}

static void
build_said(struct build *b)
{
	if (!b->blocks || b->say.len >= BUILD_SAY_BLOCK)
		build_flush_say(b);
}

/* A --check finding on stdout: "stale: OUTDIR/REL (WHY)" in the human form, else an
 * error at the output's path in the --diagnostics form, for pull-request annotations.
 * The JSON form names the output's directory as its target and a code:
 * missing-output, stale-output or orphaned-output. */
static void
build_finding(struct build *b, const char *what, const char *rel, struct compiled *c)
{
	build_said(b);
	struct buf path = {0}, out = {0}, why = {0};
	buf_printf(&path, "%s/%s", b->bo->outdir, rel);
	const char *reason = !strcmp(what, "stale") ? stale_reason(b, rel, c, &why) : NULL;
	if (b->s->diagfmt == DIAGFMT_HUMAN) {
		printf("%s: %s", what, path.data);
		printf(reason ? " (%s)\n" : "\n", reason);
	} else {
		struct buf target = {0};	/* an output's path starts with its directory */
		buf_putn(&target, rel, strcspn(rel, "/"));
		char code[32];
		struct diag d = {.target = target.data};
		snprintf(code, sizeof(code), "%s-output", what);
		diag_error(&d, (struct pos){path.data, 0, 0}, "%s output%s%s%s: %s", what,
			   reason ? " (" : "", reason ? reason : "", reason ? ")" : "",
			   !strcmp(what, "orphaned") ? "its rule file is gone; run sigmacc build to remove it" :
			   "run sigmacc build to regenerate it from its rule");
		diag_set_code(&d, code);
		driver_render(b->s, &d, &out);
		fputs(out.data ? out.data : "", stdout);
		diag_clear(&d);
		buf_free(&target);
	}
	buf_free(&path);
	buf_free(&out);
	buf_free(&why);
}

/* Brings one output up to date (out staged when it differs), or reports it for
 * --check, from what its worker found on disk (build_prepare). An output that
 * could not be compared or staged is tracked only when it was before (it may
 * be there). Its record: the rule's hashes, the hash of the bytes it holds,
 * then versions (the content versions it was rendered with, or NULL). */
static void
build_update_output(struct build *b, const char *name, struct prepared *p, struct compiled *c,
		    const struct buf *versions, const struct buf *out)
{
	struct buf record = {0};
	struct staged *sg = NULL;	/* to be written */
	bool track = p->st != OUTDIR_ERROR;
	if (p->st == OUTDIR_SAME) {
		b->c.unchanged++;
	} else if (p->st == OUTDIR_ERROR) {
		b->c.failed++;
	} else if (b->bo->check) {
		build_finding(b, p->st == OUTDIR_MISSING ? "missing" : "stale", name, c);
		b->c.problems++;
	} else if (p->prewritten && outdir_link_ready(&b->out)) {
		sg = build_link_add(b, p);
	} else {
		if (p->prewritten) {	/* no way to name it here: staged from its bytes */
			close(p->fd);
			p->prewritten = false;
		}
		sg = build_staged_add(&b->staged, &b->nstaged, &b->capstaged, p);
		track = outdir_stage(&b->out, name, out->data ? out->data : "", out->len, sg->tmp,
				     &p->err);
		if (track)
			b->nstaged++;
		else
			b->c.failed++;
	}
	if (!b->bo->check && c->hashed) {	/* --check writes no manifest */
		buf_printf(&record, "%s %s %s", c->rule, c->lists, p->hex);
		if (versions && versions->len)
			buf_putn(&record, versions->data, versions->len);
	}
	const char *rel = track ? names_add_record(&b->now, name, record.data) : NULL;
	if (rel && sg)
		sg->rel = rel;
	else if (!track && names_has(&b->before.entries, name))
		names_add_record(&b->kept, name, names_record(&b->before.entries, name));
	build_say(b, p->err.data);
	buf_free(&record);
}

/* The name of a rule file's output, or NULL after a message when it cannot be one. */
static bool
build_name(struct build *b, const struct output *t, const struct rulefile *f, struct buf *name)
{
	output_name(name, f->root, f->file, t->rec.dir, t->ext);
	const char *why = manifest_check(name->data);
	if (!why)
		return true;
	struct buf err = {0};	/* the walk refuses such names; this keeps the manifest sound anyway */
	buf_puts(&err, "sigmacc: ");
	files_put_name(&err, f->file);
	buf_puts(&err, ": error: output name '");
	files_put_name(&err, name->data);
	buf_printf(&err, "' refused: it %s\n", why);
	build_say(b, err.data);
	buf_free(&err);
	b->c.failed++;
	return false;
}

/* A declared refusal that happened (skipped), or that no longer happens (a warning). */
static void
build_expected(struct build *b, const struct output *t, const char *file,
	       const struct build_refusal *r, bool refused)
{
	struct buf msg = {0};
	buf_puts(&msg, "sigmacc: ");
	files_put_name(&msg, file);
	if (refused) {
		buf_printf(&msg, ": skipped for output %s: an expected refusal%s%s\n", t->rec.name,
			   r->reason ? ": " : "", r->reason ? r->reason : "");
		b->c.skipped++;
	} else {
		buf_printf(&msg, ": warning: output %s compiles it; its expected refusal in the "
			   "project file no longer happens\n", t->rec.name);
	}
	build_say(b, msg.data);
	buf_free(&msg);
}

/* Brings one output's file of one compiled rule file up to date (or checks it).
 * What loading said is printed before the first output's messages. */
static void
build_one(struct build *b, int i, struct compiled *c, int k, bool *said)
{
	const struct output *t = &b->t[k];
	const struct rulefile *f = &b->items[i];
	struct buf name = {0}, beside = {0};
	if (c->made[k] == MADE_SCOPED) {
		b->c.skipped++;
		return;
	}
	if (c->made[k] == MADE_FRESH) {	/* the worker found their entries: not copied */
		for (int n = 0; n < 1 + (t->beside != NULL); n++) {
			b->c.unchanged++;
			names_add_entry(&b->now, c->disk[2 * k + n].entry);
		}
		return;
	}
	if (!build_name(b, t, f, &name))
		goto done;
	if (t->beside)
		beside_name(&beside, name.data, t->ext, t->beside);
	if (!*said)
		build_say(b, c->load.data);
	*said = true;
	if (c->expected[k]) {
		b->refusal_seen[c->expected[k] - b->bo->refusals] = true;
		build_expected(b, t, f->file, c->expected[k], !c->ok[k]);
	} else {
		build_say(b, c->err[k].data);
	}
	if (c->ok[k]) {
		/* no text: every document is an input of a correlation elsewhere, no output */
		if (c->out[k].len)
			build_update_output(b, name.data, &c->disk[2 * k], c, &c->versions[k], &c->out[k]);
		if (c->out[k].len && t->beside)
			build_update_output(b, beside.data, &c->disk[2 * k + 1], c, NULL, &c->beside[k]);
	} else if (c->expected[k] && c->hashed && !b->bo->check) {	/* recorded: build_fresh_refusal */
		struct buf record = {0};
		buf_puts(&record, c->rule);
		buf_putc(&record, ' ');
		buf_puts(&record, c->lists);
		names_add_record(&b->refused, name.data, record.data);
		buf_free(&record);
	}
	if (!c->ok[k] && !c->expected[k]) {
		b->c.failed++;
		b->c.refused++;
		for (int n = 0; n < 1 + (t->beside != NULL); n++) {
			const char *file = n ? beside.data : name.data;
			if (names_has(&b->before.entries, file))	/* a failing rule keeps its last output */
				names_add_record(&b->kept, file, names_record(&b->before.entries, file));
		}
	}
done:
	buf_free(&name);
	buf_free(&beside);
}

/* Renames the staged outputs into place, after the manifest tracks every one of them. */
static void
build_commit(struct build *b)
{
	build_link(b);	/* a file whose name something took meanwhile is staged */
	build_flush_say(b);
	if (!b->nstaged)
		return;
	struct names all = {0};
	for (int i = 0; i < b->now.n; i++)
		names_add_entry(&all, b->now.v[i]);
	for (int i = 0; i < b->before.entries.n; i++)
		if (!names_has(&b->now, b->before.entries.v[i]))
			names_add_entry(&all, b->before.entries.v[i]);
	names_sort(&all);
	struct buf err = {0};
	struct stat st;
	bool ok = outdir_sync(&b->out, &err) && build_write_manifest(b, &all);
	fputs(err.data ? err.data : "", stderr);
	buf_clear(&err);
	for (int i = 0; i < b->nstaged; i++) {
		if (!ok)
			outdir_discard(&b->out, b->staged[i].tmp);
		else if (outdir_commit(&b->out, b->staged[i].tmp, names_path(&all, b->staged[i].rel),
				       &st, &err))
			build_written(b, &b->staged[i], &st);
		if (!ok || err.len)
			b->c.failed++;
		fputs(err.data ? err.data : "", stderr);
		buf_clear(&err);
	}
	buf_free(&err);
	names_free(&all);
}

/* Is entry's path in s? For a set sorted as the manifest's entries are, asked
 * in their order, a cursor (*at) that only moves forward answers: no hashing of
 * 680,000 paths twice in an unchanged build of a large repository. */
static bool
build_holds(const struct names *s, bool merge, int *at, const char *entry)
{
	if (!merge)
		return names_has(s, entry);
	while (*at < s->n && names_compare(s->v[*at], entry) < 0)
		(*at)++;
	return *at < s->n && !names_compare(s->v[*at], entry);
}

/* Removes (or, for --check, lists) the outputs of the last build whose rule file is gone. */
static void
build_remove_orphans(struct build *b, struct names *carry)
{
	struct buf err = {0};
	bool merge = b->before.entries.sorted && b->now.sorted && b->kept.sorted;
	int in_now = 0, in_kept = 0;
	for (int i = 0; i < b->before.entries.n; i++) {
		const char *entry = b->before.entries.v[i];
		if (build_holds(&b->now, merge, &in_now, entry) ||
		    build_holds(&b->kept, merge, &in_kept, entry))
			continue;
		const char *e = names_path(carry, entry);
		if ((built_output(b->t, b->nt, e) < 0 && !b->complete) || !b->may_remove) {
			names_add_entry(carry, entry);	/* another output's: not ours to judge */
		} else if (b->bo->check) {
			build_finding(b, "orphaned", e, NULL);
			b->c.problems++;
		} else {
			bool intact = orphan_intact(b, e, names_record(&b->before.entries, e), &err);
			if (intact && outdir_remove(&b->out, e, &err)) {
				b->c.removed++;
			} else if (intact) {
				b->c.failed++;
				names_add_entry(carry, entry);	/* still there: still tracked */
			}
		}
		fputs(err.data ? err.data : "", stderr);
		buf_clear(&err);
	}
	buf_free(&err);
}

/* Which outputs of rule file i need compiling; false when none does. --check
 * trusts no record: it skips only an output the stat cache knows this checkout
 * compiled from these inputs (build_vouched). The look for correlations hashed
 * the file and kept its text (b->texts) within its budget; a file not kept is
 * read again only for the words an expected refusal by id may name, or to compile. */
static bool
build_plan(struct build *b, int worker, int i, struct compiled *c)
{
	size_t len = 0;
	const char *why;
	c->file = b->items[i].file;
	const struct refusal_index *x = b->bo->rindex;
	bool words = x && (x->ids.n || x->nodd);
	struct stat st;
	char *text = files_kept_take(&b->texts, i, &len);	/* the bytes hashed */
	if (!text && (!c->hashed || words)) {
		c->hashed = false;
		text = files_read_stat(c->file, &len, &why, &st);
		if (text)	/* unreadable: compiled, and loading says why */
			build_hash_rule(b, c, text, len, &st);
	}
	refusal_heads_find(b->bo, b->items[i].clean, text, len, &c->heads);
	bool need = false;
	for (int k = 0; k < b->nt; k++) {
		if (!output_in_scope(&b->t[k], b->items[i].clean))
			c->made[k] = MADE_SCOPED;
		else if (c->hashed && build_fresh(b, worker, i, k, c))
			c->made[k] = MADE_FRESH;
		else if (c->hashed && b->bo->check && build_vouched(b, worker, i, k, c))
			c->made[k] = MADE_FRESH;	/* compiled here from these inputs */
		else if (c->hashed && (c->expected[k] = build_fresh_refusal(b, i, k, c)))
			c->made[k] = MADE_REFUSED;	/* c->ok[k] false: reported as compiled */
		/* a message said for an output compiled before is not said again for this
		 * one (driver.c): a remembered failure is said only where none is */
		else if (c->hashed && !need && (c->expected[k] = build_cached_refusal(b, i, k, c)))
			c->made[k] = MADE_FAILED;	/* said as the expected refusal it is */
		else if (c->hashed && !need && build_cached_failure(b, i, k, c))
			c->made[k] = MADE_FAILED;	/* c->ok[k] false: reported as compiled */
		else
			need = true;
	}
	if (need) {	/* compiled from the bytes hashed */
		c->text = text;
		c->len = len;
	} else {
		free(text);
	}
	return need;
}

/* Several rules of one file in out: joined into one valid file, as s->tpl joins them. */
static void
build_join(struct session *s, struct buf *out)
{
	if (s->npieces < 2)
		return;
	struct buf joined = {0};
	output_join(s, out, s->compact, -1, &joined);
	buf_free(out);
	*out = joined;
}

/* Emits the rules of u for the session's output into out, as one valid file. */
static bool
build_emit(struct session *s, const struct unit *u, struct buf *out, struct buf *err)
{
	driver_forget_pieces(s);	/* the rules of this file for this output only */
	bool ok = driver_emit(s, u, out, err);
	if (ok)
		build_join(s, out);
	return ok;
}

/* The recorded content versions of output k's file of rule file i, for an output
 * whose format renders {{query_version}} (none otherwise). */
static void
build_versions_start(const struct build *b, int i, int k, struct content_versions *cv)
{
	const struct output *t = &b->t[k];
	struct buf name = {0};
	if (t->versioned)
		output_name(&name, b->items[i].root, b->items[i].file, t->rec.dir, t->ext);
	content_versions_start(cv, name.data ? names_record(&b->before.entries, name.data) : NULL);
	buf_free(&name);
}

/* query_beside: the bare query of the same rules, rendered by the format's template
 * reduced to its query, joined as bare queries are (a comment naming each rule).
 * Compiling them again says what the format's file said: only a failure is kept. */
static bool
build_beside(struct session *s, const struct unit *u, const struct output *t, struct buf *out,
	     struct buf *err)
{
	int nrules = s->nrules, nfailed = s->nfailed;
	struct buf said = {0};
	s->tpl = &t->bare;
	driver_forget_pieces(s);
	bool ok = driver_emit(s, u, out, &said);
	s->tpl = NULL;	/* the join of bare queries */
	if (ok)
		build_join(s, out);
	s->tpl = t->tpl;
	if (!ok)
		buf_putn(err, said.data ? said.data : "", said.len);
	buf_free(&said);
	s->nrules = nrules;	/* the same rules: counted once */
	s->nfailed = nfailed;
	return ok;
}

/* A worker: compares one file to write with OUTDIR (and hashes it), so that
 * reading the outputs of a build runs on every worker, and writes a missing one
 * where it belongs as a file without a name (build_link names it). Replacing a
 * file stays on the writing thread: temporaries created from several threads
 * at once in sigmacc's one directory contend for its lock. */
static void
build_prepare_one(struct build *b, int worker, const char *name, const struct buf *out, int i,
		  int k, int n, const struct compiled *c, struct prepared *p)
{
	const char *data = out->data ? out->data : "";
	struct outdir *view = &b->views[worker];
	struct stat st;
	bool track = !b->bo->check && c->hashed;	/* --check writes no manifest and no cache */
	p->cached = STAT_NONE;	/* compiled: whatever the look for a fresh file found is past */
	p->keyed = track && build_output_key(b, i, k, n, c, p->key);
	p->st = outdir_compare(view, name, data, out->len, p->keyed ? &st : NULL, &p->err);
	if (track)
		hash_bytes_hex(data, out->len, p->hex);
	if (p->st == OUTDIR_MISSING && !b->bo->check)
		p->prewritten = (p->fd = outdir_prewrite(view, name, data, out->len)) >= 0;
	struct timespec now;	/* found as compiled: the next build's cache keeps its key */
	if (p->keyed && p->st == OUTDIR_SAME && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	    statcache_compiled(&p->stat, &st, p->hex, p->key, &now))
		p->cached = STAT_HASHED;
}

/* A worker: prepares every file that build_one will bring up to date. */
static void
build_prepare(struct build *b, int worker, int i, struct compiled *c)
{
	struct buf name = {0}, beside = {0};
	for (int k = 0; k < b->nt; k++) {
		const struct output *t = &b->t[k];
		if (c->made[k] != MADE_COMPILED || !c->ok[k] || !c->out[k].len)
			continue;
		output_name(&name, b->items[i].root, b->items[i].file, t->rec.dir, t->ext);
		if (manifest_check(name.data))	/* build_name says why */
			continue;
		build_prepare_one(b, worker, name.data, &c->out[k], i, k, 0, c, &c->disk[2 * k]);
		if (t->beside) {
			beside_name(&beside, name.data, t->ext, t->beside);
			build_prepare_one(b, worker, beside.data, &c->beside[k], i, k, 1, c,
					  &c->disk[2 * k + 1]);
		}
	}
	buf_free(&name);
	buf_free(&beside);
}

/* A worker: loads rule file i once and compiles it for every output that
 * needs it. It only fills b->done[i]; build_consume prints and writes. */
static void
build_work(void *ctx, int worker, int i)
{
	struct build *b = ctx;
	struct session *s = &b->workers[worker];
	struct compiled *c = &b->done[i];
	size_t nt = (size_t)(b->nt ? b->nt : 1);
	c->out = mem_calloc(nt, sizeof(*c->out));
	c->err = mem_calloc(nt, sizeof(*c->err));
	c->beside = mem_calloc(nt, sizeof(*c->beside));
	c->versions = mem_calloc(nt, sizeof(*c->versions));
	c->ok = mem_calloc(nt, sizeof(*c->ok));
	c->said_all = mem_calloc(nt, sizeof(*c->said_all));
	c->made = mem_calloc(nt, sizeof(*c->made));
	c->expected = mem_calloc(nt, sizeof(*c->expected));
	c->disk = mem_calloc(2 * nt, sizeof(*c->disk));
	if (!build_plan(b, worker, i, c))
		return;
	struct unit u;
	driver_load_text(s, &u, b->items[i].file, c->text, c->len);
	c->text = NULL;
	buf_clear(&c->load);	/* not what a remembered failure said: the same, said now */
	driver_render(s, &u.load, &c->load);
	const char **ids = mem_calloc((size_t)u.nrules + 1, sizeof(*ids));
	for (int r = 0; r < u.nrules; r++)
		ids[r] = u.rules[r]->id;
	for (int k = 0; k < b->nt; k++) {
		if (c->made[k] != MADE_COMPILED)
			continue;
		const struct output *t = &b->t[k];
		s->be = t->be;
		s->tpl = t->tpl;
		s->format = t->spec->format;
		s->opts.target = t->be->name;
		s->opts.pipeline = t->pl;
		s->opts.backend_opts = t->spec->opts;
		s->opts.nbackend_opts = t->spec->nopts;
		c->expected[k] = output_expected(b->bo, t, &c->heads, ids, u.nrules);
		struct content_versions cv;
		build_versions_start(b, i, k, &cv);
		s->opts.versions = t->versioned ? &cv : NULL;
		long dropped = s->dropped;
		c->ok[k] = build_emit(s, &u, &c->out[k], &c->err[k]);
		c->said_all[k] = s->dropped == dropped;
		s->opts.versions = NULL;
		content_versions_record(&cv, &c->versions[k]);
		content_versions_free(&cv);
		if (c->ok[k] && t->beside)
			c->ok[k] = build_beside(s, &u, t, &c->beside[k], &c->err[k]);
	}
	free(ids);
	driver_unload(&u);
	build_prepare(b, worker, i, c);
}

/* In file order on the main thread: every output's file of rule file i, with a
 * progress line on a terminal. */
static void
build_consume(void *ctx, int i)
{
	struct build *b = ctx;
	struct compiled *c = &b->done[i];
	bool said = false;
	for (int k = 0; k < b->nt; k++) {
		if (b->tty)
			buf_printf(&b->say, "\r\033[K[%d/%d] %s %s", ++b->progress, b->nitems * b->nt,
				b->t[k].rec.name, b->items[i].file);
		build_one(b, i, c, k, &said);
		build_keep_failure(b, i, k, c);
		bool kept = c->made[k] == MADE_FRESH || c->made[k] == MADE_COMPILED;
		for (int d = 2 * k; kept && d < 2 * k + 2; d++)
			if (c->disk[d].cached != STAT_NONE) {	/* what the next build may skip */
				statcache_add(&b->next, &c->disk[d].stat);
				b->next.changed |= c->disk[d].cached == STAT_HASHED;
			}
		buf_free(&c->out[k]);
		buf_free(&c->err[k]);
		buf_free(&c->beside[k]);
		buf_free(&c->versions[k]);
		for (int d = 2 * k; d < 2 * k + 2; d++) {
			if (c->disk[d].prewritten)	/* not written after all: the file vanishes */
				close(c->disk[d].fd);
			buf_free(&c->disk[d].err);
		}
	}
	build_said(b);
	buf_free(&c->load);
	free(c->out);
	free(c->err);
	free(c->beside);
	free(c->versions);
	free(c->ok);
	free(c->said_all);
	free(c->made);
	free(c->expected);
	free(c->disk);
	refusal_heads_free(&c->heads);
}

/* Every rule file, loaded once and compiled for every output on bo->jobs
 * workers, its outputs written in the order of the files whatever the workers. */
static void
build_all(struct build *b, const struct pathlist *files, const char *const *paths, int npaths)
{
	int nw = b->bo->jobs > 0 ? b->bo->jobs : jobs_cpus();
	b->tty = isatty(2) && !getenv("CI");
	b->blocks = !isatty(1) && !isatty(2);
	for (int p = 0; p < npaths; p++)
		b->nitems += files[p].n;
	size_t n = (size_t)(b->nitems ? b->nitems : 1);
	b->items = mem_calloc(n, sizeof(*b->items));
	b->workers = mem_calloc((size_t)nw, sizeof(*b->workers));
	b->views = mem_calloc((size_t)nw, sizeof(*b->views));
	int k = 0;
	for (int p = 0; p < npaths; p++)
		for (int f = 0; f < files[p].n; f++)
			b->items[k++] = (struct rulefile){paths[p], files[p].v[f],
							  files_path_clean(files[p].v[f])};
	if (!b->bo->check)	/* files in flight: 32N rule files' outputs, a batch, directories */
		outdir_link_budget(&b->out, 32L * nw * 2 * (b->nt ? b->nt : 1) + BUILD_LINK_BATCH +
					    (long)OUTDIR_DIRS * (nw + 1) + 64);
	for (int w = 0; w < nw; w++) {
		b->workers[w] = *b->s;
		b->workers[w].arena = (struct arena){0};
		b->workers[w].pieces = NULL;
		b->workers[w].npieces = b->workers[w].cappieces = 0;
		b->workers[w].seen = NULL;
		b->workers[w].nseen = b->workers[w].capseen = 0;
		outdir_view(&b->out, &b->views[w]);
	}
	/* workers run at most 32N files ahead of the writes: memory stays that many rules'
	 * outputs, and threads wake in batches of 8N files (jobs.c) */
	struct jobs j = {b->nitems, nw, 32 * nw, build_work, build_consume, b};
	jobs_run(&j);
	for (int w = 0; w < nw; w++) {
		b->s->nrules += b->workers[w].nrules;
		b->s->nfailed += b->workers[w].nfailed;
		arena_free(&b->workers[w].arena);
		driver_free(&b->workers[w]);	/* its pieces and seen set, never the main session's */
		outdir_view_close(&b->views[w]);
	}
	build_flush_say(b);
	for (int i = 0; i < b->nitems; i++)
		free(b->items[i].clean);
	free(b->items);
	free(b->workers);
	free(b->views);
	if (b->tty)
		fputs("\r\033[K", stderr);
}

/* The summary line; "N skipped" only when a rule was skipped. */
static void
build_summary(const struct build *b)
{
	char skipped[48] = "";
	if (b->c.skipped)
		snprintf(skipped, sizeof(skipped), ", %d skipped", b->c.skipped);
	if (b->bo->check)
		fprintf(stderr, "sigmacc build --check: %d up to date, %d missing or stale or orphaned"
			"%s, %d failed\n", b->c.unchanged, b->c.problems, skipped, b->c.failed);
	else
		fprintf(stderr, "sigmacc build: %d written, %d unchanged, %d removed%s, %d failed\n",
			b->c.written, b->c.unchanged, b->c.removed, skipped, b->c.failed);
}

/* An expected refusal that concerned no rule file of any output: a typo, or a rule gone. */
static void
build_unseen_refusals(const struct build *b)
{
	for (int i = 0; i < b->bo->nrefusals; i++)
		if (!b->refusal_seen[i])
			fprintf(stderr, "sigmacc: warning: the expected refusal of %s by %s concerns no rule "
				"this build compiled for it\n", b->bo->refusals[i].rule,
				b->bo->refusals[i].output);
}

/* After the outputs: place them, remove the orphans, write the final manifest. */
static void
build_finish(struct build *b)
{
	build_unseen_refusals(b);
	struct names final = {0};
	if (b->bo->check) {	/* writes nothing: the orphans need only membership */
		names_index(&b->now);
		names_index(&b->kept);
		build_remove_orphans(b, &final);
		names_free(&final);
		build_summary(b);
		return;
	}
	names_sort(&b->now);
	names_sort(&b->kept);
	build_carry_refusals(b);
	build_commit(b);
	build_remove_orphans(b, &final);
	for (int i = 0; i < b->now.n; i++)
		names_add_entry(&final, b->now.v[i]);
	for (int i = 0; i < b->kept.n; i++)
		names_add_entry(&final, b->kept.v[i]);
	names_sort(&final);
	if (!build_write_manifest(b, &final))
		b->c.failed++;
	else	/* the manifest tracks every output the pending list named */
		outdir_pending_clear(&b->out);
	names_free(&final);
	/* what the next build may skip */
	if (b->next.changed || b->next.n != b->cache.n || b->next.nf != b->cache.nf) {
		struct buf bytes = {0};
		statcache_write(&b->next, &bytes);
		outdir_lock_write(&b->out, bytes.data, bytes.len);	/* else no cache next time */
		buf_free(&bytes);
	}
	build_summary(b);
}

int
build_run(struct session *s, const struct build_options *bo, const char *const *paths,
	  int npaths)
{
	struct build b = {.s = s, .bo = bo};
	struct output *t = NULL;
	struct arena stack = {0};
	struct pipeline **pls = mem_calloc((size_t)bo->npipelines + 1, sizeof(*pls));
	if (!build_load_pipelines(bo, pls)) {
		for (int k = 0; k < bo->npipelines; k++)
			pipeline_free(pls[k]);
		free(pls);
		return 2;
	}
	int nt = outputs_load(bo, &s->opts, pls, &stack, &t, &b.c.failed);
	list_digests_init(&b.ld, s->opts.vars);
	build_binary_hash(b.binary);
	struct buf err = {0};
	struct pathlist *files = mem_calloc((size_t)(npaths > 0 ? npaths : 1), sizeof(*files));
	bool opened = outdir_open(&b.out, bo->outdir, !bo->check, &err);
	fputs(err.data ? err.data : "", stderr);
	b.may_remove = true;	/* until a PATH cannot be walked */
	b.complete = bo->complete && nt == bo->noutputs;
	if (!opened || !build_prologue(&b, t, nt, paths, npaths, files)) {
		b.c.failed++;
		goto done;
	}
	b.t = t;
	b.nt = nt;
	b.refusal_seen = mem_calloc((size_t)bo->nrefusals + 1, sizeof(*b.refusal_seen));
	b.whole = s->filters || s->corr_index;
	build_all(&b, files, paths, npaths);
	corr_index_free((struct corr_index *)s->corr_index);
	s->corr_index = NULL;
	build_finish(&b);
done:
	corr_index_free((struct corr_index *)s->corr_index);	/* built for a manifest unread */
	s->corr_index = NULL;
	outdir_close(&b.out);
	for (int p = 0; p < npaths; p++)
		files_free(&files[p]);
	free(files);
	free(b.done);
	files_kept_free(&b.texts);
	free(b.staged);
	free(b.linking);
	free(b.link_spare);
	manifest_free(&b.before);
	names_free(&b.now);
	names_free(&b.kept);
	names_free(&b.refused);
	statcache_free(&b.cache);
	free(b.cache_bytes);
	statcache_free(&b.next);
	buf_free(&b.disk);
	buf_free(&b.say);
	buf_free(&err);
	list_digests_free(&b.ld);
	free(b.refusal_seen);
	outputs_free(t, nt);
	free(t);
	for (int k = 0; k < bo->npipelines; k++)
		pipeline_free(pls[k]);
	free(pls);
	arena_free(&stack);
	/* -s: a rule a target refuses is reported, the exit status is the other failures' */
	int failed = b.c.failed - (bo->skip_unsupported ? b.c.refused : 0);
	return failed || b.c.problems ? 1 : 0;
}
