/*
 * driver.c: the whole pipeline for one file: read, load every rule, then per
 * rule and condition normalise and emit (or dump the IR, or only check).
 * A failing rule is reported and skipped; the others still produce output.
 * For convert it records where each rule's text starts (output.c joins
 * them into one file); for check it drops messages already printed.
 */
#include "driver.h"
#include "base.h"
#include "files.h"

#include <stdlib.h>
#include <string.h>

#define GROW(v, n, cap) do { \
	if ((n) == (cap)) { \
		(cap) = (cap) ? (cap) * 2 : 16; \
		(v) = mem_realloc((v), sizeof(*(v)) * (size_t)(cap)); \
	} \
} while (0)

void
driver_render(const struct session *s, const struct diag *d, struct buf *err)
{
	switch (s->diagfmt) {
	case DIAGFMT_HUMAN: diag_render(d, err); break;
	case DIAGFMT_JSON: diag_render_json(d, err); break;
	case DIAGFMT_GITHUB: diag_render_github(d, err); break;
	}
}

/* A native import format: the default query and its sections wrapped by the format's
 * template; a text template with --compact on one line. */
static void
render_native(struct session *s, struct arena *a, struct diag *d, const struct rule *r,
	      const struct query *q, struct buf *out)
{
	struct buf query = {0};
	struct query bare = *q;
	if (s->tpl->no_projection)
		bare.nproject = 0;
	struct tpl_source src = template_source(a, &bare);
	struct query_sections sec = {0};
	struct tpl_extra named[QUERY_SECTIONS_MAX];
	size_t start = out->len;
	if (emit_query_sections(a, d, s->be, &bare, s->compact || s->tpl->compact, "default",
				&query, &sec)) {
		for (int i = 0; i < sec.n; i++)
			named[i] = (struct tpl_extra){sec.name[i], sec.text[i]};
		src.sections = named;
		src.nsections = sec.n;
		bool text = s->tpl->mode == TPL_TEXT || s->tpl->mode == TPL_YARAL;
		if (template_render(a, d, s->tpl, r, query.data, &src, &s->opts, out) && text &&
		    s->compact)
			template_one_line(out, start);
	}
	buf_free(&query);
}

/*
 * Flag columns reach the query only where the target's query can compute a
 * column (backend.flag_formats) and the format keeps the projection; elsewhere
 * the rule compiles without them and says so once (README, "Flag columns").
 * Returns the flags left out (*n of them), removed from q.
 */
static const struct flag_column *
drop_flags(const struct session *s, struct query *q, int *n)
{
	*n = 0;
	if (!q || !s->be || s->product == PRODUCT_IR || !q->nflags)
		return NULL;
	/* without a pipeline every target writes the expression alone */
	bool kept = !s->opts.pipeline ? false : s->tpl ? flags_supported(s->be, "default")
			   : flags_supported(s->be, s->format);
	if (kept)
		return NULL;
	*n = q->nflags;
	q->nflags = 0;
	return q->flags;
}

static void
warn_flags(struct diag *d, const struct session *s, const struct flag_column *f, int n)
{
	struct buf names = {0};
	for (int i = 0; i < n; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", f[i].name);
	const char *format = s->format && strcmp(s->format, "default") ? s->format : NULL;
	diag_warning(d, f[0].pos, "flag columns not emitted for %s%s%s, whose query cannot "
		     "compute a column: %s", s->be->name, format ? " format " : "",
		     format ? format : "", names.data);
	buf_free(&names);
}

/* Appends one rule's text to out, recording where it starts (output.c joins them).
 * The first text becomes the output itself: no copy of a large query. */
static void
put_piece(struct session *s, const char *title, const char *id, struct buf *text,
	  struct buf *out)
{
	if (out->len)
		buf_putc(out, '\n');
	if (s->record) {
		GROW(s->pieces, s->npieces, s->cappieces);
		struct buf label = {0};
		buf_printf(&label, id ? "%s (%s)" : "%s", title ? title : "untitled", id);
		s->pieces[s->npieces++] = (struct driver_piece){out->len, label.data};
	}
	if (out->len) {
		buf_putn(out, text->data, text->len);
	} else {
		buf_free(out);
		*out = *text;
		*text = (struct buf){0};
	}
}

static bool
compile_rule(struct session *s, struct arena *a, struct diag *d, const struct rule *r,
	     struct alts_cache *alts, struct buf *out)
{
	struct buf text = {0};
	int errors = d->nerrors;
	const char **applied;
	int napplied;
	const struct rule *loaded = r;
	if (!(r = filter_apply(a, d, s->filters, r, &applied, &napplied)))
		return false;
	/* a filtered rule is a copy made for this target: its values are not shared */
	struct query *q = normalize_rule_shared(a, d, r, &s->opts, r == loaded ? alts : NULL);
	int ndropped;
	const struct flag_column *dropped = drop_flags(s, q, &ndropped);
	for (int i = 0; q && s->product == PRODUCT_IR && i < napplied; i++)
		buf_printf(&text, "filter '%s'\n", applied[i]);
	if (q && s->product == PRODUCT_IR)
		dump_query(&text, q);
	else if (q && s->be && s->tpl)
		render_native(s, a, d, r, q, &text);
	else if (q && s->be)	/* check runs the backend too: it may refuse a construct */
		emit_query(a, d, s->be, q, s->compact, s->format, &text);
	bool ok = d->nerrors == errors;
	if (ok && ndropped)
		warn_flags(d, s, dropped, ndropped);
	if (ok && text.len && s->product != PRODUCT_NONE)
		put_piece(s, r->title, r->id, &text, out);
	buf_free(&text);
	return ok;
}

static size_t
hash_text(const char *s)
{
	return (size_t)strmap_hash(s, strlen(s));
}

/* Adds key to the set of printed messages (open addressing); false if it was there. */
static bool
seen_add(struct session *s, char *key)
{
	if (2 * (s->nseen + 1) > s->capseen) {	/* keep the table at most half full */
		int cap = s->capseen ? s->capseen * 2 : 1024;
		char **slots = mem_calloc((size_t)cap, sizeof(*slots));
		for (int i = 0; i < s->capseen; i++) {
			if (!s->seen[i])
				continue;
			size_t h = hash_text(s->seen[i]) & (size_t)(cap - 1);
			while (slots[h])
				h = (h + 1) & (size_t)(cap - 1);
			slots[h] = s->seen[i];
		}
		free(s->seen);
		s->seen = slots;
		s->capseen = cap;
	}
	size_t h = hash_text(key) & (size_t)(s->capseen - 1);
	for (; s->seen[h]; h = (h + 1) & (size_t)(s->capseen - 1))
		if (!strcmp(s->seen[h], key))
			return false;
	s->seen[h] = key;
	s->nseen++;
	return true;
}

/* Removes the messages printed before from d and remembers the others. */
static void
drop_seen(struct session *s, struct diag *d)
{
	int kept = 0;
	for (int i = 0; i < d->nmsgs; i++) {
		struct diag_msg *m = &d->msgs[i];
		struct buf key = {0};	/* FILE:LINE:COL:KIND:TEXT, written without a format */
		buf_reserve(&key, strlen(m->text) + 64);
		buf_puts(&key, m->pos.file ? m->pos.file : "");
		buf_putc(&key, ':');
		buf_putint(&key, m->pos.line);
		buf_putc(&key, ':');
		buf_putint(&key, m->pos.col);
		buf_putc(&key, ':');
		buf_putint(&key, (long)m->kind);
		buf_putc(&key, ':');
		buf_puts(&key, m->text);
		if (!seen_add(s, key.data)) {
			s->dropped++;
			free(m->text);
			free(m->code);
			buf_free(&key);
			continue;
		}
		d->msgs[kept++] = *m;
	}
	d->nmsgs = kept;
}

void
driver_forget_pieces(struct session *s)
{
	for (int i = 0; i < s->npieces; i++)
		free(s->pieces[i].label);
	s->npieces = 0;
}

void
driver_free(struct session *s)
{
	driver_forget_pieces(s);
	free(s->pieces);
	for (int i = 0; i < s->capseen; i++)
		free(s->seen[i]);
	free(s->seen);
	s->pieces = NULL;
	s->seen = NULL;
	s->npieces = s->cappieces = s->nseen = s->capseen = 0;
}

void
driver_load(struct session *s, struct unit *u, const char *path)
{
	driver_load_text(s, u, path, NULL, 0);
}

void
driver_load_text(struct session *s, struct unit *u, const char *path, char *text, size_t len)
{
	arena_reset(&s->arena);
	const char *why = "";
	*u = (struct unit){.text = text ? text : files_read(path, &len, &why)};
	u->alts = alts_cache_new();
	u->src = (struct source){path, u->text, len};
	u->load.src = &u->src;
	if (!u->text) {
		diag_error(&u->load, (struct pos){path, 0, 0}, "cannot read file: %s", why);
		return;
	}
	u->ok = rule_load_docs(&s->arena, &u->load, &u->src, &u->rules, &u->nrules, &u->docs,
			       &u->ndocs);
	if (!corr_load(&s->arena, &u->load, s->corr_index, path, u->docs, u->ndocs, u->rules,
		       u->nrules, &u->cors, &u->ncors)) {
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
		/* a chain's inner correlation is part of the outer one's query */
		if (corr_hides_corr(u->cors, u->ncors, u->cors[i]) ||
		    corr_index_hides(s->corr_index, u->src.name, u->cors[i]->doc))
			continue;
		d->context = arena_printf(a, "correlation '%s': ", u->cors[i]->title);
		s->nrules++;
		struct buf text = {0};
		int errors = d->nerrors;
		if (!corr_compile(s, a, d, u->cors[i], &text) || d->nerrors != errors) {
			s->nfailed++;
			ok = false;
		} else if (text.len && s->product != PRODUCT_NONE) {
			put_piece(s, u->cors[i]->title, u->cors[i]->id, &text, out);
		}
		buf_free(&text);
	}
	return ok;
}

bool
driver_emit(struct session *s, const struct unit *u, struct buf *out, struct buf *err)
{
	struct alts_cache *alts = alts_cache_use(u->alts);
	/* what one target makes of the rules is dropped after it: the session's
	 * arena keeps only the rule model, however many targets use it, and the
	 * next target reuses the memory */
	struct arena *a = &s->arena;
	struct arena_mark mark = arena_mark(a);
	struct diag d = {.src = &u->src, .target = s->be ? s->be->name : NULL};
	bool ok = u->ok;
	if (!u->ok) {	/* an unreadable file, or the documents that did not load, count as one */
		s->nfailed++;
		s->nrules++;
	}
	for (int i = 0; i < u->nrules; i++) {
		/* a base rule alone would fire on every matching event (unless generate) */
		if (corr_hides(u->cors, u->ncors, u->rules[i]) ||
		    corr_index_hides(s->corr_index, u->src.name, u->rules[i]->doc))
			continue;
		d.context = rule_context(a, u->rules[i]);
		d.rule_id = u->rules[i]->id;
		s->nrules++;
		if (!compile_rule(s, a, &d, u->rules[i], alts, out)) {
			s->nfailed++;
			ok = false;
		}
	}
	if (!emit_correlations(s, a, &d, u, out))
		ok = false;
	d.context = NULL;
	d.rule_id = NULL;
	if (s->dedupe)
		drop_seen(s, &d);
	driver_render(s, &d, err);
	diag_clear(&d);
	arena_release(a, mark);
	return ok;
}

void
driver_unload(struct unit *u)
{
	diag_clear(&u->load);
	free(u->text);
	u->text = NULL;
	alts_cache_free(u->alts);
	u->alts = NULL;
}

void
driver_render_load(struct session *s, struct unit *u, struct buf *err)
{
	u->load.target = s->be ? s->be->name : NULL;
	if (s->dedupe)
		drop_seen(s, &u->load);
	driver_render(s, &u->load, err);
}

bool
driver_file(struct session *s, const char *path, struct buf *out, struct buf *err)
{
	return driver_file_text(s, path, NULL, 0, out, err);
}

bool
driver_file_text(struct session *s, const char *path, char *text, size_t len, struct buf *out,
		 struct buf *err)
{
	struct unit u;
	driver_load_text(s, &u, path, text, len);
	driver_render_load(s, &u, err);
	bool ok = driver_emit(s, &u, out, err);
	driver_unload(&u);
	return ok;
}
