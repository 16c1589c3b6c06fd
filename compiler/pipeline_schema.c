/*
 * pipeline_schema.c: the pipeline file format (templates/README.md) twice over:
 * the libcyaml schema that loads a pipeline, and the key-by-key check that runs
 * first on our own YAML reader, so that a mistake is reported as file:line:col
 * in our words rather than libcyaml's.
 */
#include "sigma.h"

#include "config.h"
#include "pipelines.h"
#include "suggest.h"

#include <string.h>

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

#define STR(key, st, m) CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER, st, m, 1, CYAML_UNLIMITED)
#define OPT_STR(key, st, m) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, st, m, 1, CYAML_UNLIMITED)
#define OPT_SEQ(key, st, m, entry) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, st, m, entry, 0, \
			     CYAML_UNLIMITED)

static const cyaml_schema_field_t value_fields[] = {
	STR("from", struct pl_value, from),
	STR("field", struct pl_value, field),
	CYAML_FIELD_SEQUENCE("in", CYAML_FLAG_POINTER, struct pl_value, in, &string_entry, 1,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t value_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_value, value_fields),
};

static const cyaml_schema_field_t rename_fields[] = {
	STR("from", struct pl_rename, from),
	STR("to", struct pl_rename, to),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t rename_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_rename, rename_fields),
};

static const cyaml_schema_field_t time_table_fields[] = {
	STR("prefix", struct pl_time_table, prefix),
	STR("field", struct pl_time_table, field),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t time_table_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_time_table, time_table_fields),
};

static const cyaml_schema_field_t raw_prefix_fields[] = {
	STR("product", struct pl_raw_prefix, product),
	STR("prefix", struct pl_raw_prefix, prefix),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t raw_prefix_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_raw_prefix, raw_prefix_fields),
};

static const cyaml_schema_field_t warn_fields[] = {
	OPT_STR("text", struct pl_warn, text),
	STR("why", struct pl_warn, why),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t warn_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_warn, warn_fields),
};

static const cyaml_schema_field_t event_map_fields[] = {
	CYAML_FIELD_SEQUENCE("codes", CYAML_FLAG_POINTER, struct pl_event_map, codes, &string_entry,
			     1, CYAML_UNLIMITED),
	STR("to", struct pl_event_map, to),
	OPT_STR("type", struct pl_event_map, type),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t event_map_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_event_map, event_map_fields),
};

static const cyaml_schema_field_t field_fields[] = {
	STR("from", struct pl_field, from),
	OPT_STR("to", struct pl_field, to),
	OPT_STR("type", struct pl_field, type),
	OPT_STR("extend", struct pl_field, extend),
	OPT_STR("project_only", struct pl_field, project_only),
	OPT_STR("dword", struct pl_field, dword),
	OPT_STR("domain", struct pl_field, domain),
	OPT_STR("split", struct pl_field, split),
	OPT_STR("part", struct pl_field, part),
	OPT_SEQ("values", struct pl_field, values, &value_entry),
	OPT_SEQ("prefixes", struct pl_field, prefixes, &rename_entry),
	OPT_SEQ("hashes", struct pl_field, hashes, &rename_entry),
	OPT_SEQ("warn", struct pl_field, warn, &warn_entry),
	OPT_SEQ("events", struct pl_field, events, &event_map_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t field_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_field, field_fields),
};

/* A condition inside an any: group is a leaf (no nested any:). */
#define SEL_COND_FIELDS \
	OPT_STR("field", struct sel_cond, field), \
	OPT_STR("value", struct sel_cond, value), \
	OPT_STR("number", struct sel_cond, number), \
	OPT_SEQ("in", struct sel_cond, in, &string_entry), \
	OPT_STR("prefix", struct sel_cond, prefix), \
	OPT_STR("regex", struct sel_cond, regex), \
	CYAML_FIELD_BOOL("exists", CYAML_FLAG_OPTIONAL, struct sel_cond, exists)
static const cyaml_schema_field_t leaf_fields[] = {
	SEL_COND_FIELDS,
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t leaf_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct sel_cond, leaf_fields),
};
static const cyaml_schema_field_t group_fields[] = {
	CYAML_FIELD_SEQUENCE("all", CYAML_FLAG_POINTER, struct sel_group, all, &leaf_entry, 1,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t group_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct sel_group, group_fields),
};
static const cyaml_schema_field_t cond_fields[] = {
	SEL_COND_FIELDS,
	OPT_SEQ("any", struct sel_cond, any, &group_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t cond_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct sel_cond, cond_fields),
};
static const cyaml_schema_field_t select_fields[] = {
	OPT_STR("from", struct selection, from),
	OPT_SEQ("where", struct selection, where, &cond_entry),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t logsource_fields[] = {
	OPT_STR("product", struct pl_logsource, product),
	OPT_STR("service", struct pl_logsource, service),
	OPT_SEQ("categories", struct pl_logsource, categories, &string_entry),
	CYAML_FIELD_MAPPING_PTR("select", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct pl_logsource, select, select_fields),
	OPT_STR("error", struct pl_logsource, error),
	OPT_STR("warning", struct pl_logsource, warning),
	OPT_STR("unconfirmed", struct pl_logsource, unconfirmed),
	CYAML_FIELD_BOOL("passthrough", CYAML_FLAG_OPTIONAL, struct pl_logsource, passthrough),
	OPT_STR("prefix", struct pl_logsource, prefix),
	OPT_SEQ("fields", struct pl_logsource, fields, &field_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t logsource_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_logsource, logsource_fields),
};

/* The data model: attributes of the target's fields, apart from the per-logsource maps. */
static const cyaml_schema_field_t dm_field_fields[] = {
	STR("field", struct dm_field, field),
	OPT_STR("type", struct dm_field, type),
	OPT_SEQ("values", struct dm_field, values, &string_entry),
	CYAML_FIELD_BOOL("repeated", CYAML_FLAG_OPTIONAL, struct dm_field, repeated),
	CYAML_FIELD_BOOL("device_path", CYAML_FLAG_OPTIONAL, struct dm_field, device_path),
	CYAML_FIELD_BOOL("basename", CYAML_FLAG_OPTIONAL, struct dm_field, basename),
	OPT_STR("ip6", struct dm_field, ip6),
	CYAML_FIELD_BOOL("event_time", CYAML_FLAG_OPTIONAL, struct dm_field, event_time),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t dm_field_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct dm_field, dm_field_fields),
};
static const cyaml_schema_field_t datamodel_fields[] = {
	OPT_STR("name", struct datamodel, name),
	CYAML_FIELD_BOOL("closed", CYAML_FLAG_OPTIONAL, struct datamodel, closed),
	CYAML_FIELD_SEQUENCE("fields", CYAML_FLAG_POINTER, struct datamodel, fields,
			     &dm_field_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t pipeline_fields[] = {
	STR("name", struct pipeline, name),
	STR("target", struct pipeline, target),
	OPT_SEQ("shared_with", struct pipeline, shared_with, &string_entry),
	OPT_STR("index", struct pipeline, index),
	OPT_STR("category_field", struct pipeline, category_field),
	OPT_SEQ("raw_prefix", struct pipeline, raw_prefix, &raw_prefix_entry),
	OPT_STR("time_field", struct pipeline, time_field),
	OPT_SEQ("time_tables", struct pipeline, time_tables, &time_table_entry),
	STR("description", struct pipeline, description),
	CYAML_FIELD_SEQUENCE("logsources", CYAML_FLAG_POINTER, struct pipeline, logsources,
			     &logsource_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("datamodel", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct pipeline, datamodel, datamodel_fields),
	CYAML_FIELD_END,
};
const cyaml_schema_value_t pipeline_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct pipeline, pipeline_fields),
};

/* ---- checking the YAML before libcyaml, to report problems with positions ---------- */

enum key_kind { KEY_STR, KEY_BOOL, KEY_STRS, KEY_MAPS, KEY_MAP };

struct key_spec;
struct map_spec {
	const char *what;		/* "a logsource entry" */
	const struct key_spec *keys;	/* ended by a NULL key */
};
struct key_spec {
	const char *key;
	bool required;
	enum key_kind kind;
	const struct map_spec *entry;	/* KEY_MAPS: each entry's keys; KEY_MAP: its keys */
};

static const struct key_spec rename_keys[] = {
	{"from", true, KEY_STR, NULL}, {"to", true, KEY_STR, NULL}, {NULL, false, 0, NULL},
};
static const struct map_spec rename_spec = {"a rename entry", rename_keys};
static const struct key_spec value_keys[] = {
	{"from", true, KEY_STR, NULL}, {"field", true, KEY_STR, NULL}, {"in", true, KEY_STRS, NULL},
	{NULL, false, 0, NULL},
};
static const struct map_spec value_spec = {"a value entry", value_keys};
static const struct key_spec warn_keys[] = {
	{"text", false, KEY_STR, NULL}, {"why", true, KEY_STR, NULL}, {NULL, false, 0, NULL},
};
static const struct map_spec warn_spec = {"a warn entry", warn_keys};
static const struct key_spec raw_prefix_keys[] = {
	{"product", true, KEY_STR, NULL}, {"prefix", true, KEY_STR, NULL}, {NULL, false, 0, NULL},
};
static const struct map_spec raw_prefix_spec = {"a raw_prefix entry", raw_prefix_keys};
static const struct key_spec time_table_keys[] = {
	{"prefix", true, KEY_STR, NULL}, {"field", true, KEY_STR, NULL}, {NULL, false, 0, NULL},
};
static const struct map_spec time_table_spec = {"a time_tables entry", time_table_keys};
static const struct key_spec event_map_keys[] = {
	{"codes", true, KEY_STRS, NULL}, {"to", true, KEY_STR, NULL}, {"type", false, KEY_STR, NULL},
	{NULL, false, 0, NULL},
};
static const struct map_spec event_map_spec = {"an events entry", event_map_keys};
static const struct key_spec field_keys[] = {
	{"from", true, KEY_STR, NULL}, {"to", false, KEY_STR, NULL}, {"type", false, KEY_STR, NULL},
	{"extend", false, KEY_STR, NULL}, {"project_only", false, KEY_STR, NULL},
	{"dword", false, KEY_STR, NULL},
	{"domain", false, KEY_STR, NULL}, {"part", false, KEY_STR, NULL},
	{"split", false, KEY_STR, NULL},
	{"values", false, KEY_MAPS, &value_spec}, {"prefixes", false, KEY_MAPS, &rename_spec},
	{"hashes", false, KEY_MAPS, &rename_spec}, {"warn", false, KEY_MAPS, &warn_spec},
	{"events", false, KEY_MAPS, &event_map_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec field_spec = {"a field entry", field_keys};
#define SEL_LEAF_KEYS \
	{"field", false, KEY_STR, NULL}, {"value", false, KEY_STR, NULL}, \
	{"number", false, KEY_STR, NULL}, \
	{"in", false, KEY_STRS, NULL}, {"prefix", false, KEY_STR, NULL}, \
	{"regex", false, KEY_STR, NULL}, {"exists", false, KEY_BOOL, NULL}
static const struct key_spec leaf_keys[] = {SEL_LEAF_KEYS, {NULL, false, 0, NULL}};
static const struct map_spec leaf_spec = {"a select condition", leaf_keys};
static const struct key_spec group_keys[] = {
	{"all", true, KEY_MAPS, &leaf_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec group_spec = {"an any: group", group_keys};
static const struct key_spec cond_keys[] = {
	SEL_LEAF_KEYS, {"any", false, KEY_MAPS, &group_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec cond_spec = {"a select condition", cond_keys};
static const struct key_spec select_keys[] = {
	{"from", false, KEY_STR, NULL}, {"where", false, KEY_MAPS, &cond_spec},
	{NULL, false, 0, NULL},
};
static const struct map_spec select_spec = {"a select", select_keys};
static const struct key_spec logsource_keys[] = {
	{"product", false, KEY_STR, NULL}, {"service", false, KEY_STR, NULL},
	{"categories", false, KEY_STRS, NULL}, {"select", false, KEY_MAP, &select_spec},
	{"error", false, KEY_STR, NULL}, {"warning", false, KEY_STR, NULL},
	{"unconfirmed", false, KEY_STR, NULL},
	{"passthrough", false, KEY_BOOL, NULL}, {"prefix", false, KEY_STR, NULL},
	{"fields", false, KEY_MAPS, &field_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec logsource_spec = {"a logsource entry", logsource_keys};
static const struct key_spec dm_field_keys[] = {
	{"field", true, KEY_STR, NULL}, {"type", false, KEY_STR, NULL},
	{"values", false, KEY_STRS, NULL}, {"repeated", false, KEY_BOOL, NULL},
	{"device_path", false, KEY_BOOL, NULL}, {"basename", false, KEY_BOOL, NULL},
	{"ip6", false, KEY_STR, NULL}, {"event_time", false, KEY_BOOL, NULL},
	{NULL, false, 0, NULL},
};
static const struct map_spec dm_field_spec = {"a datamodel field", dm_field_keys};
static const struct key_spec datamodel_keys[] = {
	{"name", false, KEY_STR, NULL}, {"closed", false, KEY_BOOL, NULL},
	{"fields", true, KEY_MAPS, &dm_field_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec datamodel_spec = {"a datamodel", datamodel_keys};
static const struct key_spec pipeline_keys[] = {
	{"name", true, KEY_STR, NULL}, {"target", true, KEY_STR, NULL},
	{"shared_with", false, KEY_STRS, NULL}, {"index", false, KEY_STR, NULL},
	{"category_field", false, KEY_STR, NULL}, {"raw_prefix", false, KEY_MAPS, &raw_prefix_spec},
	{"time_field", false, KEY_STR, NULL}, {"time_tables", false, KEY_MAPS, &time_table_spec},
	{"description", true, KEY_STR, NULL}, {"logsources", true, KEY_MAPS, &logsource_spec},
	{"datamodel", false, KEY_MAP, &datamodel_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec pipeline_spec = {"a pipeline", pipeline_keys};

static bool check_map(struct diag *d, const struct ynode *n, const struct map_spec *spec);

static bool
check_value(struct diag *d, const struct ynode *v, const struct key_spec *k)
{
	if (k->kind == KEY_MAP)
		return check_map(d, v, k->entry);
	const char *want = k->kind == KEY_STR ? "a string" : k->kind == KEY_BOOL ? "true or false" :
			   k->kind == KEY_STRS ? "a non-empty list of strings" :
			   "a non-empty list of mappings";
	bool ok = k->kind == KEY_STR ? v->kind == YNODE_SCALAR && v->type != SCALAR_NULL :
		  k->kind == KEY_BOOL ? v->kind == YNODE_SCALAR && v->type == SCALAR_BOOL :
		  v->kind == YNODE_SEQ && v->nkids > 0;
	for (int i = 0; ok && k->kind == KEY_STRS && i < v->nkids; i++)
		ok = v->kids[i]->kind == YNODE_SCALAR && v->kids[i]->type != SCALAR_NULL;
	if (!ok)
		return diag_error(d, v->pos, "'%s' must be %s (found: %s%s)", k->key, want,
				  v->kind == YNODE_SEQ && !v->nkids ? "empty " : "", yaml_kind_name(v));
	for (int i = 0; k->kind == KEY_MAPS && i < v->nkids; i++)
		if (!check_map(d, v->kids[i], k->entry))
			return false;
	return true;
}

/* Is n a mapping with the keys of spec (required ones present, no others)? */
static bool
check_map(struct diag *d, const struct ynode *n, const struct map_spec *spec)
{
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "%s must be a mapping (found: %s)", spec->what,
				  yaml_kind_name(n));
	for (int i = 0; i < n->nkids; i += 2) {
		const struct ynode *key = n->kids[i];
		const struct key_spec *k = spec->keys;
		while (k->key && strcmp(k->key, key->text))
			k++;
		if (!k->key) {
			const char *names[16];
			int nn = 0;
			for (const struct key_spec *o = spec->keys; o->key && nn < 16; o++)
				names[nn++] = o->key;
			const char *near = suggest_closest(key->text, key->len, names, nn);
			if (near)
				return diag_error(d, key->pos, "unknown key '%s' in %s (did you mean "
						  "'%s'?)", key->text, spec->what, near);
			return diag_error(d, key->pos, "unknown key '%s' in %s", key->text, spec->what);
		}
		if (!check_value(d, n->kids[i + 1], k))
			return false;
	}
	for (const struct key_spec *k = spec->keys; k->key; k++)
		if (k->required && !yaml_get(n, k->key))
			return diag_error(d, n->pos, "%s needs the key '%s'", spec->what, k->key);
	return true;
}

/* Exactly one of value, in, prefix, regex, exists (with a field) or any (alone)? */
static bool
check_cond(struct diag *d, const struct ynode *c)
{
	static const char *const forms[] = {"value", "number", "in", "prefix", "regex", "exists",
					    "any"};
	int n = 0;
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		n += yaml_get(c, forms[i]) != NULL;
	if (n != 1 || !yaml_get(c, "field") != !!yaml_get(c, "any"))
		return diag_error(d, c->pos, "a select condition needs a field and one of value, "
				  "number, in, prefix, regex, exists, or any alone");
	const struct ynode *exists = yaml_get(c, "exists"), *any = yaml_get(c, "any");
	const struct ynode *num = yaml_get(c, "number");
	if (num && (!num->len || strspn(num->text, "0123456789") != num->len))
		return diag_error(d, num->pos, "'number' must be a non-negative integer");
	if (exists && strcmp(exists->text, "true"))
		return diag_error(d, exists->pos, "'exists' must be true");
	for (int g = 0; any && g < any->nkids; g++) {
		const struct ynode *all = yaml_get(any->kids[g], "all");
		for (int k = 0; k < all->nkids; k++)
			if (!check_cond(d, all->kids[k]))
				return false;
	}
	return true;
}

/* What the schema cannot say: closed sets and required combinations. */
static bool
check_semantics(struct diag *d, const struct ynode *doc)
{
	static const char *const types[] = {"string", "number", "ip", "bool", "datetime"};
	const struct ynode *ls = yaml_get(doc, "logsources");
	for (int i = 0; i < ls->nkids; i++) {
		const struct ynode *e = ls->kids[i], *fields = yaml_get(e, "fields");
		const struct ynode *sel = yaml_get(e, "select"), *where = sel ? yaml_get(sel, "where") : NULL;
		if (!sel && !yaml_get(e, "error") && !fields)
			return diag_error(d, e->pos, "a logsource entry needs 'select', 'error' or "
					  "'fields'");
		for (int j = 0; where && j < where->nkids; j++)
			if (!check_cond(d, where->kids[j]))
				return false;
		for (int j = 0; fields && j < fields->nkids; j++) {
			const struct ynode *f = fields->kids[j], *type = yaml_get(f, "type");
			bool known = !type;
			for (size_t t = 0; !known && t < sizeof(types) / sizeof(types[0]); t++)
				known = !strcmp(type->text, types[t]);
			if (!known)
				return diag_error(d, type->pos, "field '%s': type must be string, "
						  "number, ip, bool or datetime", yaml_get(f, "from")->text);
			const struct ynode *ev = yaml_get(f, "events");
			for (int e = 0; ev && e < ev->nkids; e++) {
				const struct ynode *et = yaml_get(ev->kids[e], "type");
				bool ok = !et;
				for (size_t t = 0; !ok && t < sizeof(types) / sizeof(types[0]); t++)
					ok = !strcmp(et->text, types[t]);
				if (!ok)
					return diag_error(d, et->pos, "field '%s': type must be string, "
							  "number, ip, bool or datetime",
							  yaml_get(f, "from")->text);
			}
			const struct ynode *dw = yaml_get(f, "dword");
			if (dw && strcmp(dw->text, "decimal") && strcmp(dw->text, "both"))
				return diag_error(d, dw->pos, "field '%s': dword must be decimal or both",
						  yaml_get(f, "from")->text);
			/* a split names the key field in `to`; the other rewrites would bypass it */
			const struct ynode *sp = yaml_get(f, "split");
			if (sp && (!yaml_get(f, "to") || yaml_get(f, "values") || yaml_get(f, "hashes") ||
				   yaml_get(f, "events") || yaml_get(f, "extend")))
				return diag_error(d, sp->pos, "field '%s': split needs 'to' (the key "
						  "field) and no values, hashes, events or extend",
						  yaml_get(f, "from")->text);
			const struct ynode *part = yaml_get(f, "part");
			if (part && ((strcmp(part->text, "name") && strcmp(part->text, "text")) ||
				     !yaml_get(f, "to")))
				return diag_error(d, part->pos, "field '%s': part must be name or text, "
						  "with 'to'", yaml_get(f, "from")->text);
			if (!yaml_get(f, "to") && !yaml_get(f, "values") && !yaml_get(f, "hashes"))
				return diag_error(d, f->pos, "field '%s' needs 'to', 'values' or "
						  "'hashes'", yaml_get(f, "from")->text);
		}
	}
	return true;
}

/* A datamodel's types are known ones, an enum lists its values and only an enum does. */
static bool
check_datamodel(struct diag *d, const struct ynode *dm)
{
	const struct ynode *fields = dm ? yaml_get(dm, "fields") : NULL;
	for (int i = 0; fields && i < fields->nkids; i++) {
		const struct ynode *f = fields->kids[i], *type = yaml_get(f, "type");
		const char *name = yaml_get(f, "field")->text;
		if (type && field_type_parse(type->text) == FIELD__COUNT)
			return diag_error(d, type->pos, "datamodel field '%s': type must be string, "
					  "number, ip, bool, datetime or enum", name);
		bool is_enum = type && field_type_parse(type->text) == FIELD_ENUM;
		if (is_enum != !!yaml_get(f, "values"))
			return diag_error(d, f->pos, "datamodel field '%s': an enum needs 'values', "
					  "and only an enum has them", name);
	}
	return true;
}

bool
pipeline_check(struct diag *d, const struct ynode *doc)
{
	return check_map(d, doc, &pipeline_spec) && check_semantics(d, doc) &&
	       check_datamodel(d, yaml_get(doc, "datamodel"));
}
