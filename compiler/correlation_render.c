/*
 * correlation_render.c: the parts of a correlation that several renderers
 * share: pySigma's boolean condition of temporal types (parsed with the
 * rule condition grammar, its names checked against the correlation's
 * entries), the check that a temporal_ordered condition asks for the whole
 * sequence, and the percentile of value_percentile / value_median.
 */
#include "correlation.h"
#include "sigma.h"

#include <stdlib.h>
#include <string.h>

/* Every name of e is an entry of c; every `of` pattern selects one. */
static bool
check_names(struct diag *d, const struct correlation *c, const struct cond *e)
{
	switch (e->kind) {
	case COND_ID:
		if (corr_entry_index(c, e->id) < 0)
			return diag_error(d, e->pos, "'%s' in the condition is not a rule of this "
					  "correlation", e->id);
		return true;
	case COND_OF:
		for (int i = 0; i < c->nrules; i++)
			if (cond_selects(e->of.pattern, corr_entry_label(c, i)))
				return true;
		return diag_error(d, e->pos, "'%s' in the condition selects no rule of this "
				  "correlation", e->of.pattern ? e->of.pattern : "them");
	case COND_NOT:
		return check_names(d, c, e->operand);
	case COND_AND:
	case COND_OR:
		for (int i = 0; i < e->list.n; i++)
			if (!check_names(d, c, e->list.kids[i]))
				return false;
		return true;
	}
	return true;
}

bool
corr_load_expression(struct arena *a, struct diag *d, const struct ynode *n,
		     struct correlation *c)
{
	c->expression = n->text;
	c->cond = cond_parse(a, d, n->text, n->len, n->pos, n->quoted);
	return c->cond && check_names(d, c, c->cond);
}

static void
write_list(struct buf *out, const struct correlation *c, const struct cond *const *kids, int n,
	   const char *op, const char *and_op, const char *or_op, const char *not_op,
	   const char *fmt)
{
	buf_putc(out, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			buf_printf(out, " %s ", op);
		corr_cond_write(out, c, kids[i], and_op, or_op, not_op, fmt);
	}
	buf_putc(out, ')');
}

void
corr_cond_write(struct buf *out, const struct correlation *c, const struct cond *e,
		const char *and_op, const char *or_op, const char *not_op, const char *fmt)
{
	switch (e->kind) {
	case COND_ID: {
		int i = corr_entry_index(c, e->id);
		buf_printf(out, fmt, i, i);
		break;
	}
	case COND_OF: {
		const char *op = e->of.all ? and_op : or_op;
		int n = 0;
		buf_putc(out, '(');
		for (int i = 0; i < c->nrules; i++) {
			if (!cond_selects(e->of.pattern, corr_entry_label(c, i)))
				continue;
			if (n++)
				buf_printf(out, " %s ", op);
			buf_printf(out, fmt, i, i);
		}
		buf_putc(out, ')');
		break;
	}
	case COND_NOT:
		buf_printf(out, "%s(", not_op);
		corr_cond_write(out, c, e->operand, and_op, or_op, not_op, fmt);
		buf_putc(out, ')');
		break;
	case COND_AND:
	case COND_OR:
		write_list(out, c, (const struct cond *const *)e->list.kids, e->list.n,
			   e->kind == COND_AND ? and_op : or_op, and_op, or_op, not_op, fmt);
		break;
	}
}

/* Does a count of k rules meet c's condition? */
static bool
meets(const struct correlation *c, int k)
{
	for (int i = 0; i < c->ncmp; i++) {
		double v = strtod(c->cmp[i].value, NULL);
		bool ok = false;
		switch (c->cmp[i].op) {
		case CORR_OP_GT: ok = k > v; break;
		case CORR_OP_GTE: ok = k >= v; break;
		case CORR_OP_LT: ok = k < v; break;
		case CORR_OP_LTE: ok = k <= v; break;
		case CORR_OP_EQ: ok = k == v; break;
		case CORR_OP_NEQ: ok = k != v; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool
corr_ordered_check(struct diag *d, const struct correlation *c, const char *target)
{
	if (c->expression)
		return diag_error(d, c->type_pos, "%s: temporal_ordered with a boolean condition "
				  "is not supported: the expression says nothing of the order",
				  target);
	bool only_all = meets(c, c->nrules);
	for (int k = 0; k < c->nrules && only_all; k++)
		only_all = !meets(c, k);
	if (!only_all)
		return diag_error(d, c->type_pos, "%s: temporal_ordered is compiled as the sequence "
				  "of all %d rules in order; a condition met by fewer rules is not "
				  "supported", target, c->nrules);
	return true;
}

const char *
corr_percent(const struct correlation *c)
{
	return c->type == CORR_VALUE_MEDIAN ? "50" : c->percentile;
}
