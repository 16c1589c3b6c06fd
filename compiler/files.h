/* files.h: the file system edge of the CLI (files.c). */
#ifndef SIGMACC_FILES_H
#define SIGMACC_FILES_H

#include "base.h"

#include <stdatomic.h>
#include <sys/stat.h>

#define FILES_MAX_CEILING (256u << 20)	/* no input file is ever read beyond this */
#define FILES_MAX_DEFAULT (4u << 20)	/* the CLI's --max-rule-size default */

struct pathlist {
	char **v;	/* heap strings */
	int n, cap;
};

/* Sets the largest file files_read accepts and whether the walk follows symbolic
 * links that stay inside its PATH. Called once, before any file is read. */
void files_configure(size_t max_size, bool follow_symlinks);
/* Reads a whole regular file ("-" = stdin); NULL with *why set. */
char *files_read(const char *path, size_t *len, const char **why);
/* files_read, and what fstat said of the file it read (zeroed for stdin). */
char *files_read_stat(const char *path, size_t *len, const char **why, struct stat *st);
/* Reads fd from where it stands to the end, expecting about hint bytes and
 * refusing more than limit; NULL with *why set. */
char *files_read_fd(int fd, size_t hint, size_t limit, size_t *len, const char **why);
/*
 * Rule texts read ahead (the look for correlations reads every file before any
 * is compiled) and kept for the pass that compiles them, so a file is read
 * once: up to FILES_KEEP_BUDGET bytes in all, the rest read again. files_keep
 * may be called from several threads, each for its own i.
 */
#define FILES_KEEP_BUDGET (64u << 20)
struct files_kept {
	char **text;	/* heap, per file; NULL: not kept */
	size_t *len;
	int n;
	_Atomic size_t total;
};
void files_kept_init(struct files_kept *k, int n);
/* Keeps text (heap) for file i if the budget allows: true when it took it. */
bool files_keep(struct files_kept *k, int i, char *text, size_t len);
/* The text kept for file i, now the caller's (free it), or NULL. */
char *files_kept_take(struct files_kept *k, int i, size_t *len);
void files_kept_free(struct files_kept *k);
/* Appends path, or the sorted rule files below it when it is a directory
 * (.yml and .yaml, but not the value lists named .vars.yml nor the test cases
 * named .tests.yml). Warnings (a skipped link or special file) and errors
 * (false) are appended to err. */
bool files_expand(struct pathlist *l, const char *path, struct buf *err);
/* What a value-list or test-case file is, by its name; NULL for any other name. */
const char *files_companion(const char *name);
/* Appends a heap copy of path. */
void files_push(struct pathlist *l, const char *path);
void files_free(struct pathlist *l);
/* Replaces path with data through a unique temporary file and rename(). */
bool files_write_atomic(const char *path, const char *data, size_t len, const char **why);
/* Writes all of data to fd (false with errno set). */
bool files_write_all(int fd, const char *data, size_t len);
/* Appends name (or n bytes of s) with its control characters escaped (\n, \xNN). */
void files_put_name(struct buf *b, const char *name);
void files_put_bytes(struct buf *b, const char *s, size_t n);
/* Does s contain a control character (below 0x20, or DEL)? */
bool files_has_control(const char *s);
/* The project file's name (project.h): never a rule, wherever it lies. */
#define PROJECT_FILE "sigmacc.yml"

/* The path s without "." components, repeated slashes or a trailing slash
 * ("./rules//win/" is "rules/win"; "." stays "."), in a copy the caller frees.
 * Lexical only: ".." is kept, and no link is resolved. */
char *files_path_clean(const char *s);

#endif
