/*
 * eval_match.c: one IR comparison on one event, and whole expressions.
 * The semantics are Sigma's (sigma-spec.md §5-§7), the same for every
 * target; where a target differs, its backend warns at compile time.
 *
 *   str       wildcard pattern on the whole value, case-insensitive (ASCII)
 *             unless cased; `?` is one UTF-8 character. A keyword (no field)
 *             matches when it occurs inside any value of the event.
 *   re        search semantics (anywhere in the value), eval_regex.c
 *   num       numeric comparison; a string field holding a number counts
 *   bool      true/false, also the strings "true"/"false"
 *   null      the field is missing, JSON null or the empty string
 *   exists    the field is present (an empty string is present, JSON null not)
 *   fieldref  the other field's value, with the match's anchor and case
 *   cidr      the value is an IPv4/IPv6 address inside the network
 *   timepart  the part of an ISO 8601 date-time value (week: ISO week)
 * A field with several values (a JSON array) matches when any value does;
 * a comparison on a missing field is false (so `neq` of it is true).
 */
#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool
same_text(const char *a, const char *b, size_t n, bool cased)
{
	if (cased)
		return !memcmp(a, b, n);
	for (size_t i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

static size_t
char_len(const char *s, size_t at, size_t len)
{
	size_t k = at + 1;
	while (k < len && ((unsigned char)s[k] & 0xc0) == 0x80)
		k++;
	return k - at;
}

/*
 * Wildcard matching that backtracks only to the last star, which is exact
 * for glob patterns and O(len * segments). floating: as if the pattern had
 * a star at both ends (keywords).
 */
static bool
glob(const struct pattern *p, const char *s, size_t len, bool cased, bool floating)
{
	int si = 0, star = floating ? 0 : -1;
	size_t pos = 0, star_pos = 0;
	for (;;) {
		if (si < p->nsegs) {
			const struct seg *g = &p->segs[si];
			if (g->kind == SEG_STAR) {
				star = ++si;
				star_pos = pos;
				continue;
			}
			if (g->kind == SEG_QMARK && pos < len) {
				pos += char_len(s, pos, len);
				si++;
				continue;
			}
			if (g->kind == SEG_TEXT && len - pos >= g->len &&
			    same_text(s + pos, g->text, g->len, cased)) {
				pos += g->len;
				si++;
				continue;
			}
		} else if (pos == len || floating) {
			return true;
		}
		if (star < 0 || star_pos >= len)
			return false;
		star_pos += char_len(s, star_pos, len);
		pos = star_pos;
		si = star;
	}
}

static bool
parse_number(const char *s, size_t len, double *out)
{
	char tmp[64];
	if (len == 0 || len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	char *end;
	*out = strtod(tmp, &end);
	return *end == 0 && end != tmp;
}

static bool
compare(double a, enum cmp c, double b)
{
	switch (c) {
	case CMP_EQ: return a == b;
	case CMP_LT: return a < b;
	case CMP_LTE: return a <= b;
	case CMP_GT: return a > b;
	case CMP_GTE: return a >= b;
	}
	return false;
}

/* An address inside a network written as "addr/prefix". */
static bool
in_network(const struct mval *v, const char *s, size_t len)
{
	unsigned char net[16], ip[16];
	const char *slash = memchr(v->text, '/', v->len);
	size_t alen = slash ? (size_t)(slash - v->text) : v->len;
	int bits = atoi(slash ? slash + 1 : "128");
	bool ok = v->family == 4 ? ip_parse4(v->text, alen, net) && ip_parse4(s, len, ip) :
		  ip_parse6(v->text, alen, net) && ip_parse6(s, len, ip);
	for (int b = 0; ok && b < bits; b++)
		ok = ((net[b / 8] ^ ip[b / 8]) & (0x80 >> (b % 8))) == 0;
	return ok;
}

static int
digits(const char *s, size_t len, size_t at, size_t n)
{
	int v = 0;
	for (size_t i = at; i < at + n; i++) {
		if (i >= len || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* ISO 8601 week number of a date (weeks start on Monday; week 1 holds January 4th). */
static int
iso_week(int y, int m, int d)
{
	static const int before[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	bool leap = (y % 4 == 0 && y % 100) || y % 400 == 0;
	int yday = before[m - 1] + d + (leap && m > 2);
	/* weekday, Monday = 1 (Sakamoto's method) */
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	int yy = m < 3 ? y - 1 : y;
	int wd = (yy + yy / 4 - yy / 100 + yy / 400 + t[m - 1] + d) % 7;
	wd = wd ? wd : 7;
	int w = (yday - wd + 10) / 7;
	if (w < 1)	/* the last week of the year before: December 28th is always in it */
		return iso_week(y - 1, 12, 28);
	int wd31 = (wd - 1 + 365 + leap - yday) % 7 + 1;	/* weekday of December 31st */
	return w == 53 && wd31 < 4 ? 1 : w;
}

/* The part of "YYYY-MM-DD[T ]HH:MM..." a timepart match names; -1 if s is no date. */
static int
time_part(const char *part, const char *s, size_t len)
{
	int y = digits(s, len, 0, 4), mo = digits(s, len, 5, 2), d = digits(s, len, 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || s[4] != '-' || s[7] != '-')
		return -1;
	if (!strcmp(part, "year")) return y;
	if (!strcmp(part, "month")) return mo;
	if (!strcmp(part, "day")) return d;
	if (!strcmp(part, "week")) return iso_week(y, mo, d);
	if (len < 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return -1;
	return !strcmp(part, "hour") ? digits(s, len, 11, 2) : digits(s, len, 14, 2);
}

static bool
anchored(const char *hay, size_t hlen, const char *needle, size_t nlen, enum anchor an,
	 bool cased)
{
	if (nlen > hlen)
		return false;
	switch (an) {
	case ANCHOR_EXACT: return nlen == hlen && same_text(hay, needle, nlen, cased);
	case ANCHOR_PREFIX: return same_text(hay, needle, nlen, cased);
	case ANCHOR_SUFFIX: return same_text(hay + hlen - nlen, needle, nlen, cased);
	case ANCHOR_CONTAINS:
		for (size_t i = 0; i + nlen <= hlen; i++)
			if (same_text(hay + i, needle, nlen, cased))
				return true;
		return false;
	}
	return false;
}

static bool
fieldref(const struct match *m, const struct mval *v, const struct evfield *f,
	 const struct event *ev)
{
	char *other = strndup(v->text, v->len);
	bool ok = false;
	const struct evfield *g;
	for (int at = 0; !ok && (g = event_field(ev, other, &at));)
		ok = g->kind != EV_NULL && anchored(f->text, f->len, g->text, g->len, v->anchor, m->cased);
	free(other);
	return ok;
}

static struct regex *
find_regex(const struct evalctx *ctx, const struct mval *v)
{
	for (int i = 0; i < ctx->nregexes; i++)
		if (ctx->regexes[i].val == v)
			return ctx->regexes[i].re;
	return NULL;
}

/* One value of one present field. */
static bool
value_matches(const struct evalctx *ctx, const struct match *m, const struct mval *v,
	      const struct evfield *f, const struct event *ev)
{
	double a, b;
	int part;
	switch (m->op) {
	case MATCH_STR: return glob(&v->pat, f->text, f->len, m->cased, !m->field);
	case MATCH_RE:	/* eval_prepare compiled every regex of the rule */
		return find_regex(ctx, v) && regex_search(find_regex(ctx, v), f->text, f->len);
	case MATCH_CIDR: return in_network(v, f->text, f->len);
	case MATCH_NUM:
		return f->kind != EV_BOOL && parse_number(f->text, f->len, &a) &&
		       parse_number(v->text, v->len, &b) && compare(a, v->cmp, b);
	case MATCH_BOOL:
		return f->len == (v->b ? 4u : 5u) && same_text(f->text, v->b ? "true" : "false", f->len,
							       false);
	case MATCH_FIELDREF: return fieldref(m, v, f, ev);
	case MATCH_TIMEPART:
		part = time_part(v->part, f->text, f->len);
		return part >= 0 && parse_number(v->text, v->len, &b) && compare(part, v->cmp, b);
	case MATCH_NULL: return f->len == 0;
	case MATCH_EXISTS: case MATCH__COUNT: break;
	}
	return false;
}

bool
eval_match(struct evalctx *ctx, const struct match *m, const struct event *ev, int *val)
{
	*val = 0;
	if (m->op == MATCH_EXISTS || m->op == MATCH_NULL) {
		bool present = false, empty = false;
		for (int i = 0; i < ev->nfields; i++) {
			const struct evfield *f = &ev->fields[i];
			if (f->kind != EV_NULL && !strcmp(f->name, m->field)) {
				present = true;
				empty = empty || f->len == 0;
			}
		}
		return m->op == MATCH_EXISTS ? present == m->vals[0].b : !present || empty;
	}
	for (int i = 0; i < ev->nfields; i++) {
		const struct evfield *f = &ev->fields[i];
		if (f->kind == EV_NULL || (m->field && strcmp(f->name, m->field)))
			continue;
		for (int k = 0; k < m->nvals; k++) {
			if (value_matches(ctx, m, &m->vals[k], f, ev)) {
				*val = k;
				return true;
			}
		}
	}
	return false;
}

bool
eval_expr(struct evalctx *ctx, const struct expr *e, const struct event *ev)
{
	int val;
	switch (e->kind) {
	case EXPR_MATCH:
		if (eval_match(ctx, &e->match, ev, &val)) {
			ctx->hit = &e->match;
			ctx->hit_val = val;
			return true;
		}
		ctx->miss = &e->match;
		return false;
	case EXPR_NOT:
		return !eval_expr(ctx, e->kids[0], ev);
	case EXPR_AND:
		for (int i = 0; i < e->nkids; i++)
			if (!eval_expr(ctx, e->kids[i], ev))
				return false;
		return true;
	case EXPR_OR:
		for (int i = 0; i < e->nkids; i++)
			if (eval_expr(ctx, e->kids[i], ev))
				return true;
		return false;
	}
	return false;
}

bool
eval_prepare(struct arena *a, struct diag *d, struct evalctx *ctx, const struct expr *e)
{
	if (e->kind != EXPR_MATCH) {
		for (int i = 0; i < e->nkids; i++)
			if (!eval_prepare(a, d, ctx, e->kids[i]))
				return false;
		return true;
	}
	for (int i = 0; e->match.op == MATCH_RE && i < e->match.nvals; i++) {
		const struct mval *v = &e->match.vals[i];
		const char *err;
		size_t off;
		struct regex *re = regex_compile(a, v->text, v->len, v->re_flags, &err, &off);
		if (!re)
			return diag_error(d, e->match.pos,
					  "the evaluator cannot run this regular expression: %s at "
					  "offset %zu",
					  err, off);
		struct regex_slot slot = {v, re};
		VEC_PUSH(a, ctx->regexes, ctx->nregexes, ctx->capregexes, slot);
	}
	return true;
}

void
eval_describe(struct buf *out, const struct match *m, int val)
{
	if (m->field)
		buf_printf(out, "%s %s", m->sigma_field ? m->sigma_field : m->field,
			   match_op_name(m->op));
	else
		buf_puts(out, "keyword");
	if (m->op != MATCH_NULL) {
		buf_putc(out, ' ');
		dump_value(out, m->op, &m->vals[val]);
	}
}
