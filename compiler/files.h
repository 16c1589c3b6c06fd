/* files.h: the file system edge of the CLI (files.c). */
#ifndef SIGMACC_FILES_H
#define SIGMACC_FILES_H

#include "base.h"

struct pathlist {
	char **v;	/* heap strings */
	int n, cap;
};

/* Reads a whole file ("-" = stdin); NULL with *why set. */
char *files_read(const char *path, size_t *len, const char **why);
/* Appends path, or the sorted rule files below it when it is a directory
 * (.yml and .yaml, but not the value lists named .vars.yml). */
bool files_expand(struct pathlist *l, const char *path, struct buf *err);
void files_free(struct pathlist *l);
/* Replaces path with data through a temporary file and rename(). */
bool files_write_atomic(const char *path, const char *data, size_t len, const char **why);

#endif
