/* template_impl.h: what template.c and template_attack.c share. */
#ifndef SIGMACC_TEMPLATE_IMPL_H
#define SIGMACC_TEMPLATE_IMPL_H

#include "lint.h"
#include "template.h"

/* A value: a scalar (n = -1) or a list of n strings. */
struct tval {
	const char *s;
	const char **v;
	int n;
};

/* Appends s to the list l unless it is there already. */
void tval_add(struct arena *a, struct tval *l, int *cap, const char *s);

/* The ATT&CK list placeholder name from the rule's attack.* tags; false when name is not one. */
bool template_attack_list(struct arena *a, const struct rule *r, const char *name, struct tval *out);
/* Writes the rule's ATT&CK tags as an ECS threat array (JSON) with technique names from the
 * ATT&CK table; techniques the table does not know are left out. */
void template_ecs_threat(struct arena *a, const struct attack_table *t, const struct rule *r,
			 struct buf *out);

#endif
