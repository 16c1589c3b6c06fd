/*
 * eql.c: Elastic EQL for Elasticsearch and Elastic Security (targets.md §3).
 * A query is `<category> where <expr>`. Strings compare with the
 * case-insensitive glob `:` (one value) or `like~` (a list), and with
 * `==`/`in`/`like` under `cased`. EQL globs cannot escape `*` or `?`, so
 * values with literal ones, and every Sigma `re`, become Lucene regexes
 * (`regex~`/`regex`), which match the whole value and are not PCRE: the
 * translator below rewrites what has an exact Lucene form and refuses the rest.
 * The import formats (eqlapi, kibana-ndjson) are templates/formats/eql/.
 */
#include "backend.h"
#include "eql.h"

#include <string.h>

/* Words of the EQL grammar that cannot be a bare field name (segment). */
static const char *const eql_keywords[] = {
	"and", "any", "by", "false", "in", "join", "like", "maxspan", "not", "null", "of", "or",
	"regex", "runs", "sample", "sequence", "true", "until", "where", "with",
};

/* Constructs Lucene regexes lack (targets.md §3.3); inline flags are handled apart. */
static const unsigned lucene_unsupported = REGEX_LOOKAHEAD | REGEX_LOOKBEHIND | REGEX_BACKREF |
					   REGEX_POSSESSIVE | REGEX_ATOMIC | REGEX_CONDITIONAL |
					   REGEX_BIG_Z | REGEX_BIG_G | REGEX_COMMENT | REGEX_NAMED;

/* Lucene operators PCRE treats as plain text: escaped wherever they are literal. */
#define LUCENE_OPTIONAL "\"#@&<>~"

/* A field name: bare when every dotted segment is a word, else `backquoted`. */
static const char *
eql_ident(struct emitter *em, const char *name)
{
	bool bare = true;
	for (const char *seg = name;;) {
		const char *dot = strchr(seg, '.');
		size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
		bare = bare && emit_is_word(seg, n, eql_keywords,
					    sizeof(eql_keywords) / sizeof(eql_keywords[0]));
		if (!dot)
			break;
		seg = dot + 1;
	}
	return bare ? name : arena_printf(em->a, "`%s`", name);
}

/* A string literal (targets.md §3.2): every control character but NUL has an escape. */
static const struct quoting eql_literal = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn\rr",
	.control = "\\u{%02X}",
};

/* Never NULL: eql_match has refused every value holding a NUL (eql_nul). */
const char *
eql_string(struct emitter *em, const char *s, size_t n)
{
	const char *r = quote_str(em->a, &eql_literal, s, n);
	return r ? r : "";
}

/*
 * Elasticsearch cuts a string at NUL, so a value holding one is refused
 * before anything is written; the writers below can then take value texts
 * as C strings.
 */
static bool
eql_nul(struct emitter *em, const struct match *m)
{
	const char *what = arena_printf(em->a, "value of field '%s'",
					m->sigma_field ? m->sigma_field : "*");
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		for (int k = 0; m->op == MATCH_STR && k < v->pat.nsegs; k++) {
			const struct seg *g = &v->pat.segs[k];
			const char *nul = g->kind == SEG_TEXT ? memchr(g->text, '\0', g->len) : NULL;
			if (nul)
				return emit_refuse_control(em, m->pos, what, nul, 1);
		}
		const char *nul = m->op == MATCH_RE ? memchr(v->text, '\0', v->len) : NULL;
		if (nul)
			return emit_refuse_control(em, m->pos, what, nul, 1);
	}
	return true;
}

/* Can p be written as an EQL glob? Only if no literal text holds '*' or '?'. */
bool
eql_globbable(const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind != SEG_TEXT)
			continue;
		if (memchr(s->text, '*', s->len) || memchr(s->text, '?', s->len))
			return false;
	}
	return true;
}

/* The glob text of p (wildcards as * and ?), unquoted, and whether it has any. */
const char *
eql_glob_text(struct emitter *em, const struct pattern *p, bool *wild)
{
	struct buf b = {0};
	*wild = false;
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_TEXT) {
			buf_putn(&b, s->text, s->len);
		} else {
			buf_putc(&b, s->kind == SEG_STAR ? '*' : '?');
			*wild = true;
		}
	}
	const char *r = arena_strndup(em->a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

const char *
eql_glob(struct emitter *em, const struct pattern *p, bool *wild)
{
	const char *t = eql_glob_text(em, p, wild);
	return eql_string(em, t, strlen(t));
}

/*
 * The Lucene regex of a wildcard pattern (targets.md §0.3): whole-value, so
 * no anchors. Lucene escapes any character with a backslash and its '.'
 * matches newlines, so Sigma's '*' is '.*' with no flag; control characters
 * stay raw and the string literal escapes them.
 */
static void
eql_lucene_pattern(struct buf *out, const struct pattern *p)
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

const char *
eql_pattern_regex(struct emitter *em, const struct pattern *p)
{
	struct buf b = {0};
	eql_lucene_pattern(&b, p);
	const char *r = eql_string(em, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* ---- Sigma `re` to Lucene -------------------------------------------------------------- */

struct eql_re {
	struct emitter *em;
	const struct match *m;
	const char *p, *end;
	bool dotall;		/* Sigma `s`: '.' also matches a newline */
	bool multiline;		/* Sigma `m`: '^' and '$' also match at line breaks */
	struct buf out;
};

static bool
eql_re_refuse(struct eql_re *l, const char *what)
{
	buf_free(&l->out);
	return diag_error(l->em->d, l->m->pos, "regex for field '%s' uses %s, which Lucene does "
			  "not support (target eql)", l->m->field ? l->m->field : "*", what);
}

/* The class bodies of \d \w \s; \s is PCRE's [\t\n\v\f\r ] (raw characters). */
static const char *
eql_re_class_body(char c)
{
	switch (c) {
	case 'd': return "0-9";
	case 'w': return "A-Za-z0-9_";
	case 's': return "\t-\r ";
	}
	return NULL;
}

static int
eql_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* One escape sequence at l->p (the backslash); in_class: inside [...]. */
static bool
eql_re_escape(struct eql_re *l, bool in_class)
{
	static const char controls[] = "n\nt\tr\rf\fv\va\ae\x1b";
	char c = l->p[1];
	l->p += 2;
	char lower = (char)(c | 0x20);
	if (c >= 'A' && c <= 'Z' && eql_re_class_body(lower)) {
		if (in_class)
			return eql_re_refuse(l, arena_printf(l->em->a, "\\%c in a class", c));
		buf_printf(&l->out, "[^%s]", eql_re_class_body(lower));
		return true;
	}
	if (eql_re_class_body(c)) {
		buf_printf(&l->out, in_class ? "%s" : "[%s]", eql_re_class_body(c));
		return true;
	}
	const char *ctl = c ? strchr(controls, c) : NULL;
	if (ctl && (ctl - controls) % 2 == 0) {
		buf_putc(&l->out, ctl[1]);
		return true;
	}
	int hi = l->end - l->p >= 2 ? eql_hex(l->p[0]) : -1, lo = hi >= 0 ? eql_hex(l->p[1]) : -1;
	if (c == 'x' && hi >= 0 && hi < 8 && lo >= 0 && (hi || lo)) {
		char ch = (char)(hi * 16 + lo);
		l->p += 2;
		if (strchr("\\.^$|?*+()[]{}-" LUCENE_OPTIONAL, ch))
			buf_putc(&l->out, '\\');
		buf_putc(&l->out, ch);
		return true;
	}
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return eql_re_refuse(l, arena_printf(l->em->a, "\\%c", c));
	/* escaped punctuation: a backslash makes any character literal in Lucene too */
	buf_putc(&l->out, '\\');
	buf_putc(&l->out, c);
	return true;
}

static bool
eql_re_shorthand(char c)
{
	return c && strchr("dswDSW", c);
}

static bool
eql_re_class(struct eql_re *l)
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
			shorthand = eql_re_shorthand(at[1]);
			if (!eql_re_escape(l, true))
				return false;
			edge = false;
			continue;
		}
		if (*at == '[' && at + 1 < l->end && at[1] == ':')
			return eql_re_refuse(l, "a POSIX character class");
		bool dash = *at == '-' && (edge || shorthand || at[1] == ']' ||
					   (at[1] == '\\' && eql_re_shorthand(at[2])));
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
eql_re_repetition(const struct eql_re *l)
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
eql_re_body(struct eql_re *l)
{
	while (l->p < l->end) {
		char c = *l->p;
		size_t rep;
		switch (c) {
		case '\\':
			if (!eql_re_escape(l, false))
				return false;
			continue;
		case '[':
			if (!eql_re_class(l))
				return false;
			continue;
		case '(':
			if (l->p + 1 < l->end && l->p[1] == '?') {
				if (l->p + 2 >= l->end || l->p[2] != ':')
					return eql_re_refuse(l, "inline flags other than "
								"a leading (?i)");
				l->p += 2;	/* (?: is Lucene's plain group */
			}
			buf_putc(&l->out, '(');
			l->p++;
			continue;
		case '^':
		case '$':
			return eql_re_refuse(l, "'^' or '$' inside the regex");
		case '.':
			buf_puts(&l->out, l->dotall ? "." : "[^\n]");
			l->p++;
			continue;
		case '{':
			rep = eql_re_repetition(l);
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
eql_re_atom_end(const char *p, const char *end)
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
			q = eql_re_atom_end(q, end);
		return q < end ? q + 1 : end;
	}
	return q;
}

/* The end of an unquantified group at p, or NULL. */
static const char *
eql_re_group(const char *p, const char *end)
{
	if (p >= end || *p != '(' || (p + 1 < end && p[1] == '?' && (p + 2 >= end || p[2] != ':')))
		return NULL;
	const char *q = eql_re_atom_end(p, end);
	return q < end && strchr("*+?{", *q) ? NULL : q;
}

static bool
eql_re_alternation(struct eql_re *l, const char *p, const char *end, bool lead, bool trail);

/* A translated group at p (ending at g) whose open sides are lead and trail. */
static bool
eql_re_subgroup(struct eql_re *l, const char *p, const char *g, bool lead, bool trail)
{
	const char *inner = p + (p[1] == '?' ? 3 : 1);
	buf_putc(&l->out, '(');
	if (!eql_re_alternation(l, inner, g - 1, lead, trail))
		return false;
	buf_putc(&l->out, ')');
	return true;
}

/* Translates [p, end) with no anchors allowed (eql_re_body). */
static bool
eql_re_span(struct eql_re *l, const char *p, const char *end)
{
	l->p = p;
	l->end = end;
	return eql_re_body(l);
}

/*
 * One branch. lead: it starts where the value starts, so a leading '^' is
 * dropped and otherwise '.*' fills the open side (Lucene matches the whole
 * value); trail likewise at the end. An unquantified group on an open side
 * takes the side inside, so that '(^|/)x' and '(^a$)|(^b$)' stay exact.
 */
static bool
eql_re_branch(struct eql_re *l, const char *p, const char *end, bool lead, bool trail)
{
	const char *last = NULL;
	for (const char *q = p; q < end; q = eql_re_atom_end(q, end))
		last = q;
	bool caret = lead && p < end && *p == '^';
	bool dollar = trail && last && *last == '$';
	if ((caret || dollar) && l->multiline)
		return eql_re_refuse(l, "'^' or '$' with the m flag");
	p += caret;
	end -= dollar;
	lead = lead && !caret;
	trail = trail && !dollar;
	const char *g = lead ? eql_re_group(p, end) : NULL;
	if (g) {
		if (!eql_re_subgroup(l, p, g, true, trail && g == end))
			return false;
		if (g == end)
			return true;
		p = g;
	} else if (lead) {
		buf_puts(&l->out, ".*");
	}
	g = trail && last >= p && last < end ? eql_re_group(last, end) : NULL;
	if (!eql_re_span(l, p, g ? last : end))
		return false;
	if (g)
		return eql_re_subgroup(l, last, g, false, true);
	if (trail)
		buf_puts(&l->out, ".*");
	return true;
}

/* The branches of [p, end); Lucene needs "()" for an empty one. */
static bool
eql_re_alternation(struct eql_re *l, const char *p, const char *end, bool lead, bool trail)
{
	for (;;) {
		const char *e = p;
		while (e < end && *e != '|')
			e = eql_re_atom_end(e, end);
		size_t at = l->out.len;
		if (!eql_re_branch(l, p, e, lead, trail))
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
static bool
eql_regex(struct emitter *em, const struct match *m, const struct mval *v, struct buf *out,
	  bool *icase)
{
	unsigned features;
	size_t off;
	struct eql_re l = {.em = em, .m = m, .dotall = v->re_flags & RE_S,
			   .multiline = v->re_flags & RE_M};
	regex_check(v->text, v->len, &features, &off);	/* the normalizer has checked the syntax */
	if (features & lucene_unsupported) {
		unsigned bit = features & lucene_unsupported;
		return eql_re_refuse(&l, regex_feature_name(bit & -bit));
	}
	const char *p = v->text, *end = v->text + v->len;
	*icase = v->re_flags & RE_I;
	if (end - p >= 4 && !memcmp(p, "(?i)", 4)) {
		*icase = true;
		p += 4;
	}
	/* search semantics: the regex may match anywhere, so both sides are open */
	if (!eql_re_alternation(&l, p, end, true, true))
		return false;
	buf_putn(out, l.out.data ? l.out.data : "", l.out.len);
	buf_free(&l.out);
	return true;
}

/* ---- matches ------------------------------------------------------------------------------ */

/* Is f the target of a pipeline value map? Its values are canonical, so compared exactly. */
static bool
eql_mapped_value_field(struct emitter *em, const char *f)
{
	const struct pipeline *pl = em->q->opts->pipeline;
	const struct pl_logsource *ls = pl ? pipeline_logsource(pl, &em->q->rule->logsource) : NULL;
	for (unsigned i = 0; ls && i < ls->fields_count; i++)
		for (unsigned k = 0; k < ls->fields[i].values_count; k++)
			if (!strcmp(ls->fields[i].values[k].field, f))
				return true;
	return false;
}

/*
 * Strings the ECS data model stores apart (eql_ecs.c) or whose values a value
 * map made canonical (compared cased); the rest is the token table's.
 */
static bool
eql_match_string(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	bool handled = false;
	if (!eql_ecs_string(em, m, f, out, &handled))
		return false;
	if (handled)
		return true;
	struct match c = *m;
	c.cased = m->cased || eql_mapped_value_field(em, m->field);
	return emit_match_at(em, &c, f, out);
}

static bool
eql_match_keyword(struct emitter *em, const struct match *m, struct terms *out);

/* What the token table cannot say: the selection term, NUL, ECS strings, CIDR, fieldref. */
static enum hook
eql_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (m->op == MATCH__COUNT) {	/* the event selection term of eql_query */
		term_add(em, out, m->field);
		return HOOK_DONE;
	}
	if (!eql_nul(em, m))
		return HOOK_REFUSED;
	if (!m->field)
		return emit_hook_done(eql_match_keyword(em, m, out));
	if (strchr(m->field, '`'))	/* a name with one is never bare */
		return emit_hook_done(diag_error(em->d, m->pos, "field '%s' contains a backquote, "
						 "which an EQL field name cannot hold (target "
						 "eql)", m->field));
	const char *f = eql_ident(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		return emit_hook_done(eql_match_string(em, m, f, out));
	case MATCH_CIDR: {
		/* the field is the list's first item: a laid-out list leaves no trailing space */
		struct term *t = term_add(em, out, "cidrMatch(");
		t->tail = ")";
		term_item(em, t, f);
		for (int i = 0; i < m->nvals; i++)
			term_item(em, t, eql_string(em, m->vals[i].text, m->vals[i].len));
		return HOOK_DONE;
	}
	case MATCH_FIELDREF:
		return emit_hook_done(diag_error(em->d, m->pos, "modifier 'fieldref' is not "
						 "supported by target eql (EQL cannot compare "
						 "two fields)"));
	default:
		return HOOK_DECLINE;
	}
}

/*
 * Strings compare with the case-insensitive glob `:` (one value) or `like~`
 * (a list), and with `==`/`in`/`like` under `cased`; a value with a literal
 * '*' or '?' is a whole-value Lucene regex (`regex~`/`regex`).
 */
static const struct syntax eql_syntax = {
	.and_op = "and",
	.or_op = "or",
	.not_open = "not (",
	.not_close = ")",
	.ident = eql_ident,
	.string = &eql_literal,
	.refuse_unquotable = true,
	.glob = {"$f : $v", "$f == $v"},
	.glob_wild = {NULL, "$f like $v"},
	.glob_star = '*',
	.glob_qmark = '?',
	.glob_literal = "*?",
	.glob_in = true,
	.str_in = {"$f like~ (", "$f in ("},
	.str_in_wild = {NULL, "$f like ("},
	.any = "?$f != null",
	.empty = "$f == \"\"",
	.re_op = {"$f regex~ $v", "$f regex $v"},
	.re_quote = &eql_literal,
	.re_pattern = eql_lucene_pattern,
	.re_translate = eql_regex,
	.num_op = {"$f == $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f in (",
	.bool_op = "$f == $v",
	.null = "?$f == null",
	.notnull = "?$f != null",
};

/*
 * A keyword matches anywhere in the event, but EQL can only search named
 * fields: with -O eql-keyword-field=FIELD keywords become a contains match on
 * that field (e.g. `message`, where Beats keep the event's text); without it
 * they are refused (targets.md §3.7), since any one field is narrower.
 */
static bool
eql_match_keyword(struct emitter *em, const struct match *m, struct terms *out)
{
	const char *field = options_get(em->q->opts, "eql-keyword-field");
	if (!field || !*field)
		return diag_error(em->d, m->pos, "keyword search is not supported by target eql "
				  "(-O eql-keyword-field=FIELD searches one field, e.g. message)");
	if (!emit_name_ok(em, m->pos, field))
		return false;
	struct match k = *m;
	k.field = field;
	if (m->op == MATCH_STR) {
		k.vals = arena_alloc(em->a, sizeof(*k.vals) * (size_t)m->nvals);
		for (int i = 0; i < m->nvals; i++) {
			struct pattern p = {0};
			value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
			for (int j = 0; j < m->vals[i].pat.nsegs; j++)
				value_append(em->a, &p, m->vals[i].pat.segs[j]);
			value_append(em->a, &p, (struct seg){SEG_STAR, NULL, 0});
			k.vals[i] = m->vals[i];
			k.vals[i].pat = p;
		}
	}
	return emit_match(em, &k, out);
}

/* ---- the query ---------------------------------------------------------------------------- */

/* The pipeline's selection: `event.code in ("17", "18") and winlog.channel == "..."`. */
static const struct selsyntax eql_select = {
	.eq = " == ", .and_op = " and ", .or_op = " or ", .in_op = " in (", .prefix_op = " : ",
	.quote = &eql_literal,
};

static bool
eql_query(struct emitter *em)
{
	const struct query *q = em->q;
	const struct selection *s = q->select;
	buf_printf(em->out, "%s where ", s && s->from ? s->from : "any");
	const char *cond = NULL;
	if (s && s->where_count && !(cond = emit_selection(em, &eql_select, s->where,
							   s->where_count)))
		return false;
	/* the selection's conditions are ANDed in front, as a verbatim term (see eql_match) */
	struct expr sel = {.kind = EXPR_MATCH, .match = {.field = cond, .op = MATCH__COUNT}};
	struct expr top = {.kind = EXPR_AND};
	const struct expr *e = q->expr;
	if (cond) {
		VEC_PUSH(em->a, top.kids, top.nkids, top.capkids, &sel);
		for (int i = 0; i < (e->kind == EXPR_AND ? e->nkids : 1); i++)
			VEC_PUSH(em->a, top.kids, top.nkids, top.capkids,
				 e->kind == EXPR_AND ? e->kids[i] : (struct expr *)e);
		e = &top;
	}
	return emit_expr(em, e, 4);
}

static const struct backend_option eql_options[] = {
	{"eql-keyword-field", "string", "keywords are refused",
	 "search keywords in this one field, e.g. message"},
	{NULL, NULL, NULL, NULL},
};

const struct backend backend_eql = {
	.name = "eql",
	.ext = "eql",
	.description = "Elastic EQL: Elasticsearch and Elastic Security (ECS field names)",
	.default_pipeline = "ecs_windows",
	.syntax = &eql_syntax,
	.options = eql_options,
	.comment_open = "//",
	.hook = eql_hook,
	.query = eql_query,
	.correlation = corr_eql_render,
};
