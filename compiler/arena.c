/*
 * arena.c: the per-rule bump allocator. A compile of one rule allocates
 * everything here; arena_reset() drops it all at once before the next rule,
 * keeping a few blocks so that a batch reuses its memory. arena_release()
 * drops what was allocated after a mark and keeps its blocks for reuse: one
 * target's work on a rule file loaded once, before the next target's.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *next;
	size_t cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

/* Ordinary blocks a reset keeps for the next rule file (1 MiB): a batch of small
 * files then allocates no memory after the first. */
#define ARENA_SPARE_MAX 16

/* A released block of at least size bytes, or NULL: an ordinary one for an
 * ordinary request, the first large one that fits for a large request (a
 * large rule has few), so a large block is never used up by small requests. */
static struct arena_block *
take_spare(struct arena *a, size_t size)
{
	struct arena_block **p = size <= ARENA_BLOCK ? &a->spare : &a->spare_large;
	while (*p && (*p)->cap < size)
		p = &(*p)->next;
	struct arena_block *b = *p;
	if (b)
		*p = b->next;
	return b;
}

static void
arena_grow(struct arena *a, size_t size)
{
	struct arena_block *b = take_spare(a, size);	/* no malloc, no fresh pages */
	if (!b) {
		size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
		b = mem_alloc(sizeof(*b) + cap);
		b->cap = cap;
	}
	b->next = a->head;
	a->head = b;
	a->used = 0;
	a->base = b->data;
	a->cap = b->cap;
}

static void
mem_fail(void)
{
	fputs("sigmacc: out of memory\n", stderr);
	abort();
}

void *
mem_alloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		mem_fail();
	return p;
}

void *
mem_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);	/* calloc checks count * size */
	if (!p)
		mem_fail();
	return p;
}

void *
mem_realloc(void *old, size_t size)
{
	void *p = realloc(old, size ? size : 1);
	if (!p)
		mem_fail();
	return p;
}

void *
arena_alloc_grown(struct arena *a, size_t size)
{
	arena_grow(a, size);
	return arena_alloc_raw(a, size);
}

void *
arena_alloc(struct arena *a, size_t size)
{
	return memset(arena_alloc_raw(a, size), 0, size);
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc_raw(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_cat(struct arena *a, const char *const *parts, int n)
{
	size_t len = 0, at = 0, lens[8];	/* the first parts' lengths, measured once */
	for (int i = 0; i < n; i++) {
		size_t k = strlen(parts[i] ? parts[i] : "(null)");
		if (i < 8)
			lens[i] = k;
		len += k;
	}
	char *p = arena_alloc_raw(a, len + 1);
	for (int i = 0; i < n; i++) {
		const char *s = parts[i] ? parts[i] : "(null)";
		size_t k = i < 8 ? lens[i] : strlen(s);
		memcpy(p + at, s, k);
		at += k;
	}
	p[len] = '\0';
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	/* format into the free end of the current block; only text that does not
	 * fit is formatted a second time (the backends print one string per value) */
	size_t room = a->head ? a->head->cap - a->used : 0;
	char *p = a->head ? (char *)a->head->data + a->used : NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)	/* an encoding error: nothing to print */
		return arena_strndup(a, "", 0);
	if ((size_t)n < room)	/* room and used are multiples of ARENA_ALIGN: it is p */
		return arena_alloc_raw(a, (size_t)n + 1);
	p = arena_alloc_raw(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* A heap block the arena owns; the list itself lives in the arena. */
struct arena_heap {
	struct arena_heap *next;
	void *p;
};

void
arena_adopt(struct arena *a, void *p)
{
	struct arena_heap *h = arena_alloc(a, sizeof(*h));
	h->p = p;
	h->next = a->heap;
	a->heap = h;
}

/* Frees the adopted blocks down to (not including) keep. */
static void
free_adopted(struct arena *a, struct arena_heap *keep)
{
	while (a->heap != keep) {
		struct arena_heap *h = a->heap;
		a->heap = h->next;	/* h itself lives in a block that is being released */
		free(h->p);
	}
}

struct arena_mark
arena_mark(const struct arena *a)
{
	return (struct arena_mark){a->head, a->used, a->total, a->heap};
}

void
arena_release(struct arena *a, struct arena_mark m)
{
	free_adopted(a, m.heap);
	while (a->head != m.head) {
		struct arena_block *b = a->head;
		struct arena_block **list = b->cap == ARENA_BLOCK ? &a->spare : &a->spare_large;
		a->head = b->next;
		b->next = *list;
		*list = b;
	}
	a->used = m.used;
	a->total = m.total;
	a->base = a->head ? a->head->data : NULL;
	a->cap = a->head ? a->head->cap : 0;
}

static void
free_blocks(struct arena_block *b)
{
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
}

void
arena_reset(struct arena *a)
{
	arena_release(a, (struct arena_mark){0});
	/* keep a few ordinary blocks; a large rule's many blocks and outsized ones go */
	struct arena_block *b = a->spare;
	for (int kept = 1; b && kept < ARENA_SPARE_MAX; kept++)
		b = b->next;
	if (b) {
		free_blocks(b->next);
		b->next = NULL;
	}
	free_blocks(a->spare_large);
	a->spare_large = NULL;
}

void
arena_free(struct arena *a)
{
	arena_release(a, (struct arena_mark){0});
	free_blocks(a->spare);
	free_blocks(a->spare_large);
	a->spare = a->spare_large = NULL;
}
