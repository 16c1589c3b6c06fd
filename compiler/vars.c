/*
 * vars.c: the value lists behind %placeholder% values (--vars FILE). A list
 * file is a YAML map from placeholder name to a list of strings:
 *
 *     web_service_domains:
 *         - pastebin.com
 *         - paste.ee
 *
 * Entries are Sigma strings: `*` and `?` are wildcards, `\` escapes them.
 * Several files may be loaded; a name defined twice is an error. Lists have
 * no length limit of their own: what a rule makes of them is bounded by the
 * per-rule budget (RULE_MAX_VALUES). Entries are parsed once, here.
 */
#include "sigma.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
vars_load(struct vars *v, const struct source *src, struct diag *d)
{
	struct ynode **docs;
	int ndocs;
	if (!yaml_load(src, &v->arena, d, &docs, &ndocs))
		return false;
	if (ndocs != 1 || docs[0]->kind != YNODE_MAP)
		return diag_error(d, ndocs ? docs[0]->pos : (struct pos){src->name, 1, 1},
				  "a value list file must be one map from names to lists");
	const struct ynode *map = docs[0];
	for (int i = 0; i < map->nkids; i += 2) {
		const struct ynode *k = map->kids[i], *l = map->kids[i + 1];
		if (strmap_get(&v->index, k->text, k->len) >= 0)
			return diag_error(d, k->pos, "value list '%s' is defined twice", k->text);
		if (l->kind != YNODE_SEQ || l->nkids == 0)
			return diag_error(d, l->pos, "value list '%s' must be a non-empty list of strings",
					  k->text);
		struct varlist vl = {k->text, arena_alloc(&v->arena, sizeof(char *) * (size_t)l->nkids),
				     arena_alloc(&v->arena, sizeof(struct pattern) * (size_t)l->nkids),
				     l->nkids, 0};
		for (int j = 0; j < l->nkids; j++) {
			const struct ynode *e = l->kids[j];
			if (e->kind != YNODE_SCALAR || e->type == SCALAR_NULL)
				return diag_error(d, e->pos, "entries of value list '%s' must be strings",
						  k->text);
			vl.vals[j] = e->text;
			vl.pats[j] = value_parse(&v->arena, e->text, e->len, false);
			vl.bytes += e->len;
		}
		strmap_put(&v->arena, &v->index, k->text, k->len, v->nlists);
		VEC_PUSH(&v->arena, v->lists, v->nlists, v->cap, vl);
	}
	return true;
}

bool
vars_load_files(struct vars *v, const char *const *paths, int n)
{
	for (int i = 0; i < n; i++) {
		size_t len;
		const char *why;
		char *text = files_read(paths[i], &len, &why);
		if (!text) {
			fprintf(stderr, "sigmacc: %s: cannot read file: %s\n", paths[i], why);
			return false;
		}
		struct source src = {paths[i], text, len};
		struct diag d = {.src = &src};
		bool ok = vars_load(v, &src, &d);
		if (!ok) {
			struct buf e = {0};
			diag_render(&d, &e);
			fputs(e.data, stderr);
			buf_free(&e);
		}
		diag_clear(&d);
		free(text);	/* the lists live in the vars arena */
		if (!ok)
			return false;
	}
	return true;
}

const struct varlist *
vars_find(const struct vars *v, const char *name, size_t len)
{
	int i = v ? strmap_get(&v->index, name, len) : -1;
	return i >= 0 ? &v->lists[i] : NULL;
}

void
vars_free(struct vars *v)
{
	arena_free(&v->arena);
	v->lists = NULL;
	v->nlists = v->cap = 0;
	v->index = (struct strmap){0};
}
