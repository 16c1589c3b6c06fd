/*
 * eval_regex.c: the evaluator's regex engine. A pattern is parsed into a
 * tree, compiled into a Thompson NFA program and run by simulating every
 * thread at once, so the time is O(text length * program size) whatever
 * the pattern: no backtracking, no catastrophic cases. The price is the
 * constructs that need backtracking (backreferences, lookaround, atomic
 * groups, possessive quantifiers): they are refused with their position.
 *
 * Supported (PCRE spelling, the Sigma subset and what the corpus uses):
 *   literals (UTF-8, matched by code point), . ^ $ \A \z \Z \b \B
 *   [...] [^...] with ranges, escapes and [:alpha:]-style classes
 *   \d \D \w \W \s \S \t \n \r \f \v \e \a \xHH \x{H...} \uHHHH \0, \<punct>
 *   * + ? {n} {n,} {n,m} and their lazy forms (the same match/no match)
 *   ( ) (?: ) (?<name> ) (?P<name> ) (?'name' ) (?# ) (?imsx-ims) (?ims: )
 *   alternation |
 * Case folding (i) is ASCII only, as in the targets' default engines.
 */
#include "eval.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

struct range {
	uint32_t lo, hi;
};

enum rnode_kind {
	RN_EMPTY, RN_CHAR, RN_ANY, RN_CLASS, RN_ASSERT, RN_CAT, RN_ALT, RN_REP,
};

enum assertion {
	AS_BOL, AS_BOL_M, AS_EOL, AS_EOL_M, AS_BEGIN, AS_END, AS_END_NL, AS_WORDB, AS_NWORDB,
};

struct rnode {
	enum rnode_kind kind;
	bool fold, dotall, negate;
	uint32_t c;			/* CHAR */
	enum assertion as;		/* ASSERT */
	struct range *ranges;		/* CLASS */
	int nranges, capranges;
	struct rnode *a;		/* REP */
	struct rnode **kids;		/* CAT, ALT: lists, so that long patterns stay shallow */
	int nkids, capkids;
	int min, max;			/* REP: max -1 = unbounded */
};

enum opcode { OP_CHAR, OP_ANY, OP_CLASS, OP_ASSERT, OP_SPLIT, OP_JMP, OP_MATCH };

struct inst {
	enum opcode op;
	const struct rnode *n;		/* CHAR, ANY, CLASS, ASSERT: what to test */
	int x, y;			/* SPLIT: both; JMP: x */
};

struct regex {
	struct inst *prog;
	int n;
};

struct rparser {
	struct arena *a;
	const char *s, *p, *end;
	unsigned flags;			/* RE_I, RE_M, RE_S in effect here */
	int depth;			/* groups open around here (at most REGEX_MAX_DEPTH) */
	const char *err;
	const char *err_at;
};

/* ---- parsing ---------------------------------------------------------------------- */

static struct rnode *
rnode_new(struct rparser *rp, enum rnode_kind kind)
{
	struct rnode *n = arena_alloc(rp->a, sizeof(*n));
	n->kind = kind;
	n->fold = rp->flags & RE_I;
	n->dotall = rp->flags & RE_S;
	return n;
}

static struct rnode *
fail(struct rparser *rp, const char *at, const char *why)
{
	if (!rp->err) {
		rp->err = why;
		rp->err_at = at;
	}
	return NULL;
}

/* One UTF-8 character at *p (a stray or truncated byte stands for itself). */
static uint32_t
utf8_next(const char **p, const char *end)
{
	const unsigned char *s = (const unsigned char *)*p;
	int n = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : s[0] >= 0xc0 ? 1 : 0;
	uint32_t c = n ? s[0] & (0x3fu >> n) : s[0];
	for (int i = 1; i <= n; i++) {
		if ((const char *)s + i >= end || (s[i] & 0xc0) != 0x80) {
			*p += 1;
			return s[0];
		}
		c = c << 6 | (s[i] & 0x3fu);
	}
	*p += n + 1;
	return c;
}

static void
add_range(struct rparser *rp, struct rnode *n, uint32_t lo, uint32_t hi)
{
	struct range r = {lo, hi};
	VEC_PUSH(rp->a, n->ranges, n->nranges, n->capranges, r);
}

static const struct range digit_ranges[] = {{'0', '9'}};
static const struct range word_ranges[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
static const struct range space_ranges[] = {{'\t', '\r'}, {' ', ' '}};

/* Adds ranges (sorted, disjoint), or their complement. */
static void
add_set(struct rparser *rp, struct rnode *n, const struct range *r, int nr, bool complement)
{
	uint32_t from = 0;
	for (int i = 0; i < nr; i++) {
		if (!complement)
			add_range(rp, n, r[i].lo, r[i].hi);
		else if (r[i].lo > from)
			add_range(rp, n, from, r[i].lo - 1);
		from = r[i].hi + 1;
	}
	if (complement)
		add_range(rp, n, from, 0x10ffff);
}

/* \d \w \s and their negations into a class; false if c is none of them. */
static bool
shorthand(struct rparser *rp, struct rnode *n, char c)
{
	bool neg = c == 'D' || c == 'W' || c == 'S';
	switch (c | 0x20) {
	case 'd': add_set(rp, n, digit_ranges, 1, neg); return true;
	case 'w': add_set(rp, n, word_ranges, 4, neg); return true;
	case 's': add_set(rp, n, space_ranges, 2, neg); return true;
	default: return false;
	}
}

static int
hexdigit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ?
	       (c | 0x20) - 'a' + 10 : -1;
}

/* The character of an escape after '\' (rp->p is past the letter); -1 after an error. */
static long
escaped_char(struct rparser *rp, char c)
{
	static const char from[] = "tnrfvea0", to[] = "\t\n\r\f\v\033\a";
	const char *k = strchr(from, c);
	if (c && k)
		return to[k - from];
	if (c == 'x' || c == 'u') {
		bool braces = c == 'x' && rp->p < rp->end && *rp->p == '{';
		int max = braces ? 6 : c == 'x' ? 2 : 4, n = 0;
		long v = 0;
		rp->p += braces;
		while (n < max && rp->p < rp->end && hexdigit(*rp->p) >= 0) {
			v = v * 16 + hexdigit(*rp->p++);
			n++;
		}
		if (braces && (rp->p >= rp->end || *rp->p++ != '}'))
			return fail(rp, rp->p, "unterminated \\x{...}"), -1;
		if (n == 0 || v > 0x10ffff)
			return fail(rp, rp->p, "invalid hexadecimal escape"), -1;
		return v;
	}
	if ((c >= '1' && c <= '9') || c == 'k' || c == 'g')
		return fail(rp, rp->p - 2, "a backreference needs a backtracking engine"), -1;
	if (c == 'G' || c == 'Q' || c == 'E' || c == 'p' || c == 'P' || c == 'X' || c == 'R')
		return fail(rp, rp->p - 2, "this escape is not supported by the evaluator"), -1;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return fail(rp, rp->p - 2, "unknown escape"), -1;
	return (unsigned char)c;
}

static const struct {
	const char *name;
	struct range r[3];
	int n;
} posix_classes[] = {
	{"alpha", {{'A', 'Z'}, {'a', 'z'}}, 2}, {"digit", {{'0', '9'}}, 1},
	{"alnum", {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}}, 3}, {"upper", {{'A', 'Z'}}, 1},
	{"lower", {{'a', 'z'}}, 1}, {"space", {{'\t', '\r'}, {' ', ' '}}, 2},
	{"xdigit", {{'0', '9'}, {'A', 'F'}, {'a', 'f'}}, 3},
	{"word", {{'0', '9'}, {'A', 'Z'}, {'_', '_'}}, 3},
	{"punct", {{'!', '/'}, {':', '@'}, {'[', '`'}}, 3}, {"blank", {{'\t', '\t'}, {' ', ' '}}, 2},
};

/* [:name:] inside a class; false if rp->p is not at one. */
static bool
posix_class(struct rparser *rp, struct rnode *n)
{
	if (rp->end - rp->p < 4 || rp->p[0] != '[' || rp->p[1] != ':')
		return false;
	for (size_t i = 0; i < sizeof(posix_classes) / sizeof(posix_classes[0]); i++) {
		size_t len = strlen(posix_classes[i].name);
		if ((size_t)(rp->end - rp->p) >= len + 4 && !strncmp(rp->p + 2, posix_classes[i].name, len) &&
		    !strncmp(rp->p + 2 + len, ":]", 2)) {
			add_set(rp, n, posix_classes[i].r, posix_classes[i].n, false);
			if (!strcmp(posix_classes[i].name, "word"))
				add_range(rp, n, 'a', 'z');
			rp->p += len + 4;
			return true;
		}
	}
	return false;
}

/* One member of a class: a character (returned) or a set added to n (-2). */
static long
class_atom(struct rparser *rp, struct rnode *n)
{
	if (posix_class(rp, n))
		return -2;
	if (*rp->p != '\\')
		return utf8_next(&rp->p, rp->end);
	if (++rp->p >= rp->end)
		return fail(rp, rp->p, "trailing backslash"), -1;
	char c = *rp->p++;
	if (shorthand(rp, n, c))
		return -2;
	if (c == 'b')
		return '\b';
	return escaped_char(rp, c);
}

static struct rnode *
parse_class(struct rparser *rp)
{
	struct rnode *n = rnode_new(rp, RN_CLASS);
	const char *open = rp->p++;
	if (rp->p < rp->end && *rp->p == '^') {
		n->negate = true;
		rp->p++;
	}
	bool first = true;
	while (rp->p < rp->end && (*rp->p != ']' || first)) {
		first = false;
		long lo = class_atom(rp, n);
		if (lo == -1)
			return NULL;
		if (lo == -2)
			continue;
		long hi = lo;
		if (rp->end - rp->p >= 2 && rp->p[0] == '-' && rp->p[1] != ']') {
			rp->p++;
			if ((hi = class_atom(rp, n)) == -1)
				return NULL;
			if (hi == -2 || hi < lo)
				return fail(rp, rp->p, "invalid range in a character class");
		}
		add_range(rp, n, (uint32_t)lo, (uint32_t)hi);
	}
	if (rp->p >= rp->end)
		return fail(rp, open, "missing ']' to close a character class");
	rp->p++;
	return n;
}

static struct rnode *parse_alt(struct rparser *rp);

/* (?flags) or (?flags:...) after "(?"; sets *scoped for the second form. */
static bool
parse_flags(struct rparser *rp, bool *scoped)
{
	bool on = true;
	for (; rp->p < rp->end && *rp->p != ')' && *rp->p != ':'; rp->p++) {
		unsigned bit = *rp->p == 'i' ? RE_I : *rp->p == 'm' ? RE_M : *rp->p == 's' ? RE_S : 0;
		if (*rp->p == '-')
			on = false;
		else if (!bit)
			return fail(rp, rp->p, "this inline flag is not supported by the evaluator"), false;
		else
			rp->flags = on ? rp->flags | bit : rp->flags & ~bit;
	}
	if (rp->p >= rp->end)
		return fail(rp, rp->p, "missing ')'"), false;
	*scoped = *rp->p++ == ':';
	return true;
}

static struct rnode *
parse_group(struct rparser *rp)
{
	const char *open = rp->p++;
	unsigned outer = rp->flags;
	if (rp->depth >= REGEX_MAX_DEPTH)
		return fail(rp, open, "groups and quantifiers nested too deeply for the evaluator");
	if (rp->p < rp->end && *rp->p == '?') {
		char c = ++rp->p < rp->end ? *rp->p : 0;
		char d = rp->p + 1 < rp->end ? rp->p[1] : 0;
		if (c == '=' || c == '!' || (c == '<' && (d == '=' || d == '!')))
			return fail(rp, open, "lookaround needs a backtracking engine");
		if (c == '>' || c == '(')
			return fail(rp, open, "atomic and conditional groups need a backtracking engine");
		if (c == '#') {
			const char *close = memchr(rp->p, ')', (size_t)(rp->end - rp->p));
			if (!close)
				return fail(rp, open, "unterminated comment group");
			rp->p = close + 1;
			return rnode_new(rp, RN_EMPTY);
		}
		if (c == ':') {
			rp->p++;
		} else if (c == '<' || c == '\'' || (c == 'P' && d == '<')) {
			char close = c == '\'' ? '\'' : '>';
			const char *e = memchr(rp->p + 1, close, (size_t)(rp->end - rp->p - 1));
			if (!e)
				return fail(rp, open, "unterminated group name");
			rp->p = e + 1;
		} else {
			bool scoped;
			if (!parse_flags(rp, &scoped))
				return NULL;
			if (!scoped)	/* (?i): for the rest of the enclosing group */
				return rnode_new(rp, RN_EMPTY);
		}
	}
	rp->depth++;
	struct rnode *n = parse_alt(rp);
	rp->depth--;
	if (!n)
		return NULL;
	if (rp->p >= rp->end || *rp->p != ')')
		return fail(rp, open, "missing ')'");
	rp->p++;
	rp->flags = outer;
	return n;
}

static struct rnode *
assertion(struct rparser *rp, enum assertion as)
{
	struct rnode *n = rnode_new(rp, RN_ASSERT);
	n->as = as;
	return n;
}

static struct rnode *
parse_escape(struct rparser *rp)
{
	if (++rp->p >= rp->end)
		return fail(rp, rp->p - 1, "trailing backslash");
	char c = *rp->p++;
	switch (c) {
	case 'b': return assertion(rp, AS_WORDB);
	case 'B': return assertion(rp, AS_NWORDB);
	case 'A': return assertion(rp, AS_BEGIN);
	case 'z': return assertion(rp, AS_END);
	case 'Z': return assertion(rp, AS_END_NL);
	default: break;
	}
	struct rnode *n = rnode_new(rp, RN_CLASS);
	if (shorthand(rp, n, c))
		return n;
	long v = escaped_char(rp, c);
	if (v < 0)
		return NULL;
	n->kind = RN_CHAR;
	n->c = (uint32_t)v;
	return n;
}

static struct rnode *
parse_atom(struct rparser *rp)
{
	struct rnode *n;
	switch (*rp->p) {
	case '(': return parse_group(rp);
	case '[': return parse_class(rp);
	case '\\': return parse_escape(rp);
	case '.': rp->p++; return rnode_new(rp, RN_ANY);
	case '^': rp->p++; return assertion(rp, rp->flags & RE_M ? AS_BOL_M : AS_BOL);
	case '$': rp->p++; return assertion(rp, rp->flags & RE_M ? AS_EOL_M : AS_EOL);
	default:
		n = rnode_new(rp, RN_CHAR);
		n->c = utf8_next(&rp->p, rp->end);
		return n;
	}
}

/* {n}, {n,}, {n,m} at rp->p; false (p unchanged) if it is a literal brace. */
static bool
parse_bounds(struct rparser *rp, int *min, int *max)
{
	const char *p = rp->p + 1;
	long lo = 0, hi = -1;
	if (p >= rp->end || *p < '0' || *p > '9')
		return false;
	for (; p < rp->end && *p >= '0' && *p <= '9'; p++)
		if (lo < 100000)	/* beyond, the program limit refuses it anyway */
			lo = lo * 10 + (*p - '0');
	if (p < rp->end && *p == ',') {
		p++;
		if (p < rp->end && *p >= '0' && *p <= '9') {
			hi = 0;
			for (; p < rp->end && *p >= '0' && *p <= '9'; p++)
				if (hi < 100000)
					hi = hi * 10 + (*p - '0');
		}
	} else {
		hi = lo;
	}
	if (p >= rp->end || *p != '}')
		return false;
	rp->p = p + 1;
	*min = (int)lo;
	*max = (int)hi;
	return true;
}

static struct rnode *
parse_repeat(struct rparser *rp)
{
	struct rnode *n = parse_atom(rp);
	int stacked = 0;
	while (n && rp->p < rp->end) {
		int min, max;
		const char *q = rp->p;
		if (*q == '*' || *q == '+' || *q == '?') {
			min = *q == '+';
			max = *q == '?' ? 1 : -1;
			rp->p++;
		} else if (*q != '{' || !parse_bounds(rp, &min, &max)) {
			break;
		}
		if (rp->p < rp->end && *rp->p == '+')
			return fail(rp, rp->p, "a possessive quantifier needs a backtracking engine");
		if (rp->p < rp->end && *rp->p == '?')
			rp->p++;	/* lazy: the same set of matches */
		if (++stacked > REGEX_MAX_DEPTH)
			return fail(rp, q, "groups and quantifiers nested too deeply for the evaluator");
		struct rnode *r = rnode_new(rp, RN_REP);
		r->a = n;
		r->min = min;
		r->max = max;
		n = r;
	}
	return n;
}

/* A list node of its kids; one kid is itself, none is the empty pattern. */
static struct rnode *
list_finish(struct rparser *rp, struct rnode *list)
{
	if (list->nkids == 0)
		return rnode_new(rp, RN_EMPTY);
	return list->nkids == 1 ? list->kids[0] : list;
}

static struct rnode *
parse_cat(struct rparser *rp)
{
	struct rnode *n = rnode_new(rp, RN_CAT);
	while (rp->p < rp->end && *rp->p != '|' && *rp->p != ')') {
		struct rnode *k = parse_repeat(rp);
		if (!k)
			return NULL;
		VEC_PUSH(rp->a, n->kids, n->nkids, n->capkids, k);
	}
	return list_finish(rp, n);
}

static struct rnode *
parse_alt(struct rparser *rp)
{
	struct rnode *n = rnode_new(rp, RN_ALT);
	for (;;) {
		struct rnode *k = parse_cat(rp);
		if (!k)
			return NULL;
		VEC_PUSH(rp->a, n->kids, n->nkids, n->capkids, k);
		if (rp->p >= rp->end || *rp->p != '|')
			return list_finish(rp, n);
		rp->p++;
	}
}

/* ---- compiling --------------------------------------------------------------------- */

struct rcomp {
	struct arena *a;
	struct inst *prog;
	int n, cap;
	bool too_big;
};

static int
emit(struct rcomp *c, enum opcode op, const struct rnode *n)
{
	if (c->n >= REGEX_MAX_PROGRAM) {
		c->too_big = true;
		return c->n - 1;
	}
	struct inst i = {op, n, 0, 0};
	VEC_PUSH(c->a, c->prog, c->n, c->cap, i);
	return c->n - 1;
}

static void
compile_node(struct rcomp *c, const struct rnode *n)
{
	int split, jmp;
	if (c->too_big)
		return;
	switch (n->kind) {
	case RN_EMPTY: break;
	case RN_CHAR: emit(c, OP_CHAR, n); break;
	case RN_ANY: emit(c, OP_ANY, n); break;
	case RN_CLASS: emit(c, OP_CLASS, n); break;
	case RN_ASSERT: emit(c, OP_ASSERT, n); break;
	case RN_CAT:
		for (int i = 0; i < n->nkids; i++)
			compile_node(c, n->kids[i]);
		break;
	case RN_ALT: {	/* split a, next; a; jmp end; next: split b, next2; ... last; end: */
		int *jmps = arena_alloc(c->a, sizeof(int) * (size_t)n->nkids);
		for (int i = 0; i + 1 < n->nkids; i++) {
			split = emit(c, OP_SPLIT, NULL);
			c->prog[split].x = c->n;
			compile_node(c, n->kids[i]);
			jmps[i] = emit(c, OP_JMP, NULL);
			c->prog[split].y = c->n;
		}
		compile_node(c, n->kids[n->nkids - 1]);
		for (int i = 0; i + 1 < n->nkids; i++)
			c->prog[jmps[i]].x = c->n;
		break;
	}
	case RN_REP:
		for (int i = 0; i < n->min && !c->too_big; i++)
			compile_node(c, n->a);
		if (n->max < 0) {	/* L: split body, out; body; jmp L */
			split = emit(c, OP_SPLIT, NULL);
			c->prog[split].x = c->n;
			compile_node(c, n->a);
			jmp = emit(c, OP_JMP, NULL);
			c->prog[jmp].x = split;
			c->prog[split].y = c->n;
		}
		for (int i = n->min; i < n->max && !c->too_big; i++) {	/* optional copies */
			split = emit(c, OP_SPLIT, NULL);
			c->prog[split].x = c->n;
			compile_node(c, n->a);
			c->prog[split].y = c->n;
		}
		break;
	}
}

struct regex *
regex_compile(struct arena *a, const char *s, size_t len, unsigned flags, const char **err,
	      size_t *err_off)
{
	struct rparser rp = {.a = a, .s = s, .p = s, .end = s + len, .flags = flags};
	struct rnode *root = parse_alt(&rp);
	if (root && rp.p < rp.end)
		fail(&rp, rp.p, "unmatched ')'");
	if (rp.err) {
		*err = rp.err;
		*err_off = (size_t)(rp.err_at - s);
		return NULL;
	}
	struct rcomp c = {a, NULL, 0, 0, false};
	compile_node(&c, root);
	emit(&c, OP_MATCH, NULL);
	if (c.too_big) {
		*err = "the pattern needs more than 100,000 instructions (its length times its "
		       "repetitions)";
		*err_off = 0;
		return NULL;
	}
	struct regex *re = arena_alloc(a, sizeof(*re));
	re->prog = c.prog;
	re->n = c.n;
	return re;
}

/* ---- running ------------------------------------------------------------------------- */

static uint32_t
fold(uint32_t c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool
is_wordc(const uint32_t *t, int n, int i)
{
	if (i < 0 || i >= n)
		return false;
	uint32_t c = t[i];
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool
assertion_holds(const struct rnode *r, const uint32_t *t, int n, int i)
{
	switch (r->as) {
	case AS_BOL: case AS_BEGIN: return i == 0;
	case AS_BOL_M: return i == 0 || t[i - 1] == '\n';
	case AS_EOL: case AS_END_NL: return i == n || (i == n - 1 && t[i] == '\n');
	case AS_EOL_M: return i == n || t[i] == '\n';
	case AS_END: return i == n;
	case AS_WORDB: return is_wordc(t, n, i - 1) != is_wordc(t, n, i);
	case AS_NWORDB: return is_wordc(t, n, i - 1) == is_wordc(t, n, i);
	}
	return false;
}

static bool
in_class(const struct rnode *r, uint32_t c)
{
	bool in = false;
	uint32_t alt = c >= 'a' && c <= 'z' ? c - 32 : fold(c);
	for (int i = 0; i < r->nranges && !in; i++)
		in = (c >= r->ranges[i].lo && c <= r->ranges[i].hi) ||
		     (r->fold && alt >= r->ranges[i].lo && alt <= r->ranges[i].hi);
	return in != r->negate;
}

static bool
consumes(const struct inst *in, uint32_t c)
{
	switch (in->op) {
	case OP_CHAR: return in->n->fold ? fold(c) == fold(in->n->c) : c == in->n->c;
	case OP_ANY: return in->n->dotall || c != '\n';
	case OP_CLASS: return in_class(in->n, c);
	default: return false;
	}
}

struct threads {
	int *pc;
	int n;
};

/* Adds pc and everything reachable from it without consuming, at position i. */
static bool
add_thread(const struct regex *re, struct threads *l, unsigned *mark, unsigned gen, int *stack,
	   int pc, const uint32_t *t, int n, int i)
{
	int sp = 0;
	stack[sp++] = pc;
	while (sp) {
		pc = stack[--sp];
		if (mark[pc] == gen)
			continue;
		mark[pc] = gen;
		const struct inst *in = &re->prog[pc];
		switch (in->op) {
		case OP_JMP: stack[sp++] = in->x; break;
		case OP_SPLIT: stack[sp++] = in->y; stack[sp++] = in->x; break;
		case OP_ASSERT:
			if (assertion_holds(in->n, t, n, i))
				stack[sp++] = pc + 1;
			break;
		case OP_MATCH: return true;
		default: l->pc[l->n++] = pc; break;
		}
	}
	return false;
}

bool
regex_search(const struct regex *re, const char *text, size_t len)
{
	uint32_t *t = mem_alloc(sizeof(*t) * (len + 1));
	int n = 0;
	for (const char *p = text, *end = text + len; p < end;)
		t[n++] = utf8_next(&p, end);
	/* one mark per instruction and step; two thread lists; a stack per closure */
	unsigned *mark = mem_calloc((size_t)re->n, sizeof(*mark));
	int *mem = mem_alloc(sizeof(int) * ((size_t)re->n * 4 + 2));
	struct threads cur = {mem, 0}, next = {mem + re->n, 0};
	int *stack = mem + 2 * re->n;
	bool matched = false;
	/* the threads of position i carry mark i + 1; search semantics: a new
	 * thread starts at every position */
	for (int i = 0; i <= n && !matched; i++) {
		matched = add_thread(re, &cur, mark, (unsigned)i + 1, stack, 0, t, n, i);
		next.n = 0;
		for (int k = 0; k < cur.n && !matched && i < n; k++)
			if (consumes(&re->prog[cur.pc[k]], t[i]))
				matched = add_thread(re, &next, mark, (unsigned)i + 2, stack,
						     cur.pc[k] + 1, t, n, i + 1);
		struct threads tmp = cur;
		cur = next;
		next = tmp;
	}
	free(t);
	free(mark);
	free(mem);
	return matched;
}
