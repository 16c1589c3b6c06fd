/* driver.h: one compile of one file, shared by the CLI and the golden runner (driver.c). */
#ifndef SIGMACC_DRIVER_H
#define SIGMACC_DRIVER_H

#include "../backends/backend.h"
#include "filter.h"
#include "template.h"

enum diag_format {
	DIAGFMT_HUMAN,	/* file:line:col: error: ... with the source line and a caret */
	DIAGFMT_JSON,	/* one JSON object per line */
	DIAGFMT_GITHUB,	/* ::error file=...,line=...,col=...::message */
};

enum product {
	PRODUCT_QUERY,	/* the backend's query text */
	PRODUCT_IR,	/* the normalised IR (dump.c) */
	PRODUCT_NONE,	/* check only: the backend runs, its output is dropped */
};

/* Where one rule's text starts in the output, and which rule it is. */
struct driver_piece {
	size_t start;
	char *label;	/* heap: "title (id)" */
};

struct session {
	const struct backend *be;	/* NULL for the IR */
	struct options opts;
	enum product product;
	bool compact;
	const char *format;		/* output format; NULL = default */
	const struct template *tpl;	/* the format is this template (NULL: the backend's own) */
	enum diag_format diagfmt;
	/* every input's rule and correlation names, when one holds a correlation */
	const struct corr_index *corr_index;
	const struct filter_set *filters;	/* --filter, or build's filters/ folders */
	struct arena arena;		/* reset per file */
	int nrules, nfailed;		/* counted per rule document */
	/* with record: each rule's text in out, so several can be joined into one file */
	bool record;
	struct driver_piece *pieces;	/* heap */
	int npieces, cappieces;
	/* with dedupe: messages already printed are not printed again (check prints
	 * a target-independent problem once, not once per target) */
	bool dedupe;
	char **seen;			/* heap: a hash set of capseen slots */
	int nseen, capseen;
	long dropped;			/* messages left out so far as said before */
};

/* Compiles every rule of path; output to out, diagnostics to err. False if any failed. */
bool driver_file(struct session *s, const char *path, struct buf *out, struct buf *err);
/* The same from the file's text already read (heap, now the driver's; NULL: read it). */
bool driver_file_text(struct session *s, const char *path, char *text, size_t len,
		      struct buf *out, struct buf *err);

/* A rule file read and loaded once, then emitted for each target in turn: the
 * rule model does not depend on the target, and reading, parsing and modelling
 * cost more than one target's normalising and emitting. It lives in the
 * session's arena, so it is valid until the next driver_load or driver_file. */
struct unit {
	char *text;		/* heap; NULL if the file could not be read */
	struct source src;
	struct diag load;	/* what reading and loading said: render it once per file */
	struct rule **rules;
	int nrules;
	struct correlation **cors;	/* the correlation documents (correlation.h) */
	int ncors;
	struct ynode **docs;	/* the YAML documents (for the linter); NULL when the
				 * file is not YAML or a legacy collection */
	int ndocs;
	bool ok;		/* read, and every document loaded */
	struct alts_cache *alts;	/* the values' alternatives, shared by its targets */
};

void driver_load(struct session *s, struct unit *u, const char *path);
/* The same from the file's text already read (heap, now u's), or read here if NULL. */
void driver_load_text(struct session *s, struct unit *u, const char *path, char *text,
		      size_t len);
/* Renders u->load for the session's current target (what dedupe has not printed). */
void driver_render_load(struct session *s, struct unit *u, struct buf *err);
/* Compiles u's rules for the session's current target; its diagnostics (not
 * u->load's) to err. Counts documents as driver_file does. False if any failed. */
bool driver_emit(struct session *s, const struct unit *u, struct buf *out, struct buf *err);
void driver_unload(struct unit *u);
/* One correlation rule of the file (correlation_emit.c), allocating in a (the
 * target's arena); output appended to out. */
bool corr_compile(struct session *s, struct arena *a, struct diag *d,
		  const struct correlation *c, struct buf *out);
void driver_render(const struct session *s, const struct diag *d, struct buf *err);
/* Forgets the pieces recorded so far (a new output starts). */
void driver_forget_pieces(struct session *s);
/* Frees the pieces and the messages seen. */
void driver_free(struct session *s);

#endif
