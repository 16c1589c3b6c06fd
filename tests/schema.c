/*
 * schema.c: the schema check. For every pipeline that has a schema file
 * (templates/schemas/NAME.txt: the field names its SIEM really has, per event
 * selection), every name an entry maps a Sigma field to must exist in the
 * section of that entry's selection. A pipeline that would emit a name the
 * records do not carry builds queries that parse and never fire. Prints TAP.
 *
 *   schema [NAME...]    (default: the pipelines that must have a schema)
 */
#include "driver.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pipelines whose field names have a published schema in the repository. */
static const char *const checked[] = {
	"defender_xdr", "sentinel_asim", "ecs_windows", "qradar_windows", "splunk_cim", "sumo_cse",
	"secops_udm", "falcon", "falcon_partial", "falcon_windows_logs",
	NULL,
};

/* An overlay is checked against the schema of the data it overlays. */
static const char *
schema_of(const char *pipeline)
{
	return !strcmp(pipeline, "falcon_partial") ? "falcon" : pipeline;
}

struct section {
	char *name;		/* a selection's key (see select_key), or "*" for every one */
	char **fields;
	int n, cap;
};

struct schema {
	struct section *v;
	int n, cap;
};

static struct section *
schema_section(struct schema *s, const char *name, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = realloc(s->v, sizeof(*s->v) * (size_t)s->cap);
	}
	s->v[s->n] = (struct section){.name = strndup(name, len)};
	return &s->v[s->n++];
}

static void
section_add(struct section *sec, const char *name, size_t len)
{
	if (sec->n == sec->cap) {
		sec->cap = sec->cap ? sec->cap * 2 : 64;
		sec->fields = realloc(sec->fields, sizeof(*sec->fields) * (size_t)sec->cap);
	}
	sec->fields[sec->n++] = strndup(name, len);
}

/* Lines: '# comment', '[section]', or one field name ('prefix*' for an open object;
 * '#name', with no space after '#', is a LogScale tag field such as #event_simpleName). */
static bool
schema_parse(struct schema *s, const char *text, size_t len, const char *path)
{
	struct section *cur = NULL;
	const char *end = text + len;
	for (const char *p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t n = (size_t)(e - p);
		if (n && p[0] == '[' && p[n - 1] == ']') {
			cur = schema_section(s, p + 1, n - 2);
		} else if (n && (p[0] != '#' || (n > 1 && p[1] != ' '))) {
			if (!cur) {
				printf("# %s: field '%.*s' before any [section]\n", path, (int)n, p);
				return false;
			}
			section_add(cur, p, n);
		}
		p = nl ? nl + 1 : end;
	}
	return true;
}

static void
schema_free(struct schema *s)
{
	for (int i = 0; i < s->n; i++) {
		for (int k = 0; k < s->v[i].n; k++)
			free(s->v[i].fields[k]);
		free(s->v[i].fields);
		free(s->v[i].name);
	}
	free(s->v);
}

static bool
section_has(const struct section *sec, const char *field)
{
	for (int k = 0; k < sec->n; k++) {
		const char *f = sec->fields[k];
		size_t n = strlen(f);
		if (n && f[n - 1] == '*' ? !strncmp(f, field, n - 1) : !strcmp(f, field))
			return true;
	}
	return false;
}

/* The schema section of an entry's selection: its from (a KQL table, an SPL
 * data model), else its first condition's field (metadata_vendor), else "-". */
static const char *
select_key(const struct selection *sel)
{
	if (sel->from)
		return sel->from;
	return sel->where_count && sel->where[0].field ? sel->where[0].field : "-";
}

static bool
schema_has(const struct schema *s, const char *key, const char *field)
{
	for (int i = 0; i < s->n; i++) {
		const char *name = s->v[i].name;
		bool applies = !strcmp(name, "*") || !strcmp(name, key);
		if (applies && section_has(&s->v[i], field))
			return true;
	}
	return false;
}

/* Every name an entry writes into queries: renames, value-map fields, hash columns.
 * Computed columns (extend) are expressions, checked by the target's own validator. */
static int
check_entry(const struct schema *s, const struct pipeline *pl, unsigned idx,
	    const struct pl_logsource *ls)
{
	const char *pipeline = pl->name;
	int missing = 0;
	/* the pipeline-wide names a query reads in this table: its time column and the
	 * field its category is a value of */
	const char *wide[2] = {pl->time_field, ls->select->from ? pl->category_field : NULL};
	for (unsigned t = 0; t < pl->time_tables_count && ls->select->from; t++)
		if (!strncmp(ls->select->from, pl->time_tables[t].prefix,
			     strlen(pl->time_tables[t].prefix))) {
			wide[0] = pl->time_tables[t].field;
			break;
		}
	for (int i = 0; i < 2; i++)
		if (wide[i] && !schema_has(s, select_key(ls->select), wide[i])) {
			printf("#   %s entry %u (%s): '%s' (%s) is not in the schema\n", pipeline,
			       idx + 1, select_key(ls->select), wide[i],
			       i ? "category_field" : "time column");
			missing++;
		}
	for (unsigned j = 0; j < ls->fields_count; j++) {
		const struct pl_field *f = &ls->fields[j];
		const char *names[64];
		int nn = 0;
		if (f->to && !f->extend)
			names[nn++] = f->to;
		if (f->split)
			names[nn++] = f->split;
		for (unsigned v = 0; v < f->values_count && nn < 63; v++)
			names[nn++] = f->values[v].field;
		for (unsigned h = 0; h < f->hashes_count && nn < 63; h++)
			names[nn++] = f->hashes[h].to;
		for (unsigned e = 0; e < f->events_count && nn < 63; e++)
			names[nn++] = f->events[e].to;	/* the name some events give it */
		for (int i = 0; i < nn; i++) {
			if (schema_has(s, select_key(ls->select), names[i]))
				continue;
			printf("#   %s entry %u (%s): %s -> '%s' is not in the schema\n", pipeline,
			       idx + 1, select_key(ls->select), f->from, names[i]);
			missing++;
		}
	}
	return missing;
}

static bool
check_pipeline(int num, const char *name)
{
	struct buf path = {0};
	buf_printf(&path, "templates/schemas/%s.txt", schema_of(name));
	size_t len;
	const char *why;
	char *text = files_read(path.data, &len, &why);
	struct pipeline *pl = pipeline_load("templates", name);
	struct schema s = {0};
	bool ok = text && pl && schema_parse(&s, text, len, path.data);
	if (!text)
		printf("# %s: %s\n", path.data, why);
	int missing = 0, checked_entries = 0;
	for (unsigned i = 0; ok && i < pl->logsources_count; i++) {
		const struct pl_logsource *ls = &pl->logsources[i];
		if (!ls->select)
			continue;	/* refused, or no selection to check against */
		missing += check_entry(&s, pl, i, ls);
		checked_entries++;
	}
	ok = ok && missing == 0 && checked_entries > 0;
	printf("%s %d - %s: every mapped field exists in its selection's schema (%d entries, %d "
	       "unknown names)\n", ok ? "ok" : "not ok", num, name, checked_entries, missing);
	schema_free(&s);
	pipeline_free(pl);
	free(text);
	buf_free(&path);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *const *names = argc > 1 ? (const char *const *)argv + 1 : checked;
	int n = 0;
	while (names[n])
		n++;
	printf("1..%d\n", n);
	int failed = 0;
	for (int i = 0; i < n; i++)
		failed += !check_pipeline(i + 1, names[i]);
	return failed ? 1 : 0;
}
