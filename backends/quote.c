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

#include <string.h>

bool
emit_is_control(char c)
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
		if (!emit_is_control((char)c) || quote_named(q, c))
			continue;
		if (!q->control || (c == 0 && !q->nul))
			return i;
	}
	return n;
}

bool
quote_put(struct buf *out, const struct quoting *q, const char *s, size_t n)
{
	if (quote_check(q, s, n) < n)
		return false;
	buf_puts(out, q->open);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char named = emit_is_control((char)c) ? quote_named(q, c) : 0;
		if (named) {
			buf_putc(out, q->escape);
			buf_putc(out, named);
		} else if (emit_is_control((char)c)) {
			buf_printf(out, q->control, c);
		} else {
			/* the escape character (or, without one, the quote doubled) */
			if (strchr(q->special, (char)c))
				buf_putc(out, q->escape ? q->escape : (char)c);
			buf_putc(out, (char)c);
		}
	}
	buf_puts(out, q->close);
	return true;
}

const char *
quote_str(struct arena *a, const struct quoting *q, const char *s, size_t n)
{
	struct buf b = {0};
	const char *r = NULL;
	if (quote_put(&b, q, s, n))
		r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

const char *
emit_show(struct arena *a, const char *s, size_t n)
{
	struct buf b = {0};
	for (size_t i = 0; i < n; i++) {
		if (emit_is_control(s[i]))
			buf_printf(&b, "\\x%02x", (unsigned char)s[i]);
		else
			buf_putc(&b, s[i]);
	}
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

bool
emit_refuse_control(struct emitter *em, struct pos pos, const char *what, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !emit_is_control(s[i]))
		i++;
	unsigned c = i < n ? (unsigned char)s[i] : 0;
	return diag_error(em->d, pos, "%s contains control character 0x%02x, which a literal of "
			  "target %s cannot hold", what, c, em->be->name);
}

bool
emit_name_ok(struct emitter *em, struct pos pos, const char *name)
{
	size_t n = strlen(name);
	if (quote_check(&quote_none, name, n) < n)
		return diag_error(em->d, pos, "field name '%s' contains control character 0x%02x, "
				  "which target %s cannot quote", name,
				  (unsigned char)name[quote_check(&quote_none, name, n)], em->be->name);
	if (!em->be->syntax->bare_paths)
		return true;
	bool ok = n && !(name[0] >= '0' && name[0] <= '9') && name[0] != '.';
	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		     (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '.';
	if (!ok)
		return diag_error(em->d, pos, "field name '%s' is not a path of the form "
				  "[A-Za-z_][A-Za-z0-9_.]*, and target %s has no quoting for field "
				  "names", name, em->be->name);
	return true;
}

/* Every field name the query writes: match fields, fieldref operands. */
static bool
emit_names_expr(struct emitter *em, const struct expr *e)
{
	if (e->kind != EXPR_MATCH) {
		for (int i = 0; i < e->nkids; i++)
			if (!emit_names_expr(em, e->kids[i]))
				return false;
		return true;
	}
	const struct match *m = &e->match;
	if (m->field && !emit_name_ok(em, m->pos, m->field))
		return false;
	for (int i = 0; m->op == MATCH_FIELDREF && i < m->nvals; i++)
		if (!emit_name_ok(em, m->pos, m->vals[i].text))
			return false;
	return true;
}

bool
emit_names(struct emitter *em)
{
	const struct query *q = em->q;
	if (!emit_names_expr(em, q->expr))
		return false;
	for (int i = 0; i < q->nproject; i++) {
		struct pos at = q->rule->pos;	/* the fields: entry when it names the column */
		for (int k = 0; q->rule->field_pos && k < q->rule->nfields; k++)
			if (!strcmp(q->rule->fields[k], q->project[i]))
				at = q->rule->field_pos[k];
		if (!emit_name_ok(em, at, q->project[i]))
			return false;
	}
	return true;
}

/* No escapes at all: the check that a text holds no control character. */
const struct quoting quote_none = {.open = "", .close = "", .special = ""};
