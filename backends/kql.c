/*
 * kql.c: Microsoft KQL for Defender XDR advanced hunting and Sentinel
 * (targets.md §1). Case-insensitive operators by default (=~, in~,
 * contains, startswith, endswith), the _cs / == forms for `cased`, anchored
 * `matches regex` (RE2) for inner wildcards, verbatim @"" strings for values
 * with backslashes, ['name'] for odd identifiers.
 */
#include "backend.h"

#include <string.h>

static const char *const keywords[] = {
	"and", "or", "not", "in", "has", "contains", "startswith", "endswith", "matches", "regex",
	"between", "true", "false", "null", "let", "where", "project", "extend", "summarize", "by",
	"on", "with", "typeof", "bool", "int", "long", "real", "string", "datetime", "timespan",
	"dynamic", "guid", "decimal", "asc", "desc", "of", "kind", "like", "set", "alias",
	"restrict", "access", "to", "declare", "pattern", "query_parameters", NULL,
};

/* String literals (targets.md §1.2): regular, or verbatim @"" (no escapes, " doubled). */
static const struct quoting kql_regular = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\", .named = "\tt\nn\rr",
};
static const struct quoting kql_verbatim = {.open = "@\"", .close = "\"", .special = "\""};
/* A quoted column name segment. */
static const struct quoting kql_column = {
	.open = "['", .close = "']", .escape = '\\', .special = "'\\",
};

/*
 * Case-insensitive operators by default, the _cs / == forms for `cased`; a
 * value with inner wildcards is an anchored `matches regex` (RE2), always a
 * verbatim literal. Dotted names are dynamic paths, each segment quoted alone.
 */
static const struct syntax kql_syntax = {
	.and_op = "and",
	.or_op = "or",
	.not_open = "not(",
	.not_close = ")",
	.max_chain = 100,	/* Kusto's parser refuses a few hundred chained ors */
	.name_segments = true,
	.reserved = keywords,
	.name_quote = &kql_column,
	.string = &kql_regular,
	.verbatim = &kql_verbatim,
	.refuse_unquotable = true,
	.str_op = {
		[VCLASS_EXACT] = {"$f =~ $v", "$f == $v"},
		[VCLASS_PREFIX] = {"$f startswith $v", "$f startswith_cs $v"},
		[VCLASS_SUFFIX] = {"$f endswith $v", "$f endswith_cs $v"},
		[VCLASS_CONTAINS] = {"$f contains $v", "$f contains_cs $v"},
	},
	.str_in = {"$f in~ (", "$f in ("},
	.empty = "$f == \"\"",
	.re_op = {"$f matches regex $v", "$f matches regex $v"},
	.re_metas = "\\.^$|?*+()[]{}",
	.re_quote = &kql_verbatim,
	.re_missing = RE2_MISSING,
	.re_engine = "RE2",
	.num_op = {"$f == $v", "$f < $v", "$f <= $v", "$f > $v", "$f >= $v"},
	.num_in = "$f in (",
	.bool_op = "$f == $v",
	.null = "isempty($f)",
	.notnull = "isnotempty($f)",
	.fieldref_anchored = true,
	.keyword = "*",		/* a keyword is `* contains`, a single literal */
	.keyword_plain = true,
};

/* ipv4_is_in_range / ipv6_is_in_any_range: one call per address family. */
static bool
kql_cidr(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int family = 4; family <= 6; family += 2) {
		struct term t = {0};
		for (int i = 0; i < m->nvals; i++) {
			if (m->vals[i].family != family)
				continue;
			term_item(em, &t, quote_str(em->a, &kql_regular, m->vals[i].text,
						    m->vals[i].len));
		}
		if (!t.nitems)
			continue;
		t.head = arena_printf(em->a, "ipv%d_is_in_%srange(%s, ", family,
				      t.nitems > 1 ? "any_" : "", f);
		t.tail = ")";
		*term_add(em, out, t.head) = t;
	}
	return true;
}

static enum hook
kql_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field || (m->op != MATCH_CIDR && m->op != MATCH_TIMEPART))
		return HOOK_DECLINE;
	const char *f = emit_ident(em, m->field);
	if (m->op == MATCH_CIDR)
		return emit_hook_done(kql_cidr(em, m, f, out));
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		/* the table's number comparison on the part of the date */
		const char *part = arena_printf(em->a, "datetime_part(\"%s\", %s)",
						!strcmp(v->part, "week") ? "week_of_year" : v->part, f);
		term_add(em, out, emit_fill(em, kql_syntax.num_op[v->cmp], part, v->text));
	}
	return HOOK_DONE;
}

/* The pipeline's selection conditions after its table (ActionType == "FileCreated"). */
static const struct selsyntax kql_select = {
	.eq = " == ", .and_op = " and ", .or_op = " or ", .in_op = " in (",
	.exists = "isnotempty(%s)",
	.quote = &kql_regular,	/* == and in are case-sensitive in KQL; no prefix form */
};

static bool
kql_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct buf *out = em->out;
	if (!q->select)	/* --without-pipeline: the expression alone */
		return emit_expr(em, q->expr, 0);
	const char *table = emit_from(em), *where = NULL;
	const struct selection *s = q->select;
	if (!table || (s->where_count && !(where = emit_selection(em, &kql_select, s->where,
								   s->where_count))))
		return false;
	buf_puts(out, table);
	if (where) {	/* `DeviceFileEvents | where ActionType == "FileCreated"` */
		buf_puts(out, " | where ");
		buf_puts(out, where);
	}
	for (int i = 0; i < q->nextends; i++) {
		emit_newline(em, 0);
		buf_printf(out, "| extend %s = %s", emit_ident(em, q->extends[i].name),
			   q->extends[i].expr);
	}
	emit_newline(em, 0);
	buf_puts(out, "| where ");
	if (!emit_expr(em, q->expr, 4) || !flags_emit(em, NULL, "", 0, "| extend $f = (", ")"))
		return false;
	if (q->newest_first) {	/* before project, which need not keep the time column */
		emit_newline(em, 0);
		const char *time = kql_time_column(&q->options, q);
		if (!time)
			return emit_refuse(em, q->meta.pos, "the pipeline names no time column "
					   "(time_field:) to sort by; -O time_column=NAME names it");
		buf_printf(out, "| sort by %s desc", emit_ident(em, time));
	}
	flags_columns(em, "| project ", ", ");
	return true;
}

static const char *const kql_aliases[] = {"kusto", "microsoft365defender", NULL};

static const struct backend_option kql_options[] = {
	{"time_column", "string", "the pipeline's time_field",
	 "the time column a newest-first sort and a correlation read"},
	{NULL, NULL, NULL, NULL},
};

const struct backend backend_kql = {
	.name = "kql",
	.aliases = kql_aliases,
	.ext = "kql",
	.description = "Microsoft KQL: Defender XDR advanced hunting and Microsoft Sentinel",
	.default_pipeline = "defender_xdr",
	.syntax = &kql_syntax,
	.comment_open = "//",
	.hook = kql_hook,
	.query = kql_query,
	.correlation = corr_kql_render,
	.correlation_chains = true,
	.flag_formats = flag_formats_default,
	.options = kql_options,
};
