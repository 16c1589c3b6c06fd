/*
 * correlation.c: the front end of correlation rules (sigma-spec.md §11):
 * keys, rule references by name or id, timespan units, conditions (one
 * comparison or a range of two), group-by and aliases. A reference to
 * another correlation (a chain) is refused by name: only part of a chain
 * could be generated, which the spec forbids.
 */
#include "correlation.h"

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
	if (n && n->kind == YNODE_SCALAR && temporal) {
		c->expression = n->text;
		return true;
	}
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
			if (!want_scalar(d, v, "percentile") || !is_number(v->text))
				return diag_error(d, v->pos, "'percentile' must be a number");
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
	return true;
}

static const struct rule *
find_rule(struct rule *const *rules, int nrules, const char *ref)
{
	for (int i = 0; i < nrules; i++)
		if ((rules[i]->name && !strcmp(rules[i]->name, ref)) ||
		    (rules[i]->id && !strcmp(rules[i]->id, ref)))
			return rules[i];
	return NULL;
}

/* ynode of a correlation document, with its name and id, for chain detection */
static bool
is_correlation_ref(struct ynode *const *docs, int ndocs, const char *ref)
{
	for (int i = 0; i < ndocs; i++) {
		const struct ynode *n = yaml_get(docs[i], "name"), *id = yaml_get(docs[i], "id");
		if (!yaml_get(docs[i], "correlation"))
			continue;
		if ((n && n->kind == YNODE_SCALAR && !strcmp(n->text, ref)) ||
		    (id && id->kind == YNODE_SCALAR && !strcmp(id->text, ref)))
			return true;
	}
	return false;
}

static bool
load_rules(struct arena *a, struct diag *d, const struct ynode *n, struct ynode *const *docs,
	   int ndocs, struct rule *const *rules, int nrules, struct correlation *c)
{
	const struct ynode **refs;
	if (!get_names(a, d, n, "rules", &refs, &c->nrules))
		return false;
	if (c->nrules == 0)
		return diag_error(d, n->pos, "'rules' must name at least one rule");
	c->rules = arena_alloc(a, sizeof(*c->rules) * (size_t)c->nrules);
	for (int i = 0; i < c->nrules; i++) {
		const char *ref = refs[i]->text;
		if (is_correlation_ref(docs, ndocs, ref))
			return diag_error(d, refs[i]->pos, "'%s' is a correlation: chained "
					  "correlations are not supported", ref);
		c->rules[i] = find_rule(rules, nrules, ref);
		if (!c->rules[i])
			return diag_error(d, refs[i]->pos, "unknown rule '%s': no rule of this file "
					  "has this name or id", ref);
		for (int j = 0; j < i; j++)
			if (c->rules[j] == c->rules[i])
				return diag_error(d, refs[i]->pos, "rule '%s' is listed twice", ref);
	}
	return true;
}

static int
rule_index(const struct correlation *c, const char *ref)
{
	for (int i = 0; i < c->nrules; i++)
		if ((c->rules[i]->name && !strcmp(c->rules[i]->name, ref)) ||
		    (c->rules[i]->id && !strcmp(c->rules[i]->id, ref)))
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
			int r = rule_index(c, m->kids[j]->text);
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
						  k->text, c->rules[r]->name ? c->rules[r]->name
									      : c->rules[r]->title);
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

static struct correlation *
load_one(struct arena *a, struct diag *d, struct ynode *const *docs, int ndocs, int at,
	 struct rule *const *rules, int nrules)
{
	const struct ynode *doc = docs[at], *m = yaml_get(doc, "correlation");
	struct correlation *c = arena_alloc(a, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->pos = doc->pos;
	c->title = doc_text(doc, "title");
	c->id = doc_text(doc, "id");
	c->name = doc_text(doc, "name");
	c->level = doc_text(doc, "level");
	if (!c->title)
		return diag_error(d, doc->pos, "missing required key 'title'"), NULL;
	if (m->kind != YNODE_MAP)
		return diag_error(d, m->pos, "'correlation' must be a map"), NULL;
	const struct ynode *rl = yaml_get(m, "rules"), *ts = yaml_get(m, "timespan");
	const struct ynode *gb = yaml_get(m, "group-by"), *al = yaml_get(m, "aliases");
	const struct ynode *gen = yaml_get(m, "generate");
	if (!check_keys(d, m) || !load_type(d, m, c))
		return NULL;
	if (!rl)
		return diag_error(d, m->pos, "missing required correlation key 'rules'"), NULL;
	if (!ts)
		return diag_error(d, m->pos, "missing required correlation key 'timespan'"), NULL;
	if (!load_rules(a, d, rl, docs, ndocs, rules, nrules, c) || !load_timespan(d, ts, c) ||
	    !load_condition(a, d, yaml_get(m, "condition"), c) ||
	    (al && !load_aliases(a, d, al, c)))
		return NULL;
	if (gb) {
		const struct ynode **g;
		if (!get_names(a, d, gb, "group-by", &g, &c->ngroup))
			return NULL;
		c->group_by = arena_alloc(a, sizeof(*c->group_by) * (size_t)(c->ngroup + 1));
		for (int i = 0; i < c->ngroup; i++)
			c->group_by[i] = g[i]->text;
	}
	if (gen && (gen->kind != YNODE_SCALAR || gen->type != SCALAR_BOOL))
		return diag_error(d, gen->pos, "'generate' must be true or false"), NULL;
	c->generate = gen && (gen->text[0] == 't' || gen->text[0] == 'T');
	return c;
}

bool
corr_load(struct arena *a, struct diag *d, struct ynode *const *docs, int ndocs,
	  struct rule *const *rules, int nrules, struct correlation ***out, int *nout)
{
	bool ok = true;
	int cap = 0;
	*out = NULL;
	*nout = 0;
	for (int i = 0; i < ndocs; i++) {
		if (!yaml_get(docs[i], "correlation"))
			continue;
		struct correlation *c = load_one(a, d, docs, ndocs, i, rules, nrules);
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

void
corr_dump(struct buf *out, const struct correlation *c)
{
	buf_printf(out, "correlation %s '%s'\n", corr_type_name(c->type), c->title);
	for (int i = 0; i < c->nrules; i++)
		buf_printf(out, "  rule %s\n", corr_rule_label(c->rules[i]));
	for (int i = 0; i < c->ngroup; i++)
		buf_printf(out, "  group-by %s\n", c->group_by[i]);
	for (int i = 0; i < c->naliases; i++)
		for (int r = 0; r < c->nrules; r++)
			buf_printf(out, "  alias %s = %s.%s\n", c->aliases[i].name,
				   corr_rule_label(c->rules[r]),
				   c->aliases[i].field[r]);
	buf_printf(out, "  timespan %s (%llds)\n", c->timespan, c->seconds);
	if (c->field)
		buf_printf(out, "  field %s\n", c->field);
	if (c->percentile)
		buf_printf(out, "  percentile %s\n", c->percentile);
	if (c->expression)
		buf_printf(out, "  expression %s\n", c->expression);
	for (int i = 0; i < c->ncmp; i++)
		buf_printf(out, "  where %s %s %s\n",
			   c->type == CORR_EVENT_COUNT ? "count"
			   : c->type == CORR_VALUE_COUNT ? "distinct"
			   : c->type == CORR_TEMPORAL || c->type == CORR_TEMPORAL_ORDERED ? "rules"
											    : "value",
			   corr_op_symbol(c->cmp[i].op), c->cmp[i].value);
	buf_printf(out, "  generate %s\n", c->generate ? "true" : "false");
}
