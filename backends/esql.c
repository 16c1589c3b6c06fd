/*
 * esql.c: Elastic ES|QL for Elasticsearch and Elastic Security, on the ECS
 * pipeline EQL uses: FROM <the pipeline's index> | MV_EXPAND <selection
 * fields> | WHERE <selection> | WHERE <expr> | KEEP <fields>.
 * From Elastic's ES|QL reference (elastic.co/docs/reference/query-languages/esql):
 *   esql-syntax: identifiers in backquotes, a backquote doubled; strings in
 *   double quotes with \" \\ \t \n \r escapes;
 *   operators LIKE (`*` any run, `?` one character, a backslash escapes them
 *   and itself) and RLIKE (a Lucene regular expression over the whole value,
 *   written by lucene.c as for EQL); functions CIDR_MATCH, TO_IP, TO_LOWER;
 *   a comparison with a null or multi-valued field is null, and so is its
 *   NOT: under a NOT each comparison is guarded by IS NOT NULL, so a missing
 *   field is no match, as in Sigma; MV_EXPAND turns the multi-valued ECS
 *   selection fields (the pipeline's category field, event.type) into one row per value.
 * Sigma compares strings ignoring case: TO_LOWER(field) against the value
 * lower-cased by the compiler, ASCII only, so a caseless value with a
 * non-ASCII letter (which TO_LOWER would fold) is refused: `|cased` compiles
 * it. Every match is the token table below (emit_like.c writes the LIKE
 * forms; emit_split.c the account the pipeline's domain: keeps in two fields).
 */
#include "backend.h"
#include "lucene.h"

#include <string.h>

static const struct quoting esql_literal = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn\rr",
};
static const struct quoting esql_name = {.open = "`", .close = "`", .special = "`"};
/* What TO_LOWER leaves as it is and is no letter: U+0080-U+00BF (C1 controls, Latin-1
 * signs), U+2000-U+207F (General Punctuation: the dashes windash writes; superscripts). */
static const unsigned esql_caseless[][2] = {{0x80, 0xbf}, {0x2000, 0x207f}, {0, 0}};

static const struct syntax esql_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
	.name_quote = &esql_name,
	.name_quoted = true,	/* so no name is read as a keyword or function */
	.string = &esql_literal,
	.refuse_unquotable = true,
	.fold = true,
	.fold_same = esql_caseless,
	.fold_name = "TO_LOWER",
	.str_op = {[VCLASS_EXACT] = {"TO_LOWER($f) == $v", "$f == $v"}},
	.str_in = {"TO_LOWER($f) IN (", "$f IN ("},
	.glob_wild = {"TO_LOWER($f) LIKE $v", "$f LIKE $v"},
	.glob_star = '*',
	.glob_qmark = '?',
	.glob_escape = '\\',
	.any = "$f IS NOT NULL",
	.empty = "$f == \"\"",
	.ip_text = "TO_STRING($f)",	/* an ip field as its text, as Sigma reads it */
	.re_op = {"TO_LOWER($f) RLIKE $v", "$f RLIKE $v"},
	.re_quote = &esql_literal,
	.re_translate = lucene_regex,
	.num_op = {"$f == $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f IN (",
	.bool_op = "$f == $v",
	.null = "$f IS NULL",
	.notnull = "$f IS NOT NULL",
	.cidr = "CIDR_MATCH(TO_IP($f), $v)",
	.fieldref = {"TO_LOWER($f) == TO_LOWER($v)", "$f == $v"},
	.guard = GUARD_NOT,
};

static const struct selsyntax esql_select = {
	.eq = " == ", .and_op = " AND ", .or_op = " OR ", .in_op = " IN (", .prefix_op = " LIKE ",
	.quote = &esql_literal, .name = emit_ident,
};

/*
 * The pieces of em->q's query: the selection (the ECS event category, EQL's
 * head, then the pipeline's conditions), the fields it reads and the
 * condition, written apart from em->out.
 */
static bool
esql_pieces(struct emitter *em, struct esql_parts *out)
{
	const struct query *q = em->q;
	const struct selection *s = q->select;
	memset(out, 0, sizeof(*out));
	/* the data's place and its category field are the pipeline's (index:, category_field:) */
	if (!q->index || (s && s->from && !q->category_field))
		return emit_refuse(em, q->meta.pos, "the pipeline names no %s, which an ES|QL query "
				   "needs", q->index ? "category_field" : "index");
	out->index = q->index;
	unsigned n = s ? s->where_count + (s->from != NULL) : 0;
	struct sel_cond *c = arena_alloc(em->a, sizeof(*c) * (n + 1));
	if (s && s->from)
		c[0] = (struct sel_cond){.field = (char *)q->category_field, .value = s->from};
	for (unsigned i = 0; s && i < s->where_count; i++)
		c[i + (s->from != NULL)] = s->where[i];
	if (n && !(out->where = emit_selection(em, &esql_select, c, n)))
		return false;
	out->expand = n ? emit_selection_fields(em, c, n) : NULL;
	struct buf *at = em->out, text = {0};
	em->out = &text;
	bool ok = emit_expr(em, q->expr, 4);
	em->out = at;
	out->expr = arena_strndup(em->a, text.data ? text.data : "", text.len);
	buf_free(&text);
	return ok;
}

static bool
esql_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct esql_parts p;
	if (!q->select)	/* --without-pipeline: the expression alone */
		return emit_expr(em, q->expr, 0);
	if (!esql_pieces(em, &p))
		return false;
	buf_printf(em->out, "FROM %s", p.index);
	for (const char *f = p.expand; f && *f; f = strchr(f, '\n') + 1) {
		emit_newline(em, 0);
		buf_printf(em->out, "| MV_EXPAND %.*s", (int)strcspn(f, "\n"), f);
	}
	if (p.where) {
		emit_newline(em, 0);
		buf_puts(em->out, "| WHERE ");
		buf_puts(em->out, p.where);
	}
	emit_newline(em, 0);
	buf_puts(em->out, "| WHERE ");	/* the whole expression: not through vsnprintf */
	buf_puts(em->out, p.expr);
	/* CASE: a null condition (a missing field) takes the else value, false */
	if (!flags_emit(em, NULL, "", 0, "| EVAL $f = CASE(", ", true, false)"))
		return false;
	if (q->newest_first) {
		emit_newline(em, 0);
		buf_puts(em->out, "| SORT @timestamp DESC");
	}
	flags_columns(em, "| KEEP ", ", ");
	return true;
}

bool
esql_parts(struct arena *a, struct diag *d, const struct query *q, bool compact,
	   struct esql_parts *out)
{
	struct emitter em = {.a = a, .d = d, .be = &backend_esql, .q = q, .compact = compact,
			     .format = "default"};
	memset(out, 0, sizeof(*out));
	return emit_names(&em) && esql_pieces(&em, out);
}

const struct backend backend_esql = {
	.name = "esql",
	.ext = "esql",
	.description = "Elastic ES|QL: Elasticsearch and Elastic Security (ECS field names)",
	.default_pipeline = "ecs_windows",
	.syntax = &esql_syntax,
	.comment_open = "//",
	.query = esql_query,
	.correlation = corr_esql_render,
	.flag_formats = flag_formats_default,
};
