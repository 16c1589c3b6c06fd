/* sumo.c: placeholder while the sumo backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax sumo_syntax = {"and", "or", "not(", ")"};

static bool
sumo_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target sumo is not implemented yet");
}

static bool
sumo_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_sumo = {
	.name = "sumo",
	.ext = "sumo",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &sumo_syntax,
	.match = sumo_match,
	.query = sumo_query,
};
