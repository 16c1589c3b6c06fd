/*
 * files.c: the file system edge of the CLI: reading a rule file whole,
 * expanding directories into a sorted list of rule files (so output
 * order never depends on the file system), and writing an output file
 * atomically (temporary file + rename: a crash never leaves half a file).
 */
#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX (256u << 20)	/* larger rule files are refused */
#define WALK_DEPTH 32

char *
files_read(const char *path, size_t *len, const char **why)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf_putn(&b, chunk, n);
		if (b.len > FILE_MAX) {
			*why = "file is larger than 256 MiB";
			goto fail;
		}
	}
	if (ferror(f)) {
		*why = strerror(errno ? errno : EIO);
		goto fail;
	}
	if (f != stdin)
		fclose(f);
	*len = b.len;
	return b.data ? b.data : calloc(1, 1);
fail:
	if (f != stdin)
		fclose(f);
	buf_free(&b);
	return NULL;
}

/* Rule files end in .yml or .yaml; value lists (*.vars.yml) live beside them. */
static bool
is_rule_file(const char *name)
{
	size_t n = strlen(name);
	if (n > 9 && !strcmp(name + n - 9, ".vars.yml"))
		return false;
	return (n > 4 && !strcmp(name + n - 4, ".yml")) || (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
push_path(struct pathlist *l, char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, sizeof(*l->v) * (size_t)l->cap);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = p;
}

static bool
walk(struct pathlist *l, const char *dir, int depth, struct buf *err)
{
	if (depth > WALK_DEPTH) {
		buf_printf(err, "sigmacc: %s: directories nested deeper than %d levels\n", dir, WALK_DEPTH);
		return false;
	}
	DIR *d = opendir(dir);
	if (!d) {
		buf_printf(err, "sigmacc: %s: %s\n", dir, strerror(errno));
		return false;
	}
	struct pathlist names = {0};
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			push_path(&names, strdup(e->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, (size_t)names.n, sizeof(*names.v), cmp_names);
	bool ok = true;
	for (int i = 0; i < names.n; i++) {
		struct buf p = {0};
		buf_printf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names.v[i]);
		struct stat st;
		if (stat(p.data, &st) == 0 && S_ISDIR(st.st_mode)) {
			ok &= walk(l, p.data, depth + 1, err);
			buf_free(&p);
		} else if (is_rule_file(names.v[i])) {
			push_path(l, p.data);
		} else {
			buf_free(&p);
		}
		free(names.v[i]);
	}
	free(names.v);
	return ok;
}

bool
files_expand(struct pathlist *l, const char *path, struct buf *err)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk(l, path, 0, err);
	push_path(l, strdup(path));	/* a missing file is reported when it is read */
	return true;
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
files_write_atomic(const char *path, const char *data, size_t len, const char **why)
{
	struct buf tmp = {0};
	/* a fixed name: the next write replaces what an interrupted one left */
	buf_printf(&tmp, "%s.tmp", path);
	FILE *f = fopen(tmp.data, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fflush(f) != 0)
		ok = false;
	if (f && fsync(fileno(f)) != 0)
		ok = false;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp.data, path) != 0)
		ok = false;
	if (!ok) {
		*why = strerror(errno);
		unlink(tmp.data);
	}
	buf_free(&tmp);
	return ok;
}
