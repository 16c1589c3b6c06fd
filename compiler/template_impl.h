/* template_impl.h: what template.c and template_attack.c share. */
#ifndef SIGMACC_TEMPLATE_IMPL_H
#define SIGMACC_TEMPLATE_IMPL_H

#include "lint.h"
#include "template.h"

/* A value: a scalar (n = -1) or a list of n strings. */
struct tval {
	const char *s;
	const char **v;
	int n;
};

/* Appends s to the list l unless it is there already. */
void tval_add(struct arena *a, struct tval *l, int *cap, const char *s);

/* The ATT&CK list placeholder name from the rule's attack.* tags; false when name is not one. */
bool template_attack_list(struct arena *a, const struct rule *r, const char *name, struct tval *out);
/* Writes the rule's ATT&CK tags as an ECS threat array (JSON) with technique names from the
 * ATT&CK table; techniques the table does not know are left out. */
void template_ecs_threat(struct arena *a, const struct attack_table *t, const struct rule *r,
			 struct buf *out);

/* Writes the rule's ATT&CK tags as Microsoft Graph's alertTemplate tactics (JSON): per tactic
 * its techniques, each with the rule's sub-techniques of it (ATT&CK table grouping). */
void template_graph_tactics(struct arena *a, const struct attack_table *t, const struct rule *r,
			    struct buf *out);

/* The rule's ATT&CK tags as a list of {tactic_id, technique_id} JSON objects, tactics as for
 * the ECS threat array. */
struct tval template_attack_pairs(struct arena *a, const struct attack_table *t, const struct rule *r);
/* technique_names, technique_urls and attack_version from the ATT&CK table; false when name
 * is none of them. */
bool template_attack_named(struct arena *a, const struct attack_table *t, const struct rule *r,
			   const char *name, struct tval *out);

/* Sentinel's tactics: the tags' and all tactics of each tagged technique (ATT&CK table). */
struct tval template_all_tactics(struct arena *a, const struct attack_table *t, const struct rule *r);

/* The value of a schedule filter (seconds, iso8601, cron, upper): 1 with *out set, 0 when
 * filter is none of them, -1 when value has no such form. */
int template_filter_span(struct arena *a, const char *filter, const char *value, const char **out);

/* template_text.c: the rule's name as an identifier ({{identifier}}); s as a YARA-L
 * string literal (escape: yaral). */
const char *template_identifier(struct arena *a, const struct rule *r);
void template_yaral_string(struct buf *out, const char *s);
/* The rule's description and, when it has an id, a last line "sigma-id:ID": the id where a
 * format has no field of its own for it (Defender's detectionRule), for re-imports to match. */
const char *template_description_with_id(struct arena *a, const struct rule *r);

/* template_tables.c: the facts of templates/entities/<target>.yml and the tables' columns. */
struct table_facts *table_facts_load(const char *dir, const char *target);
void table_facts_free(struct table_facts *f);
/* Do the query's results carry column? */
bool table_facts_has(const struct table_facts *f, const struct tpl_source *src, const char *column);
/* Sentinel's requiredDataConnectors and entityMappings, as JSON arrays. */
void table_facts_connectors(const struct table_facts *f, const struct tpl_source *src, struct buf *out);
void table_facts_entities(struct arena *a, const struct table_facts *f, const struct tpl_source *src,
			  struct buf *out);
/* Defender's entityMappings as a JSON object; false when the results carry no column to map. */
bool table_facts_assets(struct arena *a, const struct table_facts *f, const struct tpl_source *src,
			struct buf *out);
/* The asset columns the facts know ("DeviceId, DeviceName, ..."), for a refusal. */
const char *table_facts_asset_columns(struct arena *a, const struct table_facts *f);

#endif
