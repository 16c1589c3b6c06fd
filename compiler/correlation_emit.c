/*
 * correlation_emit.c: a correlation rule through the pipeline. Each base
 * rule is normalised and emitted as for a stand-alone query (without its
 * projection); its group-by fields (after aliases) and the condition field
 * are mapped through the same pipeline, one `fields:` entry at a time, so a
 * correlation groups by the very columns its base queries filter on. The
 * backend's correlation hook writes the rest; a target without one refuses
 * the rule by name.
 */
#include "driver.h"

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
	struct rule copy = *r;
	copy.fields = fields;
	copy.nfields = nfields;
	copy.field_pos = pos;
	struct query *q = normalize_rule(a, d, &copy, &opts);
	if (!q)
		return false;
	in->tables[i] = q->select ? q->select->from : NULL;
	in->bases[i] = q;
	struct query bare = *q;
	bare.nproject = 0;
	bare.nflags = 0;
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
		   struct buf *out);

/* Entry i is a chained correlation: its query, rendered as the input of c. */
static bool
prepare_chain(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
	      int i, struct corr_input *in)
{
	struct buf text = {0};
	const char *name = arena_printf(a, "%s%d", in->prefix, i);
	bool ok = render(s, a, d, c->chain[i], arena_printf(a, "%s_", name), name, &text);
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

static bool
render(struct session *s, struct arena *a, struct diag *d, const struct correlation *c,
       const char *prefix, const char *inner, struct buf *out)
{
	struct corr_input in = {.c = c, .opts = &s->opts, .prefix = prefix, .inner_name = inner};
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
	if (s->tpl || (s->format && strcmp(s->format, "default")))
		return diag_error(d, c->type_pos, "correlation rules have no %s format yet; "
				  "convert them without -f", s->format);
	struct buf text = {0};
	bool ok = render(s, a, d, c, "base_", NULL, &text);
	if (ok)
		buf_printf(out, "%s\n", text.data ? text.data : "");
	buf_free(&text);
	return ok;
}
