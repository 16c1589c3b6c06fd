/*
 * files.c: the file system edge of the CLI: reading a rule file whole,
 * expanding directories into a sorted list of rule files (so output
 * order never depends on the file system), and writing an output file
 * atomically (temporary file + rename: a crash never leaves half a file).
 *
 * Rule repositories arrive through pull requests, so the walk trusts
 * nothing below the PATH it is given: it decides from lstat (d_type) what
 * an entry is, reads only regular files, skips symbolic links unless asked
 * to follow the ones that stay inside PATH, and refuses names with control
 * characters (they would forge lines in logs and in the build manifest).
 */
#define _DEFAULT_SOURCE	/* d_type */
#include "files.h"
#include "base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_DEPTH 32

/* Set once by files_configure before any file is read; read-only afterwards. */
static size_t max_size = FILES_MAX_CEILING;
static bool follow_links;
static char too_large[96] = "file is larger than 268435456 bytes";

void
files_configure(size_t max, bool follow)
{
	max_size = max;
	follow_links = follow;
	snprintf(too_large, sizeof(too_large), "file is larger than the limit of %zu bytes "
		 "(--max-rule-size)", max);
}

void
files_put_bytes(struct buf *b, const char *s, size_t n)
{
	for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)s + n; p++) {
		if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
	}
}

void
files_put_name(struct buf *b, const char *name)
{
	files_put_bytes(b, name, strlen(name));
}

bool
files_has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* Reads fd to the end, refusing more than limit bytes. The text is read in
 * place, into room for hint bytes (a regular file's size) and one more, so a
 * file that does not change while it is read costs one allocation and no copy. */
static char *
read_all(int fd, size_t hint, size_t limit, size_t *len, const char **why)
{
	size_t cap = (hint && hint < limit ? hint : 65536) + 2, n = 0;
	char *text = mem_alloc(cap);
	for (;;) {
		if (n + 1 == cap) {	/* keep room for the NUL */
			char *t = mem_realloc(text, cap *= 2);
			text = t;
		}
		ssize_t r = read(fd, text + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = strerror(errno);
			break;
		}
		if (r == 0) {
			text[n] = '\0';
			*len = n;
			return text;
		}
		if ((size_t)r > limit - n) {
			*why = too_large;
			break;
		}
		n += (size_t)r;
	}
	free(text);
	return NULL;
}

char *
files_read_fd(int fd, size_t hint, size_t limit, size_t *len, const char **why)
{
	return read_all(fd, hint, limit, len, why);
}

char *
files_read_stat(const char *path, size_t *len, const char **why, struct stat *st)
{
	if (!strcmp(path, "-")) {
		memset(st, 0, sizeof(*st));	/* no file: nothing to remember it by */
		return read_all(0, 0, max_size, len, why);
	}
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return NULL;
	}
	char *text = NULL;
	if (fstat(fd, st) != 0)
		*why = strerror(errno);
	else if (!S_ISREG(st->st_mode))
		*why = "not a regular file";
	else if ((uintmax_t)st->st_size > max_size)
		*why = too_large;
	else
		text = read_all(fd, (size_t)st->st_size, max_size, len, why);
	close(fd);
	return text;
}

char *
files_read(const char *path, size_t *len, const char **why)
{
	struct stat st;
	return files_read_stat(path, len, why, &st);
}

void
files_kept_init(struct files_kept *k, int n)
{
	k->text = mem_calloc((size_t)n + 1, sizeof(*k->text));
	k->len = mem_calloc((size_t)n + 1, sizeof(*k->len));
	k->n = n;
	atomic_init(&k->total, 0);
}

bool
files_keep(struct files_kept *k, int i, char *text, size_t len)
{
	if (!k->text || i < 0 || i >= k->n || k->text[i])
		return false;
	size_t was = atomic_fetch_add(&k->total, len);
	if (was > FILES_KEEP_BUDGET || len > FILES_KEEP_BUDGET - was) {
		atomic_fetch_sub(&k->total, len);
		return false;
	}
	k->text[i] = text;
	k->len[i] = len;
	return true;
}

char *
files_kept_take(struct files_kept *k, int i, size_t *len)
{
	if (!k || !k->text || i < 0 || i >= k->n || !k->text[i])
		return NULL;
	char *text = k->text[i];
	*len = k->len[i];
	k->text[i] = NULL;
	return text;
}

void
files_kept_free(struct files_kept *k)
{
	for (int i = 0; k->text && i < k->n; i++)
		free(k->text[i]);
	free(k->text);
	free(k->len);
	k->text = NULL;
	k->len = NULL;
	k->n = 0;
}

/* Rule files end in .yml or .yaml; value lists (*.vars.yml), test cases
 * (*.tests.yml, *.tests.yaml: see eval_cases.c) and the project file
 * (PROJECT_FILE, when the rules folder is the project's own)
 * live beside them. */
const char *
files_companion(const char *name)
{
	size_t n = strlen(name);
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	if (!strcmp(base, PROJECT_FILE))
		return "the project file (" PROJECT_FILE "), not a rule";
	if (n > 9 && !strcmp(name + n - 9, ".vars.yml"))
		return "a value list (*.vars.yml), not a rule";
	if ((n > 10 && !strcmp(name + n - 10, ".tests.yml")) ||
	    (n > 11 && !strcmp(name + n - 11, ".tests.yaml")))
		return "a rule's test cases (*.tests.yml, run by sigmacc test), not a rule";
	return NULL;
}

static bool
is_rule_file(const char *name)
{
	size_t n = strlen(name);
	if (files_companion(name))
		return false;
	return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

void
files_push(struct pathlist *l, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = mem_realloc(l->v, sizeof(*l->v) * (size_t)l->cap);
	}
	size_t n = strlen(path) + 1;
	l->v[l->n++] = memcpy(mem_alloc(n), path, n);
}

/* One directory identity, for walking each directory once when links are followed. */
struct dirid {
	dev_t dev;
	ino_t ino;
	bool used;
};

struct walk {
	struct pathlist *l;
	struct buf *err;
	char *root;		/* realpath of PATH, when links are followed */
	struct dirid *seen;	/* open-addressing set of the directories walked */
	size_t nseen, capseen;
	bool ok;
};

static size_t
dirid_hash(dev_t dev, ino_t ino, size_t cap)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15u) ^ ((uint64_t)ino * 0xc2b2ae3d27d4eb4fu);
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* Adds the directory to the walked set; false when it was walked already. */
static bool
walk_mark(struct walk *w, const struct stat *st)
{
	if (2 * (w->nseen + 1) > w->capseen) {
		size_t cap = w->capseen ? 2 * w->capseen : 64;
		struct dirid *v = mem_calloc(cap, sizeof(*v));
		for (size_t i = 0; i < w->capseen; i++) {
			if (!w->seen[i].used)
				continue;
			size_t k = dirid_hash(w->seen[i].dev, w->seen[i].ino, cap);
			while (v[k].used)
				k = (k + 1) & (cap - 1);
			v[k] = w->seen[i];
		}
		free(w->seen);
		w->seen = v;
		w->capseen = cap;
	}
	size_t k = dirid_hash(st->st_dev, st->st_ino, w->capseen);
	for (; w->seen[k].used; k = (k + 1) & (w->capseen - 1))
		if (w->seen[k].dev == st->st_dev && w->seen[k].ino == st->st_ino)
			return false;
	w->seen[k] = (struct dirid){st->st_dev, st->st_ino, true};
	w->nseen++;
	return true;
}

/* "sigmacc: PATH: warning: MESSAGE" (or error), the path's control characters escaped. */
static void
walk_say(struct walk *w, const char *path, bool error, const char *msg)
{
	buf_puts(w->err, "sigmacc: ");
	files_put_name(w->err, path);
	buf_printf(w->err, ": %s: %s\n", error ? "error" : "warning", msg);
	if (error)
		w->ok = false;
}

static void walk_dir(struct walk *w, int fd, const char *dir, int depth);

/* Opens and walks a directory entry; fd_at/name locate it, path names it. */
static void
walk_into(struct walk *w, int fd_at, const char *name, const char *path, int depth)
{
	/* a real directory, or the resolved path of a followed link: never a link itself */
	int fd = openat(fd_at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		walk_say(w, path, true, strerror(errno));
	} else if (follow_links && !walk_mark(w, &st)) {
		walk_say(w, path, false, "directory already walked (a loop or a second link to it); "
			 "skipped");
	} else {
		walk_dir(w, fd, path, depth);
		return;	/* walk_dir closes fd */
	}
	if (fd >= 0)
		close(fd);
}

/* A symbolic link: followed only with --follow-symlinks and only when it stays inside PATH. */
static void
walk_link(struct walk *w, const char *path, int depth)
{
	if (!follow_links) {
		walk_say(w, path, false, "symbolic link skipped (--follow-symlinks follows links "
			 "that stay inside PATH)");
		return;
	}
	char *real = realpath(path, NULL);
	size_t n = strlen(w->root);
	struct stat st;
	if (!real || stat(real, &st) != 0) {
		walk_say(w, path, false, "broken symbolic link skipped");
	} else if (strncmp(real, w->root, n) || (real[n] != '/' && real[n] != '\0' &&
						 strcmp(w->root, "/"))) {
		walk_say(w, path, false, "symbolic link to outside PATH skipped");
	} else if (S_ISDIR(st.st_mode)) {
		walk_into(w, AT_FDCWD, real, path, depth + 1);
	} else if (!is_rule_file(path)) {
		/* not a rule: ignored like any other file */
	} else if (S_ISREG(st.st_mode)) {
		files_push(w->l, path);
	} else {
		walk_say(w, path, false, "not a regular file; skipped");
	}
	free(real);
}

/* The type of an entry, from d_type or, when the file system gives none, lstat. */
static int
entry_type(int fd, const char *name, unsigned char d_type)
{
	if (d_type != DT_UNKNOWN)
		return d_type;
	struct stat st;
	if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return DT_UNKNOWN;
	return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK :
	       S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
}

static void
walk_entry(struct walk *w, int fd, const char *name, int type, const char *path, int depth)
{
	if ((type == DT_DIR || is_rule_file(name)) && files_has_control(name)) {
		walk_say(w, path, true, "file name contains a control character; refused");
	} else if (type == DT_DIR) {
		walk_into(w, fd, name, path, depth + 1);
	} else if (type == DT_LNK) {
		walk_link(w, path, depth);
	} else if (!is_rule_file(name)) {
		/* not a rule */
	} else if (type == DT_REG) {
		files_push(w->l, path);
	} else {
		walk_say(w, path, false, "not a regular file; skipped");
	}
}

/* A directory entry: its name and d_type, kept to walk the entries in sorted order. */
struct entry {
	char *name;
	unsigned char type;
};

static int
cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

/* Walks the open directory fd (closed here), named dir, in sorted order. */
static void
walk_dir(struct walk *w, int fd, const char *dir, int depth)
{
	if (depth > WALK_DEPTH) {
		buf_puts(w->err, "sigmacc: ");
		files_put_name(w->err, dir);
		buf_printf(w->err, ": directories nested deeper than %d levels\n", WALK_DEPTH);
		w->ok = false;
		close(fd);
		return;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		walk_say(w, dir, true, strerror(errno));
		close(fd);
		return;
	}
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = mem_realloc(v, sizeof(*v) * cap);
		}
		v[n++] = (struct entry){strdup(e->d_name), e->d_type};
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_entries);
	struct buf p = {0};
	size_t dlen = strlen(dir);
	for (size_t i = 0; i < n; i++) {
		buf_clear(&p);
		buf_printf(&p, "%s%s%s", dir, dlen && dir[dlen - 1] == '/' ? "" : "/", v[i].name);
		walk_entry(w, dirfd(d), v[i].name, entry_type(dirfd(d), v[i].name, v[i].type), p.data,
			   depth);
		free(v[i].name);
	}
	buf_free(&p);
	free(v);
	closedir(d);
}

bool
files_expand(struct pathlist *l, const char *path, struct buf *err)
{
	struct walk w = {.l = l, .err = err, .ok = true};
	if (files_has_control(path)) {
		walk_say(&w, path, true, "file name contains a control character; refused");
		return false;
	}
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
		files_push(l, path);	/* a missing file is reported when it is read */
		return true;
	}
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		walk_say(&w, path, true, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (follow_links) {
		w.root = realpath(path, NULL);
		walk_mark(&w, &st);
	}
	if (follow_links && !w.root)
		walk_say(&w, path, true, strerror(errno));
	else
		walk_dir(&w, fd, path, 0);
	free(w.root);
	free(w.seen);
	return w.ok;
}

void
files_free(struct pathlist *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

bool
files_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

bool
files_write_atomic(const char *path, const char *data, size_t len, const char **why)
{
	struct buf tmp = {0};
	/* a unique name made with O_EXCL: never an existing file or a planted link */
	buf_printf(&tmp, "%s.XXXXXX", path);
	int fd = mkstemp(tmp.data);
	if (fd < 0) {
		*why = strerror(errno);
		buf_free(&tmp);
		return false;
	}
	mode_t mask = umask(0);	/* mkstemp makes 0600; outputs get the usual 0666 & ~umask */
	umask(mask);
	bool ok = fchmod(fd, 0666 & ~mask) == 0 && files_write_all(fd, data, len) && fsync(fd) == 0;
	int saved = errno;
	if (close(fd) != 0 && ok) {
		ok = false;
		saved = errno;
	}
	if (ok && rename(tmp.data, path) != 0) {
		ok = false;
		saved = errno;
	}
	if (!ok) {
		*why = strerror(saved);
		unlink(tmp.data);
	}
	buf_free(&tmp);
	return ok;
}

char *
files_path_clean(const char *s)
{
	size_t n = strlen(s);
	char *out = mem_alloc(n + 2), *o = out;
	bool abs = *s == '/';
	if (abs)
		*o++ = '/';
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = s + strcspn(s, "/");
		if (e - s == 1 && *s == '.') {	/* "." names the same folder */
			s = e;
			continue;
		}
		if (e > s) {
			if (o > out + abs)
				*o++ = '/';
			memcpy(o, s, (size_t)(e - s));
			o += e - s;
		}
		s = e;
	}
	if (o == out)
		*o++ = '.';
	*o = '\0';
	return out;
}
