/*
 * regex.c: a syntax check of Sigma `re` values (PCRE-style) that also reports
 * which constructs a value uses, so that the normalizer can reject invalid
 * regexes at their position and each backend can refuse the constructs its
 * engine lacks (RE2 has no lookaround, backreferences, possessive
 * quantifiers, atomic groups, \Z or conditionals).
 *
 * One pass, no recursion. Backends translate regexes group by group, so the
 * nesting of groups is limited (REGEX_MAX_DEPTH); a syntax error anywhere
 * is reported in preference to the limit.
 */
#include "sigma.h"

#include <ctype.h>
#include <string.h>

static const char *const feature_names[] = {
#define REGEX_FEATURE(id, name) name,
#include "regex.def"
#undef REGEX_FEATURE
};

const char *
regex_feature_name(unsigned bit)
{
	for (unsigned i = 0; i < sizeof(feature_names) / sizeof(feature_names[0]); i++)
		if (bit == 1u << i)
			return feature_names[i];
	return "?";
}

/* Parses {n}, {n,} or {n,m} at s; returns its length, 0 if not a repetition. */
static size_t
repetition(const char *s, const char *end, bool *bad)
{
	const char *p = s + 1;
	long n = -1, m = -1;
	if (p < end && isdigit((unsigned char)*p)) {
		n = 0;
		while (p < end && isdigit((unsigned char)*p))
			n = n * 10 + (*p++ - '0') * (n < 100000);
	}
	if (p < end && *p == ',') {
		p++;
		if (p < end && isdigit((unsigned char)*p)) {
			m = 0;
			while (p < end && isdigit((unsigned char)*p))
				m = m * 10 + (*p++ - '0') * (m < 100000);
		}
	} else {
		m = n;
	}
	if (n < 0 || p >= end || *p != '}')
		return 0;
	*bad = m >= 0 && m < n;
	return (size_t)(p - s + 1);
}

/* The first ":]" at or after p, or end. */
static const char *
find_posix_close(const char *p, const char *end)
{
	for (; p + 1 < end; p++)
		if (p[0] == ':' && p[1] == ']')
			return p;
	return end;
}

const char *
regex_check(const char *s, size_t len, unsigned *features, size_t *err_off)
{
	const char *p = s, *end = s + len;
	int depth = 0;
	bool atom = false;	/* something a quantifier may follow */
	const char *too_deep = NULL;	/* where the nesting first passed the limit */
	const char *posix_close = NULL;	/* the ":]" closing a "[:" class name, or end */
	*features = 0;
	while (p < end) {
		char c = *p;
		*err_off = (size_t)(p - s);
		switch (c) {
		case '\\':
			if (p + 1 >= end)
				return "trailing backslash";
			if (p[1] >= '1' && p[1] <= '9')
				*features |= REGEX_BACKREF;
			else if (p[1] == 'k' && p + 2 < end && (p[2] == '<' || p[2] == '{' || p[2] == '\''))
				*features |= REGEX_BACKREF;
			else if (p[1] == 'Z')
				*features |= REGEX_BIG_Z;
			else if (p[1] == 'G')
				*features |= REGEX_BIG_G;
			p += 2;
			atom = true;
			continue;
		case '[': {
			const char *q = p + 1;
			if (q < end && *q == '^')
				q++;
			if (q < end && *q == ']')
				q++;
			while (q < end && *q != ']') {
				if (*q == '\\')
					q++;
				else if (*q == '[' && q + 1 < end && q[1] == ':') {
					/* the next ":]" serves every "[:" before it: search each stretch once */
					if (!posix_close || posix_close < q + 2)
						posix_close = find_posix_close(q + 2, end);
					if (posix_close < end)
						q = posix_close + 1;
				}
				q++;
			}
			if (q >= end)
				return "missing ']' to close a character class";
			p = q + 1;
			atom = true;
			continue;
		}
		case '(':
			if (++depth > REGEX_MAX_DEPTH && !too_deep)
				too_deep = p;
			p++;
			atom = false;
			if (p < end && *p == '?') {
				const char *q = p + 1;
				if (q >= end)
					return "incomplete group '(?'";
				if (*q == ':' || *q == '=' || *q == '!' || *q == '>') {
					*features |= *q == ':' ? 0 : *q == '>' ? REGEX_ATOMIC : REGEX_LOOKAHEAD;
					p = q + 1;
				} else if (*q == '<' && q + 1 < end && (q[1] == '=' || q[1] == '!')) {
					*features |= REGEX_LOOKBEHIND;
					p = q + 2;
				} else if (*q == '<' || *q == '\'' || (*q == 'P' && q + 1 < end && q[1] == '<')) {
					const char *close = memchr(q, *q == '\'' ? '\'' : '>', (size_t)(end - q - 1));
					close = close == q ? memchr(q + 1, '\'', (size_t)(end - q - 1)) : close;
					if (!close)
						return "unterminated group name";
					*features |= REGEX_NAMED;
					p = close + 1;
				} else if (*q == '#') {
					const char *close = memchr(q, ')', (size_t)(end - q));
					if (!close)
						return "unterminated comment group";
					*features |= REGEX_COMMENT;
					depth--;
					p = close + 1;
				} else if (*q == '(') {
					*features |= REGEX_CONDITIONAL;
					p = q;
				} else if (strchr("imsxU-", *q)) {
					*features |= REGEX_FLAGS;
					while (q < end && strchr("imsxU-", *q))
						q++;
					if (q < end && *q == ')') {
						depth--;	/* (?i) sets flags, opens nothing */
						p = q + 1;
					} else if (q < end && *q == ':') {
						p = q + 1;
					} else {
						return "unknown group construct after '(?'";
					}
				} else {
					return "unknown group construct after '(?'";
				}
			}
			continue;
		case ')':
			if (--depth < 0)
				return "unmatched ')'";
			p++;
			atom = true;
			continue;
		case '|':
			p++;
			atom = false;
			continue;
		case '*':
		case '+':
		case '?':
		case '{': {
			size_t n = 1;
			if (c == '{') {
				bool bad = false;
				n = repetition(p, end, &bad);
				if (n == 0) {	/* a literal '{' */
					p++;
					atom = true;
					continue;
				}
				if (bad)
					return "repetition {n,m} with m smaller than n";
			}
			if (!atom)
				return "quantifier with nothing to repeat";
			p += n;
			if (p < end && *p == '?')
				p++;
			else if (p < end && *p == '+') {
				*features |= REGEX_POSSESSIVE;
				p++;
			}
			atom = false;
			continue;
		}
		default:
			p++;
			atom = true;
		}
	}
	*err_off = len;
	if (depth > 0)
		return "missing ')'";
	if (too_deep) {
		*err_off = (size_t)(too_deep - s);
		return "groups nested deeper than " REGEX_MAX_DEPTH_TEXT " levels";
	}
	return NULL;
}
