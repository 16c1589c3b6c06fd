/*
 * eql_ecs.c: EQL string matches on fields ECS stores specially (targets.md
 * §3.1, mappings.md §4.2).
 *
 * - ip-typed fields (the pipeline's `type: ip`, m->type): Elasticsearch has no
 *   case-insensitive or wildcard query on them (ES-CI), so `:` and `like~`
 *   fail at run time. Exact addresses use ==/in, whole-octet IPv4 prefixes
 *   cidrMatch, and any other wildcard is refused.
 * - the Windows account: Winlogbeat splits Sysmon's DOMAIN\user at the
 *   backslash into user.domain and user.name and drops the original
 *   (WLB-SYSMON; the pipeline's `domain:`, m->domain_field), so a pattern over
 *   the whole account is matched on the part it can only fall in, or on the pair.
 */
#include "eql.h"

#include <stdio.h>
#include <string.h>

/* ---- ip fields -------------------------------------------------------------------------- */

/* "10." / "192.168." / "172.16.5." (one to three whole octets, then a dot) as a CIDR block. */
static const char *
ecs_octet_prefix(struct emitter *em, const char *t, size_t n)
{
	int oct[3] = {0, 0, 0}, k = 0;
	size_t i = 0;
	while (i < n && k < 3) {
		size_t j = i;
		int v = 0;
		while (j < n && j - i < 3 && t[j] >= '0' && t[j] <= '9')
			v = v * 10 + (t[j++] - '0');
		if (j == i || j >= n || t[j] != '.' || v > 255)
			return NULL;
		oct[k++] = v;
		i = j + 1;
	}
	if (i != n || !k)
		return NULL;
	return arena_printf(em->a, "%d.%d.%d.0/%d", oct[0], k > 1 ? oct[1] : 0, k > 2 ? oct[2] : 0,
			    8 * k);
}

/* The glob text of p, for a message: eql_nul refused NUL, so it is a C string. */
static const char *
ecs_shown(struct emitter *em, const struct pattern *p)
{
	size_t n;
	return emit_glob_text(em, p, &n);
}

static bool
ecs_ip_refuse(struct emitter *em, const struct match *m, const struct pattern *p)
{
	return diag_error(em->d, m->pos, "value '%s' cannot be matched on ip field %s (target eql): "
			  "Elasticsearch takes only exact addresses and CIDR blocks there, so "
			  "wildcards must cover whole IPv4 octets ('10.*')",
			  ecs_shown(em, p), m->field);
}

/* One term per value, the exact addresses gathered in one == or in. */
static bool
ecs_ip_string(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	int list = -1;		/* the term of the exact addresses */
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		const char *cidr = vc == VCLASS_PREFIX && lit ? ecs_octet_prefix(em, lit->text, lit->len)
							    : NULL;
		if (vc == VCLASS_ANY) {
			term_add(em, out, arena_printf(em->a, "?%s != null", f));
		} else if (vc == VCLASS_EXACT && lit && emit_globbable(em->be->syntax, p)) {
			if (list < 0) {
				term_add(em, out, NULL)->tail = ")";
				list = out->n - 1;
			}
			term_item(em, &out->v[list], eql_string(em, lit->text, lit->len));
		} else if (cidr) {
			struct term *t = term_add(em, out, "cidrMatch(");
			t->tail = ")";
			term_item(em, t, f);
			term_item(em, t, eql_string(em, cidr, strlen(cidr)));
		} else {
			return ecs_ip_refuse(em, m, p);
		}
	}
	if (list >= 0) {
		struct term *t = &out->v[list];
		if (t->nitems == 1) {
			t->head = arena_printf(em->a, "%s == %s", f, t->items[0]);
			t->items = NULL;
			t->tail = NULL;
		} else {
			t->head = arena_printf(em->a, "%s in (", f);
		}
	}
	return true;
}

/* ---- the account split ------------------------------------------------------------------ */

/*
 * Pattern p of m on field: the glob (`:`, or `==` / `like` when cased), or,
 * where a literal '*' or '?' rules the glob out, the whole-value regex.
 */
static const char *
ecs_term(struct emitter *em, const struct match *m, const char *field, const struct pattern *p)
{
	if (!emit_globbable(em->be->syntax, p))
		return emit_pattern_re(em, m, p, 0, field);
	const struct seg *lit;
	bool wild = value_class(p, &lit) != VCLASS_EXACT;
	const char *t = ecs_shown(em, p), *g = eql_string(em, t, strlen(t));
	return arena_printf(em->a, "%s %s %s", field, !m->cased ? ":" : wild ? "like" : "==", g);
}

/* "(a op b)", or NULL if either is (a diagnostic was written). */
static const char *
ecs_pair(struct emitter *em, const char *a, const char *op, const char *b)
{
	return a && b ? arena_printf(em->a, "(%s %s %s)", a, op, b) : NULL;
}

static bool
ecs_account_refuse(struct emitter *em, const struct match *m, const struct pattern *p)
{
	return diag_error(em->d, m->pos, "value '%s' of field '%s' cannot be mapped (target eql): "
			  "ECS splits the account into %s and %s, and this pattern may span both",
			  ecs_shown(em, p), m->sigma_field, m->domain_field, m->field);
}

/*
 * DOMAIN\user matches a pattern with one literal backslash exactly when the
 * domain matches what precedes it and the user what follows it. Without a
 * backslash the pattern lies inside one part: a contains in either, a prefix
 * in the domain, a suffix or an exact value in the user name.
 */
static const char *
ecs_account_term(struct emitter *em, const struct match *m, const struct pattern *p)
{
	const char *name = m->field, *domain = m->domain_field;
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	struct pattern d = {0}, u = {0};
	if (vc == VCLASS_ANY)
		return arena_printf(em->a, "?%s != null", name);
	if (vc == VCLASS_EXACT && !lit)
		return arena_printf(em->a, "%s == \"\"", name);
	int slashes = emit_split_cut(em, p, &d, &u);
	if (slashes)
		return slashes == 1 ? ecs_pair(em, ecs_term(em, m, domain, &d), "and",
					       ecs_term(em, m, name, &u)) : NULL;
	switch (vc) {
	case VCLASS_CONTAINS:
		return ecs_pair(em, ecs_term(em, m, domain, p), "or", ecs_term(em, m, name, p));
	case VCLASS_PREFIX:
		return ecs_term(em, m, domain, p);
	case VCLASS_EXACT:
	case VCLASS_SUFFIX:
		return ecs_term(em, m, name, p);
	default:
		return NULL;
	}
}

static bool
ecs_account_string(struct emitter *em, const struct match *m, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const char *t = ecs_account_term(em, m, &m->vals[i].pat);
		if (!t)
			return ecs_account_refuse(em, m, &m->vals[i].pat);
		term_add(em, out, t);
	}
	return true;
}

bool
eql_ecs_string(struct emitter *em, const struct match *m, const char *f, struct terms *out,
	       bool *handled)
{
	*handled = m->type == FIELD_IP || m->domain_field;
	if (m->type == FIELD_IP)
		return ecs_ip_string(em, m, f, out);
	return !m->domain_field || ecs_account_string(em, m, out);
}
