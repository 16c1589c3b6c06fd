/* logscale.c: placeholder while the logscale backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax logscale_syntax = {"and", "or", "not(", ")"};

static bool
logscale_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target logscale is not implemented yet");
}

static bool
logscale_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_logscale = {
	.name = "logscale",
	.ext = "logscale",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &logscale_syntax,
	.match = logscale_match,
	.query = logscale_query,
};
