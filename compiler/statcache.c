/*
 * statcache.c: the files of OUTDIR an earlier build hashed, by device and
 * inode, with the size and times they had (statcache.h says why this is sound).
 *
 * Layout, in the byte order of the machine that wrote it:
 *   24 bytes  "sigmacc statcache 3\n" padded with NULs
 *    8 bytes  the number of entries, N
 *    8 bytes  the number of failures, M
 *   32 bytes  the hex hash (hash.h) of all the bytes after these 72
 *   N x 80    entries: dev, ino, size, mtime, ctime (8 bytes each), out (16),
 *             key (16), racy (8)
 *   M x 64    failures: dev, ino, size, mtime, ctime (8 bytes each), key (16),
 *             the lengths of what loading and what compiling said (4 each)
 *   the failures' messages in their order, each what loading said and then
 *             what compiling said, which fill the rest exactly
 * Anything else (another length, another hash) is read as an empty cache.
 */
#include "statcache.h"
#include "files.h"

#include <stdlib.h>
#include <string.h>

#define STATCACHE_MAGIC "sigmacc statcache 3\n"
#define STATCACHE_HEAD 72
/* a change within this many nanoseconds before a file was read might share its
 * ctime tick: such a file is not remembered */
#define STATCACHE_RACY 2000000000LL

_Static_assert(sizeof(struct statcache_entry) == 80, "the entries are written as they are");
_Static_assert(sizeof(struct statcache_failure) == 64, "the failures are written as they are");

static size_t
slot_of(const struct statcache *c, uint64_t dev, uint64_t ino)
{
	uint64_t key[2] = {dev, ino};	/* seeded per process: a planted cache cannot collide */
	return (size_t)strmap_hash((const char *)key, sizeof(key)) & (c->nslots - 1);
}

/* The slot of the entry for dev and ino, or the empty slot where it would go. */
static size_t
find(const struct statcache *c, uint64_t dev, uint64_t ino)
{
	size_t at = slot_of(c, dev, ino);
	while (c->slots[at]) {
		const struct statcache_entry *e = &c->v[c->slots[at] - 1];
		if (e->dev == dev && e->ino == ino)
			break;
		at = (at + 1) & (c->nslots - 1);
	}
	return at;
}

/* Indexes c->v by inode; a later entry for the same file replaces an earlier. */
static void
index_build(struct statcache *c)
{
	c->nslots = 16;
	while (c->nslots < 2 * c->n)
		c->nslots *= 2;
	c->slots = mem_calloc(c->nslots, sizeof(*c->slots));
	for (size_t i = 0; i < c->n; i++)
		c->slots[find(c, c->v[i].dev, c->v[i].ino)] = (uint32_t)(i + 1);
}

/* The slot of failure (dev, ino, key), or the empty slot where it would go. */
static size_t
find_failure(const struct statcache *c, uint64_t dev, uint64_t ino, const unsigned char key[16])
{
	unsigned char k[32];
	memcpy(k, &dev, 8);
	memcpy(k + 8, &ino, 8);
	memcpy(k + 16, key, 16);
	size_t at = (size_t)strmap_hash((const char *)k, sizeof(k)) & (c->nfslots - 1);
	while (c->fslots[at]) {
		const struct statcache_failure *e = &c->f[c->fslots[at] - 1];
		if (e->dev == dev && e->ino == ino && !memcmp(e->key, key, 16))
			break;
		at = (at + 1) & (c->nfslots - 1);
	}
	return at;
}

static void
index_failures(struct statcache *c)
{
	c->nfslots = 16;
	while (c->nfslots < 2 * c->nf)
		c->nfslots *= 2;
	c->fslots = mem_calloc(c->nfslots, sizeof(*c->fslots));
	for (size_t i = 0; i < c->nf; i++)
		c->fslots[find_failure(c, c->f[i].dev, c->f[i].ino, c->f[i].key)] = (uint32_t)(i + 1);
}

/* The failures of a cache being read: M records, then their messages filling the
 * rest of its bytes exactly; false leaves c without failures. */
static bool
read_failures(struct statcache *c, char *data, size_t len, uint64_t m)
{
	if (m > len / sizeof(*c->f))
		return false;
	size_t texts = len - (size_t)m * sizeof(*c->f);
	c->f = (struct statcache_failure *)(void *)data;
	c->at = mem_alloc(((size_t)m + 1) * sizeof(*c->at));
	uint64_t at = 0;
	for (size_t i = 0; i < m; i++) {
		c->at[i] = at;
		at += (uint64_t)c->f[i].nload + c->f[i].nerr;
		if (at > texts)
			break;
	}
	if (at != texts)
		return false;
	c->nf = c->capf = (size_t)m;
	c->ntext = c->captext = texts;
	c->text = data + (size_t)m * sizeof(*c->f);
	index_failures(c);
	return true;
}

void
statcache_read(struct statcache *c, char *data, size_t len)
{
	*c = (struct statcache){.view = true};
	uint64_t n, m;
	char sum[HASH_HEX];
	char magic[24] = STATCACHE_MAGIC;
	if (len < STATCACHE_HEAD || (uintptr_t)data % 8 || memcmp(data, magic, sizeof(magic)))
		return;
	memcpy(&n, data + 24, sizeof(n));
	memcpy(&m, data + 32, sizeof(m));
	size_t body = len - STATCACHE_HEAD;
	/* the indexes hold 32-bit positions: more entries than that is no cache of ours */
	if (n > UINT32_MAX / 2 || m > UINT32_MAX / 2 || n > body / sizeof(*c->v))
		return;
	hash_bytes_hex(data + STATCACHE_HEAD, body, sum);
	if (memcmp(sum, data + 40, HASH_HEX - 1))
		return;
	size_t entries = (size_t)n * sizeof(*c->v);
	if (!read_failures(c, data + STATCACHE_HEAD + entries, body - entries, m)) {
		statcache_free(c);
		return;
	}
	c->n = c->cap = (size_t)n;
	c->v = (struct statcache_entry *)(void *)(data + STATCACHE_HEAD);
	index_build(c);
}

static int64_t
nanos(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* The 16 bytes hex spells, or false when it is not 32 lowercase hex digits. */
static bool
unhex(const char *hex, unsigned char out[16])
{
	for (int i = 0; i < 32; i++) {
		char ch = hex[i];
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
		if (d < 0)
			return false;
		out[i / 2] = (unsigned char)(i % 2 ? (out[i / 2] << 4) | d : d);
	}
	return hex[32] == '\0';
}

const struct statcache_entry *
statcache_find(const struct statcache *c, const struct stat *st)
{
	if (!c->nslots || !S_ISREG(st->st_mode))
		return NULL;
	size_t at = find(c, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (!c->slots[at])
		return NULL;
	const struct statcache_entry *e = &c->v[c->slots[at] - 1];
	return e->size == (uint64_t)st->st_size && e->mtime == nanos(&st->st_mtim) &&
	       e->ctime == nanos(&st->st_ctim) ? e : NULL;
}

bool
statcache_same(const unsigned char out[16], const char hex[HASH_HEX])
{
	unsigned char h[16];
	return unhex(hex, h) && !memcmp(h, out, 16);
}

bool
statcache_holds(const struct statcache *c, const struct stat *st, const char hex[HASH_HEX])
{
	const struct statcache_entry *e = statcache_find(c, st);
	return e && !e->racy && statcache_same(e->out, hex);
}

/* The entry of the file st describes with the hash hex spells (false if it does
 * not), its key zero and racy when it changed within two seconds before now. */
static bool
identity(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
	 const struct timespec *now)
{
	if (!S_ISREG(st->st_mode))
		return false;
	*e = (struct statcache_entry){(uint64_t)st->st_dev, (uint64_t)st->st_ino,
				      (uint64_t)st->st_size, nanos(&st->st_mtim),
				      nanos(&st->st_ctim), {0}, {0}, 0};
	e->racy = e->ctime > nanos(now) - STATCACHE_RACY || e->mtime > nanos(now) - STATCACHE_RACY;
	return unhex(hex, e->out);
}

bool
statcache_compiled(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
		   const unsigned char key[16], const struct timespec *now)
{
	if (!identity(e, st, hex, now))
		return false;
	memcpy(e->key, key, 16);
	return true;
}

bool
statcache_entry(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
		const struct timespec *now)
{
	return identity(e, st, hex, now) && !e->racy;
}

void
statcache_add(struct statcache *c, const struct statcache_entry *e)
{
	if (c->view)
		abort();	/* a cache read is the caller's bytes: never grown */
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->v = mem_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = *e;
}

void
statcache_key(const char *const *parts, int nparts, unsigned char key[16])
{
	struct hash_ctx h;
	char hex[HASH_HEX];
	hash_init(&h);
	for (int i = 0; i < nparts; i++)
		hash_str(&h, parts[i]);
	hash_hex(&h, hex);
	unhex(hex, key);
}

/* Could the n bytes at s be printed as they are? Tabs and line breaks, but no
 * other control character: C0, DEL, C1 written in UTF-8 (0xC2 0x80-0x9F) or as
 * one byte (0x80-0x9F after a byte below 0x80, which no UTF-8 continues). Our
 * own messages never hold one; bytes that do are compiled again, never shown. */
static bool
harmless(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i], prev = i ? p[i - 1] : 0;
		if ((ch < 0x20 && ch != '\t' && ch != '\n') || ch == 0x7f ||
		    (ch >= 0x80 && ch < 0xa0 && (prev < 0x80 || prev == 0xc2)))
			return false;
	}
	return true;
}

bool
statcache_failed(const struct statcache *c, const struct statcache_failure *id,
		 const unsigned char key[16], const char **load, size_t *nload, const char **err,
		 size_t *nerr)
{
	if (!c->nfslots)
		return false;
	size_t at = find_failure(c, id->dev, id->ino, key);
	if (!c->fslots[at])
		return false;
	size_t i = c->fslots[at] - 1;
	const struct statcache_failure *e = &c->f[i];
	if (e->size != id->size || e->mtime != id->mtime || e->ctime != id->ctime ||
	    !harmless(c->text + c->at[i], (size_t)e->nload + e->nerr))
		return false;
	*load = c->text + c->at[i];
	*nload = e->nload;
	*err = *load + e->nload;
	*nerr = e->nerr;
	return true;
}

bool
statcache_failure(struct statcache_failure *e, const struct stat *st, const struct timespec *now)
{
	struct statcache_entry like;
	static const char no_hash[HASH_HEX] = "00000000000000000000000000000000";
	if (!identity(&like, st, no_hash, now) || like.racy)
		return false;
	*e = (struct statcache_failure){like.dev, like.ino, like.size, like.mtime, like.ctime,
					{0}, 0, 0};
	return true;
}

void
statcache_add_failure(struct statcache *c, const struct statcache_failure *e, const char *load,
		      size_t nload, const char *err, size_t nerr)
{
	if (c->view)
		abort();
	if (nload > STATCACHE_TEXT_MAX || nerr > STATCACHE_TEXT_MAX - nload ||
	    c->ntext > STATCACHE_TEXT_MAX - nload - nerr)
		return;
	if (c->nf == c->capf) {
		c->capf = c->capf ? 2 * c->capf : 256;
		c->f = mem_realloc(c->f, c->capf * sizeof(*c->f));
		c->at = mem_realloc(c->at, c->capf * sizeof(*c->at));
	}
	while (c->ntext + nload + nerr > c->captext) {
		c->captext = c->captext ? 2 * c->captext : 65536;
		c->text = mem_realloc(c->text, c->captext);
	}
	c->f[c->nf] = *e;
	c->f[c->nf].nload = (uint32_t)nload;
	c->f[c->nf].nerr = (uint32_t)nerr;
	c->at[c->nf++] = c->ntext;
	if (nload)
		memcpy(c->text + c->ntext, load, nload);
	if (nerr)
		memcpy(c->text + c->ntext + nload, err, nerr);
	c->ntext += nload + nerr;
}

void
statcache_write(const struct statcache *c, struct buf *out)
{
	char head[STATCACHE_HEAD] = STATCACHE_MAGIC, sum[HASH_HEX];
	/* the failures fit, or are left out: the entries are worth more */
	bool fits = STATCACHE_HEAD + c->n * sizeof(*c->v) + c->nf * sizeof(*c->f) + c->ntext <=
		    FILES_MAX_CEILING;
	uint64_t n = c->n, m = fits ? c->nf : 0;
	memcpy(head + 24, &n, sizeof(n));
	memcpy(head + 32, &m, sizeof(m));
	buf_clear(out);
	buf_putn(out, head, sizeof(head));
	if (c->n)
		buf_putn(out, (const char *)c->v, c->n * sizeof(*c->v));
	if (m)
		buf_putn(out, (const char *)c->f, c->nf * sizeof(*c->f));
	if (m && c->ntext)
		buf_putn(out, c->text, c->ntext);
	hash_bytes_hex(out->data + STATCACHE_HEAD, out->len - STATCACHE_HEAD, sum);
	memcpy(out->data + 40, sum, HASH_HEX - 1);
}

void
statcache_free(struct statcache *c)
{
	if (!c->view) {
		free(c->v);
		free(c->f);
		free(c->text);
	}
	free(c->slots);
	free(c->at);
	free(c->fslots);
	*c = (struct statcache){0};
}
