/*
 * build_records.c: what `sigmacc build` reads from and writes to its manifest:
 * the output names, the manifest read and written with each output's line, the
 * records that let a build skip compiling an unchanged rule (build_fresh),
 * why a stale output is stale, and whether an orphan is still what sigmacc
 * wrote. The build itself is build.c.
 */
#include "build_impl.h"
#include "base.h"
#include "files.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The output name of a rule file: its path below the PATH argument, without .yml. */
void
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
	buf_clear(b);	/* TARGET/rel.EXT, once per rule and output: no printf */
	buf_puts(b, target);
	buf_putc(b, '/');
	buf_putn(b, rel, len);
	buf_putc(b, '.');
	buf_puts(b, ext);
}

void
beside_name(struct buf *b, const char *name, const char *ext, const char *beside)
{
	buf_clear(b);
	buf_putn(b, name, strlen(name) - strlen(ext));
	buf_puts(b, beside);
}

/* Finds each output's line in the manifest just read. */
static void
build_match_outputs(struct build *b, struct output *t, int nt)
{
	for (int i = 0; i < nt; i++)
		for (int k = 0; k < b->before.noutputs && !t[i].was; k++)
			if (!strcmp(b->before.outputs[k].name, t[i].rec.name) &&
			    !strcmp(b->before.outputs[k].dir, t[i].rec.dir))
				t[i].was = &b->before.outputs[k];
}

/* Reads the manifest; its invalid entries are reported and left out (a problem for --check). */
bool
build_read_manifest(struct build *b, struct output *t, int nt, struct buf *say)
{
	struct buf err = {0}, file = {0};
	size_t len = 0;
	bool missing = false;
	char *text = outdir_read(&b->out, OUTDIR_MANIFEST, &len, &missing, &err, NULL);
	struct manifest_target *mt = mem_calloc((size_t)(nt ? nt : 1), sizeof(*mt));
	for (int i = 0; i < nt; i++)
		mt[i] = (struct manifest_target){t[i].rec.dir, t[i].ext, t[i].beside};
	if (text) {
		buf_printf(&file, "%s/" OUTDIR_MANIFEST, b->bo->outdir);
		int bad = manifest_parse(text, len, file.data, mt, nt, &b->before, &err);
		if (b->bo->check)
			b->c.problems += bad;
		b->disk = (struct buf){.data = text, .len = len, .cap = len + 1};	/* kept as read */
	}
	if (!b->before.entries.indexed) {	/* no manifest: manifest_parse indexes one */
		names_sort(&b->before.entries);
		names_sort(&b->before.refused);
	}
	bool pending = build_read_pending(b, mt, nt, &err);
	free(mt);
	build_match_outputs(b, t, nt);
	buf_puts(say, err.data ? err.data : "");
	buf_free(&err);
	buf_free(&file);
	return (text || missing) && pending;
}

/* Is the output path below the directory of one of this build's outputs? Which one (or -1). */
int
built_output(const struct output *t, int nt, const char *path)
{
	for (int i = 0; i < nt; i++) {
		size_t n = strlen(t[i].rec.dir);
		if (!strncmp(path, t[i].rec.dir, n) && path[n] == '/')
			return i;
	}
	return -1;
}

/* The lines of the outputs for the manifest of set: this build's, then the
 * earlier ones of outputs not built now that still have files in set. */
static int
build_manifest_outputs(const struct build *b, const struct names *set,
		       struct manifest_output **out)
{
	struct manifest_output *o = mem_calloc((size_t)(b->nt + b->before.noutputs + 1), sizeof(*o));
	int n = 0;
	for (int i = 0; i < b->nt; i++)
		o[n++] = b->t[i].rec;
	for (int k = 0; k < b->before.noutputs; k++) {
		const struct manifest_output *m = &b->before.outputs[k];
		bool built = false, used = false;
		for (int i = 0; i < n && !built; i++)
			built = !strcmp(o[i].name, m->name) || !strcmp(o[i].dir, m->dir);
		size_t len = strlen(m->dir);
		for (int i = 0; i < set->n && !built && !used; i++)
			used = !strncmp(set->v[i], m->dir, len) && set->v[i][len] == '/';
		for (int i = 0; i < b->refused.n && !built && !used; i++)
			used = !strncmp(b->refused.v[i], m->dir, len) && b->refused.v[i][len] == '/';
		if (!built && used)
			o[n++] = *m;
	}
	*out = o;
	return n;
}

/* Replaces the manifest with the sorted set, unless the file already says exactly that. */
bool
build_write_manifest(struct build *b, const struct names *set)
{
	struct buf text = {0}, err = {0};
	struct manifest_output *o = NULL;
	int no = build_manifest_outputs(b, set, &o);
	bool ok = true, same = manifest_renders(o, no, &b->refused, set, b->disk.data, b->disk.len);
	if (!same)
		manifest_render(o, no, &b->refused, set, &text);
	free(o);
	if (!same) {
		char tmp[32];
		ok = outdir_stage(&b->out, OUTDIR_MANIFEST, text.data, text.len, tmp, &err);
		if (ok && !outdir_sync(&b->out, &err)) {
			outdir_discard(&b->out, tmp);
			ok = false;
		}
		ok = ok && outdir_commit(&b->out, tmp, OUTDIR_MANIFEST, NULL, &err) &&
		     outdir_sync(&b->out, &err);
	}
	if (ok && !same) {
		buf_free(&b->disk);
		b->disk = text;	/* the manifest as it now is */
		text = (struct buf){0};
	}
	fputs(err.data ? err.data : "", stderr);
	buf_free(&text);
	buf_free(&err);
	return ok;
}

/* Reads and hashes c's rule file unless done; false when it cannot be read. */
static bool
compiled_hash(const struct build *b, struct compiled *c)
{
	size_t len = 0;
	const char *why;
	char *text = c->hashed ? NULL : files_read(c->file, &len, &why);
	if (text) {	/* unreadable: compiled, and loading says why */
		rule_hashes(&b->ld, text, len, c->rule, c->lists);
		c->hashed = true;
	}
	free(text);
	return c->hashed;
}

/* Which input of a stale output changed, from the manifest's record: NULL when
 * it records nothing about it. */
const char *
stale_reason(const struct build *b, const char *rel, struct compiled *c, struct buf *why)
{
	int k = built_output(b->t, b->nt, rel);
	const struct manifest_output *was = k >= 0 ? b->t[k].was : NULL;
	struct manifest_record r;
	if (!was || !manifest_record_split(names_record(&b->before.entries, rel), &r))
		return NULL;
	const struct manifest_output *now = &b->t[k].rec;
	if (strcmp(was->version, now->version))
		buf_printf(why, "sigmacc changed from %s to %s", was->version, now->version);
	else if (strcmp(was->options, now->options))
		buf_puts(why, "the output's options changed");
	else if (strcmp(was->pipelines, now->pipelines))
		buf_puts(why, "a pipeline changed");
	else if (strcmp(was->format, now->format))
		buf_puts(why, "the format template changed");
	else if (c && compiled_hash(b, c) && strcmp(r.rule, c->rule))
		buf_puts(why, "the rule changed");
	else if (c && c->hashed && strcmp(r.lists, c->lists))
		buf_puts(why, "a value list it uses changed");
	else
		buf_puts(why, "the output was edited");
	return why->data;
}

/* May the orphan at rel be removed? Yes without a record, when it cannot be
 * read (outdir_remove then refuses a link or a directory and says so), or when
 * it holds the bytes its record says were written. No when it was edited since:
 * said, and no longer tracked, as sigmacc removes only what it wrote. */
bool
orphan_intact(struct build *b, const char *rel, const char *record, struct buf *err)
{
	struct manifest_record r;
	if (!manifest_record_split(record, &r))
		return true;
	size_t len = 0;
	bool missing = false;
	struct buf ignored = {0};
	char *data = outdir_read(&b->out, rel, &len, &missing, &ignored, NULL);
	buf_free(&ignored);
	if (!data)
		return true;
	char hex[HASH_HEX];
	hash_bytes_hex(data, len, hex);
	free(data);
	if (!strcmp(hex, r.out))
		return true;
	buf_puts(err, "sigmacc: ");
	files_put_name(err, b->bo->outdir);
	buf_puts(err, "/");
	files_put_name(err, rel);
	buf_puts(err, ": warning: not removed, it was edited after sigmacc wrote it; no longer "
		 "tracked\n");
	return false;
}

/* The key (statcache_key) of what output k of rule file i gave, of one kind: the
 * output's record, the rule's and lists' hashes, the rule file's path and the
 * executable's hash, the same for every kind. */
static void
inputs_key(const struct build *b, int i, int k, const struct compiled *c, const char *kind,
	   unsigned char key[16])
{
	const struct manifest_output *r = &b->t[k].rec;
	const char *parts[] = {kind,	 r->name,  r->dir,  r->version,	    r->options,
			       r->pipelines, r->format, c->rule, c->lists,	    b->items[i].root,
			       b->items[i].file, b->binary};
	statcache_key(parts, (int)(sizeof(parts) / sizeof(*parts)), key);
}

/* The key of output k's failure for rule file i: inputs_key and the messages'
 * format; kind "expected" for an expected refusal, kept without what compiling
 * said (the project's reason is said instead). */
static void
failure_key(const struct build *b, int i, int k, const struct compiled *c, const char *kind,
	    unsigned char key[16])
{
	char what[32];
	snprintf(what, sizeof(what), "%s failure %d", kind, (int)b->s->diagfmt);
	inputs_key(b, i, k, c, what, key);
}

/* What the stat cache remembers loading and compiling said when output k of rule
 * file i failed (kind as failure_key); what loading said goes to c unless c
 * already has it (the same for every output: the same rule file and lists). */
static bool
cached(const struct build *b, int i, int k, struct compiled *c, const char *kind,
       const char **err, size_t *nerr)
{
	unsigned char key[16];
	const char *load;
	size_t nload;
	failure_key(b, i, k, c, kind, key);
	if (!statcache_failed(&b->cache, &c->fail, key, &load, &nload, err, nerr))
		return false;
	if (!c->load.len)
		buf_putn(&c->load, load, nload);
	return true;
}

/* May output k's failure for rule file i come from the stat cache or go into it?
 * Not when files other than the rule file shape the output, nor when an expected
 * refusal may concern it (that has its own record). --check reads them too: each
 * was said by a compile of this checkout (and --check writes no cache). */
static bool
failure_cacheable(const struct build *b, int k, const struct compiled *c)
{
	const struct output *t = &b->t[k];
	return !b->whole && c->hashed && !output_expected(b->bo, t, &c->heads, NULL, 0) &&
	       !output_refusal_by_id(b->bo, t, &c->heads);
}

bool
build_cached_failure(const struct build *b, int i, int k, struct compiled *c)
{
	const char *err;
	size_t nerr;
	if (b->bo->full || !b->cache.nf || !c->fail_ok || !failure_cacheable(b, k, c) ||
	    !cached(b, i, k, c, "", &err, &nerr))
		return false;
	buf_putn(&c->err[k], err, nerr);
	return true;
}

const struct build_refusal *
build_cached_refusal(const struct build *b, int i, int k, struct compiled *c)
{
	const struct build_refusal *r;
	const char *err;
	size_t nerr;
	if (!b->bo->check || !b->cache.nf || !c->fail_ok || b->whole || !c->hashed ||
	    !(r = output_expected_path(b->bo, &b->t[k], &c->heads)))
		return NULL;
	return cached(b, i, k, c, "expected", &err, &nerr) ? r : NULL;
}

/* An expected refusal by path that compiling output k of rule file i met now, or
 * that the manifest's record let the build skip while the stat cache still
 * remembers it: kept (what loading said only) for build --check. */
static void
keep_refusal(struct build *b, int i, int k, const struct compiled *c)
{
	const struct build_refusal *r = output_expected_path(b->bo, &b->t[k], &c->heads);
	if (!r || c->expected[k] != r || c->ok[k] || b->whole)
		return;
	struct statcache_failure e = c->fail;
	failure_key(b, i, k, c, "expected", e.key);
	const char *load = c->load.data, *err;
	size_t nload = c->load.len, nerr;
	if (c->made[k] == MADE_REFUSED &&
	    !statcache_failed(&b->cache, &c->fail, e.key, &load, &nload, &err, &nerr))
		return;	/* not compiled: kept only while the cache knows it */
	statcache_add_failure(&b->next, &e, load, nload, NULL, 0);
	b->next.changed |= c->made[k] == MADE_COMPILED;
}

void
build_keep_failure(struct build *b, int i, int k, const struct compiled *c)
{
	if (b->bo->check || !c->fail_ok || !c->hashed)
		return;	/* --check writes no cache */
	if (c->made[k] == MADE_REFUSED || (c->made[k] == MADE_COMPILED && c->expected[k]))
		keep_refusal(b, i, k, c);
	/* what compiling said must be what it says after the file's loading alone, as
	 * it will be said again: no output before it was compiled, or none of its
	 * messages was left out as said before */
	bool first = true;
	for (int j = 0; j < k; j++)
		first &= c->made[j] != MADE_COMPILED;
	bool alone = first || c->said_all[k];
	bool failed = (c->made[k] == MADE_COMPILED && alone && !c->ok[k] && !c->expected[k]) ||
		      c->made[k] == MADE_FAILED;
	if (!failed || !failure_cacheable(b, k, c))
		return;
	struct statcache_failure e = c->fail;
	failure_key(b, i, k, c, "", e.key);
	statcache_add_failure(&b->next, &e, c->load.data, c->load.len, c->err[k].data,
			      c->err[k].len);
	b->next.changed |= c->made[k] == MADE_COMPILED;
}

bool
build_output_key(const struct build *b, int i, int k, int n, const struct compiled *c,
		 unsigned char key[16])
{
	if (b->whole || b->t[k].versioned || !c->hashed)
		return false;
	inputs_key(b, i, k, c, n ? "beside" : "file", key);
	return true;
}

/* Keeps in *p what the next build's stat cache may remember of a fresh file
 * (st, holding bytes that hash to hex), as kind: with key (unless NULL) when it
 * holds what this checkout compiled from those inputs, else unless it changed
 * too lately. */
static void
remember(struct prepared *p, const struct stat *st, const char *hex, int kind,
	 const unsigned char *key)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) != 0)
		return;
	if (key ? statcache_compiled(&p->stat, st, hex, key, &now) :
		  statcache_entry(&p->stat, st, hex, &now))
		p->cached = kind;
}

/* Reads OUTDIR/name and hashes its bytes into hex (st: the file read); false when
 * it cannot be read (a file that cannot be read is compiled, and the write says why). */
static bool
read_hash(struct outdir *view, const char *name, struct stat *st, char hex[HASH_HEX])
{
	size_t len = 0;
	bool missing = false;
	struct buf err = {0};
	char *data = outdir_read(view, name, &len, &missing, &err, st);
	if (data)
		hash_bytes_hex(data, len, hex);
	free(data);
	buf_free(&err);
	return data != NULL;
}

/* Does OUTDIR/name hold what its record says was written from these inputs?
 * The stat cache answers for a file an earlier build hashed and nothing has
 * written since; any other is read and hashed, and remembered in *p. */
static bool
file_fresh(struct build *b, int worker, const char *name, int i, int k, int n,
	   const struct compiled *c, struct prepared *p)
{
	struct manifest_record r;
	const char *entry = manifest_check(name) ? NULL : names_entry(&b->before.entries, name);
	if (!manifest_record_split(names_entry_record(entry), &r) || strcmp(r.rule, c->rule) ||
	    strcmp(r.lists, c->lists))
		return false;
	p->entry = entry;
	struct outdir *view = &b->views[worker];
	struct stat st;
	/* a key this checkout compiled the file from stays with it while the inputs stay */
	unsigned char key[16];
	bool keyed = build_output_key(b, i, k, n, c, key);
	const struct statcache_entry *e = NULL;
	if (b->cache.n && outdir_stat(view, name, &st) && (e = statcache_find(&b->cache, &st)) &&
	    !e->racy && statcache_same(e->out, r.out)) {
		remember(p, &st, r.out, STAT_KNOWN, keyed && !memcmp(e->key, key, 16) ? key : NULL);
		return true;
	}
	char hex[HASH_HEX];
	bool fresh = read_hash(view, name, &st, hex) && !strcmp(hex, r.out);
	/* a racy entry of this very file (as read) with these bytes keeps its key */
	e = fresh && keyed ? statcache_find(&b->cache, &st) : NULL;
	if (fresh)
		remember(p, &st, hex, STAT_HASHED,
			 e && statcache_same(e->out, hex) && !memcmp(e->key, key, 16) ? key : NULL);
	return fresh;
}

/* May output t's records be trusted? Only when building (never for --check, which
 * trusts no record: a manifest arrives through pull requests), every rule's output
 * depends on its own file alone, the output's configuration is the one recorded,
 * and the last build was not interrupted (the pending list's records were made
 * under a configuration the manifest may not name). */
static bool
records_usable(const struct build *b, const struct output *t)
{
	const struct manifest_output *w = t->was;
	return !b->bo->check && !b->bo->full && !b->whole && !b->pending_read && w &&
	       !strcmp(w->version, t->rec.version) && !strcmp(w->options, t->rec.options) &&
	       !strcmp(w->pipelines, t->rec.pipelines) && !strcmp(w->format, t->rec.format);
}

/* Is output k's file of rule file i known up to date without compiling? Only
 * when its records are usable, the rule and its value lists hash as recorded,
 * no declared refusal may concern it, and the file on disk holds the bytes
 * recorded (and so does the bare query beside it, with query_beside). */
bool
build_fresh(struct build *b, int worker, int i, int k, struct compiled *c)
{
	const struct output *t = &b->t[k];
	if (!records_usable(b, t) || output_expected(b->bo, t, &c->heads, NULL, 0) ||
	    output_refusal_by_id(b->bo, t, &c->heads))
		return false;
	struct buf name = {0}, beside = {0};
	output_name(&name, b->items[i].root, b->items[i].file, t->rec.dir, t->ext);
	bool fresh = file_fresh(b, worker, name.data, i, k, 0, c, &c->disk[2 * k]);
	if (fresh && t->beside) {
		beside_name(&beside, name.data, t->ext, t->beside);
		fresh = file_fresh(b, worker, beside.data, i, k, 1, c, &c->disk[2 * k + 1]);
	}
	buf_free(&name);
	buf_free(&beside);
	return fresh;
}

/* build --check: does OUTDIR/name hold what this checkout compiled from key? The
 * stat cache says so for exactly this file (device, inode, size, mtime, ctime:
 * no file of a fresh clone can match), and a file written lately is hashed again. */
static bool
file_vouched(struct build *b, int worker, const char *name, const unsigned char key[16],
	     struct prepared *p)
{
	const char *entry = manifest_check(name) ? NULL : names_entry(&b->before.entries, name);
	struct outdir *view = &b->views[worker];
	struct stat st;
	const struct statcache_entry *e;
	if (!entry || !outdir_stat(view, name, &st) || !(e = statcache_find(&b->cache, &st)) ||
	    memcmp(e->key, key, 16))
		return false;
	p->entry = entry;
	if (!e->racy)
		return true;
	char hex[HASH_HEX];
	return read_hash(view, name, &st, hex) && statcache_find(&b->cache, &st) == e &&
	       statcache_same(e->out, hex);
}

bool
build_vouched(struct build *b, int worker, int i, int k, struct compiled *c)
{
	const struct output *t = &b->t[k];
	unsigned char key[16];
	if (!b->cache.n || output_expected(b->bo, t, &c->heads, NULL, 0) ||
	    output_refusal_by_id(b->bo, t, &c->heads) || !build_output_key(b, i, k, 0, c, key))
		return false;
	struct buf name = {0}, beside = {0};
	output_name(&name, b->items[i].root, b->items[i].file, t->rec.dir, t->ext);
	bool vouched = file_vouched(b, worker, name.data, key, &c->disk[2 * k]);
	if (vouched && t->beside) {
		beside_name(&beside, name.data, t->ext, t->beside);
		vouched = build_output_key(b, i, k, 1, c, key) &&
			  file_vouched(b, worker, beside.data, key, &c->disk[2 * k + 1]);
	}
	buf_free(&name);
	buf_free(&beside);
	return vouched;
}

/* An expected refusal is recorded like an output ("#refused NAME\tRULE LISTS"):
 * it is not compiled again while the project still expects it of the rule file
 * by its path, the output's records are usable and the rule and its lists hash
 * as recorded. Its line is then the project file's, as a compile would print it. */
const struct build_refusal *
build_fresh_refusal(const struct build *b, int i, int k, const struct compiled *c)
{
	const struct output *t = &b->t[k];
	const struct build_refusal *r = records_usable(b, t) ?
		output_expected_path(b->bo, t, &c->heads) : NULL;
	if (!r)
		return NULL;
	struct buf name = {0};
	output_name(&name, b->items[i].root, b->items[i].file, t->rec.dir, t->ext);
	const char *rec = names_record(&b->before.refused, name.data);
	size_t n = strlen(c->rule);
	bool same = rec && !strncmp(rec, c->rule, n) && rec[n] == ' ' && !strcmp(rec + n + 1, c->lists);
	buf_free(&name);
	return same ? r : NULL;
}

void
build_carry_refusals(struct build *b)
{
	for (int i = 0; i < b->before.refused.n && !b->complete; i++)
		if (built_output(b->t, b->nt, b->before.refused.v[i]) < 0)
			names_add(&b->refused, b->before.refused.v[i]);
	names_sort(&b->refused);
}

void
build_hash_rule(const struct build *b, struct compiled *c, const char *text, size_t len,
		const struct stat *st)
{
	struct timespec now;
	c->fail_ok = clock_gettime(CLOCK_REALTIME, &now) == 0 && statcache_failure(&c->fail, st, &now);
	rule_hashes(&b->ld, text, len, c->rule, c->lists);
	c->hashed = true;
}

bool
build_visit(void *ctx, int i, char *text, size_t len, const struct stat *st)
{
	struct build *b = ctx;
	build_hash_rule(b, &b->done[i], text, len, st);
	return files_keep(&b->texts, i, text, len);
}

void
build_binary_hash(char out[HASH_HEX])
{
	size_t len = 0;
	const char *why;
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	char *bytes = fd >= 0 ? files_read_fd(fd, 0, FILES_MAX_CEILING, &len, &why) : NULL;
	if (fd >= 0)
		close(fd);
	out[0] = '\0';
	if (bytes)
		hash_bytes_hex(bytes, len, out);
	free(bytes);
}

void
build_written(struct build *b, const struct staged *sg, const struct stat *st)
{
	struct timespec now;
	struct statcache_entry e;
	b->c.written++;
	if (sg->keyed && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
	    statcache_compiled(&e, st, sg->hex, sg->key, &now)) {
		statcache_add(&b->next, &e);
		b->next.changed = true;
	}
}
