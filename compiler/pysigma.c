/*
 * pysigma.c: a pySigma processing pipeline (the YAML that sigma-cli's -p
 * takes) read as one of ours. Its field_name_mapping transformations, each
 * limited to one logsource by a logsource rule condition or to none, become
 * field-only entries, which -p stacks on the target's pipeline (it keeps
 * the event selection); a rule_failure becomes an entry with an error.
 * Every other transformation changes the rule in ways our pipelines do not
 * describe, so it is refused by name rather than silently skipped: a
 * skipped add_condition would widen every query, a change_logsource would
 * pick other tables for the rules it names.
 */
#include "pipelines.h"

#include "../backends/backend.h"

#include <string.h>

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

/* The logsource of rule_conditions (at most one condition, of type logsource). */
static bool
logsource_condition(struct arena *a, struct diag *d, const struct ynode *t, struct pl_logsource *e)
{
	const struct ynode *conds = yaml_get(t, "rule_conditions");
	if (yaml_get(t, "rule_cond_expr") || yaml_get(t, "field_name_conditions") ||
	    yaml_get(t, "detection_item_conditions"))
		return diag_error(d, t->pos, "pySigma transformation conditions other than one "
				  "logsource rule condition are not supported");
	if (!conds)
		return true;
	if (conds->kind != YNODE_SEQ || conds->nkids != 1)
		return diag_error(d, conds->pos, "rule_conditions must be a list of one logsource "
				  "condition");
	const struct ynode *c = conds->kids[0], *type = yaml_get(c, "type");
	if (!scalar(type))
		return diag_error(d, c->pos, "a rule condition needs the key 'type'");
	if (strcmp(type->text, "logsource"))
		return diag_error(d, type->pos, "rule condition '%s' is not supported (only logsource)",
				  type->text);
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
		if (!strcmp(k, "product"))
			e->product = arena_strndup(a, v, strlen(v));
		else if (!strcmp(k, "service"))
			e->service = arena_strndup(a, v, strlen(v));
		else {
			e->categories = arena_alloc(a, sizeof(char *));
			e->categories[0] = arena_strndup(a, v, strlen(v));
			e->categories_count = 1;
		}
	}
	return true;
}

/* field_name_mapping: {from: to}; a list of names (one to many) is refused. */
static bool
field_mapping(struct arena *a, struct diag *d, const struct ynode *t, struct pl_logsource *e)
{
	const struct ynode *m = yaml_get(t, "mapping");
	if (!m || m->kind != YNODE_MAP || m->nkids == 0)
		return diag_error(d, m ? m->pos : t->pos, "field_name_mapping needs the key 'mapping': "
				  "a mapping from Sigma field names to the target's");
	e->fields = arena_alloc(a, sizeof(*e->fields) * (size_t)(m->nkids / 2));
	for (int i = 0; i < m->nkids; i += 2) {
		const struct ynode *to = m->kids[i + 1];
		if (to->kind == YNODE_SEQ && to->nkids == 1)
			to = to->kids[0];
		if (to->kind == YNODE_SEQ && to->nkids > 1)
			return diag_error(d, to->pos, "field '%s' maps to several fields; sigmacc "
					  "maps a field to one", m->kids[i]->text);
		if (!scalar(to))
			return diag_error(d, to->pos, "field '%s' must map to a field name",
					  m->kids[i]->text);
		struct pl_field *f = &e->fields[e->fields_count++];
		f->from = arena_strndup(a, m->kids[i]->text, m->kids[i]->len);
		f->to = arena_strndup(a, to->text, to->len);
	}
	return true;
}

/* rule_failure: the rules of the logsource stop with the message (an entry's error). */
static bool
rule_failure(struct arena *a, struct diag *d, const struct ynode *t, struct pl_logsource *e)
{
	const char *msg = scalar(yaml_get(t, "message"));
	if (!msg)
		return diag_error(d, t->pos, "rule_failure needs the key 'message'");
	if (!e->product && !e->service && !e->categories)
		return diag_error(d, t->pos, "a rule_failure without a logsource rule condition "
				  "would refuse every rule");
	e->error = arena_strndup(a, msg, strlen(msg));
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
	struct pipeline *p = arena_alloc(a, sizeof(*p));
	const char *title = scalar(yaml_get(doc, "name"));
	p->name = arena_printf(a, "%s", title ? title : name);
	p->target = arena_printf(a, "%s", target);
	p->description = arena_printf(a, "pySigma processing pipeline %s", p->name);
	p->logsources = arena_alloc(a, sizeof(*p->logsources) * (size_t)(ts->nkids + 1));
	for (int i = 0; i < ts->nkids; i++) {
		const struct ynode *t = ts->kids[i], *type = yaml_get(t, "type");
		if (t->kind != YNODE_MAP || !scalar(type))
			return diag_error(d, t->pos, "a transformation needs the key 'type'"), NULL;
		bool failure = !strcmp(type->text, "rule_failure");
		if (!failure && strcmp(type->text, "field_name_mapping"))
			return diag_error(d, type->pos, "pySigma transformation '%s' is not supported "
					  "(only field_name_mapping and rule_failure)", type->text), NULL;
		struct pl_logsource *e = &p->logsources[p->logsources_count++];
		if (!logsource_condition(a, d, t, e) ||
		    !(failure ? rule_failure(a, d, t, e) : field_mapping(a, d, t, e)))
			return NULL;
	}
	return p;
}
