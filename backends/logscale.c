/*
 * logscale.c: CrowdStrike Falcon LogScale (targets.md §7). The event
 * selection comes first, the rule expression follows a pipe. `f="v"` is a
 * case-sensitive glob, so Sigma's case-insensitive strings become unanchored
 * /regex/i with anchors per value class (flag d where a wildcard became a
 * dot), exact lists become in(..., ignoreCase=true). The Falcon data model
 * (the pipeline's `datamodel:`) adds three rewrites no field map can say:
 * drive letters in full paths (device_path), file-name-only image fields
 * (basename), and separate IPv4/IPv6 address fields (ip6).
 */
#include "backend.h"

#include <ctype.h>
#include <string.h>

/* Characters escaped in a pattern regex; '/' because the regex sits in /.../. */
static const char regex_metas[] = "\\.^$|?*+()[]{}/";

/* An escape LogScale documents as unsupported (\p{..}, \h, \v, \R, \X, \e, \C, \N{..}),
 * or NULL. */
static const char *
logscale_regex_gap(const char *re, size_t n)
{
	static const char escapes[][3] = {"\\p", "\\P", "\\h", "\\H", "\\v", "\\V", "\\R",
					  "\\X", "\\e", "\\C", "\\N"};
	for (size_t i = 0; i + 1 < n; i++) {
		for (size_t k = 0; re[i] == '\\' && k < sizeof(escapes) / sizeof(*escapes); k++)
			if (re[i + 1] == escapes[k][1])
				return escapes[k];
		i += re[i] == '\\';
	}
	return NULL;
}

/*
 * What the data model (the falcon pipelines' `datamodel:`) says about a Falcon
 * field, all false for a field it does not list: basename, the field holds only
 * the file name of an image Sigma knows by its full path; ip6, the IPv6 twin of
 * an IPv4 address field.
 */
static struct dm_field
logscale_model(const struct emitter *em, const char *field)
{
	const struct dm_field *f = datamodel_field(em->q->model, field);
	return f ? *f : (struct dm_field){0};
}

/*
 * A quoted string for a whole-value compare, or NULL when the text cannot be
 * one: `*` is an unescapable glob there, and control characters are safer in
 * a regex as \xNN.
 */
static const char *
logscale_quote(struct emitter *em, const char *s, size_t n)
{
	return memchr(s, '*', n) ? NULL : quote_str(em->a, &quote_dq, s, n);
}

/* Text without letters (ASCII only) compares the same with or without case. */
static bool
logscale_caseless(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x80 || isalpha((unsigned char)s[i]))
			return false;
	}
	return true;
}

/*
 * The unanchored-engine regex of p: leading and trailing W* are dropped and
 * the other ends anchored (targets.md §0.3), so CONTAINS is bare, PREFIX ^v,
 * SUFFIX v$, EXACT and PATTERN ^v$. Sets *dot when a wildcard became '.'.
 */
static const char *
logscale_value_regex(struct emitter *em, const struct pattern *p, bool *dot)
{
	int lo;
	struct pattern sub = emit_pattern_inner(p, &lo);
	struct buf b = {0};
	*dot = emit_pattern_regex(&b, &sub, regex_metas);
	/* emit_pattern_regex anchors both ends: keep only the ends the value fixes */
	size_t from = lo == 0 ? 0 : 1, to = lo + sub.nsegs == p->nsegs ? b.len : b.len - 1;
	const char *r = arena_strndup(em->a, b.data + from, to - from);
	buf_free(&b);
	return r;
}

/*
 * A drive-letter path (C:\...) as Falcon stores it: \Device\HarddiskVolumeN\...
 * Every X:\ in the (escaped) regex body becomes the device prefix, wherever the
 * value puts it (contains 'C:\Windows\Temp\' as well as startswith 'C:\Users\'),
 * and a body that begins with ':\' (contains ':\Perflogs\', the drive letter left
 * open) becomes the end of that prefix. The volume number is unknown, so any
 * volume: the drive letter itself cannot be kept.
 */
static const char *
logscale_device_path(struct emitter *em, const char *body)
{
	static const char colon[] = ":\\\\";	/* ':' then the escaped '\\' */
	struct buf b = {0};
	bool changed = false;
	size_t n = strlen(body);
	for (size_t i = 0; i < n;) {
		bool at_open = i == 0 || (i == 1 && body[0] == '^');
		if (!strncmp(body + i, colon, 3) && i == 0) {
			buf_puts(&b, "HarddiskVolume[0-9]+\\\\");
			i += 3, changed = true;
			continue;
		}
		/* isalpha: ASCII letters only, in the C locale the compiler runs in */
		if (isalpha((unsigned char)body[i]) && !strncmp(body + i + 1, colon, 3) &&
		    (at_open || !isalpha((unsigned char)body[i - 1]))) {
			buf_puts(&b, "\\\\Device\\\\HarddiskVolume[0-9]+\\\\");
			i += 4, changed = true;
			continue;
		}
		buf_putc(&b, body[i++]);
	}
	const char *r = changed ? arena_strndup(em->a, b.data, b.len) : body;
	buf_free(&b);
	return r;
}

/* f="v" when the compare needs no case folding and v fits a quoted string, else f=/^v$/i. */
static const char *
logscale_exact_term(struct emitter *em, const struct match *m, const char *f, struct seg lit)
{
	const char *q = logscale_quote(em, lit.text, lit.len);
	if (q && (m->cased || logscale_caseless(lit.text, lit.len)))
		return arena_cat(em->a, (const char *const[]){f, "=", q}, 3);
	return emit_pattern_re(em, m, &(struct pattern){&lit, 1}, 0, f);
}

/* Classifies p (*vc, *lit); W* alone and "" are presence and the empty string, whatever
 * the field holds: written, true. */
static bool
logscale_presence(struct emitter *em, const char *f, const struct pattern *p, enum vclass *vc,
		  const struct seg **lit, struct terms *out)
{
	*vc = value_class(p, lit);
	if (*vc != VCLASS_ANY && (*vc != VCLASS_EXACT || *lit))
		return false;
	term_add(em, out, arena_printf(em->a, *vc == VCLASS_ANY ? "%s=*" : "%s=\"\"", f));
	return true;
}

/*
 * ParentImage / network Image: Falcon keeps only the file name. endswith
 * '\name' fixes the whole name and nothing of the directory, so it is EXACT
 * on the name; a suffix without a separator stays a suffix of the name.
 * Anything else would widen or narrow the match.
 */
static bool
logscale_basename_value(struct emitter *em, const struct match *m, const char *f,
			const struct pattern *p, enum vclass vc, const struct seg *lit,
			struct terms *out)
{
	const char *product = em->q->meta.logsource.product;
	char sep = product && strcmp(product, "windows") ? '/' : '\\';
	const char *at = vc == VCLASS_SUFFIX ? memchr(lit->text, sep, lit->len) : NULL;
	bool name = at && at == lit->text && lit->len > 1 && !memchr(at + 1, sep, lit->len - 1);
	if (vc != VCLASS_SUFFIX || (at && !name))
		return diag_error(em->d, m->pos, "value '%s' of field '%s' cannot be mapped "
				  "(target logscale): Falcon records only the file name, so "
				  "only endswith '%cname' or a suffix without '%c' can be matched",
				  emit_value_shown(em, p), f, sep, sep);
	struct seg s = {SEG_TEXT, lit->text + name, lit->len - name};
	term_add(em, out, name ? logscale_exact_term(em, m, f, s)
			       : emit_pattern_re(em, m, &(struct pattern){&s, 1}, SHAPE_OPEN_HEAD, f));
	return true;
}

static bool
match_string(struct emitter *em, const struct match *m, const char *field, struct terms *out)
{
	const char *f = emit_ident(em, field);
	struct dm_field model = logscale_model(em, field);
	int list = -1;			/* the term gathering the quotable whole values */
	const struct seg *first = NULL;	/* its first value */
	bool caseless = true;
	struct strmap seen = {0};	/* the list's values, so a duplicate costs one lookup */
	for (int i = 0; i < m->nvals; i++) {
		const struct pattern *p = &m->vals[i].pat;
		const struct seg *lit;
		enum vclass vc;
		if (logscale_presence(em, f, p, &vc, &lit, out))
			continue;
		if (model.basename) {
			if (!logscale_basename_value(em, m, f, p, vc, lit, out))
				return false;
			continue;
		}
		bool dot;
		const char *re = logscale_value_regex(em, p, &dot);
		const char *dev = model.device_path ? logscale_device_path(em, re) : re;
		const char *q = vc == VCLASS_EXACT && dev == re ? logscale_quote(em, lit->text, lit->len)
								: NULL;
		if (!q) {
			term_add(em, out, arena_cat(em->a, (const char *const[]){f, "=/", dev, "/",
						    m->cased ? "" : "i", dot ? "d" : ""}, 6));
			continue;
		}
		if (list < 0) {
			term_add(em, out, NULL)->tail = "])";
			list = out->n - 1;
			first = lit;
		}
		caseless &= logscale_caseless(lit->text, lit->len);
		/* value maps can send two Sigma values to one */
		if (strmap_put(em->a, &seen, q, strlen(q), out->v[list].nitems) < 0)
			term_item(em, &out->v[list], q);
	}
	if (list < 0)
		return true;
	/* one value is a compare of its own, several are one in() (the term keeps its place) */
	struct term *t = &out->v[list];
	if (t->nitems == 1) {
		t->head = logscale_exact_term(em, m, f, *first);
		t->items = NULL;
	} else {
		/* a function's field= argument is always quoted */
		t->head = arena_printf(em->a, "in(field=%s, %svalues=[",
				       quote_str(em->a, &quote_dq, field, strlen(field)),
				       m->cased || caseless ? "" : "ignoreCase=true, ");
	}
	return true;
}

/*
 * Which address field a string value can match: 4, 6, or 0 for both. IPv4
 * text has no ':', and IPv6 text has a ':' before any '.', so a value with a
 * ':' is IPv6 only, and a whole value or a prefix with a '.' is IPv4 only.
 */
static int
logscale_ip_family(const struct pattern *p)
{
	bool colon = false, dot = false;
	for (int k = 0; k < p->nsegs; k++)
		colon |= p->segs[k].kind == SEG_TEXT && memchr(p->segs[k].text, ':', p->segs[k].len);
	if (colon)
		return 6;
	const struct seg *lit;
	enum vclass vc = value_class(p, &lit);
	if (p->nsegs && p->segs[0].kind == SEG_TEXT)
		dot = memchr(p->segs[0].text, '.', p->segs[0].len) != NULL;
	return (vc == VCLASS_EXACT && lit) || dot ? 4 : 0;
}

/* IPv6 values go to the IPv6 twin of an IPv4 field: two matches, each on its field. */
static bool
match_by_family(struct emitter *em, const struct match *m, struct terms *out,
		bool (*one)(struct emitter *, const struct match *, const char *, struct terms *))
{
	const char *v6 = logscale_model(em, m->field).ip6;
	if (!v6)
		return one(em, m, m->field, out);
	/* the two groups in the order of their first values */
	int first = m->op == MATCH_CIDR ? m->vals[0].family : logscale_ip_family(&m->vals[0].pat);
	for (int pass = 0; pass < 2; pass++) {
		int family = (first == 6) == (pass == 0) ? 6 : 4;
		struct match part = *m;
		part.vals = arena_alloc(em->a, sizeof(*part.vals) * (size_t)m->nvals);
		part.nvals = 0;
		for (int i = 0; i < m->nvals; i++) {
			const struct mval *v = &m->vals[i];
			int fam = m->op == MATCH_CIDR ? v->family : logscale_ip_family(&v->pat);
			if (fam == family || fam == 0)
				part.vals[part.nvals++] = *v;
		}
		if (part.nvals && !one(em, &part, family == 6 ? v6 : m->field, out))
			return false;
	}
	return true;
}

/* head, then every value of m as a string, then "])": a function's list argument. */
static bool
logscale_list(struct emitter *em, const struct match *m, const char *head, struct terms *out)
{
	struct term *t = term_add(em, out, head);
	t->tail = "])";
	for (int i = 0; i < m->nvals; i++)
		term_item(em, t, quote_str(em->a, &quote_dq, m->vals[i].text, m->vals[i].len));
	return true;
}

static bool
match_cidr(struct emitter *em, const struct match *m, const char *field, struct terms *out)
{
	return logscale_list(em, m, arena_printf(em->a, "cidr(%s, subnet=[", emit_ident(em, field)),
			     out);
}

static bool
match_fieldref(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		if (v->anchor != ANCHOR_EXACT)
			return diag_error(em->d, m->pos, "modifier 'fieldref' with '%s' is not supported "
					  "by target logscale", v->anchor == ANCHOR_PREFIX ? "startswith"
					  : v->anchor == ANCHOR_SUFFIX ? "endswith" : "contains");
		bool here = logscale_model(em, m->field).basename;
		if (here || logscale_model(em, v->text).basename)
			return diag_error(em->d, m->pos, "modifier 'fieldref' on field '%s' is not "
					  "supported by target logscale: Falcon records only the "
					  "file name", here ? m->field : v->text);
		if (!m->cased)
			diag_warning(em->d, m->pos, "fieldref compared case-sensitively (target "
				     "logscale)");
		term_add(em, out, arena_printf(em->a, "test(%s == %s)", f,
					       emit_ident(em, v->text)));
	}
	return true;
}

/*
 * Strings, CIDR, fieldref and the address twins: Falcon's data model and
 * LogScale's case-sensitive globs leave the token table booleans, comparisons,
 * presence, regexes (on both twins) and keywords.
 */
static enum hook
logscale_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)	/* a keyword: the table's unanchored regex */
		return HOOK_DECLINE;
	const char *f = emit_ident(em, m->field);
	const char *ip6 = logscale_model(em, m->field).ip6;
	switch (m->op) {
	case MATCH_STR:
		return emit_hook_done(match_by_family(em, m, out, match_string));
	case MATCH_NUM:
		if (m->vals[0].cmp != CMP_EQ || m->nvals == 1)
			return HOOK_DECLINE;
		return emit_hook_done(logscale_list(em, m, arena_printf(em->a, "in(field=%s, "
				      "values=[", quote_str(em->a, &quote_dq, m->field,
							    strlen(m->field))), out));
	case MATCH_NULL:
		if (!ip6)
			return HOOK_DECLINE;
		/* absent or empty in both address fields */
		term_add(em, out, arena_printf(em->a, "((%s!=* or %s=\"\") and (%s!=* or %s=\"\"))",
					       f, f, ip6, ip6));
		return HOOK_DONE;
	case MATCH_EXISTS:
		if (!ip6)
			return HOOK_DECLINE;
		/* an address is present when either address field is */
		for (int i = 0; i < m->nvals; i++) {
			if (m->vals[i].b) {
				term_add(em, out, arena_printf(em->a, "%s=*", f));
				term_add(em, out, arena_printf(em->a, "%s=*", ip6));
			} else {
				term_add(em, out, arena_printf(em->a, "(%s!=* and %s!=*)", f, ip6));
			}
		}
		return HOOK_DONE;
	case MATCH_RE:
		if (logscale_model(em, m->field).basename)
			return emit_hook_done(diag_error(em->d, m->pos, "modifier 're' on field '%s' "
							 "is not supported by target logscale: "
							 "Falcon records only the file name",
							 m->field));
		/* a regex may match either kind of address */
		return emit_hook_done(emit_match_at(em, m, f, out) &&
				      (!ip6 || emit_match_at(em, m, ip6, out)));
	case MATCH_CIDR:
		return emit_hook_done(match_by_family(em, m, out, match_cidr));
	case MATCH_FIELDREF:
		return emit_hook_done(match_fieldref(em, m, f, out));
	default:
		return HOOK_DECLINE;
	}
}

/*
 * A field name is bare if [@#]?[A-Za-z0-9_.]+, else a quoted string. A Sigma
 * regex is a /regex/ with its flags after it (d: dot-all), named groups made
 * plain (they would create fields); keywords are unanchored /regex/i.
 */
static const struct syntax logscale_syntax = {
	.and_op = "and",
	.or_op = "or",
	.not_open = "not (",	/* "not(" could read as a call of a function named not */
	.not_close = ")",
	.name_chars = ".",
	.name_digit = true,
	.name_lead = "@#",
	.name_quote = &quote_dq,
	.re_op = {"$f=$v", "$f=$v"},
	.re_metas = regex_metas,
	.re_quote = &quote_slashes,
	.re_body = &quote_slash_body,
	/* what the LogScale regex engines reject (or we cannot prove they accept) */
	.re_missing = RE2_MISSING | REGEX_FLAGS,
	.re_engine = "LogScale",
	.re_gap = logscale_regex_gap,
	.re_flags_after = "imd",
	.re_plain_groups = true,
	.keyword_re = "$v",
	.num_op = {"$f=$v", "$f<$v", "$f<=$v", "$f>$v", "$f>=$v"},
	.bool_op = "$f=$v",
	.null = "($f!=* or $f=\"\")",
	.notnull = "$f=*",
	.exists = {"$f!=*", "$f=*"},
};

/* The pipeline's selection: `#event_simpleName=/^(A|B)$/ event_platform=Win`. */
static const struct quoting logscale_select_regex = {
	.open = "/", .close = "/", .escape = '\\', .special = "/", .control = "\\x%02x",
	.nul = true,
};
static const struct selsyntax logscale_select = {
	.eq = "=", .and_op = " ", .bare = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	"0123456789_", .quote = &quote_dq, .regex = &logscale_select_regex,
};

/* The query itself: selection, expression, projection; no final newline. */
static bool
logscale_query(struct emitter *em)
{
	const struct query *q = em->q;
	struct buf *out = em->out;
	if (q->select && q->select->where_count) {
		const char *sel = emit_selection(em, &logscale_select, q->select->where,
						 q->select->where_count);
		if (!sel)
			return false;
		buf_puts(out, sel);
		emit_newline(em, 0);
		buf_puts(out, "| ");
	}
	/* a case clause is a filter pipeline: the flag's filter, then its assignment */
	if (!emit_expr(em, q->expr, 4) ||
	    !flags_emit(em, NULL, "", 0, "| case { ", " | $f := \"true\"; * | $f := \"false\" }"))
		return false;
	/* every row, not table()'s default of 200 (limit=max: the StateRowLimit the
	 * instance allows, 20,000 by default; library.humio.com/data-analysis/
	 * functions-table.html), in table()'s own default order, said where the rule
	 * asks for it */
	if (flags_columns(em, "| table([", ", "))
		buf_puts(out, q->newest_first ? "], limit=max, sortby=@timestamp, order=desc)" :
			 "], limit=max)");
	return true;
}

static const char *const logscale_aliases[] = {"log_scale", "crowdstrike", NULL};

const struct backend backend_logscale = {
	.name = "logscale",
	.aliases = logscale_aliases,
	.ext = "logscale",
	.description = "CrowdStrike Falcon LogScale (Falcon sensor events, Next-Gen SIEM)",
	.default_pipeline = "falcon",
	.syntax = &logscale_syntax,
	.comment_open = "//",
	.hook = logscale_hook,
	.query = logscale_query,
	.correlation = corr_logscale_render,
	.flag_formats = flag_formats_default,
};
