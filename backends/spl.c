/* spl.c: placeholder while the spl backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax spl_syntax = {"and", "or", "not(", ")"};

static bool
spl_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target spl is not implemented yet");
}

static bool
spl_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_spl = {
	.name = "spl",
	.ext = "spl",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &spl_syntax,
	.match = spl_match,
	.query = spl_query,
};
