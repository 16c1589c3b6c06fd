/* outdir.h: every read, write and delete of `sigmacc build` below OUTDIR (outdir.c). */
#ifndef SIGMACC_OUTDIR_H
#define SIGMACC_OUTDIR_H

#include "base.h"

#include <stdatomic.h>
#include <sys/stat.h>

/* A committed OUTDIR is untrusted: every path below it is opened one component
 * at a time from the OUTDIR descriptor with O_NOFOLLOW, so a symbolic link
 * planted inside OUTDIR is an error naming it, never a way out. */
#define OUTDIR_DIRS 64
#define OUTDIR_WAYS 4

struct outdir {
	const char *path;	/* OUTDIR as given, for messages */
	int fd;			/* OUTDIR, or -1 when it does not exist (--check) */
	int lock;		/* OUTDIR/.sigmacc-lock, or -1 */
	int tmp;		/* OUTDIR/.sigmacc-tmp once a temporary exists, or -1 */
	int pending;		/* OUTDIR/.sigmacc-pending once this build added to it, or -1 */
	/* how a file without a name (O_TMPFILE) gets one here (enum outdir_link);
	 * a worker's view reads its build's, which may change while it runs */
	atomic_int linkable;
	struct outdir *owner;	/* a view: its build's OUTDIR; else NULL */
	/* Directories recently opened below OUTDIR and their parents, in sets of
	 * OUTDIR_WAYS slots chosen by a hash of their path, the least recently used
	 * replaced: a build emits each rule for every target in turn, so the
	 * directories of several targets alternate. Bounded, so a huge tree never
	 * holds more than OUTDIR_DIRS descriptors. */
	struct outdir_dir {
		char *path;	/* relative to OUTDIR; NULL: empty slot */
		int fd;
		unsigned long used;	/* clock at the last use */
	} dirs[OUTDIR_DIRS];
	unsigned long clock;
};

/* Names of sigmacc's own entries in OUTDIR. */
#define OUTDIR_MANIFEST ".sigmacc-manifest"
#define OUTDIR_LOCK ".sigmacc-lock"
#define OUTDIR_TMP ".sigmacc-tmp"
/* Outputs given their name before the manifest tracks them (docs/manifest.md). */
#define OUTDIR_PENDING ".sigmacc-pending"

/* Opens OUTDIR (creating it when write) and locks it: exclusively to write
 * (waiting, with a message, while another build holds it), shared to check.
 * A build also removes the temporaries a killed build left. */
bool outdir_open(struct outdir *o, const char *path, bool write, struct buf *err);
/* Removes the temporary directory when empty, releases the lock, closes everything. */
void outdir_close(struct outdir *o);
/* Reads OUTDIR/rel (what fstat says of it in *st, unless st is NULL); NULL with
 * *missing set when it does not exist, NULL after a message in err when it
 * cannot be read (a link, not a regular file, an error). */
char *outdir_read(struct outdir *o, const char *rel, size_t *len, bool *missing, struct buf *err,
		  struct stat *st);
/* What lstat says of OUTDIR/rel (never through a link); false unless a regular file. */
bool outdir_stat(struct outdir *o, const char *rel, struct stat *st);
/* The lock file's bytes (the build's stat cache, statcache.h), or NULL; and
 * replaces them (a build that holds the lock to write; false when that failed).
 * Errors only cost the cache. */
char *outdir_lock_read(struct outdir *o, size_t *len);
bool outdir_lock_write(struct outdir *o, const char *data, size_t len);
enum outdir_state {
	OUTDIR_SAME,		/* OUTDIR/rel holds exactly these bytes */
	OUTDIR_DIFFERENT,	/* other bytes */
	OUTDIR_MISSING,		/* no such file */
	OUTDIR_ERROR,		/* a link, not a regular file, unreadable: said in err */
};
/* Compares OUTDIR/rel with data; same (unless NULL) gets what fstat said of the file
 * when it holds exactly data (st_mode 0 otherwise). */
enum outdir_state outdir_compare(struct outdir *o, const char *rel, const char *data, size_t len,
				 struct stat *same, struct buf *err);
/* A handle on an open OUTDIR for one worker thread: outdir_read and
 * outdir_compare only, with its own directory cache. */
void outdir_view(struct outdir *o, struct outdir *view);
void outdir_view_close(struct outdir *view);
/* Writes data for OUTDIR/rel to a new unique temporary file; its name (32 bytes) in name. */
bool outdir_stage(struct outdir *o, const char *rel, const char *data, size_t len, char *name,
		  struct buf *err);
/*
 * A new output in two steps, so that a build of many new files creates each one
 * once, where it stays, and from every worker: outdir_prewrite (on a worker's
 * view) writes the bytes to a file without a name in the output's directory
 * (created as needed), which nobody sees and which vanishes with the process;
 * once the names are in the pending list and everything is durable (one syncfs
 * per batch), outdir_link names it. Only for an output that does not exist.
 */
enum outdir_link {
	OUTDIR_LINK_NO,		/* no file is prewritten: every output is staged */
	OUTDIR_LINK_UNTRIED,	/* prewritten files, not named yet: outdir_link_ready tries */
	OUTDIR_LINK_EMPTY,	/* named with linkat(AT_EMPTY_PATH), which needs a capability */
	OUTDIR_LINK_PROC,	/* named through /proc/self/fd */
};
/* Lets the workers prewrite when fds more descriptors can be open (raising the
 * soft limit up to the hard one). */
void outdir_link_budget(struct outdir *o, long fds);
/* Can prewritten files be named? Tried once, the first time (creating
 * OUTDIR/.sigmacc-tmp); when they cannot, the workers stop prewriting and the
 * caller stages the file from its bytes. The writing thread only. */
bool outdir_link_ready(struct outdir *o);
/* Returns the descriptor of a file without a name holding data for OUTDIR/rel,
 * or -1 (nothing said): outdir_stage is then the way, and says what fails. */
int outdir_prewrite(struct outdir *view, const char *rel, const char *data, size_t len);
/* Names fd's file OUTDIR/rel and closes fd: 1, with what fstat says then in
 * *after; 0 after a message (st_mode 0); -1 when something took the name
 * meanwhile (a.yml and a.yaml, say), fd left open for outdir_adopt. Touches o's
 * directories alone: one thread may name files while another stages. */
int outdir_link(struct outdir *o, int fd, const char *rel, struct stat *after, struct buf *err);
/* Makes fd's file a staged temporary for OUTDIR/rel (its name in name) and closes
 * fd; false after a message. */
bool outdir_adopt(struct outdir *o, int fd, const char *rel, char *name, struct buf *err);
/* Appends text to OUTDIR/.sigmacc-pending (made durable by the next outdir_sync). */
bool outdir_pending_add(struct outdir *o, const char *text, size_t len, struct buf *err);
/* Removes OUTDIR/.sigmacc-pending: the manifest now tracks what it listed. */
void outdir_pending_clear(struct outdir *o);
/* Makes every staged temporary durable at once (one syncfs, not one fsync per file). */
bool outdir_sync(struct outdir *o, struct buf *err);
/* Moves a staged temporary to OUTDIR/rel, creating directories; removes it on failure.
 * after (unless NULL): what fstatat says of OUTDIR/rel then (st_mode 0 if nothing). */
bool outdir_commit(struct outdir *o, const char *name, const char *rel, struct stat *after,
		   struct buf *err);
void outdir_discard(struct outdir *o, const char *name);
/* Removes OUTDIR/rel (a regular file; a missing one is fine). */
bool outdir_remove(struct outdir *o, const char *rel, struct buf *err);

#endif
