/*
 * outdir.c: the only code that writes or deletes below OUTDIR. A committed
 * OUTDIR (and its manifest) arrives through pull requests, so nothing in it
 * is trusted: every path is walked one component at a time from the OUTDIR
 * descriptor with O_NOFOLLOW, temporaries get unique names created with
 * O_EXCL in sigmacc's own OUTDIR/.sigmacc-tmp, and a lock on
 * OUTDIR/.sigmacc-lock keeps two builds from interleaving.
 *
 * Durability is per build, not per file: outputs are staged as temporaries,
 * made durable with one syncfs(), then renamed into place. New outputs are
 * written by the workers as files without a name where they belong, and named
 * in batches once the pending list holds them and one syncfs() made them durable.
 */
#define _GNU_SOURCE	/* syncfs, flock */
#include "outdir.h"
#include "base.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporaries of this process, for the signal handler: their names are
 * PID-K (PID: live_pid, asked once) for every K below live_count, all in the
 * directory live_tmpfd. */
static volatile sig_atomic_t live_outfd = -1, live_tmpfd = -1, live_count, live_pid;

/* PID-K in out (at least 32 bytes), with nothing but async-signal-safe code. */
static void
tmp_name(char *out, long pid, long k)
{
	char digits[48];
	int n = 0;
	for (long v = k;; v /= 10) {
		digits[n++] = (char)('0' + v % 10);
		if (v < 10)
			break;
	}
	digits[n++] = '-';
	for (long v = pid;; v /= 10) {
		digits[n++] = (char)('0' + v % 10);
		if (v < 10)
			break;
	}
	for (int i = 0; i < n; i++)
		out[i] = digits[n - 1 - i];
	out[n] = '\0';
}

/* The name of this process's next temporary in name (32 bytes), counted before the
 * file exists, so that the signal handler covers it. The writing thread only. */
static void
tmp_next(char *name)
{
	long k = live_count;
	live_count = k + 1;
	tmp_name(name, (long)live_pid, k);
}

/* SIGINT, SIGTERM, SIGHUP: remove this build's temporaries, then die of the signal. */
static void
on_signal(int sig)
{
	int fd = live_tmpfd;
	if (fd >= 0) {
		char name[32];
		for (long k = 0; k < live_count; k++) {
			tmp_name(name, (long)live_pid, k);
			unlinkat(fd, name, 0);
		}
		unlinkat(live_outfd, OUTDIR_TMP, AT_REMOVEDIR);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* "sigmacc: OUTDIR/rel: msg", rel's control characters escaped. */
static void
say(struct buf *err, const struct outdir *o, const char *rel, int len, const char *msg)
{
	buf_puts(err, "sigmacc: ");
	files_put_name(err, o->path);
	if (rel) {
		struct buf r = {0};
		buf_printf(&r, "/%.*s", len, rel);
		files_put_name(err, r.data);
		buf_free(&r);
	}
	buf_printf(err, ": %s\n", msg);
}

/* The message for an entry that could not be opened without following links. */
static void
say_open_error(struct buf *err, const struct outdir *o, int at, const char *name,
	       const char *rel, int len)
{
	int e = errno;
	struct stat st;
	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
		say(err, o, rel, len, "is a symbolic link; sigmacc does not follow links inside "
		    "OUTDIR");
	else
		say(err, o, rel, len, strerror(e));
}

static void
forget_dirs(struct outdir *o)
{
	for (int i = 0; i < OUTDIR_DIRS; i++) {
		if (o->dirs[i].path && o->dirs[i].fd >= 0)
			close(o->dirs[i].fd);
		free(o->dirs[i].path);
		o->dirs[i] = (struct outdir_dir){.path = NULL, .fd = -1};
	}
}

/* The first slot of the set of the directory rel[0..len) (FNV-1a). */
static size_t
dir_set(const char *rel, size_t len)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)rel[i]) * 16777619u;
	return h % (OUTDIR_DIRS / OUTDIR_WAYS) * OUTDIR_WAYS;
}

/* The slot holding the directory rel[0..len), or NULL. */
static struct outdir_dir *
dir_find(struct outdir *o, const char *rel, size_t len)
{
	struct outdir_dir *set = &o->dirs[dir_set(rel, len)];
	for (int i = 0; i < OUTDIR_WAYS; i++) {
		if (set[i].path && strlen(set[i].path) == len && !strncmp(set[i].path, rel, len)) {
			set[i].used = ++o->clock;
			return &set[i];
		}
	}
	return NULL;
}

/* The slot for the directory rel[0..len): an empty one of its set, else the
 * least recently used, whose directory is closed. */
static struct outdir_dir *
dir_evict(struct outdir *o, const char *rel, size_t len)
{
	struct outdir_dir *set = &o->dirs[dir_set(rel, len)], *v = set;
	for (int i = 0; i < OUTDIR_WAYS && v->path; i++)
		if (!set[i].path || set[i].used < v->used)
			v = &set[i];
	if (v->path)
		close(v->fd);
	free(v->path);
	*v = (struct outdir_dir){.path = NULL, .fd = -1};
	return v;
}

/*
 * The directory rel[0..dlen), opened from its parent without following links
 * and created when create; the parent comes the same way, so a directory
 * whose parent is cached costs one openat. Returns a descriptor owned by o, or
 * -1: with *missing when a directory does not exist (and !create), else after
 * a message.
 */
static int
dir_at(struct outdir *o, const char *rel, size_t dlen, bool create, bool *missing,
       struct buf *err)
{
	if (dlen == 0)
		return o->fd;
	struct outdir_dir *slot = dir_find(o, rel, dlen);
	if (slot)
		return slot->fd;
	const char *cut = memrchr(rel, '/', dlen);
	size_t plen = cut ? (size_t)(cut - rel) : 0, at = cut ? plen + 1 : 0;
	int parent = dir_at(o, rel, plen, create, missing, err);
	if (parent < 0)
		return -1;
	char *comp = strndup(rel + at, dlen - at);
	if (!comp)
		abort();
	int fd = openat(parent, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* EEXIST: another worker made it meanwhile */
	if (fd < 0 && errno == ENOENT && create && (mkdirat(parent, comp, 0777) == 0 || errno == EEXIST))
		fd = openat(parent, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !create)
		*missing = true;
	else if (fd < 0)
		say_open_error(err, o, parent, comp, rel, (int)dlen);
	free(comp);
	if (fd < 0)
		return -1;
	/* the parent may be the one evicted: it is not needed any more */
	slot = dir_evict(o, rel, dlen);
	*slot = (struct outdir_dir){.path = strndup(rel, dlen), .fd = fd, .used = ++o->clock};
	if (!slot->path)
		abort();
	return fd;
}

/*
 * The directory holding rel's last component (*base): see dir_at. Remembers
 * the directories and their parents in o->dirs: outputs come in sorted order
 * per target, so neighbours share them.
 */
static int
dir_open(struct outdir *o, const char *rel, bool create, const char **base, bool *missing,
	 struct buf *err)
{
	const char *slash = strrchr(rel, '/');
	*base = slash ? slash + 1 : rel;
	*missing = false;
	if (o->fd < 0) {
		*missing = true;
		return -1;
	}
	return dir_at(o, rel, slash ? (size_t)(slash - rel) : 0, create, missing, err);
}

/* Opens OUTDIR/rel for reading, never through a link, without checking what it
 * is; -1 as for dir_open. */
static int
file_open_any(struct outdir *o, const char *rel, bool *missing, struct buf *err)
{
	const char *base;
	int dfd = dir_open(o, rel, false, &base, missing, err);
	if (dfd < 0)
		return -1;
	int fd = openat(dfd, base, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		*missing = true;
		return -1;
	}
	if (fd < 0)
		say_open_error(err, o, dfd, base, rel, (int)strlen(rel));
	return fd;
}

/* Is fd a regular file (*st filled)? If not, says so and closes fd. */
static bool
file_regular(struct outdir *o, const char *rel, int fd, struct stat *st, struct buf *err)
{
	if (fstat(fd, st) == 0 && S_ISREG(st->st_mode))
		return true;
	say(err, o, rel, (int)strlen(rel), "is not a regular file");
	close(fd);
	return false;
}

/* Opens OUTDIR/rel for reading, never through a link; -1 as for dir_open. */
static int
file_open(struct outdir *o, const char *rel, struct stat *st, bool *missing, struct buf *err)
{
	int fd = file_open_any(o, rel, missing, err);
	return fd >= 0 && file_regular(o, rel, fd, st, err) ? fd : -1;
}

char *
outdir_read(struct outdir *o, const char *rel, size_t *len, bool *missing, struct buf *err,
	    struct stat *stp)
{
	struct stat mine, *st = stp ? stp : &mine;
	int fd = file_open(o, rel, st, missing, err);
	if (fd < 0)
		return NULL;
	char *text = NULL;
	if ((size_t)st->st_size > FILES_MAX_CEILING) {
		say(err, o, rel, (int)strlen(rel), "is larger than 256 MiB");
	} else {
		text = mem_alloc((size_t)st->st_size + 1);
		ssize_t n = text ? read(fd, text, (size_t)st->st_size + 1) : -1;
		if (n < 0 || n > st->st_size) {	/* one read: a regular file that did not change size */
			say(err, o, rel, (int)strlen(rel), n < 0 ? strerror(errno) : "changed while read");
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
			*len = (size_t)n;
		}
	}
	close(fd);
	return text;
}

/*
 * Most outputs of a build are unchanged, so the common case costs three system
 * calls: open, one read of one byte more than expected (a longer file shows
 * itself), close. Only an output that does not hold the expected bytes is
 * checked to be a regular file (a directory or a FIFO is an error, as before),
 * and an empty one.
 */
enum outdir_state
outdir_compare(struct outdir *o, const char *rel, const char *data, size_t len,
	       struct stat *same_st, struct buf *err)
{
	bool missing;
	int fd = file_open_any(o, rel, &missing, err);
	if (fd < 0)
		return missing ? OUTDIR_MISSING : OUTDIR_ERROR;
	char chunk[65536];
	char *text = len < sizeof(chunk) ? chunk : mem_alloc(len + 1);
	ssize_t n;
	do
		n = text ? read(fd, text, len + 1) : -1;
	while (n < 0 && errno == EINTR);
	/* a regular file of len bytes or more returns len + 1 bytes or all of them */
	bool same = n >= 0 && (size_t)n == len && !memcmp(text, data, len);
	if (text != chunk)
		free(text);
	struct stat st;	/* no bytes at all are what a FIFO without writer gives too */
	if ((!same || len == 0) && !file_regular(o, rel, fd, &st, err))
		return OUTDIR_ERROR;
	if (same_st && (!same || (len && fstat(fd, &st) != 0)))
		st.st_mode = 0;
	if (same_st)
		*same_st = st;
	close(fd);
	return same ? OUTDIR_SAME : OUTDIR_DIFFERENT;	/* an unreadable output is rewritten */
}

bool
outdir_stat(struct outdir *o, const char *rel, struct stat *st)
{
	const char *base;
	bool missing;
	struct buf ignored = {0};
	int dfd = dir_open(o, rel, false, &base, &missing, &ignored);
	buf_free(&ignored);
	return dfd >= 0 && fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st->st_mode);
}

char *
outdir_lock_read(struct outdir *o, size_t *len)
{
	struct stat st;
	const char *why;
	if (o->lock < 0 || fstat(o->lock, &st) != 0 || !S_ISREG(st.st_mode) ||
	    lseek(o->lock, 0, SEEK_SET) != 0)
		return NULL;
	return files_read_fd(o->lock, (size_t)st.st_size, FILES_MAX_CEILING, len, &why);
}

bool
outdir_lock_write(struct outdir *o, const char *data, size_t len)
{
	/* a write cut short leaves bytes the next read rejects (their hash is wrong) */
	return o->lock >= 0 && lseek(o->lock, 0, SEEK_SET) == 0 &&
	       files_write_all(o->lock, data, len) && ftruncate(o->lock, (off_t)len) == 0;
}

/* Takes OUTDIR/.sigmacc-lock; a read-only OUTDIR without one is used unlocked. */
static bool
lock_take(struct outdir *o, bool write, struct buf *err)
{
	int flags = O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;	/* never wait on a planted FIFO */
	o->lock = write ? openat(o->fd, OUTDIR_LOCK, O_RDWR | O_CREAT | flags, 0666) : -1;
	if (o->lock < 0 && (!write || errno == EACCES || errno == EROFS || errno == EPERM))
		o->lock = openat(o->fd, OUTDIR_LOCK, O_RDONLY | flags);
	if (o->lock < 0 && errno == ENOENT)
		return true;	/* nobody can have written here: nothing to wait for */
	struct stat st;
	if (o->lock < 0 || fstat(o->lock, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (o->lock >= 0)
			errno = EINVAL;
		say_open_error(err, o, o->fd, OUTDIR_LOCK, OUTDIR_LOCK, (int)strlen(OUTDIR_LOCK));
		return false;
	}
	int op = write ? LOCK_EX : LOCK_SH;
	if (flock(o->lock, op | LOCK_NB) == 0)
		return true;
	if (errno == EWOULDBLOCK) {
		struct buf msg = {0};
		say(&msg, o, NULL, 0, "waiting for another sigmacc build of this directory to finish");
		fputs(msg.data, stderr);
		buf_free(&msg);
	}
	int r;
	while ((r = flock(o->lock, op)) != 0 && errno == EINTR)
		;
	if (r != 0)
		say(err, o, OUTDIR_LOCK, (int)strlen(OUTDIR_LOCK), strerror(errno));
	return r == 0;
}

/* Is name a temporary's (digits-digits)? */
static bool
is_tmp_name(const char *name)
{
	size_t a = strspn(name, "0123456789");
	return a && name[a] == '-' && name[a + 1 + strspn(name + a + 1, "0123456789")] == '\0' &&
	       name[a + 1];
}

/* Opens OUTDIR/.sigmacc-tmp (creating it when create); under the lock, any
 * temporary already there was left by a killed build and is removed. */
static bool
tmp_open(struct outdir *o, bool create, struct buf *err)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	live_pid = (sig_atomic_t)getpid();
	o->tmp = openat(o->fd, OUTDIR_TMP, flags);
	if (o->tmp < 0 && errno == ENOENT && create && mkdirat(o->fd, OUTDIR_TMP, 0700) == 0)
		o->tmp = openat(o->fd, OUTDIR_TMP, flags);
	if (o->tmp < 0 && errno == ENOENT && !create)
		return true;
	if (o->tmp < 0) {
		say_open_error(err, o, o->fd, OUTDIR_TMP, OUTDIR_TMP, (int)strlen(OUTDIR_TMP));
		return false;
	}
	int fd = dup(o->tmp);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	for (struct dirent *e; d && (e = readdir(d));)
		if (is_tmp_name(e->d_name))
			unlinkat(o->tmp, e->d_name, 0);
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	live_outfd = o->fd;
	live_tmpfd = o->tmp;
	struct sigaction sa = {.sa_handler = on_signal}, old;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);	/* an ignored signal stays ignored */
	return true;
}

bool
outdir_open(struct outdir *o, const char *path, bool write, struct buf *err)
{
	*o = (struct outdir){.path = path, .fd = -1, .lock = -1, .tmp = -1, .pending = -1};
	forget_dirs(o);
	if (write && mkdir(path, 0777) != 0 && errno != EEXIST) {
		say(err, o, NULL, 0, strerror(errno));
		return false;
	}
	/* OUTDIR itself is the operator's choice: a link there is followed */
	o->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->fd < 0 && !write && errno == ENOENT)
		return true;	/* --check of a tree never built: everything is missing */
	if (o->fd < 0) {
		say(err, o, NULL, 0, strerror(errno));
		return false;
	}
	if (!lock_take(o, write, err))
		return false;
	if (write) {
		/* a write that fails for the file size limit returns EFBIG and is cleaned up */
		signal(SIGXFSZ, SIG_IGN);
		return tmp_open(o, false, err);
	}
	return true;
}

void
outdir_close(struct outdir *o)
{
	live_tmpfd = -1;
	if (o->tmp >= 0) {
		unlinkat(o->fd, OUTDIR_TMP, AT_REMOVEDIR);	/* fails when not empty: kept */
		close(o->tmp);
	}
	forget_dirs(o);
	if (o->pending >= 0)
		close(o->pending);
	if (o->lock >= 0)
		close(o->lock);	/* releases the lock */
	if (o->fd >= 0)
		close(o->fd);
	o->fd = o->lock = o->tmp = o->pending = -1;
}

void
outdir_view(struct outdir *o, struct outdir *view)
{
	*view = (struct outdir){.path = o->path, .fd = o->fd, .lock = -1, .tmp = -1, .pending = -1,
				.owner = o};
	forget_dirs(view);
}

void
outdir_view_close(struct outdir *view)
{
	forget_dirs(view);	/* OUTDIR's descriptor is the build's */
}

bool
outdir_stage(struct outdir *o, const char *rel, const char *data, size_t len, char *name,
	     struct buf *err)
{
	if (o->tmp < 0 && !tmp_open(o, true, err))
		return false;
	int fd = -1;
	for (int tries = 0; fd < 0 && tries < 100; tries++) {
		tmp_next(name);
		fd = openat(o->tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	bool ok = fd >= 0 && files_write_all(fd, data, len);
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		if (fd >= 0)
			unlinkat(o->tmp, name, 0);
		struct buf msg = {0};
		buf_printf(&msg, "cannot write: %s", strerror(e));
		say(err, o, rel, (int)strlen(rel), msg.data);
		buf_free(&msg);
	}
	return ok;
}

/* Names the file of fd name in directory dir, as o->linkable says. */
static int
link_fd(const struct outdir *o, int fd, int dir, const char *name)
{
	if (atomic_load(&o->linkable) == OUTDIR_LINK_EMPTY)
		return linkat(fd, "", dir, name, AT_EMPTY_PATH);
	char proc[48];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return linkat(AT_FDCWD, proc, dir, name, AT_SYMLINK_FOLLOW);
}

/* Names fd's file a new temporary (its name in name); false when it cannot. */
static bool
link_tmp(struct outdir *o, int fd, char *name)
{
	for (int tries = 0; tries < 100; tries++) {
		tmp_next(name);
		if (link_fd(o, fd, o->tmp, name) == 0)
			return true;
		if (errno != EEXIST)
			break;
	}
	return false;
}

void
outdir_link_budget(struct outdir *o, long fds)
{
	struct rlimit r;
	atomic_store(&o->linkable, OUTDIR_LINK_NO);
	if (o->fd < 0 || getrlimit(RLIMIT_NOFILE, &r) != 0)
		return;
	if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < (rlim_t)fds) {
		if (r.rlim_max != RLIM_INFINITY && r.rlim_max < (rlim_t)fds)
			return;	/* too few descriptors: every output staged */
		r.rlim_cur = (rlim_t)fds;
		if (setrlimit(RLIMIT_NOFILE, &r) != 0)
			return;
	}
	atomic_store(&o->linkable, OUTDIR_LINK_UNTRIED);
}

bool
outdir_link_ready(struct outdir *o)
{
	int how = atomic_load(&o->linkable);
	if (how != OUTDIR_LINK_UNTRIED)
		return how != OUTDIR_LINK_NO;
	struct buf err = {0};
	bool tmp = o->tmp >= 0 || tmp_open(o, true, &err);
	buf_free(&err);	/* staging says it again */
	int fd = tmp ? openat(o->tmp, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600) : -1;
	char name[32];
	/* AT_EMPTY_PATH needs a capability (or a recent kernel), /proc a mounted /proc */
	for (how = OUTDIR_LINK_EMPTY; fd >= 0 && how <= OUTDIR_LINK_PROC; how++) {
		atomic_store(&o->linkable, how);
		if (link_tmp(o, fd, name)) {
			unlinkat(o->tmp, name, 0);
			break;
		}
	}
	if (fd < 0 || how > OUTDIR_LINK_PROC)
		atomic_store(&o->linkable, OUTDIR_LINK_NO);
	if (fd >= 0)
		close(fd);
	return atomic_load(&o->linkable) != OUTDIR_LINK_NO;
}

int
outdir_prewrite(struct outdir *view, const char *rel, const char *data, size_t len)
{
	const char *base;
	bool missing;
	struct buf ignored = {0};	/* outdir_stage says it */
	bool may = view->owner && atomic_load(&view->owner->linkable) != OUTDIR_LINK_NO;
	int dfd = may ? dir_open(view, rel, true, &base, &missing, &ignored) : -1;
	buf_free(&ignored);
	int fd = dfd >= 0 ? openat(dfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666) : -1;
	if (fd >= 0 && !files_write_all(fd, data, len)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int
outdir_link(struct outdir *o, int fd, const char *rel, struct stat *after, struct buf *err)
{
	const char *base;
	bool missing;
	int dfd = dir_open(o, rel, true, &base, &missing, err);
	bool ok = dfd >= 0 && link_fd(o, fd, dfd, base) == 0;
	if (dfd >= 0 && !ok && errno == EEXIST)
		return -1;	/* taken meanwhile: fd stays open for outdir_adopt */
	if (dfd >= 0 && !ok) {
		struct buf msg = {0};
		buf_printf(&msg, "cannot write: %s", strerror(errno));
		say(err, o, rel, (int)strlen(rel), msg.data);
		buf_free(&msg);
	}
	if (!ok || fstat(fd, after) != 0)
		after->st_mode = 0;	/* nothing the stat cache could remember */
	close(fd);
	return ok;
}

bool
outdir_adopt(struct outdir *o, int fd, const char *rel, char *name, struct buf *err)
{
	bool ok = link_tmp(o, fd, name);
	if (!ok) {
		struct buf msg = {0};
		buf_printf(&msg, "cannot write: %s", strerror(errno));
		say(err, o, rel, (int)strlen(rel), msg.data);
		buf_free(&msg);
	}
	close(fd);
	return ok;
}

bool
outdir_pending_add(struct outdir *o, const char *text, size_t len, struct buf *err)
{
	/* O_NONBLOCK: a FIFO planted there fails instead of blocking the build */
	const int flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	struct stat st;
	if (o->pending < 0 && (o->pending = openat(o->fd, OUTDIR_PENDING, flags, 0666)) >= 0 &&
	    (fstat(o->pending, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(o->pending);
		o->pending = -1;
		say(err, o, OUTDIR_PENDING, (int)strlen(OUTDIR_PENDING), "is not a regular file");
		return false;
	}
	if (o->pending < 0)
		say_open_error(err, o, o->fd, OUTDIR_PENDING, OUTDIR_PENDING,
			       (int)strlen(OUTDIR_PENDING));
	else if (!files_write_all(o->pending, text, len))
		say(err, o, OUTDIR_PENDING, (int)strlen(OUTDIR_PENDING), strerror(errno));
	else
		return true;
	return false;
}

void
outdir_pending_clear(struct outdir *o)
{
	if (o->fd >= 0)
		unlinkat(o->fd, OUTDIR_PENDING, 0);
}

bool
outdir_sync(struct outdir *o, struct buf *err)
{
	if (o->fd >= 0 && syncfs(o->fd) != 0) {
		say(err, o, NULL, 0, strerror(errno));
		return false;
	}
	return true;
}

void
outdir_discard(struct outdir *o, const char *name)
{
	if (o->tmp >= 0)
		unlinkat(o->tmp, name, 0);
}

bool
outdir_commit(struct outdir *o, const char *name, const char *rel, struct stat *after,
	      struct buf *err)
{
	const char *base;
	bool missing;
	int dfd = dir_open(o, rel, true, &base, &missing, err);
	struct stat st;
	bool ok = false;
	if (dfd < 0)
		;	/* dir_open said why */
	else if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
		say(err, o, rel, (int)strlen(rel), S_ISLNK(st.st_mode) ?
		    "is a symbolic link; sigmacc does not follow links inside OUTDIR" :
		    "is not a regular file");
	else if (renameat(o->tmp, name, dfd, base) != 0)
		say(err, o, rel, (int)strlen(rel), strerror(errno));
	else
		ok = true;
	if (after && (!ok || fstatat(dfd, base, after, AT_SYMLINK_NOFOLLOW) != 0))
		after->st_mode = 0;	/* nothing the stat cache could remember */
	if (!ok)
		outdir_discard(o, name);
	return ok;
}

bool
outdir_remove(struct outdir *o, const char *rel, struct buf *err)
{
	const char *base;
	bool missing;
	int dfd = dir_open(o, rel, false, &base, &missing, err);
	if (dfd < 0)
		return missing;
	struct stat st;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT;
	if (!S_ISREG(st.st_mode)) {
		say(err, o, rel, (int)strlen(rel), S_ISLNK(st.st_mode) ?
		    "is a symbolic link; not removed" : "is not a regular file; not removed");
		return false;
	}
	if (unlinkat(dfd, base, 0) != 0 && errno != ENOENT) {
		say(err, o, rel, (int)strlen(rel), strerror(errno));
		return false;
	}
	return true;
}
