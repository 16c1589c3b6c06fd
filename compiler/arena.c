/*
 * arena.c: the per-rule bump allocator. A compile of one rule allocates
 * everything here; arena_reset() drops it all at once before the next rule,
 * keeping the first block so that a batch reuses its memory.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK (64 * 1024)
/* Nothing in an arena needs more than pointer, int64_t or double alignment, and
 * rounding the many small objects of a large rule (nodes, values, segments) to
 * 16 bytes would waste a fifth of their memory. */
#define ARENA_ALIGN 8

struct arena_block {
	struct arena_block *next;
	size_t cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

static void
arena_grow(struct arena *a, size_t size)
{
	size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
	struct arena_block *b = malloc(sizeof(*b) + cap);
	if (!b) {
		fputs("sigmacc: out of memory\n", stderr);
		abort();
	}
	b->cap = cap;
	b->next = a->head;
	a->head = b;
	a->used = 0;
}

void *
arena_alloc_raw(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (!a->head || a->used + size > a->head->cap)
		arena_grow(a, size);
	void *p = a->head->data + a->used;
	a->used += size;
	a->total += size;
	return p;
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
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = arena_alloc_raw(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
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

static void
free_adopted(struct arena *a)
{
	for (struct arena_heap *h = a->heap; h; h = h->next)
		free(h->p);
	a->heap = NULL;
}

void
arena_reset(struct arena *a)
{
	free_adopted(a);
	if (!a->head)
		return;
	struct arena_block *keep = a->head;
	while (keep->next) {
		struct arena_block *b = keep->next;
		keep->next = b->next;
		free(b);
	}
	/* keep the last block only if it is the ordinary size */
	if (keep->cap > ARENA_BLOCK) {
		free(keep);
		a->head = NULL;
	}
	a->used = 0;
	a->total = 0;
}

void
arena_free(struct arena *a)
{
	free_adopted(a);
	while (a->head) {
		struct arena_block *b = a->head;
		a->head = b->next;
		free(b);
	}
	a->used = 0;
	a->total = 0;
}
