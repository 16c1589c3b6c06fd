/*
 * driver.c: the whole pipeline for one file: read, load every rule, then per
 * rule and condition normalise and emit (or dump the IR, or only check).
 * A failing rule is reported and skipped; the others still produce output.
 */
#include "driver.h"
#include "files.h"

#include <stdlib.h>

void
driver_render(const struct session *s, const struct diag *d, struct buf *err)
{
	switch (s->diagfmt) {
	case DIAGFMT_HUMAN: diag_render(d, err); break;
	case DIAGFMT_JSON: diag_render_json(d, err); break;
	case DIAGFMT_GITHUB: diag_render_github(d, err); break;
	}
}

/* A native import format: the default query wrapped by the format's template. */
static void
render_native(struct session *s, struct arena *a, struct diag *d, const struct query *q,
	      struct buf *out)
{
	struct buf query = {0};
	struct query bare = *q;
	if (s->tpl->no_projection)
		bare.nproject = 0;
	if (emit_query(a, d, s->be, &bare, s->compact || s->tpl->compact, "default", &query))
		template_render(a, d, s->tpl, q->rule, query.data, &s->opts, out);
	buf_free(&query);
}

/* No backend emits flag columns yet (README, "Flag columns"): say so once per rule. */
static void
warn_flags(struct diag *d, const struct backend *be, const struct query *q)
{
	struct buf names = {0};
	for (int i = 0; i < q->nflags; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", q->flags[i].name);
	diag_warning(d, q->flags[0].pos, "flag columns not emitted for %s: %s", be->name, names.data);
	buf_free(&names);
}

static bool
compile_rule(struct session *s, struct arena *a, struct diag *d, const struct rule *r,
	     struct buf *out)
{
	struct buf text = {0};
	int errors = d->nerrors;
	struct query *q = normalize_rule(a, d, r, &s->opts);
	if (q && s->product == PRODUCT_IR)
		dump_query(&text, q);
	else if (q && s->be && s->tpl)
		render_native(s, a, d, q, &text);
	else if (q && s->be)	/* check runs the backend too: it may refuse a construct */
		emit_query(a, d, s->be, q, s->compact, s->format, &text);
	bool ok = d->nerrors == errors;
	if (ok && q && s->be && q->nflags)
		warn_flags(d, s->be, q);
	if (ok && text.len && s->product != PRODUCT_NONE) {
		if (out->len)
			buf_putc(out, '\n');
		buf_putn(out, text.data, text.len);
	}
	buf_free(&text);
	return ok;
}

void
driver_load(struct session *s, struct unit *u, const char *path)
{
	arena_reset(&s->arena);
	size_t len = 0;
	const char *why;
	*u = (struct unit){.text = files_read(path, &len, &why)};
	u->src = (struct source){path, u->text, len};
	u->load.src = &u->src;
	if (!u->text) {
		diag_error(&u->load, (struct pos){path, 0, 0}, "cannot read file: %s", why);
		return;
	}
	struct ynode **docs = NULL;
	int ndocs = 0;
	u->ok = rule_load_docs(&s->arena, &u->load, &u->src, &u->rules, &u->nrules, &docs, &ndocs);
	if (!corr_load(&s->arena, &u->load, docs, ndocs, u->rules, u->nrules, &u->cors,
		       &u->ncors)) {
		u->nrules = u->ncors = 0;	/* which base rules it hides is unknown: write nothing */
		u->ok = false;
	}
}

/* The file's correlations; false if any failed. */
static bool
emit_correlations(struct session *s, struct arena *a, struct diag *d, const struct unit *u,
		  struct buf *out)
{
	bool ok = true;
	for (int i = 0; i < u->ncors; i++) {
		d->context = arena_printf(a, "correlation '%s': ", u->cors[i]->title);
		s->nrules++;
		struct buf text = {0};
		int errors = d->nerrors;
		if (!corr_compile(s, a, d, u->cors[i], &text) || d->nerrors != errors) {
			s->nfailed++;
			ok = false;
		} else if (text.len && s->product != PRODUCT_NONE) {
			if (out->len)
				buf_putc(out, '\n');
			buf_putn(out, text.data, text.len);
		}
		buf_free(&text);
	}
	return ok;
}

bool
driver_emit(struct session *s, const struct unit *u, struct buf *out, struct buf *err)
{
	/* what one target makes of the rules is dropped after it: the session's
	 * arena keeps only the rule model, however many targets use it */
	struct arena a = {0};
	struct diag d = {.src = &u->src};
	bool ok = u->ok;
	if (!u->ok) {	/* an unreadable file, or the documents that did not load, count as one */
		s->nfailed++;
		s->nrules++;
	}
	for (int i = 0; i < u->nrules; i++) {
		/* a base rule alone would fire on every matching event (unless generate) */
		if (corr_hides(u->cors, u->ncors, u->rules[i]))
			continue;
		d.context = rule_context(&a, u->rules[i]);
		s->nrules++;
		if (!compile_rule(s, &a, &d, u->rules[i], out)) {
			s->nfailed++;
			ok = false;
		}
	}
	if (!emit_correlations(s, &a, &d, u, out))
		ok = false;
	d.context = NULL;
	driver_render(s, &d, err);
	diag_clear(&d);
	arena_free(&a);
	return ok;
}

void
driver_unload(struct unit *u)
{
	diag_clear(&u->load);
	free(u->text);
	u->text = NULL;
}

bool
driver_file(struct session *s, const char *path, struct buf *out, struct buf *err)
{
	struct unit u;
	driver_load(s, &u, path);
	driver_render(s, &u.load, err);
	bool ok = driver_emit(s, &u, out, err);
	driver_unload(&u);
	return ok;
}
