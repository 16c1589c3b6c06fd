/*
 * emit_split.c: string matches on an account the data model stores as two
 * fields (match.domain_field, the pipeline's `domain:`): DOMAIN\user is kept
 * as the domain in one field and the user in the other, without the original
 * (Winlogbeat's Sysmon ingest, mappings.md §4.2). DOMAIN\user matches a value
 * with one literal backslash exactly when the domain matches what precedes
 * it and the user what follows; a value without one lies inside one part: a
 * contains in either, a prefix in the domain, an exact value or a suffix in
 * the user. Each part is a match of its own, rendered from the token table.
 */
#include "backend.h"

#include <string.h>

/* Value p of m as a match on field, one term from the table; NULL after a diagnostic. */
static const char *
split_on(struct emitter *em, const struct match *m, const char *field, struct pattern p)
{
	struct match c = *m;
	struct mval v = m->vals[0];
	struct terms t = {0};
	v.pat = p;
	c.field = field;
	c.domain_field = NULL;
	c.ip_field = false;	/* the type was the account's */
	c.vals = &v;
	c.nvals = 1;
	return emit_match_at(em, &c, emit_ident(em, field), &t) ? t.v[0].head : NULL;
}

int
emit_split_cut(struct emitter *em, const struct pattern *p, struct pattern *d, struct pattern *u)
{
	int count = 0;
	for (int i = 0; i < p->nsegs; i++)
		for (size_t k = 0; p->segs[i].kind == SEG_TEXT && k < p->segs[i].len; k++)
			count += p->segs[i].text[k] == '\\';
	if (count != 1)
		return count;
	bool after = false;
	for (int i = 0; i < p->nsegs; i++) {
		struct seg s = p->segs[i];
		const char *bs = s.kind == SEG_TEXT ? memchr(s.text, '\\', s.len) : NULL;
		if (!bs) {
			value_append(em->a, after ? u : d, s);
			continue;
		}
		after = true;
		size_t k = (size_t)(bs - s.text);
		if (k)
			value_append(em->a, d, (struct seg){SEG_TEXT, s.text, k});
		if (k + 1 < s.len)
			value_append(em->a, u, (struct seg){SEG_TEXT, bs + 1, s.len - k - 1});
	}
	return 1;
}

/* The term of value p of m (one value), or NULL: refused, or a diagnostic written. */
static const char *
split_value(struct emitter *em, const struct match *m, const struct pattern *p)
{
	const struct syntax *sx = em->be->syntax;
	struct pattern d = {0}, u = {0};
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	int slashes = emit_split_cut(em, p, &d, &u);
	const char *a, *b;
	if (slashes) {
		if (slashes > 1 || !(a = split_on(em, m, m->domain_field, d)) ||
		    !(b = split_on(em, m, m->field, u)))
			return NULL;
		return arena_printf(em->a, "(%s %s %s)", a, sx->and_op, b);
	}
	if (vc == VCLASS_CONTAINS)
		return (a = split_on(em, m, m->domain_field, *p)) && (b = split_on(em, m, m->field, *p))
		       ? arena_printf(em->a, "(%s %s %s)", a, sx->or_op, b) : NULL;
	if (vc == VCLASS_PATTERN)
		return NULL;
	return split_on(em, m, vc == VCLASS_PREFIX ? m->domain_field : m->field, *p);
}

bool
emit_split(struct emitter *em, const struct match *m, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		struct match one = *m;
		one.vals = &m->vals[i];
		one.nvals = 1;
		int errors = em->d->nerrors;
		const char *t = split_value(em, &one, &m->vals[i].pat);
		if (!t && em->d->nerrors == errors)
			emit_refuse(em, m->pos, "value of field '%s' may span %s and %s, which the "
				    "data model keeps apart", emit_field_shown(m), m->domain_field,
				    m->field);
		if (!t)
			return false;
		term_add(em, out, t);
	}
	return true;
}
