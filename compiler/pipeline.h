/*
 * pipeline.h: per-target field mappings (pipeline.c, templates/pipelines/).
 * The normalizer applies them; backends read only what it resolved (ir.h).
 */
#ifndef SIGMACC_PIPELINE_H
#define SIGMACC_PIPELINE_H

#include "ir.h"
#include "rule.h"

/* ---- pipeline.c: per-target field mappings from templates/ --------------------- */

struct pl_value {		/* Initiated 'true' -> ActionType in (...) */
	char *from;
	char *field;
	char **in;
	unsigned in_count;
};

struct pl_rename {		/* a value prefix or hash algorithm -> replacement */
	char *from;
	char *to;
};

struct pl_time_table {	/* the time column of the tables whose names start with prefix */
	char *prefix;
	char *field;
};

struct pl_raw_prefix {	/* what a passed-through field is written under, per product */
	char *product;
	char *prefix;
};

struct pl_warn {		/* a warning on the matches of a field: those whose value holds text
			 * (the SIEM's data may not bear them out), or every one (no text) */
	char *text;
	char *why;
};

struct pl_event_map {		/* the name a collector gives the field in some events */
	char **codes;		/* the events' ids, as the rule's EventID compares them */
	unsigned codes_count;
	char *to;
	char *type;
};

struct pl_field {
	char *from;		/* Sigma name */
	char *to;		/* target name; NULL with values/hashes only */
	char *type;		/* string (default), number, ip, bool, datetime */
	char *extend;		/* computed column: `to` is defined as this expression */
	char *project_only;	/* may be projected but not matched: the reason */
	char *dword;		/* decimal | both: how the SIEM stores Sysmon's DWORD (0x...) */
	char *domain;		/* the data model splits DOMAIN\user: DOMAIN is in this field */
	char *part;		/* name | text: `to` holds part of the field (fieldpart.c) */
	char *split;		/* a registry path key\value: the key is in `to`, the value name
				 * (after the last backslash) in this field */
	struct pl_value *values;
	unsigned values_count;
	struct pl_rename *prefixes;
	unsigned prefixes_count;
	struct pl_rename *hashes;
	unsigned hashes_count;
	struct pl_warn *warn;
	unsigned warn_count;
	struct pl_event_map *events;	/* `to` holds in every other event */
	unsigned events_count;
	char **also;		/* pySigma's one-to-many mapping: further names, any may match */
	unsigned also_count;
	unsigned also_unmatched;	/* the last ones of also are only projected */
};

/* pySigma's add_condition: a search the rule must match as well (negated: must not) */
struct pl_added {
	const struct search *search;
	bool negated;
};

struct pl_logsource {
	char *product, *service;
	char **categories;
	unsigned categories_count;
	struct selection *select;	/* the event selection */
	char *error;		/* the logsource is known but cannot be served: why */
	char *warning;		/* served only in part (a subset of the events): what is missed */
	/* no vendor source confirms the entry's selection: why; it serves rules only with
	 * -O unconfirmed=true, with a warning naming it */
	char *unconfirmed;
	bool passthrough;	/* fields not listed keep their Sigma names, silently */
	char *prefix;		/* with passthrough: written in front of those names */
	/* pySigma's field_name_prefix/_suffix: fields not listed are named prefix + name +
	 * suffix, silently, and no pipeline below maps them */
	char *field_prefix, *field_suffix;
	/* pySigma's change_logsource: the rules are served as this logsource (the entry of
	 * the pipeline below that serves it gives select, error and fields); set by stacking */
	struct logsource *serve_as;
	/* pySigma's drop_detection_item: the Sigma fields whose detection items are left out */
	char **drop;
	unsigned drop_count;
	struct pl_added *added;	/* pySigma's add_condition, in the pipeline's order */
	unsigned added_count;
	struct pl_field *fields;
	unsigned fields_count;
};

struct pipeline {
	char *name;
	char *target;
	char **shared_with;	/* other targets that read the same data model */
	unsigned shared_with_count;
	char *index;		/* the index or data-stream pattern a query names, or NULL */
	char *category_field;	/* the field holding select.from, for targets that test it, or NULL */
	struct pl_raw_prefix *raw_prefix;	/* a passed-through name's prefix, per product */
	char *time_field;	/* the tables' time column (KQL sort, correlations), or NULL */
	struct pl_time_table *time_tables;	/* ... except these tables' */
	unsigned time_tables_count;
	unsigned raw_prefix_count;
	char *description;
	struct datamodel *datamodel;	/* what the target's fields are, or NULL */
	struct pl_logsource *logsources;
	unsigned logsources_count;
	struct arena *owner;	/* a pySigma pipeline's memory; NULL: ours */
	struct arena *mem;	/* ours: its memory (config_tree.c) */
};

/* Loads dir/pipelines/NAME.yml, or NAME itself when it is an existing file.
 * NULL after a message on stderr. */
struct pipeline *pipeline_load(const char *dir, const char *name);
void pipeline_free(struct pipeline *p);
/* Is p for target: its own, or one it is shared with? */
bool pipeline_serves(const struct pipeline *p, const char *target);
/*
 * A pipeline of base with over on top (-p base -p over): an entry of over that
 * selects the same logsources as one of base adds its fields in front of
 * base's (and its select, if it has one); other entries of over come first.
 * The result lives in a and points into both.
 */
struct pipeline *pipeline_stack(struct arena *a, const struct pipeline *base,
				const struct pipeline *over);
const struct pl_logsource *pipeline_logsource(const struct pipeline *p,
					      const struct logsource *ls);
const struct pl_field *pipeline_field(const struct pl_logsource *ls, const char *name);
/* The name of a field ls does not list, kept (passthrough) or given its field_prefix/_suffix. */
const char *pipeline_unlisted_name(struct arena *a, const struct pl_logsource *ls,
				   const char *name);


#endif
