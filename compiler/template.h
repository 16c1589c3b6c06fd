/* template.h: native import formats from templates/formats/<target>/<format>.yml (template.c). */
#ifndef SIGMACC_TEMPLATE_H
#define SIGMACC_TEMPLATE_H

#include "files.h"
#include "sigma.h"

enum tpl_escape {
	TPL_JSON,	/* values as JSON strings and arrays */
	TPL_YAML,	/* values as double-quoted YAML scalars and flow lists */
	TPL_CONF,	/* .conf values: raw, lines continued with a trailing backslash */
	TPL_TEXT,	/* values as they are */
	TPL_YARAL,	/* values as YARA-L string literals (a list: one, its elements joined) */
};

struct tpl_pair {
	char *from, *to;
};

struct tpl_map {	/* {{name}} is the value of {{from}} looked up in values */
	char *name, *from, *fallback;
	char *choices;	/* every value the vendor takes ("a|b|c"), when values use only some */
	struct tpl_pair *values;
	unsigned values_count;
};

struct tpl_option {	/* {{name}} is -O name=VALUE, or the default */
	char *name, *fallback;
	bool list;	/* a comma-separated list */
	char *type;	/* NULL, "span" (30m, 1h, 1d), the choices "a|b|c" or a regex "^...$" */
	char *map;	/* the map whose entries KEY:VALUE,... replace (template_maps.c), or NULL */
};

/* A placeholder besides the rule's own (a correlation's window and schedule). */
struct tpl_extra {
	const char *name, *value;
};

/* What a query reads and returns, for the placeholders derived from them (template_tables.c). */
struct tpl_source {
	const char *table;	/* the table (event selection) it reads, or NULL */
	const char **project;	/* its projected columns: with any, exactly these are returned */
	int nproject;
	const char **extends;	/* the columns it adds to its table's */
	int nextends;
	/* the query's sections besides its text (YARA-L's outcome:), placeholders by name */
	const struct tpl_extra *sections;
	int nsections;
};

struct table_facts;

/* What query q reads and returns (its strings stay q's). */
struct tpl_source template_source(struct arena *a, const struct query *q);

struct template {
	char *target, *format, *description, *ext, *escape;
	struct tpl_map *maps;
	unsigned maps_count;
	struct tpl_option *options;
	unsigned options_count;
	bool compact;		/* the query in its one-line form */
	bool no_projection;	/* the query without the rule's fields: columns */
	char *merge;		/* the body is {"MERGE": [...]}: several rules make one such object */
	char **required;	/* placeholders a rule must have (Kibana's rule_id: id) */
	unsigned required_count;
	char **sections;	/* placeholders the backend fills besides the query (YARA-L's
				 * outcome:, condition:), absent when the query has none */
	unsigned sections_count;
	struct attack_table *attack;	/* the ATT&CK table, when the body uses ecs_threat */
	struct table_facts *tables;	/* templates/entities/<target>.yml, when the body uses
					 * connectors, entities or assets */
	unsigned query_max;	/* the longest query the format takes (characters), or 0 */
	char *body;
	/* correlation rules (optional): their body, or why the format has none,
	 * and the run schedule's limits as spans ("5m", "14d") */
	char *correlation, *correlation_refused, *frequency_min, *lookback_max;
	enum tpl_escape mode;	/* from escape */
};

/* NULL when there is no such format (or after a message on stderr). */
struct template *template_load(const char *dir, const char *target, const char *format);
void template_free(struct template *t);
/* Renders the rule's native file around its compiled query; src (or NULL) says what
 * the query reads and returns. */
bool template_render(struct arena *a, struct diag *d, const struct template *t,
		     const struct rule *r, const char *query, const struct tpl_source *src,
		     const struct options *o, struct buf *out);
/* Renders body (t->body or t->correlation) with nextra more scalar placeholders. */
bool template_render_body(struct arena *a, struct diag *d, const struct template *t,
			  const char *body, const struct rule *r, const char *query,
			  const struct options *o, const struct tpl_extra *extra, int nextra,
			  struct buf *out);
/* template_schedule.c: the per-output schedule and severity options (interval, lookback,
 * level). A span ("30m", "14d") in seconds, 0 when s is none. */
long long template_span_seconds(const char *s);
/* The cron expression that runs every seconds, NULL when cron cannot repeat it evenly. */
const char *template_cron(struct arena *a, long long seconds);
/* Option name's value (-O, else the template's default), NULL when t has no such option. */
const char *template_option(const struct template *t, const struct options *o, const char *name);
/* Are the option values of o valid for t (types, interval against look-back and the
 * format's limits)? Else false with the message in err. */
bool template_check_options(const struct template *t, const struct options *o, struct buf *err);
/* template_maps.c: map m's value for key, as option m's changes say (-O severity=...),
 * else the template's. */
const char *template_map_value(struct arena *a, const struct template *t, const struct tpl_map *m,
			       const struct options *o, const char *key);
/* Are the map-changing options of o valid for t? Else false with the message in err. */
bool template_check_maps(const struct template *t, const struct options *o, struct buf *err);
/* What a map-changing option takes, for `list options`: "LEVEL:Low|High,...". */
const char *template_map_type(struct arena *a, const struct template *t, const struct tpl_option *op);
/* template_text.c: --compact for an escape: text or yaral template, out from start on one
 * line (each line break with its indentation one space; the final one kept). */
void template_one_line(struct buf *out, size_t start);
/* The format names of a target (sorted); returns how many. */
int template_list(const char *dir, const char *target, struct pathlist *names);

#endif
