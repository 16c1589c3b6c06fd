/*
 * build_outputs.c: the outputs of `sigmacc build`, each a target compiled one
 * way (pipelines, format, -O options) into its own directory, and what the
 * manifest records about them: a hash of each output's configuration (the
 * pipeline and template files' bytes, the options, the sigmacc version) and,
 * per rule file, of its bytes and of the value lists it may use. Equal
 * hashes let a build skip compiling; different ones say which input changed.
 */
#define _GNU_SOURCE	/* memmem */
#include "build_impl.h"
#include "base.h"
#include "files.h"
#include "pipelines.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Adds a file's bytes to c (not its path: the same project run from another
 * folder, or another machine's data directory, must record the same). */
static void
hash_file(struct hash_ctx *c, const char *path)
{
	size_t len = 0;
	const char *why;
	char *text = files_read(path, &len, &why);
	hash_update(c, text ? text : "", len);
	hash_str(c, text ? "" : "unreadable");
	free(text);
}

/* Adds a pipeline to c: a file's bytes, or the name and bytes of one of sigmacc's. */
static void
hash_pipeline(struct hash_ctx *c, const char *templates, const char *name)
{
	struct buf path = {0};
	struct stat st;
	if (stat(name, &st) == 0 && S_ISREG(st.st_mode)) {
		buf_puts(&path, name);
	} else {
		buf_printf(&path, "%s/pipelines/%s.yml", templates, name);
		hash_str(c, name);
	}
	hash_file(c, path.data);
	buf_free(&path);
}

/* The outputs loaded so far: a pipeline one of them loaded is shared, not read again
 * (a project's outputs of one target often stack the same files). */
struct loaded {
	const struct output *o;
	int n;
};

/* pipeline_load_for(name, target) for o: shared with an earlier output that loaded
 * it, else loaded and kept in o's own. NULL after a message, also when it does not
 * serve o's target. */
static struct pipeline *
output_pipeline(const struct build_options *bo, struct output *o, const struct loaded *done,
		const char *name, const char *target)
{
	struct pipeline *pl = NULL;
	bool shared = false;
	for (int i = 0; i < done->n && !pl; i++)
		for (int k = 0; k < done->o[i].nown && !pl; k++) {
			const struct owned_pipeline *w = &done->o[i].own[k];
			if (!strcmp(w->name, name) && !w->target == !target &&
			    (!target || !strcmp(w->target, target)))
				pl = w->pl, shared = true;
		}
	if (!pl)
		pl = pipeline_load_for(bo->templates, name, target);
	if (pl && !pipeline_serves(pl, o->be->name)) {
		fprintf(stderr, "sigmacc: output %s: pipeline '%s' is for target %s, not %s\n",
			o->spec->name, name, pl->target, o->be->name);
		if (!shared)
			pipeline_free(pl);
		return NULL;
	}
	if (pl && !shared) {
		o->own = mem_realloc(o->own, sizeof(*o->own) * (size_t)(o->nown + 1));
		o->own[o->nown++] = (struct owned_pipeline){pl, name, target};
	}
	return pl;
}

/* The pipelines of o: the -p ones for its target, else its own, else its
 * target's default, stacked in order; their bytes hashed into c. */
static bool
output_pipelines(const struct build_options *bo, struct output *o, struct pipeline **pls,
		 struct arena *stack, const struct loaded *done, struct hash_ctx *c)
{
	for (int k = 0; k < bo->npipelines; k++)
		if (pipeline_serves(pls[k], o->be->name)) {
			o->pl = o->pl ? pipeline_stack(stack, o->pl, pls[k]) : pls[k];
			hash_pipeline(c, bo->templates, bo->pipelines[k]);
		}
	if (o->pl)
		return true;
	const char *def = o->be->default_pipeline;
	int n = o->spec->npipelines;
	for (int k = 0; k < (n ? n : 1); k++) {
		const char *name = n ? o->spec->pipelines[k] : def;
		struct pipeline *pl = output_pipeline(bo, o, done, name, n ? o->be->name : NULL);
		if (!pl)
			return false;
		/* a pySigma pipeline only renames fields: the target's own selects the events */
		if (!o->pl && pl->owner) {
			if (!(o->pl = output_pipeline(bo, o, done, def, NULL)))
				return false;
			hash_pipeline(c, bo->templates, def);
		}
		o->pl = o->pl ? pipeline_stack(stack, o->pl, pl) : pl;
		hash_pipeline(c, bo->templates, name);
	}
	return true;
}

/* The options hash: everything besides pipelines and template that shapes the text. */
static void
hash_options(const struct build_options *bo, const struct output *o, const struct options *opts,
	     char out[HASH_HEX])
{
	struct hash_ctx c;
	hash_init(&c);
	for (int i = 0; i < bo->nfilters; i++)
		hash_file(&c, bo->filters[i]);
	hash_str(&c, o->be->name);
	hash_str(&c, o->spec->format ? o->spec->format : "default");
	hash_str(&c, opts->unmapped == UNMAPPED_PASSTHROUGH ? "passthrough" : "error");
	hash_str(&c, opts->placeholder_wildcard ? "wildcard" : "error");
	for (int i = 0; i < o->spec->nopts; i++)
		hash_str(&c, o->spec->opts[i]);
	hash_hex(&c, out);
}

/* The format hash: the template file's bytes, or the name of a format built in. */
static void
hash_format(const struct output *o, const char *templates, char out[HASH_HEX])
{
	struct hash_ctx c;
	hash_init(&c);
	hash_str(&c, o->spec->format ? o->spec->format : "default");
	if (o->tpl) {
		struct buf path = {0};
		buf_printf(&path, "%s/formats/%s/%s.yml", templates, o->be->name, o->tpl->format);
		size_t len = 0;
		const char *why;
		char *text = files_read(path.data, &len, &why);
		hash_update(&c, text ? text : "", len);
		free(text);
		buf_free(&path);
	}
	hash_hex(&c, out);
}

/* query_beside: the output's template reduced to its query, which renders the
 * query exactly as the format wraps it (its projection, its correlation bodies)
 * but in its readable form, one value per line. Its file takes the target's
 * extension, so the format must have another (else the two would collide); the
 * project file is checked for that when loaded. False after a message. */
static bool
output_bare(struct output *o)
{
	static char body[] = "{{query|raw}}\n";
	if (!o->tpl || !strcmp(o->tpl->ext, o->be->ext)) {
		fprintf(stderr, "sigmacc: output %s: query_beside needs a format that wraps the query "
			"in a file of another extension than .%s\n", o->spec->name, o->be->ext);
		return false;
	}
	o->bare = *o->tpl;	/* shares the template's tables: never freed on its own */
	o->bare.body = body;
	o->bare.correlation = o->tpl->correlation ? body : NULL;
	o->bare.ext = (char *)o->be->ext;
	o->bare.mode = TPL_TEXT;
	o->bare.compact = false;
	o->bare.merge = NULL;
	o->bare.required_count = 0;	/* the format's own file says what it lacks */
	o->bare.query_max = 0;
	o->beside = o->be->ext;
	return true;
}

/* Loads one output; false after a message. */
static bool
output_load(const struct build_options *bo, const struct options *opts, struct output *o,
	    struct pipeline **pls, struct arena *stack, const struct loaded *done)
{
	/* without a format, the target's default one (a template) */
	const char *format = backend_format(o->be, o->spec->format);
	struct hash_ctx pc;
	hash_init(&pc);
	if (!output_pipelines(bo, o, pls, stack, done, &pc))
		return false;
	if (format && !backend_has_format(o->be, format)) {
		o->tpl = template_load(bo->templates, o->be->name, format);
		/* the output's own -O options, as build.c renders with them */
		struct options own = *opts;
		own.backend_opts = o->spec->opts;
		own.nbackend_opts = o->spec->nopts;
		struct buf bad = {0};
		bool ok = o->tpl && template_check_options(o->tpl, &own, &bad);
		if (!o->tpl && format != o->spec->format)
			fprintf(stderr, "sigmacc: %s/formats/%s/%s.yml: target %s writes its rules with "
				"this format template, which cannot be loaded (output %s)\n", bo->templates,
				o->be->name, format, o->be->name, o->spec->name);
		if (bad.data)
			fprintf(stderr, "%.*s (output %s)\n", (int)bad.len - 1, bad.data, o->spec->name);
		buf_free(&bad);
		if (!ok)
			return false;
	}
	o->ext = o->tpl ? o->tpl->ext : format && strcmp(format, "default") ? format : o->be->ext;
	o->versioned = o->tpl && (strstr(o->tpl->body, "{{query_version") ||
				  (o->tpl->correlation && strstr(o->tpl->correlation, "{{query_version")));
	if (o->spec->query_beside && !output_bare(o))
		return false;
	snprintf(o->rec.name, sizeof(o->rec.name), "%s", o->spec->name);
	snprintf(o->rec.dir, sizeof(o->rec.dir), "%s", o->spec->dir);
	snprintf(o->rec.version, sizeof(o->rec.version), "%s", bo->version ? bo->version : "0");
	hash_hex(&pc, o->rec.pipelines);
	hash_options(bo, o, opts, o->rec.options);
	hash_format(o, bo->templates, o->rec.format);
	return true;
}

int
outputs_load(const struct build_options *bo, const struct options *opts, struct pipeline **pls,
	     struct arena *stack, struct output **out, int *failed)
{
	struct output *o = mem_calloc((size_t)(bo->noutputs ? bo->noutputs : 1), sizeof(*o));
	int k = 0;
	for (int i = 0; i < bo->noutputs; i++) {
		o[k] = (struct output){.spec = &bo->outputs[i], .be = bo->outputs[i].be};
		if (output_load(bo, opts, &o[k], pls, stack, &(struct loaded){o, k})) {
			k++;
			continue;
		}
		outputs_free(&o[k], 1);	/* frees what it loaded, not the array */
		(*failed)++;
	}
	*out = o;
	return k;
}

void
outputs_free(struct output *o, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < o[i].nown; k++)
			pipeline_free(o[i].own[k].pl);
		free(o[i].own);
		template_free(o[i].tpl);
		o[i].own = NULL;
		o[i].tpl = NULL;
	}
}

void
list_digests_init(struct list_digests *ld, const struct vars *v)
{
	ld->n = v ? v->nlists : 0;
	ld->lists = v ? v->lists : NULL;
	ld->hex = mem_calloc((size_t)(ld->n ? ld->n : 1), sizeof(*ld->hex));
	for (int i = 0; i < ld->n; i++) {
		struct hash_ctx c;
		hash_init(&c);
		hash_str(&c, ld->lists[i].name);
		for (int k = 0; k < ld->lists[i].nvals; k++)
			hash_str(&c, ld->lists[i].vals[k]);
		hash_hex(&c, ld->hex[i]);
	}
}

void
list_digests_free(struct list_digests *ld)
{
	free(ld->hex);
	*ld = (struct list_digests){0};
}

/* Could the text spell a name through a YAML escape? */
static bool
has_escape(const char *text, size_t len)
{
	for (const char *p = text, *end = text + len; (p = memchr(p, '\\', (size_t)(end - p)));) {
		if (++p == end)
			break;
		if (strchr("xuU\r\n", *p))
			return true;
	}
	return false;
}

void
rule_hashes(const struct list_digests *ld, const char *text, size_t len, char rule[HASH_HEX],
	    char lists[HASH_HEX])
{
	hash_bytes_hex(text, len, rule);
	bool all = has_escape(text, len), any = false;
	struct hash_ctx c;
	hash_init(&c);
	for (int i = 0; i < ld->n; i++) {
		const char *name = ld->lists[i].name;
		if (!all && !memmem(text, len, name, strlen(name)))
			continue;
		hash_update(&c, ld->hex[i], HASH_HEX - 1);
		any = true;
	}
	if (any)
		hash_hex(&c, lists);
	else
		strcpy(lists, "-");
}

/* Is file the rule path p, or below the folder p? */
static bool
path_under(const char *file, const char *p)
{
	if (p[0] == '.' && !p[1])	/* the project's own folder: every relative path */
		return file[0] != '/';
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	return !strncmp(file, p, n) && (!file[n] || file[n] == '/');
}

bool
output_in_scope(const struct output *o, const char *file)
{
	bool in = o->spec->ninclude == 0;
	for (int i = 0; i < o->spec->ninclude && !in; i++)
		in = path_under(file, o->spec->include[i]);
	for (int i = 0; i < o->spec->nexclude && in; i++)
		in = !path_under(file, o->spec->exclude[i]);
	return in;
}

static bool
refusal_for(const struct build_refusal *r, const struct output *o)
{
	return !strcmp(r->output, o->spec->name) || !strcmp(r->output, o->be->name);
}

/* The separators of words in a rule file's text, for finding ids in it. */
static bool
refusal_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\'' || c == '"' ||
	       c == ',' || c == '[' || c == ']' || c == '{' || c == '}';
}

void
refusal_index_build(struct arena *a, struct refusal_index *x, const struct build_refusal *v, int n)
{
	*x = (struct refusal_index){0};
	x->next = arena_alloc(a, sizeof(*x->next) * (size_t)(n + 1));
	x->odd = arena_alloc(a, sizeof(*x->odd) * (size_t)(n + 1));
	int *tail = mem_calloc((size_t)(n + 1), sizeof(*tail));
	for (int i = 0; i < n; i++) {
		const char *r = v[i].rule;
		size_t len = strlen(r);
		while (v[i].path && len > 1 && r[len - 1] == '/')
			len--;
		x->next[i] = -1;
		int head = strmap_put(a, v[i].path ? &x->paths : &x->ids, r, len, i);
		if (head >= 0) {	/* appended to the refusals naming the same rule */
			x->next[tail[head]] = i;
			tail[head] = i;
		} else {
			tail[i] = i;
		}
		bool odd = false;
		for (size_t k = 0; k < len && !v[i].path; k++)
			odd |= refusal_sep(r[k]);
		if (odd && head < 0)
			x->odd[x->nodd++] = i;
	}
	free(tail);
}

/* The first refusal of output o naming the rule that begins at head, when it
 * comes before best (-1: none yet); else best. */
static int
refusal_chain(const struct build_options *bo, const struct output *o, int head, int best)
{
	for (int i = head; i >= 0 && (best < 0 || i < best); i = bo->rindex->next[i])
		if (refusal_for(&bo->refusals[i], o))
			return i;
	return best;
}

static void
heads_push(int **v, int *n, int head)
{
	if (head < 0)
		return;
	if (!(*n & (*n - 1)))	/* 0, 1, 2, 4...: full */
		*v = mem_realloc(*v, sizeof(**v) * (size_t)(*n ? 2 * *n : 1));
	(*v)[(*n)++] = head;
}

void
refusal_heads_find(const struct build_options *bo, const char *file, const char *text,
		   size_t len, struct refusal_heads *h)
{
	*h = (struct refusal_heads){0};
	const struct refusal_index *x = bo->rindex;
	if (!x)
		return;
	if (x->paths.n && *file && file[0] != '/')	/* the project's own folder */
		heads_push(&h->path, &h->npath, strmap_get(&x->paths, ".", 1));
	for (size_t n = 1; x->paths.n && *file && file[n - 1]; n++)
		if (file[n] == '/' || !file[n])
			heads_push(&h->path, &h->npath, strmap_get(&x->paths, file, n));
	for (size_t i = 0; text && x->ids.n && i < len;) {
		while (i < len && refusal_sep(text[i]))
			i++;
		size_t w = i;
		while (i < len && !refusal_sep(text[i]))
			i++;
		if (i > w)
			heads_push(&h->word, &h->nword, strmap_get(&x->ids, text + w, i - w));
	}
	for (int k = 0; text && k < x->nodd; k++) {
		const char *id = bo->refusals[x->odd[k]].rule;
		if (memmem(text, len, id, strlen(id)))
			heads_push(&h->word, &h->nword, x->odd[k]);
	}
}

void
refusal_heads_free(struct refusal_heads *h)
{
	free(h->path);
	free(h->word);
	*h = (struct refusal_heads){0};
}

/* The first expected refusal of output o that concerns the file: by its path (the
 * file or a folder above it), by one of ids, or, with words, by an id its text
 * holds as a word (*maybe: which may be an id of one of its rules or not). */
static const struct build_refusal *
first_refusal(const struct build_options *bo, const struct output *o,
	      const struct refusal_heads *h, const char *const *ids, int nids, bool words,
	      bool *maybe)
{
	const struct refusal_index *x = bo->rindex;
	if (!x)
		return NULL;
	int best = -1;
	for (int k = 0; k < h->npath; k++)
		best = refusal_chain(bo, o, h->path[k], best);
	for (int k = 0; k < nids; k++)
		if (ids[k])
			best = refusal_chain(bo, o, strmap_get(&x->ids, ids[k], strlen(ids[k])), best);
	int known = best;
	for (int k = 0; words && k < h->nword; k++)
		best = refusal_chain(bo, o, h->word[k], best);
	if (best >= 0 && best != known)
		*maybe = true;
	return best >= 0 ? &bo->refusals[best] : NULL;
}

const struct build_refusal *
output_expected(const struct build_options *bo, const struct output *o,
		const struct refusal_heads *h, const char *const *ids, int nids)
{
	return first_refusal(bo, o, h, ids, nids, false, NULL);
}

const struct build_refusal *
output_expected_path(const struct build_options *bo, const struct output *o,
		     const struct refusal_heads *h)
{
	bool maybe = false;
	const struct build_refusal *r = first_refusal(bo, o, h, NULL, 0, true, &maybe);
	return maybe ? NULL : r;
}

bool
output_refusal_by_id(const struct build_options *bo, const struct output *o,
		     const struct refusal_heads *h)
{
	bool maybe = false;
	const struct refusal_heads words = {NULL, h->word, 0, h->nword};	/* words alone */
	first_refusal(bo, o, &words, NULL, 0, true, &maybe);
	return maybe;
}
