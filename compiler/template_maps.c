/*
 * template_maps.c: a format's value maps (level -> severity) and the option that
 * changes one per output: `-O severity=critical:High,informational:Low` (the
 * project file's severity: mapping). An option with `map: NAME` in the template
 * names the map it changes; each key must be one of the map's own keys (the
 * Sigma levels) and each value one of the vendor's values the map writes (or its
 * `choices:`), so a remapping can never write a severity the SIEM refuses. The
 * keys it does not name keep the template's mapping.
 */
#include "template_impl.h"
#include "files.h"

#include <stdio.h>
#include <string.h>

/* The map named name, or NULL. */
static const struct tpl_map *
map_named(const struct template *t, const char *name)
{
	for (unsigned i = 0; name && i < t->maps_count; i++)
		if (!strcmp(t->maps[i].name, name))
			return &t->maps[i];
	return NULL;
}

/* Does the '|'-separated list hold the n bytes at s? */
static bool
listed(const char *list, const char *s, size_t n)
{
	for (const char *p = list; p && *p;) {
		size_t k = strcspn(p, "|");
		if (k == n && !strncmp(p, s, n))
			return true;
		p += k + (p[k] == '|');
	}
	return false;
}

/* The '|'-separated keys (side 0) or values (side 1) of m, each once, in order; the
 * values are m's choices when it has them. */
static const char *
map_side(struct arena *a, const struct tpl_map *m, int side)
{
	if (side && m->choices)
		return m->choices;
	struct buf b = {0};
	for (unsigned i = 0; i < m->values_count; i++) {
		const char *s = side ? m->values[i].to : m->values[i].from;
		if (!listed(b.data, s, strlen(s)))
			buf_printf(&b, "%s%s", b.len ? "|" : "", s);
	}
	const char *s = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return s;
}

const char *
template_map_type(struct arena *a, const struct template *t, const struct tpl_option *op)
{
	const struct tpl_map *m = map_named(t, op->map);
	return m ? arena_printf(a, "LEVEL:%s,...", map_side(a, m, 1)) : "?";
}

const char *
template_map_value(struct arena *a, const struct template *t, const struct tpl_map *m,
		   const struct options *o, const char *key)
{
	for (unsigned i = 0; key && i < t->options_count; i++) {
		const struct tpl_option *op = &t->options[i];
		if (!op->map || strcmp(op->map, m->name))
			continue;
		/* "k:v,k:v": the last entry of key wins, as a later -O does */
		const char *found = NULL, *p = template_option(t, o, op->name);
		size_t n = 0;
		while (p && *p) {
			size_t k = strcspn(p, ","), c = strcspn(p, ":");
			if (c < k && c == strlen(key) && !strncmp(p, key, c))
				found = p + c + 1, n = k - c - 1;
			p += k + (p[k] == ',');
		}
		if (found)
			return arena_strndup(a, found, n);
	}
	const char *v = m->fallback;
	for (unsigned k = 0; key && k < m->values_count; k++)
		if (!strcmp(m->values[k].from, key))
			v = m->values[k].to;
	return v;
}

/* Is "k:v,k:v" a valid change of m (each k a key of m, each v a value)? Else false with
 * the message in err. */
static bool
check_pairs(struct arena *a, const struct template *t, const struct tpl_option *op,
	    const struct tpl_map *m, const char *value, struct buf *err)
{
	const char *keys = map_side(a, m, 0), *values = map_side(a, m, 1);
	for (const char *p = value; *p;) {
		size_t k = strcspn(p, ","), c = strcspn(p, ":");
		const char *why = c >= k ? "is not LEVEL:VALUE"
				  : !listed(keys, p, c) ? arena_printf(a, "names no level of %s", keys)
				  : !listed(values, p + c + 1, k - c - 1)
				  ? arena_printf(a, "maps to none of %s", values) : NULL;
		if (why) {
			/* a project file's bytes: no control character raw */
			buf_printf(err, "sigmacc: -O %s=", op->name);
			files_put_name(err, value);
			buf_printf(err, ": format %s/%s: '", t->target, t->format);
			files_put_bytes(err, p, k);
			buf_printf(err, "' %s\n", why);
			return false;
		}
		p += k + (p[k] == ',');
	}
	return true;
}

bool
template_check_maps(const struct template *t, const struct options *o, struct buf *err)
{
	struct arena a = {0};
	bool ok = true;
	for (unsigned i = 0; i < t->options_count && ok; i++) {
		const struct tpl_option *op = &t->options[i];
		const char *v = op->map ? template_option(t, o, op->name) : NULL;
		const struct tpl_map *m = map_named(t, op->map);
		if (op->map && !m) {
			buf_printf(err, "sigmacc: format %s/%s: option %s changes map %s, which the "
				   "format does not have\n", t->target, t->format, op->name, op->map);
			ok = false;
		} else if (v && *v) {
			ok = check_pairs(&a, t, op, m, v, err);
		}
	}
	arena_free(&a);
	return ok;
}
