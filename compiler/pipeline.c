/*
 * pipeline.c: the per-target pipelines under templates/ (field mapping and
 * logsource-to-event-selection), loaded once at start-up with libcyaml from
 * a fixed schema; see templates/README.md for the format. The normalizer
 * asks pipeline_logsource() and pipeline_field() per rule.
 */
#include "sigma.h"

#include "config.h"
#include "pipelines.h"
#include "suggest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static const cyaml_schema_field_t warn_fields[] = {
	STR("text", struct pl_warn, text),
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
	OPT_STR("warning", struct pl_field, warning),
	OPT_STR("domain", struct pl_field, domain),
	OPT_STR("split", struct pl_field, split),
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
	CYAML_FIELD_BOOL("passthrough", CYAML_FLAG_OPTIONAL, struct pl_logsource, passthrough),
	OPT_STR("prefix", struct pl_logsource, prefix),
	OPT_SEQ("fields", struct pl_logsource, fields, &field_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t logsource_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_logsource, logsource_fields),
};

static const cyaml_schema_field_t pipeline_fields[] = {
	STR("name", struct pipeline, name),
	STR("target", struct pipeline, target),
	OPT_SEQ("shared_with", struct pipeline, shared_with, &string_entry),
	OPT_STR("index", struct pipeline, index),
	STR("description", struct pipeline, description),
	CYAML_FIELD_SEQUENCE("logsources", CYAML_FLAG_POINTER, struct pipeline, logsources,
			     &logsource_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t pipeline_schema = {
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
	{"text", true, KEY_STR, NULL}, {"why", true, KEY_STR, NULL}, {NULL, false, 0, NULL},
};
static const struct map_spec warn_spec = {"a warn entry", warn_keys};
static const struct key_spec event_map_keys[] = {
	{"codes", true, KEY_STRS, NULL}, {"to", true, KEY_STR, NULL}, {"type", false, KEY_STR, NULL},
	{NULL, false, 0, NULL},
};
static const struct map_spec event_map_spec = {"an events entry", event_map_keys};
static const struct key_spec field_keys[] = {
	{"from", true, KEY_STR, NULL}, {"to", false, KEY_STR, NULL}, {"type", false, KEY_STR, NULL},
	{"extend", false, KEY_STR, NULL}, {"project_only", false, KEY_STR, NULL},
	{"dword", false, KEY_STR, NULL},
	{"warning", false, KEY_STR, NULL},
	{"domain", false, KEY_STR, NULL},
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
	{"passthrough", false, KEY_BOOL, NULL}, {"prefix", false, KEY_STR, NULL},
	{"fields", false, KEY_MAPS, &field_spec}, {NULL, false, 0, NULL},
};
static const struct map_spec logsource_spec = {"a logsource entry", logsource_keys};
static const struct key_spec pipeline_keys[] = {
	{"name", true, KEY_STR, NULL}, {"target", true, KEY_STR, NULL},
	{"shared_with", false, KEY_STRS, NULL}, {"index", false, KEY_STR, NULL},
	{"description", true, KEY_STR, NULL}, {"logsources", true, KEY_MAPS, &logsource_spec},
	{NULL, false, 0, NULL},
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
			if (!yaml_get(f, "to") && !yaml_get(f, "values") && !yaml_get(f, "hashes"))
				return diag_error(d, f->pos, "field '%s' needs 'to', 'values' or "
						  "'hashes'", yaml_get(f, "from")->text);
		}
	}
	return true;
}

void
pipeline_names(const char *dir, struct pathlist *names)
{
	struct buf path = {0}, err = {0};
	buf_printf(&path, "%s/pipelines", dir);
	struct stat st;
	if (stat(path.data, &st) == 0 && S_ISDIR(st.st_mode))
		files_expand(names, path.data, &err);
	for (int i = 0; i < names->n; i++) {
		char *base = strrchr(names->v[i], '/');
		base = base ? base + 1 : names->v[i];
		memmove(names->v[i], base, strlen(base) + 1);
		char *dot = strrchr(names->v[i], '.');
		if (dot)
			*dot = '\0';
	}
	buf_free(&path);
	buf_free(&err);
}

/* The error for a pipeline that is neither a file nor a known name. */
static void
unknown_pipeline(const char *dir, const char *name)
{
	struct pathlist names = {0};
	pipeline_names(dir, &names);
	const char *near = suggest_closest(name, strlen(name), (const char *const *)names.v, names.n);
	fprintf(stderr, "sigmacc: unknown pipeline '%s': no such file, nor a pipeline in %s/pipelines "
		"(see 'sigmacc list pipelines')", name, dir);
	if (near)
		fprintf(stderr, "; did you mean '%s'?", near);
	fputc('\n', stderr);
	files_free(&names);
}

/*
 * Parses the file with our YAML reader first: a pySigma pipeline is
 * converted from it; ours is checked key by key, so a mistake is reported
 * as file:line:col in our words before libcyaml loads the checked file.
 */
/* A pipeline file, whole. Not files_read: --max-rule-size limits rule files, not the
 * configuration; FILES_MAX_CEILING still bounds what is read. */
static char *
read_config(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*why = strerror(errno);
		return NULL;
	}
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= FILES_MAX_CEILING)
		buf_putn(&b, chunk, n);
	bool bad = ferror(f) || b.len > FILES_MAX_CEILING;
	*why = ferror(f) ? "read error" : "file is larger than 256 MiB";
	fclose(f);
	if (bad) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data ? b.data : calloc(1, 1);
}

/* -1 after an error, 0 for our format (checked: libcyaml loads it), 1 for pySigma (*out). */
static int
load_checked(const char *path, const char *name, const char *target, struct pipeline **out)
{
	size_t len;
	const char *why;
	char *text = read_config(path, &len, &why);
	if (!text) {
		fprintf(stderr, "sigmacc: %s: cannot read pipeline: %s\n", path, why);
		return -1;
	}
	struct arena *a = calloc(1, sizeof(*a));
	/* the path in the arena: a pySigma pipeline's added conditions keep their positions */
	struct source src = {a ? arena_strdup(a, path) : path, text, len};
	struct diag d = {.src = &src};
	struct ynode **docs;
	int ndocs = 0;
	struct pipeline *p = NULL;
	bool ok = a && yaml_load(&src, a, &d, &docs, &ndocs);
	if (ok && ndocs != 1)
		ok = diag_error(&d, (struct pos){path, 1, 1}, "a pipeline file must hold one document");
	bool pysigma = ok && pysigma_is_pipeline(docs[0]);
	if (pysigma && !target)
		ok = diag_error(&d, docs[0]->pos, "a pySigma pipeline needs a target: -t TARGET");
	if (ok && pysigma && (p = pysigma_convert(a, &d, docs[0], name, target)))
		p->owner = a;
	else if (ok && !pysigma)
		ok = check_map(&d, docs[0], &pipeline_spec) && check_semantics(&d, docs[0]);
	struct buf e = {0};
	diag_render(&d, &e);
	fputs(e.data ? e.data : "", stderr);
	buf_free(&e);
	diag_clear(&d);
	free(text);
	if (!p && a) {
		arena_free(a);
		free(a);
	}
	*out = p;
	return p ? 1 : ok && !pysigma ? 0 : -1;
}

struct pipeline *
pipeline_load_for(const char *dir, const char *name, const char *target)
{
	struct buf path = {0};
	struct stat st;
	bool file = stat(name, &st) == 0 && S_ISREG(st.st_mode);	/* a user's own pipeline */
	if (file)
		buf_puts(&path, name);
	else
		buf_printf(&path, "%s/pipelines/%s.yml", dir, name);
	if (!file && (strchr(name, '/') || stat(path.data, &st) != 0 || !S_ISREG(st.st_mode))) {
		unknown_pipeline(dir, name);
		buf_free(&path);
		return NULL;
	}
	struct pipeline *p = NULL;
	if (load_checked(path.data, name, target, &p) != 0) {
		buf_free(&path);
		return p;
	}
	cyaml_config_t cfg = config_for(path.data);
	cyaml_err_t err = cyaml_load_file(path.data, &cfg, &pipeline_schema, (cyaml_data_t **)&p,
					  NULL);
	if (err != CYAML_OK) {
		fprintf(stderr, "sigmacc: %s: %s\n", path.data, cyaml_strerror(err));
		p = NULL;
	} else if (!file && strcmp(p->name, name)) {
		fprintf(stderr, "sigmacc: %s: names pipeline '%s'\n", path.data, p->name);
		pipeline_free(p);
		p = NULL;
	}
	buf_free(&path);
	return p;
}

struct pipeline *
pipeline_load(const char *dir, const char *name)
{
	return pipeline_load_for(dir, name, NULL);
}

void
pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->owner) {
		struct arena *a = p->owner;
		arena_free(a);
		free(a);
		return;
	}
	cyaml_config_t cfg = config_for("");
	cyaml_free(&cfg, &pipeline_schema, p, 0);
}

static bool
has_category(const struct pl_logsource *e, const char *category)
{
	if (!e->categories)
		return true;
	if (!category)
		return false;
	for (unsigned i = 0; i < e->categories_count; i++)
		if (!strcmp(e->categories[i], category))
			return true;
	return false;
}

const struct pl_logsource *
pipeline_logsource(const struct pipeline *p, const struct logsource *ls)
{
	for (unsigned i = 0; i < p->logsources_count; i++) {
		const struct pl_logsource *e = &p->logsources[i];
		if (!e->product && !e->service && !e->categories)
			return e;	/* a catch-all entry */
		if (e->product && (!ls->product || strcmp(e->product, ls->product)))
			continue;
		if (e->service && (!ls->service || strcmp(e->service, ls->service)))
			continue;
		if (!e->service && ls->service)
			continue;
		if (!has_category(e, ls->category))
			continue;
		return e;
	}
	return NULL;
}

const struct pl_field *
pipeline_field(const struct pl_logsource *ls, const char *name)
{
	for (unsigned i = 0; i < ls->fields_count; i++)
		if (!strcmp(ls->fields[i].from, name))
			return &ls->fields[i];
	return NULL;
}

const char *
pipeline_unlisted_name(struct arena *a, const struct pl_logsource *ls, const char *name)
{
	if (!ls->field_prefix && !ls->field_suffix)
		return name;
	return arena_printf(a, "%s%s%s", ls->field_prefix ? ls->field_prefix : "", name,
			    ls->field_suffix ? ls->field_suffix : "");
}

static bool
same_strings(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Do two entries select the same logsources (product, service, the same categories)? */
static bool
same_selector(const struct pl_logsource *a, const struct pl_logsource *b)
{
	if (!same_strings(a->product, b->product) || !same_strings(a->service, b->service) ||
	    a->categories_count != b->categories_count || !a->categories != !b->categories)
		return false;
	for (unsigned i = 0; i < a->categories_count; i++)
		if (strcmp(a->categories[i], b->categories[i]))
			return false;
	return true;
}

/* Does the field-only overlay entry o apply to some rules that base entry b serves? */
static bool
overlaps(const struct pl_logsource *o, const struct pl_logsource *b)
{
	if ((o->product && b->product && strcmp(o->product, b->product)) ||
	    (o->service && !same_strings(o->service, b->service)))
		return false;
	if (!o->categories || !b->categories)
		return true;
	for (unsigned i = 0; i < o->categories_count; i++)
		if (has_category(b, o->categories[i]))
			return true;
	return false;
}

/* The part of b that o narrows to: b's selection, o's fields in front of b's. */
static struct pl_logsource
narrowed(struct arena *a, const struct pl_logsource *o, const struct pl_logsource *b)
{
	struct pl_logsource m = *b;
	m.product = o->product ? o->product : b->product;
	if (o->categories) {
		m.categories = arena_alloc(a, sizeof(char *) * o->categories_count);
		m.categories_count = 0;
		for (unsigned i = 0; i < o->categories_count; i++)
			if (has_category(b, o->categories[i]))
				m.categories[m.categories_count++] = o->categories[i];
	}
	m.fields = arena_alloc(a, sizeof(*m.fields) * (o->fields_count + b->fields_count + 1));
	m.fields_count = 0;
	for (unsigned k = 0; k < o->fields_count; k++)
		m.fields[m.fields_count++] = o->fields[k];
	/* a prefix or suffix names every other field itself: b's table no longer applies */
	bool named = o->field_prefix || o->field_suffix;
	for (unsigned k = 0; !named && k < b->fields_count; k++)
		m.fields[m.fields_count++] = b->fields[k];
	if (named) {
		m.field_prefix = o->field_prefix;
		m.field_suffix = o->field_suffix;
	}
	/* pySigma's dropped items and added conditions: b's (an earlier overlay's), then o's */
	m.drop = arena_alloc(a, sizeof(*m.drop) * (o->drop_count + b->drop_count + 1));
	m.drop_count = 0;
	for (unsigned k = 0; k < b->drop_count + o->drop_count; k++)
		m.drop[m.drop_count++] = k < b->drop_count ? b->drop[k] : o->drop[k - b->drop_count];
	m.added = arena_alloc(a, sizeof(*m.added) * (o->added_count + b->added_count + 1));
	m.added_count = 0;
	for (unsigned k = 0; k < b->added_count + o->added_count; k++)
		m.added[m.added_count++] = k < b->added_count ? b->added[k]
							      : o->added[k - b->added_count];
	return m;
}

/*
 * An overlay entry that serves its rules as another logsource (pySigma's
 * change_logsource) takes the event selection, error and fields of the base
 * entry serving that logsource, its own fields in front.
 */
static struct pl_logsource
served_as(struct arena *a, const struct pl_logsource *o, const struct pipeline *base)
{
	const struct pl_logsource *b = pipeline_logsource(base, o->serve_as);
	struct pl_logsource m = *o;
	m.serve_as = NULL;
	if (!b || b->error || !b->select) {
		m.error = arena_printf(a, "its logsource is changed to %s, %s",
				       logsource_name(a, o->serve_as), b && b->error ? b->error :
				       "which has no event selection");
		return m;
	}
	struct pl_logsource n = narrowed(a, o, b);
	m.select = b->select;
	m.fields = n.fields;
	m.fields_count = n.fields_count;
	m.drop = n.drop;
	m.drop_count = n.drop_count;
	m.added = n.added;
	m.added_count = n.added_count;
	m.passthrough = o->passthrough || b->passthrough;
	return m;
}

/*
 * An overlay entry with a select or error replaces the base entry with the
 * same selection (keeping the base's fields after its own: pipeline_field()
 * takes the first match) or comes first. An overlay entry with only fields
 * narrows every base entry it overlaps, in the base's order: the narrowed
 * copy, placed right before the base entry, keeps the base's event
 * selection, so an overlay never repeats it, renaming fields for one
 * category of an entry that lists several, or (without any selection) for
 * every entry, never shadows an entry that comes earlier in the base.
 */
bool
pipeline_serves(const struct pipeline *p, const char *target)
{
	for (unsigned i = 0; i < p->shared_with_count; i++)
		if (!strcmp(p->shared_with[i], target))
			return true;
	return !strcmp(p->target, target);
}

struct pipeline *
pipeline_stack(struct arena *a, const struct pipeline *base, const struct pipeline *over)
{
	struct pipeline *p = arena_alloc(a, sizeof(*p));
	p->name = arena_printf(a, "%s+%s", base->name, over->name);
	p->target = base->target;
	p->shared_with = base->shared_with;
	p->shared_with_count = base->shared_with_count;
	p->index = over->index ? over->index : base->index;
	p->description = over->description;
	unsigned n = over->logsources_count + base->logsources_count * (over->logsources_count + 1);
	p->logsources = arena_alloc(a, sizeof(*p->logsources) * (n + 1));
	bool *used = arena_alloc(a, sizeof(bool) * (base->logsources_count + 1));
	for (unsigned i = 0; i < over->logsources_count; i++) {
		const struct pl_logsource *o = &over->logsources[i];
		if (o->serve_as && !o->error) {
			p->logsources[p->logsources_count++] = served_as(a, o, base);
			continue;
		}
		if (!o->select && !o->error)
			continue;
		struct pl_logsource m = *o;
		for (unsigned j = 0; j < base->logsources_count; j++) {
			const struct pl_logsource *b = &base->logsources[j];
			if (used[j] || !same_selector(o, b))
				continue;
			used[j] = true;
			m = narrowed(a, o, b);
			m.select = o->select;
			m.error = o->error;
			m.warning = o->warning ? o->warning : b->warning;
			m.passthrough = o->passthrough || b->passthrough;
			m.prefix = o->prefix ? o->prefix : b->prefix;
			break;
		}
		p->logsources[p->logsources_count++] = m;
	}
	for (unsigned j = 0; j < base->logsources_count; j++) {
		if (used[j])
			continue;
		const struct pl_logsource *b = &base->logsources[j];
		for (unsigned i = 0; i < over->logsources_count; i++) {
			const struct pl_logsource *o = &over->logsources[i];
			if (!o->select && !o->error && !o->serve_as && overlaps(o, b)) {
				struct pl_logsource m = narrowed(a, o, b);
				m.warning = o->warning ? o->warning : b->warning;
				m.passthrough = o->passthrough || b->passthrough;
				m.prefix = o->prefix ? o->prefix : b->prefix;
				p->logsources[p->logsources_count++] = m;
			}
		}
		p->logsources[p->logsources_count++] = *b;
	}
	return p;
}
