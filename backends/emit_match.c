/*
 * emit_match.c: one match rendered from the target's token table (struct
 * syntax). The value-class ladder of targets.md §0.1-§0.3 is written once:
 * W* alone is the presence test, "" the empty comparison, a literal class
 * the target's operator for it (exact values of one match sharing one list),
 * then a glob, then the anchored pattern regex; what none of them can hold is
 * refused. Comparisons take the null guard where the target's logic is
 * three-valued (§0.8). A backend's hook sees each match first and handles
 * only what the table cannot say.
 */
#include "backend.h"

#include <string.h>

enum hook
emit_hook_done(bool ok)
{
	return ok ? HOOK_DONE : HOOK_REFUSED;
}

const char *
emit_fill(struct emitter *em, const char *tmpl, const char *f, const char *v)
{
	/* measured, then written into the arena: no heap buffer per value */
	size_t nf = 0, nv = 0, len = 0;
	if (tmpl == em->fill_tmpl) {
		nf = em->fill_nf;
		nv = em->fill_nv;
		len = em->fill_len;
	} else {
		for (const char *p = tmpl; *p; p++) {
			if (p[0] == '$' && p[1] == 'f')
				nf++, p++;
			else if (p[0] == '$' && p[1] == 'v')
				nv++, p++;
			else
				len++;
		}
		em->fill_tmpl = tmpl;
		em->fill_nf = nf;
		em->fill_nv = nv;
		em->fill_len = len;
	}
	size_t fl = nf ? strlen(f) : 0, vl = nv ? strlen(v) : 0;
	len += nf * fl + nv * vl;
	char *r = arena_alloc_raw(em->a, len + 1), *w = r;
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '$' && (p[1] == 'f' || p[1] == 'v')) {
			bool field = *++p == 'f';
			memcpy(w, field ? f : v, field ? fl : vl);
			w += field ? fl : vl;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return r;
}

/* ---- shared pieces ------------------------------------------------------------ */

/* Does a comparison with f need the null guard here? */
static bool
guard_needed(const struct emitter *em)
{
	enum guard g = em->be->syntax->guard;
	return g == GUARD_ALWAYS || (g == GUARD_NOT && em->negated);
}

/* "(notnull AND " : the guard's opening before a comparison with f. */
static const char *
guard_open(struct emitter *em, const char *f)
{
	const struct syntax *sx = em->be->syntax;
	return arena_cat(em->a, (const char *const[]){"(", emit_fill(em, sx->notnull, f, ""), " ",
			 sx->and_op, " "}, 5);
}

const char *
emit_guarded(struct emitter *em, const char *f, const char *atom)
{
	return guard_needed(em) ? arena_cat(em->a, (const char *const[]){guard_open(em, f), atom, ")"},
					    3) : atom;
}

const char *
emit_field_shown(const struct match *m)
{
	return m->sigma_field ? m->sigma_field : m->field ? m->field : "*";
}

const char *
emit_value_shown(struct emitter *em, const struct pattern *p)
{
	struct buf b = {0};
	for (int i = 0; i < p->nsegs; i++) {
		if (p->segs[i].kind == SEG_TEXT)
			buf_putn(&b, p->segs[i].text, p->segs[i].len);
		else
			buf_putc(&b, p->segs[i].kind == SEG_QMARK ? '?' : '*');
	}
	const char *r = quote_show(em->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

static bool
refuse_value(struct emitter *em, const struct match *m, const char *what, const char *s, size_t n)
{
	return emit_refuse_control(em, m->pos, arena_printf(em->a, "%s of field '%s'", what,
							    emit_field_shown(m)), s, n);
}

/* A list of values (items, a tail) whose single-item form is tmpl; guarded as a whole. */
struct list {
	int at;			/* the term in out, -1 = none yet */
	const char *one;	/* template of a one-value list */
	const char *many;	/* head template of a longer one */
};

static void
list_add(struct emitter *em, struct terms *out, struct list *l, const char *one, const char *item)
{
	if (l->at < 0) {
		term_add(em, out, NULL)->tail = ")";
		l->at = out->n - 1;
		l->one = one;
	}
	term_item(em, &out->v[l->at], item);
}

static void
list_close(struct emitter *em, struct terms *out, const struct list *l, const char *f)
{
	if (l->at < 0)
		return;
	struct term *t = &out->v[l->at];
	if (t->nitems == 1) {
		t->head = emit_guarded(em, f, emit_fill(em, l->one, f, t->items[0]));
		t->items = NULL;
		return;
	}
	t->head = emit_fill(em, l->many, f, "");
	if (guard_needed(em)) {	/* the guard opens before the list and closes after it */
		t->head = arena_printf(em->a, "%s%s", guard_open(em, f), t->head);
		t->tail = "))";
	}
}

/* ---- string values ------------------------------------------------------------ */

/* The literal for a literal comparison, or NULL: the value needs another form. */
static const char *
str_literal(struct emitter *em, const char *s, size_t n, bool fold)
{
	const struct syntax *sx = em->be->syntax;
	for (size_t i = 0; i < n; i++) {
		if (s[i] && sx->unquoted && strchr(sx->unquoted, s[i]))
			return NULL;
		if (fold && (unsigned char)s[i] >= 0x80)
			return NULL;	/* the compiler lower-cases ASCII only (targets.md §0.2) */
	}
	if (fold) {
		char *low = arena_strndup(em->a, s, n);
		for (size_t i = 0; i < n; i++)
			if (low[i] >= 'A' && low[i] <= 'Z')
				low[i] = (char)(low[i] - 'A' + 'a');
		s = low;
	}
	if (sx->verbatim && memchr(s, '\\', n) && quote_check(sx->verbatim, s, n) == n)
		return quote_str(em->a, sx->verbatim, s, n);
	return quote_str(em->a, sx->string, s, n);
}

bool
emit_globbable(const struct syntax *sx, const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_PLACEHOLDER || (s->kind == SEG_QMARK && !sx->glob_qmark))
			return false;
		if (s->kind != SEG_TEXT)
			continue;
		for (const char *g = sx->glob_literal; g && *g; g++)
			if (memchr(s->text, *g, s->len))
				return false;
		/* a target that refuses what its literal cannot hold does so in the glob */
		if (!sx->refuse_unquotable && quote_check(sx->string, s->text, s->len) < s->len)
			return false;
	}
	return true;
}

/* p with glob_star and glob_qmark for its wildcards, unquoted (may hold NUL): *n bytes. */
static const char *
glob_text(struct emitter *em, const struct pattern *p, size_t *n)
{
	const struct syntax *sx = em->be->syntax;
	size_t len = 0;
	for (int i = 0; i < p->nsegs; i++)
		len += p->segs[i].kind == SEG_TEXT ? p->segs[i].len : 1;
	char *r = arena_alloc_raw(em->a, len + 1), *w = r;
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_TEXT) {
			if (s->len)
				memcpy(w, s->text, s->len);
			w += s->len;
		} else {
			*w++ = s->kind == SEG_STAR ? sx->glob_star : sx->glob_qmark;
		}
	}
	*w = '\0';
	*n = len;
	return r;
}

/* The regex literal q with the letters of flags ("ims") after it, where the syntax writes
 * them there (re_flags_after); NULL stays NULL. */
static const char *
regex_flags_after(struct emitter *em, const char *q, const char *flags)
{
	static const char inline_letters[] = "ims";
	const char *letters = em->be->syntax->re_flags_after;
	if (!q || !letters)
		return q;
	char tail[4] = {0};
	for (int i = 0; flags[i]; i++)
		tail[i] = letters[strchr(inline_letters, flags[i]) - inline_letters];
	return arena_printf(em->a, "%s%s", q, tail);
}

/* re with each named group (?<name> or (?P<name> written as a plain (?: group. */
static const char *
regex_plain_groups(struct emitter *em, const char *re, size_t *n)
{
	struct buf b = {0};
	for (size_t i = 0; i < *n; i++) {
		if (re[i] == '\\' && i + 1 < *n) {
			buf_putn(&b, re + i++, 2);
		} else if (re[i] == '(' && i + 2 < *n && re[i + 1] == '?' &&
			   (re[i + 2] == '<' || re[i + 2] == 'P')) {
			/* lookbehind (?<= (?<! is refused before this */
			const char *gt = memchr(re + i, '>', *n - i);
			buf_puts(&b, "(?:");
			i = gt ? (size_t)(gt - re) : i + 2;
		} else {
			buf_putc(&b, re[i]);
		}
	}
	const char *r = arena_strndup(em->a, b.data ? b.data : "", b.len);
	*n = b.len;
	buf_free(&b);
	return r;
}

const char *
emit_glob_text(struct emitter *em, const struct pattern *p, size_t *n)
{
	return glob_text(em, p, n);
}

/* pattern_regex for the targets' own regex dialect, built in body and re. */
static const char *
regex_atom(struct emitter *em, const struct match *m, struct buf *body, struct buf *re,
	   const struct pattern *p, unsigned shape, const char *f)
{
	const struct syntax *sx = em->be->syntax;
	bool dot = emit_pattern_regex(body, p, sx->re_metas);
	size_t from = shape & SHAPE_OPEN_HEAD ? 1 : 0;
	size_t n = body->len - from - (shape & SHAPE_OPEN_TAIL ? 1 : 0);
	bool icase = !m->cased && !sx->re_case_op;
	const char *flags = icase && dot ? "is" : icase ? "i" : dot ? "s" : "";
	if (*flags && !sx->re_flags_after) {	/* no printf: one per value, on every target */
		buf_puts(re, "(?");
		buf_puts(re, flags);
		buf_putc(re, ')');
	}
	if (sx->re_body)
		quote_regex(re, sx->re_body, body->data + from, n);
	else
		buf_putn(re, body->data + from, n);
	const char *q = regex_flags_after(em, quote_str(em->a, sx->re_quote, re->data, re->len),
					  flags);
	if (!q)
		refuse_value(em, m, "regex", re->data, re->len);
	return q ? emit_fill(em, sx->re_op[m->cased], f, q) : NULL;
}

/* The regex comparison of a wildcard value (targets.md §0.3), cut by the class's shape. */
static const char *
pattern_regex(struct emitter *em, const struct match *m, const struct pattern *p, unsigned shape,
	      const struct seg *lit, const char *f)
{
	const struct syntax *sx = em->be->syntax;
	struct seg one;
	struct pattern lp;
	if ((shape & SHAPE_LIT) && lit) {
		one = *lit;
		lp = (struct pattern){&one, 1};
		p = &lp;
	}
	struct buf own[2] = {{0}}, *sb = em->scratch ? em->scratch : own;
	struct buf *body = &sb[EMIT_SCRATCH_BODY], *re = &sb[EMIT_SCRATCH_RE];
	buf_clear(body);
	buf_clear(re);
	const char *q;
	if (sx->re_pattern) {	/* another dialect: whole-value, case by the operator */
		sx->re_pattern(body, p);
		q = quote_str(em->a, sx->re_quote, body->data ? body->data : "", body->len);
		if (!q)
			refuse_value(em, m, "value", body->data, body->len);
		q = q ? emit_fill(em, sx->re_op[m->cased], f, q) : NULL;
	} else {
		q = regex_atom(em, m, body, re, p, shape, f);
	}
	if (!em->scratch) {
		buf_free(body);
		buf_free(re);
	}
	return q;
}

const char *
emit_pattern_re(struct emitter *em, const struct match *m, const struct pattern *p, unsigned shape,
		const char *f)
{
	return pattern_regex(em, m, p, shape & ~SHAPE_LIT, NULL, f);
}

static bool
str_match(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	int cased = m->cased;
	struct list l = {.at = -1, .many = sx->str_in[cased]};
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		if (vc == VCLASS_ANY) {
			term_add(em, out, emit_fill(em, sx->any ? sx->any : sx->notnull, f, ""));
			continue;
		}
		if (vc == VCLASS_EXACT && (!lit || !lit->len)) {
			term_add(em, out, emit_guarded(em, f, emit_fill(em, sx->empty, f, "")));
			continue;
		}
		const char *item = NULL, *tmpl = NULL;
		bool listed = false;
		if (vc != VCLASS_PATTERN && sx->str_op[vc][cased]) {
			item = str_literal(em, lit->text, lit->len, sx->fold && !cased);
			if (!item && sx->refuse_unquotable)
				return refuse_value(em, m, "value", lit->text, lit->len);
			tmpl = sx->str_op[vc][cased];
			listed = vc == VCLASS_EXACT && sx->str_in[cased] && !sx->glob_in;
		}
		if (!item && sx->glob[cased] && emit_globbable(sx, p)) {
			bool wild = vc != VCLASS_EXACT;
			size_t n;
			const char *text = glob_text(em, p, &n);
			item = quote_str(em->a, sx->string, text, n);
			if (!item && sx->refuse_unquotable)
				return refuse_value(em, m, "value", text, n);
			tmpl = wild && sx->glob_wild[cased] ? sx->glob_wild[cased] : sx->glob[cased];
			listed = sx->glob_in;
			if (listed && wild && sx->str_in_wild[cased])
				l.many = sx->str_in_wild[cased];
		}
		if (item && listed) {
			list_add(em, out, &l, tmpl, item);
		} else if (item) {
			term_add(em, out, emit_guarded(em, f, emit_fill(em, tmpl, f, item)));
		} else if (sx->re_op[cased]) {
			const char *atom = pattern_regex(em, m, p, sx->re_shape[vc], lit, f);
			if (!atom)
				return false;
			term_add(em, out, emit_guarded(em, f, atom));
		} else {
			return emit_refuse(em, m->pos, "internal error: no form for a value of "
					   "field '%s'", emit_field_shown(m));
		}
	}
	list_close(em, out, &l, f);
	return true;
}

struct pattern
emit_pattern_inner(const struct pattern *p, int *lo)
{
	int hi = p->nsegs;
	for (*lo = 0; *lo < hi && p->segs[*lo].kind == SEG_STAR; ++*lo)
		;
	while (hi > *lo && p->segs[hi - 1].kind == SEG_STAR)
		hi--;
	return (struct pattern){hi > *lo ? p->segs + *lo : NULL, hi - *lo};
}

/*
 * A keyword as an unanchored regex over the raw event (syntax.keyword_re): the
 * table's regex forms with keyword_re as the operator; outer W* add nothing.
 */
static bool
keyword_regex(struct emitter *em, const struct match *m, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	bool more = sx->keyword_re_more;
	if (m->op != MATCH_STR && !(more && (m->op == MATCH_RE || (m->op == MATCH_NUM &&
								 m->vals[0].cmp == CMP_EQ))))
		return emit_refuse_unsupported(em, m->pos, NULL, "keyword search with %s",
					       match_op_name(m->op));
	struct syntax ksx = *sx;
	ksx.re_op[0] = ksx.re_op[1] = sx->keyword_re;
	struct backend kbe = *em->be;
	kbe.syntax = &ksx;
	struct emitter k = *em;
	k.be = &kbe;
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		struct pattern p = m->op == MATCH_NUM ? value_literal(em->a, v->text, strlen(v->text))
						      : v->pat;
		int lo;
		struct pattern inner = emit_pattern_inner(&p, &lo);
		if (m->op != MATCH_RE && !inner.nsegs && !more)
			return emit_refuse_unsupported(em, m->pos, NULL, "keyword search for an "
						       "empty or '*' value");
		const char *atom = m->op == MATCH_RE ? emit_regex(&k, m, v, "")
			: emit_pattern_re(&k, m, &inner, SHAPE_OPEN_HEAD | SHAPE_OPEN_TAIL, "");
		if (!atom)
			return false;
		term_add(em, out, atom);
	}
	return true;
}

bool
emit_match_literals(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	return str_match(em, m, f, out);
}

/* A keyword matches anywhere: a contains match of the value's inner part on sx->keyword. */
static bool
keyword_match(struct emitter *em, const struct match *m, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	if (sx->keyword_re)
		return keyword_regex(em, m, out);
	if (!sx->keyword)
		return emit_refuse_unsupported(em, m->pos, NULL, "keyword search");
	if (m->op != MATCH_STR)
		return emit_refuse_unsupported(em, m->pos, NULL, "keyword search with %s",
					       match_op_name(m->op));
	struct match k = *m;
	k.vals = arena_alloc(em->a, sizeof(*k.vals) * (size_t)m->nvals);
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *v = &m->vals[i].pat;
		int lo = 0, hi = v->nsegs;
		while (lo < hi && v->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && v->segs[hi - 1].kind == SEG_STAR)
			hi--;
		if (hi == lo || (sx->keyword_plain && (hi - lo != 1 || v->segs[lo].kind != SEG_TEXT)))
			return emit_refuse_unsupported(em, m->pos, NULL, "keyword search %s",
						       hi == lo ? "for an empty or '*' value"
						       : "with a wildcard inside the value");
		struct pattern p = {0};
		value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
		for (int j = lo; j < hi; j++)
			value_append(em->a, &p, v->segs[j]);
		value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
		k.vals[i] = m->vals[i];
		k.vals[i].pat = p;
	}
	return str_match(em, &k, sx->keyword, out);
}

/* ---- the other kinds ---------------------------------------------------------- */

const char *
emit_regex(struct emitter *em, const struct match *m, const struct mval *v, const char *f)
{
	const struct syntax *sx = em->be->syntax;
	if (sx->re_translate) {
		struct buf b = {0};
		bool icase = false;
		const char *r = NULL;
		if (sx->re_translate(em, m, v, &b, &icase) &&
		    (!icase || !sx->fold || emit_fold_regex(em, m, &b))) {
			r = quote_str(em->a, sx->re_quote, b.data ? b.data : "", b.len);
			if (!r)
				refuse_value(em, m, "value", b.data, b.len);
		}
		buf_free(&b);
		return r ? emit_fill(em, sx->re_op[!icase], f, r) : NULL;
	}
	unsigned features = 0;
	size_t off;
	regex_check(v->text, v->len, &features, &off);
	const char *gap = NULL;
	if (features & sx->re_missing) {
		unsigned bit = features & sx->re_missing;
		gap = regex_feature_name(bit & -bit);
	} else if (sx->re_gap) {
		gap = sx->re_gap(v->text, v->len);
	}
	if (gap) {
		emit_refuse(em, m->pos, "regex for field '%s' uses %s, which %s does not support",
			    emit_field_shown(m), gap, sx->re_engine);
		return NULL;
	}
	char flags[4] = {0}, *fp = flags;
	if ((v->re_flags & RE_I) && !sx->re_case_op)
		*fp++ = 'i';
	if (v->re_flags & RE_M)
		*fp++ = 'm';
	if (v->re_flags & RE_S)
		*fp++ = 's';
	struct buf re = {0};
	if (sx->re_pad)
		buf_printf(&re, "(?s:.*)(?%s:", flags);
	else if (*flags && !sx->re_flags_after)
		buf_printf(&re, "(?%s)", flags);
	size_t n = v->len;
	const char *text = sx->re_plain_groups ? regex_plain_groups(em, v->text, &n) : v->text;
	if (sx->re_body)
		quote_regex(&re, sx->re_body, text, n);
	else
		buf_putn(&re, text, n);
	if (sx->re_pad)
		buf_puts(&re, ")(?s:.*)");
	const char *q = regex_flags_after(em, quote_str(em->a, sx->re_quote, re.data ? re.data : "",
							re.len), flags);
	buf_free(&re);
	if (!q) {
		refuse_value(em, m, "regex", v->text, v->len);
		return NULL;
	}
	return emit_fill(em, sx->re_op[!(v->re_flags & RE_I)], f, q);
}

static bool
re_match(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	if (!em->be->syntax->re_op[0])
		return emit_unsupported(em, m, "re");
	for (int i = 0; i < m->nvals; i++) {
		const char *atom = emit_regex(em, m, &m->vals[i], f);
		if (!atom)
			return false;
		term_add(em, out, emit_guarded(em, f, atom));
	}
	return true;
}

static bool
num_match(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	bool list = sx->num_in && m->nvals > 1 && m->vals[0].cmp == CMP_EQ;
	struct list l = {.at = -1, .many = sx->num_in};
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		/* equal to a number in a text field: equal to the text it is written as */
		const char *item = sx->num_text && !m->numeric_field && v->cmp == CMP_EQ
				   ? quote_str(em->a, sx->string, v->text, v->len) : v->text;
		if (list)
			list_add(em, out, &l, sx->num_op[CMP_EQ], item);
		else
			term_add(em, out, emit_guarded(em, f, emit_fill(em, sx->num_op[v->cmp], f, item)));
	}
	list_close(em, out, &l, f);
	return true;
}

static bool
fieldref_match(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	static const char *const anchors[] = {"exact", "startswith", "endswith", "contains"};
	static const enum vclass by_anchor[] = {VCLASS_EXACT, VCLASS_PREFIX, VCLASS_SUFFIX,
						VCLASS_CONTAINS};
	const struct syntax *sx = em->be->syntax;
	if (!sx->fieldref[0] && !sx->fieldref_anchored)
		return emit_unsupported(em, m, "fieldref");
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		const char *g = emit_ident(em, v->text), *atom;
		if (sx->fieldref_anchored)
			atom = emit_fill(em, sx->str_op[by_anchor[v->anchor]][m->cased], f, g);
		else if (v->anchor == ANCHOR_EXACT)
			atom = emit_fill(em, sx->fieldref[m->cased], f, g);
		else	/* a pattern operator would read the other field's text as wildcards */
			return emit_refuse_unsupported(em, m->pos, NULL, "modifier '%s' with "
						       "'fieldref'", anchors[v->anchor]);
		if (em->negated && sx->guard != GUARD_NONE)	/* both sides may be missing */
			atom = arena_printf(em->a, "%s%s", guard_open(em, g) + 1, atom);
		term_add(em, out, emit_guarded(em, f, atom));
	}
	return true;
}

/* Has the table the entries m needs? A target without one refuses m, never writes half. */
static bool
table_covers(const struct syntax *sx, const struct match *m)
{
	bool ok = (sx->guard == GUARD_NONE || sx->notnull) && (m->op != MATCH_NULL || sx->null);
	for (int i = 0; ok && i < m->nvals; i++) {
		bool b = m->vals[i].b;
		if (m->op == MATCH_STR)
			ok = (sx->any || sx->notnull) && sx->empty;
		else if (m->op == MATCH_NUM)
			ok = sx->num_op[m->vals[i].cmp];
		else if (m->op == MATCH_BOOL)
			ok = sx->bool_op;
		else if (m->op == MATCH_EXISTS)
			ok = sx->exists[b] || (b ? sx->notnull : sx->null);
	}
	return ok;
}

bool
emit_match_at(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	const struct syntax *sx = em->be->syntax;
	if (!table_covers(sx, m))
		return emit_refuse_unsupported(em, m->pos, NULL, "a %s match on field '%s'",
					       match_op_name(m->op), emit_field_shown(m));
	switch (m->op) {
	case MATCH_STR:
		if (m->domain_field)	/* DOMAIN\user kept in two fields (emit_split.c) */
			return emit_split(em, m, out);
		return sx->glob_escape ? emit_like(em, m, f, out) : str_match(em, m, f, out);
	case MATCH_RE:
		return re_match(em, m, f, out);
	case MATCH_NUM:
		return num_match(em, m, f, out);
	case MATCH_BOOL:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, emit_guarded(em, f, emit_fill(em, sx->bool_op, f,
								   m->vals[i].b ? "true" : "false")));
		return true;
	case MATCH_NULL:
		term_add(em, out, emit_fill(em, sx->null, f, ""));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++) {
			bool b = m->vals[i].b;
			const char *t = sx->exists[b] ? sx->exists[b] : b ? sx->notnull : sx->null;
			term_add(em, out, emit_fill(em, t, f, ""));
		}
		return true;
	case MATCH_CIDR:
		if (!sx->cidr)
			return emit_unsupported(em, m, "cidr");
		for (int i = 0; i < m->nvals; i++) {
			const char *net = quote_str(em->a, sx->string, m->vals[i].text, m->vals[i].len);
			term_add(em, out, emit_guarded(em, f, emit_fill(em, sx->cidr, f, net)));
		}
		return true;
	case MATCH_FIELDREF:
		return fieldref_match(em, m, f, out);
	case MATCH_TIMEPART:
		return emit_unsupported(em, m, m->vals[0].part);
	case MATCH__COUNT:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: unknown match kind");
}

bool
emit_match(struct emitter *em, const struct match *m, struct terms *out)
{
	const struct backend *be = em->be;
	enum hook h = be->hook ? be->hook(em, m, out) : HOOK_DECLINE;
	if (h != HOOK_DECLINE)
		return h == HOOK_DONE;
	if (!m->field)
		return keyword_match(em, m, out);
	return emit_match_at(em, m, emit_ident(em, m->field), out);
}
