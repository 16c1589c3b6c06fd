/*
 * config_tree.c: a configuration file's data from the YAML our own reader
 * loaded and checked (a pipeline: pipeline_schema.c), laid out as its libcyaml
 * schema describes, so the file is parsed once. libcyaml would parse the file
 * a second time only to fill the same structures. The schema's shapes used by
 * our files are handled: strings, booleans, sequences and mappings, inline or
 * behind a pointer; any other is refused.
 */
#include "config.h"
#include "rule.h"

#include <stdint.h>
#include <string.h>

static bool tree_value(struct arena *a, struct diag *d, const cyaml_schema_value_t *v,
		       const struct ynode *n, const char *key, unsigned char *data);

/* Stores a count of size bytes (a schema's count_size) at p. */
static void
put_count(unsigned char *p, unsigned size, size_t n)
{
	uint8_t u8 = (uint8_t)n;
	uint16_t u16 = (uint16_t)n;
	uint32_t u32 = (uint32_t)n;
	uint64_t u64 = n;
	memcpy(p, size == 1 ? (void *)&u8 : size == 2 ? (void *)&u16 : size == 4 ? (void *)&u32 :
	       (void *)&u64, size);
}

static bool
tree_sequence(struct arena *a, struct diag *d, const cyaml_schema_field_t *f,
	      const struct ynode *n, unsigned char *base)
{
	const cyaml_schema_value_t *e = f->value.sequence.entry;
	if (n->kind != YNODE_SEQ || (unsigned)n->nkids < f->value.sequence.min ||
	    (unsigned)n->nkids > f->value.sequence.max)
		return diag_error(d, n->pos, "'%s' must be a list of %u to %u entries", f->key,
				  f->value.sequence.min, f->value.sequence.max);
	size_t size = e->flags & CYAML_FLAG_POINTER ? sizeof(void *) : e->data_size;
	unsigned char *v = n->nkids ? arena_alloc(a, size * (size_t)n->nkids) : NULL;
	for (int i = 0; i < n->nkids; i++)
		if (!tree_value(a, d, e, n->kids[i], f->key, v + size * (size_t)i))
			return false;
	memcpy(base + f->data_offset, &v, sizeof(v));
	put_count(base + f->count_offset, f->count_size, (size_t)n->nkids);
	return true;
}

static bool
tree_mapping(struct arena *a, struct diag *d, const cyaml_schema_value_t *v, const struct ynode *n,
	     const char *key, unsigned char *data)
{
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "'%s' must be a mapping", key);
	unsigned char *m = data;
	if (v->flags & CYAML_FLAG_POINTER) {
		m = arena_alloc(a, v->data_size);
		memcpy(data, &m, sizeof(m));
	}
	for (int i = 0; i < n->nkids; i += 2) {
		const cyaml_schema_field_t *f = v->mapping.fields;
		while (f->key && strcmp(f->key, n->kids[i]->text))
			f++;
		if (!f->key)
			return diag_error(d, n->kids[i]->pos, "unknown key '%s'", n->kids[i]->text);
	}
	for (const cyaml_schema_field_t *f = v->mapping.fields; f->key; f++) {
		const struct ynode *kid = yaml_get(n, f->key);
		if (!kid && !(f->value.flags & CYAML_FLAG_OPTIONAL))
			return diag_error(d, n->pos, "'%s' needs the key '%s'", key, f->key);
		if (kid && f->value.type == CYAML_SEQUENCE ? !tree_sequence(a, d, f, kid, m) :
		    kid && !tree_value(a, d, &f->value, kid, f->key, m + f->data_offset))
			return false;
	}
	return true;
}

static bool
tree_value(struct arena *a, struct diag *d, const cyaml_schema_value_t *v, const struct ynode *n,
	   const char *key, unsigned char *data)
{
	switch (v->type) {
	case CYAML_STRING: {
		if (n->kind != YNODE_SCALAR || n->type == SCALAR_NULL || n->len < v->string.min ||
		    n->len > v->string.max)
			return diag_error(d, n->pos, "'%s' must be a string of at least %u characters",
					  key, v->string.min);
		char *s = arena_strndup(a, n->text, n->len);
		memcpy(data, &s, sizeof(s));
		return true;
	}
	case CYAML_BOOL: {
		if (n->kind != YNODE_SCALAR || n->type != SCALAR_BOOL || v->data_size != sizeof(bool))
			return diag_error(d, n->pos, "'%s' must be true or false", key);
		bool b = n->text[0] == 't' || n->text[0] == 'T';
		memcpy(data, &b, sizeof(b));
		return true;
	}
	case CYAML_MAPPING:
		return tree_mapping(a, d, v, n, key, data);
	default:
		return diag_error(d, n->pos, "'%s': internal error: a kind of value the configuration "
				  "reader does not know", key);
	}
}

/* The nodes met so far, by address: our reader shares an anchor's node with its
 * aliases, which configuration files do not take (libcyaml refused them too). */
struct seen_nodes {
	const struct ynode **slot;
	size_t cap, n;
};

/* Adds n; false when it was there already. */
static bool
seen_add(struct arena *a, struct seen_nodes *s, const struct ynode *n)
{
	if (2 * (s->n + 1) > s->cap) {
		struct seen_nodes g = {arena_alloc(a, sizeof(*g.slot) * (s->cap ? 2 * s->cap : 256)),
				       s->cap ? 2 * s->cap : 256, 0};
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				seen_add(a, &g, s->slot[i]);
		*s = g;
	}
	size_t at = ((uintptr_t)n >> 4) * 0x9e3779b97f4a7c15u % s->cap;
	for (; s->slot[at]; at = (at + 1) % s->cap)
		if (s->slot[at] == n)
			return false;
	s->slot[at] = n;
	s->n++;
	return true;
}

/* False after a diagnostic at where when a node below n (or n) is an alias's. */
static bool
no_alias(struct arena *a, struct diag *d, struct seen_nodes *s, const struct ynode *n,
	 struct pos where)
{
	if (!seen_add(a, s, n))
		return diag_error(d, where, "a YAML alias, which a configuration file does not take");
	for (int i = 0; i < n->nkids; i++) {
		bool value = n->kind == YNODE_MAP && i % 2;
		if (!no_alias(a, d, s, n->kids[i], value ? n->kids[i - 1]->pos : n->pos))
			return false;
	}
	return true;
}

bool
config_from_tree(struct arena *a, struct diag *d, const cyaml_schema_value_t *schema,
		 const struct ynode *doc, void **out)
{
	*out = NULL;
	struct arena scratch = {0};
	struct seen_nodes seen = {0};
	bool ok = no_alias(&scratch, d, &seen, doc, doc->pos);
	arena_free(&scratch);
	return ok && tree_mapping(a, d, schema, doc, "the document", (unsigned char *)out);
}
