/*
 * pipeline.c: the per-target pipelines under templates/ (field mapping and
 * logsource-to-event-selection), loaded once at start-up with libcyaml from
 * a fixed schema; see templates/README.md for the format. The normalizer
 * asks pipeline_logsource() and pipeline_field() per rule.
 */
#include "sigma.h"

#include "config.h"
#include <stdio.h>
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

static const cyaml_schema_field_t field_fields[] = {
	STR("from", struct pl_field, from),
	OPT_STR("to", struct pl_field, to),
	OPT_STR("type", struct pl_field, type),
	OPT_STR("extend", struct pl_field, extend),
	OPT_STR("project_only", struct pl_field, project_only),
	OPT_SEQ("values", struct pl_field, values, &value_entry),
	OPT_SEQ("prefixes", struct pl_field, prefixes, &rename_entry),
	OPT_SEQ("hashes", struct pl_field, hashes, &rename_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t field_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_field, field_fields),
};

static const cyaml_schema_field_t logsource_fields[] = {
	OPT_STR("product", struct pl_logsource, product),
	OPT_STR("service", struct pl_logsource, service),
	OPT_SEQ("categories", struct pl_logsource, categories, &string_entry),
	OPT_STR("table", struct pl_logsource, table),
	OPT_STR("error", struct pl_logsource, error),
	CYAML_FIELD_BOOL("passthrough", CYAML_FLAG_OPTIONAL, struct pl_logsource, passthrough),
	OPT_SEQ("fields", struct pl_logsource, fields, &field_entry),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t logsource_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct pl_logsource, logsource_fields),
};

static const cyaml_schema_field_t pipeline_fields[] = {
	STR("name", struct pipeline, name),
	STR("target", struct pipeline, target),
	STR("description", struct pipeline, description),
	CYAML_FIELD_SEQUENCE("logsources", CYAML_FLAG_POINTER, struct pipeline, logsources,
			     &logsource_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t pipeline_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct pipeline, pipeline_fields),
};

/* What the schema cannot say: closed sets and required combinations. */
static bool
pipeline_check(const struct pipeline *p, const char *path)
{
	for (unsigned i = 0; i < p->logsources_count; i++) {
		const struct pl_logsource *ls = &p->logsources[i];
		if (!ls->table && !ls->error && !ls->fields) {
			fprintf(stderr, "sigmacc: %s: logsource entry %u needs 'table', 'error' or "
				"'fields'\n", path, i + 1);
			return false;
		}
		for (unsigned j = 0; j < ls->fields_count; j++) {
			const struct pl_field *f = &ls->fields[j];
			if (f->type && strcmp(f->type, "string") && strcmp(f->type, "number") &&
			    strcmp(f->type, "ip") && strcmp(f->type, "bool") &&
			    strcmp(f->type, "datetime")) {
				fprintf(stderr, "sigmacc: %s: field '%s': type must be string, "
					"number, ip, bool or datetime\n", path, f->from);
				return false;
			}
			if (!f->to && !f->values && !f->hashes) {
				fprintf(stderr, "sigmacc: %s: field '%s' needs 'to', 'values' or "
					"'hashes'\n", path, f->from);
				return false;
			}
		}
	}
	return true;
}

struct pipeline *
pipeline_load(const char *dir, const char *name)
{
	struct buf path = {0};
	bool file = strchr(name, '/') != NULL;	/* a user's own pipeline, given as a path */
	if (file)
		buf_puts(&path, name);
	else
		buf_printf(&path, "%s/pipelines/%s.yml", dir, name);
	struct pipeline *p = NULL;
	FILE *f = fopen(path.data, "r");
	if (!f) {
		fprintf(stderr, "sigmacc: unknown pipeline '%s' (no file %s)\n", name, path.data);
		buf_free(&path);
		return NULL;
	}
	fclose(f);
	cyaml_config_t cfg = config_for(path.data);
	cyaml_err_t err = cyaml_load_file(path.data, &cfg, &pipeline_schema, (cyaml_data_t **)&p,
					  NULL);
	if (err != CYAML_OK) {
		fprintf(stderr, "sigmacc: %s: %s\n", path.data, cyaml_strerror(err));
		p = NULL;
	} else if ((!file && strcmp(p->name, name)) || !pipeline_check(p, path.data)) {
		if (!file && strcmp(p->name, name))
			fprintf(stderr, "sigmacc: %s: names pipeline '%s'\n", path.data, p->name);
		pipeline_free(p);
		p = NULL;
	}
	buf_free(&path);
	return p;
}

void
pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
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

struct pipeline *
pipeline_stack(struct arena *a, const struct pipeline *base, const struct pipeline *over)
{
	struct pipeline *p = arena_alloc(a, sizeof(*p));
	p->name = arena_printf(a, "%s+%s", base->name, over->name);
	p->target = base->target;
	p->description = over->description;
	unsigned n = over->logsources_count + base->logsources_count;
	p->logsources = arena_alloc(a, sizeof(*p->logsources) * n);
	bool *used = arena_alloc(a, sizeof(bool) * (base->logsources_count + 1));
	for (unsigned i = 0; i < over->logsources_count; i++) {
		const struct pl_logsource *o = &over->logsources[i];
		struct pl_logsource *m = &p->logsources[p->logsources_count++];
		*m = *o;
		for (unsigned j = 0; j < base->logsources_count; j++) {
			const struct pl_logsource *b = &base->logsources[j];
			if (used[j] || !same_selector(o, b))
				continue;
			used[j] = true;
			if (!o->table && !o->error) {
				m->table = b->table;
				m->error = b->error;
			}
			m->passthrough = o->passthrough || b->passthrough;
			/* the overlay's fields first: pipeline_field() takes the first match */
			m->fields = arena_alloc(a, sizeof(*m->fields) * (o->fields_count + b->fields_count + 1));
			m->fields_count = 0;
			for (unsigned k = 0; k < o->fields_count; k++)
				m->fields[m->fields_count++] = o->fields[k];
			for (unsigned k = 0; k < b->fields_count; k++)
				m->fields[m->fields_count++] = b->fields[k];
			break;
		}
	}
	for (unsigned j = 0; j < base->logsources_count; j++)
		if (!used[j])
			p->logsources[p->logsources_count++] = base->logsources[j];
	return p;
}
