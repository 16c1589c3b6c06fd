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
	size_t i = 0;
	/* eight bytes at a time while none is a control character (a byte below 0x20 or
	 * DEL), as in most texts; the word that holds one is looked at byte by byte */
	for (; i + 8 <= n; i += 8) {
		uint64_t x, del;
		memcpy(&x, s + i, 8);
		del = x ^ 0x7f7f7f7f7f7f7f7fu;
		if (((x - 0x2020202020202020u) & ~x & 0x8080808080808080u) |
		    ((del - 0x0101010101010101u) & ~del & 0x8080808080808080u))
			break;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 0x20 && c != 0x7f) || quote_named(q, c))
			continue;
		if (!q->control || (c == 0 && !q->nul))
			return i;
	}
	return n;
}

/*
 * What quote_write needs of q, found once per literal: one byte per byte value,
 * nonzero where the byte needs more than itself (control characters, the
 * literal's escape character and quote, q->special), and the delimiters'
 * lengths. A table lookup per byte is the cheapest test on the per-value path.
 */
struct quote_plan {
	unsigned char marks[256];
	size_t open, close;
	size_t first;	/* the first marked byte of the text measured (its length: none) */
};

static void
plan_init(struct quote_plan *pl, const struct quoting *q)
{
	memset(pl->marks, 0, sizeof(pl->marks));
	memset(pl->marks, 1, 0x20);	/* 0x00-0x1f */
	pl->marks[0x7f] = 1;
	for (const char *p = q->special; p && *p; p++)
		pl->marks[(unsigned char)*p] = 1;
	pl->open = strlen(q->open);
	pl->close = strlen(q->close);
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
quote_measure(const struct quoting *q, struct quote_plan *pl, const char *s, size_t n,
	      size_t *len)
{
	size_t extra = 0;
	size_t i = 0;
	while (i < n && !pl->marks[(unsigned char)s[i]])
		i++;
	pl->first = i;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!pl->marks[c])
			continue;
		if (!quote_is_control((char)c)) {
			extra++;	/* escaped or doubled: two bytes */
			continue;
		}
		if (!quote_named(q, c) && (!q->control || (c == 0 && !q->nul)))
			return i;
		char two[2], ctl[16];
		const char *w;
		size_t k;
		marked_form(q, c, two, ctl, &w, &k);
		extra += k - 1;
	}
	*len = pl->open + n + extra + pl->close;
	return n;
}

/* Writes s, measured by quote_measure, as q's literal to out. */
static void
quote_write(char *out, const struct quoting *q, const struct quote_plan *pl, const char *s,
	    size_t n)
{
	memcpy(out, q->open, pl->open);
	char *w = out + pl->open;
	/* most literals have no marked byte at all: up to the first one, a copy */
	if (pl->first)
		memcpy(w, s, pl->first);
	w += pl->first;
	for (size_t i = pl->first; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!pl->marks[c]) {	/* most bytes: a byte loop beats a memcpy per short run */
			*w++ = (char)c;
			continue;
		}
		char two[2], ctl[16];
		const char *f;
		size_t k;
		marked_form(q, c, two, ctl, &f, &k);
		memcpy(w, f, k);
		w += k;
	}
	memcpy(w, q->close, pl->close);
}

/* Can q's literal hold s? Then its plan and *len for quote_write. */
static bool
quote_plan(const struct quoting *q, const char *s, size_t n, struct quote_plan *pl, size_t *len)
{
	plan_init(pl, q);
	return quote_measure(q, pl, s, n, len) == n;
}

bool
quote_put(struct buf *out, const struct quoting *q, const char *s, size_t n)
{
	struct quote_plan pl;
	size_t len;
	if (!quote_plan(q, s, n, &pl, &len))
		return false;
	buf_reserve(out, len);
	quote_write(out->data + out->len, q, &pl, s, n);
	out->len += len;
	out->data[out->len] = '\0';
	return true;
}

const char *
quote_str(struct arena *a, const struct quoting *q, const char *s, size_t n)
{
	struct quote_plan pl;
	size_t len;
	if (!quote_plan(q, s, n, &pl, &len))
		return NULL;
	char *r = arena_alloc_raw(a, len + 1);
	quote_write(r, q, &pl, s, n);
	r[len] = '\0';
	return r;
}

/* quote_regex's flags of a byte (several may hold). */
enum {
	RE_ESCAPE = 1,	/* q->escape: an escape pair starts */
	RE_CONTROL = 2,	/* a control character or one of q->hex: the control form */
	RE_SPECIAL = 4,	/* written after the escape character */
};

/* The control form of c; then room again for two bytes per byte left and the close. */
static void
regex_control(struct buf *out, const struct quoting *q, unsigned char c, size_t room)
{
	out->data[out->len] = '\0';
	buf_printf(out, q->control, c);
	buf_reserve(out, room);
}

void
quote_regex(struct buf *out, const struct quoting *q, const char *re, size_t n)
{
	unsigned char cls[256] = {0};
	for (const char *p = q->special; p && *p; p++)
		cls[(unsigned char)*p] |= RE_SPECIAL;
	for (const char *p = q->hex; p && *p; p++)
		cls[(unsigned char)*p] |= RE_CONTROL;
	for (int c = 0; c < 0x20; c++)
		cls[c] |= RE_CONTROL;
	cls[0x7f] |= RE_CONTROL;
	cls[(unsigned char)q->escape] |= RE_ESCAPE;
	size_t close = strlen(q->close);
	buf_puts(out, q->open);
	/* every byte but a control form takes at most two: room for those once */
	buf_reserve(out, 2 * n + close);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)re[i];
		unsigned f = cls[c];
		if (!f) {
			out->data[out->len++] = (char)c;
			continue;
		}
		if ((f & RE_ESCAPE) && i + 1 < n) {
			c = (unsigned char)re[i + 1];
			if (quote_is_control((char)c))
				continue;	/* an escaped control character is that character */
			if (cls[c] & RE_CONTROL) {
				regex_control(out, q, c, 2 * (n - i) + close);
			} else {
				out->data[out->len++] = re[i];
				out->data[out->len++] = (char)c;
			}
			i++;
		} else if (f & RE_CONTROL) {
			regex_control(out, q, c, 2 * (n - i) + close);
		} else {
			if (f & RE_SPECIAL)
				out->data[out->len++] = q->escape;
			out->data[out->len++] = (char)c;
		}
	}
	out->data[out->len] = '\0';
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
