/*
 * eql.h: what eql.c and eql_ecs.c share. eql_ecs.c holds the string matches
 * that depend on how ECS stores a field (ip-typed addresses, the account split
 * into domain and name), eql.c the rest of the EQL backend.
 */
#ifndef SIGMACC_EQL_H
#define SIGMACC_EQL_H

#include "backend.h"

/* An EQL string literal of s. */
const char *eql_string(struct emitter *em, const char *s, size_t n);
/*
 * A string match on a field ECS stores specially: sets *handled and writes the
 * terms, or leaves *handled false for the generic path. False after an error.
 */
bool eql_ecs_string(struct emitter *em, const struct match *m, const char *f, struct terms *out,
		    bool *handled);

#endif
