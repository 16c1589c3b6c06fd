/*
 * template_tables.c: the placeholders a format derives from the table a query
 * reads and the columns its results carry: Sentinel's requiredDataConnectors
 * and entityMappings, Defender's impactedAssets. The facts (which connector
 * fills a table, which column identifies which entity) are vendor facts and
 * live in templates/entities/<target>.yml; the columns of a table come from
 * templates/schemas/<name>.txt. A query with a projection returns exactly its
 * projected columns; one without returns its table's columns and its extends.
 */
#include "template_impl.h"
#include "base.h"
#include "config.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tbl_connectors {
	char *table;
	char **connectors;
	unsigned connectors_count;
};

struct tbl_entity {	/* an entity (or asset type) and its IDENTIFIER=COLUMN pairs */
	char *entity;
	char **map;
	unsigned map_count;
	char **tables;		/* only for the tables whose names start so (none: all) */
	unsigned tables_count;
};

struct tbl_file {
	char **schemas;
	unsigned schemas_count;
	struct tbl_connectors *connectors;
	unsigned connectors_count;
	struct tbl_entity *entities, *assets;
	unsigned entities_count, assets_count;
};

/* A table's columns, from the schema files. */
struct tbl_columns {
	const char *table;
	struct strmap names;
};

struct table_facts {
	struct tbl_file *file;
	struct arena arena;
	struct tbl_columns *tables;
	int ntables, cap;
};

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t connectors_fields[] = {
	CYAML_FIELD_STRING_PTR("table", CYAML_FLAG_POINTER, struct tbl_connectors, table, 1,
			       CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("connectors", CYAML_FLAG_POINTER, struct tbl_connectors, connectors,
			     &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t connectors_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct tbl_connectors, connectors_fields),
};

static const cyaml_schema_field_t entity_fields[] = {
	CYAML_FIELD_STRING_PTR("entity", CYAML_FLAG_POINTER, struct tbl_entity, entity, 1,
			       CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("map", CYAML_FLAG_POINTER, struct tbl_entity, map, &string_entry, 1,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("tables", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tbl_entity,
			     tables, &string_entry, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t entity_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct tbl_entity, entity_fields),
};

static const cyaml_schema_field_t file_fields[] = {
	CYAML_FIELD_SEQUENCE("schemas", CYAML_FLAG_POINTER, struct tbl_file, schemas, &string_entry,
			     0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("connectors", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tbl_file,
			     connectors, &connectors_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("entities", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tbl_file,
			     entities, &entity_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("assets", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tbl_file,
			     assets, &entity_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t file_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct tbl_file, file_fields),
};

/* Every IDENTIFIER=COLUMN pair must have both halves: a typo must not map nothing silently. */
static bool
pairs_valid(const struct tbl_entity *e, unsigned n, const char *path)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < e[i].map_count; k++) {
			const char *eq = strchr(e[i].map[k], '=');
			if (!eq || eq == e[i].map[k] || !eq[1]) {
				fprintf(stderr, "sigmacc: %s: %s: '%s' is not IDENTIFIER=COLUMN\n", path,
					e[i].entity, e[i].map[k]);
				return false;
			}
		}
	}
	return true;
}

/* The sections of one schema file (templates/README.md, "Schemas"): [table], then names. */
static bool
schema_read(struct table_facts *f, const char *path)
{
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	if (!text) {
		fprintf(stderr, "sigmacc: %s: %s\n", path, why);
		return false;
	}
	arena_adopt(&f->arena, text);
	struct tbl_columns *cur = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		size_t n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		if (line[0] == '[' && line[n - 1] == ']') {
			line[n - 1] = '\0';
			VEC_PUSH(&f->arena, f->tables, f->ntables, f->cap,
				 ((struct tbl_columns){line + 1, {0}}));
			cur = &f->tables[f->ntables - 1];
		} else if (cur && line[n - 1] != '*') {
			strmap_put(&f->arena, &cur->names, line, n, 0);
		}
	}
	return true;
}

struct table_facts *
table_facts_load(const char *dir, const char *target)
{
	struct table_facts *f = mem_calloc(1, sizeof(*f));
	struct buf path = {0};
	buf_printf(&path, "%s/entities/%s.yml", dir, target);
	cyaml_config_t cfg = config_for(path.data);
	bool ok = cyaml_load_file(path.data, &cfg, &file_schema, (cyaml_data_t **)&f->file, NULL) ==
		  CYAML_OK;
	if (!ok)
		fprintf(stderr, "sigmacc: %s: cannot load the table facts\n", path.data);
	ok = ok && pairs_valid(f->file->entities, f->file->entities_count, path.data) &&
	     pairs_valid(f->file->assets, f->file->assets_count, path.data);
	for (unsigned i = 0; ok && i < f->file->schemas_count; i++) {
		buf_clear(&path);
		buf_printf(&path, "%s/schemas/%s.txt", dir, f->file->schemas[i]);
		ok = schema_read(f, path.data);
	}
	buf_free(&path);
	if (!ok) {
		table_facts_free(f);
		return NULL;
	}
	return f;
}

void
table_facts_free(struct table_facts *f)
{
	if (!f)
		return;
	if (f->file) {
		cyaml_config_t cfg = config_for("");
		cyaml_free(&cfg, &file_schema, f->file, 0);
	}
	arena_free(&f->arena);
	free(f);
}

static const struct tbl_columns *
table_of(const struct table_facts *f, const char *table)
{
	for (int i = 0; table && i < f->ntables; i++)
		if (!strcmp(f->tables[i].table, table))
			return &f->tables[i];
	return NULL;
}

bool
table_facts_has(const struct table_facts *f, const struct tpl_source *src, const char *column)
{
	if (src->nproject) {
		for (int i = 0; i < src->nproject; i++)
			if (!strcmp(src->project[i], column))
				return true;
		return false;
	}
	for (int i = 0; i < src->nextends; i++)
		if (!strcmp(src->extends[i], column))
			return true;
	const struct tbl_columns *t = table_of(f, src->table);
	return t && strmap_get(&t->names, column, strlen(column)) >= 0;
}

struct tpl_source
template_source(struct arena *a, const struct query *q)
{
	struct tpl_source src = {q->select ? q->select->from : NULL, q->project, q->nproject, NULL, 0, NULL, 0};
	src.extends = arena_alloc(a, sizeof(*src.extends) * (size_t)(q->nextends + 1));
	for (int i = 0; i < q->nextends; i++)
		src.extends[src.nextends++] = q->extends[i].name;
	return src;
}

/* Does entry e apply to the query's table? */
static bool
applies(const struct tbl_entity *e, const struct tpl_source *src)
{
	for (unsigned i = 0; i < e->tables_count; i++)
		if (src->table && !strncmp(src->table, e->tables[i], strlen(e->tables[i])))
			return true;
	return !e->tables_count;
}

/* [{"connectorId": C, "dataTypes": [TABLE]}, ...]: one entry per connector of the table. */
void
table_facts_connectors(const struct table_facts *f, const struct tpl_source *src, struct buf *out)
{
	buf_putc(out, '[');
	for (unsigned i = 0; src->table && i < f->file->connectors_count; i++) {
		const struct tbl_connectors *c = &f->file->connectors[i];
		if (strcmp(c->table, src->table))
			continue;
		for (unsigned k = 0; k < c->connectors_count; k++) {
			buf_puts(out, k ? ", {\"connectorId\": " : "{\"connectorId\": ");
			json_put_string(out, c->connectors[k]);
			buf_puts(out, ", \"dataTypes\": [");
			json_put_string(out, c->table);
			buf_puts(out, "]}");
		}
	}
	buf_putc(out, ']');
}

/* Sentinel's limits: entity mappings per rule, field mappings per entity (Azure-Sentinel,
 * ScheduledTemplateInternalModel: ValidEntityMappings(1, 5, 1, 3)). */
enum { MAX_ENTITIES = 5, MAX_PAIRS = 3 };

/* The IDENTIFIER of an IDENTIFIER=COLUMN pair of templates/entities (checked at load). */
static const char *
pair_identifier(struct arena *a, const char *pair)
{
	return arena_strndup(a, pair, (size_t)(strchr(pair, '=') - pair));
}

/* Was column used by an entity already (a column identifies one entity)? */
static bool
taken(const char **used, int nused, const char *column)
{
	for (int i = 0; i < nused; i++)
		if (!strcmp(used[i], column))
			return true;
	return false;
}

void
table_facts_entities(struct arena *a, const struct table_facts *f, const struct tpl_source *src,
		     struct buf *out)
{
	const char *used[MAX_ENTITIES * MAX_PAIRS];
	int nused = 0, nentities = 0;
	buf_putc(out, '[');
	for (unsigned i = 0; i < f->file->entities_count && nentities < MAX_ENTITIES; i++) {
		const struct tbl_entity *e = &f->file->entities[i];
		const char *key = strchr(e->map[0], '=') + 1;
		if (!applies(e, src) || taken(used, nused, key) || !table_facts_has(f, src, key))
			continue;
		buf_puts(out, nentities++ ? ", {\"entityType\": " : "{\"entityType\": ");
		json_put_string(out, e->entity);
		buf_puts(out, ", \"fieldMappings\": [");
		for (unsigned k = 0, npairs = 0; k < e->map_count && npairs < MAX_PAIRS; k++) {
			const char *column = strchr(e->map[k], '=') + 1;
			if (k && (taken(used, nused, column) || !table_facts_has(f, src, column)))
				continue;
			used[nused++] = column;
			buf_puts(out, npairs++ ? ", {\"identifier\": " : "{\"identifier\": ");
			json_put_string(out, pair_identifier(a, e->map[k]));
			buf_puts(out, ", \"columnName\": ");
			json_put_string(out, column);
			buf_putc(out, '}');
		}
		buf_puts(out, "]}");
	}
	buf_putc(out, ']');
}

/* Defender's entityMappings (Microsoft Graph entityMappingConfiguration): per collection
 * ("hosts", "accounts", ...) one mapping, from the first entry whose first column the results
 * carry, with its other IDENTIFIER=COLUMN pairs whose columns they carry:
 * {"hosts": [{"deviceIdColumn": "DeviceId", "nameColumn": "DeviceName"}], ...}. */
bool
table_facts_assets(struct arena *a, const struct table_facts *f, const struct tpl_source *src,
		   struct buf *out)
{
	const char *kinds[16];
	int nkinds = 0;
	buf_putc(out, '{');
	for (unsigned i = 0; i < f->file->assets_count && nkinds < 16; i++) {
		const struct tbl_entity *e = &f->file->assets[i];
		bool seen = false;
		for (int k = 0; k < nkinds; k++)
			seen = seen || !strcmp(kinds[k], e->entity);
		if (seen || !applies(e, src) || !table_facts_has(f, src, strchr(e->map[0], '=') + 1))
			continue;
		buf_puts(out, nkinds ? ", " : "");
		kinds[nkinds++] = e->entity;
		json_put_string(out, e->entity);
		buf_puts(out, ": [{");
		for (unsigned k = 0, npairs = 0; k < e->map_count; k++) {
			const char *column = strchr(e->map[k], '=') + 1;
			if (k && !table_facts_has(f, src, column))
				continue;
			buf_puts(out, npairs++ ? ", " : "");
			json_put_string(out, pair_identifier(a, e->map[k]));
			buf_puts(out, ": ");
			json_put_string(out, column);
		}
		buf_puts(out, "}]");
	}
	buf_putc(out, '}');
	return nkinds > 0;
}

/* The asset columns the facts know, for the refusal's message: "DeviceId, DeviceName, ...". */
const char *
table_facts_asset_columns(struct arena *a, const struct table_facts *f)
{
	struct buf names = {0};
	for (unsigned i = 0; i < f->file->assets_count; i++)
		buf_printf(&names, "%s%s", i ? ", " : "", strchr(f->file->assets[i].map[0], '=') + 1);
	const char *s = arena_strdup(a, names.data ? names.data : "");
	buf_free(&names);
	return s;
}
