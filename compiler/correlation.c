/*
 * correlation.c: the front end of correlation rules (sigma-spec.md §11):
 * keys, rule references by name or id (resolved in correlation_index.c,
 * across files), chains (a reference to another correlation, loaded first;
 * a cycle is an error), timespan units, conditions (one comparison or a
 * range of two), group-by and aliases.
 */
#include "correlation_load.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {
#define X(id, name) name,
	CORR_TYPES(X)
#undef X
};

static const char *const op_names[] = {
#define X(id, name, sym) name,
	CORR_OPS(X)
#undef X
};

static const char *const op_symbols[] = {
#define X(id, name, sym) sym,
	CORR_OPS(X)
#undef X
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *
corr_type_name(enum corr_type t)
{
	return type_names[t];
}

const char *
corr_op_symbol(enum corr_op op)
{
	return op_symbols[op];
}

static bool
want_scalar(struct diag *d, const struct ynode *n, const char *key)
{
	if (n->kind == YNODE_SCALAR)
		return true;
	return diag_error(d, n->pos, "'%s' must be a scalar, not a %s", key, yaml_kind_name(n));
}

/* A list of strings, or one string. */
static bool
get_names(struct arena *a, struct diag *d, const struct ynode *n, const char *key,
	  const struct ynode ***out, int *nout)
{
	if (n->kind == YNODE_SCALAR) {
		*out = arena_alloc(a, sizeof(**out));
		(*out)[0] = n;
		*nout = 1;
		return true;
	}
	if (n->kind != YNODE_SEQ)
		return diag_error(d, n->pos, "'%s' must be a list of names", key);
	for (int i = 0; i < n->nkids; i++)
		if (!want_scalar(d, n->kids[i], key))
			return false;
	*out = (const struct ynode **)n->kids;
	*nout = n->nkids;
	return true;
}

/* Units of pySigma; months and years have no fixed length, so they are refused. */
static bool
load_timespan(struct diag *d, const struct ynode *n, struct correlation *c)
{
	if (!want_scalar(d, n, "timespan"))
		return false;
	char *end;
	long long v = strtoll(n->text, &end, 10);
	static const struct { char unit; long long s; } units[] = {
		{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	if (end != n->text && v > 0 && v < 1000000 && end[0] && !end[1] && n->text[0] != '+')
		for (int i = 0; i < COUNT(units); i++)
			if (units[i].unit == end[0]) {
				c->timespan = n->text;
				c->timespan_pos = n->pos;
				c->seconds = v * units[i].s;
				return true;
			}
	if (end != n->text && (end[0] == 'M' || end[0] == 'y') && !end[1])
		return diag_error(d, n->pos, "timespan '%s': months and years have no fixed length; "
				  "write it in days", n->text);
	return diag_error(d, n->pos, "timespan '%s' is not a positive number followed by "
			  "s, m, h, d or w", n->text);
}

static bool
is_number(const char *s)
{
	char *end;
	if (!*s)
		return false;
	(void)strtod(s, &end);
	return !*end;
}

static bool
load_condition(struct arena *a, struct diag *d, const struct ynode *n, struct correlation *c)
{
	bool temporal = c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED;
	if (n && n->kind == YNODE_SCALAR && temporal)
		return corr_load_expression(a, d, n, c);
	if (n && n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "'condition' must be a map of a comparison");
	for (int i = 0; n && i < n->nkids; i += 2) {
		const struct ynode *k = n->kids[i], *v = n->kids[i + 1];
		if (!strcmp(k->text, "field")) {
			const struct ynode **f;
			int nf;
			if (!get_names(a, d, v, "field", &f, &nf))
				return false;
			if (nf != 1)
				return diag_error(d, v->pos, "'field' must name one field");
			c->field = f[0]->text;
			continue;
		}
		if (!strcmp(k->text, "percentile") && c->type == CORR_VALUE_PERCENTILE) {
			if (!want_scalar(d, v, "percentile") || !is_number(v->text) ||
			    strtod(v->text, NULL) <= 0 || strtod(v->text, NULL) >= 100)
				return diag_error(d, v->pos, "'percentile' must be a number between 0 "
						  "and 100");
			c->percentile = v->text;
			continue;
		}
		int op = 0;
		while (op < COUNT(op_names) && strcmp(op_names[op], k->text))
			op++;
		if (op == COUNT(op_names))
			return diag_error(d, k->pos, "unknown condition key '%s' (expected gt, gte, "
					  "lt, lte, eq, neq or field)", k->text);
		if (!want_scalar(d, v, k->text))
			return false;
		if (v->type != SCALAR_INT && v->type != SCALAR_FLOAT && !is_number(v->text))
			return diag_error(d, v->pos, "'%s' must be a number", k->text);
		if (c->ncmp == 2)
			return diag_error(d, k->pos, "a condition holds at most two comparisons "
					  "(a range)");
		c->cmp[c->ncmp++] = (struct corr_cmp){(enum corr_op)op, v->text};
	}
	if (c->ncmp == 0 && temporal) {
		/* pySigma: every referenced rule must have matched */
		c->cmp[0] = (struct corr_cmp){CORR_OP_GTE, arena_printf(a, "%d", c->nrules)};
		c->ncmp = 1;
	}
	if (c->ncmp == 0)
		return diag_error(d, n ? n->pos : c->type_pos, "a %s correlation needs a condition "
				  "(gt, gte, lt, lte, eq or neq)", corr_type_name(c->type));
	bool valued = c->type >= CORR_VALUE_COUNT && c->type != CORR_TEMPORAL &&
		      c->type != CORR_TEMPORAL_ORDERED;
	if (valued && !c->field)
		return diag_error(d, n->pos, "a %s correlation needs 'field' in its condition",
				  corr_type_name(c->type));
	if (!valued && c->field)
		return diag_error(d, n->pos, "'field' has no meaning for a %s correlation",
				  corr_type_name(c->type));
	if (c->type == CORR_VALUE_PERCENTILE && !c->percentile)
		return diag_error(d, n->pos, "a value_percentile correlation needs 'percentile' "
				  "(0-100) in its condition: the spec names no default");
	return true;
}

/* Pushes the label of the correlation being loaded; false on a cycle. */
static bool
enter(struct corr_loader *L, struct corr_file *f, int doc, const char *label)
{
	if (L->nstack >= CORR_MAX_CHAIN)
		return diag_error(L->top, f->docs[doc]->pos, "correlation chain nested deeper than "
				  "%d, the limit", CORR_MAX_CHAIN);
	if (f->state[doc] != CORR_LOADING) {
		VEC_PUSH(L->a, L->stack, L->nstack, L->capstack, label);
		return true;
	}
	struct buf path = {0};
	int from = L->nstack - 1;
	while (from > 0 && strcmp(L->stack[from], label))
		from--;
	for (int i = from; i < L->nstack; i++)
		buf_printf(&path, "'%s' -> ", L->stack[i]);
	buf_printf(&path, "'%s'", label);
	diag_error(L->top, f->docs[doc]->pos, "reference cycle: %s", path.data);
	buf_free(&path);
	return false;
}

static bool
load_rules(struct corr_loader *L, struct corr_file *f, const struct ynode *n,
	   struct correlation *c)
{
	struct arena *a = L->a;
	struct diag *d = L->d;
	const struct ynode **refs;
	if (!get_names(a, d, n, "rules", &refs, &c->nrules))
		return false;
	if (c->nrules == 0)
		return diag_error(d, n->pos, "'rules' must name at least one rule");
	size_t nr = (size_t)c->nrules;
	c->uses = 1;
	c->rules = arena_alloc(a, sizeof(*c->rules) * nr);
	c->chain = arena_alloc(a, sizeof(*c->chain) * nr);
	c->vars = arena_alloc(a, sizeof(*c->vars) * nr);
	for (int i = 0; i < c->nrules; i++) {
		struct corr_target t;
		if (!corr_resolve(L, f, refs[i], &t))
			return false;
		c->rules[i] = t.rule;
		c->chain[i] = t.cor;
		c->vars[i] = t.vars;
		c->uses += t.cor ? t.cor->uses : 0;
		if (c->uses >= CORR_MAX_CHAIN)
			return diag_error(d, refs[i]->pos, "this correlation chain uses more than %d "
					  "correlations (each use counted), the limit", CORR_MAX_CHAIN);
		for (int j = 0; j < i; j++)
			if (c->rules[j] == c->rules[i] && c->chain[j] == c->chain[i])
				return diag_error(d, refs[i]->pos, "rule '%s' is listed twice",
						  refs[i]->text);
	}
	return true;
}

static bool
entry_named(const struct correlation *c, int i, const char *ref)
{
	const char *name = c->rules[i] ? c->rules[i]->name : c->chain[i]->name;
	const char *id = c->rules[i] ? c->rules[i]->id : c->chain[i]->id;
	return (name && !strcmp(name, ref)) || (id && !strcmp(id, ref));
}

int
corr_entry_index(const struct correlation *c, const char *ref)
{
	for (int i = 0; i < c->nrules; i++)
		if (entry_named(c, i, ref))
			return i;
	return -1;
}

static bool
load_aliases(struct arena *a, struct diag *d, const struct ynode *n, struct correlation *c)
{
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "'aliases' must be a map of alias names");
	c->naliases = n->nkids / 2;
	c->aliases = arena_alloc(a, sizeof(*c->aliases) * (size_t)c->naliases);
	for (int i = 0; i < c->naliases; i++) {
		const struct ynode *k = n->kids[2 * i], *m = n->kids[2 * i + 1];
		struct corr_alias *al = &c->aliases[i];
		al->name = k->text;
		al->field = arena_alloc(a, sizeof(*al->field) * (size_t)c->nrules);
		if (m->kind != YNODE_MAP)
			return diag_error(d, m->pos, "alias '%s' must map rule names to fields",
					  k->text);
		for (int j = 0; j < m->nkids; j += 2) {
			int r = corr_entry_index(c, m->kids[j]->text);
			if (r < 0)
				return diag_error(d, m->kids[j]->pos, "alias '%s': '%s' is not a rule "
						  "of this correlation", k->text, m->kids[j]->text);
			if (!want_scalar(d, m->kids[j + 1], k->text))
				return false;
			al->field[r] = m->kids[j + 1]->text;
		}
		for (int r = 0; r < c->nrules; r++)
			if (!al->field[r])
				return diag_error(d, m->pos, "alias '%s' gives no field for rule '%s'",
						  k->text, corr_entry_label(c, r));
	}
	return true;
}

static const char *const corr_keys[] = {"type", "rules", "group-by", "timespan", "condition",
					"aliases", "generate"};

static bool
check_keys(struct diag *d, const struct ynode *m)
{
	for (int i = 0; i < m->nkids; i += 2) {
		int k = 0;
		while (k < COUNT(corr_keys) && strcmp(corr_keys[k], m->kids[i]->text))
			k++;
		if (k == COUNT(corr_keys))
			return diag_error(d, m->kids[i]->pos, "unknown correlation key '%s'",
					  m->kids[i]->text);
	}
	return true;
}

static const char *
doc_text(const struct ynode *doc, const char *key)
{
	const struct ynode *n = yaml_get(doc, key);
	return n && n->kind == YNODE_SCALAR ? n->text : NULL;
}

static bool
load_type(struct diag *d, const struct ynode *m, struct correlation *c)
{
	const struct ynode *t = yaml_get(m, "type");
	if (!t)
		return diag_error(d, m->pos, "missing required correlation key 'type'");
	if (!want_scalar(d, t, "type"))
		return false;
	int i = 0;
	while (i < COUNT(type_names) && strcmp(type_names[i], t->text))
		i++;
	if (i == COUNT(type_names))
		return diag_error(d, t->pos, "unknown correlation type '%s'", t->text);
	c->type = (enum corr_type)i;
	c->type_pos = t->pos;
	return true;
}

static bool
inner_groups(const struct correlation *in, const char *field)
{
	for (int g = 0; g < in->ngroup; g++)
		if (!strcmp(in->group_by[g], field))
			return true;
	return false;
}

/* The entry's field for group-by or condition name (after aliases). */
static const char *
entry_field(const struct correlation *c, int i, const char *name)
{
	for (int k = 0; k < c->naliases; k++)
		if (!strcmp(c->aliases[k].name, name))
			return c->aliases[k].field[i];
	return name;
}

/* An inner correlation's rows carry only its window and group-by columns:
 * every field the outer one needs of them must be one of those. */
static bool
check_chain(struct diag *d, const struct correlation *c)
{
	for (int i = 0; i < c->nrules; i++) {
		const struct correlation *in = c->chain[i];
		for (int g = 0; in && g <= c->ngroup; g++) {
			const char *f = g < c->ngroup ? entry_field(c, i, c->group_by[g]) : c->field;
			if (f && !inner_groups(in, f))
				return diag_error(d, c->pos, "'%s' is not a group-by field of the "
						  "chained correlation '%s', whose results carry only "
						  "those", f, corr_entry_label(c, i));
		}
	}
	return true;
}

static bool
load_group_by(struct arena *a, struct diag *d, const struct ynode *gb, struct correlation *c)
{
	const struct ynode **g;
	if (!get_names(a, d, gb, "group-by", &g, &c->ngroup))
		return false;
	c->group_by = arena_alloc(a, sizeof(*c->group_by) * (size_t)(c->ngroup + 1));
	for (int i = 0; i < c->ngroup; i++)
		c->group_by[i] = g[i]->text;
	return true;
}

static bool
load_body(struct corr_loader *L, struct corr_file *f, const struct ynode *m,
	  struct correlation *c)
{
	struct arena *a = L->a;
	struct diag *d = L->d;
	const struct ynode *rl = yaml_get(m, "rules"), *ts = yaml_get(m, "timespan");
	const struct ynode *gb = yaml_get(m, "group-by"), *al = yaml_get(m, "aliases");
	const struct ynode *gen = yaml_get(m, "generate");
	if (!check_keys(d, m) || !load_type(d, m, c))
		return false;
	if (!rl)
		return diag_error(d, m->pos, "missing required correlation key 'rules'");
	if (!ts)
		return diag_error(d, m->pos, "missing required correlation key 'timespan'");
	if (!load_rules(L, f, rl, c) || !load_timespan(d, ts, c) ||
	    !load_condition(a, d, yaml_get(m, "condition"), c) ||
	    (al && !load_aliases(a, d, al, c)) || (gb && !load_group_by(a, d, gb, c)) ||
	    !check_chain(d, c))
		return false;
	if (gen && (gen->kind != YNODE_SCALAR || gen->type != SCALAR_BOOL))
		return diag_error(d, gen->pos, "'generate' must be true or false");
	c->generate = gen && (gen->text[0] == 't' || gen->text[0] == 'T');
	return true;
}

static struct correlation *
load_one(struct corr_loader *L, struct corr_file *f, int at)
{
	const struct ynode *doc = f->docs[at], *m = yaml_get(doc, "correlation");
	struct correlation *c = arena_alloc(L->a, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->pos = doc->pos;
	c->file = f->path;
	c->node = doc;
	c->doc = at;
	c->title = doc_text(doc, "title");
	c->id = doc_text(doc, "id");
	c->name = doc_text(doc, "name");
	c->level = doc_text(doc, "level");
	if (!c->title)
		return diag_error(L->d, doc->pos, "missing required key 'title'"), NULL;
	if (m->kind != YNODE_MAP)
		return diag_error(L->d, m->pos, "'correlation' must be a map"), NULL;
	return load_body(L, f, m, c) ? c : NULL;
}

const struct correlation *
corr_load_doc(struct corr_loader *L, struct corr_file *f, int doc)
{
	if (f->state[doc] == CORR_LOADED || f->state[doc] == CORR_FAILED)
		return f->cors[doc];
	const char *name = doc_text(f->docs[doc], "name"), *id = doc_text(f->docs[doc], "id");
	const char *title = doc_text(f->docs[doc], "title");
	if (!enter(L, f, doc, name ? name : id ? id : title ? title : "untitled"))
		return NULL;
	f->state[doc] = CORR_LOADING;
	/* another file's errors are reported with that file */
	struct diag quiet = {.src = L->d->src}, *d = L->d;
	if (f->foreign)
		L->d = &quiet;
	f->cors[doc] = load_one(L, f, doc);
	L->d = d;
	diag_clear(&quiet);
	f->state[doc] = f->cors[doc] ? CORR_LOADED : CORR_FAILED;
	L->nstack--;
	return f->cors[doc];
}

bool
corr_load(struct arena *a, struct diag *d, const struct corr_index *ix, const char *file,
	  struct ynode *const *docs, int ndocs, struct rule *const *rules, int nrules,
	  struct correlation ***out, int *nout)
{
	struct corr_loader L = {.a = a, .d = d, .top = d, .ix = ix};
	struct corr_file f = {.path = file, .docs = docs, .ndocs = ndocs, .rules = rules,
			      .nrules = nrules};
	f.cors = arena_alloc(a, sizeof(*f.cors) * (size_t)(ndocs + 1));
	f.state = arena_alloc(a, (size_t)(ndocs + 1));
	struct corr_file *self = &f;
	VEC_PUSH(a, L.files, L.nfiles, L.capfiles, self);
	bool ok = true;
	int cap = 0;
	*out = NULL;
	*nout = 0;
	for (int i = 0; i < ndocs; i++) {
		if (!yaml_get(docs[i], "correlation"))
			continue;
		struct correlation *c = (struct correlation *)corr_load_doc(&L, &f, i);
		if (c)
			VEC_PUSH(a, *out, *nout, cap, c);
		else
			ok = false;
	}
	return ok;
}

bool
corr_hides(struct correlation *const *c, int n, const struct rule *r)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; !c[i]->generate && j < c[i]->nrules; j++)
			if (c[i]->rules[j] == r)
				return true;
	return false;
}

bool
corr_hides_corr(struct correlation *const *cs, int n, const struct correlation *c)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; !cs[i]->generate && j < cs[i]->nrules; j++)
			if (cs[i]->chain[j] == c)
				return true;
	return false;
}

const char *
corr_entry_label(const struct correlation *c, int i)
{
	if (c->rules[i])
		return corr_rule_label(c->rules[i]);
	const struct correlation *in = c->chain[i];
	return in->name ? in->name : in->id ? in->id : in->title;
}

bool
corr_is_chain(const struct correlation *c)
{
	for (int i = 0; i < c->nrules; i++)
		if (c->chain[i])
			return true;
	return false;
}

const char *
corr_span(struct arena *a, long long seconds)
{
	static const struct { char unit; long long s; } units[] = {
		{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	int i = 0;
	while (seconds % units[i].s)
		i++;
	return arena_printf(a, "%lld%c", seconds / units[i].s, units[i].unit);
}

const char *
corr_rule_label(const struct rule *r)
{
	return r->name ? r->name : r->id ? r->id : r->title;
}

void
corr_where(struct buf *out, const struct correlation *c, const char *column, const char *and_op)
{
	for (int i = 0; i < c->ncmp; i++)
		buf_printf(out, "%s %s %s %s", i ? and_op : "\n| where", column,
			   corr_op_symbol(c->cmp[i].op), c->cmp[i].value);
}

void
corr_warn_buckets(struct diag *d, const struct correlation *c, const char *target,
		  const char *construct)
{
	diag_warning(d, c->timespan_pos, "%s: the %s window is a fixed %s bucket, not a sliding "
		     "window: events of one group on both sides of a bucket boundary are counted "
		     "apart", target, c->timespan, construct);
}

bool
corr_plain_name(const char *s)
{
	bool plain = isalpha((unsigned char)s[0]) || s[0] == '_';
	for (const char *p = s; *p; p++)
		plain = plain && (isalnum((unsigned char)*p) || *p == '_');
	return plain;
}

void
corr_quote(struct buf *out, char q, const char *s)
{
	buf_putc(out, q);
	for (const char *p = s; *p; p++) {
		if (*p == q || *p == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *p);
	}
	buf_putc(out, q);
}

static void
dump_at(struct buf *out, const struct correlation *c, int depth)
{
	int ind = 2 * depth;
	buf_printf(out, "%*scorrelation %s '%s'\n", ind, "", corr_type_name(c->type), c->title);
	for (int i = 0; i < c->nrules; i++) {
		buf_printf(out, "%*s  %s %s\n", ind, "", c->rules[i] ? "rule" : "chain",
			   corr_entry_label(c, i));
		if (c->chain[i])
			dump_at(out, c->chain[i], depth + 2);
	}
	for (int i = 0; i < c->ngroup; i++)
		buf_printf(out, "%*s  group-by %s\n", ind, "", c->group_by[i]);
	for (int i = 0; i < c->naliases; i++)
		for (int r = 0; r < c->nrules; r++)
			buf_printf(out, "%*s  alias %s = %s.%s\n", ind, "", c->aliases[i].name,
				   corr_entry_label(c, r), c->aliases[i].field[r]);
	buf_printf(out, "%*s  timespan %s (%llds)\n", ind, "", c->timespan, c->seconds);
	if (c->field)
		buf_printf(out, "%*s  field %s\n", ind, "", c->field);
	if (c->percentile)
		buf_printf(out, "%*s  percentile %s\n", ind, "", c->percentile);
	if (c->expression)
		buf_printf(out, "%*s  expression %s\n", ind, "", c->expression);
	for (int i = 0; i < c->ncmp; i++)
		buf_printf(out, "%*s  where %s %s %s\n", ind, "",
			   c->type == CORR_EVENT_COUNT ? "count"
			   : c->type == CORR_VALUE_COUNT ? "distinct"
			   : c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED ? "rules"
											    : "value",
			   corr_op_symbol(c->cmp[i].op), c->cmp[i].value);
	buf_printf(out, "%*s  generate %s\n", ind, "", c->generate ? "true" : "false");
}

void
corr_dump(struct buf *out, const struct correlation *c)
{
	dump_at(out, c, 0);
}
