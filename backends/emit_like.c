/*
 * emit_like.c: string matches of a target whose glob can escape its own
 * wildcards (syntax.glob_escape, SQL's LIKE), so every value has a glob
 * form, and whose caseless comparisons fold the field with a function
 * (syntax.fold: TO_LOWER(field) against the value lower-cased here). The
 * compiler folds ASCII only (targets.md §0.2): a caseless value holding a
 * character the function might fold otherwise is refused, one it leaves
 * alone (syntax.fold_same) is kept. A value the table's literal forms write
 * (W* alone, "", a plain exact value, lists included) is left to them, after
 * the glob forms.
 */
#include "backend.h"

#include <string.h>

/* The length of the UTF-8 character at s[0..n) when it lies in a fold_same range, else 0. */
static size_t
like_kept(const struct syntax *sx, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp;
	size_t len;
	if (n >= 2 && u[0] >= 0xc2 && u[0] < 0xe0 && (u[1] & 0xc0) == 0x80) {
		cp = (u[0] & 0x1fu) << 6 | (u[1] & 0x3fu);
		len = 2;
	} else if (n >= 3 && (u[0] & 0xf0) == 0xe0 && (u[1] & 0xc0) == 0x80 &&
		   (u[2] & 0xc0) == 0x80) {
		cp = (u[0] & 0x0fu) << 12 | (u[1] & 0x3fu) << 6 | (u[2] & 0x3fu);
		len = 3;
	} else {
		return 0;
	}
	for (int i = 0; sx->fold_same && sx->fold_same[i][1]; i++)
		if (cp >= sx->fold_same[i][0] && cp <= sx->fold_same[i][1])
			return len;
	return 0;
}

static bool
like_refuse_fold(struct emitter *em, const struct match *m, const char *what)
{
	return emit_refuse(em, m->pos, "%s of field '%s' has a non-ASCII character, which %s may "
			   "fold unlike Sigma: use |cased", what, emit_field_shown(m),
			   em->be->syntax->fold_name);
}

bool
emit_fold_regex(struct emitter *em, const struct match *m, const struct buf *re)
{
	for (size_t i = 0; i < re->len; i++) {
		char c = re->data[i];
		if ((unsigned char)c >= 0x80)
			return like_refuse_fold(em, m, "regex");
		if (c == '\\')
			i++;	/* an escape (\D, \W...) is no letter of the value */
		else if (c >= 'A' && c <= 'Z')
			return emit_refuse(em, m->pos, "case-insensitive regex of field '%s' has an "
					   "upper-case letter, which %s(field) never holds",
					   emit_field_shown(m), em->be->syntax->fold_name);
	}
	return true;
}

/*
 * Value p of m, not W* alone nor "": its glob (glob_wild), or an exact value
 * holding a character the fold keeps, which the table's literal cannot write
 * (str_op alone). HOOK_DECLINE: a plain exact value, the table's.
 */
static enum hook
like_value(struct emitter *em, const struct match *m, const struct pattern *p, const char *f,
	   struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	const char specials[] = {sx->glob_star, sx->glob_qmark, sx->glob_escape, '\0'};
	const struct seg *lit;
	bool exact = value_class(p, &lit) == VCLASS_EXACT, fold = sx->fold && !m->cased;
	bool kept = false;
	struct buf b = {0};
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind != SEG_TEXT)
			buf_putc(&b, s->kind == SEG_STAR ? sx->glob_star : sx->glob_qmark);
		for (size_t j = 0; s->kind == SEG_TEXT && j < s->len; j++) {
			char c = s->text[j];
			size_t keep = fold ? like_kept(sx, s->text + j, s->len - j) : 0;
			if (keep) {
				buf_putn(&b, s->text + j, keep);
				j += keep - 1;
				kept = true;
				continue;
			}
			if (fold && (unsigned char)c >= 0x80) {
				buf_free(&b);
				return emit_hook_done(like_refuse_fold(em, m, "value"));
			}
			if (!exact && c && strchr(specials, c))
				buf_putc(&b, sx->glob_escape);
			buf_putc(&b, fold && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
		}
	}
	if (exact && !kept) {
		buf_free(&b);
		return HOOK_DECLINE;
	}
	const char *v = quote_str(em->a, sx->string, b.data ? b.data : "", b.len);
	if (!v)
		emit_refuse_control(em, m->pos, arena_printf(em->a, "value of field '%s'",
							      emit_field_shown(m)), b.data, b.len);
	buf_free(&b);
	if (!v)
		return HOOK_REFUSED;
	const char *tmpl = exact ? sx->str_op[VCLASS_EXACT][m->cased] : sx->glob_wild[m->cased];
	term_add(em, out, emit_guarded(em, f, emit_fill(em, tmpl, f, v)));
	return HOOK_DONE;
}

bool
emit_like(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	if (m->ip_field && sx->ip_text)
		f = emit_fill(em, sx->ip_text, f, "");
	struct match rest = *m;
	rest.vals = arena_alloc(em->a, sizeof(*rest.vals) * (size_t)m->nvals);
	rest.nvals = 0;
	for (int i = 0; i < m->nvals; i++) {
		const struct seg *lit;
		enum vclass vc = value_class(&m->vals[i].pat, &lit);
		enum hook h = vc == VCLASS_ANY || (vc == VCLASS_EXACT && (!lit || !lit->len))
			      ? HOOK_DECLINE : like_value(em, m, &m->vals[i].pat, f, out);
		if (h == HOOK_REFUSED)
			return false;
		if (h == HOOK_DECLINE)
			rest.vals[rest.nvals++] = m->vals[i];
	}
	return !rest.nvals || emit_match_literals(em, &rest, f, out);
}
