/*
 * replay.c: runs a fuzz target without libFuzzer. Every file named on the
 * command line, or found in a directory named there (sorted, not
 * recursive, README files and dot files skipped), is passed once to
 * LLVMFuzzerTestOneInput. Prints TAP: a file passes when the target returns;
 * a sanitizer report or an abort fails the whole run, naming the file last
 * started on stderr.
 *
 *   replay_TARGET DIR|FILE...
 */
#include "fuzz.h"
#include "../../compiler/files.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
push(struct pathlist *l, char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = realloc(l->v, sizeof(*l->v) * (size_t)l->cap);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = path;
}

static int
compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds path, or the files of the directory path, to l; false if unreadable. */
static bool
collect(struct pathlist *l, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	if (!S_ISDIR(st.st_mode)) {
		push(l, strdup(path));
		return true;
	}
	DIR *dir = opendir(path);
	if (!dir)
		return false;
	int first = l->n;
	for (struct dirent *e; (e = readdir(dir));) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
			continue;
		struct buf p = {0};
		buf_printf(&p, "%s/%s", path, e->d_name);
		push(l, p.data);
	}
	closedir(dir);
	qsort(l->v + first, (size_t)(l->n - first), sizeof(*l->v), compare);
	return true;
}

int
main(int argc, char **argv)
{
	struct pathlist files = {0};
	for (int i = 1; i < argc; i++) {
		if (!collect(&files, argv[i])) {
			printf("Bail out! cannot read %s\n", argv[i]);
			return 1;
		}
	}
	LLVMFuzzerInitialize(&argc, &argv);
	printf("1..%d\n", files.n);
	int failures = 0;
	for (int i = 0; i < files.n; i++) {
		size_t len;
		const char *why;
		char *data = files_read(files.v[i], &len, &why);
		if (!data) {
			printf("not ok %d - %s\n#   %s\n", i + 1, files.v[i], why);
			failures++;
			continue;
		}
		fprintf(stderr, "replaying %s\n", files.v[i]);
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		printf("ok %d - %s\n", i + 1, files.v[i]);
		fflush(stdout);
		free(data);
	}
	files_free(&files);
	return failures != 0;
}
