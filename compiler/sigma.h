/*
 * sigma.h: the compiler's stages, their data model and API. The pipeline is
 *
 *   yaml.c (text -> struct ynode) -> rule.c (-> struct rule, with value.c,
 *   modifier.c and cond.c) -> normalize.c (+ pipeline.c, vars.c -> struct
 *   query around a struct expr) -> a backend (backends/) -> text.
 *
 * The rule model is in rule.h, the pipelines in pipeline.h, the IR (what
 * backends read, and all they read) in ir.h; this header adds the value
 * lists, the normalizer's entry point and the byte algorithms.
 *
 * Everything here lives in the rule's arena (see base.h) except the loaded
 * pipelines and value lists, which live for the whole run.
 */
#ifndef SIGMACC_SIGMA_H
#define SIGMACC_SIGMA_H

#include "ir.h"
#include "pipeline.h"
#include "rule.h"

/* ---- vars.c: placeholder value lists (--vars FILE) ------------------------- */

struct varlist {
	const char *name;
	const char **vals;
	struct pattern *pats;	/* vals parsed once (wildcards and escapes) */
	int nvals;
	size_t bytes;		/* of all pats, for the expansion budget */
};

struct vars {
	struct arena arena;	/* lives for the run */
	struct varlist *lists;
	int nlists, cap;
	struct strmap index;	/* name -> lists[] */
};

bool vars_load(struct vars *v, const struct source *src, struct diag *d);
/* Loads each file of paths (--vars); false after a message on stderr. */
bool vars_load_files(struct vars *v, const char *const *paths, int n);
const struct varlist *vars_find(const struct vars *v, const char *name, size_t len);
void vars_free(struct vars *v);


/* ---- normalize.c ------------------------------------------------------------------ */

enum unmapped {
	UNMAPPED_ERROR,		/* a field the pipeline does not know stops the rule */
	UNMAPPED_PASSTHROUGH,	/* keep the Sigma name, warn */
};

struct content_versions;	/* manifest.h */

struct options {
	const char *target;		/* backend name, for messages */
	const struct pipeline *pipeline;	/* NULL = --without-pipeline */
	const struct vars *vars;
	enum unmapped unmapped;
	bool placeholder_wildcard;	/* undefined %name% matches anything (pySigma) */
	const char **backend_opts;	/* -O KEY=VALUE, for the backend */
	int nbackend_opts;
	/* build: the output file's recorded content versions ({{query_version}}); NULL: none */
	struct content_versions *versions;
};

/* The value of backend option -O key=VALUE, or NULL. */
const char *options_get(const struct options *o, const char *key);
/* Normalises a rule (a condition list is the OR of its conditions). NULL after a diagnostic. */
struct query *normalize_rule(struct arena *a, struct diag *d, const struct rule *r,
			     const struct options *o);
/* The alternatives of a loaded file's values, computed for its first target and
 * reused by the others (transform.c). */
struct alts_cache;
struct alts_cache *alts_cache_new(void);
/* c for a compile of its file: NULL for the first target, which shares nothing
 * (a file compiled for one target pays nothing), c from the second on. */
struct alts_cache *alts_cache_use(struct alts_cache *c);
void alts_cache_free(struct alts_cache *c);
/* normalize_rule for one of the loaded rules themselves (never a copy made for
 * one target), sharing the alternatives of its values through c. */
struct query *normalize_rule_shared(struct arena *a, struct diag *d, const struct rule *r,
				    const struct options *o, struct alts_cache *c);

/* ---- ip.c: addresses in text form ------------------------------------------ */

/* Dotted quad without leading zeros; false if s is not one. */
bool ip_parse4(const char *s, size_t len, unsigned char out[4]);
/* RFC 4291 text (with :: and an embedded IPv4 tail); false if s is not one. */
bool ip_parse6(const char *s, size_t len, unsigned char out[16]);


/* ---- encode.c: the transformation modifiers' byte-exact algorithms ---------- */

/* Standard Base64 with padding. */
char *encode_base64(struct arena *a, const unsigned char *s, size_t n, size_t *outlen);
/* The three offset-stable fragments (sigma-spec.md §6.3). */
void encode_base64offset(struct arena *a, const unsigned char *s, size_t n, char *out[3]);
/* UTF-8 to UTF-16 (le or be, optional BOM). False on invalid UTF-8. */
bool encode_utf16(struct arena *a, const char *s, size_t n, bool be, bool bom,
		  unsigned char **out, size_t *outlen);


#endif
