/* yaral.c: placeholder while the yaral backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax yaral_syntax = {"and", "or", "not(", ")"};

static bool
yaral_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target yaral is not implemented yet");
}

static bool
yaral_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_yaral = {
	.name = "yaral",
	.ext = "yaral",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &yaral_syntax,
	.match = yaral_match,
	.query = yaral_query,
};
