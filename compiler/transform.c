/*
 * transform.c: the alternatives of one Sigma value. Applies the modifier
 * chain (wildcards, encodings, windash, expand, regex/cidr/fieldref/
 * comparison types) and counts every value against the per-rule budget.
 */
#include "normalize.h"
#include "base.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	front = front && (p.nsegs == 0 || p.segs[0].kind != SEG_STAR);
	int cap = p.nsegs + front + back;	/* exactly: one per value of a large list */
	q.segs = arena_alloc_raw(n->a, sizeof(*q.segs) * (size_t)(cap ? cap : 1));
	struct seg star = {SEG_STAR, NULL, 0};
	if (front)
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
		/* room for one result per pattern, the common case; more grow the vector */
		int nnext = 0, cap = npats;
		struct pattern *next = arena_alloc_raw(n->a, sizeof(*next) * (size_t)cap);
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
		return diag_error(n->d, modchain_pos(c, 0),
				  "a UTF-16 value must be followed by 'base64' or 'base64offset': "
				  "no target can match its NUL bytes as text");
	for (int k = 0; k < npats; k++)
		norm_push_alt(n, out, MATCH_STR, (struct mval){.pat = pats[k]});
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
	norm_push_alt(n, out, MATCH_RE, m);
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
	bool ok = family == 4 ? ip_parse4(v->text, alen, addr) : ip_parse6(v->text, alen, addr);
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
		return diag_error(n->d, v->pos, "invalid CIDR network '%s'", norm_show(n, v->text, v->len));
	for (int b = prefix; b < bits; b++)
		if (addr[b / 8] & (0x80 >> (b % 8)))
			return diag_error(n->d, v->pos,
					  "invalid CIDR network '%s': host bits are set after /%d",
					  v->text, prefix);
	struct mval m = {.family = family};
	m.text = slash ? v->text : arena_printf(n->a, "%s/%d", v->text, bits);
	m.len = strlen(m.text);
	norm_push_alt(n, out, MATCH_CIDR, m);
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
		norm_push_alt(n, out, MATCH_NULL, (struct mval){0});
		return true;
	}
	switch (first) {
	case MOD_EXISTS:
		if (v->kind != VAL_BOOL)
			return diag_error(n->d, v->pos, "'exists' needs true or false, not '%s'",
					  norm_show(n, v->text, v->len));
		norm_push_alt(n, out, MATCH_EXISTS, (struct mval){.b = v->b});
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
		norm_push_alt(n, out, MATCH_FIELDREF, m);
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
					  norm_show(n, v->text, v->len));
		struct mval m = {.text = v->text, .len = v->len, .cmp = chain_cmp(c)};
		if (tp != MOD__COUNT)
			m.part = modifier_name(tp);
		norm_push_alt(n, out, tp != MOD__COUNT ? MATCH_TIMEPART : MATCH_NUM, m);
		return true;
	}
	if (!has_string_modifier(c)) {
		if (v->kind == VAL_NUM) {
			norm_push_alt(n, out, MATCH_NUM, (struct mval){.text = v->text, .len = v->len});
			return true;
		}
		if (v->kind == VAL_BOOL && it->field) {
			norm_push_alt(n, out, MATCH_BOOL, (struct mval){.b = v->b});
			return true;
		}
	}
	return string_alts(n, it, v, out);
}

/* ---- the alternatives shared by a file's targets ---------------------------------- */

/*
 * A value's alternatives depend on the value, its item's modifiers and the
 * placeholder lists, not on the target, so a file compiled for several
 * targets computes them once. An entry is keyed by the value's address, stable
 * while the file is loaded (only the loaded rules' own values are cached, never
 * a copy made for one target), and lives in the cache's arena, as each
 * target's work is released after it. The mapping rewrites a match's values in
 * place, so every use gets its own copy of the values; the segments are
 * shared (fieldmap.c copies them before it rewrites one). What took a message
 * to compute is never cached: each target says it again.
 */
struct alts_entry {
	const struct value *key;	/* NULL: an empty slot */
	const struct vars *vars;	/* what the placeholders were expanded with */
	bool wildcard;
	struct alts as;
	long values;			/* as.n and its bytes, for the budget */
	size_t bytes;
};

struct alts_cache {
	struct arena a;
	struct alts_entry *slots;	/* heap, open addressing, at most half full */
	int n, cap;
	int uses;			/* compiles of the file so far */
};

struct alts_cache *
alts_cache_new(void)
{
	struct alts_cache *c = mem_calloc(1, sizeof(*c));
	return c;
}

struct alts_cache *
alts_cache_use(struct alts_cache *c)
{
	return c && ++c->uses >= 2 ? c : NULL;
}

void
alts_cache_free(struct alts_cache *c)
{
	if (!c)
		return;
	arena_free(&c->a);
	free(c->slots);
	free(c);
}

static size_t
slot_of(const struct value *v, int cap)
{
	return (size_t)(((uintptr_t)v >> 3) * 0x9e3779b97f4a7c15u) & (size_t)(cap - 1);
}

/* v's entry, or the empty slot it would take; NULL while the table is empty. */
static struct alts_entry *
cache_find(const struct alts_cache *c, const struct value *v)
{
	if (!c->cap)
		return NULL;
	size_t h = slot_of(v, c->cap);
	while (c->slots[h].key && c->slots[h].key != v)
		h = (h + 1) & (size_t)(c->cap - 1);
	return &c->slots[h];
}

static void
cache_store(struct alts_cache *c, const struct alts_entry *e)
{
	if (2 * (c->n + 1) > c->cap) {
		int cap = c->cap ? 2 * c->cap : 32;
		struct alts_entry *slots = mem_calloc((size_t)cap, sizeof(*slots));
		for (int i = 0; i < c->cap; i++) {
			if (!c->slots[i].key)
				continue;
			size_t h = slot_of(c->slots[i].key, cap);
			while (slots[h].key)
				h = (h + 1) & (size_t)(cap - 1);
			slots[h] = c->slots[i];
		}
		free(c->slots);
		c->slots = slots;
		c->cap = cap;
	}
	*cache_find(c, e->key) = *e;
	c->n++;
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
		bytes += mval_bytes(as->op[i], &as->v[i]);
	if (!budget_fits(n, v->pos, as->n - from, bytes))
		return false;
	n->values += as->n - from;
	n->bytes += bytes;
	return true;
}

/* item_value for a value not cached yet: computed into the cache's arena, kept
 * when that said nothing. */
static bool
cache_fill(struct norm *n, const struct item *it, const struct value *v, struct alts *as)
{
	struct alts_entry e = {.key = v, .vars = n->o->vars, .wildcard = n->o->placeholder_wildcard};
	struct arena *own = n->a;
	int msgs = n->d->nmsgs;
	long values = n->values;
	size_t bytes = n->bytes;
	n->a = &n->cache->a;
	bool ok = item_value(n, it, v, &e.as);
	n->a = own;
	if (!ok)
		return false;
	e.values = n->values - values;
	e.bytes = n->bytes - bytes;
	if (n->d->nmsgs == msgs)
		cache_store(n->cache, &e);
	for (int i = 0; i < e.as.n; i++)
		norm_push_alt(n, as, e.as.op[i], e.as.v[i]);
	return true;
}

bool
norm_item_value(struct norm *n, const struct item *it, const struct value *v, struct alts *as)
{
	if (!n->cache)
		return item_value(n, it, v, as);
	const struct alts_entry *e = cache_find(n->cache, v);
	if (!e || !e->key)
		return cache_fill(n, it, v, as);
	/* near the budget the steps are taken again, for the same message */
	if (e->vars != n->o->vars || e->wildcard != n->o->placeholder_wildcard ||
	    e->values > RULE_MAX_VALUES - n->values || e->bytes > RULE_MAX_VALUE_BYTES - n->bytes)
		return item_value(n, it, v, as);
	if (as->cap - as->n < e->as.n)
		norm_alts_reserve(n, as, as->n + e->as.n > 2 * as->cap ? as->n + e->as.n : 2 * as->cap);
	memcpy(as->op + as->n, e->as.op, sizeof(*as->op) * (size_t)e->as.n);
	memcpy(as->v + as->n, e->as.v, sizeof(*as->v) * (size_t)e->as.n);
	as->n += e->as.n;
	n->values += e->values;
	n->bytes += e->bytes;
	return true;
}
