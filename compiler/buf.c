/*
 * buf.c: a heap string builder. Query text and diagnostics are written into
 * a struct buf; it outlives the per-rule arena, so it uses the heap.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = mem_realloc(b->data, cap);
	b->data = p;
	b->cap = cap;
}

void
buf_putint(struct buf *b, long v)
{
	char digits[24];
	int n = 0;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
	do
		digits[sizeof(digits) - 1 - n++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		digits[sizeof(digits) - 1 - n++] = '-';
	buf_putn(b, digits + sizeof(digits) - n, (size_t)n);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* format into the free room first: only text that does not fit is formatted twice */
	va_list ap2;
	va_copy(ap2, ap);
	if (!b->data)
		buf_reserve(b, 0);	/* a first text of up to 255 bytes is formatted once */
	size_t room = b->cap - b->len;
	int n = vsnprintf(b->data ? b->data + b->len : NULL, b->data ? room : 0, fmt, ap);
	if (n < 0) {	/* an encoding error: nothing appended */
		if (b->data)
			b->data[b->len] = '\0';
		va_end(ap2);
		return;
	}
	if (!b->data || (size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_indent(struct buf *b, int n)
{
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	memset(b->data + b->len, ' ', (size_t)n);
	b->len += (size_t)n;
	b->data[b->len] = '\0';
}

void
buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
