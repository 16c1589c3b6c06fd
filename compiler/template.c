/*
 * template.c: the native import formats (a Sentinel rule, a savedsearches.conf
 * stanza, a Kibana NDJSON line ...). Each is a file templates/formats/<target>/
 * <format>.yml with a fixed schema (loaded with libcyaml): a body with {{name}}
 * placeholders for the rule's metadata and the compiled query, each value
 * escaped for the enclosing format (json, yaml, conf or text), plus optional
 * value maps (level -> severity) and -O options with defaults; rendering one is
 * template_render.c. See templates/README.md for the placeholder language.
 */
#include "template_impl.h"
#include "config.h"
#include "files.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- schema ------------------------------------------------------------------------------ */

static const cyaml_schema_field_t pair_fields[] = {
	CYAML_FIELD_STRING_PTR("from", CYAML_FLAG_POINTER, struct tpl_pair, from, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("to", CYAML_FLAG_POINTER, struct tpl_pair, to, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t pair_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct tpl_pair, pair_fields),
};

static const cyaml_schema_field_t map_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct tpl_map, name, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("from", CYAML_FLAG_POINTER, struct tpl_map, from, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("default", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tpl_map,
			       fallback, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("values", CYAML_FLAG_POINTER, struct tpl_map, values, &pair_entry, 1,
			     CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("choices", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tpl_map,
			       choices, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t map_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct tpl_map, map_fields),
};

static const cyaml_schema_field_t option_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct tpl_option, name, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("default", CYAML_FLAG_POINTER, struct tpl_option, fallback, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_BOOL("list", CYAML_FLAG_OPTIONAL, struct tpl_option, list),
	CYAML_FIELD_STRING_PTR("type", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tpl_option,
			       type, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("map", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct tpl_option,
			       map, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t option_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct tpl_option, option_fields),
};

static const cyaml_schema_value_t required_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t template_fields[] = {
	CYAML_FIELD_STRING_PTR("target", CYAML_FLAG_POINTER, struct template, target, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("format", CYAML_FLAG_POINTER, struct template, format, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("description", CYAML_FLAG_POINTER, struct template, description, 1,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("ext", CYAML_FLAG_POINTER, struct template, ext, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("escape", CYAML_FLAG_POINTER, struct template, escape, 1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("maps", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template, maps,
			     &map_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("options", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template,
			     options, &option_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_BOOL("compact", CYAML_FLAG_OPTIONAL, struct template, compact),
	CYAML_FIELD_BOOL("no_projection", CYAML_FLAG_OPTIONAL, struct template, no_projection),
	CYAML_FIELD_STRING_PTR("merge", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template, merge,
			       1, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("required", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template,
			     required, &required_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("sections", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template,
			     sections, &required_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT("query_max", CYAML_FLAG_OPTIONAL, struct template, query_max),
	CYAML_FIELD_STRING_PTR("body", CYAML_FLAG_POINTER, struct template, body, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("correlation", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct template,
			       correlation, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("correlation_refused", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct template, correlation_refused, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("frequency_min", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct template, frequency_min, 1, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("lookback_max", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct template, lookback_max, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t template_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct template, template_fields),
};

static const char *const escapes[] = {"json", "yaml", "conf", "text", "yaral"};

/* merge: KEY needs a JSON body {... "KEY": [...] ...} that ends with the array (output.c
 * splices the arrays). */
static bool
merge_fits(const struct template *t)
{
	if (!t->merge)
		return true;
	const char *b = t->body;
	size_t n = strlen(b);
	while (n && isspace((unsigned char)b[n - 1]))
		n--;
	if (n && b[n - 1] == '}')
		n--;
	while (n && isspace((unsigned char)b[n - 1]))
		n--;
	struct buf key = {0};
	buf_printf(&key, "\"%s\": [", t->merge);
	const char *head = strstr(b, key.data);
	bool ok = t->mode == TPL_JSON && b[0] == '{' && head && n && b[n - 1] == ']' &&
		  head + key.len < b + n;
	buf_free(&key);
	return ok;
}

struct template *
template_load(const char *dir, const char *target, const char *format)
{
	struct buf path = {0};
	buf_printf(&path, "%s/formats/%s/%s.yml", dir, target, format);
	struct template *t = NULL;
	FILE *f = fopen(path.data, "r");
	if (!f) {
		buf_free(&path);
		return NULL;
	}
	fclose(f);
	cyaml_config_t cfg = config_for(path.data);
	if (cyaml_load_file(path.data, &cfg, &template_schema, (cyaml_data_t **)&t, NULL) != CYAML_OK) {
		fprintf(stderr, "sigmacc: %s: cannot load the format template\n", path.data);
		t = NULL;
	} else {
		int mode = -1;
		for (int i = 0; i < (int)(sizeof(escapes) / sizeof(escapes[0])); i++)
			if (!strcmp(t->escape, escapes[i]))
				mode = i;
		if (mode < 0 || strcmp(t->target, target) || strcmp(t->format, format)) {
			fprintf(stderr, "sigmacc: %s: target and format must name the file, escape "
				"must be json, yaml, conf, text or yaral\n", path.data);
			template_free(t);
			t = NULL;
		} else if ((t->mode = (enum tpl_escape)mode), !merge_fits(t)) {
			fprintf(stderr, "sigmacc: %s: merge: %s needs an escape: json body "
				"{... \"%s\": [...]} that ends with the array\n", path.data, t->merge,
				t->merge);
			template_free(t);
			t = NULL;
		} else if ((strstr(t->body, "{{connectors") || strstr(t->body, "{{entities") ||
			    strstr(t->body, "{{assets")) &&
			   !(t->tables = table_facts_load(dir, target))) {
			template_free(t);
			t = NULL;
		} else if (strstr(t->body, "{{ecs_threat") || strstr(t->body, "{{all_tactics") ||
			   strstr(t->body, "{{graph_tactics") ||
			   strstr(t->body, "{{attack_pairs") ||
			   strstr(t->body, "technique_names") || strstr(t->body, "technique_urls") ||
			   strstr(t->body, "{{attack_version")) {
			struct buf err = {0};
			if (!(t->attack = attack_load(dir, &err))) {
				fputs(err.data ? err.data : "", stderr);
				template_free(t);
				t = NULL;
			}
			buf_free(&err);
		}
	}
	buf_free(&path);
	return t;
}

void
template_free(struct template *t)
{
	if (!t)
		return;
	attack_free(t->attack);
	t->attack = NULL;
	table_facts_free(t->tables);
	t->tables = NULL;
	cyaml_config_t cfg = config_for("");
	cyaml_free(&cfg, &template_schema, t, 0);
}

int
template_list(const char *dir, const char *target, struct pathlist *names)
{
	struct buf path = {0}, err = {0};
	buf_printf(&path, "%s/formats/%s", dir, target);
	struct stat st;
	if (stat(path.data, &st) == 0 && S_ISDIR(st.st_mode))
		files_expand(names, path.data, &err);
	buf_free(&path);
	buf_free(&err);
	for (int i = 0; i < names->n; i++) {
		char *base = strrchr(names->v[i], '/');
		memmove(names->v[i], base ? base + 1 : names->v[i], strlen(base ? base + 1 : names->v[i]) + 1);
		*strrchr(names->v[i], '.') = '\0';
	}
	return names->n;
}
