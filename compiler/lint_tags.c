/*
 * lint_tags.c: the tags of a rule against Sigma's tag pattern and namespaces
 * (sigma-spec §2), and attack.* tags against the ATT&CK Enterprise table in
 * templates/attack/ (enterprise.yml, generated from MITRE's STIX data by
 * refresh.mjs, plus any other .yml file there, e.g. additions.yml).
 */
#include "lint.h"
#include "base.h"

#include "config.h"
#include "files.h"
#include "suggest.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the ATT&CK table ------------------------------------------------------ */

struct attack_file {
	char *version;
	struct attack_entry *tactics, *techniques, *groups, *software, *mitigations, *data_sources;
	unsigned tactics_count, techniques_count, groups_count, software_count,
		mitigations_count, data_sources_count;
};

struct attack_ref {
	const struct attack_entry *e;
	size_t seq;		/* load order: of two entries with one id, the later wins */
};

struct attack_table {
	struct attack_file **files;
	int nfiles;
	struct attack_ref *ids;	/* every entry, sorted by id, then by load order */
	size_t nids;
	const struct attack_entry **tactics;
	size_t ntactics;
	char version[64];
};

static const cyaml_schema_value_t name_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

#define STR(key, m, flags) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | (flags), struct attack_entry, m, 1, \
			       CYAML_UNLIMITED)

static const cyaml_schema_field_t entry_fields[] = {
	STR("id", id, 0),
	STR("name", name, 0),
	STR("short", short_name, CYAML_FLAG_OPTIONAL),
	CYAML_FIELD_SEQUENCE("tactics", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct attack_entry, tactics, &name_entry, 0, CYAML_UNLIMITED),
	STR("status", status, CYAML_FLAG_OPTIONAL),
	STR("split_from", split_from, CYAML_FLAG_OPTIONAL),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct attack_entry, entry_fields),
};

#define ENTRIES(key, m) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, struct attack_file, \
			     m, &entry, 0, CYAML_UNLIMITED)

static const cyaml_schema_field_t file_fields[] = {
	CYAML_FIELD_STRING_PTR("version", CYAML_FLAG_POINTER, struct attack_file, version, 1,
			       CYAML_UNLIMITED),
	ENTRIES("tactics", tactics),
	ENTRIES("techniques", techniques),
	ENTRIES("groups", groups),
	ENTRIES("software", software),
	ENTRIES("mitigations", mitigations),
	ENTRIES("data_sources", data_sources),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t file_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct attack_file, file_fields),
};

static int
by_id(const void *a, const void *b)
{
	const struct attack_ref *x = a, *y = b;
	int c = strcmp(x->e->id, y->e->id);
	return c ? c : x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
index_entries(struct attack_table *t, struct attack_entry *v, unsigned n)
{
	t->ids = mem_realloc(t->ids, sizeof(*t->ids) * (t->nids + n + 1));
	for (unsigned i = 0; i < n; i++, t->nids++)
		t->ids[t->nids] = (struct attack_ref){&v[i], t->nids};
}

/* Adds a loaded file; later files (sorted by name) override earlier ones'
 * entries of the same id, so additions.yml can mark or add entries. */
static void
table_add(struct attack_table *t, struct attack_file *f)
{
	const struct attack_file *fl = f;
	index_entries(t, fl->techniques, fl->techniques_count);
	index_entries(t, fl->groups, fl->groups_count);
	index_entries(t, fl->software, fl->software_count);
	index_entries(t, fl->mitigations, fl->mitigations_count);
	index_entries(t, fl->data_sources, fl->data_sources_count);
	index_entries(t, fl->tactics, fl->tactics_count);
	size_t n = t->ntactics + f->tactics_count + 1;
	t->tactics = mem_realloc(t->tactics, sizeof(*t->tactics) * n);
	for (unsigned i = 0; i < f->tactics_count; i++)
		t->tactics[t->ntactics++] = &f->tactics[i];
	if (!*t->version)
		snprintf(t->version, sizeof(t->version), "Enterprise %s", f->version);
	else if (!strstr(t->version, " + "))
		snprintf(t->version + strlen(t->version), sizeof(t->version) - strlen(t->version),
			 " + %s", f->version);
}

/* Loads one table file into t; false after a message in err. */
static bool
table_load(struct attack_table *t, const char *file, struct buf *err)
{
	struct attack_file *f = lint_load_yaml(file, &file_schema, err);
	if (!f)
		return false;
	t->files = mem_realloc(t->files, sizeof(*t->files) * (size_t)(t->nfiles + 1));
	t->files[t->nfiles++] = f;
	table_add(t, f);
	return true;
}

struct attack_table *
attack_load(const char *dir, struct buf *err)
{
	struct attack_table *t = mem_calloc(1, sizeof(*t));
	struct pathlist files = {0};
	struct buf main = {0}, path = {0};
	buf_printf(&path, "%s/attack", dir);
	buf_printf(&main, "%s/enterprise.yml", path.data);
	/* enterprise.yml first: the other files (additions) extend and override it */
	bool ok = access(main.data, R_OK) == 0;
	if (!ok)
		buf_printf(err, "sigmacc: %s: no ATT&CK table\n", main.data);
	ok = ok && table_load(t, main.data, err) && files_expand(&files, path.data, err);
	for (int i = 0; ok && i < files.n; i++)
		if (strcmp(files.v[i], main.data))
			ok = table_load(t, files.v[i], err);
	if (ok)
		qsort(t->ids, t->nids, sizeof(*t->ids), by_id);
	files_free(&files);
	buf_free(&path);
	buf_free(&main);
	if (!ok) {
		attack_free(t);
		return NULL;
	}
	return t;
}

void
attack_free(struct attack_table *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->nfiles; i++) {
		cyaml_config_t cfg = config_for("");
		cyaml_free(&cfg, &file_schema, t->files[i], 0);
	}
	free(t->files);
	free(t->ids);
	free(t->tactics);
	free(t);
}

const char *
attack_version(const struct attack_table *t)
{
	return t->version;
}

/* snprintf(dst, size, "%s", s) for s of n bytes, without parsing a format (it runs for
 * every tag): s cut to size - 1 bytes. */
static void
copy_cut(char *dst, size_t size, const char *s, size_t n)
{
	if (n > size - 1)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

const struct attack_entry *
attack_tactic(const struct attack_table *t, const char *short_name)
{
	for (size_t i = t->ntactics; i-- > 0;)	/* the last file's entry wins: from the end */
		if (t->tactics[i]->short_name[0] == short_name[0] &&
		    !strcmp(t->tactics[i]->short_name, short_name))
			return t->tactics[i];
	return NULL;
}

const struct attack_entry *
attack_find(const struct attack_table *t, const char *id)
{
	size_t lo = 0, hi = t->nids;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->ids[mid].e->id, id);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct attack_entry *found = NULL;
	for (; lo < t->nids && !strcmp(t->ids[lo].e->id, id); lo++)
		found = t->ids[lo].e;
	return found;
}

const char *
attack_nearest_tactic(const struct attack_table *t, const char *s)
{
	char norm[72];
	copy_cut(norm, sizeof(norm), s, strnlen(s, sizeof(norm)));
	for (char *p = norm; *p; p++)
		*p = *p == '_' || *p == ' ' ? '-' : (char)tolower((unsigned char)*p);
	const char *best = NULL;
	size_t bestd = 4;	/* defence-evasion: 1; command_and_control: 0 once '_' is '-' */
	for (size_t i = 0; i < t->ntactics; i++) {
		size_t d = suggest_distance(norm, strlen(norm), t->tactics[i]->short_name,
					    strlen(t->tactics[i]->short_name));
		if (d < bestd) {
			bestd = d;
			best = t->tactics[i]->short_name;
		}
	}
	return best;
}

/* ---- tags ------------------------------------------------------------------- */

/* Does s match prefix followed by exactly ndigits digits (then the end or '.')? */
static bool
id_form(const char *s, const char *prefix, int ndigits)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n))
		return false;
	for (int i = 0; i < ndigits; i++)
		if (!isdigit((unsigned char)s[n + i]))
			return false;
	return s[n + ndigits] == '\0';
}

static bool
technique_form(const char *s)
{
	if (id_form(s, "t", 4))
		return true;
	char head[6];
	copy_cut(head, sizeof(head), s, strnlen(s, sizeof(head)));
	return strlen(s) == 9 && s[5] == '.' && id_form(head, "t", 4) && id_form(s + 5, ".", 3);
}

static void
lint_attack(struct lint_ctx *l, const char *tag, const char *v, struct pos pos)
{
	const struct attack_table *t = l->attack;
	if (attack_tactic(t, v))
		return;
	bool idlike = technique_form(v) || id_form(v, "g", 4) || id_form(v, "s", 4) ||
		      id_form(v, "m", 4) || id_form(v, "ds", 4) || id_form(v, "ta", 4);
	if (!idlike) {
		const char *near = attack_nearest_tactic(t, v);
		if (v[0] == 't' && isdigit((unsigned char)v[1]))
			lint_report(l, LINT_INVALID_ATTACK_TAG, pos,
				    "tag '%s': a technique is T and 4 digits, a sub-technique "
				    "adds .NNN (attack.t1059, attack.t1059.001)", tag);
		else if (near)
			lint_report(l, LINT_INVALID_ATTACK_TAG, pos,
				    "tag '%s' is no ATT&CK tactic; did you mean 'attack.%s'?", tag,
				    near);
		else
			lint_report(l, LINT_INVALID_ATTACK_TAG, pos,
				    "tag '%s' is no ATT&CK tactic, technique, group, software, "
				    "mitigation or data source", tag);
		return;
	}
	char id[16];
	copy_cut(id, sizeof(id), v, strnlen(v, sizeof(id)));
	for (char *p = id; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	const struct attack_entry *e = attack_find(t, id);
	if (e && e->short_name) {
		lint_report(l, LINT_INVALID_ATTACK_TAG, pos,
			    "tag '%s': tactics are tagged by short name: 'attack.%s'", tag,
			    e->short_name);
	} else if (!e) {
		lint_report(l, LINT_UNKNOWN_ATTACK_TAG, pos, "tag '%s': %s is not in ATT&CK %s",
			    tag, id, attack_version(t));
	} else if (e->status) {
		lint_report(l, LINT_DEPRECATED_ATTACK_TAG, pos,
			    "tag '%s': %s (%s) is %s in ATT&CK %s", tag, id, e->name, e->status,
			    attack_version(t));
	}
}

/* Sigma's tag pattern: ^[a-z0-9_-]+\.[a-z0-9._-]+$ */
static bool
tag_form(const char *s)
{
	const char *dot = strchr(s, '.');
	if (!dot || dot == s || !dot[1])
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!islower(c) && !isdigit(c) && c != '_' && c != '-' && (p < dot || c != '.'))
			return false;
	}
	return true;
}

static bool
in_list(const char *s, const char *const *set)
{
	for (int i = 0; set[i]; i++)
		if (!strcmp(s, set[i]))
			return true;
	return false;
}

/* cve.YYYY-NNNN (four or more digits) */
static bool
cve_form(const char *v)
{
	if (strlen(v) < 9 || v[4] != '-')
		return false;
	for (const char *p = v; *p; p++)
		if (p != v + 4 && !isdigit((unsigned char)*p))
			return false;
	return true;
}

/* car.YYYY-MM-NNN */
static bool
car_form(const char *v)
{
	if (strlen(v) != 11 || v[4] != '-' || v[7] != '-')
		return false;
	for (int i = 0; i < 11; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
			return false;
	return true;
}

static void
lint_tag(struct lint_ctx *l, const char *tag, struct pos pos)
{
	static const char *const tlp[] = {"red", "amber", "amber-strict", "green", "clear", NULL};
	static const char *const detection[] = {"dfir", "emerging-threats", "threat-hunting", NULL};
	static const char *const free_namespaces[] = {"d3fend", "stp", NULL};
	if (!tag_form(tag)) {
		lint_report(l, LINT_INVALID_TAG, pos,
			    "tag '%s' is not namespace.name in lower case letters, digits, '_', "
			    "'-' and '.'", tag);
		return;
	}
	size_t ns = strcspn(tag, ".");
	const char *v = tag + ns + 1;
	if (!strncmp(tag, "attack.", ns + 1))
		lint_attack(l, tag, v, pos);
	else if (!strncmp(tag, "cve.", ns + 1) && !cve_form(v))
		lint_report(l, LINT_INVALID_CVE_TAG, pos, "tag '%s' is not cve.YYYY-NNNN", tag);
	else if (!strncmp(tag, "tlp.", ns + 1) && !in_list(v, tlp))
		lint_report(l, LINT_INVALID_TLP_TAG, pos, "tag '%s' is not a TLP 2.0 label "
			    "(red, amber, amber-strict, green, clear)", tag);
	else if (!strncmp(tag, "car.", ns + 1) && !car_form(v))
		lint_report(l, LINT_INVALID_CAR_TAG, pos, "tag '%s' is not car.YYYY-MM-NNN", tag);
	else if (!strncmp(tag, "detection.", ns + 1) && !in_list(v, detection))
		lint_report(l, LINT_INVALID_DETECTION_TAG, pos, "tag '%s' is not detection.dfir, "
			    "detection.emerging-threats or detection.threat-hunting", tag);
	else if (strncmp(tag, "attack.", ns + 1) && strncmp(tag, "cve.", ns + 1) &&
		 strncmp(tag, "tlp.", ns + 1) && strncmp(tag, "car.", ns + 1) &&
		 strncmp(tag, "detection.", ns + 1)) {
		char name[64];
		copy_cut(name, sizeof(name), tag, strnlen(tag, ns));
		if (!in_list(name, free_namespaces))
			lint_report(l, LINT_UNKNOWN_TAG_NAMESPACE, pos,
				    "tag '%s': namespace '%s' is not one of Sigma's", tag, name);
	}
}

/* The attack.* technique of tag from the table (current entries only), or NULL. */
static const struct attack_entry *
tagged_technique(const struct attack_table *t, const char *tag)
{
	if (strncmp(tag, "attack.", 7) || !technique_form(tag + 7))
		return NULL;
	char id[16];
	copy_cut(id, sizeof(id), tag + 7, strnlen(tag + 7, sizeof(id)));
	id[0] = 'T';
	const struct attack_entry *e = attack_find(t, id);
	return e && !e->status ? e : NULL;
}

/* Does the rule tag one of e's tactics? Tactics compare by id, so v19's attack.stealth
 * counts for a technique that v18 files under defense-evasion (both TA0005), and so does
 * a tactic split from it (defense-impairment) while the table is older than the split. */
static bool
has_tactic(const struct attack_table *t, const struct ynode *tags, const struct attack_entry *e)
{
	for (unsigned i = 0; i < e->tactics_count; i++) {
		const struct attack_entry *want = attack_tactic(t, e->tactics[i]);
		for (int k = 0; want && k < tags->nkids; k++) {
			const struct ynode *g = tags->kids[k];
			const struct attack_entry *have = g->kind == YNODE_SCALAR &&
				!strncmp(g->text, "attack.", 7) ? attack_tactic(t, g->text + 7) : NULL;
			if (have && (!strcmp(have->id, want->id) ||
				     (have->split_from && !strcmp(have->split_from, want->id))))
				return true;
		}
	}
	return false;
}

static void
lint_technique_tactics(struct lint_ctx *l, const struct ynode *tags)
{
	for (int i = 0; i < tags->nkids; i++) {
		const struct ynode *g = tags->kids[i];
		const struct attack_entry *e = g->kind == YNODE_SCALAR
			? tagged_technique(l->attack, g->text) : NULL;
		if (!e || !e->tactics_count || has_tactic(l->attack, tags, e))
			continue;
		struct buf names = {0};
		for (unsigned k = 0; k < e->tactics_count; k++)
			buf_printf(&names, "%sattack.%s", k ? " or " : "", e->tactics[k]);
		lint_report(l, LINT_TECHNIQUE_WITHOUT_TACTIC, g->pos,
			    "tag '%s': %s (%s) belongs to %s, which the rule does not tag", g->text,
			    e->id, e->name, names.data);
		buf_free(&names);
	}
}

void
lint_tags(struct lint_ctx *l, const struct ynode *doc)
{
	const struct ynode *tags = yaml_get(doc, "tags");
	if (!tags || tags->kind == YNODE_MAP)
		return;	/* a map is the compiler's error */
	int n = tags->kind == YNODE_SEQ ? tags->nkids : 1;
	for (int i = 0; i < n; i++) {
		const struct ynode *e = tags->kind == YNODE_SEQ ? tags->kids[i] : tags;
		if (e->kind != YNODE_SCALAR || e->type == SCALAR_NULL)
			continue;
		int k = 0;
		while (k < i && (tags->kids[k]->kind != YNODE_SCALAR ||
				 strcmp(tags->kids[k]->text, e->text)))
			k++;
		if (k < i)
			lint_report(l, LINT_DUPLICATE_TAG, e->pos, "tag '%s' is already listed at "
				    "line %d", e->text, tags->kids[k]->pos.line);
		else
			lint_tag(l, e->text, e->pos);
	}
	if (tags->kind == YNODE_SEQ)
		lint_technique_tactics(l, tags);
}
