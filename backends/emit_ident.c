/*
 * emit_ident.c: a field name as a target writes it from its token table: bare
 * where every dotted segment is a plain word that is not reserved, else in
 * the target's name quoting; a computed column is its expression.
 */
#include "backend.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool
name_reserved(const struct syntax *sx, const char *s, size_t n)
{
	if (!n)
		return false;
	/* the first letter first: most words differ there, and it spares a strlen each */
	char c = sx->reserved_caseless ? (char)tolower((unsigned char)s[0]) : s[0];
	for (int i = 0; sx->reserved && sx->reserved[i]; i++) {
		const char *w = sx->reserved[i];
		char wc = sx->reserved_caseless ? (char)tolower((unsigned char)w[0]) : w[0];
		if (wc == c && strlen(w) == n &&
		    !(sx->reserved_caseless ? strncasecmp(w, s, n) : strncmp(w, s, n)))
			return true;
	}
	return false;
}

static bool
name_bare(const struct syntax *sx, const char *s, size_t n)
{
	size_t lead = n && sx->name_lead && strchr(sx->name_lead, s[0]) ? 1 : 0;
	if (n == lead || sx->name_quoted || (!sx->name_digit && s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = lead; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_' || (c && sx->name_chars && strchr(sx->name_chars, c))))
			return false;
	}
	return !name_reserved(sx, s, n);
}

/* emit_names refused control characters, so the quoting always holds the name. */
static void
name_put(struct buf *b, const struct syntax *sx, const char *s, size_t n)
{
	if (!sx->name_quote || name_bare(sx, s, n))
		buf_putn(b, s, n);
	else
		quote_put(b, sx->name_quote, s, n);
}

/* Is every dotted segment of name bare? */
static bool
name_path_bare(const struct syntax *sx, const char *name)
{
	for (const char *seg = name;; seg++) {
		size_t n = strcspn(seg, ".");
		if (!name_bare(sx, seg, n))
			return false;
		seg += n;
		if (!*seg)
			return true;
	}
}

const char *
emit_ident(struct emitter *em, const char *name)
{
	const struct syntax *sx = em->be->syntax;
	if (sx->ident)
		return sx->ident(em, name);
	if (sx->name_whole)
		return name_path_bare(sx, name) ? name
		       : quote_str(em->a, sx->name_quote, name, strlen(name));
	for (int i = 0; sx->name_extends && i < em->q->nextends; i++)
		if (!strcmp(em->q->extends[i].name, name))
			return em->q->extends[i].expr;
	struct buf own = {0}, *b = em->scratch ? &em->scratch[EMIT_SCRATCH_IDENT] : &own;
	buf_clear(b);
	const char *seg = name;
	for (;;) {
		/* a path splits at a dot between two non-empty segments */
		const char *dot = sx->name_segments ? strchr(seg, '.') : NULL;
		size_t n = dot && dot != seg && dot[1] ? (size_t)(dot - seg) : strlen(seg);
		if (seg != name)
			buf_putc(b, '.');
		name_put(b, sx, seg, n);
		if (seg[n] == '\0')
			break;
		seg += n + 1;
	}
	const char *r = arena_strndup(em->a, b->data ? b->data : "", b->len);
	buf_free(&own);
	return r;
}
