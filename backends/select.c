/*
 * select.c: the pipeline's event selection (struct selection) written in a
 * target's syntax (struct selsyntax). The pipelines hold the conditions as
 * data, so no backend parses a selection string, and a pipeline can serve
 * every target that shares its data model.
 */
#include "backend.h"

#include <string.h>

static bool sel_conds(struct emitter *em, const struct selsyntax *s, const struct sel_cond *c,
		      unsigned n, bool nested, struct buf *out);

/* A value: bare when the target's bare alphabet covers it, else a literal. */
static bool
sel_value(struct emitter *em, const struct selsyntax *s, const char *v, struct buf *out)
{
	size_t n = strlen(v);
	if (s->bare && n && strspn(v, s->bare) == n) {
		buf_puts(out, v);
		return true;
	}
	if (!quote_put(out, s->quote, v, n))
		return emit_refuse_control(em, em->q->meta.logsource.pos,
					   "pipeline selection value", v, n);
	return true;
}

static bool
sel_any(struct emitter *em, const struct selsyntax *s, const struct sel_cond *c, struct buf *out)
{
	buf_putc(out, '(');
	for (unsigned g = 0; g < c->any_count; g++) {
		if (g)
			buf_puts(out, s->or_op);
		if (!sel_conds(em, s, c->any[g].all, c->any[g].all_count, true, out))
			return false;
	}
	buf_putc(out, ')');
	return true;
}

/* A form the target has no syntax for: refused by name, never dropped. */
static bool
sel_unsupported(struct emitter *em, const char *form, const char *field)
{
	return emit_refuse_unsupported(em, em->q->meta.logsource.pos, NULL,
				       "pipeline selection %s on '%s'", form, field);
}

static bool
sel_cond(struct emitter *em, const struct selsyntax *s, const struct sel_cond *c, struct buf *out)
{
	if (c->any)
		return sel_any(em, s, c, out);
	const char *f = s->name ? s->name(em, c->field) : c->field;
	if (c->exists) {
		if (!s->exists)
			return sel_unsupported(em, "exists", c->field);
		f = arena_printf(em->a, s->exists, f);
	}
	/* the pipeline writes the name as the target spells it (#event_simpleName) */
	if (!quote_put(out, &quote_none, f, strlen(f)))
		return emit_refuse_control(em, em->q->meta.logsource.pos,
					   "pipeline selection field", c->field, strlen(c->field));
	if (c->exists)
		return true;
	if (c->in) {
		if (!s->in_op)
			return sel_unsupported(em, "in", c->field);
		buf_puts(out, s->in_op);
		for (unsigned i = 0; i < c->in_count; i++) {
			buf_puts(out, i ? ", " : "");
			if (!sel_value(em, s, c->in[i], out))
				return false;
		}
		buf_putc(out, ')');
		return true;
	}
	if (c->regex) {
		if (!s->regex)
			return sel_unsupported(em, "regex", c->field);
		buf_puts(out, s->eq);
		quote_regex(out, s->regex, c->regex, strlen(c->regex));
		return true;
	}
	if (c->prefix) {
		if (!s->prefix_op)
			return sel_unsupported(em, "prefix", c->field);
		/* the target's wildcard is '*', inside the literal */
		buf_puts(out, s->prefix_op);
		return sel_value(em, s, arena_printf(em->a, "%s*", c->prefix), out);
	}
	if (c->number) {	/* digits only (checked at load) */
		buf_printf(out, "%s%s", s->num_eq ? s->num_eq : s->eq, c->number);
		return true;
	}
	buf_puts(out, s->eq);
	return sel_value(em, s, c->value, out);
}

static bool
sel_conds(struct emitter *em, const struct selsyntax *s, const struct sel_cond *c, unsigned n,
	  bool nested, struct buf *out)
{
	if (nested && n > 1)
		buf_putc(out, '(');
	for (unsigned i = 0; i < n; i++) {
		if (i)
			buf_puts(out, s->and_op);
		if (!sel_cond(em, s, &c[i], out))
			return false;
	}
	if (nested && n > 1)
		buf_putc(out, ')');
	return true;
}

const char *
emit_selection(struct emitter *em, const struct selsyntax *s, const struct sel_cond *where,
	       unsigned n)
{
	struct buf b = {0};
	const char *r = NULL;
	if (sel_conds(em, s, where, n, false, &b))
		r = arena_strndup(em->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

const char *
emit_from(struct emitter *em)
{
	const struct selection *s = em->q->select;
	if (s->from)
		return s->from;
	emit_refuse(em, em->q->meta.logsource.pos, "the pipeline's selection for logsource %s "
		    "names no 'from'", em->q->meta.logsource.name);
	return NULL;
}
