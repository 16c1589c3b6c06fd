/*
 * emit_parts.c: pieces a query hook writes around the expression: the fields
 * the event selection reads (ES|QL splits multi-valued ones with MV_EXPAND
 * before comparing them), and a field name outside a query (correlations).
 */
#include "backend.h"

#include <string.h>

/* Is f one of the lines of seen? */
static bool
parts_seen(const struct buf *seen, const char *f)
{
	size_t n = strlen(f);
	for (const char *l = seen->data; l && *l; l = strchr(l, '\n') + 1)
		if (!strncmp(l, f, n) && l[n] == '\n')
			return true;
	return false;
}

static void
parts_fields(struct emitter *em, const struct sel_cond *c, unsigned n, struct buf *seen)
{
	for (unsigned i = 0; i < n; i++) {
		for (unsigned g = 0; g < c[i].any_count; g++)
			parts_fields(em, c[i].any[g].all, c[i].any[g].all_count, seen);
		const char *f = c[i].field ? emit_ident(em, c[i].field) : NULL;
		if (!f || parts_seen(seen, f))
			continue;
		buf_printf(seen, "%s\n", f);
	}
}

const char *
emit_selection_fields(struct emitter *em, const struct sel_cond *c, unsigned n)
{
	struct buf seen = {0};
	parts_fields(em, c, n, &seen);
	const char *r = arena_strndup(em->a, seen.data ? seen.data : "", seen.len);
	buf_free(&seen);
	return r;
}

const char *
emit_name_of(struct arena *a, const struct backend *be, const char *name)
{
	struct query none = {0};
	struct emitter em = {.a = a, .be = be, .q = &none};
	const char *r = emit_ident(&em, name);
	return r ? r : name;	/* a quoting that cannot hold the name (a control character) */
}
