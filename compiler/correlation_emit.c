/*
 * correlation_emit.c: a correlation rule through the pipeline. Each base
 * rule is normalised and emitted as for a stand-alone query (without its
 * projection); its group-by fields (after aliases) and the condition field
 * are mapped through the same pipeline, one `fields:` entry at a time, so a
 * correlation groups by the very columns its base queries filter on. The
 * backend's correlation hook writes the rest; a target without one refuses
 * the rule by name. An import format (-f) wraps that text in the template's
 * `correlation` body, with the correlation's metadata and a run schedule
 * derived from its window.
 */
#include "driver.h"

#include <stdlib.h>
#include <string.h>

/* The target column of Sigma field name in r's events, or NULL after an error. */
static const char *
map_column(struct session *s, const struct options *opts, struct arena *a, struct diag *d,
	   const struct correlation *c, const struct rule *r, const char *field)
{
	struct rule copy = *r;
	struct pos pos = c->pos;
	copy.fields = &field;
	copy.nfields = 1;
	copy.field_pos = &pos;
	copy.nflags = 0;
	copy.newest_first = false;
	struct diag quiet = {.src = d->src};
	struct query *q = normalize_rule(a, &quiet, &copy, opts);
	const char *col = q && q->nproject == 1 ? q->project[0] : NULL;
	diag_clear(&quiet);
	if (!col)
		diag_error(d, c->pos, "correlation field '%s' has no single column for target %s "
			   "in the events of rule '%s'", field, s->be->name, r->title);
	return col;
}

/*
 * The base query of rule i, and its mapped columns. The rule is normalised
 * with the correlation's fields as its `fields:`, so the computed columns
 * they map to (pipeline extends) are part of the query; the projection
 * itself is dropped, as the correlation keeps the event time too.
 */
static bool
prepare_rule(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	     int i, struct corr_input *in)
{
	const struct rule *r = filter_apply(a, d, s->filters, c->rules[i], NULL, NULL);
	if (!r)
		return false;
	struct options opts = s->opts;
	if (c->vars[i])	/* a rule of another file: the value lists of its own */
		opts.vars = c->vars[i];
	const char **fields = arena_alloc(a, sizeof(*fields) * (size_t)(c->ngroup + 1));
	struct pos *pos = arena_alloc(a, sizeof(*pos) * (size_t)(c->ngroup + 1));
	int nfields = 0;
	in->columns[i] = arena_alloc(a, sizeof(char *) * (size_t)(c->ngroup + 1));
	for (int g = 0; g < c->ngroup; g++) {
		const char *field = c->group_by[g];
		for (int k = 0; k < c->naliases; k++)
			if (!strcmp(c->aliases[k].name, field))
				field = c->aliases[k].field[i];
		pos[nfields] = c->pos;
		fields[nfields++] = field;
		if (!(in->columns[i][g] = map_column(s, &opts, a, d, c, r, field)))
			return false;
	}
	if (c->field) {
		pos[nfields] = c->pos;
		fields[nfields++] = c->field;
		if (!(in->value_column[i] = map_column(s, &opts, a, d, c, r, c->field)))
			return false;
	}
	/* in the arena: the query (in->bases) keeps pointing at its rule */
	struct rule *copy = arena_alloc(a, sizeof(*copy));
	*copy = *r;
	copy->fields = fields;
	copy->nfields = nfields;
	copy->field_pos = pos;
	struct query *q = normalize_rule(a, d, copy, &opts);
	if (!q)
		return false;
	in->tables[i] = q->select ? q->select->from : NULL;
	in->bases[i] = q;
	struct query bare = *q;
	bare.nproject = 0;
	bare.nflags = 0;
	bare.newest_first = false;
	struct buf text = {0};
	bool ok = emit_query(a, d, s->be, &bare, s->compact, "default", &text);
	if (ok) {
		while (text.len && text.data[text.len - 1] == '\n')
			text.len--;
		in->queries[i] = arena_strndup(a, text.data, text.len);
	}
	buf_free(&text);
	return ok;
}

static bool render(struct session *s, struct arena *a, struct diag *d,
		   const struct correlation *c, const char *prefix, const char *inner,
		   struct query_sections *sections, struct buf *out);

/* Entry i is a chained correlation: its query, rendered as the input of c. */
static bool
prepare_chain(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	      int i, struct corr_input *in)
{
	struct buf text = {0};
	const char *name = arena_printf(a, "%s%d", in->prefix, i);
	bool ok = render(s, a, d, c->chain[i], arena_printf(a, "%s_", name), name, NULL, &text);
	in->queries[i] = arena_strdup(a, text.data ? text.data : "");
	buf_free(&text);
	in->columns[i] = arena_alloc(a, sizeof(char *) * (size_t)(c->ngroup + 1));
	for (int g = 0; g < c->ngroup; g++) {
		in->columns[i][g] = c->group_by[g];
		for (int k = 0; k < c->naliases; k++)
			if (!strcmp(c->aliases[k].name, c->group_by[g]))
				in->columns[i][g] = c->aliases[k].field[i];
	}
	in->value_column[i] = c->field;
	return ok;
}

/* c's query into out; its other sections (YARA-L's match:) into sections (may be NULL). */
static bool
render(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
       const char *prefix, const char *inner, struct query_sections *sections, struct buf *out)
{
	struct corr_input in = {.c = c, .target = s->be->name,
				.options = {s->opts.backend_opts, s->opts.nbackend_opts},
				.prefix = prefix, .inner_name = inner, .compact = s->compact,
				.sections = sections};
	size_t n = (size_t)c->nrules;
	in.queries = arena_alloc(a, sizeof(*in.queries) * n);
	in.tables = arena_alloc(a, sizeof(*in.tables) * n);
	in.columns = arena_alloc(a, sizeof(*in.columns) * n);
	in.value_column = arena_alloc(a, sizeof(*in.value_column) * n);
	in.bases = arena_alloc(a, sizeof(*in.bases) * n);
	for (int i = 0; i < c->nrules; i++)
		if (!(c->chain[i] ? prepare_chain(s, a, d, c, i, &in) : prepare_rule(s, a, d, c, i, &in)))
			return false;
	return s->be->correlation(a, d, &in, out);
}

/* The IR: which meta filters apply to each base rule. */
static void
dump_filters(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	     struct buf *out)
{
	for (int i = 0; s->filters && i < c->nrules; i++) {
		const char **applied;
		int n = 0;
		if (c->rules[i] && filter_apply(a, d, s->filters, c->rules[i], &applied, &n))
			for (int k = 0; k < n; k++)
				buf_printf(out, "  filter '%s' on rule %s\n", applied[k],
					   corr_entry_label(c, i));
	}
}

/* ---- import formats ------------------------------------------------------------------ */

/* Key key of the correlation's document as a list of strings (a string alone is a list of one). */
static bool
meta_list(struct arena *a, struct diag *d, const struct ynode *doc, const char *key,
	  const char ***out, int *n)
{
	const struct ynode *l = yaml_get(doc, key);
	*out = NULL;
	*n = 0;
	if (!l || (l->kind == YNODE_SCALAR && l->type == SCALAR_NULL))
		return true;
	int count = l->kind == YNODE_SEQ ? l->nkids : 1;
	*out = arena_alloc(a, sizeof(**out) * (size_t)(count + 1));
	for (int i = 0; i < count; i++) {
		const struct ynode *e = l->kind == YNODE_SEQ ? l->kids[i] : l;
		if (e->kind != YNODE_SCALAR)
			return diag_error(d, e->pos, "'%s' must be a list of strings", key);
		(*out)[(*n)++] = e->text;
	}
	return true;
}

static const char *
meta_text(const struct ynode *doc, const char *key)
{
	const struct ynode *n = yaml_get(doc, key);
	return n && n->kind == YNODE_SCALAR && n->type != SCALAR_NULL ? n->text : NULL;
}

/* The correlation's metadata as a rule, for the placeholders of a format. */
static struct rule *
corr_meta(struct arena *a, struct diag *d, const struct correlation *c)
{
	struct rule *r = arena_alloc(a, sizeof(*r));
	memset(r, 0, sizeof(*r));
	const struct ynode *doc = c->node;
	r->file = c->file;
	r->pos = c->pos;
	r->doc = c->doc;
	r->title = c->title;
	r->id = c->id;
	r->name = c->name;
	r->level = c->level;
	r->status = meta_text(doc, "status");
	r->description = meta_text(doc, "description");
	r->license = meta_text(doc, "license");
	r->author = meta_text(doc, "author");
	r->date = meta_text(doc, "date");
	r->modified = meta_text(doc, "modified");
	if (!meta_list(a, d, doc, "references", &r->references, &r->nreferences) ||
	    !meta_list(a, d, doc, "tags", &r->tags, &r->ntags) ||
	    !meta_list(a, d, doc, "falsepositives", &r->falsepositives, &r->nfalsepositives))
		return NULL;
	return r;
}

/*
 * The run schedule of a correlation with window W: every F, over the last W + F,
 * so that each whole window lies inside some run (a window may show in two runs,
 * never in none). F is the longest interval cron repeats evenly (minutes dividing
 * an hour, hours dividing a day, a day) that is at most W, and at least the
 * format's frequency_min; the look-back is whole minutes, at most lookback_max.
 */
static bool
corr_schedule(struct arena *a, struct diag *d, const struct template *t,
	      const struct correlation *c, struct tpl_extra *x, int *nx)
{
	static const int minutes[] = {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240,
				      360, 480, 720, 1440};
	long long min = template_span_seconds(t->frequency_min),
		  max = template_span_seconds(t->lookback_max);
	size_t n = sizeof(minutes) / sizeof(minutes[0]);
	long long freq = 60;
	for (size_t i = 0; i < n; i++)
		if (minutes[i] * 60LL <= c->seconds)
			freq = minutes[i] * 60LL;
	for (size_t i = 0; freq < min && i < n; i++)
		if (minutes[i] * 60LL >= min)
			freq = minutes[i] * 60LL;
	if (freq < min)	/* above a day: the format's own minimum */
		freq = min;
	long long look = (c->seconds + freq + 59) / 60 * 60;
	if (max && look > max)
		return diag_error(d, c->timespan_pos, "%s/%s: the %s window needs a look-back of %s "
				  "(the window and one run interval of %s), longer than the format's "
				  "limit of %s; no rule is written for this correlation", t->target,
				  t->format, corr_span(a, c->seconds), corr_span(a, look),
				  corr_span(a, freq), t->lookback_max);
	const char *cron = template_cron(a, freq);
	if (!cron)
		return diag_error(d, c->timespan_pos, "%s/%s: frequency_min %s is no interval cron "
				  "repeats evenly", t->target, t->format, t->frequency_min);
	struct tpl_extra v[] = {
		{"window", corr_span(a, c->seconds)},
		{"window_seconds", arena_printf(a, "%lld", c->seconds)},
		{"frequency", corr_span(a, freq)},
		{"lookback", corr_span(a, look)},
		{"cron", cron},
		{"correlation_type", corr_type_name(c->type)},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		x[(*nx)++] = v[i];
	return true;
}

/* c's query in the template's correlation body, or the format's refusal. */
static bool
corr_format(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	    struct buf *out)
{
	const struct template *t = s->tpl;
	if (!t->correlation)
		return diag_error(d, c->type_pos, "%s/%s: correlation rules have no form in this "
				  "format: %s; no rule is written for this correlation", t->target,
				  t->format, t->correlation_refused ? t->correlation_refused
				  : "its template has no correlation body");
	struct tpl_extra extra[8 + QUERY_SECTIONS_MAX];
	int nextra = 0;
	struct rule *meta = corr_meta(a, d, c);
	if (!meta || !corr_schedule(a, d, t, c, extra, &nextra))
		return false;
	struct session sc = *s;	/* the base queries in the template's one-line form */
	sc.compact = s->compact || t->compact;
	struct buf text = {0};
	struct query_sections sec = {0};
	bool ok = render(&sc, a, d, c, "base_", NULL, &sec, &text);
	for (int i = 0; i < sec.n; i++)
		extra[nextra++] = (struct tpl_extra){sec.name[i], sec.text[i]};
	/* a rule object (Sumo Logic CSE): its kind, whose metadata keys differ */
	const char *kind = text.data ? strstr(text.data, "\"pattern_type\": \"") : NULL;
	if (kind) {
		kind += strlen("\"pattern_type\": \"");
		extra[nextra++] = (struct tpl_extra){"pattern_type",
						     arena_strndup(a, kind, strcspn(kind, "\""))};
	}
	ok = ok && template_render_body(a, d, t, t->correlation, meta, text.data ? text.data : "",
				       &s->opts, extra, nextra, out);
	buf_free(&text);
	return ok;
}

bool
corr_compile(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	     struct buf *out)
{
	if (s->product == PRODUCT_IR) {
		corr_dump(out, c);
		dump_filters(s, a, d, c, out);
		return true;
	}
	if (!s->be)
		return true;	/* nothing renders it: the front end has checked it */
	if (!s->be->correlation)
		return diag_error(d, c->type_pos, "correlation rules are not supported for target "
				  "%s; no query is written for this correlation", s->be->name);
	if (corr_is_chain(c) && !s->be->correlation_chains)
		return diag_error(d, c->type_pos, "%s: a correlation over correlations (a chain) "
				  "is not supported; no query is written for this correlation",
				  s->be->name);
	if (s->tpl)
		return corr_format(s, a, d, c, out);
	if (s->format && strcmp(s->format, "default"))
		return diag_error(d, c->type_pos, "%s: the %s format rewrites a single rule's query "
				  "and has no form for correlation rules; no rule is written for this "
				  "correlation (convert it without -f)", s->be->name, s->format);
	struct buf text = {0};
	bool ok = render(s, a, d, c, "base_", NULL, NULL, &text);
	if (ok)
		buf_printf(out, "%s\n", text.data ? text.data : "");
	buf_free(&text);
	return ok;
}
