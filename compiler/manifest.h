/* manifest.h: the set of output names and OUTDIR/.sigmacc-manifest (manifest.c). */
#ifndef SIGMACC_MANIFEST_H
#define SIGMACC_MANIFEST_H

#include "base.h"
#include "hash.h"

/* A set of output paths (relative to OUTDIR), each with an optional record of
 * what produced it ("PATH\tRECORD" in one string: a path never holds a tab).
 * The strings live in one arena, the sorted index on the heap, so lookups are
 * O(log n) and a 100k-rule build does not fragment the heap. */
struct names {
	struct arena arena;
	const char **v;
	int n, cap;
	bool sorted, indexed;
	int *slots;	/* after names_index: a hash index of v (slot = index + 1; 0: empty) */
	size_t nslots;	/* a power of two, at least twice n */
};

/* Adds a copy of name; returns the copy. */
const char *names_add(struct names *s, const char *name);
/* Adds name with its record (NULL: none). */
const char *names_add_record(struct names *s, const char *name, const char *record);
/* Adds an entry of another set (its name and record) without copying it: that
 * set must outlive s. */
void names_add_entry(struct names *s, const char *entry);
/* Orders two entries of sets by their paths, as names_sort does (< 0, 0, > 0). */
int names_compare(const char *a, const char *b);
/* Sorts by path, drops later duplicates and indexes the set. */
void names_sort(struct names *s);
/* Indexes the set as it is (no sort): names_has and names_record need an index. */
void names_index(struct names *s);
bool names_has(const struct names *s, const char *name);
/* The entry of name (its path, and its record after a tab), or NULL when not there. */
const char *names_entry(const struct names *s, const char *name);
/* The record of an entry of a set (NULL: it has none, or entry is NULL). */
const char *names_entry_record(const char *entry);
/* The record of name ("RULE LISTS OUT"), or NULL when it has none or is not there. */
const char *names_record(const struct names *s, const char *name);
/* The path of an entry (a copy in the set's arena when it has a record). */
const char *names_path(struct names *s, const char *entry);
void names_free(struct names *s);

/* An output of this build: its directory below OUTDIR, the extension of its files
 * and that of the bare queries it keeps beside them (NULL: none). */
struct manifest_target {
	const char *name, *ext, *beside;
};

/* What produced one output's files, as format 2 records it on an "#output" line. */
struct manifest_output {
	char name[64], dir[256], version[64];
	char options[HASH_HEX], pipelines[HASH_HEX], format[HASH_HEX];
};

/* A content version is at most this, the greatest 32-bit component of a .NET
 * version ("1.0." and its digits stay within the 20 characters the Sentinel
 * repository's template validation allows; docs/manifest.md). A recorded version
 * above it is malformed; one at it no longer grows. */
#define MANIFEST_VERSION_MAX 2147483647LL
/* Query hashes one record holds at most (a file of more rules keeps date versions). */
#define MANIFEST_QUERIES_MAX 1024

/* The parts of a file's record. */
struct manifest_record {
	char rule[HASH_HEX], lists[HASH_HEX], out[HASH_HEX];	/* lists: "-" when none */
	/* format 3, for a format that writes a content version: the greatest version
	 * written (-1: none recorded) and the hashes of the file's queries, "H,H,..."
	 * (a pointer into the record) */
	long long version;
	const char *queries;
};

/* A file's content versions (Microsoft Sentinel's rule `version`), as a build
 * renders the {{query_version}} placeholder: the version from the rule's date,
 * raised past the one recorded when the query's hash is not among those recorded. */
struct content_versions {
	long long was;		/* the recorded version, or -1: none (the date version stands) */
	const char *was_queries;	/* "H,H,..." recorded */
	long long now;		/* the greatest version rendered, or -1 */
	struct buf queries;	/* "H,H,..." of the queries rendered, in order */
	int nqueries;
};

/* The manifest as read: the entries, and the outputs' lines of a format-2 manifest. */
struct manifest {
	struct names entries;
	/* "#refused" lines: the output names of expected refusals, each with the
	 * record "RULE LISTS" of the inputs it was refused with */
	struct names refused;
	struct manifest_output *outputs;	/* heap */
	int noutputs;
	int version;	/* 1: paths only (rebuild everything), 2: with records */
};

/* Why rel cannot be an output of a build (NULL: it can): not relative, an
 * empty, '.' or '..' component, a control character, not below a directory. */
const char *manifest_check(const char *rel);
/* Is name[0..len) a safe output name or directory for the manifest's lines? */
bool manifest_safe_dir(const char *dir);
/* Adds the valid entries of a manifest's text to m. An entry that fails
 * manifest_check, lies below none of the nt outputs of this build, none of
 * the manifest's own outputs and no target's directory, or lies below an
 * output of this build without its extension, is reported in err as
 * FILE:LINE:1: warning and left out. Returns how many were left out. */
int manifest_parse(const char *text, size_t len, const char *file,
		   const struct manifest_target *targets, int nt, struct manifest *m,
		   struct buf *err);
void manifest_free(struct manifest *m);
/* Splits a record into its parts; false when it is malformed (a version above
 * MANIFEST_VERSION_MAX, more than MANIFEST_QUERIES_MAX hashes). */
bool manifest_record_split(const char *record, struct manifest_record *r);
/* Starts cv from a file's record (NULL or malformed: no versions recorded). */
void content_versions_start(struct content_versions *cv, const char *record);
/* The version of a rule whose query is query and whose date version is base (its
 * digits): base without a record, else the greater of base and the recorded
 * version, plus one when the query is new. Adds the query to cv. */
const char *content_version(struct arena *a, struct content_versions *cv, const char *query,
			    const char *base);
/* What cv adds to the file's record (" VERSION H,H,..."), or nothing when no
 * version was rendered or the file has more than MANIFEST_QUERIES_MAX queries. */
void content_versions_record(const struct content_versions *cv, struct buf *record);
void content_versions_free(struct content_versions *cv);
/* The manifest's text for the outputs (sorted by name), the sorted expected
 * refusals and the sorted set s. */
void manifest_render(const struct manifest_output *o, int no, const struct names *refused,
		     const struct names *s, struct buf *out);
/* Is text[0..len) exactly what manifest_render would write? (Compared as it is
 * rendered: an unchanged manifest of a large repository is never copied.) */
bool manifest_renders(const struct manifest_output *o, int no, const struct names *refused,
		      const struct names *s, const char *text, size_t len);
/* The head of OUTDIR/.sigmacc-pending: a manifest's head for the outputs o, which
 * entry lines of the outputs a build names before its manifest tracks them follow. */
void manifest_render_pending(const struct manifest_output *o, int no, struct buf *out);

#endif
