/*
 * datamodel.c: what a pipeline's data model says about the target's fields
 * (its `datamodel:` block: types, enum constants, repeated fields, how paths
 * and addresses are stored). The normalizer attaches a field's entry to every
 * match on it (norm_match_expr), so a backend reads the IR, not a vendor list.
 */
#include "sigma.h"

#include <string.h>

static const char *const type_names[] = {
#define FIELD_TYPE(id, name) name,
#include "fieldtype.def"
#undef FIELD_TYPE
};

enum field_type
field_type_parse(const char *name)
{
	if (!name)
		return FIELD_STRING;
	for (int t = 0; t < FIELD__COUNT; t++)
		if (!strcmp(type_names[t], name))
			return (enum field_type)t;
	return FIELD__COUNT;
}

const struct dm_field *
datamodel_field(const struct datamodel *dm, const char *name)
{
	/* the first letters first: a scan of a few hundred names runs per match */
	for (unsigned i = 0; dm && name && i < dm->fields_count; i++)
		if (dm->fields[i].field[0] == name[0] && !strcmp(dm->fields[i].field, name))
			return &dm->fields[i];
	return NULL;
}

enum field_type
datamodel_type(const struct dm_field *f, enum field_type dflt)
{
	if (!f || !f->type)
		return dflt;
	enum field_type t = field_type_parse(f->type);
	return t == FIELD__COUNT ? dflt : t;
}

bool
datamodel_has_value(const struct dm_field *f, const char *text, size_t len)
{
	/* compared by length: a NUL in the value must not cut it to a constant */
	for (unsigned i = 0; f && i < f->values_count; i++)
		if (strlen(f->values[i]) == len && !memcmp(f->values[i], text, len))
			return true;
	return false;
}

struct datamodel *
datamodel_stack(struct arena *a, struct datamodel *base, struct datamodel *over)
{
	if (!base || !over)
		return over ? over : base;
	struct datamodel *dm = arena_alloc(a, sizeof(*dm));
	dm->name = over->name ? over->name : base->name;
	dm->closed = base->closed || over->closed;
	dm->fields_count = over->fields_count + base->fields_count;
	dm->fields = arena_alloc(a, sizeof(*dm->fields) * dm->fields_count);
	memcpy(dm->fields, over->fields, sizeof(*dm->fields) * over->fields_count);
	memcpy(dm->fields + over->fields_count, base->fields,
	       sizeof(*dm->fields) * base->fields_count);
	return dm;
}
