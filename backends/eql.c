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
#include "lucene.h"

#include <string.h>

/* Words of the EQL grammar that cannot be a bare field name (segment). */
static const char *const eql_keywords[] = {
	"and", "any", "by", "false", "in", "join", "like", "maxspan", "not", "null", "of", "or",
	"regex", "runs", "sample", "sequence", "true", "until", "where", "with", NULL,
};
/* A field name with a segment that is no word; the hook refuses one holding a backquote. */
static const struct quoting eql_name = {.open = "`", .close = "`", .special = "`"};

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
	const char *nul = NULL;
	for (int i = 0; !nul && i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		for (int k = 0; !nul && m->op == MATCH_STR && k < v->pat.nsegs; k++) {
			const struct seg *g = &v->pat.segs[k];
			nul = g->kind == SEG_TEXT ? memchr(g->text, '\0', g->len) : NULL;
		}
		if (!nul && m->op == MATCH_RE)
			nul = memchr(v->text, '\0', v->len);
	}
	if (!nul)
		return true;
	/* the message's words only for a refusal: this runs for every match */
	const char *what = arena_printf(em->a, "value of field '%s'",
					m->sigma_field ? m->sigma_field : "*");
	return emit_refuse_control(em, m->pos, what, nul, 1);
}

/* ---- matches ------------------------------------------------------------------------------ */

/* Is f the target of a pipeline value map? Its values are canonical, so compared exactly. */
static bool
eql_mapped_value_field(struct emitter *em, const char *f)
{
	return emit_column(em, f, IR_COLUMN_VALUE_MAP);
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
		return emit_hook_done(emit_refuse(em, m->pos, "field '%s' contains a backquote, "
						  "which an EQL field name cannot hold", m->field));
	const char *f = emit_ident(em, m->field);
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
		return emit_hook_done(emit_refuse_unsupported(em, m->pos, " (EQL cannot compare "
							      "two fields)", "modifier 'fieldref'"));
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
	.reserved = eql_keywords,
	.name_quote = &eql_name,
	.name_whole = true,
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
	.re_pattern = lucene_pattern,
	.re_translate = lucene_regex,
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
	const char *field = ir_option(&em->q->options, "eql-keyword-field");
	if (!field || !*field)
		return emit_refuse_unsupported(em, m->pos, " (-O eql-keyword-field=FIELD searches "
					       "one field, e.g. message)", "keyword search");
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
	buf_puts(em->out, s && s->from ? s->from : "any");
	buf_puts(em->out, " where ");
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
