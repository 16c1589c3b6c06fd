/*
 * quote.c: the one string-literal writer every backend shares. A target's
 * literal is data (struct quoting): its delimiters, how it protects its own
 * quote and escape characters (a backslash, or doubling where the language
 * has no escapes), and how a control character is written, or that it cannot
 * be. Nothing here ever copies a control byte into the output: a literal
 * either holds the value exactly or is refused, so no byte of a rule can end
 * a literal early or reach the query text raw.
 */
#include "backend.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool
quote_is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

/* The letter of a named escape of c ("\tt\nn" pairs), or 0. */
static char
quote_named(const struct quoting *q, unsigned char c)
{
	for (const char *p = q->named; p && p[0]; p += 2)
		if ((unsigned char)p[0] == c)
			return p[1];
	return 0;
}

size_t
quote_check(const struct quoting *q, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 0x20 && c != 0x7f) || quote_named(q, c))
			continue;
		if (!q->control || (c == 0 && !q->nul))
			return i;
	}
	return n;
}

/* One bit per byte value: marks[c >> 6] >> (c & 63) & 1. */
static void
mark_chars(uint64_t marks[4], const char *chars)
{
	for (const char *p = chars; p && *p; p++)
		marks[(unsigned char)*p >> 6] |= 1ull << ((unsigned char)*p & 63);
}

static bool
marked(const uint64_t marks[4], char c)
{
	return marks[(unsigned char)c >> 6] >> ((unsigned char)c & 63) & 1;
}

/* The bytes that need more than themselves: control characters, the literal's
 * escape character and quote (q->special). */
static void
mark_special(uint64_t marks[4], const struct quoting *q)
{
	marks[0] = 0xffffffffu;	/* 0x00-0x1f */
	marks[1] = 1ull << 63;	/* 0x7f */
	marks[2] = marks[3] = 0;
	mark_chars(marks, q->special);
}

/* How a marked byte is written: *w, k bytes (ctl is room for a control form). */
static void
marked_form(const struct quoting *q, unsigned char c, char two[2], char ctl[16], const char **w,
	    size_t *k)
{
	char named = quote_is_control((char)c) ? quote_named(q, c) : 0;
	*w = two;
	*k = 2;
	if (named) {
		two[0] = q->escape;
		two[1] = named;
	} else if (quote_is_control((char)c)) {
		int m = snprintf(ctl, 16, q->control, c);
		*w = ctl;
		*k = m < 0 ? 0 : m < 16 ? (size_t)m : 15;
	} else {
		/* the escape character (or, without one, the quote doubled) */
		two[0] = q->escape ? q->escape : (char)c;
		two[1] = (char)c;
	}
}

/*
 * quote_check and the length of s as q's literal in one pass: the offset of the
 * first byte the literal cannot hold (n: none), and *len. Measured first, a
 * literal is written straight into memory of its size: no heap buffer each.
 */
static size_t
quote_measure(const struct quoting *q, const uint64_t marks[4], const char *s, size_t n,
	      size_t *len)
{
	size_t extra = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!marked(marks, (char)c))
			continue;
		if (quote_is_control((char)c) && !quote_named(q, c) &&
		    (!q->control || (c == 0 && !q->nul)))
			return i;
		char two[2], ctl[16];
		const char *w;
		size_t k;
		marked_form(q, c, two, ctl, &w, &k);
		extra += k - 1;
	}
	*len = strlen(q->open) + n + extra + strlen(q->close);
	return n;
}

/* Writes s, measured by quote_measure, as q's literal to out. */
static void
quote_write(char *out, const struct quoting *q, const uint64_t marks[4], const char *s, size_t n)
{
	size_t len = strlen(q->open);
	memcpy(out, q->open, len);
	for (size_t i = 0; i < n; i++) {
		size_t run = i;	/* copy a run of plain bytes at once */
		while (run < n && !marked(marks, s[run]))
			run++;
		if (run > i) {
			memcpy(out + len, s + i, run - i);
			len += run - i;
			i = run;
			if (i == n)
				break;
		}
		char two[2], ctl[16];
		const char *w;
		size_t k;
		marked_form(q, (unsigned char)s[i], two, ctl, &w, &k);
		memcpy(out + len, w, k);
		len += k;
	}
	memcpy(out + len, q->close, strlen(q->close));
}

/* Can q's literal hold s? Then its marks and *len for quote_write. */
static bool
quote_plan(const struct quoting *q, const char *s, size_t n, uint64_t marks[4], size_t *len)
{
	mark_special(marks, q);
	return quote_measure(q, marks, s, n, len) == n;
}

bool
quote_put(struct buf *out, const struct quoting *q, const char *s, size_t n)
{
	uint64_t marks[4];
	size_t len;
	if (!quote_plan(q, s, n, marks, &len))
		return false;
	buf_reserve(out, len);
	quote_write(out->data + out->len, q, marks, s, n);
	out->len += len;
	out->data[out->len] = '\0';
	return true;
}

const char *
quote_str(struct arena *a, const struct quoting *q, const char *s, size_t n)
{
	uint64_t marks[4];
	size_t len;
	if (!quote_plan(q, s, n, marks, &len))
		return NULL;
	char *r = arena_alloc_raw(a, len + 1);
	quote_write(r, q, marks, s, n);
	r[len] = '\0';
	return r;
}

void
quote_regex(struct buf *out, const struct quoting *q, const char *re, size_t n)
{
	uint64_t hex[4] = {0}, special[4] = {0};
	mark_chars(hex, q->hex);
	mark_chars(special, q->special);
	buf_puts(out, q->open);
	for (size_t i = 0; i < n; i++) {
		bool pair = re[i] == q->escape && i + 1 < n;
		char c = pair ? re[i + 1] : re[i];
		if (pair && quote_is_control(c))
			continue;	/* an escaped control character is that character */
		if (quote_is_control(c) || (c && marked(hex, c))) {
			buf_printf(out, q->control, (unsigned char)c);
		} else if (pair) {
			buf_putc(out, re[i]);
			buf_putc(out, c);
		} else {
			if (c && marked(special, c))
				buf_putc(out, q->escape);
			buf_putc(out, c);
		}
		i += pair;
	}
	buf_puts(out, q->close);
}

const char *
quote_show(struct arena *a, const char *s, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (quote_is_control(s[i]))
			buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
		else
			buf_putc(&b, s[i]);
	}
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* No escapes at all: the check that a text holds no control character. */
const struct quoting quote_none = {.open = "", .close = "", .special = ""};

/* The literals several targets share. */
const struct quoting quote_dq = {.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\"};
const struct quoting quote_slash_body = {
	.open = "", .close = "", .escape = '\\', .special = "/", .control = "\\x%02x", .nul = true,
};
const struct quoting quote_slashes = {.open = "/", .close = "/", .special = ""};
