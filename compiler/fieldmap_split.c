/*
 * fieldmap_split.c: a registry path matched in two fields. Sysmon writes a value
 * event's TargetObject as the key path, a backslash and the value name; Falcon
 * keeps the key in RegObjectName and the name in RegValueName (pipeline
 * `split:`). A value is rewritten only where the two-field form means exactly
 * what the one-field value meant, taking the last backslash as the separator
 * (as Sysmon and every reader of TargetObject do); any other value is refused
 * with the reason, never approximated.
 */
#include "normalize.h"

#include <string.h>
#include <strings.h>

/* A match of one value on field: [*]text[*], with the rule's case and position. */
static struct expr *
part(struct norm *n, const struct match *proto, const char *field, bool head, const char *t,
     size_t len, bool tail)
{
	struct pattern p = {0};
	if (head)
		value_append(n->a, &p, (struct seg){SEG_STAR, NULL, 0});
	value_append(n->a, &p, (struct seg){SEG_TEXT, arena_strndup(n->a, t, len), len});
	if (tail)
		value_append(n->a, &p, (struct seg){SEG_STAR, NULL, 0});
	struct match m = *proto;
	m.field = field;
	m.vals = arena_alloc(n->a, sizeof(*m.vals));
	m.vals[0] = (struct mval){.pat = p};
	m.nvals = m.capvals = 1;
	return norm_match_expr(n, &m);
}

/* The key part as a full path: its hive rewritten (HKLM\ -> \REGISTRY\MACHINE\), else NULL. */
static struct expr *
key_path(struct norm *n, const struct match *proto, const struct pl_field *f, const char *t,
	 size_t len, bool tail)
{
	struct expr *e = part(n, proto, f->to, false, t, len, tail);
	const char *before = e->match.vals[0].pat.segs[0].text;
	norm_rewrite_prefixes(n, &e->match, f);
	return e->match.vals[0].pat.segs[0].text == before ? NULL : e;
}

static struct expr *
both(struct norm *n, enum expr_kind kind, struct expr *a, struct expr *b)
{
	struct expr *g = norm_group(n, kind);
	norm_add_kid(n, g, a);
	norm_add_kid(n, g, b);
	return norm_finish(g);
}

/*
 * A text with a backslash split at its last one: a tail of the key (kl bytes)
 * and a head of the value name (the rest), as TargetObject holds them when the
 * text spans the separator (a value name has no backslash). NULL for "\" alone.
 */
static struct expr *
spanning(struct norm *n, const struct match *m, const struct pl_field *f, const char *t,
	 size_t len, size_t kl)
{
	size_t nl = len - kl - 1;
	struct expr *key = kl ? part(n, m, f->to, true, t, kl, false) : NULL;
	struct expr *name = nl ? part(n, m, f->split, false, t + kl + 1, nl, true) : NULL;
	return key && name ? both(n, EXPR_AND, key, name) : key ? key : name;
}

/* Does the value name part hold Sysmon's "(Default)", the unnamed value? */
static bool
names_default(const char *t, size_t len)
{
	static const char d[] = "(default)";
	for (size_t i = 0; i + sizeof(d) - 1 <= len; i++)
		if (!strncasecmp(t + i, d, sizeof(d) - 1))
			return true;
	return false;
}

/* One value as key and value-name terms; NULL with *why set when that is not exact. */
static struct expr *
split_value(struct norm *n, const struct match *m, const struct pl_field *f, const struct mval *v,
	    const char **why)
{
	const struct pattern *p = &v->pat;
	int lo = 0, hi = p->nsegs;
	bool head = lo < hi && p->segs[lo].kind == SEG_STAR;
	lo += head;
	bool tail = hi > lo && p->segs[hi - 1].kind == SEG_STAR;
	hi -= tail;
	if (hi - lo != 1 || p->segs[lo].kind != SEG_TEXT || !p->segs[lo].len) {
		*why = "only one literal text, with a leading or trailing wildcard, can be split";
		return NULL;
	}
	const char *t = p->segs[lo].text;
	size_t len = p->segs[lo].len;
	const char *bs = NULL;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '\\')
			bs = t + i;
	size_t kl = bs ? (size_t)(bs - t) : 0;
	if (names_default(bs ? bs + 1 : t, bs ? len - kl - 1 : len)) {
		/* Sysmon's name for the unnamed value; the SIEM's name for it is not known */
		*why = "no source shows how this SIEM names the unnamed (Default) value";
		return NULL;
	}
	if (bs && len == 1) {
		*why = "a lone backslash says nothing of the key or the value name";
		return NULL;
	}
	if (head && tail) {
		/* within the key, within the name (no backslash), or across the separator */
		struct expr *in_key = part(n, m, f->to, true, t, len, true);
		return both(n, EXPR_OR, in_key, bs ? spanning(n, m, f, t, len, kl)
						   : part(n, m, f->split, true, t, len, true));
	}
	if (head) {	/* endswith: the name, after the key's tail */
		if (!bs)
			return part(n, m, f->split, true, t, len, false);
		if (kl == len - 1) {
			*why = "a value ending in a backslash names no value";
			return NULL;
		}
		struct expr *name = part(n, m, f->split, false, bs + 1, len - kl - 1, false);
		return kl ? both(n, EXPR_AND, part(n, m, f->to, true, t, kl, false), name) : name;
	}
	if (!bs || !kl) {
		*why = "a full path starts with its hive";
		return NULL;
	}
	/* a full path or a prefix: the key and the name, or (prefix) a key below the text */
	struct expr *key = key_path(n, m, f, t, kl, false);
	struct expr *below = tail ? key_path(n, m, f, t, len, true) : NULL;
	if (!key || (tail && !below)) {
		*why = "its hive has no known form in this pipeline";
		return NULL;
	}
	if (!tail && kl == len - 1) {
		*why = "a value ending in a backslash names no value";
		return NULL;
	}
	if (kl < len - 1)
		key = both(n, EXPR_AND, key, part(n, m, f->split, false, bs + 1, len - kl - 1, tail));
	return tail ? both(n, EXPR_OR, below, key) : key;
}

struct expr *
norm_map_split(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	if (m->op != MATCH_STR)
		return diag_error(n->d, m->pos, "field '%s' is split into %s and %s in pipeline %s, "
				  "which only string values can be (target %s)", sigma, f->to,
				  f->split, n->o->pipeline->name, n->o->target), NULL;
	struct expr *g = norm_group(n, EXPR_OR);
	for (int i = 0; i < m->nvals; i++) {
		const char *why = NULL;
		struct expr *e = split_value(n, m, f, &m->vals[i], &why);
		if (!e) {
			const struct pattern *p = &m->vals[i].pat;
			struct buf b = {0};
			for (int k = 0; k < p->nsegs; k++)
				if (p->segs[k].kind == SEG_TEXT)
					buf_putn(&b, p->segs[k].text, p->segs[k].len);
				else
					buf_putc(&b, p->segs[k].kind == SEG_QMARK ? '?' : '*');
			diag_error(n->d, m->pos, "value '%s' of field '%s' cannot be mapped (target %s): "
				   "pipeline %s keeps the key in %s and the value name in %s, and %s",
				   norm_show(n, b.data ? b.data : "", b.len), sigma, n->o->target,
				   n->o->pipeline->name, f->to, f->split, why);
			buf_free(&b);
			return NULL;
		}
		norm_add_kid(n, g, e);
	}
	return norm_finish(g);
}
