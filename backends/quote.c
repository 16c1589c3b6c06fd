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

/*
 * s (which passed quote_check) as q's literal: written to out when out is not
 * NULL; returns its length. Callers measure first and then write into memory
 * of that size, so a literal needs no heap buffer of its own.
 */
static size_t
quote_write(char *out, const struct quoting *q, const char *s, size_t n)
{
	/* the bytes that need more than themselves: control characters, the
	 * literal's escape character and quote (q->special) */
	uint64_t marks[4] = {0xffffffffu, 1ull << 63, 0, 0};	/* 0x00-0x1f, 0x7f */
	mark_chars(marks, q->special);
	size_t len = 0, olen = strlen(q->open);
	char ctl[16];
	if (out)
		memcpy(out, q->open, olen);
	len += olen;
	for (size_t i = 0; i < n; i++) {
		size_t run = i;	/* copy a run of plain bytes at once */
		while (run < n && !marked(marks, s[run]))
			run++;
		if (run > i) {
			if (out)
				memcpy(out + len, s + i, run - i);
			len += run - i;
			i = run;
			if (i == n)
				break;
		}
		unsigned char c = (unsigned char)s[i];
		char named = quote_is_control((char)c) ? quote_named(q, c) : 0;
		char two[2] = {named ? q->escape : q->escape ? q->escape : (char)c,
			       named ? named : (char)c};
		const char *w = two;
		size_t k = 2;
		if (!named && quote_is_control((char)c)) {
			int m = snprintf(ctl, sizeof(ctl), q->control, c);
			w = ctl;
			k = m < 0 ? 0 : (size_t)m < sizeof(ctl) ? (size_t)m : sizeof(ctl) - 1;
		}
		if (out)
			memcpy(out + len, w, k);
		len += k;
	}
	size_t clen = strlen(q->close);
	if (out)
		memcpy(out + len, q->close, clen);
	return len + clen;
}

bool
quote_put(struct buf *out, const struct quoting *q, const char *s, size_t n)
{
	if (quote_check(q, s, n) < n)
		return false;
	size_t len = quote_write(NULL, q, s, n);
	buf_reserve(out, len);
	quote_write(out->data + out->len, q, s, n);
	out->len += len;
	out->data[out->len] = '\0';
	return true;
}

const char *
quote_str(struct arena *a, const struct quoting *q, const char *s, size_t n)
{
	if (quote_check(q, s, n) < n)
		return NULL;
	size_t len = quote_write(NULL, q, s, n);
	char *r = arena_alloc_raw(a, len + 1);
	quote_write(r, q, s, n);
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
