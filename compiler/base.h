/*
 * base.h: the small toolbox every stage uses: source positions, the per-rule
 * arena, a growable string buffer and diagnostics.
 *
 * Ownership rule (the only one): everything reachable from a struct rule,
 * struct query or struct expr lives in the arena of the rule being compiled;
 * nothing is freed individually, the whole arena is reset between rules.
 */
#ifndef SIGMACC_BASE_H
#define SIGMACC_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A 1-based position in a source file; line 0 means "no position". */
struct pos {
	const char *file;
	int line, col;
};

/* arena.c */
struct arena_block;
struct arena_heap;
struct arena {
	struct arena_block *head;	/* newest block first */
	size_t used;			/* bytes used in head */
	size_t total;			/* bytes handed out since the last reset */
	struct arena_heap *heap;	/* adopted heap blocks, freed with the arena */
	struct arena_block *spare;	/* released ordinary blocks, reused before malloc */
	struct arena_block *spare_large;	/* released blocks for one large object */
	unsigned char *base;		/* head's memory and its size (0: no head), for */
	size_t cap;			/* arena_alloc_raw's inline path */
};

/* What an arena holds at one moment, to go back to it. */
struct arena_mark {
	struct arena_block *head;
	size_t used, total;
	struct arena_heap *heap;
};

/* The heap, for what outlives a rule's arena: one seam, which ends the process
 * with a message when memory runs out (no caller sees NULL). */
void *mem_alloc(size_t size);
void *mem_calloc(size_t count, size_t size);	/* zeroed; count * size checked */
void *mem_realloc(void *p, size_t size);

/* Nothing in an arena needs more than pointer, int64_t or double alignment, and
 * rounding the many small objects of a large rule (nodes, values, segments) to
 * 16 bytes would waste a fifth of their memory. */
#define ARENA_ALIGN 8
/* arena_alloc_raw when the head block has no room: a new block first. */
void *arena_alloc_grown(struct arena *a, size_t size);
/* For memory about to be overwritten. Inline: millions of small objects a run, and
 * most fit the head block. */
static inline void *
arena_alloc_raw(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (a->used + size > a->cap)
		return arena_alloc_grown(a, size);
	void *p = a->base + a->used;
	a->used += size;
	a->total += size;
	return p;
}
void *arena_alloc(struct arena *a, size_t size);	/* zeroed */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The n strings of parts joined, a NULL one written as printf writes it ("(null)"):
 * arena_printf("%s%s...") without parsing a format, for per-rule and per-value text. */
char *arena_cat(struct arena *a, const char *const *parts, int n);
/* Makes the arena own a malloc'd block (freed at reset), so that a large
 * buffer produced elsewhere is kept without a copy. */
void arena_adopt(struct arena *a, void *p);
void arena_reset(struct arena *a);	/* drops everything, keeps a few blocks for reuse */
void arena_free(struct arena *a);
struct arena_mark arena_mark(const struct arena *a);
/* Drops what was allocated since m (blocks are kept for reuse, adopted ones freed). */
void arena_release(struct arena *a, struct arena_mark m);

/* A growable array in the arena: ptr, n and cap named by the caller. The room
 * beyond n is not zeroed: nothing reads it before a push writes it. */
#define VEC_PUSH(arena, ptr, n, cap, val) do { \
	if ((n) == (cap)) { \
		int cap_ = (cap) ? (cap) * 2 : 8; \
		void *np_ = arena_alloc_raw((arena), sizeof(*(ptr)) * (size_t)cap_); \
		if ((n)) memcpy(np_, (ptr), sizeof(*(ptr)) * (size_t)(n)); \
		(ptr) = np_; (cap) = cap_; \
	} \
	(ptr)[(n)++] = (val); \
} while (0)

/*
 * strmap.c: a hash index from byte strings (compared by length, so they may
 * hold NUL) to ints, in an arena. Used wherever a name is looked up among
 * many (keys, anchors, search identifiers, value lists) so that no lookup is
 * a scan. The hash is seeded per table, so inputs cannot be tuned offline to
 * collide.
 */
struct strmap_slot {
	const char *key;	/* NULL = empty */
	size_t len;
	int val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;		/* cap is 0 or a power of two */
	uint64_t seed;
};

/* The value stored for key, or -1. */
int strmap_get(const struct strmap *m, const char *key, size_t len);
/* Stores val (>= 0) for key unless key is present; returns the value already
 * stored, or -1 when val was stored. key must outlive the map. */
int strmap_put(struct arena *a, struct strmap *m, const char *key, size_t len, int val);
/* The hash of the len bytes at s with a seed fixed for the process, for the
 * hash sets outside strmap (the manifest's names, the printed messages). */
uint64_t strmap_hash(const char *s, size_t len);

/* buf.c: a heap string builder, always NUL-terminated. */
struct buf {
	char *data;
	size_t len, cap;
};

/* Room for extra more bytes and the terminating NUL. */
void buf_reserve(struct buf *b, size_t extra);
/* Inline: query text is written in a million small pieces; most fit the room there is. */
static inline void
buf_putn(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}
static inline void
buf_puts(struct buf *b, const char *s)
{
	buf_putn(b, s, strlen(s));
}
/* Inline: query text is written a byte at a time in many places. */
static inline void
buf_putc(struct buf *b, char c)
{
	if (b->len + 2 > b->cap)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* A decimal number: printf's "%ld" without parsing a format on hot paths. */
void buf_putint(struct buf *b, long v);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_indent(struct buf *b, int n);
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

/* diag.c: errors and warnings of one rule, printed by the CLI. */
enum diag_kind {
	DIAG_ERROR,	/* the rule produces no output */
	DIAG_WARNING,	/* output is produced; the user should know */
};

struct diag_msg {
	enum diag_kind kind;
	struct pos pos;
	char *text;	/* heap */
	const char *rule_id;	/* d->rule_id when it was recorded (JSON output) */
	char *code;	/* heap: a stable slug of the message's format, "unknown-modifier" */
};

/* The text of one input file, kept so that diagnostics can quote the line. */
struct source {
	const char *name;
	const char *text;
	size_t len;
};

struct diag {
	const struct source *src;	/* for the caret line; may be NULL */
	const char *context;		/* "rule 'T' (id): " prefix, or NULL */
	const char *rule_id;		/* the rule's id, or NULL (JSON output) */
	const char *target;		/* the target being compiled, or NULL (JSON output) */
	struct diag_msg *msgs;		/* heap */
	int nmsgs, cap;
	int nerrors;
};

/* Records an error and returns false, so callers can `return diag_error(...)`. */
bool diag_error(struct diag *d, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warning(struct diag *d, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends every message in the human form (file:line:col: error: ... + caret). */
void diag_render(const struct diag *d, struct buf *out);
/* Appends every message as GitHub Actions annotations or JSON lines. */
void diag_render_github(const struct diag *d, struct buf *out);
void diag_render_json(const struct diag *d, struct buf *out);
/* s as a JSON string literal, quotes included. */
void json_put_string(struct buf *out, const char *s);
/* Gives the last message an explicit code (the slug of its format otherwise). */
void diag_set_code(struct diag *d, const char *code);
void diag_clear(struct diag *d);

#endif
