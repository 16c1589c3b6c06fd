/*
 * pipeline.c: the per-target pipelines under templates/ (field mapping and
 * logsource-to-event-selection), loaded once at start-up from a fixed schema
 * (pipeline_schema.c); see templates/README.md for the format. The normalizer
 * asks pipeline_logsource() and pipeline_field() per rule.
 */
#include "sigma.h"
#include "base.h"

#include "config.h"
#include "pipelines.h"
#include "suggest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void
pipeline_names(const char *dir, struct pathlist *names)
{
	struct buf path = {0}, err = {0};
	buf_printf(&path, "%s/pipelines", dir);
	struct stat st;
	if (stat(path.data, &st) == 0 && S_ISDIR(st.st_mode))
		files_expand(names, path.data, &err);
	for (int i = 0; i < names->n; i++) {
		char *base = strrchr(names->v[i], '/');
		base = base ? base + 1 : names->v[i];
		memmove(names->v[i], base, strlen(base) + 1);
		char *dot = strrchr(names->v[i], '.');
		if (dot)
			*dot = '\0';
	}
	buf_free(&path);
	buf_free(&err);
}

/* The error for a pipeline that is neither a file nor a known name. */
static void
unknown_pipeline(const char *dir, const char *name)
{
	struct pathlist names = {0};
	pipeline_names(dir, &names);
	const char *near = suggest_closest(name, strlen(name), (const char *const *)names.v, names.n);
	fprintf(stderr, "sigmacc: unknown pipeline '%s': no such file, nor a pipeline in %s/pipelines "
		"(see 'sigmacc list pipelines')", name, dir);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputc('\n', stderr);
	files_free(&names);
}

/*
 * Parses the file once, with our YAML reader: a pySigma pipeline is converted
 * from it; ours is checked key by key, so a mistake is reported as
 * file:line:col in our words, then laid out as its libcyaml schema says
 * (config_tree.c).
 */
/* A pipeline file, whole. Not files_read: --max-rule-size limits rule files, not the
 * configuration; FILES_MAX_CEILING still bounds what is read. */
static char *
read_config(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= FILES_MAX_CEILING)
		buf_putn(&b, chunk, n);
	bool bad = ferror(f) || b.len > FILES_MAX_CEILING;
	*why = ferror(f) ? "read error" : "file is larger than 256 MiB";
	fclose(f);
	if (bad) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data ? b.data : mem_calloc(1, 1);
}

/* Our format, checked, laid out as libcyaml would load it, in memory of its own;
 * NULL after a diagnostic. */
static struct pipeline *
load_ours(struct diag *d, const struct ynode *doc)
{
	struct arena *a = mem_calloc(1, sizeof(*a));
	void *p = NULL;
	if (!pipeline_check(d, doc) || !config_from_tree(a, d, &pipeline_schema, doc, &p)) {
		arena_free(a);
		free(a);
		return NULL;
	}
	((struct pipeline *)p)->mem = a;
	return p;
}

/* The pipeline file at path (ours, or pySigma's for target), or NULL after a message.
 * expect: the name ours must give itself (one of sigmacc's), or NULL. */
static struct pipeline *
load_checked(const char *path, const char *name, const char *target, const char *expect)
{
	size_t len;
	const char *why;
	char *text = read_config(path, &len, &why);
	if (!text) {
		fprintf(stderr, "sigmacc: %s: cannot read pipeline: %s\n", path, why);
		return NULL;
	}
	struct arena *a = mem_calloc(1, sizeof(*a));
	/* the path in the arena: a pySigma pipeline's added conditions keep their positions */
	struct source src = {a ? arena_strdup(a, path) : path, text, len};
	struct diag d = {.src = &src};
	struct ynode **docs;
	int ndocs = 0;
	struct pipeline *p = NULL;
	bool ok = a && yaml_load(&src, a, &d, &docs, &ndocs);
	if (ok && ndocs != 1)
		ok = diag_error(&d, (struct pos){path, 1, 1}, "a pipeline file must hold one document");
	bool pysigma = ok && pysigma_is_pipeline(docs[0]);
	if (pysigma && !target)
		ok = diag_error(&d, docs[0]->pos, "a pySigma pipeline needs a target: -t TARGET");
	if (ok && pysigma && (p = pysigma_convert(a, &d, docs[0], name, target)))
		p->owner = a;
	else if (ok && !pysigma)
		p = load_ours(&d, docs[0]);
	struct buf e = {0};
	diag_render(&d, &e);
	fputs(e.data ? e.data : "", stderr);
	buf_free(&e);
	diag_clear(&d);
	free(text);
	if (a && (!p || !p->owner)) {	/* ours lives in an arena of its own */
		arena_free(a);
		free(a);
	}
	if (p && !pysigma && expect && strcmp(p->name, expect)) {
		fprintf(stderr, "sigmacc: %s: names pipeline '%s'\n", path, p->name);
		pipeline_free(p);
		p = NULL;
	}
	return p;
}

struct pipeline *
pipeline_load_for(const char *dir, const char *name, const char *target)
{
	struct buf path = {0};
	struct stat st;
	bool file = stat(name, &st) == 0 && S_ISREG(st.st_mode);	/* a user's own pipeline */
	if (file)
		buf_puts(&path, name);
	else
		buf_printf(&path, "%s/pipelines/%s.yml", dir, name);
	if (!file && (strchr(name, '/') || stat(path.data, &st) != 0 || !S_ISREG(st.st_mode))) {
		unknown_pipeline(dir, name);
		buf_free(&path);
		return NULL;
	}
	struct pipeline *p = load_checked(path.data, name, target, file ? NULL : name);
	buf_free(&path);
	return p;
}

struct pipeline *
pipeline_load(const char *dir, const char *name)
{
	return pipeline_load_for(dir, name, NULL);
}

void
pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	struct arena *a = p->owner ? p->owner : p->mem;	/* every loaded one has its arena */
	arena_free(a);
	free(a);
}

static bool
has_category(const struct pl_logsource *e, const char *category)
{
	if (!e->categories)
		return true;
	if (!category)
		return false;
	for (unsigned i = 0; i < e->categories_count; i++)
		if (e->categories[i][0] == category[0] && !strcmp(e->categories[i], category))
			return true;
	return false;
}

const struct pl_logsource *
pipeline_logsource(const struct pipeline *p, const struct logsource *ls)
{
	for (unsigned i = 0; i < p->logsources_count; i++) {
		const struct pl_logsource *e = &p->logsources[i];
		if (!e->product && !e->service && !e->categories)
			return e;	/* a catch-all entry */
		/* the first letters first: this scan runs per rule and target */
		if (e->product && (!ls->product || e->product[0] != ls->product[0] ||
				   strcmp(e->product, ls->product)))
			continue;
		if (e->service && (!ls->service || e->service[0] != ls->service[0] ||
				   strcmp(e->service, ls->service)))
			continue;
		if (!e->service && ls->service)
			continue;
		if (!has_category(e, ls->category))
			continue;
		return e;
	}
	return NULL;
}

const struct pl_field *
pipeline_field(const struct pl_logsource *ls, const char *name)
{
	/* the first letters first: most names differ there, and this runs per match */
	for (unsigned i = 0; i < ls->fields_count; i++)
		if (ls->fields[i].from[0] == name[0] && !strcmp(ls->fields[i].from, name))
			return &ls->fields[i];
	return NULL;
}

const char *
pipeline_unlisted_name(struct arena *a, const struct pl_logsource *ls, const char *name)
{
	if (!ls->field_prefix && !ls->field_suffix)
		return name;
	return arena_printf(a, "%s%s%s", ls->field_prefix ? ls->field_prefix : "", name,
			    ls->field_suffix ? ls->field_suffix : "");
}

static bool
same_strings(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Do two entries select the same logsources (product, service, the same categories)? */
static bool
same_selector(const struct pl_logsource *a, const struct pl_logsource *b)
{
	if (!same_strings(a->product, b->product) || !same_strings(a->service, b->service) ||
	    a->categories_count != b->categories_count || !a->categories != !b->categories)
		return false;
	for (unsigned i = 0; i < a->categories_count; i++)
		if (strcmp(a->categories[i], b->categories[i]))
			return false;
	return true;
}

/* Does the field-only overlay entry o apply to some rules that base entry b serves? */
static bool
overlaps(const struct pl_logsource *o, const struct pl_logsource *b)
{
	if ((o->product && b->product && strcmp(o->product, b->product)) ||
	    (o->service && !same_strings(o->service, b->service)))
		return false;
	if (!o->categories || !b->categories)
		return true;
	for (unsigned i = 0; i < o->categories_count; i++)
		if (has_category(b, o->categories[i]))
			return true;
	return false;
}

/* The part of b that o narrows to: b's selection, o's fields in front of b's. */
static struct pl_logsource
narrowed(struct arena *a, const struct pl_logsource *o, const struct pl_logsource *b)
{
	struct pl_logsource m = *b;
	m.product = o->product ? o->product : b->product;
	if (o->categories) {
		m.categories = arena_alloc(a, sizeof(char *) * o->categories_count);
		m.categories_count = 0;
		for (unsigned i = 0; i < o->categories_count; i++)
			if (has_category(b, o->categories[i]))
				m.categories[m.categories_count++] = o->categories[i];
	}
	m.fields = arena_alloc(a, sizeof(*m.fields) * (o->fields_count + b->fields_count + 1));
	m.fields_count = 0;
	for (unsigned k = 0; k < o->fields_count; k++)
		m.fields[m.fields_count++] = o->fields[k];
	/* a prefix or suffix names every other field itself: b's table no longer applies */
	bool named = o->field_prefix || o->field_suffix;
	for (unsigned k = 0; !named && k < b->fields_count; k++)
		m.fields[m.fields_count++] = b->fields[k];
	if (named) {
		m.field_prefix = o->field_prefix;
		m.field_suffix = o->field_suffix;
	}
	/* pySigma's dropped items and added conditions: b's (an earlier overlay's), then o's */
	m.drop = arena_alloc(a, sizeof(*m.drop) * (o->drop_count + b->drop_count + 1));
	m.drop_count = 0;
	for (unsigned k = 0; k < b->drop_count + o->drop_count; k++)
		m.drop[m.drop_count++] = k < b->drop_count ? b->drop[k] : o->drop[k - b->drop_count];
	m.added = arena_alloc(a, sizeof(*m.added) * (o->added_count + b->added_count + 1));
	m.added_count = 0;
	for (unsigned k = 0; k < b->added_count + o->added_count; k++)
		m.added[m.added_count++] = k < b->added_count ? b->added[k]
							      : o->added[k - b->added_count];
	return m;
}

/*
 * An overlay entry that serves its rules as another logsource (pySigma's
 * change_logsource) takes the event selection, error and fields of the base
 * entry serving that logsource, its own fields in front.
 */
static struct pl_logsource
served_as(struct arena *a, const struct pl_logsource *o, const struct pipeline *base)
{
	const struct pl_logsource *b = pipeline_logsource(base, o->serve_as);
	struct pl_logsource m = *o;
	m.serve_as = NULL;
	if (!b || b->error || !b->select) {
		m.error = arena_printf(a, "its logsource is changed to %s, %s",
				       logsource_name(a, o->serve_as), b && b->error ? b->error :
				       "which has no event selection");
		return m;
	}
	struct pl_logsource n = narrowed(a, o, b);
	m.select = b->select;
	m.unconfirmed = b->unconfirmed;
	m.fields = n.fields;
	m.fields_count = n.fields_count;
	m.drop = n.drop;
	m.drop_count = n.drop_count;
	m.added = n.added;
	m.added_count = n.added_count;
	m.passthrough = o->passthrough || b->passthrough;
	return m;
}

/*
 * An overlay entry with a select or error replaces the base entry with the
 * same selection (keeping the base's fields after its own: pipeline_field()
 * takes the first match) or comes first. An overlay entry with only fields
 * narrows every base entry it overlaps, in the base's order: the narrowed
 * copy, placed right before the base entry, keeps the base's event
 * selection, so an overlay never repeats it, renaming fields for one
 * category of an entry that lists several, or (without any selection) for
 * every entry, never shadows an entry that comes earlier in the base.
 */
bool
pipeline_serves(const struct pipeline *p, const char *target)
{
	for (unsigned i = 0; i < p->shared_with_count; i++)
		if (!strcmp(p->shared_with[i], target))
			return true;
	return !strcmp(p->target, target);
}

struct pipeline *
pipeline_stack(struct arena *a, const struct pipeline *base, const struct pipeline *over)
{
	struct pipeline *p = arena_alloc(a, sizeof(*p));
	p->name = arena_printf(a, "%s+%s", base->name, over->name);
	p->target = base->target;
	p->shared_with = base->shared_with;
	p->shared_with_count = base->shared_with_count;
	p->index = over->index ? over->index : base->index;
	p->category_field = over->category_field ? over->category_field : base->category_field;
	p->raw_prefix = over->raw_prefix_count ? over->raw_prefix : base->raw_prefix;
	p->raw_prefix_count = over->raw_prefix_count ? over->raw_prefix_count : base->raw_prefix_count;
	p->time_field = over->time_field ? over->time_field : base->time_field;
	p->time_tables = over->time_tables_count ? over->time_tables : base->time_tables;
	p->time_tables_count = over->time_tables_count ? over->time_tables_count : base->time_tables_count;
	p->datamodel = datamodel_stack(a, base->datamodel, over->datamodel);
	p->description = over->description;
	unsigned n = over->logsources_count + base->logsources_count * (over->logsources_count + 1);
	p->logsources = arena_alloc(a, sizeof(*p->logsources) * (n + 1));
	bool *used = arena_alloc(a, sizeof(bool) * (base->logsources_count + 1));
	for (unsigned i = 0; i < over->logsources_count; i++) {
		const struct pl_logsource *o = &over->logsources[i];
		if (o->serve_as && !o->error) {
			p->logsources[p->logsources_count++] = served_as(a, o, base);
			continue;
		}
		if (!o->select && !o->error)
			continue;
		struct pl_logsource m = *o;
		for (unsigned j = 0; j < base->logsources_count; j++) {
			const struct pl_logsource *b = &base->logsources[j];
			if (used[j] || !same_selector(o, b))
				continue;
			used[j] = true;
			m = narrowed(a, o, b);
			m.select = o->select;
			m.error = o->error;
			m.unconfirmed = o->unconfirmed;	/* the overlay's own selection */
			m.warning = o->warning ? o->warning : b->warning;
			m.passthrough = o->passthrough || b->passthrough;
			m.prefix = o->prefix ? o->prefix : b->prefix;
			break;
		}
		p->logsources[p->logsources_count++] = m;
	}
	for (unsigned j = 0; j < base->logsources_count; j++) {
		if (used[j])
			continue;
		const struct pl_logsource *b = &base->logsources[j];
		for (unsigned i = 0; i < over->logsources_count; i++) {
			const struct pl_logsource *o = &over->logsources[i];
			if (!o->select && !o->error && !o->serve_as && overlaps(o, b)) {
				struct pl_logsource m = narrowed(a, o, b);
				m.warning = o->warning ? o->warning : b->warning;
				m.passthrough = o->passthrough || b->passthrough;
				m.prefix = o->prefix ? o->prefix : b->prefix;
				p->logsources[p->logsources_count++] = m;
			}
		}
		p->logsources[p->logsources_count++] = *b;
	}
	return p;
}
