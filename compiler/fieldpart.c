/*
 * fieldpart.c: target fields that hold only part of what the Sigma field holds,
 * or hold it inside more text (pipeline `part:`). Only the matches that keep
 * their meaning on such a field are mapped; every other one stops the rule, as
 * a query that quietly matches something else would be worse than none.
 *
 *   part: name    the target holds the last component of the Sigma field's
 *                 Windows path (Defender's InitiatingProcessParentFileName for
 *                 ParentImage): a path ends with '\x.exe' exactly when its
 *                 name is 'x.exe', and ends with 'x.exe' (no '\') exactly when
 *                 its name does.
 *   part: text    the target holds the Sigma field's text among other text
 *                 (QRadar's Message for ScriptBlockText): only 'contains'
 *                 (a value between two *) means the same there.
 */
#include "normalize.h"

#include <string.h>

/* v as the rule wrote it, wildcards as * and ?, for messages. */
static const char *
part_show(struct norm *n, const struct pattern *p)
{
	struct buf b = {0};
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_TEXT)
			buf_printf(&b, "%.*s", (int)strnlen(s->text, s->len), s->text);
		else
			buf_putc(&b, s->kind == SEG_STAR ? '*' : '?');
	}
	const char *r = norm_show(n, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* '\name' ending a path: the name alone; 'name' (no '\'): still an end of the name. */
static bool
part_name(struct norm *n, struct pattern *p)
{
	if (p->nsegs != 2 || p->segs[0].kind != SEG_STAR || p->segs[1].kind != SEG_TEXT)
		return false;
	const struct seg *t = &p->segs[1];
	bool lead = t->len > 1 && t->text[0] == '\\';
	if (memchr(t->text + lead, '\\', t->len - lead) || memchr(t->text, '/', t->len))
		return false;
	if (lead)
		*p = value_literal(n->a, t->text + 1, t->len - 1);
	return true;
}

/* A value between two *: the same match inside a longer text. */
static bool
part_text(const struct pattern *p)
{
	return p->nsegs >= 2 && p->segs[0].kind == SEG_STAR &&
	       p->segs[p->nsegs - 1].kind == SEG_STAR;
}

bool
norm_map_part(struct norm *n, struct match *m, const struct pl_field *f, const char *sigma)
{
	bool name = !strcmp(f->part, "name");
	const char *why = name ? "it holds only the file name, so only an 'endswith' value with no "
				 "'\\' but a leading one can be matched"
			       : "it holds the field's text within other text, so only 'contains' "
				 "can be matched";
	if (m->op != MATCH_STR)
		return diag_error(n->d, m->pos, "field '%s' cannot be matched with %s in pipeline %s "
				  "(target %s, logsource %s): '%s': %s", sigma, match_op_name(m->op),
				  n->o->pipeline->name, n->o->target, n->lsname, f->to, why);
	for (int i = 0; i < m->nvals; i++) {
		struct pattern *p = &m->vals[i].pat;
		const char *shown = part_show(n, p);
		if (name ? part_name(n, p) : part_text(p))
			continue;
		return diag_error(n->d, m->pos, "value '%s' of field '%s' cannot be matched in "
				  "pipeline %s (target %s, logsource %s): '%s': %s", shown, sigma,
				  n->o->pipeline->name, n->o->target, n->lsname, f->to, why);
	}
	return true;
}
