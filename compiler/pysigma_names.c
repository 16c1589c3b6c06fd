/*
 * pysigma_names.c: pySigma's field-name transformations composed, in their
 * order, into one field table. pySigma renames a rule's fields step by step;
 * our pipeline maps each Sigma name once. A field the transformations name
 * becomes an entry of its own (Sigma name -> its final name); every other
 * field keeps the composed prefix and suffix, so the result is exact for
 * every field, not only the listed ones. The entries are made per logsource
 * the transformations' rule conditions name, and per conjunction of them.
 */
#include "pysigma.h"

#include <string.h>

static const char *
dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static bool
listed(const struct ynode *list, const char *name)
{
	for (int i = 0; i < list->nkids; i++)
		if (!strcmp(list->kids[i]->text, name))
			return true;
	return false;
}

/* With name NULL: the answer for every name no condition lists. */
static bool
passes(const struct py_fieldcond *fc, const char *name)
{
	if (fc->n == 0)
		return true;
	bool r = !fc->any;
	for (int i = 0; i < fc->n; i++) {
		bool in = name && listed(fc->lists[i], name);
		bool hit = fc->exclude[i] ? !in : in;
		r = fc->any ? r || hit : r && hit;
	}
	return r != fc->negate;
}

bool
py_field_passes(const struct py_fieldcond *fc, const char *name)
{
	return passes(fc, name);
}

static struct pl_field *
find(struct py_names *nm, const char *from)
{
	for (int i = 0; i < nm->n; i++)
		if (!strcmp(nm->v[i].from, from))
			return &nm->v[i];
	return NULL;
}

/* The Sigma name that the unlisted fields' naming turns into name, if any. */
static const char *
unlisted_source(struct arena *a, const struct py_names *nm, const char *name)
{
	size_t pl = strlen(nm->pre), sl = strlen(nm->suf), len = strlen(name);
	if (len <= pl + sl || strncmp(name, nm->pre, pl) || strcmp(name + len - sl, nm->suf))
		return NULL;
	return arena_strndup(a, name + pl, len - pl - sl);
}

/* Lists the Sigma field that is now called name, as to (unless it is listed already). */
static struct pl_field *
list_field(struct arena *a, struct py_names *nm, const char *name, const char *to,
	   const char *failure)
{
	const char *from = unlisted_source(a, nm, name);
	if (!from || find(nm, from))
		return NULL;
	struct pl_field f = {.from = (char *)from, .to = (char *)to, .project_only = (char *)failure};
	VEC_PUSH(a, nm->v, nm->n, nm->cap, f);
	return &nm->v[nm->n - 1];
}

/*
 * The names of a field: one-to-many mappings give it several (to, then
 * also), matched (v) or, after a drop_detection_item of some, only projected
 * (off: pySigma's fields list keeps them).
 */
struct names {
	char **v, **off;
	int n, cap, noff, capoff;
};

static bool
has_name(char *const *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

static void
names_add(struct arena *a, struct names *ns, const char *name, bool off)
{
	if (has_name(ns->v, ns->n, name) || (off && has_name(ns->off, ns->noff, name)))
		return;
	if (off)
		VEC_PUSH(a, ns->off, ns->noff, ns->capoff, (char *)name);
	else
		VEC_PUSH(a, ns->v, ns->n, ns->cap, (char *)name);
}

static const char *
field_name(const struct pl_field *f, unsigned i)
{
	return i ? f->also[i - 1] : f->to;
}

/* Is name i of f only projected? */
static bool
name_off(const struct pl_field *f, unsigned i)
{
	return i > f->also_count - f->also_unmatched;
}

static void
field_rename(struct arena *a, struct pl_field *f, const struct names *ns)
{
	f->to = ns->v[0];
	f->also = arena_alloc(a, sizeof(char *) * (size_t)(ns->n + ns->noff));
	f->also_count = f->also_unmatched = 0;
	for (int i = 1; i < ns->n; i++)
		f->also[f->also_count++] = ns->v[i];
	for (int i = 0; i < ns->noff; i++)
		if (!has_name(ns->v, ns->n, ns->off[i])) {
			f->also[f->also_count++] = ns->off[i];
			f->also_unmatched++;
		}
}

/* A mapping value: a name, or a list of them (checked when read). */
static void
mapped_names(struct arena *a, const struct ynode *v, struct names *ns, bool off)
{
	for (int k = 0; k < (v->kind == YNODE_SEQ ? v->nkids : 1); k++)
		names_add(a, ns, v->kind == YNODE_SEQ ? v->kids[k]->text : v->text, off);
}

static const struct ynode *
mapped(const struct ynode *m, const char *name)
{
	for (int i = 0; i < m->nkids; i += 2)
		if (!strcmp(m->kids[i]->text, name))
			return m->kids[i + 1];
	return NULL;
}

/* Renames every listed field (each of its names, one-to-many included) through one,
 * which adds the new names of one old name to ns. */
static void
rename_listed(struct arena *a, struct py_names *nm, const struct py_xform *x,
	      void (*one)(struct arena *, const struct py_xform *, const char *, bool,
			  struct names *))
{
	int before = nm->n;
	for (int i = 0; i < before; i++) {
		struct pl_field *f = &nm->v[i];
		struct names ns = {0};
		for (unsigned k = 0; !f->project_only && k <= f->also_count; k++)
			one(a, x, field_name(f, k), name_off(f, k), &ns);
		if (ns.n)
			field_rename(a, f, &ns);
	}
}

static void
map_one(struct arena *a, const struct py_xform *x, const char *name, bool off, struct names *ns)
{
	const struct ynode *to = passes(&x->fc, name) ? mapped(x->mapping, name) : NULL;
	if (to)
		mapped_names(a, to, ns, off);
	else
		names_add(a, ns, name, off);
}

static void
apply_mapping(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	rename_listed(a, nm, x, map_one);
	for (int i = 0; i < x->mapping->nkids; i += 2) {
		const char *key = x->mapping->kids[i]->text;
		struct names ns = {0};
		mapped_names(a, x->mapping->kids[i + 1], &ns, false);
		struct pl_field *f = passes(&x->fc, key) ? list_field(a, nm, key, NULL, NULL) : NULL;
		if (f)
			field_rename(a, f, &ns);
	}
}

static const char *
affixed(struct arena *a, const struct py_xform *x, const char *name)
{
	return x->kind == PY_SUFFIX ? arena_printf(a, "%s%s", name, x->text) :
				      arena_printf(a, "%s%s", x->text, name);
}

static void
affix_one(struct arena *a, const struct py_xform *x, const char *name, bool off, struct names *ns)
{
	names_add(a, ns, passes(&x->fc, name) ? affixed(a, x, name) : name, off);
}

/* field_name_prefix and field_name_suffix: every field the conditions pass, listed or not. */
static void
apply_affix(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	bool others = passes(&x->fc, NULL);
	rename_listed(a, nm, x, affix_one);
	/* the names a condition lists that fare otherwise than the unlisted ones */
	for (int c = 0; c < x->fc.n; c++)
		for (int k = 0; k < x->fc.lists[c]->nkids; k++) {
			const char *name = x->fc.lists[c]->kids[k]->text;
			if (passes(&x->fc, name) != others)
				list_field(a, nm, name, others ? name : affixed(a, x, name), NULL);
		}
	if (!others)
		return;
	if (x->kind == PY_SUFFIX)
		nm->suf = arena_printf(a, "%s%s", nm->suf, x->text);
	else
		nm->pre = arena_printf(a, "%s%s", x->text, nm->pre);
}

/* Does one of f's names pass x's field name conditions? */
static bool
any_passes(const struct py_xform *x, const struct pl_field *f)
{
	for (unsigned k = 0; k <= f->also_count; k++)
		if (!name_off(f, k) && passes(&x->fc, field_name(f, k)))
			return true;
	return false;
}

/* detection_item_failure: its conditions list the failing fields (never the unlisted ones). */
static void
apply_item_failure(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	int before = nm->n;
	for (int i = 0; i < before; i++)
		if (!nm->v[i].project_only && any_passes(x, &nm->v[i]))
			nm->v[i].project_only = (char *)x->text;
	for (int c = 0; c < x->fc.n; c++)
		for (int k = 0; k < x->fc.lists[c]->nkids; k++) {
			const char *name = x->fc.lists[c]->kids[k]->text;
			if (passes(&x->fc, name))
				list_field(a, nm, name, name, x->text);
		}
}

static bool
dropped(const struct py_names *nm, const char *from)
{
	for (int i = 0; i < nm->ndrop; i++)
		if (!strcmp(nm->drop[i], from))
			return true;
	return false;
}

static void
drop_field(struct arena *a, struct py_names *nm, const char *from)
{
	if (!dropped(nm, from))
		VEC_PUSH(a, nm->drop, nm->ndrop, nm->capdrop, (char *)from);
}

/*
 * drop_detection_item: its conditions list the fields whose detection items
 * go. Of a field mapped to several names, only the listed names' items go
 * (pySigma made one item per name; they stay projected); the field goes
 * when all of them do.
 */
static void
apply_drop(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	for (int i = 0; i < nm->n; i++) {
		struct pl_field *f = &nm->v[i];
		struct names ns = {0};
		for (unsigned k = 0; !f->project_only && k <= f->also_count; k++) {
			const char *name = field_name(f, k);
			names_add(a, &ns, name, name_off(f, k) || passes(&x->fc, name));
		}
		if (f->project_only || dropped(nm, f->from))
			continue;
		if (!ns.n)
			drop_field(a, nm, f->from);
		else
			field_rename(a, f, &ns);
	}
	for (int c = 0; c < x->fc.n; c++)
		for (int k = 0; k < x->fc.lists[c]->nkids; k++) {
			const char *name = x->fc.lists[c]->kids[k]->text;
			const char *from = passes(&x->fc, name) ? unlisted_source(a, nm, name) : NULL;
			if (from && !find(nm, from))
				drop_field(a, nm, from);
		}
}

/*
 * add_condition: its items are matched as the rule's own, on Sigma field
 * names, so the transformations after it rename them as pySigma does. One
 * before it that renamed or dropped a field it names would apply to it here
 * and not in pySigma: such a pipeline is refused (py_entry).
 */
static void
apply_add(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	for (int g = 0; !nm->conflict && g < x->cond->ngroups; g++)
		for (int i = 0; i < x->cond->groups[g].nitems; i++) {
			const char *field = x->cond->groups[g].items[i].field;
			if (field && (find(nm, field) || *nm->pre || *nm->suf || dropped(nm, field))) {
				nm->conflict = x;
				nm->conflict_field = field;
				return;
			}
		}
	struct pl_added add = {x->cond, x->negated};
	VEC_PUSH(a, nm->added, nm->nadded, nm->capadded, add);
}

void
py_names_apply(struct arena *a, struct py_names *nm, const struct py_xform *x)
{
	switch (x->kind) {
	case PY_MAPPING:
		apply_mapping(a, nm, x);
		break;
	case PY_PREFIX:
	case PY_SUFFIX:
		apply_affix(a, nm, x);
		break;
	case PY_ITEM_FAILURE:
		apply_item_failure(a, nm, x);
		break;
	case PY_CHANGE_LOGSOURCE:
		nm->as = &x->to;
		break;
	case PY_RULE_FAILURE:
		if (!nm->error)
			nm->error = x->text;
		break;
	case PY_DROP:
		apply_drop(a, nm, x);
		break;
	case PY_ADD:
		if (!nm->conflict)
			apply_add(a, nm, x);
		break;
	case PY_STATE:	/* pysigma_convert sets the pipeline's index */
	case PY_KIND__COUNT:
		break;
	}
}

static int
scope_keys(const struct py_scope *s)
{
	return !!s->product + !!s->service + !!s->category;
}

static bool
scope_implies(const struct py_scope *e, const struct py_scope *c)
{
	return (!c->product || (e->product && !strcmp(e->product, c->product))) &&
	       (!c->service || (e->service && !strcmp(e->service, c->service))) &&
	       (!c->category || (e->category && !strcmp(e->category, c->category)));
}

enum { SCOPES_MAX = 256 };

/*
 * The scopes the entries are made for: every scope of a transformation and
 * every conjunction of them, most specific first. A rule's first matching
 * entry is then the conjunction of all the scopes it is in, so it gets
 * every transformation that applies to it, in the pipeline's order.
 */
int
py_entry_scopes(struct arena *a, struct diag *d, const struct ynode *ts, const struct py_xform *xs,
	     struct py_scope **out)
{
	struct py_scope *v = NULL;
	int n = 0, cap = 0;
	for (int i = 0; i < ts->nkids; i++)
		for (int k = 0; k < xs[i].nscopes; k++)
			VEC_PUSH(a, v, n, cap, xs[i].scopes[k]);
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++) {
			struct py_scope s;
			bool known = !py_scope_and(&v[i], &v[j], &s);
			for (int k = 0; !known && k < n; k++)
				known = scope_implies(&v[k], &s) && scope_implies(&s, &v[k]);
			if (!known && n == SCOPES_MAX)
				return diag_error(d, ts->pos, "the logsource conditions combine into "
						  "more than %d logsources", SCOPES_MAX), -1;
			if (!known)
				VEC_PUSH(a, v, n, cap, s);
		}
	for (int i = 1; i < n; i++)	/* stable: more keys first */
		for (int j = i; j > 0 && scope_keys(&v[j]) > scope_keys(&v[j - 1]); j--) {
			struct py_scope t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	return n;
}

/* The entry for scope s: the transformations that apply to its rules, in order. */
int
py_entry(struct arena *a, struct diag *d, const struct py_xform *xs, int nx,
	 const struct py_scope *s, struct pl_logsource *e)
{
	struct py_names nm = {.pre = "", .suf = ""};
	for (int i = 0; i < nx; i++)
		for (int k = 0; k < xs[i].nscopes; k++)	/* after a change, the new logsource */
			if (scope_implies(nm.as ? nm.as : s, &xs[i].scopes[k])) {
				py_names_apply(a, &nm, &xs[i]);
				break;
			}
	if (nm.conflict)
		return diag_error(d, nm.conflict->node->pos, "add_condition matches field '%s', "
				  "which a transformation before it renames or drops: sigmacc matches "
				  "the added items as the rule's own fields, so put add_condition "
				  "first", nm.conflict_field), -1;
	if (!nm.n && !*nm.pre && !*nm.suf && !nm.error && !nm.as && !nm.ndrop && !nm.nadded)
		return 0;
	*e = (struct pl_logsource){.product = (char *)dup(a, s->product),
				   .service = (char *)dup(a, s->service), .fields = nm.v,
				   .fields_count = (unsigned)nm.n, .error = (char *)dup(a, nm.error)};
	if (s->category) {
		e->categories = arena_alloc(a, sizeof(char *));
		e->categories[0] = arena_strdup(a, s->category);
		e->categories_count = 1;
	}
	e->drop = nm.drop;
	e->drop_count = (unsigned)nm.ndrop;
	e->added = nm.added;
	e->added_count = (unsigned)nm.nadded;
	e->field_prefix = *nm.pre ? (char *)nm.pre : NULL;
	e->field_suffix = *nm.suf ? (char *)nm.suf : NULL;
	e->passthrough = e->field_prefix || e->field_suffix;	/* named, never unmapped */
	if (nm.as) {
		e->serve_as = arena_alloc(a, sizeof(*e->serve_as));
		*e->serve_as = (struct logsource){.product = dup(a, nm.as->product),
						  .category = dup(a, nm.as->category),
						  .service = dup(a, nm.as->service)};
	}
	return 1;
}
