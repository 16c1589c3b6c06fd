/*
 * spl.c: Splunk SPL (targets.md §2). A query is the pipeline's search prefix
 * and the top-level conjuncts that search can express exactly (quoted
 * field="glob" terms, case-insensitive), then one `| where` stage of eval
 * expressions holding every conjunct that search cannot express (a `?`
 * wildcard, a literal `*`, regex, cased value, fieldref, keyword), with null
 * guards under NOT. The pipe ANDs the stages, so moving a whole conjunct is
 * exact. Besides the query, -f tstats searches a CIM data model (pipeline
 * splunk_cim, whose selections name the data model in `from`); savedsearches.conf is a
 * template (templates/formats/spl/).
 */
#include "backend.h"

#include <string.h>

/* Words that cannot be bare field names: boolean operators of search and eval. */
static const char *const reserved[] = {"AND", "OR", "NOT", "XOR", "IN", "LIKE", "TRUE", "FALSE",
				       "NULL", NULL};

static const struct format spl_formats[] = {
	{"tstats", "tstats over a CIM data model (with -p splunk_cim)"},
	{NULL, NULL},
};

/* Eval's quoted field names: only the quote and the backslash have escapes. */
static const struct quoting spl_single = {
	.open = "'", .close = "'", .escape = '\\', .special = "'\\",
};

/*
 * The search stage: quoted field="glob" terms, case-insensitive, one IN list
 * per match; a field is bare when [A-Za-z0-9_.]+. Control characters have no
 * escape: such values, like '?' and a literal '*', are for the where stage.
 */
static const struct syntax spl_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
	.name_chars = ".",
	.name_digit = true,
	.reserved = reserved,
	.reserved_caseless = true,
	.name_quote = &quote_dq,
	.string = &quote_dq,
	.str_in = {"$f IN ("},
	.any = "$f=*",
	.empty = "$f=\"\"",
	.glob = {"$f=$v"},
	.glob_star = '*',
	.glob_literal = "*",
	.glob_in = true,
	.num_op = {"$f=$v", "$f<$v", "$f<=$v", "$f>$v", "$f>=$v"},
	.num_in = "$f IN (",
	.bool_op = "$f=$v",
	.null = "NOT $f=*",
	.notnull = "$f=*",
	.cidr = "$f=$v",	/* search matches a quoted network as CIDR, v4 and v6 alike */
};

/*
 * tstats drops every row whose `by` field is null, so `sel and not filter` would
 * lose the events that lack the filter's field (SPL-TSTATS). fillnull_value gives
 * such fields this text instead, and the where stage tests it in place of null.
 */
#define SPL_TSTATS_NULL "sigmacc:null"

/*
 * The where stage: eval expressions. A field is bare when an identifier (a dot
 * is eval's concatenation), else 'quoted'. Eval comparisons on a missing field
 * are null, and NOT null is not true, so under a NOT each atom also asks for its
 * field (targets.md §0.8); under tstats a missing field holds the fill value,
 * which a regex could match: always asked. A string is an exact cased == or the
 * regex of targets.md §0.3, a literal class anchored only on its closed sides.
 */
#define SPL_WHERE(isnull, isnotnull, when) { \
	.and_op = "AND", .or_op = "OR", .not_open = "NOT (", .not_close = ")", \
	.reserved = reserved, .reserved_caseless = true, .name_quote = &spl_single, \
	.string = &quote_dq, \
	.str_op = {[VCLASS_EXACT] = {NULL, "$f==$v"}}, \
	.empty = "$f==\"\"", \
	.re_op = {"match($f, $v)", "match($f, $v)"}, \
	.re_metas = "\\.^$|?*+()[]{}", \
	.re_quote = &quote_dq, \
	.re_shape = {[VCLASS_EXACT] = SHAPE_LIT, \
		     [VCLASS_PREFIX] = SHAPE_LIT | SHAPE_OPEN_TAIL, \
		     [VCLASS_SUFFIX] = SHAPE_LIT | SHAPE_OPEN_HEAD, \
		     [VCLASS_CONTAINS] = SHAPE_LIT | SHAPE_OPEN_HEAD | SHAPE_OPEN_TAIL}, \
	.num_op = {"$f==$v", "$f<$v", "$f<=$v", "$f>$v", "$f>=$v"}, \
	.bool_op = "$f=\"$v\"", \
	.null = isnull, .notnull = isnotnull, \
	.cidr = "cidrmatch($v, $f)", \
	.fieldref = {"lower($f)==lower($v)", "$f==$v"}, \
	.guard = when, \
	/* a regex over the raw event, never bare terms (term search is token-based) */ \
	.keyword_re = "match(_raw, $v)", .keyword_re_more = true, \
}
static const struct syntax spl_where_syntax = SPL_WHERE("isnull($f)", "isnotnull($f)", GUARD_NOT);
static const struct syntax spl_tstats_syntax = SPL_WHERE("$f==\"" SPL_TSTATS_NULL "\"",
							 "$f!=\"" SPL_TSTATS_NULL "\"",
							 GUARD_ALWAYS);

/* ---- which comparisons the search stage can express (targets.md §2.3) ---- */

static bool
spl_searchable(const struct match *m)
{
	if (!m->field || m->op == MATCH_RE || m->op == MATCH_FIELDREF)
		return false;
	if (m->op != MATCH_STR)
		return true;
	if (m->cased)
		return false;
	for (int i = 0; i < m->nvals; i++)
		if (!emit_globbable(&spl_syntax, &m->vals[i].pat))
			return false;
	return true;
}

static bool
spl_searchable_expr(const struct expr *e)
{
	if (e->kind == EXPR_MATCH)
		return spl_searchable(&e->match);
	for (int i = 0; i < e->nkids; i++)
		if (!spl_searchable_expr(e->kids[i]))
			return false;
	return true;
}

/* The eval stage is a backend of its own: the same boolean tokens, other atoms. */
static const struct backend spl_where_stage = {
	.name = "spl",
	.syntax = &spl_where_syntax,
};
static const struct backend spl_tstats_stage = {
	.name = "spl",
	.syntax = &spl_tstats_syntax,
};

/* ---- the query ------------------------------------------------------------- */

struct spl_stages {
	struct expr *search;	/* AND of the search conjuncts, NULL if none */
	struct expr *where;	/* the where conjuncts (one, or their AND), NULL if none */
};

/* targets.md §2.1 split rule: a conjunct with any non-search atom goes to where whole. */
static struct spl_stages
spl_split(struct emitter *em, struct expr *e)
{
	struct expr *s = arena_alloc(em->a, sizeof(*s)), *w = arena_alloc(em->a, sizeof(*w));
	s->kind = w->kind = EXPR_AND;
	int n = e->kind == EXPR_AND ? e->nkids : 1;
	for (int i = 0; i < n; i++) {
		struct expr *kid = e->kind == EXPR_AND ? e->kids[i] : e;
		struct expr *to = spl_searchable_expr(kid) ? s : w;
		VEC_PUSH(em->a, to->kids, to->nkids, to->capkids, kid);
	}
	/*
	 * The search group stays a group so that a lone OR after the prefix is
	 * parenthesised; a lone where conjunct is the whole where expression.
	 */
	return (struct spl_stages){s->nkids ? s : NULL,
				   w->nkids == 1 ? w->kids[0] : w->nkids ? w : NULL};
}

/* The pipeline's selection: `source="WinEventLog:Security" EventCode IN (4, 16)`. */
static const struct selsyntax spl_select = {
	.eq = "=", .and_op = " ", .in_op = " IN (", .prefix_op = "=", .bare = "0123456789",
	.quote = &quote_dq,
};

/* -O spl-source-prefix: the channel's prefix (XmlWinEventLog:) replaced, the channel kept. */
static const char *
spl_source(struct emitter *em, const char *sp, const char *v)
{
	const char *colon = v ? strchr(v, ':') : NULL;
	if (!colon)
		return v;
	/* "WinEventLog" means "WinEventLog:" */
	bool sep = !*sp || sp[strlen(sp) - 1] != ':';
	return arena_printf(em->a, "%s%s%s", sp, sep ? ":" : "", colon + 1);
}

/* The event selection: index=NAME, then the pipeline's conditions with -O spl-source-prefix
 * applied; false after a diagnostic. */
static bool
spl_prefix(struct emitter *em, struct buf *b, const struct selection *sel)
{
	const char *index = ir_option(&em->q->options, "spl-index");
	const char *sp = ir_option(&em->q->options, "spl-source-prefix");
	if (index) {
		buf_puts(b, "index=");
		if (*index && strspn(index, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_-*") == strlen(index))
			buf_puts(b, index);
		else
			quote_put(b, &quote_dq, index, strlen(index));
	}
	if (!sel || !sel->where_count)	/* no conditions select every event: no prefix */
		return true;
	if (index)
		buf_putc(b, ' ');
	struct sel_cond *where = arena_alloc(em->a, sizeof(*where) * sel->where_count);
	for (unsigned i = 0; i < sel->where_count; i++) {
		where[i] = sel->where[i];
		if (sp && where[i].field && !strcmp(where[i].field, "source")) {
			where[i].value = (char *)spl_source(em, sp, where[i].value);
			where[i].prefix = (char *)spl_source(em, sp, where[i].prefix);
		}
	}
	const char *text = emit_selection(em, &spl_select, where, sel->where_count);
	if (text)
		buf_puts(b, text);
	return text != NULL;
}

static bool
spl_where(struct emitter *em, struct expr *where)
{
	struct emitter w = *em;
	w.be = !strcmp(em->format, "tstats") ? &spl_tstats_stage : &spl_where_stage;
	w.negated = 0;
	emit_newline(em, 0);
	buf_puts(em->out, "| where ");
	return emit_expr(&w, where, 4);
}

/* The query of the default format: search stage, where stage, table. */
static bool
spl_search_query(struct emitter *em)
{
	const struct query *q = em->q;
	if (q->select && q->select->from)	/* a data model (splunk_cim), for tstats */
		return emit_refuse(em, q->meta.logsource.pos, "pipeline selects datamodel=%s, "
				   "which only format tstats can search", q->select->from);
	struct spl_stages st = spl_split(em, q->expr);
	size_t start = em->out->len;
	if (!spl_prefix(em, em->out, q->select))
		return false;
	if (st.search) {
		/* each conjunct on a line of its own, the prefix included */
		if (em->out->len > start) {
			emit_newline(em, 4);
			buf_puts(em->out, "AND ");
		}
		if (!emit_expr(em, st.search, 4))
			return false;
	} else if (em->out->len == start) {
		buf_putc(em->out, '*');
	}
	if (st.where && !spl_where(em, st.where))
		return false;
	/* eval takes the where stage's expressions: if() yields the flag as a string */
	if (!flags_emit(em, &spl_where_stage, "", 0, "| eval $f=if(", ", \"true\", \"false\")"))
		return false;
	if (em->q->newest_first) {	/* sort 0: every result, not the first 10,000 */
		emit_newline(em, 0);
		buf_puts(em->out, "| sort 0 -_time");
	}
	flags_columns(em, "| table ", ", ");
	return true;
}

/* ---- format tstats: the where stage can only see the fields listed in `by` ---- */

static void
spl_add_field(struct emitter *em, const char ***v, int *n, int *cap, const char *f)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*v)[i], f))
			return;
	VEC_PUSH(em->a, *v, *n, *cap, f);
}

static bool
spl_collect(struct emitter *em, const struct expr *e, const char ***v, int *n, int *cap)
{
	if (e->kind != EXPR_MATCH) {
		for (int i = 0; i < e->nkids; i++)
			if (!spl_collect(em, e->kids[i], v, n, cap))
				return false;
		return true;
	}
	const struct match *m = &e->match;
	if (!m->field)
		return emit_refuse_unsupported(em, m->pos, " with format tstats (a data model has "
					       "no _raw)", "keyword search");
	spl_add_field(em, v, n, cap, m->field);
	for (int i = 0; m->op == MATCH_FIELDREF && i < m->nvals; i++)
		spl_add_field(em, v, n, cap, m->vals[i].text);
	return true;
}

static bool
spl_tstats_query(struct emitter *em)
{
	const struct query *q = em->q;
	if (!q->select || !q->select->from)
		return emit_refuse(em, q->meta.logsource.pos, "format tstats needs a data-model "
				   "pipeline such as splunk_cim");
	const char **by = NULL;
	int nby = 0, cap = 0;
	if (!spl_collect(em, q->expr, &by, &nby, &cap))
		return false;
	for (int i = 0; i < q->nproject; i++)
		spl_add_field(em, &by, &nby, &cap, q->project[i]);
	struct spl_stages st = spl_split(em, q->expr);
	buf_printf(em->out, "| tstats summariesonly=false fillnull_value=\"" SPL_TSTATS_NULL "\" "
		   "count min(_time) as firstTime max(_time) as lastTime from datamodel=%s",
		   q->select->from);
	struct buf index = {0};	/* the index and the selection's conditions (CIM action...) */
	if (!spl_prefix(em, &index, q->select)) {
		buf_free(&index);
		return false;
	}
	if (index.len || st.search) {
		emit_newline(em, 4);
		buf_printf(em->out, "where %s%s", index.data ? index.data : "",
			   index.len && st.search ? " AND " : "");
	}
	buf_free(&index);
	if (st.search && !emit_expr(em, st.search, 4))
		return false;
	if (nby) {
		emit_newline(em, 4);
		buf_puts(em->out, "by");
	}
	for (int i = 0; i < nby; i++)
		buf_printf(em->out, " %s", emit_ident(em, by[i]));
	if (st.where && !spl_where(em, st.where))
		return false;
	flags_columns(em, "| table ", ", ");
	return true;
}

static bool
spl_query(struct emitter *em)
{
	/* the options are written into strings that have no escape for control characters */
	static const char *const quoted_options[] = {"spl-index", "spl-source-prefix"};
	for (int i = 0; i < 2; i++) {
		const char *v = ir_option(&em->q->options, quoted_options[i]);
		if (v && quote_check(&quote_none, v, strlen(v)) < strlen(v))
			return emit_refuse_control(em, em->q->meta.pos, arena_printf(em->a,
						   "option %s", quoted_options[i]), v, strlen(v));
	}
	if (!strcmp(em->format, "tstats"))
		return spl_tstats_query(em);
	return spl_search_query(em);
}

static const char *const spl_aliases[] = {"splunk", NULL};
static const struct backend_option spl_options[] = {
	{"spl-index", "string", "no index= term",
	 "search this index: index=NAME before the event selection"},
	{"spl-source-prefix", "string", "the pipeline's (XmlWinEventLog:)",
	 "the source= prefix of every Windows channel, e.g. WinEventLog:"},
	{NULL, NULL, NULL, NULL},
};

const struct backend backend_spl = {
	.name = "spl",
	.aliases = spl_aliases,
	.ext = "spl",
	.description = "Splunk SPL: search with an exact | where stage; tstats over CIM data models",
	.default_pipeline = "splunk_sysmon",
	.syntax = &spl_syntax,
	.formats = spl_formats,
	.options = spl_options,
	.comment_open = "```",
	.comment_close = "```",
	.query = spl_query,
	.correlation = corr_spl_render,
	.correlation_chains = true,
	.flag_formats = flag_formats_default,	/* tstats rows are groups, not events */
};
