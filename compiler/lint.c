/*
 * lint.c: the rule linter behind `sigmacc check`. Every rule file is linted
 * once (from the documents check loads once for every target), each checked for what
 * no target decides: metadata (lint_meta.c), tags (lint_tags.c) and the
 * detection's shape (lint_detection.c). Ids, titles and names are remembered
 * across the whole tree so a duplicate points at the first occurrence.
 * Findings carry a stable code (lint.def); their severity comes from
 * lint_config.c.
 */
#include "lint.h"
#include "base.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const codes[] = {
#define LINT(id, code, severity, description) code,
#include "lint.def"
#undef LINT
};

const char *
lint_code(enum lint_check c)
{
	return codes[c];
}

int
lint_find(const char *code)
{
	for (int i = 0; i < LINT__COUNT; i++)
		if (!strcmp(codes[i], code))
			return i;
	return -1;
}

void
lint_report(struct lint_ctx *l, enum lint_check c, struct pos pos, const char *fmt, ...)
{
	enum lint_severity sev = l->conf->severity[c];
	if (sev == LINT_OFF)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	int before = l->d->nmsgs;	/* diag_warning drops repeats of one message */
	if (sev == LINT_ERROR) {
		diag_error(l->d, pos, "%s [%s]", b.data, codes[c]);
		l->nerrors++;
	} else {
		diag_warning(l->d, pos, "%s [%s]", b.data, codes[c]);
		l->nwarnings += l->d->nmsgs - before;
	}
	if (l->d->nmsgs > before)
		diag_set_code(l->d, codes[c]);	/* the check's code for --diagnostics=json */
	buf_free(&b);
}

/* ---- ids, titles and names across the tree --------------------------------- */

static size_t
hash_str(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

const struct pos *
lint_seen(struct seen *s, struct arena *a, const char *key, struct pos pos)
{
	if (2 * (s->n + 1) > s->cap) {
		struct seen old = *s;
		s->cap = old.cap ? old.cap * 2 : 256;
		s->v = mem_calloc(s->cap, sizeof(*s->v));
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].key)
				lint_seen(s, NULL, old.v[i].key, old.v[i].pos);
		free(old.v);
	}
	size_t i = hash_str(key) & (s->cap - 1);
	for (; s->v[i].key; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->v[i].key, key))
			return &s->v[i].pos;
	/* a is NULL when rehashing: the key is already a copy */
	s->v[i] = (struct seen_entry){a ? arena_strdup(a, key) : key, pos};
	s->n++;
	return NULL;
}

/* "rule 'T' (id): " like the compiler's messages, from the raw document. */
static const char *
doc_context(struct arena *a, const struct ynode *doc)
{
	const struct ynode *t = lint_scalar(doc, "title"), *id = lint_scalar(doc, "id");
	if (!t)
		return id ? arena_printf(a, "rule (%s): ", id->text) : NULL;
	return id ? arena_printf(a, "rule '%s' (%s): ", t->text, id->text)
		  : arena_printf(a, "rule '%s': ", t->text);
}

struct lint_run {
	const struct lint_options *o;
	struct lint_config conf;
	struct attack_table *attack;
	struct lint_tree tree;		/* ids, titles and names seen, for the whole run */
	int nrules, nerrors, nwarnings;
};

static void
lint_document(struct lint_run *r, struct lint_ctx *l, const struct ynode *doc)
{
	l->d->context = doc_context(l->a, doc);
	const struct ynode *id = yaml_get(doc, "id");
	l->d->rule_id = id && id->kind == YNODE_SCALAR ? id->text : NULL;
	lint_meta(l, doc, &r->tree);
	lint_tags(l, doc);
	lint_detection(l, doc);
}

/* Findings in source order (the checks run by kind); stable for equal positions. */
static void
sort_by_position(struct diag *d)
{
	for (int i = 1; i < d->nmsgs; i++) {
		struct diag_msg m = d->msgs[i];
		int k = i;
		for (; k > 0 && (d->msgs[k - 1].pos.line > m.pos.line ||
				 (d->msgs[k - 1].pos.line == m.pos.line &&
				  d->msgs[k - 1].pos.col > m.pos.col)); k--)
			d->msgs[k] = d->msgs[k - 1];
		d->msgs[k] = m;
	}
}

/* Lints the documents of one loaded file (src's, in arena a); NULL docs: nothing.
 * Files the compiler refuses as a whole (YAML errors, legacy collections) are
 * left to the compile runs, which report why. */
void
lint_docs(struct lint_run *r, struct arena *a, const struct source *src,
	  struct ynode *const *docs, int ndocs, struct buf *out)
{
	struct diag d = {.src = src};
	bool legacy = false;
	for (int i = 0; i < ndocs; i++)
		legacy |= docs[i]->kind == YNODE_MAP && yaml_get(docs[i], "action");
	struct lint_ctx l = {a, &d, &r->conf, r->attack, 0, 0};
	for (int i = 0; i < ndocs && !legacy; i++) {
		if (docs[i]->kind != YNODE_MAP)
			continue;
		r->nrules++;
		lint_document(r, &l, docs[i]);
	}
	r->nerrors += l.nerrors;
	r->nwarnings += l.nwarnings;
	d.context = NULL;
	d.rule_id = NULL;
	sort_by_position(&d);
	struct session s = {.diagfmt = r->o->diagfmt};
	driver_render(&s, &d, out);
	diag_clear(&d);
}

void
lint_file(struct lint_run *r, const char *path, struct buf *out)
{
	struct arena a = {0};
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	if (!text)
		return;
	struct source src = {path, text, len};
	struct diag scratch = {0};
	struct ynode **docs;
	int ndocs;
	if (yaml_load(&src, &a, &scratch, &docs, &ndocs))
		lint_docs(r, &a, &src, docs, ndocs, out);
	diag_clear(&scratch);
	free(text);
	arena_free(&a);
}

struct lint_run *
lint_begin(const struct lint_options *o, struct buf *out)
{
	struct lint_run *r = mem_calloc(1, sizeof(*r));
	r->o = o;
	if (!lint_config_load(&r->conf, o->config, out) || !(r->attack = attack_load(o->templates, out))) {
		free(r);
		return NULL;
	}
	if (o->fail_on)
		r->conf.fail_on_warning = !strcmp(o->fail_on, "warning");
	return r;
}

int
lint_end(struct lint_run *r, struct buf *out)
{
	buf_printf(out, "sigmacc: lint: %d rule(s), %d error(s), %d warning(s) (ATT&CK %s)\n",
		   r->nrules, r->nerrors, r->nwarnings, attack_version(r->attack));
	int status = r->nerrors || (r->conf.fail_on_warning && r->nwarnings) ? 1 : 0;
	free(r->tree.ids.v);
	free(r->tree.titles.v);
	free(r->tree.names.v);
	arena_free(&r->tree.arena);
	attack_free(r->attack);
	free(r);
	return status;
}
