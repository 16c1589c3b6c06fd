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
#include <strings.h>

static const struct syntax spl_syntax = {
	.and_op = "AND",
	.or_op = "OR",
	.not_open = "NOT (",
	.not_close = ")",
};

/* Regex metacharacters of PCRE outside a class. */
static const char re_metas[] = "\\.^$|?*+()[]{}";

/* Search comparisons and eval comparisons, indexed by enum cmp. */
static const char *const search_cmp[] = {"=", "<", "<=", ">", ">="};
static const char *const eval_cmp[] = {"==", "<", "<=", ">", ">="};

/* Words that cannot be bare field names: boolean operators of search and eval. */
static const char *const reserved[] = {"AND", "OR", "NOT", "XOR", "IN", "LIKE", "TRUE", "FALSE",
				       "NULL"};

static const struct format spl_formats[] = {
	{"tstats", "tstats over a CIM data model (with -p splunk_cim)"},
	{NULL, NULL},
};

static bool
spl_reserved(const char *s)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcasecmp(reserved[i], s))
			return true;
	return false;
}

static bool
spl_control(const char *s, size_t n)
{
	return quote_check(&quote_none, s, n) < n;
}

/* Search and eval strings: only the quote and the backslash have escapes. */
static const struct quoting spl_double = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\",
};
static const struct quoting spl_single = {
	.open = "'", .close = "'", .escape = '\\', .special = "'\\",
};

/* Callers route text with control characters through a regex (\xNN) or refuse it. */
static const char *
spl_string(struct emitter *em, const char *s, size_t n)
{
	return quote_str(em->a, &spl_double, s, n);
}

/* A field in search: bare when [A-Za-z0-9_.]+, else "quoted". */
static const char *
spl_search_field(struct emitter *em, const char *name)
{
	size_t n = strlen(name);
	bool bare = n && !spl_reserved(name) && strspn(name, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") == n;
	return bare ? name : spl_string(em, name, n);
}

/* A field in eval: bare when an identifier, else 'quoted' (a dot is eval's concatenation). */
static const char *
spl_eval_field(struct emitter *em, const char *name)
{
	size_t n = strlen(name);
	bool bare = n && !spl_reserved(name) && !(name[0] >= '0' && name[0] <= '9') &&
		    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
	return bare ? name : quote_str(em->a, &spl_single, name, n);
}

/* ---- which comparisons the search stage can express (targets.md §2.3) ---- */

/* A glob search can write exactly: no '?', no literal '*', no control character. */
static bool
spl_globbable(const struct pattern *p)
{
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind == SEG_QMARK || s->kind == SEG_PLACEHOLDER)
			return false;
		if (s->kind == SEG_TEXT && (memchr(s->text, '*', s->len) || spl_control(s->text, s->len)))
			return false;
	}
	return true;
}

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
		if (!spl_globbable(&m->vals[i].pat))
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

static bool
spl_timepart(struct emitter *em, const struct match *m)
{
	return emit_unsupported(em, m, m->vals[0].part);
}

/* ---- the search stage ---------------------------------------------------- */

/* A quoted glob: W* is *, and search takes only \\ and \" as escapes. */
static const char *
spl_glob(struct emitter *em, const struct pattern *p)
{
	struct buf text = {0};
	for (int i = 0; i < p->nsegs; i++) {
		if (p->segs[i].kind == SEG_TEXT)
			buf_putn(&text, p->segs[i].text, p->segs[i].len);
		else
			buf_putc(&text, '*');
	}
	const char *r = spl_string(em, text.data ? text.data : "", text.len);
	buf_free(&text);
	return r;
}

/* Glob values share one IN list, kept at the place of the first; * and "" stand alone. */
static void
spl_search_string(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	int in = -1;
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		if (vc == VCLASS_ANY) {
			term_add(em, out, arena_printf(em->a, "%s=*", f));
			continue;
		}
		if (vc == VCLASS_EXACT && !lit) {
			term_add(em, out, arena_printf(em->a, "%s=\"\"", f));
			continue;
		}
		if (in < 0) {
			term_add(em, out, NULL)->tail = ")";
			in = out->n - 1;
		}
		term_item(em, &out->v[in], spl_glob(em, p));
	}
	if (in < 0)
		return;
	struct term *t = &out->v[in];
	if (t->nitems == 1) {
		t->head = arena_printf(em->a, "%s=%s", f, t->items[0]);
		t->items = NULL;
	} else {
		t->head = arena_printf(em->a, "%s IN (", f);
	}
}

static bool
spl_match(struct emitter *em, const struct match *m, struct terms *out)
{
	const char *f = spl_search_field(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		spl_search_string(em, m, f, out);
		return true;
	case MATCH_NUM:
		if (m->nvals > 1 && m->vals[0].cmp == CMP_EQ) {
			struct term *t = term_add(em, out, arena_printf(em->a, "%s IN (", f));
			t->tail = ")";
			for (int i = 0; i < m->nvals; i++)
				term_item(em, t, m->vals[i].text);
			return true;
		}
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s%s%s", f, search_cmp[m->vals[i].cmp],
						       m->vals[i].text));
		return true;
	case MATCH_BOOL:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s=%s", f, m->vals[i].b ? "true" : "false"));
		return true;
	case MATCH_NULL:
		term_add(em, out, arena_printf(em->a, "NOT %s=*", f));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s%s=*", m->vals[i].b ? "" : "NOT ", f));
		return true;
	case MATCH_CIDR:
		/* search matches a quoted network as CIDR, v4 and v6 alike */
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, arena_printf(em->a, "%s=%s", f,
						       spl_string(em, m->vals[i].text, m->vals[i].len)));
		return true;
	case MATCH_TIMEPART:
		return spl_timepart(em, m);
	default:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: %s in the search stage",
			  match_op_name(m->op));
}

/* ---- the where stage (eval expressions) ------------------------------------ */

/*
 * tstats drops every row whose `by` field is null, so `sel and not filter` would
 * lose the events that lack the filter's field (SPL-TSTATS). fillnull_value gives
 * such fields this text instead, and the where stage tests it in place of null.
 */
#define SPL_TSTATS_NULL "sigmacc:null"

static bool
spl_tstats(const struct emitter *em)
{
	return !strcmp(em->format, "tstats");
}

/* isnull(f) / isnotnull(f), or the comparison with the fill value under tstats. */
static const char *
spl_null_test(struct emitter *em, const char *f, bool null)
{
	if (spl_tstats(em))
		return arena_printf(em->a, "%s%s\"" SPL_TSTATS_NULL "\"", f, null ? "==" : "!=");
	return arena_printf(em->a, "%s(%s)", null ? "isnull" : "isnotnull", f);
}

/*
 * Eval comparisons on a missing field are null, and NOT null is not true, so
 * under a NOT each atom also asks for its field (targets.md §0.8). Under tstats
 * a missing field holds the fill value, which a regex could match: always asked.
 */
static void
spl_guarded(struct emitter *em, struct terms *out, const char *f, const char *atom)
{
	term_add(em, out, em->negated || spl_tstats(em)
			  ? arena_printf(em->a, "(%s AND %s)", spl_null_test(em, f, false), atom)
			  : atom);
}

/* match(f, "(?flags)re") with the regex written as an eval string. */
static const char *
spl_regex_call(struct emitter *em, const char *f, const char *flags, const char *re, size_t n)
{
	struct buf b = {0};
	if (*flags)
		buf_printf(&b, "(?%s)", flags);
	buf_putn(&b, re, n);
	const char *r = arena_printf(em->a, "match(%s, %s)", f, spl_string(em, b.data, b.len));
	buf_free(&b);
	return r;
}

/* match(f, ...) on the pattern regex of p; open_front/open_back drop the ^ / $ anchor. */
static const char *
spl_pattern_match(struct emitter *em, const char *f, const struct pattern *p, bool cased,
		  bool open_front, bool open_back)
{
	struct buf re = {0};
	bool dot = emit_pattern_regex(&re, p, re_metas);
	const char *flags = cased ? (dot ? "s" : "") : (dot ? "is" : "i");
	const char *r = spl_regex_call(em, f, flags, re.data + open_front,
				       re.len - open_front - open_back);
	buf_free(&re);
	return r;
}

/*
 * The regex of a string value (targets.md §0.3): a literal class anchored only
 * on its closed sides, anything else as the whole-value pattern regex.
 */
static const char *
spl_value_regex(struct emitter *em, const char *f, const struct pattern *p, bool cased)
{
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	if (vc == VCLASS_PATTERN)
		return spl_pattern_match(em, f, p, cased, false, false);
	struct seg s = *lit;
	struct pattern lp = {&s, 1};
	return spl_pattern_match(em, f, &lp, cased, vc == VCLASS_SUFFIX || vc == VCLASS_CONTAINS,
				 vc == VCLASS_PREFIX || vc == VCLASS_CONTAINS);
}

static bool
spl_where_re(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		if (spl_control(v->text, v->len))
			return emit_refuse_control(em, m->pos, arena_printf(em->a, "regex of field '%s'",
					m->field ? m->field : "_raw"), v->text, v->len);
		char flags[4] = {0}, *fp = flags;
		if (v->re_flags & RE_I)
			*fp++ = 'i';
		if (v->re_flags & RE_M)
			*fp++ = 'm';
		if (v->re_flags & RE_S)
			*fp++ = 's';
		const char *atom = spl_regex_call(em, f, flags, v->text, v->len);
		if (m->field)
			spl_guarded(em, out, f, atom);
		else
			term_add(em, out, atom);
	}
	return true;
}

static bool
spl_where_string(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc = value_class(p, &lit);
		if (vc == VCLASS_ANY) {
			term_add(em, out, spl_null_test(em, f, false));
		} else if (vc == VCLASS_EXACT && !lit) {
			spl_guarded(em, out, f, arena_printf(em->a, "%s==\"\"", f));
		} else if (vc == VCLASS_EXACT && m->cased && !spl_control(lit->text, lit->len)) {
			spl_guarded(em, out, f, arena_printf(em->a, "%s==%s", f,
							       spl_string(em, lit->text, lit->len)));
		} else {
			spl_guarded(em, out, f, spl_value_regex(em, f, p, m->cased));
		}
	}
	return true;
}

/* Keywords: a regex over the raw event, never bare terms (term search is token-based). */
static bool
spl_where_keyword(struct emitter *em, const struct match *m, struct terms *out)
{
	if (m->op == MATCH_RE)
		return spl_where_re(em, m, "_raw", out);
	if (m->op != MATCH_STR && (m->op != MATCH_NUM || m->vals[0].cmp != CMP_EQ))
		return diag_error(em->d, m->pos, "keyword search with %s is not supported by target spl",
				  match_op_name(m->op));
	for (int i = 0; i < m->nvals; i++) {
		/* a keyword matches anywhere: outer W* add nothing, the regex is unanchored */
		const struct mval *v = &m->vals[i];
		struct pattern num = m->op == MATCH_NUM ? value_literal(em->a, v->text, strlen(v->text))
							: v->pat;
		const struct pattern *p = &num;
		int lo = 0, hi = p->nsegs;
		while (lo < hi && p->segs[lo].kind == SEG_STAR)
			lo++;
		while (hi > lo && p->segs[hi - 1].kind == SEG_STAR)
			hi--;
		struct pattern inner = {hi > lo ? p->segs + lo : NULL, hi - lo};
		term_add(em, out, spl_pattern_match(em, "_raw", &inner, m->cased, true, true));
	}
	return true;
}

static bool
spl_where_match(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return spl_where_keyword(em, m, out);
	const char *f = spl_eval_field(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		return spl_where_string(em, m, f, out);
	case MATCH_RE:
		return spl_where_re(em, m, f, out);
	case MATCH_NUM:
		for (int i = 0; i < m->nvals; i++)
			spl_guarded(em, out, f, arena_printf(em->a, "%s%s%s", f, eval_cmp[m->vals[i].cmp],
							       m->vals[i].text));
		return true;
	case MATCH_BOOL:
		for (int i = 0; i < m->nvals; i++)
			spl_guarded(em, out, f, arena_printf(em->a, "%s=\"%s\"", f,
							       m->vals[i].b ? "true" : "false"));
		return true;
	case MATCH_NULL:
		term_add(em, out, spl_null_test(em, f, true));
		return true;
	case MATCH_EXISTS:
		for (int i = 0; i < m->nvals; i++)
			term_add(em, out, spl_null_test(em, f, !m->vals[i].b));
		return true;
	case MATCH_CIDR:
		for (int i = 0; i < m->nvals; i++)
			spl_guarded(em, out, f, arena_printf(em->a, "cidrmatch(%s, %s)",
							       spl_string(em, m->vals[i].text,
									  m->vals[i].len), f));
		return true;
	case MATCH_FIELDREF:
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			static const char *const anchors[] = {"", "startswith", "endswith", "contains"};
			if (v->anchor != ANCHOR_EXACT)
				return diag_error(em->d, m->pos, "modifier 'fieldref' with '%s' is not "
						  "supported by target spl", anchors[v->anchor]);
			const char *g = spl_eval_field(em, v->text);
			const char *atom = m->cased ? arena_printf(em->a, "%s==%s", f, g)
						    : arena_printf(em->a, "lower(%s)==lower(%s)", f, g);
			/* both sides may be missing */
			spl_guarded(em, out, f, em->negated ? arena_printf(em->a, "%s AND %s",
									   spl_null_test(em, g, false),
									   atom) : atom);
		}
		return true;
	case MATCH_TIMEPART:
		return spl_timepart(em, m);
	case MATCH__COUNT:
		break;
	}
	return diag_error(em->d, m->pos, "internal error: unknown match kind");
}

/* The eval stage is a backend of its own: the same boolean tokens, other atoms. */
static const struct backend spl_where_stage = {
	.name = "spl",
	.syntax = &spl_syntax,
	.match = spl_where_match,
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
	.quote = &spl_double,
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
	const char *index = options_get(em->q->opts, "spl-index");
	const char *sp = options_get(em->q->opts, "spl-source-prefix");
	if (index) {
		buf_puts(b, "index=");
		if (*index && strspn(index, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "0123456789_-*") == strlen(index))
			buf_puts(b, index);
		else
			quote_put(b, &spl_double, index, strlen(index));
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
	w.be = &spl_where_stage;
	w.negated = 0;
	emit_newline(em, 0);
	buf_puts(em->out, "| where ");
	return emit_expr(&w, where, 4);
}

static void
spl_table(struct emitter *em)
{
	const struct query *q = em->q;
	if (!q->nproject)
		return;
	emit_newline(em, 0);
	buf_puts(em->out, "| table ");
	for (int i = 0; i < q->nproject; i++)
		buf_printf(em->out, "%s%s", i ? ", " : "", spl_search_field(em, q->project[i]));
}

/* A data-model pipeline (splunk_cim) selects from a data model, for tstats. */
static bool
spl_is_datamodel(const struct selection *sel)
{
	return sel && sel->from;
}

/* The query of the default format: search stage, where stage, table. */
static bool
spl_search_query(struct emitter *em)
{
	const struct query *q = em->q;
	if (spl_is_datamodel(q->select))
		return diag_error(em->d, q->rule->logsource.pos, "pipeline selects datamodel=%s, "
				  "which only format tstats can search (target spl)",
				  q->select->from);
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
	spl_table(em);
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
		return diag_error(em->d, m->pos, "keyword search is not supported by target spl "
				  "with format tstats (a data model has no _raw)");
	spl_add_field(em, v, n, cap, m->field);
	for (int i = 0; m->op == MATCH_FIELDREF && i < m->nvals; i++)
		spl_add_field(em, v, n, cap, m->vals[i].text);
	return true;
}

static bool
spl_tstats_query(struct emitter *em)
{
	const struct query *q = em->q;
	if (!spl_is_datamodel(q->select))
		return diag_error(em->d, q->rule->logsource.pos, "format tstats needs a data-model "
				  "pipeline such as splunk_cim (target spl)");
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
		buf_printf(em->out, " %s", spl_search_field(em, by[i]));
	if (st.where && !spl_where(em, st.where))
		return false;
	spl_table(em);
	return true;
}

static bool
spl_query(struct emitter *em)
{
	/* the options are written into strings that have no escape for control characters */
	static const char *const quoted_options[] = {"spl-index", "spl-source-prefix"};
	for (int i = 0; i < 2; i++) {
		const char *v = options_get(em->q->opts, quoted_options[i]);
		if (v && quote_check(&quote_none, v, strlen(v)) < strlen(v))
			return emit_refuse_control(em, em->q->rule->pos, arena_printf(em->a,
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
	.match = spl_match,
	.query = spl_query,
	.correlation = corr_spl_render,
	.correlation_chains = true,
};
