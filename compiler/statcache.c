/*
 * statcache.c: the files of OUTDIR an earlier build hashed, by device and
 * inode, with the size and times they had (statcache.h says why this is sound).
 *
 * Layout, in the byte order of the machine that wrote it:
 *   24 bytes  "sigmacc statcache 1\n" padded with NULs
 *    8 bytes  the number of entries, N
 *   32 bytes  the hex hash (hash.h) of the entries' bytes
 *   N x 56    entries: dev, ino, size, mtime, ctime (8 bytes each), out (16)
 * Anything else (another length, another hash) is read as an empty cache.
 */
#include "statcache.h"

#include <stdlib.h>
#include <string.h>

#define STATCACHE_MAGIC "sigmacc statcache 1\n"
#define STATCACHE_HEAD 64
/* a change within this many nanoseconds before a file was read might share its
 * ctime tick: such a file is not remembered */
#define STATCACHE_RACY 2000000000LL

_Static_assert(sizeof(struct statcache_entry) == 56, "the entries are written as they are");

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

void
statcache_read(struct statcache *c, const char *data, size_t len)
{
	*c = (struct statcache){0};
	uint64_t n;
	char sum[HASH_HEX];
	char magic[24] = STATCACHE_MAGIC;
	if (len < STATCACHE_HEAD || memcmp(data, magic, sizeof(magic)))
		return;
	memcpy(&n, data + 24, sizeof(n));
	/* the index holds 32-bit positions: more entries than that is no cache of ours */
	if (n > UINT32_MAX / 2 || n != (len - STATCACHE_HEAD) / sizeof(*c->v) ||
	    (len - STATCACHE_HEAD) % sizeof(*c->v))
		return;
	hash_bytes_hex(data + STATCACHE_HEAD, len - STATCACHE_HEAD, sum);
	if (memcmp(sum, data + 32, HASH_HEX - 1))
		return;
	c->n = c->cap = (size_t)n;
	c->v = mem_alloc((c->n ? c->n : 1) * sizeof(*c->v));
	if (c->n)
		memcpy(c->v, data + STATCACHE_HEAD, c->n * sizeof(*c->v));
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

bool
statcache_holds(const struct statcache *c, const struct stat *st, const char hex[HASH_HEX])
{
	if (!c->nslots || !S_ISREG(st->st_mode))
		return false;
	size_t at = find(c, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
	if (!c->slots[at])
		return false;
	const struct statcache_entry *e = &c->v[c->slots[at] - 1];
	unsigned char out[16];
	return e->size == (uint64_t)st->st_size && e->mtime == nanos(&st->st_mtim) &&
	       e->ctime == nanos(&st->st_ctim) && unhex(hex, out) && !memcmp(out, e->out, 16);
}

bool
statcache_entry(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
		const struct timespec *now)
{
	if (!S_ISREG(st->st_mode) || nanos(&st->st_ctim) > nanos(now) - STATCACHE_RACY ||
	    nanos(&st->st_mtim) > nanos(now) - STATCACHE_RACY)
		return false;
	*e = (struct statcache_entry){(uint64_t)st->st_dev, (uint64_t)st->st_ino,
				      (uint64_t)st->st_size, nanos(&st->st_mtim),
				      nanos(&st->st_ctim), {0}};
	return unhex(hex, e->out);
}

void
statcache_add(struct statcache *c, const struct statcache_entry *e)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->v = mem_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = *e;
}

void
statcache_write(const struct statcache *c, struct buf *out)
{
	char head[STATCACHE_HEAD] = STATCACHE_MAGIC, sum[HASH_HEX];
	uint64_t n = c->n;
	memcpy(head + 24, &n, sizeof(n));
	hash_bytes_hex(c->v ? (const void *)c->v : "", c->n * sizeof(*c->v), sum);
	memcpy(head + 32, sum, HASH_HEX - 1);
	buf_clear(out);
	buf_putn(out, head, sizeof(head));
	if (c->n)
		buf_putn(out, (const char *)c->v, c->n * sizeof(*c->v));
}

void
statcache_free(struct statcache *c)
{
	free(c->v);
	free(c->slots);
	*c = (struct statcache){0};
}
