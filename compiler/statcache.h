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
 * whole. build --check trusts only entries with a key (outputs this checkout
 * compiled) and failures, both bound to files no other clone has.
 *
 * It also remembers what compiling said when a rule file failed for an output
 * (a target that refuses the rule): such a file has no output to skip by, and a
 * repository where a target refuses many rules would otherwise compile them in
 * every build. A failure is kept for the rule file's device, inode, size, mtime
 * and ctime, as an output is, and for a key of everything else that produced
 * it (statcache_key: the output, the rule's and lists' hashes, the path, the
 * message format and the executable's hash); the messages are reported again
 * as they were.
 */
struct statcache_entry {
	uint64_t dev, ino, size;
	int64_t mtime, ctime;		/* nanoseconds since the epoch */
	unsigned char out[16];		/* the 128 bits of the bytes' hash */
	/* the key of the inputs (statcache_key) a build of this checkout compiled these
	 * bytes from, when it did (else zeros): build --check trusts only this */
	unsigned char key[16];
	/* the file changed within two seconds before it was seen: its bytes are hashed
	 * again before anything is trusted (only entries with a key are kept so) */
	uint64_t racy;
};

/* A rule file's failure for one output: the file as statcache_entry keeps an
 * output, the key of the rest, and the lengths of what loading and compiling said. */
struct statcache_failure {
	uint64_t dev, ino, size;
	int64_t mtime, ctime;
	unsigned char key[16];
	uint32_t nload, nerr;
};

/* What all failures' messages together may take; a failure beyond is not kept
 * (compiled again next time). A cache that would be larger than files.h's
 * FILES_MAX_CEILING, which no read goes beyond, is written without failures. */
#define STATCACHE_TEXT_MAX (128u << 20)

struct statcache {
	struct statcache_entry *v;
	size_t n, cap;
	uint32_t *slots;	/* an index by inode (slot = index + 1; 0: empty) */
	size_t nslots;		/* a power of two, at least twice n; 0: no index */
	/* failures, their messages (at[i] in text: what loading said, then compiling)
	 * and their index by file and key (as slots) */
	struct statcache_failure *f;
	uint64_t *at;
	size_t nf, capf;
	char *text;
	size_t ntext, captext;
	uint32_t *fslots;
	size_t nfslots;
	bool changed;		/* holds an entry the file on disk did not */
	bool view;		/* read: v, f and text are the bytes read */
};

/* Reads a cache from the lock file's bytes, in place: data (8-byte aligned, as
 * malloc gives it) must outlive c, which is never added to. Anything not
 * written by statcache_write leaves c empty. */
void statcache_read(struct statcache *c, char *data, size_t len);
/* Does c know the file st describes to hold the bytes hashing to hex? */
bool statcache_holds(const struct statcache *c, const struct stat *st, const char hex[HASH_HEX]);
/* The entry for exactly the file st describes (device, inode, size, mtime and
 * ctime), racy or not, or NULL. */
const struct statcache_entry *statcache_find(const struct statcache *c, const struct stat *st);
/* An entry for a file this build compiled from inputs of key and wrote or
 * found (st: the file as it is now, holding bytes hashing to hex): racy when it
 * changed within two seconds before now. False only for no regular file. */
bool statcache_compiled(struct statcache_entry *e, const struct stat *st,
			const char hex[HASH_HEX], const unsigned char key[16],
			const struct timespec *now);
/* Does hex spell the 16 bytes at out? */
bool statcache_same(const unsigned char out[16], const char hex[HASH_HEX]);
/* An entry for the file st describes, whose bytes hash to hex, read before now;
 * false when a change in the same clock tick could go unseen (the file changed
 * within two seconds before now): such a file is hashed again next time. */
bool statcache_entry(struct statcache_entry *e, const struct stat *st, const char hex[HASH_HEX],
		     const struct timespec *now);
void statcache_add(struct statcache *c, const struct statcache_entry *e);

/* The key of a failure: the strings that, besides the rule file's bytes, make
 * what compiling says (nul-terminated, in this order), hashed. */
void statcache_key(const char *const *parts, int nparts, unsigned char key[16]);
/* What loading and compiling said when the file failed for key (id: the file
 * as statcache_failure describes it), or false when c does not know (or the
 * messages hold a control character other than a tab or a line break: never
 * printed). */
bool statcache_failed(const struct statcache *c, const struct statcache_failure *id,
		      const unsigned char key[16], const char **load, size_t *nload,
		      const char **err, size_t *nerr);
/* A failure of the file st describes (key and lengths left zero), read before
 * now; false when a change in the same clock tick could go unseen. */
bool statcache_failure(struct statcache_failure *e, const struct stat *st,
		       const struct timespec *now);
/* Adds failure e (key set) with its messages; one that would take the messages
 * past STATCACHE_TEXT_MAX is left out. */
void statcache_add_failure(struct statcache *c, const struct statcache_failure *e,
			   const char *load, size_t nload, const char *err, size_t nerr);
/* The bytes statcache_read reads back. */
void statcache_write(const struct statcache *c, struct buf *out);
void statcache_free(struct statcache *c);

#endif
