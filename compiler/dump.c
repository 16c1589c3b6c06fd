/*
 * dump.c: the canonical text of a normalised query (`sigmacc ir`), used by
 * the IR golden tests so that normalizer mistakes show before any backend:
 *
 *     select from DeviceProcessEvents
 *     (and
 *       (str FolderPath [* "\\cmd.exe"])
 *       (not (num ProcessId 4)))
 *
 * Strings are C-quoted; W* and W? print as bare * and ?.
 */
#include "sigma.h"

#include <string.h>

static const char *const op_names[] = {
#define MATCH(id, name) name,
#include "match.def"
#undef MATCH
};

static const char *const cmp_names[] = {"", "< ", "<= ", "> ", ">= "};
static const char *const anchor_names[] = {"exact", "prefix", "suffix", "contains"};

const char *
match_op_name(enum match_op op)
{
	return op < MATCH__COUNT ? op_names[op] : "?";
}

static void
put_quoted(struct buf *out, const char *s, size_t len)
{
	buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(out, "\\x%02x", c);
		else
			buf_putc(out, (char)c);
	}
	buf_putc(out, '"');
}

/* A field name: as it is, or quoted when it holds a control character (never raw). */
static void
put_name(struct buf *out, const char *name)
{
	for (const char *p = name; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			put_quoted(out, name, strlen(name));
			return;
		}
	}
	buf_puts(out, name);
}

void
dump_value(struct buf *out, enum match_op op, const struct mval *v)
{
	switch (op) {
	case MATCH_STR:
		buf_putc(out, '[');
		for (int i = 0; i < v->pat.nsegs; i++) {
			const struct seg *s = &v->pat.segs[i];
			if (i)
				buf_putc(out, ' ');
			if (s->kind == SEG_TEXT)
				put_quoted(out, s->text, s->len);
			else
				buf_putc(out, s->kind == SEG_STAR ? '*' : '?');
		}
		buf_putc(out, ']');
		break;
	case MATCH_RE:
		put_quoted(out, v->text, v->len);
		if (v->re_flags)
			buf_printf(out, " flags=%s%s%s", v->re_flags & RE_I ? "i" : "",
				   v->re_flags & RE_M ? "m" : "", v->re_flags & RE_S ? "s" : "");
		break;
	case MATCH_CIDR:
		buf_printf(out, "ipv%d %s", v->family, v->text);
		break;
	case MATCH_NUM:
		buf_printf(out, "%s%s", cmp_names[v->cmp], v->text);
		break;
	case MATCH_BOOL:
	case MATCH_EXISTS:
		buf_puts(out, v->b ? "true" : "false");
		break;
	case MATCH_FIELDREF:
		buf_printf(out, "%s ", anchor_names[v->anchor]);
		put_name(out, v->text);
		break;
	case MATCH_TIMEPART:
		buf_printf(out, "%s %s%s", v->part, cmp_names[v->cmp], v->text);
		break;
	case MATCH_NULL:
	case MATCH__COUNT:
		break;
	}
}

static void
dump_expr(struct buf *out, const struct expr *e, int depth)
{
	buf_indent(out, 2 * depth);
	if (e->kind == EXPR_MATCH) {
		const struct match *m = &e->match;
		buf_printf(out, "(%s ", match_op_name(m->op));
		put_name(out, m->field ? m->field : "*");
		buf_printf(out, "%s%s", m->cased ? " cased" : "", m->numeric_field ? " numeric" : "");
		for (int i = 0; i < m->nvals; i++) {
			if (m->op == MATCH_NULL)
				break;
			if (m->nvals > 1) {
				buf_putc(out, '\n');
				buf_indent(out, 2 * depth + 2);
			} else {
				buf_putc(out, ' ');
			}
			dump_value(out, m->op, &m->vals[i]);
		}
		buf_putc(out, ')');
		return;
	}
	buf_printf(out, "(%s", e->kind == EXPR_AND ? "and" : e->kind == EXPR_OR ? "or" : "not");
	for (int i = 0; i < e->nkids; i++) {
		buf_putc(out, '\n');
		dump_expr(out, e->kids[i], depth + 1);
	}
	buf_putc(out, ')');
}

static void
dump_str(struct buf *out, const char *s)
{
	buf_putc(out, ' ');
	put_quoted(out, s, strlen(s));
}

/* One selection condition: (eq F "v"), (in F "a" "b"), (any (all ...) ...)... */
static void
dump_cond(struct buf *out, const struct sel_cond *c)
{
	if (c->any) {
		buf_puts(out, " (any");
		for (unsigned g = 0; g < c->any_count; g++) {
			buf_puts(out, " (all");
			for (unsigned k = 0; k < c->any[g].all_count; k++)
				dump_cond(out, &c->any[g].all[k]);
			buf_putc(out, ')');
		}
		buf_putc(out, ')');
		return;
	}
	const char *form = c->value ? "eq" : c->number ? "number" : c->in ? "in" :
			   c->prefix ? "prefix" : c->regex ? "regex" : "exists";
	buf_printf(out, " (%s ", form);
	put_name(out, c->field);
	if (c->number)
		buf_printf(out, " %s", c->number);
	for (unsigned i = 0; i < c->in_count; i++)
		dump_str(out, c->in[i]);
	const char *v = c->value ? c->value : c->prefix ? c->prefix : c->regex;
	if (v)
		dump_str(out, v);
	buf_putc(out, ')');
}

void
dump_query(struct buf *out, const struct query *q)
{
	if (q->select && (q->select->from || q->select->where_count)) {
		buf_puts(out, "select");
		if (q->select->from)
			buf_printf(out, " from %s", q->select->from);
		for (unsigned i = 0; i < q->select->where_count; i++)
			dump_cond(out, &q->select->where[i]);
		buf_putc(out, '\n');
	}
	for (int i = 0; i < q->nextends; i++)
		buf_printf(out, "extend %s = %s\n", q->extends[i].name, q->extends[i].expr);
	for (int i = 0; i < q->nproject; i++) {
		buf_puts(out, i ? ", " : "project ");
		put_name(out, q->project[i]);
	}
	if (q->nproject)
		buf_putc(out, '\n');
	dump_expr(out, q->expr, 0);
	buf_putc(out, '\n');
	for (int i = 0; i < q->nflags; i++) {
		buf_printf(out, "flag %s\n", q->flags[i].name);
		dump_expr(out, q->flags[i].expr, 0);
		buf_putc(out, '\n');
	}
	if (q->newest_first)
		buf_puts(out, "sort newest-first\n");
}
