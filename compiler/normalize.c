/*
 * normalize.c: struct rule to struct query, the one IR every backend reads.
 * Applies the modifier chains (wildcards, encodings, windash, expand,
 * regex/cidr/fieldref/comparison types), expands "1 of"/"all of", flattens
 * nested same-operator groups, and applies the pipeline: logsource to event
 * selection, field names, value maps, prefix rewrites, hash splits and field
 * types. After this stage nothing Sigma-specific is left.
 */
#include "sigma.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct norm {
	struct arena *a;
	struct diag *d;
	const struct rule *r;
	const struct options *o;
	const struct pl_logsource *ls;	/* NULL without a pipeline */
	const char *lsname;
	bool *extend_used;		/* per ls->fields entry */
	struct strmap projected;	/* columns already in query.project */
	long values;			/* values produced so far, against RULE_MAX_VALUES */
	size_t bytes;			/* their text, against RULE_MAX_VALUE_BYTES */
};

/* One alternative of one Sigma value: values of an item are OR-ed groups of these. */
struct alt {
	enum match_op op;
	struct mval v;
};

struct alts {
	struct alt *v;
	int n, cap;
};

/* ---- expression building ---------------------------------------------------- */

static struct expr *
new_group(struct norm *n, enum expr_kind kind)
{
	struct expr *e = arena_alloc(n->a, sizeof(*e));
	e->kind = kind;
	return e;
}

static void
add_kid(struct norm *n, struct expr *g, struct expr *kid)
{
	if (kid->kind == g->kind && kid->kind != EXPR_NOT && kid->kind != EXPR_MATCH) {
		for (int i = 0; i < kid->nkids; i++)
			VEC_PUSH(n->a, g->kids, g->nkids, g->capkids, kid->kids[i]);
		return;
	}
	VEC_PUSH(n->a, g->kids, g->nkids, g->capkids, kid);
}

/* A group of one is its only member. */
static struct expr *
finish_group(struct expr *g)
{
	return g->nkids == 1 ? g->kids[0] : g;
}

static struct expr *
new_not(struct norm *n, struct expr *operand)
{
	struct expr *e = new_group(n, EXPR_NOT);
	e->kids = arena_alloc(n->a, sizeof(*e->kids));
	e->kids[0] = operand;
	e->nkids = 1;
	return e;
}

static struct expr *
match_expr(struct norm *n, const struct match *m)
{
	struct expr *e = new_group(n, EXPR_MATCH);
	e->match = *m;
	return e;
}

static void
push_alt(struct norm *n, struct alts *as, enum match_op op, struct mval v)
{
	struct alt alt = {op, v};
	VEC_PUSH(n->a, as->v, as->n, as->cap, alt);
}

/* ---- messages ------------------------------------------------------------------- */

static const char *
show(struct norm *n, const char *s, size_t len)
{
	if (len > 60)
		return arena_printf(n->a, "%.57s...", s);
	return arena_strndup(n->a, s, len);
}

static bool
unmapped(struct norm *n, struct pos pos, const char *field)
{
	return diag_error(n->d, pos, "field '%s' has no mapping in pipeline %s (target %s, logsource %s)",
			  field, n->o->pipeline->name, n->o->target, n->lsname);
}

/* ---- the per-rule budget ------------------------------------------------------------ */

/*
 * Modifiers (windash, base64offset), placeholders and repeated references to
 * a search multiply values; a small rule could otherwise ask for gigabytes.
 * Every value a rule produces is counted against RULE_MAX_VALUES and
 * RULE_MAX_VALUE_BYTES; a step that would create many values at once asks
 * first, so the refusal comes before the memory is spent.
 */
static bool
budget_fits(struct norm *n, struct pos pos, long values, size_t bytes)
{
	if (values > RULE_MAX_VALUES - n->values)
		return diag_error(n->d, pos, "values of this rule would expand to more than %d, "
				  "the limit per rule", RULE_MAX_VALUES);
	if (bytes > RULE_MAX_VALUE_BYTES - n->bytes)
		return diag_error(n->d, pos, "values of this rule would expand to more than %d MiB, "
				  "the limit per rule", RULE_MAX_VALUE_BYTES >> 20);
	return true;
}

static size_t
pattern_bytes(const struct pattern *p)
{
	size_t b = 0;
	for (int i = 0; i < p->nsegs; i++)
		b += p->segs[i].kind == SEG_TEXT ? p->segs[i].len : 1;
	return b;
}

static size_t
mval_bytes(enum match_op op, const struct mval *v)
{
	return op == MATCH_STR ? pattern_bytes(&v->pat) : v->len;
}

/* ---- string values: patterns and their transformations ------------------------ */

static bool
is_word(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c >= 0x80;
}

/* Every spelling of the Windows option dashes (pySigma's windash). */
static const char *const dashes[] = {"-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95"};

static bool
windash(struct norm *n, struct pos pos, struct pattern p, struct pattern **out, int *nout)
{
	/* find the spots: a - or / not after a word character, before one */
	int nspots = 0;
	for (int i = 0; i < p.nsegs; i++) {
		const struct seg *s = &p.segs[i];
		for (size_t j = 0; s->kind == SEG_TEXT && j < s->len; j++)
			if ((s->text[j] == '-' || s->text[j] == '/') &&
			    (j == 0 || !is_word((unsigned char)s->text[j - 1])) && j + 1 < s->len &&
			    is_word((unsigned char)s->text[j + 1]))
				nspots++;
	}
	long total = 1;
	for (int i = 0; i < nspots && total <= RULE_MAX_VALUES; i++)
		total *= 5;
	if (!budget_fits(n, pos, total, (size_t)total * (pattern_bytes(&p) + 2 * (size_t)nspots)))
		return false;
	*out = arena_alloc(n->a, sizeof(**out) * (size_t)total);
	*nout = (int)total;
	for (long k = 0; k < total; k++) {
		struct pattern q = {0};
		int qcap = 0;
		long div = total;
		for (int i = 0; i < p.nsegs; i++) {
			const struct seg *s = &p.segs[i];
			if (s->kind != SEG_TEXT) {
				value_push(n->a, &q, &qcap, *s);
				continue;
			}
			size_t from = 0;
			for (size_t j = 0; j < s->len; j++) {
				if ((s->text[j] == '-' || s->text[j] == '/') &&
				    (j == 0 || !is_word((unsigned char)s->text[j - 1])) &&
				    j + 1 < s->len && is_word((unsigned char)s->text[j + 1])) {
					div /= 5;
					const char *dash = dashes[(k / div) % 5];
					value_push(n->a, &q, &qcap, (struct seg){SEG_TEXT, s->text + from, j - from});
					value_push(n->a, &q, &qcap, (struct seg){SEG_TEXT, dash, strlen(dash)});
					from = j + 1;
				}
			}
			value_push(n->a, &q, &qcap, (struct seg){SEG_TEXT, s->text + from, s->len - from});
		}
		(*out)[k] = q;
	}
	return true;
}

/* Replaces %name% segments by the lists' values: one pattern per combination. */
static bool
substitute(struct norm *n, struct pos pos, struct pattern p, struct pattern **out, int *nout)
{
	struct pattern *cur = arena_alloc(n->a, sizeof(*cur));
	int ncur = 1, *caps = arena_alloc(n->a, sizeof(*caps));	/* room in each cur[k] */
	cur[0] = (struct pattern){0};
	for (int i = 0; i < p.nsegs; i++) {
		const struct seg *s = &p.segs[i];
		if (s->kind != SEG_PLACEHOLDER) {
			for (int k = 0; k < ncur; k++)
				value_push(n->a, &cur[k], &caps[k], *s);
			continue;
		}
		const struct varlist *vl = vars_find(n->o->vars, s->text, s->len);
		if (!vl) {
			if (n->o->placeholder_wildcard) {
				for (int k = 0; k < ncur; k++)
					value_push(n->a, &cur[k], &caps[k], (struct seg){SEG_STAR, NULL, 0});
				continue;
			}
			return diag_error(n->d, pos,
					  "placeholder '%%%.*s%%' is not defined (load its values "
					  "with --vars FILE)",
					  (int)s->len, s->text);
		}
		size_t curbytes = 0;
		for (int k = 0; k < ncur; k++)
			curbytes += pattern_bytes(&cur[k]);
		if (!budget_fits(n, pos, (long)ncur * vl->nvals,
				 curbytes * (size_t)vl->nvals + vl->bytes * (size_t)ncur))
			return false;
		size_t nnext = (size_t)ncur * (size_t)vl->nvals;
		struct pattern *next = arena_alloc(n->a, sizeof(*next) * nnext);
		int *nextcaps = arena_alloc(n->a, sizeof(*nextcaps) * nnext);
		for (size_t k = 0, at = 0; k < (size_t)ncur; k++) {
			for (int j = 0; j < vl->nvals; j++, at++) {
				const struct pattern *ins = &vl->pats[j];
				for (int m = 0; m < cur[k].nsegs; m++)
					value_push(n->a, &next[at], &nextcaps[at], cur[k].segs[m]);
				for (int m = 0; m < ins->nsegs; m++)
					value_push(n->a, &next[at], &nextcaps[at], ins->segs[m]);
			}
		}
		cur = next;
		caps = nextcaps;
		ncur = (int)nnext;
	}
	*out = cur;
	*nout = ncur;
	return true;
}

static bool
need_literal(struct norm *n, struct pos pos, const struct pattern *p, enum modifier m)
{
	if (!value_has_wildcards(p))
		return true;
	return diag_error(n->d, pos,
			  "modifier '%s' cannot encode a wildcard; escape '*' and '?' as '\\*' "
			  "and '\\?'",
			  modifier_name(m));
}

static struct pattern
add_stars(struct norm *n, struct pattern p, bool front, bool back)
{
	struct pattern q = {0};
	int cap = p.nsegs + 2;
	q.segs = arena_alloc(n->a, sizeof(*q.segs) * (size_t)cap);
	struct seg star = {SEG_STAR, NULL, 0};
	if (front && (p.nsegs == 0 || p.segs[0].kind != SEG_STAR))
		value_push(n->a, &q, &cap, star);
	for (int i = 0; i < p.nsegs; i++)
		value_push(n->a, &q, &cap, p.segs[i]);
	if (back)
		value_push(n->a, &q, &cap, star);
	return q;
}

/* Applies the chain to a string value: one or more patterns, OR-ed. */
static bool
string_alts(struct norm *n, const struct item *it, const struct value *v, struct alts *out)
{
	const struct modchain *c = &it->mods;
	bool expand = modchain_has(c, MOD_EXPAND), encoded_utf16 = false;
	struct pattern p = value_parse(n->a, v->text, v->len, expand);
	struct pattern *pats = &p;
	int npats = 1;
	if (expand && !substitute(n, v->pos, p, &pats, &npats))
		return false;
	for (int i = 0; i < c->n; i++) {
		enum modifier m = c->mod[i];
		struct pattern *next = NULL;
		int nnext = 0, cap = 0;
		for (int k = 0; k < npats; k++) {
			struct pattern q = pats[k];
			size_t len;
			char *text;
			switch (m) {
			case MOD_CONTAINS:
			case MOD_STARTSWITH:
			case MOD_ENDSWITH:
				q = add_stars(n, q, m != MOD_STARTSWITH, m != MOD_ENDSWITH);
				break;
			case MOD_UTF16LE:
			case MOD_UTF16BE:
			case MOD_UTF16: {
				if (!need_literal(n, v->pos, &q, m))
					return false;
				text = value_text(n->a, &q, &len);
				unsigned char *bytes;
				size_t blen;
				if (!encode_utf16(n->a, text, len, m == MOD_UTF16BE, m == MOD_UTF16, &bytes,
						  &blen))
					return diag_error(n->d, v->pos, "value is not valid UTF-8");
				q = value_literal(n->a, (const char *)bytes, blen);
				encoded_utf16 = true;
				break;
			}
			case MOD_BASE64:
				if (!need_literal(n, v->pos, &q, m))
					return false;
				text = value_text(n->a, &q, &len);
				text = encode_base64(n->a, (const unsigned char *)text, len, &len);
				q = value_literal(n->a, text, len);
				encoded_utf16 = false;
				break;
			case MOD_BASE64OFFSET: {
				if (!need_literal(n, v->pos, &q, m))
					return false;
				text = value_text(n->a, &q, &len);
				if (len == 0)
					return diag_error(n->d, v->pos, "'base64offset' of an empty value");
				char *frag[3];
				encode_base64offset(n->a, (const unsigned char *)text, len, frag);
				for (int j = 0; j < 2; j++) {
					struct pattern f = value_literal(n->a, frag[j], strlen(frag[j]));
					VEC_PUSH(n->a, next, nnext, cap, f);
				}
				q = value_literal(n->a, frag[2], strlen(frag[2]));
				encoded_utf16 = false;
				break;
			}
			case MOD_WINDASH: {
				struct pattern *w = NULL;
				int nw = 0;
				if (!windash(n, v->pos, q, &w, &nw))
					return false;
				for (int j = 0; j + 1 < nw; j++)
					VEC_PUSH(n->a, next, nnext, cap, w[j]);
				q = w[nw - 1];
				break;
			}
			default:
				break;
			}
			VEC_PUSH(n->a, next, nnext, cap, q);
		}
		size_t bytes = 0;
		for (int k = 0; k < nnext; k++)
			bytes += pattern_bytes(&next[k]);
		if (!budget_fits(n, v->pos, nnext, bytes))
			return false;
		pats = next;
		npats = nnext;
	}
	if (encoded_utf16)
		return diag_error(n->d, c->pos[0],
				  "a UTF-16 value must be followed by 'base64' or 'base64offset': "
				  "no target can match its NUL bytes as text");
	for (int k = 0; k < npats; k++)
		push_alt(n, out, MATCH_STR, (struct mval){.pat = pats[k]});
	return true;
}

/* ---- the other value types ----------------------------------------------------------- */

static bool
regex_alt(struct norm *n, const struct item *it, const struct value *v, struct alts *out)
{
	if (v->kind != VAL_STR && v->kind != VAL_NUM)
		return diag_error(n->d, v->pos, "'re' needs a string value");
	unsigned features;
	size_t off;
	const char *problem = regex_check(v->text, v->len, &features, &off);
	if (problem)
		return diag_error(n->d, v->pos, "invalid regular expression: %s at offset %zu", problem,
				  off);
	struct mval m = {.text = v->text, .len = v->len};
	const struct modchain *c = &it->mods;
	struct buf b = {0};
	buf_putn(&b, v->text, v->len);
	for (int i = 1; i < c->n; i++) {
		switch (c->mod[i]) {
		case MOD_RE_I: m.re_flags |= RE_I; break;
		case MOD_RE_M: m.re_flags |= RE_M; break;
		case MOD_RE_S: m.re_flags |= RE_S; break;
		case MOD_CONTAINS:
		case MOD_STARTSWITH:
		case MOD_ENDSWITH: {
			/* pySigma: add .* on the open side unless already anchored there */
			bool front = c->mod[i] != MOD_STARTSWITH, back = c->mod[i] != MOD_ENDSWITH;
			struct buf nb = {0};
			if (front && b.data[0] != '^' && strncmp(b.data, ".*", 2))
				buf_puts(&nb, ".*");
			buf_putn(&nb, b.data, b.len);
			bool anchored = (b.len >= 1 && b.data[b.len - 1] == '$') ||
					(b.len >= 2 && !strcmp(b.data + b.len - 2, ".*"));
			if (back && !anchored)
				buf_puts(&nb, ".*");
			buf_free(&b);
			b = nb;
			break;
		}
		default:
			break;
		}
	}
	m.text = arena_strndup(n->a, b.data, b.len);
	m.len = b.len;
	buf_free(&b);
	push_alt(n, out, MATCH_RE, m);
	return true;
}

static bool
parse_ipv4(const char *s, size_t len, unsigned char out[4])
{
	int k = 0;
	size_t i = 0;
	while (k < 4) {
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		int v = 0, digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (s[i++] - '0');
			digits++;
		}
		if (v > 255 || digits > 3 || (digits > 1 && s[i - (size_t)digits] == '0'))
			return false;
		out[k++] = (unsigned char)v;
		if (k < 4 && (i >= len || s[i++] != '.'))
			return false;
	}
	return i == len;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool
parse_ipv6(const char *s, size_t len, unsigned char out[16])
{
	uint16_t words[8];
	int nw = 0, gap = -1;
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return false;
	}
	while (i < len) {
		if (nw == 8)
			return false;
		size_t j = i;
		int v = 0;
		while (j < len && hexval(s[j]) >= 0 && j - i < 4)
			v = v * 16 + hexval(s[j++]);
		if (j < len && s[j] == '.') {	/* embedded IPv4 */
			unsigned char v4[4];
			if (nw > 6 || !parse_ipv4(s + i, len - i, v4))
				return false;
			words[nw++] = (uint16_t)(v4[0] << 8 | v4[1]);
			words[nw++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = len;
			break;
		}
		if (j == i)
			return false;
		words[nw++] = (uint16_t)v;
		i = j;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = nw;
			i++;
		} else if (i == len) {
			return false;
		}
	}
	if ((gap < 0 && nw != 8) || (gap >= 0 && nw > 7))
		return false;
	memset(out, 0, 16);
	int tail = gap >= 0 ? nw - gap : 0, head = gap >= 0 ? gap : nw;
	for (int k = 0; k < head; k++) {
		out[2 * k] = (unsigned char)(words[k] >> 8);
		out[2 * k + 1] = (unsigned char)words[k];
	}
	for (int k = 0; k < tail; k++) {
		int at = 8 - tail + k;
		out[2 * at] = (unsigned char)(words[head + k] >> 8);
		out[2 * at + 1] = (unsigned char)words[head + k];
	}
	return true;
}

static bool
cidr_alt(struct norm *n, const struct value *v, struct alts *out)
{
	if (v->kind != VAL_STR)
		return diag_error(n->d, v->pos, "'cidr' needs a network such as '10.0.0.0/8'");
	const char *slash = memchr(v->text, '/', v->len);
	size_t alen = slash ? (size_t)(slash - v->text) : v->len;
	unsigned char addr[16];
	int family = memchr(v->text, ':', alen) ? 6 : 4;
	bool ok = family == 4 ? parse_ipv4(v->text, alen, addr) : parse_ipv6(v->text, alen, addr);
	int bits = family == 4 ? 32 : 128, prefix = bits;
	if (ok && slash) {
		const char *p = slash + 1, *end = v->text + v->len;
		prefix = 0;
		ok = p < end && end - p <= 3;
		for (; ok && p < end; p++) {
			ok = *p >= '0' && *p <= '9';
			prefix = prefix * 10 + (*p - '0');
		}
		ok = ok && prefix <= bits;
	}
	if (!ok)
		return diag_error(n->d, v->pos, "invalid CIDR network '%s'", show(n, v->text, v->len));
	for (int b = prefix; b < bits; b++)
		if (addr[b / 8] & (0x80 >> (b % 8)))
			return diag_error(n->d, v->pos,
					  "invalid CIDR network '%s': host bits are set after /%d",
					  v->text, prefix);
	struct mval m = {.family = family};
	m.text = slash ? v->text : arena_printf(n->a, "%s/%d", v->text, bits);
	m.len = strlen(m.text);
	push_alt(n, out, MATCH_CIDR, m);
	return true;
}

static enum cmp
chain_cmp(const struct modchain *c)
{
	for (int i = 0; i < c->n; i++) {
		switch (c->mod[i]) {
		case MOD_LT: return CMP_LT;
		case MOD_LTE: return CMP_LTE;
		case MOD_GT: return CMP_GT;
		case MOD_GTE: return CMP_GTE;
		default: break;
		}
	}
	return CMP_EQ;
}

static enum modifier
chain_find_class(const struct modchain *c, enum modclass class)
{
	for (int i = 0; i < c->n; i++)
		if (modifier_class(c->mod[i]) == class)
			return c->mod[i];
	return MOD__COUNT;
}

static bool
has_string_modifier(const struct modchain *c)
{
	for (int i = 0; i < c->n; i++) {
		enum modclass k = modifier_class(c->mod[i]);
		if (k == MODCLASS_POSITION || k == MODCLASS_TRANSFORM || c->mod[i] == MOD_CASED)
			return true;
	}
	return false;
}

/* The alternatives of one Sigma value of an item. */
static bool
value_alts(struct norm *n, const struct item *it, const struct value *v, struct alts *out)
{
	const struct modchain *c = &it->mods;
	enum modifier first = c->n ? c->mod[0] : MOD__COUNT;
	if (v->kind == VAL_NULL) {
		for (int i = 0; i < c->n; i++)
			if (c->mod[i] != MOD_NEQ && c->mod[i] != MOD_ALL)
				return diag_error(n->d, v->pos, "null cannot be used with modifier '%s'",
						  modifier_name(c->mod[i]));
		if (!it->field)
			return diag_error(n->d, v->pos, "a keyword cannot be null");
		push_alt(n, out, MATCH_NULL, (struct mval){0});
		return true;
	}
	switch (first) {
	case MOD_EXISTS:
		if (v->kind != VAL_BOOL)
			return diag_error(n->d, v->pos, "'exists' needs true or false, not '%s'",
					  show(n, v->text, v->len));
		push_alt(n, out, MATCH_EXISTS, (struct mval){.b = v->b});
		return true;
	case MOD_RE:
		return regex_alt(n, it, v, out);
	case MOD_CIDR:
		return cidr_alt(n, v, out);
	case MOD_FIELDREF: {
		if (v->kind != VAL_STR || memchr(v->text, '*', v->len) || memchr(v->text, '?', v->len))
			return diag_error(n->d, v->pos, "'fieldref' needs a field name without wildcards");
		enum modifier pm = chain_find_class(c, MODCLASS_POSITION);
		struct mval m = {.text = v->text, .len = v->len,
				 .anchor = pm == MOD_CONTAINS ? ANCHOR_CONTAINS :
					   pm == MOD_STARTSWITH ? ANCHOR_PREFIX :
					   pm == MOD_ENDSWITH ? ANCHOR_SUFFIX : ANCHOR_EXACT};
		push_alt(n, out, MATCH_FIELDREF, m);
		return true;
	}
	default:
		break;
	}
	enum modifier tp = chain_find_class(c, MODCLASS_TIMEPART);
	if (tp != MOD__COUNT || chain_find_class(c, MODCLASS_COMPARE) != MOD__COUNT) {
		if (v->kind != VAL_NUM)
			return diag_error(n->d, v->pos, "'%s' needs a number, not '%s'",
					  modifier_name(tp != MOD__COUNT ? tp :
							chain_find_class(c, MODCLASS_COMPARE)),
					  show(n, v->text, v->len));
		struct mval m = {.text = v->text, .len = v->len, .cmp = chain_cmp(c)};
		if (tp != MOD__COUNT)
			m.part = modifier_name(tp);
		push_alt(n, out, tp != MOD__COUNT ? MATCH_TIMEPART : MATCH_NUM, m);
		return true;
	}
	if (!has_string_modifier(c)) {
		if (v->kind == VAL_NUM) {
			push_alt(n, out, MATCH_NUM, (struct mval){.text = v->text, .len = v->len});
			return true;
		}
		if (v->kind == VAL_BOOL && it->field) {
			push_alt(n, out, MATCH_BOOL, (struct mval){.b = v->b});
			return true;
		}
	}
	return string_alts(n, it, v, out);
}

/* ---- the pipeline: field names, value maps, types --------------------------------- */

static void
use_extend(struct norm *n, const struct pl_field *f)
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
	if (op == MATCH_STR && !value_has_wildcards(&v->pat))
		return value_text(n->a, &v->pat, NULL);
	return NULL;
}

static const char *
mval_show(struct norm *n, enum match_op op, const struct mval *v)
{
	const char *t = plain_text(n, op, v);
	if (t)
		return show(n, t, strlen(t));
	if (op == MATCH_STR) {
		struct buf b = {0};
		for (int i = 0; i < v->pat.nsegs; i++) {
			const struct seg *s = &v->pat.segs[i];
			if (s->kind == SEG_TEXT)
				buf_putn(&b, s->text, s->len);
			else
				buf_putc(&b, s->kind == SEG_STAR ? '*' : '?');
		}
		const char *r = show(n, b.data ? b.data : "", b.len);
		buf_free(&b);
		return r;
	}
	return v->text ? show(n, v->text, v->len) : match_op_name(op);
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
	add_kid(n, g, match_expr(n, &m));
}

static struct expr *
map_values(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	struct expr *g = new_group(n, EXPR_OR);
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
	return finish_group(g);
}

static struct expr *
map_hashes(struct norm *n, const struct match *m, const struct pl_field *f, const char *sigma)
{
	struct expr *g = new_group(n, EXPR_OR);
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
	return finish_group(g);
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

/* The target name of a Sigma field for matching, or NULL after an error. */
static const struct pl_field *
lookup(struct norm *n, struct pos pos, const char *field, bool *passthrough)
{
	*passthrough = false;
	const struct pl_field *f = pipeline_field(n->ls, field);
	if (f)
		return f;
	if (n->ls->passthrough) {
		*passthrough = true;
		return NULL;
	}
	if (n->o->unmapped == UNMAPPED_PASSTHROUGH) {
		diag_warning(n->d, pos, "field '%s' has no mapping in pipeline %s (target %s, logsource %s); "
			     "passed through unchanged", field, n->o->pipeline->name, n->o->target,
			     n->lsname);
		*passthrough = true;
		return NULL;
	}
	unmapped(n, pos, field);
	return NULL;
}

static struct expr *
map_match(struct norm *n, struct match *m)
{
	if (!m->field || !n->ls)
		return match_expr(n, m);
	const char *sigma = m->field;
	bool pass;
	const struct pl_field *f = lookup(n, m->pos, sigma, &pass);
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
			const struct pl_field *o = lookup(n, m->pos, m->vals[i].text, &pass);
			if (!o && !pass)
				return NULL;
			if (o && (!o->to || o->project_only))
				return unmapped(n, m->pos, m->vals[i].text), NULL;
			if (o) {
				use_extend(n, o);
				m->vals[i].text = o->to;
				m->vals[i].len = strlen(o->to);
			}
		}
	}
	if (!f)
		return match_expr(n, m);
	if (f->values)
		return map_values(n, m, f, sigma);
	if (f->hashes)
		return map_hashes(n, m, f, sigma);
	m->field = f->to;
	use_extend(n, f);
	if (f->prefixes && m->op == MATCH_STR)
		rewrite_prefixes(n, m, f);
	if (!coerce(n, m, f->type, sigma))
		return NULL;
	return match_expr(n, m);
}

/* ---- items, searches, conditions -------------------------------------------------- */

/* Matches of one OR group of alternatives: consecutive alternatives of one kind share a match. */
static struct expr *
alts_expr(struct norm *n, const struct item *it, const struct alts *as)
{
	struct expr *g = new_group(n, EXPR_OR);
	/* Base64 text is case-significant: encoded values carry an implicit cased
	 * (targets.md §4.5), or a case-insensitive match would widen them. */
	bool cased = modchain_has(&it->mods, MOD_CASED) || modchain_has(&it->mods, MOD_BASE64) ||
		     modchain_has(&it->mods, MOD_BASE64OFFSET);
	for (int i = 0; i < as->n;) {
		int j = i;
		while (j < as->n && as->v[j].op == as->v[i].op)
			j++;
		struct match m = {.field = it->field, .op = as->v[i].op, .cased = cased, .pos = it->pos,
				  .nvals = j - i, .sigma_field = it->field};
		m.vals = arena_alloc(n->a, sizeof(*m.vals) * (size_t)m.nvals);
		m.capvals = m.nvals;
		for (int k = i; k < j; k++)
			m.vals[k - i] = as->v[k].v;
		struct expr *e = map_match(n, &m);
		if (!e)
			return NULL;
		add_kid(n, g, e);
		i = j;
	}
	return finish_group(g);
}

/* The alternatives of one value, counted against the rule's budget. */
static bool
item_value(struct norm *n, const struct item *it, const struct value *v, struct alts *as)
{
	int from = as->n;
	if (!value_alts(n, it, v, as))
		return false;
	size_t bytes = 0;
	for (int i = from; i < as->n; i++)
		bytes += mval_bytes(as->v[i].op, &as->v[i].v);
	if (!budget_fits(n, v->pos, as->n - from, bytes))
		return false;
	n->values += as->n - from;
	n->bytes += bytes;
	return true;
}

static struct expr *
item_expr(struct norm *n, const struct item *it)
{
	const struct modchain *c = &it->mods;
	bool all = modchain_has(c, MOD_ALL);
	struct value null_value = {.kind = VAL_NULL, .pos = it->pos};
	const struct value *vals = it->empty_list ? &null_value : it->vals;
	int nvals = it->empty_list ? 1 : it->nvals;
	if (all && nvals < 2) {
		for (int i = 0; i < c->n; i++)
			if (c->mod[i] == MOD_ALL)
				diag_error(n->d, c->pos[i], "modifier 'all' needs a list of two or more values");
		return NULL;
	}
	struct expr *res;
	if (all) {
		res = new_group(n, EXPR_AND);
		for (int i = 0; i < nvals; i++) {
			struct alts as = {0};
			if (!item_value(n, it, &vals[i], &as))
				return NULL;
			struct expr *e = alts_expr(n, it, &as);
			if (!e)
				return NULL;
			add_kid(n, res, e);
		}
		res = finish_group(res);
	} else {
		struct alts as = {0};
		for (int i = 0; i < nvals; i++)
			if (!item_value(n, it, &vals[i], &as))
				return NULL;
		if (!(res = alts_expr(n, it, &as)))
			return NULL;
	}
	return modchain_has(c, MOD_NEQ) ? new_not(n, res) : res;
}

static struct expr *
search_expr(struct norm *n, const struct search *s)
{
	struct expr *any = new_group(n, EXPR_OR);
	for (int i = 0; i < s->ngroups; i++) {
		struct expr *every = new_group(n, EXPR_AND);
		for (int j = 0; j < s->groups[i].nitems; j++) {
			struct expr *e = item_expr(n, &s->groups[i].items[j]);
			if (!e)
				return NULL;
			add_kid(n, every, e);
		}
		add_kid(n, any, finish_group(every));
	}
	return finish_group(any);
}

static struct expr *
cond_expr(struct norm *n, const struct cond *c)
{
	struct expr *g, *e;
	const struct search *s;
	switch (c->kind) {
	case COND_ID:
		if ((s = rule_search(n->r, c->id)))
			return search_expr(n, s);
		diag_error(n->d, c->pos, "undefined search identifier '%s'", c->id);
		return NULL;
	case COND_OF:
		g = new_group(n, c->of.all ? EXPR_AND : EXPR_OR);
		for (int i = 0; i < n->r->nsearches; i++) {
			if (!cond_selects(c->of.pattern, n->r->searches[i].name))
				continue;
			if (!(e = search_expr(n, &n->r->searches[i])))
				return NULL;
			add_kid(n, g, e);
		}
		return finish_group(g);
	case COND_NOT:
		return (e = cond_expr(n, c->operand)) ? new_not(n, e) : NULL;
	case COND_AND:
	case COND_OR:
		g = new_group(n, c->kind == COND_AND ? EXPR_AND : EXPR_OR);
		for (int i = 0; i < c->list.n; i++) {
			if (!(e = cond_expr(n, c->list.kids[i])))
				return NULL;
			add_kid(n, g, e);
		}
		return finish_group(g);
	}
	return NULL;
}

const char *
options_get(const struct options *o, const char *key)
{
	size_t n = strlen(key);
	for (int i = 0; i < o->nbackend_opts; i++)
		if (!strncmp(o->backend_opts[i], key, n) && o->backend_opts[i][n] == '=')
			return o->backend_opts[i] + n + 1;
	return NULL;
}

/* ---- projection and the query -------------------------------------------------------- */

static void
add_project(struct norm *n, struct query *q, int *cap, const char *col)
{
	if (strmap_put(n->a, &n->projected, col, strlen(col), q->nproject) >= 0)
		return;
	VEC_PUSH(n->a, q->project, q->nproject, *cap, col);
}

static bool
project_fields(struct norm *n, struct query *q)
{
	int cap = 0;
	for (int i = 0; i < n->r->nfields; i++) {
		const char *name = n->r->fields[i];
		if (!n->ls) {
			add_project(n, q, &cap, name);
			continue;
		}
		/* fields: only chooses what to show, so an unknown one is left out, not fatal */
		const struct pl_field *f = pipeline_field(n->ls, name);
		if (!f && !n->ls->passthrough && n->o->unmapped != UNMAPPED_PASSTHROUGH) {
			diag_warning(n->d, n->r->field_pos[i],
				     "field '%s' of 'fields' has no mapping in pipeline %s (target %s, "
				     "logsource %s); it is left out of the output columns",
				     name, n->o->pipeline->name, n->o->target, n->lsname);
			continue;
		}
		if (!f) {
			add_project(n, q, &cap, name);
			continue;
		}
		use_extend(n, f);
		if (f->to)
			add_project(n, q, &cap, f->to);
		for (unsigned k = 0; !f->to && k < f->hashes_count; k++)
			add_project(n, q, &cap, f->hashes[k].to);
		if (!f->to && f->values)
			add_project(n, q, &cap, f->values[0].field);
	}
	return true;
}

struct query *
normalize_rule(struct arena *a, struct diag *d, const struct rule *r, const struct options *o)
{
	struct norm n = {.a = a, .d = d, .r = r, .o = o, .lsname = logsource_name(a, &r->logsource)};
	struct query *q = arena_alloc(a, sizeof(*q));
	q->rule = r;
	q->opts = o;
	if (o->pipeline) {
		n.ls = pipeline_logsource(o->pipeline, &r->logsource);
		if (!n.ls || n.ls->error || !n.ls->table) {
			diag_error(d, r->logsource.pos,
				   "no event selection for logsource %s in pipeline %s (target %s)%s%s",
				   n.lsname, o->pipeline->name, o->target, n.ls && n.ls->error ? ": " : "",
				   n.ls && n.ls->error ? n.ls->error : "");
			return NULL;
		}
		q->table = n.ls->table;
		n.extend_used = arena_alloc(a, sizeof(bool) * (n.ls->fields_count + 1));
	}
	/* a condition list matches when any of its conditions does */
	struct expr *any = new_group(&n, EXPR_OR);
	for (int i = 0; i < r->nconds; i++) {
		struct expr *e = cond_expr(&n, r->conds[i]);
		if (!e)
			return NULL;
		add_kid(&n, any, e);
	}
	q->expr = finish_group(any);
	if (!project_fields(&n, q))
		return NULL;
	for (unsigned i = 0, cap = 0; n.ls && i < n.ls->fields_count; i++) {
		if (!n.extend_used[i])
			continue;
		struct extend x = {n.ls->fields[i].to, n.ls->fields[i].extend};
		int icap = (int)cap;
		VEC_PUSH(a, q->extends, q->nextends, icap, x);
		cap = (unsigned)icap;
	}
	return q;
}
