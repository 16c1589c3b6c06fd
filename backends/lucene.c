/*
 * lucene.c: Sigma values as Lucene regexes (targets.md §0.3, §3.3), for the
 * Elastic targets: EQL's regex/regex~ and ES|QL's RLIKE. A Lucene regex
 * matches the whole value and is not PCRE: the translator rewrites what has
 * an exact Lucene form (\d, \w, \s, (?:, the open sides of an unanchored
 * search) and refuses the rest, naming the target. Its text is raw; the
 * caller's string literal quotes it.
 */
#include "lucene.h"

#include <string.h>

/* Constructs Lucene regexes lack (targets.md §3.3); inline flags are handled apart. */
static const unsigned lucene_unsupported = REGEX_LOOKAHEAD | REGEX_LOOKBEHIND | REGEX_BACKREF |
					   REGEX_POSSESSIVE | REGEX_ATOMIC | REGEX_CONDITIONAL |
					   REGEX_BIG_Z | REGEX_BIG_G | REGEX_COMMENT | REGEX_NAMED;

/* Lucene operators PCRE treats as plain text: escaped wherever they are literal. */
#define LUCENE_OPTIONAL "\"#@&<>~"


/*
 * The Lucene regex of a wildcard pattern (targets.md §0.3): whole-value, so
 * no anchors. Lucene escapes any character with a backslash and its '.'
 * matches newlines, so Sigma's '*' is '.*' with no flag; control characters
 * stay raw and the string literal escapes them.
 */
void
lucene_pattern(struct buf *out, const struct pattern *p)
{
	static const char metas[] = "\\.^$|?*+()[]{}" LUCENE_OPTIONAL;
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind != SEG_TEXT) {
			buf_puts(out, s->kind == SEG_STAR ? ".*" : ".");
			continue;
		}
		for (size_t j = 0; j < s->len; j++) {
			if (strchr(metas, s->text[j]))
				buf_putc(out, '\\');
			buf_putc(out, s->text[j]);
		}
	}
}

/* ---- Sigma `re` to Lucene -------------------------------------------------------------- */

struct lucene_re {
	struct emitter *em;
	const struct match *m;
	const char *p, *end;
	bool dotall;		/* Sigma `s`: '.' also matches a newline */
	bool multiline;		/* Sigma `m`: '^' and '$' also match at line breaks */
	struct buf out;
};

static bool
lucene_re_refuse(struct lucene_re *l, const char *what)
{
	buf_free(&l->out);
	return emit_refuse(l->em, l->m->pos, "regex for field '%s' uses %s, which Lucene does "
			   "not support", l->m->field ? l->m->field : "*", what);
}

/* The class bodies of \d \w \s; \s is PCRE's [\t\n\v\f\r ] (raw characters). */
static const char *
lucene_re_class_body(char c)
{
	switch (c) {
	case 'd': return "0-9";
	case 'w': return "A-Za-z0-9_";
	case 's': return "\t-\r ";
	}
	return NULL;
}

static int
lucene_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* One escape sequence at l->p (the backslash); in_class: inside [...]. */
static bool
lucene_re_escape(struct lucene_re *l, bool in_class)
{
	static const char controls[] = "n\nt\tr\rf\fv\va\ae\x1b";
	char c = l->p[1];
	l->p += 2;
	char lower = (char)(c | 0x20);
	if (c >= 'A' && c <= 'Z' && lucene_re_class_body(lower)) {
		if (in_class)
			return lucene_re_refuse(l, arena_printf(l->em->a, "\\%c in a class", c));
		buf_printf(&l->out, "[^%s]", lucene_re_class_body(lower));
		return true;
	}
	if (lucene_re_class_body(c)) {
		buf_printf(&l->out, in_class ? "%s" : "[%s]", lucene_re_class_body(c));
		return true;
	}
	const char *ctl = c ? strchr(controls, c) : NULL;
	if (ctl && (ctl - controls) % 2 == 0) {
		buf_putc(&l->out, ctl[1]);
		return true;
	}
	int hi = l->end - l->p >= 2 ? lucene_hex(l->p[0]) : -1, lo = hi >= 0 ? lucene_hex(l->p[1]) : -1;
	if (c == 'x' && hi >= 0 && hi < 8 && lo >= 0 && (hi || lo)) {
		char ch = (char)(hi * 16 + lo);
		l->p += 2;
		if (strchr("\\.^$|?*+()[]{}-" LUCENE_OPTIONAL, ch))
			buf_putc(&l->out, '\\');
		buf_putc(&l->out, ch);
		return true;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return lucene_re_refuse(l, arena_printf(l->em->a, "\\%c", c));
	/* escaped punctuation: a backslash makes any character literal in Lucene too */
	buf_putc(&l->out, '\\');
	buf_putc(&l->out, c);
	return true;
}

static bool
lucene_re_shorthand(char c)
{
	return c && strchr("dswDSW", c);
}

static bool
lucene_re_class(struct lucene_re *l)
{
	buf_putc(&l->out, '[');
	l->p++;
	if (l->p < l->end && *l->p == '^')
		buf_putc(&l->out, *l->p++);
	if (l->p < l->end && *l->p == ']') {
		buf_puts(&l->out, "\\]");
		l->p++;
	}
	/* a '-' PCRE takes literally (at an edge, next to \d \s \w) is a range to Lucene */
	bool edge = true, shorthand = false;
	while (l->p < l->end && *l->p != ']') {
		const char *at = l->p;
		if (*at == '\\') {
			shorthand = lucene_re_shorthand(at[1]);
			if (!lucene_re_escape(l, true))
				return false;
			edge = false;
			continue;
		}
		if (*at == '[' && at + 1 < l->end && at[1] == ':')
			return lucene_re_refuse(l, "a POSIX character class");
		bool dash = *at == '-' && (edge || shorthand || at[1] == ']' ||
					   (at[1] == '\\' && lucene_re_shorthand(at[2])));
		if (dash || strchr("[" LUCENE_OPTIONAL, *at))
			buf_putc(&l->out, '\\');
		buf_putc(&l->out, *l->p++);
		edge = shorthand = false;
	}
	buf_putc(&l->out, ']');
	l->p++;
	return true;
}

/* Length of a {n}, {n,} or {n,m} repetition at l->p, 0 if the '{' is literal. */
static size_t
lucene_re_repetition(const struct lucene_re *l)
{
	const char *q = l->p + 1;
	bool digits = false;
	while (q < l->end && *q >= '0' && *q <= '9')
		q++, digits = true;
	if (q < l->end && *q == ',')
		for (q++; q < l->end && *q >= '0' && *q <= '9';)
			q++;
	return digits && q < l->end && *q == '}' ? (size_t)(q - l->p + 1) : 0;
}

/* Translates the body between the outer anchors; regex_check() has accepted it. */
static bool
lucene_re_body(struct lucene_re *l)
{
	while (l->p < l->end) {
		char c = *l->p;
		size_t rep;
		switch (c) {
		case '\\':
			if (!lucene_re_escape(l, false))
				return false;
			continue;
		case '[':
			if (!lucene_re_class(l))
				return false;
			continue;
		case '(':
			if (l->p + 1 < l->end && l->p[1] == '?') {
				if (l->p + 2 >= l->end || l->p[2] != ':')
					return lucene_re_refuse(l, "inline flags other than "
								"a leading (?i)");
				l->p += 2;	/* (?: is Lucene's plain group */
			}
			buf_putc(&l->out, '(');
			l->p++;
			continue;
		case '^':
		case '$':
			return lucene_re_refuse(l, "'^' or '$' inside the regex");
		case '.':
			buf_puts(&l->out, l->dotall ? "." : "[^\n]");
			l->p++;
			continue;
		case '{':
			rep = lucene_re_repetition(l);
			if (!rep) {
				buf_puts(&l->out, "\\{");
				l->p++;
				continue;
			}
			buf_putn(&l->out, l->p, rep);
			l->p += rep;
			break;
		case '}':
			buf_puts(&l->out, "\\}");
			l->p++;
			continue;
		case '*':
		case '+':
		case '?':
			buf_putc(&l->out, c);
			l->p++;
			break;
		default:
			if (strchr(LUCENE_OPTIONAL, c))
				buf_putc(&l->out, '\\');
			buf_putc(&l->out, c);
			l->p++;
			continue;
		}
		/* after a quantifier: a lazy '?' matches the same set of values */
		if (l->p < l->end && *l->p == '?')
			l->p++;
	}
	return true;
}

/* The end of the atom at p: an escape, a class, a whole group or one character. */
static const char *
lucene_re_atom_end(const char *p, const char *end)
{
	const char *q = p + 1;
	if (*p == '\\')
		return q < end ? q + 1 : end;
	if (*p == '[') {
		q += q < end && *q == '^';
		q += q < end && *q == ']';
		while (q < end && *q != ']')
			q += *q == '\\' ? 2 : 1;
		return q < end ? q + 1 : end;
	}
	if (*p == '(') {
		while (q < end && *q != ')')
			q = lucene_re_atom_end(q, end);
		return q < end ? q + 1 : end;
	}
	return q;
}

/* The end of an unquantified group at p, or NULL. */
static const char *
lucene_re_group(const char *p, const char *end)
{
	if (p >= end || *p != '(' || (p + 1 < end && p[1] == '?' && (p + 2 >= end || p[2] != ':')))
		return NULL;
	const char *q = lucene_re_atom_end(p, end);
	return q < end && strchr("*+?{", *q) ? NULL : q;
}

static bool
lucene_re_alternation(struct lucene_re *l, const char *p, const char *end, bool lead, bool trail);

/* A translated group at p (ending at g) whose open sides are lead and trail. */
static bool
lucene_re_subgroup(struct lucene_re *l, const char *p, const char *g, bool lead, bool trail)
{
	const char *inner = p + (p[1] == '?' ? 3 : 1);
	buf_putc(&l->out, '(');
	if (!lucene_re_alternation(l, inner, g - 1, lead, trail))
		return false;
	buf_putc(&l->out, ')');
	return true;
}

/* Translates [p, end) with no anchors allowed (lucene_re_body). */
static bool
lucene_re_span(struct lucene_re *l, const char *p, const char *end)
{
	l->p = p;
	l->end = end;
	return lucene_re_body(l);
}

/*
 * One branch. lead: it starts where the value starts, so a leading '^' is
 * dropped and otherwise '.*' fills the open side (Lucene matches the whole
 * value); trail likewise at the end. An unquantified group on an open side
 * takes the side inside, so that '(^|/)x' and '(^a$)|(^b$)' stay exact.
 */
static bool
lucene_re_branch(struct lucene_re *l, const char *p, const char *end, bool lead, bool trail)
{
	const char *last = NULL;
	for (const char *q = p; q < end; q = lucene_re_atom_end(q, end))
		last = q;
	bool caret = lead && p < end && *p == '^';
	bool dollar = trail && last && *last == '$';
	if ((caret || dollar) && l->multiline)
		return lucene_re_refuse(l, "'^' or '$' with the m flag");
	p += caret;
	end -= dollar;
	lead = lead && !caret;
	trail = trail && !dollar;
	const char *g = lead ? lucene_re_group(p, end) : NULL;
	if (g) {
		if (!lucene_re_subgroup(l, p, g, true, trail && g == end))
			return false;
		if (g == end)
			return true;
		p = g;
	} else if (lead) {
		buf_puts(&l->out, ".*");
	}
	g = trail && last >= p && last < end ? lucene_re_group(last, end) : NULL;
	if (!lucene_re_span(l, p, g ? last : end))
		return false;
	if (g)
		return lucene_re_subgroup(l, last, g, false, true);
	if (trail)
		buf_puts(&l->out, ".*");
	return true;
}

/* The branches of [p, end); Lucene needs "()" for an empty one. */
static bool
lucene_re_alternation(struct lucene_re *l, const char *p, const char *end, bool lead, bool trail)
{
	for (;;) {
		const char *e = p;
		while (e < end && *e != '|')
			e = lucene_re_atom_end(e, end);
		size_t at = l->out.len;
		if (!lucene_re_branch(l, p, e, lead, trail))
			return false;
		if (l->out.len == at)
			buf_puts(&l->out, "()");
		if (e >= end)
			return true;
		buf_putc(&l->out, '|');
		p = e + 1;
	}
}

/* The Lucene regex of a Sigma regex (targets.md §3.3), raw; *icase for regex~. */
bool
lucene_regex(struct emitter *em, const struct match *m, const struct mval *v, struct buf *out,
	  bool *icase)
{
	unsigned features;
	size_t off;
	struct lucene_re l = {.em = em, .m = m, .dotall = v->re_flags & RE_S,
			   .multiline = v->re_flags & RE_M};
	regex_check(v->text, v->len, &features, &off);	/* the normalizer has checked the syntax */
	if (features & lucene_unsupported) {
		unsigned bit = features & lucene_unsupported;
		return lucene_re_refuse(&l, regex_feature_name(bit & -bit));
	}
	const char *p = v->text, *end = v->text + v->len;
	*icase = v->re_flags & RE_I;
	if (end - p >= 4 && !memcmp(p, "(?i)", 4)) {
		*icase = true;
		p += 4;
	}
	/* search semantics: the regex may match anywhere, so both sides are open */
	if (!lucene_re_alternation(&l, p, end, true, true))
		return false;
	buf_putn(out, l.out.data ? l.out.data : "", l.out.len);
	buf_free(&l.out);
	return true;
}
