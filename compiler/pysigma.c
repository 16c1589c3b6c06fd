/*
 * pysigma.c: a pySigma processing pipeline (the YAML that sigma-cli's -p
 * takes) read as one of ours, to be stacked on the target's pipeline (which
 * keeps the event selection). The transformations that rename fields
 * (field_name_mapping, _prefix, _suffix, each optionally limited by
 * include_fields/exclude_fields), change_logsource and the failures
 * (rule_failure, detection_item_failure), drop_detection_item and
 * add_condition become entries per logsource; their logsource rule
 * conditions decide which entry each applies to. set_state sets the one
 * state a backend of ours reads (ES|QL's index). Every other transformation
 * or condition changes the rule in ways our pipelines do not describe, so it
 * is refused by name rather than skipped.
 */
#include "pipelines.h"
#include "pysigma.h"

#include "../backends/backend.h"

#include <stdlib.h>
#include <string.h>

/* Transformations refused, with what to do instead. */
#define PY_REFUSED(X) \
	X("field_name_prefix_mapping", "list the field names in a field_name_mapping") \
	X("field_name_transform", "list the field names in a field_name_mapping") \
	X("value_placeholders", "placeholder values come from value lists (--vars FILE)") \
	X("wildcard_placeholders", "use --undefined-placeholder=wildcard") \
	X("query_expression_placeholders", "placeholder values come from value lists (--vars FILE)")

/* State keys pySigma's backends for our targets read, refused with why (ES|QL's index
 * is read: state_index). */
#define PY_STATES_REFUSED(X) \
	X("query_table", "pySigma's Kusto pipelines name the table with it, and a KQL table " \
	  "comes with its logsource's field names and event selection; choose it with " \
	  "change_logsource or a pipeline of ours") \
	X("data_model_set", "pySigma's Splunk backend names a CIM data model with it; " \
	  "pipeline splunk_cim queries the CIM data models (-p splunk_cim)") \
	X("fields", "pySigma's Splunk backend lists a data model query's fields with it; " \
	  "pipeline splunk_cim queries the CIM data models (-p splunk_cim)")

static const char *const state_why[][2] = {
#define PY_ROW(key, why) {key, why},
	PY_STATES_REFUSED(PY_ROW)
#undef PY_ROW
};

static const char *const refused_why[][2] = {
#define PY_ROW(type, why) {type, why},
	PY_REFUSED(PY_ROW)
#undef PY_ROW
};

static const char *const kind_type[] = {
#define PY_TYPE(kind, type, param, more) type,
	PY_KINDS(PY_TYPE)
#undef PY_TYPE
};
static const char *const kind_param[] = {
#define PY_PARAM(kind, type, param, more) param,
	PY_KINDS(PY_PARAM)
#undef PY_PARAM
};
static const char *const kind_more[] = {
#define PY_MORE(kind, type, param, more) more,
	PY_KINDS(PY_MORE)
#undef PY_MORE
};

bool
pysigma_is_pipeline(const struct ynode *doc)
{
	return doc->kind == YNODE_MAP && yaml_get(doc, "transformations") &&
	       !yaml_get(doc, "logsources");
}

static const char *
scalar(const struct ynode *n)
{
	return n && n->kind == YNODE_SCALAR && n->type != SCALAR_NULL ? n->text : NULL;
}

/* An and/or key (rule_cond_op, field_name_cond_op): is it or? */
static bool
linking(struct diag *d, const struct ynode *t, const char *key, bool *any)
{
	const struct ynode *op = yaml_get(t, key);
	const char *v = scalar(op);
	*any = v && !strcmp(v, "or");
	if (op && (!v || (strcmp(v, "and") && strcmp(v, "or"))))
		return diag_error(d, op->pos, "'%s' must be 'and' or 'or'", key);
	return true;
}

static bool
logsource_condition(struct diag *d, const struct ynode *c, struct py_scope *s)
{
	for (int i = 0; i < c->nkids; i += 2) {
		const char *k = c->kids[i]->text, *v = scalar(c->kids[i + 1]);
		if (!strcmp(k, "type"))
			continue;
		if (strcmp(k, "category") && strcmp(k, "product") && strcmp(k, "service"))
			return diag_error(d, c->kids[i]->pos, "logsource condition key '%s' is not "
					  "supported (category, product, service)", k);
		if (!v)
			return diag_error(d, c->kids[i + 1]->pos, "logsource condition '%s' must be "
					  "a name", k);
		*(!strcmp(k, "product") ? &s->product : !strcmp(k, "service") ? &s->service :
		  &s->category) = v;
	}
	return true;
}

static bool
same(const char *a, const char *b)
{
	return !a || !b || !strcmp(a, b);
}

bool
py_scope_and(const struct py_scope *x, const struct py_scope *y, struct py_scope *out)
{
	if (!same(x->product, y->product) || !same(x->service, y->service) ||
	    !same(x->category, y->category))
		return false;
	*out = (struct py_scope){x->product ? x->product : y->product,
				 x->service ? x->service : y->service,
				 x->category ? x->category : y->category};
	return true;
}

/* rule_conditions: logsource conditions, all of them (one scope) or any (one scope each). */
static bool
rule_scopes(struct arena *a, struct diag *d, const struct ynode *t, struct py_xform *x)
{
	const struct ynode *conds = yaml_get(t, "rule_conditions");
	bool any;
	if (!linking(d, t, "rule_cond_op", &any))
		return false;
	if (conds && conds->kind != YNODE_SEQ)
		return diag_error(d, conds->pos, "rule_conditions must be a list of logsource "
				  "conditions");
	int n = conds ? conds->nkids : 0;
	x->scopes = arena_alloc(a, sizeof(*x->scopes) * (size_t)(n + 1));
	x->nscopes = 1;
	for (int i = 0; i < n; i++) {
		const struct ynode *c = conds->kids[i], *type = yaml_get(c, "type");
		if (c->kind != YNODE_MAP || !scalar(type))
			return diag_error(d, c->pos, "a rule condition needs the key 'type'");
		if (strcmp(type->text, "logsource"))
			return diag_error(d, type->pos, "rule condition '%s' is not supported (only "
					  "logsource)", type->text);
		struct py_scope s = {0};
		if (!logsource_condition(d, c, &s))
			return false;
		if (any)
			x->scopes[i] = s;
		else if (!py_scope_and(&x->scopes[0], &s, &x->scopes[0]))
			return diag_error(d, c->pos, "the logsource conditions of this "
					  "transformation never hold together");
	}
	x->nscopes = any && n ? n : 1;
	return true;
}

/* field_name_conditions: include_fields and exclude_fields with plain names. */
static bool
field_conditions(struct arena *a, struct diag *d, const struct ynode *t, struct py_fieldcond *fc)
{
	const struct ynode *conds = yaml_get(t, "field_name_conditions"), *neg;
	if (!linking(d, t, "field_name_cond_op", &fc->any))
		return false;
	if ((neg = yaml_get(t, "field_name_cond_not")) && neg->type != SCALAR_BOOL)
		return diag_error(d, neg->pos, "'field_name_cond_not' must be true or false");
	fc->negate = neg && !strcmp(neg->text, "true");
	if (!conds)
		return true;
	if (conds->kind != YNODE_SEQ)
		return diag_error(d, conds->pos, "field_name_conditions must be a list");
	fc->lists = arena_alloc(a, sizeof(*fc->lists) * (size_t)(conds->nkids + 1));
	fc->exclude = arena_alloc(a, sizeof(bool) * (size_t)(conds->nkids + 1));
	for (int i = 0; i < conds->nkids; i++) {
		const struct ynode *c = conds->kids[i], *type = yaml_get(c, "type");
		const struct ynode *fields = yaml_get(c, "fields"), *mode = yaml_get(c, "mode");
		if (c->kind != YNODE_MAP || !scalar(type))
			return diag_error(d, c->pos, "a field name condition needs the key 'type'");
		if (strcmp(type->text, "include_fields") && strcmp(type->text, "exclude_fields"))
			return diag_error(d, type->pos, "field name condition '%s' is not supported "
					  "(include_fields, exclude_fields)", type->text);
		if (mode && (!scalar(mode) || strcmp(mode->text, "plain")))
			return diag_error(d, mode->pos, "field name condition mode '%s' is not "
					  "supported (only plain names)", scalar(mode) ? mode->text : "");
		bool names = fields && fields->kind == YNODE_SEQ;
		for (int k = 0; names && k < fields->nkids; k++)
			names = scalar(fields->kids[k]) != NULL;
		if (!names)
			return diag_error(d, fields ? fields->pos : c->pos, "%s needs the key "
					  "'fields': a list of field names", type->text);
		fc->lists[fc->n] = fields;
		fc->exclude[fc->n++] = type->text[0] == 'e';
	}
	return true;
}

/* Is key one of the space-separated words? */
static bool
in_words(const char *words, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = words; *p; p += strcspn(p, " "), p += *p == ' ')
		if (strcspn(p, " ") == n && !strncmp(p, key, n))
			return true;
	return false;
}

/* The keys a transformation of kind may have: ours, or pySigma's that we refuse. */
static bool
check_keys(struct arena *a, struct diag *d, const struct ynode *t, enum py_kind kind)
{
	static const char *const common[] = {"id", "type", "rule_conditions", "rule_cond_op"};
	static const char *const field[] = {"field_name_conditions", "field_name_cond_op",
					    "field_name_cond_not"};
	bool fields = kind != PY_RULE_FAILURE && kind != PY_CHANGE_LOGSOURCE && kind != PY_ADD &&
		      kind != PY_STATE;
	for (int i = 0; i < t->nkids; i += 2) {
		const struct ynode *k = t->kids[i];
		bool ok = (*kind_param[kind] && !strcmp(k->text, kind_param[kind])) ||
			  in_words(kind_more[kind], k->text);
		for (size_t j = 0; !ok && j < sizeof(common) / sizeof(common[0]); j++)
			ok = !strcmp(k->text, common[j]);
		for (size_t j = 0; !ok && fields && j < sizeof(field) / sizeof(field[0]); j++)
			ok = !strcmp(k->text, field[j]);
		const char *v = scalar(t->kids[i + 1]);
		if (!strcmp(k->text, "rule_cond_not") && (!v || strcmp(v, "false")))
			return diag_error(d, k->pos, "pySigma 'rule_cond_not' is not supported");
		ok = ok || !strcmp(k->text, "rule_cond_not");
		if (!ok && (strstr(k->text, "_cond") || !strcmp(k->text, "field_name_conditions")))
			return diag_error(d, k->pos, "pySigma '%s' is not supported (sigmacc reads "
					  "logsource rule conditions and include_fields/exclude_fields "
					  "field name conditions%s%s)", k->text, fields ? "" : "; a ",
					  fields ? "" : arena_printf(a, "%s has no field name conditions",
								     kind_type[kind]));
		if (!ok)
			return diag_error(d, k->pos, "unknown key '%s' in a %s transformation",
					  k->text, kind_type[kind]);
	}
	return true;
}

/* change_logsource: category, product and service, the ones not given are none. */
static bool
new_logsource(struct diag *d, const struct ynode *t, struct py_xform *x)
{
	static const char *const keys[] = {"category", "product", "service"};
	const char **to[] = {&x->to.category, &x->to.product, &x->to.service};
	for (int i = 0; i < 3; i++) {
		const struct ynode *v = yaml_get(t, keys[i]);
		if (v && !scalar(v))
			return diag_error(d, v->pos, "change_logsource '%s' must be a name", keys[i]);
		*to[i] = scalar(v);
	}
	if (!x->to.category && !x->to.product && !x->to.service)
		return diag_error(d, t->pos, "change_logsource needs a category, product or service");
	return true;
}

/* add_condition: its conditions are Sigma detection items, read as a rule's search. */
static bool
added_condition(struct arena *a, struct diag *d, const struct ynode *t, struct py_xform *x)
{
	const struct ynode *tpl = yaml_get(t, "template"), *neg = yaml_get(t, "negated"), *key = NULL;
	if (tpl && (tpl->type != SCALAR_BOOL || strcmp(tpl->text, "false")))
		return diag_error(d, tpl->pos, "add_condition 'template' is not supported: write "
				  "the values out, one add_condition per logsource");
	if (neg && neg->type != SCALAR_BOOL)
		return diag_error(d, neg->pos, "'negated' must be true or false");
	x->negated = neg && !strcmp(neg->text, "true");
	const struct ynode *c = NULL;
	for (int i = 0; i < t->nkids; i += 2)
		if (!strcmp(t->kids[i]->text, "conditions")) {
			key = t->kids[i];
			c = t->kids[i + 1];
		}
	if (!c || c->kind != YNODE_MAP || c->nkids == 0)
		return diag_error(d, c ? c->pos : t->pos, "add_condition needs the key 'conditions': "
				  "a map of Sigma detection items (field|modifier: value)");
	struct search *s = arena_alloc(a, sizeof(*s));
	if (!rule_load_search(a, d, key, c, s))
		return false;
	x->cond = s;
	return true;
}

/* The names a mapping value gives: one, or a list of them (pySigma ORs them). */
static bool
mapping_names(struct diag *d, const struct ynode *from, const struct ynode *to)
{
	bool ok = to->kind == YNODE_SEQ ? to->nkids > 0 : scalar(to) != NULL;
	for (int k = 0; ok && to->kind == YNODE_SEQ && k < to->nkids; k++)
		ok = scalar(to->kids[k]) != NULL;
	return ok || diag_error(d, to->pos, "field '%s' must map to a field name or a list of "
				"field names", from->text);
}

/* The parameter of x: its mapping (names to names), prefix, suffix, message, state key. */
static bool
parameter(struct arena *a, struct diag *d, const struct ynode *t, struct py_xform *x)
{
	if (x->kind == PY_CHANGE_LOGSOURCE)
		return new_logsource(d, t, x);
	if (x->kind == PY_ADD)
		return added_condition(a, d, t, x);
	if (x->kind == PY_DROP)
		return true;
	const struct ynode *p = yaml_get(t, kind_param[x->kind]);
	if (x->kind != PY_MAPPING) {
		x->text = scalar(p);
		return x->text || diag_error(d, p ? p->pos : t->pos, "%s needs the key '%s'",
					    kind_type[x->kind], kind_param[x->kind]);
	}
	if (!p || p->kind != YNODE_MAP || p->nkids == 0)
		return diag_error(d, p ? p->pos : t->pos, "field_name_mapping needs the key 'mapping': "
				  "a mapping from Sigma field names to the target's");
	for (int i = 0; i < p->nkids; i += 2)
		if (!mapping_names(d, p->kids[i], p->kids[i + 1]))
			return false;
	x->mapping = p;
	return true;
}

/* One transformation read, or refused by name. */
static bool
transformation(struct arena *a, struct diag *d, const struct ynode *t, struct py_xform *x)
{
	const struct ynode *type = yaml_get(t, "type");
	if (t->kind != YNODE_MAP || !scalar(type))
		return diag_error(d, t->pos, "a transformation needs the key 'type'");
	for (size_t i = 0; i < sizeof(refused_why) / sizeof(refused_why[0]); i++)
		if (!strcmp(type->text, refused_why[i][0]))
			return diag_error(d, type->pos, "pySigma transformation '%s' is not "
					  "supported: %s", type->text, refused_why[i][1]);
	int kind = 0;
	while (kind < PY_KIND__COUNT && strcmp(type->text, kind_type[kind]))
		kind++;
	if (kind == PY_KIND__COUNT)
		return diag_error(d, type->pos, "pySigma transformation '%s' is not supported "
				  "(sigmacc maps field_name_mapping, field_name_prefix, "
				  "field_name_suffix, change_logsource, rule_failure, "
				  "detection_item_failure, drop_detection_item, add_condition and "
				  "set_state)", type->text);
	*x = (struct py_xform){.kind = (enum py_kind)kind, .node = t};
	if (!check_keys(a, d, t, x->kind) || !rule_scopes(a, d, t, x) ||
	    !field_conditions(a, d, t, &x->fc) || !parameter(a, d, t, x))
		return false;
	const struct py_scope *s = &x->scopes[0];
	if (x->kind == PY_RULE_FAILURE && x->nscopes == 1 && !s->product && !s->service &&
	    !s->category)
		return diag_error(d, t->pos, "a rule_failure without a logsource rule condition "
				  "would refuse every rule");
	if (x->kind == PY_ITEM_FAILURE && py_field_passes(&x->fc, NULL))
		return diag_error(d, t->pos, "a detection_item_failure must name its fields with "
				  "include_fields: here it would refuse every field");
	if (x->kind == PY_DROP && py_field_passes(&x->fc, NULL))
		return diag_error(d, t->pos, "a drop_detection_item must name its fields with "
				  "include_fields: here it would drop every detection item");
	return true;
}

/* allowed_backends: when given, the target (by its name or a sigma-cli name) must be listed. */
static bool
allowed(struct diag *d, const struct ynode *doc, const char *target)
{
	const struct ynode *list = yaml_get(doc, "allowed_backends");
	if (!list || (list->kind == YNODE_SEQ && list->nkids == 0))
		return true;
	if (list->kind != YNODE_SEQ)
		return diag_error(d, list->pos, "allowed_backends must be a list of backend names");
	const struct backend *be = backend_find(target);
	for (int i = 0; i < list->nkids; i++) {
		const char *name = scalar(list->kids[i]);
		if (!name)
			continue;
		if (!strcmp(name, target))
			return true;
		for (int k = 0; be && be->aliases && be->aliases[k]; k++)
			if (!strcmp(name, be->aliases[k]))
				return true;
	}
	return diag_error(d, list->pos, "the pipeline is for other backends (allowed_backends), "
			  "not target %s", target);
}

static int
by_text(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * set_state: the one state a backend of ours reads. pySigma's Elasticsearch
 * ES|QL backend writes its 'index' state after FROM, a list sorted, without
 * repeats and joined by commas, '*' alone when listed (pySigma-backend-
 * elasticsearch, elasticsearch_esql.py: finish_query, preprocess_indices);
 * so does ours with the pipeline's index. The others (Kusto's query_table, Splunk's data_model_set)
 * come with field names and event selections that pipelines of ours give.
 */
static bool
state_index(struct arena *a, struct diag *d, const struct py_xform *x, const char *target,
	    char **index)
{
	const struct ynode *key = yaml_get(x->node, "key"), *val = yaml_get(x->node, "val");
	const struct py_scope *s = &x->scopes[0];
	for (size_t i = 0; i < sizeof(state_why) / sizeof(state_why[0]); i++)
		if (!strcmp(x->text, state_why[i][0]))
			return diag_error(d, key->pos, "pySigma state '%s' is not supported: %s",
					  x->text, state_why[i][1]);
	if (strcmp(x->text, "index") || strcmp(target, "esql"))
		return diag_error(d, key->pos, "pySigma state '%s' is read by no sigmacc backend for "
				  "target %s (only esql reads one, 'index': the indices after FROM); "
				  "the backends' settings are -O options (sigmacc list options %s)",
				  x->text, target, target);
	if (x->nscopes > 1 || s->product || s->service || s->category)
		return diag_error(d, x->node->pos, "set_state 'index' for some logsources only is "
				  "not supported: sigmacc names one index per pipeline");
	int n = val && val->kind == YNODE_SEQ ? val->nkids : 1;
	const char **v = arena_alloc(a, sizeof(*v) * (size_t)n);
	for (int i = 0; i < n; i++)
		if (!(v[i] = scalar(val && val->kind == YNODE_SEQ ? val->kids[i] : val)))
			return diag_error(d, val ? val->pos : x->node->pos, "set_state 'index' needs "
					  "the key 'val': an index pattern or a list of them");
	qsort(v, (size_t)n, sizeof(*v), by_text);
	struct buf b = {0};
	for (int i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			buf_printf(&b, "%s%s", b.len ? "," : "", v[i]);
	bool all = false;
	for (int i = 0; i < n; i++)
		all = all || !strcmp(v[i], "*");
	*index = arena_strdup(a, all ? "*" : b.data);
	buf_free(&b);
	return true;
}

struct pipeline *
pysigma_convert(struct arena *a, struct diag *d, const struct ynode *doc, const char *name,
		const char *target)
{
	const struct ynode *ts = yaml_get(doc, "transformations");
	static const char *const refused[] = {"postprocessing", "finalizers"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (yaml_get(doc, refused[i]))
			return diag_error(d, yaml_get(doc, refused[i])->pos, "a pySigma '%s' "
					  "section is not supported", refused[i]), NULL;
	if (ts->kind != YNODE_SEQ)
		return diag_error(d, ts->pos, "transformations must be a list"), NULL;
	if (!allowed(d, doc, target))
		return NULL;
	struct py_xform *xs = arena_alloc(a, sizeof(*xs) * (size_t)(ts->nkids + 1));
	for (int i = 0; i < ts->nkids; i++)
		if (!transformation(a, d, ts->kids[i], &xs[i]))
			return NULL;
	struct pipeline *p = arena_alloc(a, sizeof(*p));
	for (int i = 0; i < ts->nkids; i++)
		if (xs[i].kind == PY_STATE && !state_index(a, d, &xs[i], target, &p->index))
			return NULL;
	struct py_scope *scopes;
	int n = py_entry_scopes(a, d, ts, xs, &scopes);
	if (n < 0)
		return NULL;
	const char *title = scalar(yaml_get(doc, "name"));
	p->name = arena_printf(a, "%s", title ? title : name);
	p->target = arena_printf(a, "%s", target);
	p->description = arena_printf(a, "pySigma processing pipeline %s", p->name);
	p->logsources = arena_alloc(a, sizeof(*p->logsources) * (size_t)(n + 1));
	for (int i = 0; i < n; i++) {
		int made = py_entry(a, d, xs, ts->nkids, &scopes[i], &p->logsources[p->logsources_count]);
		if (made < 0)
			return NULL;
		p->logsources_count += (unsigned)made;
	}
	return p;
}
