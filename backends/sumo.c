/*
 * sumo.c: Sumo Logic Cloud SIEM match-rule expressions (targets.md §5).
 * CSE's =, in and matches are case-sensitive, so a default Sigma string is
 * toLowerCase(f) compared with the lower-cased ASCII value, or an (?i) RE2
 * regex written /.../, which CSE matches against the whole value. Fields the
 * pipeline maps are schema names; any other name is a raw field, fields["..."].
 * The rule JSON for import (-f cse-rule) is templates/formats/sumo/cse-rule.yml.
 */
#include "backend.h"

#include <stdio.h>
#include <string.h>

/* A raw field reference, fields["name"], written with the string literal's escapes. */
static const struct quoting sumo_raw_field = {
	.open = "fields[\"", .close = "\"]", .escape = '\\', .special = "\"\\",
};

/* Is name a target the rule's pipeline entry maps to (a schema name, or a fields[] ref)? */
static bool
sumo_is_mapped(const struct emitter *em, const char *name)
{
	return emit_column(em, name, IR_COLUMN_FIELD | IR_COLUMN_VALUE_MAP | IR_COLUMN_HASH);
}

/*
 * The field as written in the expression. A mapped name is written as the
 * pipeline gives it, up to a ':' that starts a value prefix (EventID ->
 * metadata_deviceEventId:Security- writes "Security-4625"); an unmapped
 * (passed-through) name is a raw field, under the pipeline's raw_prefix: (Windows: EventData.).
 */
static const char *
sumo_field(struct emitter *em, const char *name, const char **prefix)
{
	*prefix = NULL;
	if (sumo_is_mapped(em, name)) {
		const char *colon = strchr(name, ':');
		if (!colon)
			return name;
		*prefix = colon + 1;
		return arena_strndup(em->a, name, (size_t)(colon - name));
	}
	const char *pre = em->q->raw_prefix;	/* the pipeline's raw_prefix: for the product */
	struct buf b = {0};
	/* a name the rule already writes under the prefix is not prefixed again */
	if (pre && strncmp(name, pre, strlen(pre)))
		buf_puts(&b, pre);
	buf_puts(&b, name);
	const char *r = quote_str(em->a, &sumo_raw_field, b.data, b.len);
	buf_free(&b);
	return r;
}

/* The field without its value prefix (sumo_field), for the token table and fieldref. */
static const char *
sumo_ident(struct emitter *em, const char *name)
{
	const char *prefix;
	return sumo_field(em, name, &prefix);
}

static const struct syntax sumo_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "!(",
	.not_close = ")",
	.ident = sumo_ident,
	.string = &quote_dq,
	/* CSE reads strings verbatim (targets.md §5.2): these go through the regex */
	.unquoted = "\\\"",
	.fold = true,
	.str_op = {[VCLASS_EXACT] = {"toLowerCase($f) = $v", "$f = $v"}},
	.str_in = {"toLowerCase($f) in (", "$f in ("},
	.any = "!isEmpty($f)",
	.empty = "$f = \"\"",
	/* CSE matches a regex against the whole value: the shapes of §5.3 */
	.re_op = {"$f matches $v", "$f matches $v"},
	.re_metas = "\\.^$|?*+()[]{}/",	/* RE2's, and the / that closes the literal */
	.re_quote = &quote_slashes,
	.re_body = &quote_slash_body,
	.re_pad = true,
	.re_shape = {[VCLASS_PREFIX] = SHAPE_OPEN_TAIL,
		     [VCLASS_CONTAINS] = SHAPE_OPEN_HEAD | SHAPE_OPEN_TAIL},
	.re_missing = RE2_MISSING,
	.re_engine = "RE2",
	.num_op = {"$f = $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f in (",
	.bool_op = "$f = $v",
	.null = "isEmpty($f)",
	.exists = {"isNull($f)", "!isNull($f)"},
	.fieldref = {"toLowerCase($f) = toLowerCase($v)", "$f = $v"},
};

/* The value with the field's value prefix in front (metadata_deviceEventId: "Security-"). */
static struct pattern
sumo_prefixed(struct emitter *em, const struct pattern *p, const char *prefix)
{
	struct pattern q = value_literal(em->a, prefix, strlen(prefix));
	for (int i = 0; i < p->nsegs; i++)
		value_append(em->a, &q, p->segs[i]);
	return q;
}

/* IPv4 a.b.c.d/len as an inclusive numeric range; false if it is not one. */
static bool
sumo_cidr4(const char *s, unsigned long *lo, unsigned long *hi)
{
	unsigned a[4], len;
	char end;
	if (sscanf(s, "%u.%u.%u.%u/%u%c", &a[0], &a[1], &a[2], &a[3], &len, &end) != 5 ||
	    a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255 || len > 32)
		return false;
	unsigned long ip = (unsigned long)a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	unsigned long mask = len ? 0xffffffffUL << (32 - len) & 0xffffffffUL : 0;
	*lo = ip & mask;
	*hi = *lo | (~mask & 0xffffffffUL);
	return true;
}

static bool
sumo_cidr(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		unsigned long lo, hi;
		if (v->family != 4)
			return emit_refuse_unsupported(em, m->pos, " (ipv4ToNumber covers IPv4 only)",
						       "cidr '%s' of field '%s' is IPv6, which",
						       v->text, m->field);
		if (!sumo_cidr4(v->text, &lo, &hi))
			return emit_refuse(em, m->pos, "cidr '%s' of field '%s' is not an IPv4 "
					   "network a.b.c.d/n", v->text, m->field);
		term_add(em, out, arena_printf(em->a, "(ipv4ToNumber(%s) >= %lu AND ipv4ToNumber(%s) "
					       "<= %lu)", f, lo, f, hi));
	}
	return true;
}

/* Fields with a value prefix, CIDR ranges: what the token table cannot say. */
static enum hook
sumo_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return HOOK_DECLINE;
	const char *prefix;
	const char *f = sumo_field(em, m->field, &prefix);
	if (prefix && m->op != MATCH_STR && m->op != MATCH_NUM)
		return emit_hook_done(emit_refuse(em, m->pos, "field '%s' can only be compared "
						  "with values", f));
	if (m->op == MATCH_CIDR)
		return emit_hook_done(sumo_cidr(em, m, f, out));
	if (!prefix)	/* the field as found, not looked up again */
		return emit_hook_done(emit_match_at(em, m, f, out));
	/* CSE reads strings verbatim: a number is equal to the text "PREFIXnumber", cased */
	static const char *const cmp_mods[] = {"", "lt", "lte", "gt", "gte"};
	struct match pm = *m;
	pm.op = MATCH_STR;
	pm.cased |= m->op == MATCH_NUM;
	pm.vals = arena_alloc(em->a, sizeof(*pm.vals) * (size_t)m->nvals);
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		if (m->op == MATCH_NUM && v->cmp != CMP_EQ)
			return emit_hook_done(emit_refuse_unsupported(em, m->pos, arena_printf(em->a,
					      " for field '%s', which holds text", f), "modifier '%s'",
					      cmp_mods[v->cmp]));
		struct pattern p = m->op == MATCH_NUM ? value_literal(em->a, v->text, v->len) : v->pat;
		pm.vals[i] = *v;
		pm.vals[i].pat = sumo_prefixed(em, &p, prefix);
	}
	return emit_hook_done(emit_match_at(em, &pm, f, out));
}

/* The pipeline's selection: `metadata_vendor = "Microsoft" AND metadata_product = "Windows"`. */
static const struct selsyntax sumo_select = {
	.eq = " = ", .and_op = " AND ", .or_op = " OR ", .in_op = " in (", .quote = &quote_dq,
};

/* The expression, after the pipeline's event selection when there is one. */
static bool
sumo_query(struct emitter *em)
{
	const struct selection *s = em->q->select;
	if (!s || !s->where_count)	/* the normalized fields identify the record kind */
		return emit_expr(em, em->q->expr, 0);
	const char *table = emit_selection(em, &sumo_select, s->where, s->where_count);
	if (!table)
		return false;
	buf_puts(em->out, table);
	buf_puts(em->out, " AND (");
	if (!em->compact)
		emit_newline(em, 4);
	if (!emit_expr(em, em->q->expr, 4))
		return false;
	if (!em->compact)
		emit_newline(em, 0);
	buf_putc(em->out, ')');
	return true;
}

static const char *const sumo_aliases[] = {"sumologic", "sumo_logic_cse", NULL};

const struct backend backend_sumo = {
	.name = "sumo",
	.aliases = sumo_aliases,
	.ext = "sumo",
	.description = "Sumo Logic Cloud SIEM rule expressions over normalized records",
	.default_pipeline = "sumo_cse",
	.syntax = &sumo_syntax,
	.comment_open = "//",
	.hook = sumo_hook,
	.query = sumo_query,
	.correlation = corr_sumo_render,
};
