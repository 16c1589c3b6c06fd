/*
 * flags.c: the flag columns and the newest-first order of a query (README,
 * "Flag columns"), shared by the backends whose query can compute a column.
 * A flag is the same expression IR as the detection, so each target writes
 * it with its own token table, as exactly as the filter; only the wrapper
 * that turns a condition into a column differs, and the backend passes it.
 */
#include "backend.h"

#include <string.h>

const char *const flag_formats_default[] = {"default", NULL};

bool
flags_supported(const struct backend *be, const char *format)
{
	for (int i = 0; be->flag_formats && be->flag_formats[i]; i++)
		if (!strcmp(be->flag_formats[i], format ? format : "default"))
			return true;
	return false;
}

bool
flags_emit(struct emitter *em, const struct backend *expr_be, const char *lead, int indent,
	   const char *open, const char *close)
{
	const struct query *q = em->q;
	struct emitter fe = *em;
	fe.be = expr_be ? expr_be : em->be;
	fe.negated = 0;
	for (int i = 0; i < q->nflags; i++) {
		const char *name = emit_ident(&fe, q->flags[i].name);
		buf_puts(em->out, lead);
		emit_newline(em, indent);
		buf_puts(em->out, emit_fill(em, open, name, q->flags[i].name));
		if (!emit_expr(&fe, q->flags[i].expr, indent + 4))
			return false;
		buf_puts(em->out, emit_fill(em, close, name, q->flags[i].name));
	}
	return true;
}

void
flags_project(struct emitter *em, const char *sep)
{
	for (int i = 0; i < em->q->nflags; i++)
		buf_printf(em->out, "%s%s", sep, emit_ident(em, em->q->flags[i].name));
}

bool
flags_columns(struct emitter *em, const char *lead, const char *sep)
{
	if (!em->q->nproject)
		return false;
	emit_newline(em, 0);
	buf_puts(em->out, lead);
	for (int i = 0; i < em->q->nproject; i++) {
		buf_puts(em->out, i ? sep : "");
		buf_puts(em->out, emit_ident(em, em->q->project[i]));
	}
	flags_project(em, sep);
	return true;
}

bool
flags_names(struct emitter *em)
{
	for (int i = 0; i < em->q->nflags; i++)
		if (!emit_name_ok(em, em->q->flags[i].pos, em->q->flags[i].name))
			return false;
	return true;
}
