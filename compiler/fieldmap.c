/*
 * fieldmap.c: the pipeline applied to one match: logsource fields to target
 * names, value maps, prefix rewrites, hash splits and field types.
 */
#include "normalize.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the pipeline: field names, value maps, types --------------------------------- */

void
norm_use_extend(struct norm *n, const struct pl_field *f)
{
	if (f->extend)
		n->extend_used[f - n->ls->fields] = true;
}

/* The text of a wildcard-free value, for value maps. */
static const char *
plain_text(struct norm *n, enum match_op op, const struct mval *v)
{
	if (op == MATCH_BOOL)
		return v->b ? "true" : "false";
	if (op == MATCH_NUM && v->cmp == CMP_EQ)
		return v->text;
	if (op == MATCH_STR && !value_has_wildcards(&v->pat)) {
		size_t len;
		const char *t = value_text(n->a, &v->pat, &len);
		return memchr(t, '\0', len) ? NULL : t;	/* cut at a NUL it would be another value */
	}
	return NULL;
}

static const char *
mval_show(struct norm *n, enum match_op op, const struct mval *v)
{
	const char *t = plain_text(n, op, v);
	if (t)
		return norm_show(n, t, strlen(t));
	if (op == MATCH_STR) {
		struct buf b = {0};
		for (int i = 0; i < v->pat.nsegs; i++) {
			const struct seg *s = &v->pat.segs[i];
			for (size_t k = 0; s->kind == SEG_TEXT && k < s->len; k++)
				if (s->text[k] == '\0')
					buf_puts(&b, "\\x00");	/* %s would end the message there */
				else
					buf_putc(&b, s->text[k]);
			if (s->kind != SEG_TEXT)
				buf_putc(&b, s->kind == SEG_STAR ? '*' : '?');
		}
		const char *r = norm_show(n, b.data ? b.data : "", b.len);
		buf_free(&b);
		return r;
	}
	return v->text ? norm_show(n, v->text, v->len) : match_op_name(op);
}

/* Appends a match for (field, op, value), merging with the previous match of the same field. */
static void
group_add_value(struct norm *n, struct expr *g, const struct match *proto, const char *field,
		enum match_op op, struct mval v)
{
	for (int i = 0; i < g->nkids; i++) {
		struct match *m = &g->kids[i]->match;
		if (!strcmp(m->field, field) && m->op == op) {
			VEC_PUSH(n->a, m->vals, m->nvals, m->capvals, v);
			return;
		}
	}
	struct match m = *proto;
	m.field = field;
	m.op = op;
	m.vals = arena_alloc(n->a, sizeof(*m.vals));
	m.vals[0] = v;
	m.nvals = m.capvals = 1;
	norm_add_kid(n, g, norm_match_expr(n, &m));
}

static struct expr *
map_values(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	struct expr *g = norm_group(n, EXPR_OR);
	for (int i = 0; i < m->nvals; i++) {
		const char *t = plain_text(n, m->op, &m->vals[i]);
		const struct pl_value *pv = NULL;
		for (unsigned k = 0; t && k < f->values_count; k++)
			if (!strcasecmp(f->values[k].from, t))
				pv = &f->values[k];
		if (!pv) {
			struct buf b = {0};
			for (unsigned k = 0; k < f->values_count; k++)
				buf_printf(&b, "%s'%s'", k ? ", " : "", f->values[k].from);
			diag_error(n->d, m->pos, "value '%s' of field '%s' cannot be mapped (target %s): "
				   "pipeline %s knows only %s",
				   mval_show(n, m->op, &m->vals[i]), sigma, n->o->target,
				   n->o->pipeline->name, b.data);
			buf_free(&b);
			return NULL;
		}
		for (unsigned k = 0; k < pv->in_count; k++)
			group_add_value(n, g, m, pv->field, MATCH_STR,
					(struct mval){.pat = value_literal(n->a, pv->in[k], strlen(pv->in[k]))});
	}
	return norm_finish(g);
}

static struct expr *
map_hashes(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	struct expr *g = norm_group(n, EXPR_OR);
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		const struct pattern *p = &v->pat;
		int lo = 0, hi = m->op == MATCH_STR ? p->nsegs : 0;
		while (lo < hi && p->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && p->segs[hi - 1].kind == SEG_STAR)
			hi--;
		const struct seg *s = hi - lo == 1 && p->segs[lo].kind == SEG_TEXT ? &p->segs[lo] : NULL;
		const char *eq = s ? memchr(s->text, '=', s->len) : NULL;
		const struct pl_rename *col = NULL;
		for (unsigned k = 0; eq && k < f->hashes_count; k++)
			if (strlen(f->hashes[k].from) == (size_t)(eq - s->text) &&
			    !strncasecmp(f->hashes[k].from, s->text, (size_t)(eq - s->text)))
				col = &f->hashes[k];
		if (!col) {
			diag_error(n->d, m->pos, "value '%s' of field '%s' cannot be mapped (target %s): %s",
				   mval_show(n, m->op, v), sigma, n->o->target,
				   eq ? arena_printf(n->a, "pipeline %s has no column for %.*s",
						     n->o->pipeline->name, (int)(eq - s->text), s->text)
				      : "expected ALGORITHM=HEX");
			return NULL;
		}
		size_t hlen = s->len - (size_t)(eq + 1 - s->text);
		group_add_value(n, g, m, col->to, MATCH_STR,
				(struct mval){.pat = value_literal(n->a, eq + 1, hlen)});
	}
	return norm_finish(g);
}

/* Rewrites a leading abbreviation (HKLM\ -> HKEY_LOCAL_MACHINE\), also after a leading W*. */
void
norm_rewrite_prefixes(struct norm *n, struct match *m, const struct pl_field *f)
{
	for (int i = 0; i < m->nvals; i++) {
		struct pattern *p = &m->vals[i].pat;
		int at = p->nsegs && p->segs[0].kind == SEG_STAR ? 1 : 0;
		if (at >= p->nsegs || p->segs[at].kind != SEG_TEXT)
			continue;
		struct seg *s = &p->segs[at];
		for (unsigned k = 0; k < f->prefixes_count; k++) {
			const struct pl_rename *r = &f->prefixes[k];
			size_t fl = strlen(r->from), tl = strlen(r->to);
			bool hit = s->len >= fl && (m->cased ? !strncmp(s->text, r->from, fl)
							     : !strncasecmp(s->text, r->from, fl));
			if (!hit)
				continue;
			/* the segments may be shared (transform.c's cache): rewrite a copy */
			struct seg *segs = arena_alloc_raw(n->a, sizeof(*segs) * (size_t)p->nsegs);
			memcpy(segs, p->segs, sizeof(*segs) * (size_t)p->nsegs);
			p->segs = segs;
			s = &segs[at];
			char *t = arena_alloc(n->a, tl + s->len - fl + 1);
			memcpy(t, r->to, tl);
			memcpy(t + tl, s->text + fl, s->len - fl);
			s->text = t;
			s->len = tl + s->len - fl;
			break;
		}
	}
}

/*
 * Registry value data: Sysmon writes DWORD data as the text "DWORD (0x0000002a)", while
 * Defender's RegistryValueData and Winlogbeat's registry.data.strings hold the number in
 * decimal ("42"); an ASIM table holds both forms, one per source (mappings.md §1.3, §2,
 * §4.2). The pipeline's `dword: decimal` rewrites a whole DWORD token to the decimal
 * text, `dword: both` matches either form. Sysmon's Details is the token alone, so a
 * token under contains/startswith/endswith means the same as the exact value; a part of
 * a token (a prefix of its hex digits, QWORD data) has no decimal equivalent and stops
 * the rule.
 */
static bool
dword_number(const char *t, size_t n, unsigned long *out)
{
	static const char head[] = "DWORD (0x";
	size_t h = sizeof(head) - 1;
	if (n < h + 2 || n > h + 9 || strncasecmp(t, head, h) || t[n - 1] != ')')
		return false;
	unsigned long v = 0;
	for (size_t i = h; i < n - 1; i++) {
		char c = t[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		v = v * 16 + (unsigned long)d;
	}
	*out = v;
	return true;
}

static bool
mentions_word_data(const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++)
		for (size_t k = 0; p->segs[i].kind == SEG_TEXT && k + 7 <= p->segs[i].len; k++)
			if (!strncasecmp(p->segs[i].text + k, "DWORD (", 7) ||
			    !strncasecmp(p->segs[i].text + k, "QWORD (", 7))
				return true;
	return false;
}

static bool
rewrite_dword(struct norm *n, struct match *m, const struct pl_field *f, const char *sigma)
{
	bool both = !strcmp(f->dword, "both");
	int nvals = m->nvals;
	for (int i = 0; i < nvals; i++) {
		struct pattern *p = &m->vals[i].pat;
		int lo = 0, hi = p->nsegs;
		while (lo < hi && p->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && p->segs[hi - 1].kind == SEG_STAR)
			hi--;
		unsigned long v;
		if (hi - lo == 1 && p->segs[lo].kind == SEG_TEXT &&
		    dword_number(p->segs[lo].text, p->segs[lo].len, &v)) {
			const char *dec = arena_printf(n->a, "%lu", v);
			struct mval mv = {.pat = value_literal(n->a, dec, strlen(dec))};
			if (both) {
				*p = value_literal(n->a, p->segs[lo].text, p->segs[lo].len);
				VEC_PUSH(n->a, m->vals, m->nvals, m->capvals, mv);
			} else {
				m->vals[i] = mv;
			}
		} else if (mentions_word_data(p)) {
			return diag_error(n->d, m->pos, "value '%s' of field '%s' cannot be mapped "
					  "(target %s): pipeline %s holds DWORD data as a decimal "
					  "number%s, so only a whole 'DWORD (0x...)' value can be "
					  "rewritten", mval_show(n, m->op, &m->vals[i]), sigma,
					  n->o->target, n->o->pipeline->name,
					  both ? " for some of its sources" : "");
		}
	}
	return true;
}

/* Warns once per match whose value text holds one the pipeline marks as unconfirmed. */
static void
warn_values(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	for (unsigned k = 0; k < f->warn_count; k++) {
		if (!f->warn[k].text)
			continue;	/* warned for every match already */
		size_t wl = strlen(f->warn[k].text);
		for (int i = 0; i < m->nvals; i++) {
			const struct pattern *p = &m->vals[i].pat;
			bool hit = false;
			for (int j = 0; !hit && j < p->nsegs; j++)
				for (size_t o = 0; !hit && p->segs[j].kind == SEG_TEXT &&
				     o + wl <= p->segs[j].len; o++)
					hit = !strncasecmp(p->segs[j].text + o, f->warn[k].text, wl);
			if (hit) {
				diag_warning(n->d, m->pos, "value '%s' of field '%s' (target %s, "
					     "pipeline %s): %s", mval_show(n, m->op, &m->vals[i]),
					     sigma, n->o->target, n->o->pipeline->name, f->warn[k].why);
				break;
			}
		}
	}
}

static bool
is_integer_text(const char *t)
{
	if (*t == '-')
		t++;
	if (!*t)
		return false;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

/* Makes the values fit the column type. */
static bool
coerce(struct norm *n, struct match *m, const char *type, const char *sigma)
{
	m->type = field_type_parse(type) == FIELD__COUNT ? FIELD_STRING : field_type_parse(type);
	if (type && !strcmp(type, "datetime")) {
		if (m->op == MATCH_TIMEPART || m->op == MATCH_NULL || m->op == MATCH_EXISTS)
			return true;
		return diag_error(n->d, m->pos,
				  "field '%s' holds date-times, which Sigma can only compare with a "
				  "time-part modifier such as 'hour' (target %s)", sigma, n->o->target);
	}
	bool number = type && !strcmp(type, "number"), boolean = type && !strcmp(type, "bool");
	m->numeric_field = number;
	m->ip_field = type && !strcmp(type, "ip");
	switch (m->op) {
	case MATCH_NUM:
		if (number)
			return true;
		if (boolean)
			break;
		if (m->vals[0].cmp != CMP_EQ)
			return diag_error(n->d, m->pos,
					  "field '%s' holds text, so it cannot be compared as a number "
					  "(target %s)", sigma, n->o->target);
		for (int i = 0; i < m->nvals; i++)
			m->vals[i].pat = value_literal(n->a, m->vals[i].text, m->vals[i].len);
		m->op = MATCH_STR;
		return true;
	case MATCH_BOOL:
		if (boolean)
			return true;
		if (number)
			break;
		for (int i = 0; i < m->nvals; i++)
			m->vals[i].pat = value_literal(n->a, m->vals[i].b ? "true" : "false",
						       m->vals[i].b ? 4 : 5);
		m->op = MATCH_STR;
		return true;
	case MATCH_STR:
		if (!number && !boolean)
			return true;
		for (int i = 0; i < m->nvals; i++) {
			const char *t = plain_text(n, MATCH_STR, &m->vals[i]);
			if (number && t && !strncasecmp(t, "0x", 2) && t[2] &&
			    strspn(t + 2, "0123456789abcdefABCDEF") == strlen(t + 2) && strlen(t + 2) <= 15)
				t = arena_printf(n->a, "%lld", strtoll(t + 2, NULL, 16));	/* 0x3e7 */
			bool ok = t && (number ? is_integer_text(t) : (!strcasecmp(t, "true") ||
								       !strcasecmp(t, "false")));
			if (!ok)
				return diag_error(n->d, m->pos,
						  "value '%s' of field '%s' cannot be mapped (target %s): "
						  "the field holds %s",
						  mval_show(n, MATCH_STR, &m->vals[i]), sigma, n->o->target,
						  number ? "numbers" : "booleans");
			if (number)
				m->vals[i].text = t;
			else
				m->vals[i].b = !strcasecmp(t, "true");
			m->vals[i].len = strlen(t);
		}
		m->op = number ? MATCH_NUM : MATCH_BOOL;
		return true;
	case MATCH_RE:
	case MATCH_CIDR:
	case MATCH_FIELDREF:
		if (!number && !boolean)
			return true;
		break;
	case MATCH_NULL:
	case MATCH_EXISTS:
	case MATCH_TIMEPART:
	case MATCH__COUNT:
		return true;
	}
	return diag_error(n->d, m->pos, "field '%s' holds %s and cannot be matched with %s (target %s)",
			  sigma, number ? "numbers" : "booleans", match_op_name(m->op), n->o->target);
}

/* The name an unlisted field takes in an entry with passthrough: its prefix, if any, first. */
const char *
norm_passthrough_name(struct norm *n, const char *field)
{
	return n->ls->prefix ? arena_printf(n->a, "%s%s", n->ls->prefix, field) : field;
}

/*
 * The target name of a Sigma field for matching, or NULL after an error; NULL
 * with *passthrough set keeps *name (the entry's passthrough name, or the
 * Sigma name with --unmapped=passthrough).
 */
static const struct pl_field *
lookup(struct norm *n, struct pos pos, const char **name, bool *passthrough)
{
	const char *field = *name;
	*passthrough = false;
	const struct pl_field *f = pipeline_field(n->ls, field);
	if (f)
		return f;
	if (n->ls->passthrough) {
		*passthrough = true;
		*name = norm_passthrough_name(n, field);
		return NULL;
	}
	if (n->o->unmapped == UNMAPPED_PASSTHROUGH) {
		diag_warning(n->d, pos, "field '%s' has no mapping in pipeline %s (target %s, logsource %s); "
			     "passed through unchanged", field, n->o->pipeline->name, n->o->target,
			     n->lsname);
		*passthrough = true;
		return NULL;
	}
	norm_unmapped(n, pos, field);
	return NULL;
}

/*
 * A field a collector renames in some events only (Winlogbeat's Security module moves
 * IpAddress to source.ip for the events it lists, and leaves it in EventData elsewhere):
 * each name is matched in its own events,
 *   (EventID in codes_1 and m on to_1) or ... or (not EventID in all codes and m on to),
 * which holds for any rule, negated or not, since an event carries only one of the names.
 */
static struct expr *
map_one(struct norm *n, const struct match *m, const char *to, const char *type,
	const char *sigma)
{
	struct match c = *m;
	c.field = to;
	c.vals = arena_alloc(n->a, sizeof(*c.vals) * (size_t)(m->nvals ? m->nvals : 1));
	memcpy(c.vals, m->vals, sizeof(*c.vals) * (size_t)m->nvals);
	c.capvals = m->nvals;
	return coerce(n, &c, type, sigma) ? norm_match_expr(n, &c) : NULL;
}

/*
 * A field a pySigma field_name_mapping maps to several names: pySigma matches
 * the item on each and ORs them, so the item holds when any of the fields
 * matches (and, negated, when none does).
 */
static struct expr *
map_names(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	struct expr *g = norm_group(n, EXPR_OR);
	for (unsigned k = 0; k <= f->also_count - f->also_unmatched; k++) {
		struct expr *e = map_one(n, m, k ? f->also[k - 1] : f->to, f->type, sigma);
		if (!e)
			return NULL;
		norm_add_kid(n, g, e);
	}
	return g;
}

/* Text an ip field can hold: an address, or a wildcard over address characters. */
static bool
address_like(const struct pattern *p)
{
	unsigned char b[16];
	if (p->nsegs == 1 && p->segs[0].kind == SEG_TEXT)
		return ip_parse4(p->segs[0].text, p->segs[0].len, b) ||
		       ip_parse6(p->segs[0].text, p->segs[0].len, b);
	for (int i = 0; i < p->nsegs; i++)
		for (size_t k = 0; p->segs[i].kind == SEG_TEXT && k < p->segs[i].len; k++)
			if (!strchr("0123456789abcdefABCDEF.:", p->segs[i].text[k]))
				return false;
	return true;
}

/*
 * m on the name events entry em gives the field. A collector that converts the value
 * to an ip while renaming it leaves a value that is no address ("-") under the old
 * name (Winlogbeat's convert processor ignores a failed conversion), so such values
 * are matched there.
 */
static struct expr *
map_renamed(struct norm *n, const struct match *m, const struct pl_field *f,
	    const struct pl_event_map *em, const char *sigma)
{
	if (!em->type || strcmp(em->type, "ip") || m->op != MATCH_STR)
		return map_one(n, m, em->to, em->type, sigma);
	struct match ip = *m, other = *m;
	ip.vals = other.vals = NULL;
	ip.nvals = ip.capvals = other.nvals = other.capvals = 0;
	for (int i = 0; i < m->nvals; i++)
		if (address_like(&m->vals[i].pat))
			VEC_PUSH(n->a, ip.vals, ip.nvals, ip.capvals, m->vals[i]);
		else
			VEC_PUSH(n->a, other.vals, other.nvals, other.capvals, m->vals[i]);
	if (!other.nvals)
		return map_one(n, &ip, em->to, em->type, sigma);
	if (!ip.nvals)
		return map_one(n, &other, f->to, f->type, sigma);
	struct expr *g = norm_group(n, EXPR_OR), *a = map_one(n, &ip, em->to, em->type, sigma),
		    *b = map_one(n, &other, f->to, f->type, sigma);
	if (!a || !b)
		return NULL;
	norm_add_kid(n, g, a);
	norm_add_kid(n, g, b);
	return norm_finish(g);
}

/* A match of the EventID column with the codes of one events entry of f, or of all. */
static struct expr *
event_codes(struct norm *n, const struct match *m, const struct pl_field *id,
	    const struct pl_field *f, const struct pl_event_map *only)
{
	struct match c = *m;
	c.field = id->to;
	c.op = MATCH_STR;
	c.cased = false;
	c.nvals = c.capvals = 0;
	c.vals = NULL;
	for (unsigned e = 0; e < f->events_count; e++)
		for (unsigned j = 0; (!only || only == &f->events[e]) && j < f->events[e].codes_count;
		     j++) {
			const char *code = f->events[e].codes[j];
			struct mval v = {.pat = value_literal(n->a, code, strlen(code))};
			VEC_PUSH(n->a, c.vals, c.nvals, c.capvals, v);
		}
	return coerce(n, &c, id->type, "EventID") ? norm_match_expr(n, &c) : NULL;
}

/*
 * The EventID values the rule's events can have, when its condition bounds them: a
 * superset is enough, since it only lets map_per_event drop the branches no event of
 * the rule can take.
 */
struct idset {
	bool known;
	const char **v;
	int n, cap;
};

static bool
str_in(const char *const *v, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], t))
			return true;
	return false;
}

static bool
idset_has(const struct idset *s, const char *t)
{
	return str_in(s->v, (size_t)s->n, t);
}

static struct idset
search_ids(struct norm *n, const struct search *s)
{
	struct idset r = {.known = s->ngroups > 0};
	for (int g = 0; r.known && g < s->ngroups; g++) {
		const struct item *it = NULL;
		for (int i = 0; i < s->groups[g].nitems; i++) {
			const struct item *c = &s->groups[g].items[i];
			if (c->field && !strcmp(c->field, "EventID") && !c->mods.n && c->nvals)
				it = c;
		}
		for (int v = 0; it && v < it->nvals; v++) {
			const struct value *x = &it->vals[v];
			bool plain = x->kind == VAL_NUM || x->kind == VAL_STR;
			for (size_t k = 0; plain && k < x->len; k++)
				plain = x->text[k] != '*' && x->text[k] != '?' && x->text[k] != '\\';
			if (!plain)
				return (struct idset){0};
			const char *t = arena_printf(n->a, "%.*s", (int)x->len, x->text);
			if (!idset_has(&r, t))
				VEC_PUSH(n->a, r.v, r.n, r.cap, t);
		}
		r.known = it != NULL;
	}
	return r;
}

/* a and b when and, else a or b; an unknown side bounds nothing. */
static struct idset
idset_join(struct norm *n, struct idset a, struct idset b, bool and)
{
	if (!a.known || !b.known)
		return and ? (a.known ? a : b) : (struct idset){0};
	struct idset r = {.known = true};
	for (int i = 0; i < a.n; i++)
		if (!and || idset_has(&b, a.v[i]))
			VEC_PUSH(n->a, r.v, r.n, r.cap, a.v[i]);
	for (int i = 0; !and && i < b.n; i++)
		if (!idset_has(&r, b.v[i]))
			VEC_PUSH(n->a, r.v, r.n, r.cap, b.v[i]);
	return r;
}

static struct idset
cond_ids(struct norm *n, const struct cond *c)
{
	struct idset r = {0};
	switch (c->kind) {
	case COND_ID: {
		int i = strmap_get(&n->r->search_index, c->id, strlen(c->id));
		return i < 0 ? r : search_ids(n, &n->r->searches[i]);
	}
	case COND_OF:
		for (int i = 0, first = 1; i < n->r->nsearches; i++)
			if (cond_selects(c->of.pattern, n->r->searches[i].name)) {
				struct idset s = search_ids(n, &n->r->searches[i]);
				r = first ? s : idset_join(n, r, s, c->of.all);
				first = 0;
			}
		return r;
	case COND_AND:
	case COND_OR:
		r = cond_ids(n, c->list.kids[0]);
		for (int i = 1; i < c->list.n; i++)
			r = idset_join(n, r, cond_ids(n, c->list.kids[i]), c->kind == COND_AND);
		return r;
	case COND_NOT:
		return r;
	}
	return r;
}

static struct idset
rule_ids(struct norm *n)
{
	struct idset r = n->r->nconds ? cond_ids(n, n->r->conds[0]) : (struct idset){0};
	for (int i = 1; i < n->r->nconds; i++)
		r = idset_join(n, r, cond_ids(n, n->r->conds[i]), false);
	return r;
}

static bool
codes_have(const struct pl_event_map *em, const char *t)
{
	return str_in((const char *const *)em->codes, em->codes_count, t);
}

static struct expr *
map_per_event(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	const struct pl_field *id = pipeline_field(n->ls, "EventID");
	if (!id || !id->to || id->extend)
		return diag_error(n->d, m->pos, "field '%s' is renamed per event in pipeline %s, "
				  "which has no EventID column to tell the events apart (target %s)",
				  sigma, n->o->pipeline->name, n->o->target), NULL;
	struct idset ids = rule_ids(n);
	if (ids.known && ids.n) {	/* the rule's events take one name only */
		int in_all = 0;
		for (unsigned e = 0; e < f->events_count; e++) {
			int in = 0;
			for (int i = 0; i < ids.n; i++)
				in += codes_have(&f->events[e], ids.v[i]);
			if (in == ids.n)
				return map_renamed(n, m, f, &f->events[e], sigma);
			in_all += in;
		}
		if (!in_all)
			return map_one(n, m, f->to, f->type, sigma);
	}
	struct expr *any = norm_group(n, EXPR_OR), *code, *val;
	for (unsigned e = 0; e < f->events_count; e++) {
		struct expr *both = norm_group(n, EXPR_AND);
		if (!(code = event_codes(n, m, id, f, &f->events[e])) ||
		    !(val = map_renamed(n, m, f, &f->events[e], sigma)))
			return NULL;
		norm_add_kid(n, both, code);
		norm_add_kid(n, both, val);
		norm_add_kid(n, any, norm_finish(both));
	}
	struct expr *rest = norm_group(n, EXPR_AND);
	if (!(code = event_codes(n, m, id, f, NULL)) || !(val = map_one(n, m, f->to, f->type, sigma)))
		return NULL;
	norm_add_kid(n, rest, norm_not(n, code));
	norm_add_kid(n, rest, val);
	norm_add_kid(n, any, norm_finish(rest));
	return norm_finish(any);
}

struct expr *
norm_map_match(struct norm *n, struct match *m)
{
	if (!m->field || !n->ls)
		return norm_match_expr(n, m);
	const char *sigma = m->field;
	bool pass;
	const struct pl_field *f = lookup(n, m->pos, &m->field, &pass);
	if (!f && !pass)
		return NULL;
	if (f && f->project_only) {
		diag_error(n->d, m->pos, "field '%s' cannot be matched in pipeline %s (target %s, "
			   "logsource %s): %s", sigma, n->o->pipeline->name, n->o->target, n->lsname,
			   f->project_only);
		return NULL;
	}
	if (m->op == MATCH_FIELDREF) {
		for (int i = 0; i < m->nvals; i++) {
			const char *name = m->vals[i].text;
			const struct pl_field *o = lookup(n, m->pos, &name, &pass);
			if (!o && !pass)
				return NULL;
			if (!o && name != m->vals[i].text) {
				m->vals[i].text = name;
				m->vals[i].len = strlen(name);
			}
			if (o && (!o->to || o->project_only))
				return norm_unmapped(n, m->pos, m->vals[i].text), NULL;
			if (o && o->also_count > o->also_unmatched)
				return diag_error(n->d, m->pos, "field '%s' is mapped to several fields "
						  "in pipeline %s (target %s), and a field reference "
						  "names one", m->vals[i].text, n->o->pipeline->name,
						  n->o->target), NULL;
			if (!o) {
				m->vals[i].text = pipeline_unlisted_name(n->a, n->ls, m->vals[i].text);
				m->vals[i].len = strlen(m->vals[i].text);
			} else {
				norm_use_extend(n, o);
				m->vals[i].text = o->to;
				m->vals[i].len = strlen(o->to);
			}
		}
	}
	if (!f) {
		m->field = pipeline_unlisted_name(n->a, n->ls, m->field);
		return norm_match_expr(n, m);
	}
	for (unsigned k = 0; k < f->warn_count; k++)	/* a warn entry without text: every match */
		if (!f->warn[k].text)
			diag_warning(n->d, m->pos, "field '%s' is mapped to '%s' in pipeline %s "
				     "(target %s): %s", sigma, f->to ? f->to : "?",
				     n->o->pipeline->name, n->o->target, f->warn[k].why);
	if (f->also_count > f->also_unmatched)
		return map_names(n, m, f, sigma);
	if (f->events)
		return map_per_event(n, m, f, sigma);
	if (f->values)
		return map_values(n, m, f, sigma);
	if (f->hashes)
		return map_hashes(n, m, f, sigma);
	m->field = f->to;
	m->domain_field = f->domain;
	norm_use_extend(n, f);
	if (f->split)
		return norm_map_split(n, m, f, sigma);
	if (f->prefixes && m->op == MATCH_STR)
		norm_rewrite_prefixes(n, m, f);
	if (f->dword && m->op == MATCH_STR && !rewrite_dword(n, m, f, sigma))
		return NULL;
	if (f->part && !norm_map_part(n, m, f, sigma))
		return NULL;
	if (f->warn && m->op == MATCH_STR)
		warn_values(n, m, f, sigma);
	if (!coerce(n, m, f->type, sigma))
		return NULL;
	return norm_match_expr(n, m);
}
