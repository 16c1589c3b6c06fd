/* scopes.h: the value lists (*.vars.yml) that sit beside rules, per directory (scopes.c). */
#ifndef SIGMACC_SCOPES_H
#define SIGMACC_SCOPES_H

#include "driver.h"
#include "files.h"

/* The lists that apply to the rules of one directory. */
struct var_scope {
	char *key;	/* heap: root and directory */
	struct vars vars;
};

/* Zero is empty. Scopes and directory listings are found by hash, each
 * directory read once, so the work is linear in files and directories. */
struct var_scopes {
	struct var_scope *v;	/* heap */
	int n, cap;
	struct arena a;		/* the maps' keys */
	struct strmap by_key;	/* key -> v[] */
	struct strmap by_dir;	/* directory -> dirs[] */
	struct pathlist *dirs;	/* heap: the value lists of each directory read */
	int ndirs, capdirs;
};

/* Loads one value list file into vars; false after its diagnostics on stderr. */
bool scopes_load_file(const struct session *s, struct vars *vars, const char *path);
/*
 * The scope of a rule file found under root (a PATH argument, or the file
 * itself): the value lists in root and in every directory from root down to
 * the file's, loaded once per directory. Its index in sc, or -1 after a
 * message.
 */
int scopes_find(const struct session *s, struct var_scopes *sc, const char *root,
		const char *file);
void scopes_free(struct var_scopes *sc);
/* Appends the value lists below dir, sorted per directory (all levels unless shallow). */
void scopes_list(const char *dir, struct pathlist *l, bool shallow);

#endif
