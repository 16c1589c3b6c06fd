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
static void
rewrite_prefixes(struct norm *n, struct match *m, const struct pl_field *f)
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
			char *t = arena_alloc(n->a, tl + s->len - fl + 1);
			memcpy(t, r->to, tl);
			memcpy(t + tl, s->text + fl, s->len - fl);
			s->text = t;
			s->len = tl + s->len - fl;
			break;
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
	if (type && !strcmp(type, "datetime")) {
		if (m->op == MATCH_TIMEPART || m->op == MATCH_NULL || m->op == MATCH_EXISTS)
			return true;
		return diag_error(n->d, m->pos,
				  "field '%s' holds date-times, which Sigma can only compare with a "
				  "time-part modifier such as 'hour' (target %s)", sigma, n->o->target);
	}
	bool number = type && !strcmp(type, "number"), boolean = type && !strcmp(type, "bool");
	m->numeric_field = number;
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
			if (o) {
				norm_use_extend(n, o);
				m->vals[i].text = o->to;
				m->vals[i].len = strlen(o->to);
			}
		}
	}
	if (!f)
		return norm_match_expr(n, m);
	if (f->warning)
		diag_warning(n->d, m->pos, "field '%s' is mapped to '%s' in pipeline %s (target %s): %s",
			     sigma, f->to ? f->to : "?", n->o->pipeline->name, n->o->target, f->warning);
	if (f->values)
		return map_values(n, m, f, sigma);
	if (f->hashes)
		return map_hashes(n, m, f, sigma);
	m->field = f->to;
	norm_use_extend(n, f);
	if (f->prefixes && m->op == MATCH_STR)
		rewrite_prefixes(n, m, f);
	if (!coerce(n, m, f->type, sigma))
		return NULL;
	return norm_match_expr(n, m);
}
