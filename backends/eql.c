/* eql.c: placeholder while the eql backend is written; every rule is refused. */
#include "backend.h"

static const struct syntax eql_syntax = {"and", "or", "not(", ")"};

static bool
eql_match(struct emitter *em, const struct match *m, struct terms *out)
{
	(void)out;
	return diag_error(em->d, m->pos, "target eql is not implemented yet");
}

static bool
eql_query(struct emitter *em)
{
	return emit_expr(em, em->q->expr, 0);
}

const struct backend backend_eql = {
	.name = "eql",
	.ext = "eql",
	.description = "placeholder",
	.default_pipeline = "defender_xdr",
	.syntax = &eql_syntax,
	.match = eql_match,
	.query = eql_query,
};
