/*
 * filter.c: meta filters (filter.h). A filter file is read once; each of its
 * documents must be a filter (a `filter` map, a logsource, a title). While a
 * rule compiles, every filter that names it and whose logsource contains the
 * rule's is applied to a copy of the rule: the filter's searches join the
 * rule's under "<prefix><name>", and each condition C of the rule becomes
 * C and F, where F is the filter's condition over the renamed searches. What
 * a filter named but never found is reported once, after the run.
 */
#include "filter.h"
#include "driver.h"

#include <stdlib.h>
#include <string.h>

/* rules: a list of ids or names; a single string, `any` or [] = every rule. */
static bool
load_refs(struct arena *a, struct diag *d, const struct ynode *n, struct filter *f)
{
	if (!n)
		return diag_error(d, f->pos, "meta filter '%s' has no 'filter.rules': name the rules "
				  "it applies to (or 'any')", f->title);
	if (n->kind == YNODE_SCALAR || n->kind == YNODE_MAP) {
		if (n->kind == YNODE_MAP)
			return diag_error(d, n->pos, "'rules' must be a list of rule ids or names");
		return true;	/* pySigma: a single string means every rule */
	}
	f->refs = arena_alloc(a, sizeof(*f->refs) * (size_t)(n->nkids + 1));
	f->ref_pos = arena_alloc(a, sizeof(*f->ref_pos) * (size_t)(n->nkids + 1));
	for (int i = 0; i < n->nkids; i++) {
		if (n->kids[i]->kind != YNODE_SCALAR)
			return diag_error(d, n->kids[i]->pos, "'rules' entries must be rule ids or "
					  "names");
		f->ref_pos[f->nrefs] = n->kids[i]->pos;
		f->refs[f->nrefs++] = n->kids[i]->text;
	}
	f->named = arena_alloc(a, sizeof(*f->named) * (size_t)(f->nrefs + 1));
	f->applied = arena_alloc(a, sizeof(*f->applied) * (size_t)(f->nrefs + 1));
	for (int i = 0; i < f->nrefs; i++) {
		atomic_init(&f->named[i], false);
		atomic_init(&f->applied[i], false);
	}
	return true;
}

static bool
load_doc(struct filter_set *fs, struct diag *d, const struct source *src,
	 const struct ynode *doc, int index)
{
	const struct ynode *fm = doc->kind == YNODE_MAP ? yaml_get(doc, "filter") : NULL;
	if (!fm)
		return diag_error(d, doc->pos, "not a meta filter: a --filter file holds documents "
				  "with a 'filter' map");
	if (!yaml_get(doc, "logsource"))
		return diag_error(d, doc->pos, "meta filter without 'logsource': a filter applies "
				  "only to the rules of the logsource it names");
	struct filter *f = arena_alloc(&fs->a, sizeof(*f));
	f->pos = doc->pos;
	f->src = src;
	if (!(f->rule = rule_load_filter(&fs->a, d, src, doc, index)))
		return false;
	f->title = f->rule->title;
	if (fm->kind == YNODE_MAP && !load_refs(&fs->a, d, yaml_get(fm, "rules"), f))
		return false;
	f->prefix = arena_printf(&fs->a, "filter%d_", fs->n + 1);
	VEC_PUSH(&fs->a, fs->v, fs->n, fs->cap, f);
	return true;
}

static bool
load_file(struct filter_set *fs, const struct session *s, const char *path, struct buf *err)
{
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	struct source *src = arena_alloc(&fs->a, sizeof(*src));
	*src = (struct source){arena_strdup(&fs->a, path), NULL, len};
	struct diag d = {.src = src};
	bool ok = text != NULL;
	if (!ok) {
		diag_error(&d, (struct pos){src->name, 0, 0}, "cannot read filter: %s", why);
	} else {
		src->text = arena_strndup(&fs->a, text, len);
		free(text);
		struct ynode **docs;
		int ndocs;
		ok = yaml_load(src, &fs->a, &d, &docs, &ndocs);
		for (int i = 0; ok && i < ndocs; i++)
			ok = load_doc(fs, &d, src, docs[i], i);
	}
	driver_render(s, &d, err);
	diag_clear(&d);
	return ok;
}

bool
filter_load(struct filter_set *fs, const struct session *s, const char *path, struct buf *err)
{
	struct pathlist files = {0};
	bool ok = files_expand(&files, path, err);
	for (int i = 0; i < files.n; i++)
		ok = load_file(fs, s, files.v[i], err) && ok;
	files_free(&files);
	return ok;
}

static bool
same(const char *filter, const char *rule)
{
	return !filter || (rule && !strcmp(filter, rule));
}

/* Does the filter's logsource contain the rule's (each key it sets, equal)? */
static bool
contains(const struct logsource *f, const struct logsource *r)
{
	return same(f->product, r->product) && same(f->category, r->category) &&
	       same(f->service, r->service);
}

/* Does f name r? (ref: the index of the name, -1 for every rule) */
static bool
names(const struct filter *f, const struct rule *r, int *ref)
{
	*ref = -1;
	if (f->nrefs == 0)
		return true;
	for (int i = 0; i < f->nrefs; i++)
		if ((r->id && !strcmp(r->id, f->refs[i])) || (r->name && !strcmp(r->name, f->refs[i]))) {
			*ref = i;
			return true;
		}
	return false;
}

/* The filter's condition with its identifiers and patterns prefixed; `them`
 * stays within the filter's own searches. */
static struct cond *
renamed(struct arena *a, const struct cond *c, const char *prefix)
{
	struct cond *n = arena_alloc(a, sizeof(*n));
	*n = *c;
	switch (c->kind) {
	case COND_ID:
		n->id = arena_printf(a, "%s%s", prefix, c->id);
		break;
	case COND_OF:
		n->of.pattern = arena_printf(a, "%s%s", prefix, c->of.pattern ? c->of.pattern : "*");
		break;
	case COND_NOT:
		n->operand = renamed(a, c->operand, prefix);
		break;
	case COND_AND:
	case COND_OR:
		n->list.kids = arena_alloc(a, sizeof(*n->list.kids) * (size_t)c->list.n);
		for (int i = 0; i < c->list.n; i++)
			n->list.kids[i] = renamed(a, c->list.kids[i], prefix);
		break;
	}
	return n;
}

/* A rule's condition with each `of` selector written as the searches it
 * selects now, so that it never selects the filter's searches added later. */
static struct cond *
fixed_of(struct arena *a, const struct cond *c, const struct rule *r)
{
	struct cond *n = arena_alloc(a, sizeof(*n));
	*n = *c;
	switch (c->kind) {
	case COND_ID:
		break;
	case COND_OF:
		*n = (struct cond){.kind = c->of.all ? COND_AND : COND_OR, .pos = c->pos};
		n->list.kids = arena_alloc(a, sizeof(*n->list.kids) * (size_t)r->nsearches);
		for (int i = 0; i < r->nsearches; i++) {
			if (!cond_selects(c->of.pattern, r->searches[i].name))
				continue;
			struct cond *id = arena_alloc(a, sizeof(*id));
			*id = (struct cond){.kind = COND_ID, .pos = c->pos, .id = r->searches[i].name};
			n->list.kids[n->list.n++] = id;
		}
		if (n->list.n == 1)
			n = n->list.kids[0];
		break;
	case COND_NOT:
		n->operand = fixed_of(a, c->operand, r);
		break;
	case COND_AND:
	case COND_OR:
		n->list.kids = arena_alloc(a, sizeof(*n->list.kids) * (size_t)c->list.n);
		for (int i = 0; i < c->list.n; i++)
			n->list.kids[i] = fixed_of(a, c->list.kids[i], r);
		break;
	}
	return n;
}

/* r with f's searches and condition added to a copy; NULL after an error. */
static struct rule *
add_filter(struct arena *a, struct diag *d, const struct rule *r, const struct filter *f)
{
	struct rule *n = arena_alloc(a, sizeof(*n));
	*n = *r;
	const struct rule *fr = f->rule;
	n->nsearches = r->nsearches + fr->nsearches;
	n->searches = arena_alloc(a, sizeof(*n->searches) * (size_t)n->nsearches);
	memcpy(n->searches, r->searches, sizeof(*n->searches) * (size_t)r->nsearches);
	n->search_index = (struct strmap){0};
	for (int i = 0; i < n->nsearches; i++) {
		struct search *s = &n->searches[i];
		if (i >= r->nsearches) {
			*s = fr->searches[i - r->nsearches];
			s->name = arena_printf(a, "%s%s", f->prefix, s->name);
		}
		if (strmap_put(a, &n->search_index, s->name, strlen(s->name), i) >= 0)
			return diag_error(d, r->pos, "meta filter '%s': its search '%s' has the name of "
					  "a search of the rule", f->title, s->name), NULL;
	}
	struct cond *fc = renamed(a, fr->conds[0], f->prefix);
	for (int k = 1; k < fr->nconds; k++) {	/* a condition list is the OR of its conditions */
		struct cond *o = arena_alloc(a, sizeof(*o));
		*o = (struct cond){.kind = COND_OR, .pos = fc->pos};
		o->list.kids = arena_alloc(a, sizeof(*o->list.kids) * 2);
		o->list.kids[0] = fc;
		o->list.kids[1] = renamed(a, fr->conds[k], f->prefix);
		o->list.n = 2;
		fc = o;
	}
	n->conds = arena_alloc(a, sizeof(*n->conds) * (size_t)r->nconds);
	for (int k = 0; k < r->nconds; k++) {
		struct cond *and = arena_alloc(a, sizeof(*and));
		*and = (struct cond){.kind = COND_AND, .pos = r->conds[k]->pos};
		and->list.kids = arena_alloc(a, sizeof(*and->list.kids) * 2);
		and->list.kids[0] = fixed_of(a, r->conds[k], r);
		and->list.kids[1] = fc;
		and->list.n = 2;
		n->conds[k] = and;
	}
	return n;
}

const struct rule *
filter_apply(struct arena *a, struct diag *d, const struct filter_set *fs, const struct rule *r,
	     const char ***applied, int *napplied)
{
	int cap = 0;
	if (applied) {
		*applied = NULL;
		*napplied = 0;
	}
	for (int i = 0; fs && i < fs->n; i++) {
		const struct filter *f = fs->v[i];
		int ref;
		if (!names(f, r, &ref))
			continue;
		if (ref >= 0)
			atomic_store(&f->named[ref], true);
		if (!contains(&f->rule->logsource, &r->logsource))
			continue;
		if (ref >= 0)
			atomic_store(&f->applied[ref], true);
		if (!(r = add_filter(a, d, r, f)))
			return NULL;
		if (applied)
			VEC_PUSH(a, *applied, *napplied, cap, f->title);
	}
	return r;
}

void
filter_report(const struct filter_set *fs, const struct session *s, struct buf *err)
{
	for (int i = 0; i < fs->n; i++) {
		const struct filter *f = fs->v[i];
		struct diag d = {.src = f->src};
		for (int k = 0; k < f->nrefs; k++) {
			if (!atomic_load(&f->named[k]))
				diag_warning(&d, f->ref_pos[k], "meta filter '%s': no rule compiled has "
					     "the id or name '%s'", f->title, f->refs[k]);
			else if (!atomic_load(&f->applied[k]))
				diag_warning(&d, f->ref_pos[k], "meta filter '%s': rule '%s' is not of "
					     "the filter's logsource, so the filter does not apply to it",
					     f->title, f->refs[k]);
		}
		driver_render(s, &d, err);
		diag_clear(&d);
	}
}

void
filter_free(struct filter_set *fs)
{
	arena_free(&fs->a);
	*fs = (struct filter_set){0};
}

void
filter_split(struct pathlist *l, const char *root)
{
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		n--;
	int kept = 0;
	for (int i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		if (!strncmp(p, root, n) && !strncmp(p + n, "/filters/", 9))
			free(l->v[i]);
		else
			l->v[kept++] = l->v[i];
	}
	l->n = kept;
}
