/*
 * scopes.c: value lists found beside the rules. A rules directory that
 * holds `web_service.vars.yml` compiles without --vars: every *.vars.yml in
 * the directory given on the command line and in each directory down to a
 * rule's own applies to that rule, so sibling folders may define the same
 * names differently and a folder's lists never reach rules outside it.
 */
#define _DEFAULT_SOURCE	/* d_type */
#include "scopes.h"
#include "base.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SCOPE_DEPTH 32

bool
scopes_load_file(const struct session *s, struct vars *vars, const char *path)
{
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	if (!text) {
		fprintf(stderr, "sigmacc: %s: cannot read file: %s\n", path, why);
		return false;
	}
	struct source src = {path, text, len};
	struct diag d = {.src = &src};
	bool ok = vars_load(vars, &src, &d);
	if (!ok) {
		struct buf e = {0};
		driver_render(s, &d, &e);
		fputs(e.data ? e.data : "", stderr);
		buf_free(&e);
	}
	diag_clear(&d);
	free(text);	/* the lists live in the vars arena */
	return ok;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_below(const char *dir, struct pathlist *l, int depth)
{
	DIR *d = depth < SCOPE_DEPTH ? opendir(dir) : NULL;
	if (!d)
		return;
	int first = l->n;
	bool last = depth + 1 >= SCOPE_DEPTH;	/* its subdirectories are not read */
	struct pathlist subdirs = {0};
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		bool vars = n > 9 && !strcmp(e->d_name + n - 9, ".vars.yml");
		if (e->d_name[0] == '.' || (last && !vars))
			continue;	/* a rule directory holds many rules: no stat for them */
		struct buf p = {0};
		buf_printf(&p, "%s/%s", dir, e->d_name);
		/* a link counts as what it points to, as stat says; d_type says the rest */
		struct stat st;
		bool isdir = e->d_type == DT_UNKNOWN || e->d_type == DT_LNK
				     ? stat(p.data, &st) == 0 && S_ISDIR(st.st_mode)
				     : e->d_type == DT_DIR;
		if (isdir)
			files_push(&subdirs, p.data);
		else if (vars)
			files_push(l, p.data);
		buf_free(&p);
	}
	closedir(d);
	if (l->n > first)
		qsort(l->v + first, (size_t)(l->n - first), sizeof(*l->v), compare_names);
	if (subdirs.n)
		qsort(subdirs.v, (size_t)subdirs.n, sizeof(*subdirs.v), compare_names);
	for (int i = 0; i < subdirs.n; i++)
		list_below(subdirs.v[i], l, depth + 1);
	files_free(&subdirs);
}

void
scopes_list(const char *dir, struct pathlist *l, bool shallow)
{
	list_below(dir, l, shallow ? SCOPE_DEPTH - 1 : 0);
}

/* The value lists of one directory, read once per run. */
static const struct pathlist *
dir_lists(struct var_scopes *sc, const char *dir, size_t len)
{
	int at = strmap_get(&sc->by_dir, dir, len);
	if (at >= 0)
		return &sc->dirs[at];
	if (sc->ndirs == sc->capdirs) {
		sc->capdirs = sc->capdirs ? sc->capdirs * 2 : 8;
		sc->dirs = mem_realloc(sc->dirs, sizeof(*sc->dirs) * (size_t)sc->capdirs);
	}
	struct pathlist *l = &sc->dirs[sc->ndirs];
	*l = (struct pathlist){0};
	scopes_list(dir, l, true);
	strmap_put(&sc->a, &sc->by_dir, arena_strndup(&sc->a, dir, len), len, sc->ndirs);
	return &sc->dirs[sc->ndirs++];
}

/* Loads the lists of root and of each directory from root down to dir into vars. */
static bool
load_chain(const struct session *s, struct var_scopes *sc, struct vars *vars, const char *root,
	   const char *dir)
{
	size_t rlen = strlen(root);
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	bool below = !strncmp(dir, root, rlen) && (dir[rlen] == '/' || !dir[rlen]);
	struct buf level = {0};
	buf_putn(&level, below ? root : dir, below ? rlen : strlen(dir));
	const char *rest = below ? dir + rlen : "";
	bool ok = true;
	for (;;) {
		const struct pathlist *found = dir_lists(sc, level.data, level.len);
		for (int i = 0; i < found->n && ok; i++)
			ok = scopes_load_file(s, vars, found->v[i]);
		while (*rest == '/')
			rest++;
		if (!ok || !*rest)
			break;
		size_t n = strcspn(rest, "/");
		buf_putc(&level, '/');
		buf_putn(&level, rest, n);
		rest += n;
	}
	buf_free(&level);
	return ok;
}

int
scopes_find(const struct session *s, struct var_scopes *sc, const char *root, const char *file)
{
	const char *slash = strrchr(file, '/');
	struct buf dir = {0}, key = {0};
	if (slash && slash > file)
		buf_putn(&dir, file, (size_t)(slash - file));
	else
		buf_puts(&dir, slash ? "/" : ".");
	buf_printf(&key, "%s\n%s", root, dir.data);
	int at = strmap_get(&sc->by_key, key.data, key.len);
	if (at >= 0) {
		buf_free(&dir);
		buf_free(&key);
		return at;
	}
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 8;
		sc->v = mem_realloc(sc->v, sizeof(*sc->v) * (size_t)sc->cap);
	}
	struct var_scope *v = &sc->v[sc->n++];
	*v = (struct var_scope){.key = key.data};
	strmap_put(&sc->a, &sc->by_key, key.data, key.len, sc->n - 1);
	bool ok = load_chain(s, sc, &v->vars, strcmp(root, file) ? root : dir.data, dir.data);
	buf_free(&dir);
	return ok ? sc->n - 1 : -1;
}

void
scopes_free(struct var_scopes *sc)
{
	for (int i = 0; i < sc->n; i++) {
		free(sc->v[i].key);
		vars_free(&sc->v[i].vars);
	}
	free(sc->v);
	for (int i = 0; i < sc->ndirs; i++)
		files_free(&sc->dirs[i]);
	free(sc->dirs);
	arena_free(&sc->a);
	*sc = (struct var_scopes){0};
}
