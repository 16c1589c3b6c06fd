/* aql.c: placeholder while the aql backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax aql_syntax = {"and", "or", "not(", ")"};

static bool
aql_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target aql is not implemented yet");
}

static bool
aql_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_aql = {
	.name = "aql",
	.ext = "aql",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &aql_syntax,
	.match = aql_match,
	.query = aql_query,
};
