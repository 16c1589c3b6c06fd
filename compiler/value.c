/*
 * value.c: Sigma string values to patterns (sigma-spec.md §5.2, §5.3, §8).
 * A pattern is a list of segments: literal text, W* and W?, and with
 * `expand` the %name% placeholders. Escapes are resolved here, once, so no
 * later stage and no backend ever reads Sigma escape syntax.
 */
#include "sigma.h"

#include <string.h>

void
value_push(struct arena *a, struct pattern *p, int *cap, struct seg s)
{
	struct seg *last = p->nsegs ? &p->segs[p->nsegs - 1] : NULL;
	if (s.kind == SEG_TEXT && s.len == 0)
		return;
	if (last && s.kind == SEG_STAR && last->kind == SEG_STAR)
		return;
	if (last && s.kind == SEG_TEXT && last->kind == SEG_TEXT) {
		char *t = arena_alloc(a, last->len + s.len + 1);
		memcpy(t, last->text, last->len);
		memcpy(t + last->len, s.text, s.len);
		last->text = t;
		last->len += s.len;
		return;
	}
	if (p->nsegs >= *cap) {
		*cap = p->nsegs < 4 ? 4 : 2 * p->nsegs;
		struct seg *segs = arena_alloc(a, sizeof(*segs) * (size_t)*cap);
		if (p->nsegs)
			memcpy(segs, p->segs, sizeof(*segs) * (size_t)p->nsegs);
		p->segs = segs;
	}
	p->segs[p->nsegs++] = s;
}

void
value_append(struct arena *a, struct pattern *p, struct seg s)
{
	int cap = 0;	/* p's segs may be shared: copy before growing */
	value_push(a, p, &cap, s);
}

struct pattern
value_literal(struct arena *a, const char *s, size_t len)
{
	struct pattern p = {0};
	value_append(a, &p, (struct seg){SEG_TEXT, arena_strndup(a, s, len), len});
	return p;
}

/*
 * Collects literal bytes into one buffer; each text segment is a
 * NUL-terminated stretch of it, so a value is copied once, not twice.
 */
struct builder {
	struct arena *a;
	struct seg *segs;
	int n, cap;
	char *text;		/* room for every byte plus a NUL per segment */
	size_t start, len;	/* the open stretch is text[start..len) */
};

static void
flush_text(struct builder *b)
{
	if (b->len > b->start) {
		struct seg s = {SEG_TEXT, b->text + b->start, b->len - b->start};
		b->text[b->len++] = '\0';
		VEC_PUSH(b->a, b->segs, b->n, b->cap, s);
	}
	b->start = b->len;
}

static void
push(struct builder *b, enum seg_kind kind, const char *text, size_t len)
{
	flush_text(b);
	if (kind == SEG_STAR && b->n && b->segs[b->n - 1].kind == SEG_STAR)
		return;
	struct seg s = {kind, text ? arena_strndup(b->a, text, len) : NULL, len};
	VEC_PUSH(b->a, b->segs, b->n, b->cap, s);
}

/* The bytes value_parse looks at: the rest are text, tested with one lookup each. */
static const bool value_special[256] = {['*'] = true, ['?'] = true, ['\\'] = true, ['%'] = true};

struct pattern
value_parse(struct arena *a, const char *s, size_t len, bool placeholders)
{
	/* a text segment ends only at a wildcard or placeholder: count its NULs */
	size_t ends = 1;
	bool plain = true;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!value_special[(unsigned char)c])
			continue;
		ends += c != '\\';
		plain &= c == '%' && !placeholders;
	}
	if (plain) {	/* most values: the one text segment is the value itself, not a copy */
		struct seg *seg = arena_alloc_raw(a, sizeof(*seg));
		*seg = (struct seg){SEG_TEXT, s, len};
		return (struct pattern){seg, len > 0};
	}
	struct builder b = {.a = a, .text = arena_alloc_raw(a, len + ends)};
	/* at most one wildcard or placeholder between text segments: exact for most values */
	b.cap = ends <= 4 ? 2 * (int)ends - 1 : 8;
	b.segs = arena_alloc(a, sizeof(*b.segs) * (size_t)b.cap);
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!value_special[(unsigned char)c]) {
			b.text[b.len++] = c;
			continue;
		}
		if (c == '\\' && i + 1 < len) {
			char n = s[i + 1];
			if (n == '*' || n == '?' || n == '\\' || (placeholders && n == '%')) {
				b.text[b.len++] = n;
				i++;
			} else {
				b.text[b.len++] = '\\';	/* kept; the next char is read normally */
			}
		} else if (c == '*') {
			push(&b, SEG_STAR, NULL, 0);
		} else if (c == '?') {
			push(&b, SEG_QMARK, NULL, 0);
		} else if (c == '%' && placeholders) {
			const char *end = memchr(s + i + 1, '%', len - i - 1);
			if (end && end > s + i + 1) {
				push(&b, SEG_PLACEHOLDER, s + i + 1, (size_t)(end - s - i - 1));
				i = (size_t)(end - s);
			} else {
				b.text[b.len++] = c;
			}
		} else {
			b.text[b.len++] = c;
		}
	}
	flush_text(&b);
	return (struct pattern){b.segs, b.n};
}

bool
value_has_wildcards(const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++)
		if (p->segs[i].kind != SEG_TEXT)
			return true;
	return false;
}

char *
value_text(struct arena *a, const struct pattern *p, size_t *len)
{
	size_t n = 0;
	for (int i = 0; i < p->nsegs; i++)
		n += p->segs[i].len;
	char *t = arena_alloc(a, n + 1);
	n = 0;
	for (int i = 0; i < p->nsegs; i++) {
		if (p->segs[i].len)
			memcpy(t + n, p->segs[i].text, p->segs[i].len);
		n += p->segs[i].len;
	}
	if (len)
		*len = n;
	return t;
}
