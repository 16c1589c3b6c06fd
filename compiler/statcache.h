/* statcache.h: what an unchanged build already knows of the files in OUTDIR
 * (statcache.c). */
#ifndef SIGMACC_STATCACHE_H
#define SIGMACC_STATCACHE_H

#include "base.h"
#include "hash.h"

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

/*
 * An unchanged build checks that every output still holds the bytes its
 * manifest record says were written, so that a hand edit is never kept as
 * current. Reading and hashing every output (680k files in a 100k-rule
 * repository) costs most of such a build; like git's index, the build
 * remembers what it learnt: "the file with this device, inode, size, mtime and
 * ctime held bytes hashing to H". Any write to a file changes its ctime, which
 * no user can set, so while the five match, the bytes are the ones hashed.
 *
 * The cache is local state of one checkout: it is kept in OUTDIR/.sigmacc-lock,
 * the file builds lock, which stays out of version control (docs/manifest.md).
 * A cache that is malformed, truncated or from another layout is ignored as a
 * whole, and build --check never reads it.
 */
struct statcache_entry {
	uint64_t dev, ino, size;
	int64_t mtime, ctime;		/* nanoseconds since the epoch */
	unsigned char out[16];		/* the 128 bits of the bytes' hash */
};

struct statcache {
	struct statcache_entry *v;
	size_t n, cap;
	uint32_t *slots;	/* an index by inode (slot = index + 1; 0: empty) */
	size_t nslots;		/* a power of two, at least twice n; 0: no index */
	bool changed;		/* holds an entry the file on disk did not */
};

/* Reads a cache from the lock file's bytes; anything not written by
 * statcache_write leaves c empty. */
void statcache_read(struct statcache *c, const char *data, size_t len);
/* Does c know the file st describes to hold the bytes hashing to hex? */
bool statcache_holds(const struct statcache *c, const struct stat *st, const char hex[HASH_HEX]);
/* An entry for the file st describes, whose bytes hash to hex, read before now;
 * false when a change in the same clock tick could go unseen (the file changed
 * within two seconds before now): such a file is hashed again next time. */
bool statcache_entry(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
		     const struct timespec *now);
void statcache_add(struct statcache *c, const struct statcache_entry *e);
/* The bytes statcache_read reads back. */
void statcache_write(const struct statcache *c, struct buf *out);
void statcache_free(struct statcache *c);

#endif
