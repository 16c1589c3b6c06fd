/*
 * correlation_index.c: references of correlations across files. Before the
 * run, every input file that could hold a correlation is looked at; if one
 * does, the name and id of every document of every input file is indexed,
 * so a reference resolves the same way whichever file is being compiled.
 * A name or id that two documents share is ambiguous and refused, never
 * resolved to whichever came first. A referenced file is loaded into the
 * compiling file's arena when a reference needs it; its own errors are
 * reported when it is compiled itself, so here they are summarised.
 */
#define _GNU_SOURCE	/* memmem */
#include "correlation_load.h"
#include "base.h"
#include "files.h"
#include "jobs.h"

#include <stdlib.h>
#include <string.h>

struct ix_doc {
	const char *name, *id;
	struct pos pos;
	bool is_corr, generate, hidden;
	const char **refs;
	int nrefs;
	int file;
};

/* One document of a name or id; the documents sharing one form a list. */
struct ix_ref {
	int doc;
	int next;	/* -1 at the end */
};

struct ix_file {
	const char *path;
	const struct vars *vars;
	int first, ndocs;	/* its documents in docs[] */
};

struct corr_index {
	struct arena a;
	struct ix_file *files;
	int nfiles;
	struct ix_doc *docs;
	int ndocs, capdocs;
	struct ix_ref *refs;
	int nrefs, caprefs;
	struct strmap by_ref;	/* name or id -> its first refs[] entry */
	struct strmap by_path;	/* path -> files[] */
};

/* A correlation document starts a line with `correlation:` (block style). */
static bool
may_correlate(const char *path, int i, const struct corr_visit *visit)
{
	size_t len;
	const char *why;
	struct stat st;
	if (!strcmp(path, "-"))
		return false;
	char *text = files_read_stat(path, &len, &why, &st);
	/* as far as the first NUL, which no YAML holds */
	const char *nul = text ? memchr(text, '\0', len) : NULL;
	size_t n = nul ? (size_t)(nul - text) : len;
	bool found = text && ((n >= 12 && !memcmp(text, "correlation:", 12)) ||
			      memmem(text, n, "\ncorrelation:", 13));
	if (!text || !visit || !visit->fn(visit->ctx, i, text, len, &st))
		free(text);
	return found;
}

/* The files whose text may hold a correlation, looked for on several threads. */
struct prescan {
	const char *const *files;
	bool *found;
	const struct corr_visit *visit;
};

static void
prescan_work(void *ctx, int worker, int i)
{
	(void)worker;
	struct prescan *p = ctx;
	p->found[i] = may_correlate(p->files[i], i, p->visit);
}

static void
prescan_done(void *ctx, int i)
{
	(void)ctx;
	(void)i;
}

static bool
any_correlates(const char *const *files, int nfiles, int njobs, const struct corr_visit *visit)
{
	struct prescan p = {files, mem_calloc((size_t)nfiles + 1, sizeof(bool)), visit};
	struct jobs j = {nfiles, njobs, 1024 * njobs, prescan_work, prescan_done, &p};
	jobs_run(&j);
	bool any = false;
	for (int i = 0; i < nfiles && !any; i++)
		any = p.found[i];
	free(p.found);
	return any;
}

static const char *
scalar(struct arena *a, const struct ynode *map, const char *key)
{
	const struct ynode *n = yaml_get(map, key);
	return n && n->kind == YNODE_SCALAR ? arena_strdup(a, n->text) : NULL;
}

static void
index_ref(struct corr_index *ix, const char *ref, int doc)
{
	if (!ref)
		return;
	struct ix_ref r = {doc, -1};
	VEC_PUSH(&ix->a, ix->refs, ix->nrefs, ix->caprefs, r);
	int first = strmap_put(&ix->a, &ix->by_ref, ref, strlen(ref), ix->nrefs - 1);
	if (first < 0)
		return;
	int *p = &ix->refs[first].next;
	while (*p >= 0)
		p = &ix->refs[*p].next;
	*p = ix->nrefs - 1;
}

static void
index_corr(struct corr_index *ix, struct ix_doc *x, const struct ynode *m)
{
	const struct ynode *rules = yaml_get(m, "rules"), *gen = yaml_get(m, "generate");
	x->is_corr = true;
	x->generate = gen && gen->kind == YNODE_SCALAR && gen->type == SCALAR_BOOL &&
		      (gen->text[0] == 't' || gen->text[0] == 'T');
	if (rules && rules->kind == YNODE_SCALAR) {
		x->refs = arena_alloc(&ix->a, sizeof(*x->refs));
		x->refs[x->nrefs++] = arena_strdup(&ix->a, rules->text);
	} else if (rules && rules->kind == YNODE_SEQ) {
		x->refs = arena_alloc(&ix->a, sizeof(*x->refs) * (size_t)(rules->nkids + 1));
		for (int i = 0; i < rules->nkids; i++)
			if (rules->kids[i]->kind == YNODE_SCALAR)
				x->refs[x->nrefs++] = arena_strdup(&ix->a, rules->kids[i]->text);
	}
}

/* The documents of file f; a file that does not parse has none here (its
 * errors are reported when it is compiled). */
static void
index_file(struct corr_index *ix, int f)
{
	struct ix_file *xf = &ix->files[f];
	xf->first = ix->ndocs;
	size_t len;
	const char *why;
	char *text = strcmp(xf->path, "-") ? files_read(xf->path, &len, &why) : NULL;
	if (!text)
		return;
	struct arena tmp = {0};
	struct source src = {xf->path, text, len};
	struct diag quiet = {.src = &src};
	struct ynode **docs;
	int ndocs;
	if (yaml_load(&src, &tmp, &quiet, &docs, &ndocs)) {
		for (int i = 0; i < ndocs; i++) {
			struct ix_doc x = {.file = f, .pos = docs[i]->pos};
			x.pos.file = xf->path;
			x.name = scalar(&ix->a, docs[i], "name");
			x.id = scalar(&ix->a, docs[i], "id");
			const struct ynode *m = yaml_get(docs[i], "correlation");
			if (m && m->kind == YNODE_MAP)
				index_corr(ix, &x, m);
			VEC_PUSH(&ix->a, ix->docs, ix->ndocs, ix->capdocs, x);
			index_ref(ix, x.name, ix->ndocs - 1);
			if (x.id && (!x.name || strcmp(x.id, x.name)))
				index_ref(ix, x.id, ix->ndocs - 1);
		}
	}
	xf->ndocs = ix->ndocs - xf->first;
	diag_clear(&quiet);
	arena_free(&tmp);
	free(text);
}

/* The one document ref names, or -1 (none, or several). */
static int
index_unique(const struct corr_index *ix, const char *ref)
{
	int k = strmap_get(&ix->by_ref, ref, strlen(ref));
	return k >= 0 && ix->refs[k].next < 0 ? ix->refs[k].doc : -1;
}

struct corr_index *
corr_index_build(const char *const *files, const struct vars *const *vars, int nfiles,
		 int njobs, const struct corr_visit *visit)
{
	if (!any_correlates(files, nfiles, njobs, visit))
		return NULL;
	struct corr_index *ix = mem_calloc(1, sizeof(*ix));
	ix->files = arena_alloc(&ix->a, sizeof(*ix->files) * (size_t)(nfiles + 1));
	ix->nfiles = nfiles;
	for (int f = 0; f < nfiles; f++) {
		ix->files[f] = (struct ix_file){arena_strdup(&ix->a, files[f]),
						vars ? vars[f] : NULL, 0, 0};
		strmap_put(&ix->a, &ix->by_path, ix->files[f].path, strlen(files[f]), f);
		index_file(ix, f);
	}
	for (int k = 0; k < ix->ndocs; k++)
		for (int r = 0; !ix->docs[k].generate && r < ix->docs[k].nrefs; r++) {
			int t = index_unique(ix, ix->docs[k].refs[r]);
			if (t >= 0)
				ix->docs[t].hidden = true;
		}
	return ix;
}

struct corr_index *
corr_index_paths(const struct pathlist *lists, int nlists, const struct vars *vars, int njobs,
		 const struct corr_visit *visit)
{
	int n = 0;
	for (int p = 0; p < nlists; p++)
		n += lists[p].n;
	const char **files = mem_calloc((size_t)n + 1, sizeof(*files));
	const struct vars **v = mem_calloc((size_t)n + 1, sizeof(*v));
	n = 0;
	for (int p = 0; p < nlists; p++)
		for (int i = 0; i < lists[p].n; i++) {
			v[n] = vars;
			files[n++] = lists[p].v[i];
		}
	struct corr_index *ix = corr_index_build(files, v, n, njobs, visit);
	free(files);
	free(v);
	return ix;
}

void
corr_index_free(struct corr_index *ix)
{
	if (!ix)
		return;
	arena_free(&ix->a);
	free(ix);
}

bool
corr_index_hides(const struct corr_index *ix, const char *file, int doc)
{
	int f = ix && file ? strmap_get(&ix->by_path, file, strlen(file)) : -1;
	return f >= 0 && doc < ix->files[f].ndocs && ix->docs[ix->files[f].first + doc].hidden;
}

/* ---- resolution while one file compiles ---------------------------------- */

static bool
doc_names(const struct ynode *doc, const char *ref)
{
	const struct ynode *n = yaml_get(doc, "name"), *id = yaml_get(doc, "id");
	return (n && n->kind == YNODE_SCALAR && !strcmp(n->text, ref)) ||
	       (id && id->kind == YNODE_SCALAR && !strcmp(id->text, ref));
}

static struct corr_file *
new_file(struct corr_loader *L, const char *path)
{
	struct corr_file *f = arena_alloc(L->a, sizeof(*f));
	f->path = path;
	VEC_PUSH(L->a, L->files, L->nfiles, L->capfiles, f);
	return f;
}

/* The loaded file of index entry f, loading it on first use. */
static struct corr_file *
foreign_file(struct corr_loader *L, int f)
{
	const struct ix_file *xf = &L->ix->files[f];
	for (int i = 0; i < L->nfiles; i++)
		if (!strcmp(L->files[i]->path, xf->path))
			return L->files[i];
	struct corr_file *cf = new_file(L, arena_strdup(L->a, xf->path));
	cf->vars = xf->vars;
	cf->foreign = true;
	size_t len;
	const char *why;
	char *heap = files_read(xf->path, &len, &why);
	if (!heap)
		return cf;
	struct source *src = arena_alloc(L->a, sizeof(*src));
	*src = (struct source){cf->path, arena_strndup(L->a, heap, len), len};
	free(heap);
	struct diag quiet = {.src = src};
	struct ynode **docs = NULL;
	struct rule **rules = NULL;
	(void)rule_load_docs(L->a, &quiet, src, &rules, &cf->nrules, &docs, &cf->ndocs);
	diag_clear(&quiet);
	cf->docs = docs;
	cf->rules = rules;
	cf->cors = arena_alloc(L->a, sizeof(*cf->cors) * (size_t)(cf->ndocs + 1));
	cf->state = arena_alloc(L->a, (size_t)(cf->ndocs + 1));
	return cf;
}

/* "FILE:LINE:COL" of a document */
static const char *
where(struct arena *a, const char *file, struct pos pos)
{
	return arena_printf(a, "%s:%d:%d", file, pos.line, pos.col);
}

/* The document of index entry k in the compiling file's loader. */
static bool
from_index(struct corr_loader *L, int k, struct corr_file **f, int *doc)
{
	const struct ix_doc *x = &L->ix->docs[k];
	*f = foreign_file(L, x->file);
	*doc = k - L->ix->files[x->file].first;
	return *doc < (*f)->ndocs;
}

static bool
target_of(struct corr_loader *L, struct corr_file *f, int doc, const struct ynode *ref,
	  struct corr_target *out)
{
	*out = (struct corr_target){0};
	if (yaml_get(f->docs[doc], "correlation")) {
		out->cor = corr_load_doc(L, f, doc);
		if (!out->cor && f->foreign)
			return diag_error(L->d, ref->pos, "correlation '%s' (%s) has errors; they are "
					  "reported with its file", ref->text,
					  where(L->a, f->path, f->docs[doc]->pos));
		return out->cor != NULL;
	}
	for (int i = 0; i < f->nrules; i++)
		if (f->rules[i]->doc == doc) {
			out->rule = f->rules[i];
			out->vars = f->foreign ? f->vars : NULL;
			return true;
		}
	if (f->foreign)
		return diag_error(L->d, ref->pos, "rule '%s' (%s) has errors; they are reported "
				  "with its file", ref->text, where(L->a, f->path, f->docs[doc]->pos));
	return false;	/* this file's rule: its errors are reported already */
}

/* The documents a reference names: the first two, and how many. */
struct found {
	struct corr_file *f[2];
	int doc[2];
	int n;
};

static void
found_add(struct found *fd, struct corr_file *f, int doc)
{
	if (fd->n < 2) {
		fd->f[fd->n] = f;
		fd->doc[fd->n] = doc;
	}
	fd->n++;
}

bool
corr_resolve(struct corr_loader *L, struct corr_file *f, const struct ynode *ref,
	     struct corr_target *out)
{
	const char *name = ref->text;
	struct found fd = {0};
	for (int i = 0; i < f->ndocs; i++)
		if (doc_names(f->docs[i], name))
			found_add(&fd, f, i);
	int k = L->ix ? strmap_get(&L->ix->by_ref, name, strlen(name)) : -1;
	for (; k >= 0; k = L->ix->refs[k].next) {
		int d = L->ix->refs[k].doc;
		if (!strcmp(L->ix->files[L->ix->docs[d].file].path, f->path))
			continue;	/* found above */
		struct corr_file *g;
		int gdoc;
		if (from_index(L, d, &g, &gdoc))
			found_add(&fd, g, gdoc);
	}
	if (fd.n == 0)
		return diag_error(L->d, ref->pos, "unknown rule '%s': no rule or correlation of the "
				  "files given has this name or id", name);
	if (fd.n > 1)
		return diag_error(L->d, ref->pos, "'%s' is ambiguous: the documents at %s and %s "
				  "both have this name or id", name,
				  where(L->a, fd.f[0]->path, fd.f[0]->docs[fd.doc[0]]->pos),
				  where(L->a, fd.f[1]->path, fd.f[1]->docs[fd.doc[1]]->pos));
	return target_of(L, fd.f[0], fd.doc[0], ref, out);
}
