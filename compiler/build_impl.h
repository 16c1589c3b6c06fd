/* build_impl.h: what build.c shares with build_outputs.c (the outputs, their
 * configuration and the hashes the manifest records). */
#ifndef SIGMACC_BUILD_IMPL_H
#define SIGMACC_BUILD_IMPL_H

#include "build.h"
#include "manifest.h"
#include "outdir.h"
#include "statcache.h"

/* A pipeline an output loaded: pipeline_load_for(name, target) (a later output
 * asking the same shares it). */
struct owned_pipeline {
	struct pipeline *pl;
	const char *name, *target;
};

/* An output of this build with what it needs loaded. */
struct output {
	const struct build_output *spec;
	const struct backend *be;
	struct pipeline *pl;		/* the stack it compiles with */
	struct owned_pipeline *own;	/* loaded for this output, freed with it */
	int nown;
	struct template *tpl;		/* the format is this template (NULL: the backend's own) */
	const char *ext;		/* of its files */
	/* query_beside: the extension of the bare query kept beside each file (NULL: none),
	 * and the format's template reduced to its query, which renders it */
	const char *beside;
	struct template bare;
	bool versioned;			/* the format writes {{query_version}}: records versions */
	struct manifest_output rec;	/* what produces its files, for the manifest */
	const struct manifest_output *was;	/* the manifest's line for it, or NULL */
};

/* Loads every output's pipelines and format (pls: the -p pipelines, stacked in
 * stack); an output that cannot be loaded is reported and counted in *failed. */
int outputs_load(const struct build_options *bo, const struct options *opts,
		 struct pipeline **pls, struct arena *stack, struct output **out, int *failed);
void outputs_free(struct output *o, int n);

/* The digest of each value list, so a rule's record names the lists it may use. */
struct list_digests {
	const struct varlist *lists;
	char (*hex)[HASH_HEX];
	int n;
};
void list_digests_init(struct list_digests *ld, const struct vars *v);
void list_digests_free(struct list_digests *ld);
/* The hashes of a rule file's bytes and of the value lists it may use ("-": none).
 * A list counts as used when its name occurs in the text, or when the text has
 * an escape that could spell any name (YAML \x, \u, \U, an escaped line break):
 * more lists than used only costs a recompile, fewer would keep a stale output. */
void rule_hashes(const struct list_digests *ld, const char *text, size_t len,
		 char rule[HASH_HEX], char lists[HASH_HEX]);

/* Is the rule file in the output's scope? Here and below, file is the rule
 * file's path as files_path_clean writes it (struct rulefile's clean), as the
 * project's scoping and refusal paths are. */
bool output_in_scope(const struct output *o, const char *file);
/* What the refusal index holds for one rule file, looked up once for all outputs:
 * the chains of the refusals naming its path or a folder above it, and of those
 * naming an id its text holds as a word (which may be an id of one of its rules
 * or not, as only loading tells). */
struct refusal_heads {
	int *path, *word;
	int npath, nword;
};
/* Finds them for file (and text, unless NULL: no words). */
void refusal_heads_find(const struct build_options *bo, const char *file, const char *text,
			size_t len, struct refusal_heads *h);
void refusal_heads_free(struct refusal_heads *h);
/* The expected refusal of the file (by its path, or by one of its rules' ids) by
 * output o, or NULL. */
const struct build_refusal *output_expected(const struct build_options *bo, const struct output *o,
					    const struct refusal_heads *h, const char *const *ids,
					    int nids);
/* Could an expected refusal of output o name one of the file's rules by id? */
bool output_refusal_by_id(const struct build_options *bo, const struct output *o,
			  const struct refusal_heads *h);
/* The expected refusal of the file by output o when it is certain without loading
 * the file: the first refusal that may concern it names its path, not an id its
 * text holds. NULL otherwise. */
const struct build_refusal *output_expected_path(const struct build_options *bo,
						 const struct output *o,
						 const struct refusal_heads *h);

/* ---- the build's state (build.c), shared with build_records.c ---- */

/* A changed output, written to a temporary and not yet in place. */
struct staged {
	char tmp[32];
	int fd;		/* b->linking: the file written without a name (outdir_prewrite) */
	const char *rel;	/* in the arena of build.now */
	/* what the stat cache keeps of it once in place: the hash of its bytes and the
	 * key of its inputs (keyed: it has one) */
	char hex[HASH_HEX];
	unsigned char key[16];
	bool keyed;
};

/* How an output's file of one rule file was made. */
enum made {
	MADE_COMPILED,	/* compiled now (or it failed) */
	MADE_FRESH,	/* the manifest records these inputs and the file is intact: not compiled */
	MADE_SCOPED,	/* the rule file is out of the output's scope */
	/* an expected refusal the manifest records for these inputs: not compiled,
	 * reported as the refusal it was */
	MADE_REFUSED,
	/* a failure the stat cache remembers for this rule file and these inputs: not
	 * compiled, reported as it was */
	MADE_FAILED,
};

/* One file to write (an output's, or the bare query beside it) as its worker
 * found it on disk; build_update_output stages it, counts, records and says. */
struct prepared {
	enum outdir_state st;
	char hex[HASH_HEX];	/* the hash of the bytes, when the rule file was hashed */
	struct buf err;		/* what comparing or staging said */
	/* a fresh file (MADE_FRESH): its entry in the manifest read (its name and
	 * record, which stay), and what the next build's stat cache keeps of it */
	const char *entry;
	struct statcache_entry stat;
	enum { STAT_NONE, STAT_KNOWN, STAT_HASHED } cached;	/* HASHED: read and hashed now */
	/* a compiled file: the key of its inputs (build_output_key), when it has one */
	unsigned char key[16];
	bool keyed;
	bool prewritten;	/* a missing file written without a name, in fd */
	int fd;
};

/* One rule file compiled for every output by a worker, waiting to be written. */
struct compiled {
	struct buf load;	/* what loading said */
	struct buf *out, *err;	/* per output: the file and what compiling said */
	struct buf *beside;	/* per output: the bare query kept beside it (query_beside) */
	struct buf *versions;	/* per output: the content versions its record adds */
	bool *ok;		/* per output */
	/* per output: compiling it left out no message as said before, so what it said
	 * is what it says alone after the file's loading */
	bool *said_all;
	unsigned char *made;	/* per output: enum made */
	const struct build_refusal **expected;	/* per output: the refusal declared for it */
	struct prepared *disk;	/* per output, two: its file and the one beside it */
	const char *file;	/* the rule file */
	struct refusal_heads heads;	/* its expected refusals, for every output */
	char rule[HASH_HEX], lists[HASH_HEX];	/* hashes of the rule file and its lists */
	bool hashed;		/* the rule file was read: rule and lists are set */
	char *text;		/* heap: the rule file's bytes hashed, to compile; or NULL */
	size_t len;
	/* the rule file as the stat cache keeps a failure of it, when it may
	 * (set with rule and lists) */
	struct statcache_failure fail;
	bool fail_ok;
};

/* A rule file and the PATH argument it was found below. */
struct rulefile {
	const char *root, *file;
	/* file written as the project's scoping and refusal paths are
	 * (files_path_clean): once per file, for output_in_scope and the refusals */
	char *clean;
};

struct counts {
	int written, unchanged, removed, skipped, failed, problems;
	int refused;	/* of failed: rules a target refused (or could not load) */
};

struct build {
	struct session *s;
	const struct build_options *bo;
	struct outdir out;
	struct manifest before;	/* the manifest's valid entries and outputs */
	struct names now;	/* outputs of this build, with their records */
	struct names kept;	/* earlier outputs that stay: failing rules */
	struct names refused;	/* expected refusals of this build, with their records */
	struct buf disk;	/* the manifest's text as it is on disk */
	/* the files an earlier build hashed, and those this build found fresh */
	struct statcache cache, next;
	char *cache_bytes;	/* the lock file's bytes, which cache reads in place */
	struct buf say;		/* stderr's text about the rule file being written (build.c) */
	struct staged *staged;
	int nstaged, capstaged;
	/* new files written without a name, named in batches (build_link.c): the
	 * batch being filled, the one being named, the buffer of the next */
	struct staged *linking, *link_spare;
	int nlinking;
	struct link_run *link_run;
	bool pending_read;	/* OUTDIR/.sigmacc-pending was there: a build was interrupted */
	bool pending_head;	/* this build wrote the pending list's head */
	struct counts c;
	struct list_digests ld;
	/* the hash of this sigmacc's executable ("" if unreadable): the stat cache's keys
	 * hold it, so a sigmacc built anew under the same version trusts nothing kept */
	char binary[HASH_HEX];
	/* orphans may be removed: the rules were all found and, for a whole
	 * project, every output loaded (else a typo would delete their files) */
	bool may_remove, complete;
	/* meta filters or correlations: an output also depends on files other than its
	 * rule file (a filters/ folder, base rules elsewhere), so none is skipped */
	bool whole;
	bool *refusal_seen;	/* per expected refusal: it concerned some output */
	/* the rule files, compiled on workers and written in order (jobs.c) */
	const struct output *t;
	int nt;
	struct rulefile *items;
	struct compiled *done;
	struct files_kept texts;	/* rule texts the look for correlations read */
	struct session *workers;	/* a session (arena) per worker */
	struct outdir *views;		/* a read-only OUTDIR handle per worker */
	int nitems, progress;
	bool tty;
	bool blocks;	/* stderr and stdout are no terminal: say in blocks (build.c) */
};

/* build_prologue.c */
/* Reads the manifest and the stat cache beside the rules walk below paths (into
 * files, one list per path) and the look for correlations; false when the
 * manifest could not be read (the build stops), after their messages. */
bool build_prologue(struct build *b, struct output *t, int nt, const char *const *paths,
		    int npaths, struct pathlist *files);

/* build_records.c */

/* The name of a rule file's output: its path below root without .yml, in dir. */
void output_name(struct buf *b, const char *root, const char *file, const char *dir,
		 const char *ext);
/* Reads the manifest and finds each output's line in it; its invalid entries
 * are reported (in say) and left out (a problem for --check). False when unreadable. */
bool build_read_manifest(struct build *b, struct output *t, int nt, struct buf *say);

/* The output whose directory path lies below, or -1. */
int built_output(const struct output *t, int nt, const char *path);
/* Replaces the manifest with the sorted set, unless the file already says exactly that. */
bool build_write_manifest(struct build *b, const struct names *set);
/* Which input of the stale output rel changed, in why; NULL when no record says. */
const char *stale_reason(const struct build *b, const char *rel, struct compiled *c,
			 struct buf *why);
/* May the orphan rel (with its record) be removed? Not when edited since (said in err). */
bool orphan_intact(struct build *b, const char *rel, const char *record, struct buf *err);
/* The name of the bare query kept beside the output file name (of extension ext). */
void beside_name(struct buf *b, const char *name, const char *ext, const char *beside);
/* Is output k's file of rule file i known current without compiling (c: its
 * hashes and refusal heads)? */
bool build_fresh(struct build *b, int worker, int i, int k, struct compiled *c);
/* The expected refusal of output k's file of rule file i that the manifest
 * records for these inputs, so it need not be compiled; or NULL. c holds the
 * file's hashes and refusal heads. */
const struct build_refusal *build_fresh_refusal(const struct build *b, int i, int k,
						const struct compiled *c);
/* Is output k's failure for rule file i one the stat cache remembers for these
 * inputs (c->fail: the rule file as read)? Then c holds what compiling said. */
bool build_cached_failure(const struct build *b, int i, int k, struct compiled *c);
/* The key of the inputs of output k's file of rule file i (n = 1: the bare query
 * beside it), which the stat cache keeps with a file this checkout compiled; false
 * when its bytes depend on more than it holds (a format with content versions,
 * meta filters, correlations) or the rule file was not hashed. */
bool build_output_key(const struct build *b, int i, int k, int n, const struct compiled *c,
		      unsigned char key[16]);
/* build --check: is output k's file of rule file i (and the one beside it) known,
 * by the stat cache, to hold what this checkout compiled from these inputs? */
bool build_vouched(struct build *b, int worker, int i, int k, struct compiled *c);
/* build --check: the expected refusal (by path) of output k's file of rule file i
 * that the stat cache remembers compiling met with these inputs, or NULL. */
const struct build_refusal *build_cached_refusal(const struct build *b, int i, int k,
						 struct compiled *c);
/* Keeps output k's failure for rule file i (compiled now or remembered) in the
 * next build's stat cache, when it may be. */
void build_keep_failure(struct build *b, int i, int k, const struct compiled *c);
/* The hashes of a rule file's bytes and its lists, and what the stat cache would
 * keep of it (st: what fstat said before they were read), in c. */
void build_hash_rule(const struct build *b, struct compiled *c, const char *text, size_t len,
		     const struct stat *st);
/* A corr_visit (correlation.h): the look for correlations read rule file i, which
 * is hashed from those bytes (on that thread) and kept in b->texts (up to its budget)
 * so that neither build_plan nor the compile reads it again. */
bool build_visit(void *ctx, int i, char *text, size_t len, const struct stat *st);
/* The hash of the running executable's bytes, or "" when it cannot be read. */
void build_binary_hash(char out[HASH_HEX]);
/* A staged output now in place (st: as it is there): counted, and remembered in the
 * stat cache with the key of its inputs, this checkout having compiled it. */
void build_written(struct build *b, const struct staged *sg, const struct stat *st);

/* build_link.c */
/* Outputs named per batch of new files (one syncfs each). */
#define BUILD_LINK_BATCH 2048
/* A new entry at the end of the list v (n, cap) for p, its fd -1; the caller counts it. */
struct staged *build_staged_add(struct staged **v, int *n, int *cap, const struct prepared *p);
/* Takes p's file written without a name into the batch (its rel set by the caller
 * before the next call). A full batch is handed to a thread that adds its entries
 * to OUTDIR/.sigmacc-pending, makes everything durable and names its files. */
struct staged *build_link_add(struct build *b, struct prepared *p);
/* Names every file still in a batch and takes in the results (messages into
 * b->say; a name taken meanwhile makes the file staged). */
void build_link(struct build *b);
/* Reads OUTDIR/.sigmacc-pending, the outputs an interrupted build named, into the
 * manifest read (b->before): entries and outputs it lacks, checked against this
 * build's nt outputs mt as the manifest's are. False when unreadable. */
bool build_read_pending(struct build *b, const struct manifest_target *mt, int nt,
			struct buf *say);
/* Adds the expected refusals of the manifest's outputs that this build does not
 * build (theirs to judge) to this build's, and sorts them. */
void build_carry_refusals(struct build *b);

#endif
