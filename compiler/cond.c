/*
 * cond.c: the detection condition, a hand-written lexer and recursive-
 * descent parser producing struct cond (sigma-spec.md §9):
 *
 *   condition  = or_expr EOF ;
 *   or_expr    = and_expr { "or" and_expr } ;        (* lowest precedence *)
 *   and_expr   = not_expr { "and" not_expr } ;
 *   not_expr   = "not" not_expr | primary ;
 *   primary    = "(" or_expr ")" | selector | identifier ;
 *   selector   = ( "1" | "any" | "all" ) "of" ( "them" | pattern ) ;
 *   identifier = /[A-Za-z0-9_-]+/ ;
 *   pattern    = /[A-Za-z0-9_*-]+/ ;                 (* "*" = any run *)
 *
 * Keywords are lower case. A "|" (Sigma v1 aggregations) is rejected with a
 * pointer to correlation rules. Identifiers are checked against the
 * detection by rule.c.
 *
 * Linear on any input: positions are advanced from the previous token, a
 * chain "a or b or c ..." is one n-ary node (so the tree is only as deep as
 * the parentheses and 'not's, which are limited), and "1 of" patterns are
 * matched without backtracking.
 */
#define _GNU_SOURCE	/* memmem */
#include "sigma.h"

#include <ctype.h>
#include <string.h>

#define COND_MAX_DEPTH 200

enum tok_kind {
	TOK_WORD,	/* identifier, pattern, or a keyword below */
	TOK_LPAREN,	/* ( */
	TOK_RPAREN,	/* ) */
	TOK_AND,	/* and */
	TOK_OR,		/* or */
	TOK_NOT,	/* not */
	TOK_OF,		/* of */
	TOK_EOF,	/* end of the condition */
};

struct token {
	enum tok_kind kind;
	const char *text;
	size_t len;
	struct pos pos;
};

struct parser {
	struct arena *a;
	struct diag *d;
	const char *s, *end, *p;
	const char *at;		/* where pos was last computed */
	struct pos pos;		/* position of at */
	struct token tok;	/* current token */
	int depth;
};

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '*';
}

/* Position of a pointer at or after the last one asked for: tokens come in order. */
static struct pos
pos_at(struct parser *ps, const char *at)
{
	for (const char *q = ps->at; q < at; q++) {
		if (*q == '\n') {
			ps->pos.line++;
			ps->pos.col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			ps->pos.col++;
		}
	}
	ps->at = at;
	return ps->pos;
}

static bool
lex(struct parser *ps)
{
	while (ps->p < ps->end && isspace((unsigned char)*ps->p))
		ps->p++;
	struct token t = {TOK_EOF, ps->p, 0, pos_at(ps, ps->p)};
	if (ps->p == ps->end) {
		ps->tok = t;
		return true;
	}
	char c = *ps->p;
	if (c == '(' || c == ')') {
		t.kind = c == '(' ? TOK_LPAREN : TOK_RPAREN;
		t.len = 1;
		ps->p++;
	} else if (c == '|') {
		return diag_error(ps->d, t.pos,
				  "'|' in a condition is Sigma v1 aggregation syntax, which is "
				  "not supported; write a correlation rule instead");
	} else if (word_char(c)) {
		while (ps->p < ps->end && word_char(*ps->p))
			ps->p++;
		t.len = (size_t)(ps->p - t.text);
		t.kind = TOK_WORD;
		static const struct {
			const char *w;
			enum tok_kind k;
		} kw[] = {{"and", TOK_AND}, {"or", TOK_OR}, {"not", TOK_NOT}, {"of", TOK_OF}};
		for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
			if (t.len == strlen(kw[i].w) && !memcmp(t.text, kw[i].w, t.len))
				t.kind = kw[i].k;
	} else {
		return diag_error(ps->d, t.pos, "unexpected character '%c' in condition", c);
	}
	ps->tok = t;
	return true;
}

static const char *
tok_desc(struct parser *ps, const struct token *t)
{
	switch (t->kind) {
	case TOK_EOF: return "end of condition";
	case TOK_LPAREN: return "'('";
	case TOK_RPAREN: return "')'";
	default: return arena_printf(ps->a, "'%.*s'", (int)t->len, t->text);
	}
}

static bool
is_word(const struct token *t, const char *w)
{
	return t->kind == TOK_WORD && t->len == strlen(w) && !memcmp(t->text, w, t->len);
}

static struct cond *
new_cond(struct parser *ps, enum cond_kind kind, struct pos pos)
{
	struct cond *c = arena_alloc(ps->a, sizeof(*c));
	c->kind = kind;
	c->pos = pos;
	return c;
}

static struct cond *parse_or(struct parser *ps);

static struct cond *
parse_primary(struct parser *ps)
{
	struct token t = ps->tok;
	if (t.kind == TOK_LPAREN) {
		if (!lex(ps))
			return NULL;
		struct cond *c = parse_or(ps);
		if (!c)
			return NULL;
		if (ps->tok.kind != TOK_RPAREN) {
			diag_error(ps->d, ps->tok.pos, "expected ')' to close '(' at column %d, found %s",
				   t.pos.col, tok_desc(ps, &ps->tok));
			return NULL;
		}
		return lex(ps) ? c : NULL;
	}
	if (t.kind != TOK_WORD) {
		diag_error(ps->d, t.pos, "expected a search identifier, '(' or 'not', found %s",
			   tok_desc(ps, &t));
		return NULL;
	}
	if (!lex(ps))
		return NULL;
	if (ps->tok.kind == TOK_OF) {
		bool all = is_word(&t, "all");
		if (!all && !is_word(&t, "1") && !is_word(&t, "any")) {
			diag_error(ps->d, t.pos, "expected '1', 'any' or 'all' before 'of', found %s",
				   tok_desc(ps, &t));
			return NULL;
		}
		if (!lex(ps))
			return NULL;
		struct token pat = ps->tok;
		if (pat.kind != TOK_WORD) {
			diag_error(ps->d, pat.pos, "expected 'them' or a pattern after 'of', found %s",
				   tok_desc(ps, &pat));
			return NULL;
		}
		struct cond *c = new_cond(ps, COND_OF, t.pos);
		c->of.all = all;
		c->of.pattern = is_word(&pat, "them") ? NULL : arena_strndup(ps->a, pat.text, pat.len);
		return lex(ps) ? c : NULL;
	}
	if (memchr(t.text, '*', t.len)) {
		diag_error(ps->d, t.pos, "pattern '%.*s' is only allowed after '1 of' or 'all of'",
			   (int)t.len, t.text);
		return NULL;
	}
	struct cond *c = new_cond(ps, COND_ID, t.pos);
	c->id = arena_strndup(ps->a, t.text, t.len);
	return c;
}

static struct cond *
parse_not(struct parser *ps)
{
	if (++ps->depth > COND_MAX_DEPTH) {
		diag_error(ps->d, ps->tok.pos, "condition nested deeper than %d levels",
			   COND_MAX_DEPTH);
		return NULL;
	}
	struct cond *c;
	if (ps->tok.kind == TOK_NOT) {
		c = new_cond(ps, COND_NOT, ps->tok.pos);
		if (!lex(ps) || !(c->operand = parse_not(ps)))
			return NULL;
	} else {
		c = parse_primary(ps);
	}
	ps->depth--;
	return c;
}

/* operand { op operand }: one n-ary node for the whole chain. */
static struct cond *
parse_binary(struct parser *ps, enum tok_kind op)
{
	struct cond *first = op == TOK_OR ? parse_binary(ps, TOK_AND) : parse_not(ps);
	if (!first || ps->tok.kind != op)
		return first;
	struct cond *c = new_cond(ps, op == TOK_OR ? COND_OR : COND_AND, ps->tok.pos);
	int cap = 0;
	VEC_PUSH(ps->a, c->list.kids, c->list.n, cap, first);
	while (ps->tok.kind == op) {
		if (!lex(ps))
			return NULL;
		struct cond *next = op == TOK_OR ? parse_binary(ps, TOK_AND) : parse_not(ps);
		if (!next)
			return NULL;
		VEC_PUSH(ps->a, c->list.kids, c->list.n, cap, next);
	}
	return c;
}

static struct cond *
parse_or(struct parser *ps)
{
	return parse_binary(ps, TOK_OR);
}

struct cond *
cond_parse(struct arena *a, struct diag *d, const char *text, size_t len, struct pos pos,
	   bool quoted)
{
	struct parser ps = {a, d, text, text + len, text, text, pos, {0}, 0};
	if (quoted)
		ps.pos.col++;
	if (!lex(&ps))
		return NULL;
	if (ps.tok.kind == TOK_EOF) {
		diag_error(d, ps.tok.pos, "empty condition");
		return NULL;
	}
	struct cond *c = parse_or(&ps);
	if (!c)
		return NULL;
	if (ps.tok.kind != TOK_EOF) {
		diag_error(d, ps.tok.pos, "expected 'and', 'or' or end of condition, found %s",
			   tok_desc(&ps, &ps.tok));
		return NULL;
	}
	return c;
}

/* The first occurrence of needle in [s, end), or NULL. */
static const char *
find_text(const char *s, const char *end, const char *needle, size_t n)
{
	return memmem(s, (size_t)(end - s), needle, n);
}

/*
 * Does a search name match a "1 of" pattern (sigma-spec.md §9)? The only
 * wildcard is '*', so the text before the first star is a prefix, the text
 * after the last one a suffix, and each piece between them may match at its
 * leftmost occurrence: no backtracking, linear in both lengths.
 */
static bool
glob_match(const char *pat, const char *s)
{
	size_t plen = strlen(pat), slen = strlen(s);
	const char *star = memchr(pat, '*', plen);
	if (!star)
		return plen == slen && !memcmp(pat, s, plen);
	const char *last = strrchr(pat, '*');
	size_t pre = (size_t)(star - pat), suf = plen - (size_t)(last + 1 - pat);
	if (slen < pre + suf || memcmp(pat, s, pre) || memcmp(last + 1, s + slen - suf, suf))
		return false;
	const char *t = s + pre, *end = s + slen - suf;
	for (const char *p = star + 1; p < last;) {
		const char *next = memchr(p, '*', (size_t)(last + 1 - p));
		size_t n = (size_t)(next - p);
		if (n) {
			const char *hit = find_text(t, end, p, n);
			if (!hit)
				return false;
			t = hit + n;
		}
		p = next + 1;
	}
	return true;
}

bool
cond_selects(const char *pattern, const char *name)
{
	if (!pattern)
		return name[0] != '_';
	if (name[0] == '_' && pattern[0] != '_')
		return false;
	return glob_match(pattern, name);
}
