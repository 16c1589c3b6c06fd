/*
 * yaral.c: Google SecOps YARA-L 2.0 (targets.md §6). The query is a rule's
 * events: section on the event variable $e, with its outcome: and condition:
 * sections beside it, which the default format template (formats/yaral/
 * rule.yml) places in the rule; -f udm-search writes the bare UDM search
 * expression. Strings compare with
 * `= "v" nocase`, every other class as a /regex/ (RE2, unanchored, so the
 * anchors are explicit), enum fields as bare constants. The pipeline's data
 * model (the UDM field list, secops_udm's `datamodel:`) gives each field its
 * type, so numbers, enums and null checks are written the way the rule
 * editor's type check accepts.
 */
#include "backend.h"

#include <string.h>

static bool
yaral_udm_search(const struct emitter *em)
{
	return !strcmp(em->format, "udm-search");
}

/* The field as written: $e.path in a rule, the bare path in a UDM search. */
static const char *
yaral_field(struct emitter *em, const char *path)
{
	return arena_cat(em->a, (const char *const[]){yaral_udm_search(em) ? "" : "$e.", path}, 2);
}

/*
 * A repeated field (the data model's `repeated:`): a comparison holds per
 * element, so `not ($e.target.ip = x)` would hold when any element differs;
 * `any` makes a test mean "some element matches" in every context, and an
 * outcome over one is array_distinct(...), as Google's rules write it
 * (targets.md 6.1, 6.5 #8).
 */
static bool
yaral_repeated(const struct emitter *em, const struct dm_field *u)
{
	return em->q->select && !yaral_udm_search(em) && u && u->repeated;
}

/* The data model as messages name it ("the UDM enum"). */
static const char *
yaral_model_name(const struct emitter *em)
{
	return em->q->model && em->q->model->name ? em->q->model->name : "data model's";
}

/* The data model's entry of a path; NULL without a pipeline (names are the rule's own)
 * or with an open data model that does not list it. */
static const struct dm_field *
yaral_lookup(struct emitter *em, const struct match *m, const char *path, bool *ok)
{
	*ok = true;
	const struct datamodel *dm = em->q->model;
	const struct dm_field *u = datamodel_field(dm, path);
	if (!u && em->q->select && dm && dm->closed)
		*ok = diag_error(em->d, m->pos, "field '%s' is not in the %s field list (target "
				 "yaral)", path, yaral_model_name(em));
	return u;
}

/*
 * A "..." literal: \ and " escaped (targets.md §6.2). No escape for control
 * characters is documented, so callers route text with them through a regex.
 */
static const struct quoting yaral_literal = {
	.open = "\"", .close = "\"", .escape = '\\', .special = "\"\\",
};

static const char *
yaral_string(struct emitter *em, const char *s, size_t n)
{
	return quote_str(em->a, &yaral_literal, s, n);
}

/*
 * A regex as a /regex/ literal: an unescaped '/' gets its backslash, quotes
 * and control characters become \xNN, all else is passed verbatim (so a
 * Sigma `re` keeps \d as \d).
 */
static const struct quoting yaral_regex_body = {
	.open = "", .close = "", .escape = '\\', .special = "/", .control = "\\x%02x", .nul = true,
	.hex = "\"",	/* no quote inside the literal, escaped or not */
};

/* The value of an enum field: an exact constant, compared upper-case and never nocase. */
static bool
yaral_match_enum(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct seg *lit;
		if (value_class(&m->vals[i].pat, &lit) != VCLASS_EXACT || !lit)
			return diag_error(em->d, m->pos, "value of field '%s' cannot be mapped "
					  "(target yaral): the %s enum takes exact constants only",
					  m->field, yaral_model_name(em));
		char *up = arena_strndup(em->a, lit->text, lit->len);
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (!datamodel_has_value(m->model, up, lit->len))
			return diag_error(em->d, m->pos, "value '%s' of field '%s' cannot be mapped "
					  "(target yaral): not a constant of the %s enum",
					  quote_show(em->a, up, lit->len), m->field, yaral_model_name(em));
		term_add(em, out, arena_printf(em->a, "%s = \"%s\"", f, up));
	}
	return true;
}

static const char *const cmp_ops[] = {"=", "<", "<=", ">", ">="};

/*
 * An unset UDM number reads as 0, which Sigma's absent field never equals:
 * a comparison that 0 satisfies gets a `!= 0` guard (also right under not).
 */
static bool
yaral_zero_satisfies(enum cmp c, const char *num)
{
	bool neg = num[0] == '-', zero = strspn(num + neg, "0.") == strlen(num + neg);
	switch (c) {
	case CMP_EQ: return false;	/* `= 0` is the user's explicit choice */
	case CMP_LT: return !neg && !zero;
	case CMP_LTE: return !neg;
	case CMP_GT: return neg && !zero;
	case CMP_GTE: return neg || zero;
	}
	return false;
}

static bool
yaral_match_number(struct emitter *em, const struct match *m, const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct mval *v = &m->vals[i];
		const char *cmp = arena_printf(em->a, "%s %s %s", f, cmp_ops[v->cmp], v->text);
		if (m->numeric_field && yaral_zero_satisfies(v->cmp, v->text))
			cmp = arena_printf(em->a, "(%s != 0 and %s)", f, cmp);
		term_add(em, out, cmp);
	}
	return true;
}

static const char *
yaral_ident(struct emitter *em, const char *path)
{
	return yaral_field(em, path);
}

static const struct quoting yaral_regex = {.open = "/", .close = "/", .special = ""};

/*
 * Strings compare with `= "v" nocase`; every other class, and a value with a
 * control character, is a /regex/ (RE2, unanchored: the anchors of the open
 * sides dropped), its case by the same nocase.
 */
static const struct syntax yaral_syntax = {
	.and_op = "and",
	.or_op = "or",
	.not_open = "not (",
	.not_close = ")",
	.bare_paths = true,	/* UDM paths have no quoted form */
	.ident = yaral_ident,
	.string = &yaral_literal,
	.str_op = {[VCLASS_EXACT] = {"$f = $v nocase", "$f = $v"}},
	.any = "$f != \"\"",
	.empty = "$f = \"\"",
	.re_op = {"$f = $v nocase", "$f = $v"},
	.re_metas = "\\.^$|?*+()[]{}",
	.re_quote = &yaral_regex,
	.re_body = &yaral_regex_body,
	.re_case_op = true,
	.re_shape = {[VCLASS_EXACT] = SHAPE_LIT,
		     [VCLASS_PREFIX] = SHAPE_LIT | SHAPE_OPEN_TAIL,
		     [VCLASS_SUFFIX] = SHAPE_LIT | SHAPE_OPEN_HEAD,
		     [VCLASS_CONTAINS] = SHAPE_LIT | SHAPE_OPEN_HEAD | SHAPE_OPEN_TAIL},
	.re_missing = RE2_MISSING,
	.re_engine = "RE2",
	.bool_op = "$f = $v",
	.null = "$f = \"\"",
	.notnull = "$f != \"\"",
	.cidr = "net.ip_in_range_cidr($f, $v)",
	.fieldref = {"strings.to_lower($f) = strings.to_lower($v)", "$f = $v"},
};

/* Types, enum constants and repeated fields from the data model (m->type, m->model). */
static enum hook
yaral_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return HOOK_DECLINE;
	bool ok;
	yaral_lookup(em, m, m->field, &ok);
	if (!ok)
		return HOOK_REFUSED;
	enum field_type type = m->type;
	const char *f = yaral_field(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		if (type == FIELD_ENUM)
			return emit_hook_done(yaral_match_enum(em, m, f, out));
		/* fallthrough */
	case MATCH_RE:
	case MATCH_CIDR:
		/* value tests on a repeated field ask for some element; null/exists keep the field */
		if (!yaral_repeated(em, m->model))
			return HOOK_DECLINE;
		return emit_hook_done(emit_match_at(em, m, arena_cat(em->a, (const char *const[]){"any ", f}, 2),
							   out));
	case MATCH_NUM:
		return emit_hook_done(yaral_match_number(em, m, f, out));
	case MATCH_NULL:
	case MATCH_EXISTS:
		/* only an unset string reads as "" (a number reads as 0, like a real 0) */
		if (type == FIELD_NUMBER || type == FIELD_ENUM || type == FIELD_DATETIME)
			return emit_hook_done(diag_error(em->d, m->pos, "%s of field '%s' is not "
							 "supported by target yaral: only UDM string "
							 "fields read as \"\" when unset",
							 m->op == MATCH_NULL ? "null" : "exists",
							 m->field));
		return HOOK_DECLINE;
	case MATCH_FIELDREF:
		for (int i = 0; i < m->nvals; i++) {
			yaral_lookup(em, m, m->vals[i].text, &ok);
			if (!ok)
				return HOOK_REFUSED;
		}
		return HOOK_DECLINE;
	default:
		return HOOK_DECLINE;
	}
}

/* One `path: VALUE` condition of the pipeline's selection: an exact, cased string match
 * on a string field of the data model; NULL if it is not one. */
static const char *
yaral_selection(struct emitter *em, const struct sel_cond *c)
{
	const struct dm_field *u = datamodel_field(em->q->model, c->field);
	if (!c->field || !c->value || !u || datamodel_type(u, FIELD_STRING) != FIELD_STRING)
		return NULL;
	const char *lit = yaral_string(em, c->value, strlen(c->value));
	return lit ? arena_printf(em->a, "%s = %s", yaral_field(em, c->field), lit) : NULL;
}

/* Adds a term per constant of c on an enum field of the data model (metadata.event_type);
 * false if c is on no enum field or a value is none of its constants. */
static bool
yaral_enum_selection(struct emitter *em, const struct sel_cond *c, struct terms *ts)
{
	const struct dm_field *u = datamodel_field(em->q->model, c->field);
	if (!u || datamodel_type(u, FIELD_STRING) != FIELD_ENUM || !(c->value || c->in))
		return false;
	const char *f = yaral_field(em, c->field);
	unsigned n = c->in ? c->in_count : 1;
	for (unsigned i = 0; i < n; i++) {
		const char *v = c->in ? c->in[i] : c->value;
		if (!datamodel_has_value(u, v, strlen(v)))
			return false;
	}
	for (unsigned i = 0; i < n; i++)
		term_add(em, ts, arena_printf(em->a, "%s = \"%s\"", f, c->in ? c->in[i] : c->value));
	return true;
}

/*
 * The event selection from the pipeline: metadata.event_type constants
 * (several = any of them) and exact values of UDM string fields (a product
 * selection such as metadata.log_type: AWS_CLOUDTRAIL), all of which must
 * hold. Written on one line, the items joined by `and`.
 */
static bool
yaral_event_type(struct emitter *em)
{
	const struct selection *s = em->q->select;
	struct terms ts = {0}, sel = {0};
	for (unsigned i = 0; i < s->where_count; i++) {
		const struct sel_cond *c = &s->where[i];
		const char *item = NULL;
		if (yaral_enum_selection(em, c, &ts))
			continue;
		if ((item = yaral_selection(em, c)))
			term_add(em, &sel, item);
		else
			return diag_error(em->d, em->q->meta.logsource.pos,
					  "pipeline event selection on '%s' is neither UDM event "
					  "types nor a value of a UDM string field (target yaral)",
					  c->field ? c->field : "any");
	}
	if (ts.n > 1)
		buf_putc(em->out, '(');
	for (int i = 0; i < ts.n; i++) {
		buf_puts(em->out, i ? " or " : "");
		buf_puts(em->out, ts.v[i].head ? ts.v[i].head : "(null)");
	}
	if (ts.n > 1)
		buf_putc(em->out, ')');
	for (int i = 0; i < sel.n; i++) {
		buf_puts(em->out, i || ts.n ? " and " : "");
		buf_puts(em->out, sel.v[i].head ? sel.v[i].head : "(null)");
	}
	return true;
}

/*
 * The expression as its top-level conjuncts, one per line, each written as
 * the operand of an AND so that the emitter parenthesises an OR (events
 * lines are implicitly ANDed; a one-line form needs the explicit `and`).
 */
static bool
yaral_conjuncts(struct emitter *em, int indent, bool first, bool explicit_and)
{
	const struct expr *e = em->q->expr;
	struct expr *const *kids = (struct expr *const *)&em->q->expr;
	int n = 1;
	if (e->kind == EXPR_AND) {
		kids = e->kids;
		n = e->nkids;
	}
	for (int i = 0; i < n; i++) {
		struct expr *one[1] = {kids[i]};
		struct expr and = {.kind = EXPR_AND, .kids = one, .nkids = 1, .capkids = 1};
		if (!first) {
			emit_newline(em, indent);
			if (explicit_and)
				buf_puts(em->out, "and ");
		}
		first = false;
		if (!emit_expr(em, &and, indent))
			return false;
	}
	return true;
}

/* "You can define up to 20 outcome variables" (Google SecOps, Outcome section syntax,
 * https://cloud.google.com/chronicle/docs/yara-l/outcome-syntax); the rule template
 * (formats/yaral/rule.yml) adds one, $risk_score. */
#define YARAL_MAX_OUTCOMES 20
#define YARAL_TEMPLATE_OUTCOMES 1
#define YARAL_TEMPLATE_OUTCOME "risk_score"

/*
 * Is $var not the rule template's own outcome variable, nor one of the n taken
 * before it? Else false after the message: a field's variable replaces every
 * character but a letter or digit by `_`, so `a.b` and `a_b` would both be
 * $a_b, which YARA-L refuses as a duplicate (at most YARAL_MAX_OUTCOMES names).
 */
static bool
yaral_outcome_free(struct emitter *em, struct pos pos, const char *var, const char **taken,
		   int n)
{
	if (!strcmp(var, YARAL_TEMPLATE_OUTCOME))
		return emit_refuse(em, pos, "the outcome variable $%s of this rule's fields or flag "
				   "columns is the rule's own %s", var, "risk score");
	for (int i = 0; i < n; i++)
		if (!strcmp(var, taken[i]))
			return emit_refuse(em, pos, "two of this rule's fields or flag columns would "
					   "both be the outcome variable $%s", var);
	return true;
}

/*
 * The outcome: section, one variable per `fields:` entry, named after its
 * UDM path, then one per flag; each entry on its own line, the first without
 * its line break (the template places the section).
 */
static bool
yaral_outcome(struct emitter *em)
{
	const struct query *q = em->q;
	if (!q->nproject && !q->nflags)
		return true;
	if (q->nproject + q->nflags > YARAL_MAX_OUTCOMES - YARAL_TEMPLATE_OUTCOMES)
		return diag_error(em->d, q->nflags ? q->flags[0].pos : q->meta.pos, "YARA-L allows %d "
				  "outcome variables, and this rule needs %d for its fields, %d for its "
				  "flag columns and %d for its risk score (target yaral)",
				  YARAL_MAX_OUTCOMES, q->nproject, q->nflags, YARAL_TEMPLATE_OUTCOMES);
	struct buf section = {0}, *out = em->out;
	em->out = &section;
	bool ok = true;
	const char *taken[YARAL_MAX_OUTCOMES];
	int ntaken = 0;
	for (int i = 0; ok && i < q->nproject; i++) {
		struct match at = {.pos = q->meta.pos};
		const struct dm_field *u = yaral_lookup(em, &at, q->project[i], &ok);
		if (!ok)
			break;
		char *var = arena_strdup(em->a, q->project[i]);
		for (char *p = var; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9')))
				*p = '_';
		if (!(ok = yaral_outcome_free(em, q->meta.pos, var, taken, ntaken)))
			break;
		taken[ntaken++] = var;
		emit_newline(em, 4);
		const char *f = yaral_field(em, q->project[i]);
		if (yaral_repeated(em, u))
			f = arena_printf(em->a, "array_distinct(%s)", f);
		buf_printf(em->out, "$%s = %s%s", var, f, datamodel_type(u, FIELD_STRING) == FIELD_DATETIME ? ".seconds" : "");
	}
	for (int i = 0; ok && i < q->nflags; i++) {
		ok = yaral_outcome_free(em, q->flags[i].pos, q->flags[i].name, taken, ntaken);
		taken[ntaken++] = q->flags[i].name;
	}
	/* a flag is an outcome conditional over the event's fields: 1 when it holds */
	ok = ok && flags_emit(em, NULL, "", 4, "$$v = if(", ", 1, 0)");
	em->out = out;
	size_t lead = section.data ? strspn(section.data, " \n") : 0;
	if (ok)
		emit_section(em, "outcome", section.data + lead);
	buf_free(&section);
	return ok;
}

/*
 * A rule's query is its events: section on the event variable $e, beside
 * its outcome: and condition: sections; the rule around them is the format
 * template (templates/formats/yaral/rule.yml). -f udm-search writes the
 * expression alone, on the bare paths.
 */
static bool
yaral_query(struct emitter *em)
{
	bool search = yaral_udm_search(em);
	if (em->q->select && !yaral_event_type(em))
		return false;
	if (!yaral_conjuncts(em, search ? 0 : 4, !em->q->select, search || em->compact))
		return false;
	if (search)
		return true;
	emit_section(em, "condition", "$e");
	return yaral_outcome(em);
}

static const struct format yaral_formats[] = {
	{"udm-search", "a UDM search expression"},
	{NULL, NULL},
};

static const char *const yaral_aliases[] = {"secops", "chronicle", NULL};

const struct backend backend_yaral = {
	.name = "yaral",
	.aliases = yaral_aliases,
	.ext = "yaral",
	.description = "Google SecOps YARA-L 2.0 rules (UDM); -f udm-search for a UDM search",
	.default_pipeline = "secops_udm",
	.syntax = &yaral_syntax,
	.formats = yaral_formats,
	.default_format = "rule",
	.comment_open = "//",
	.hook = yaral_hook,
	.query = yaral_query,
	.correlation = corr_yaral_render,
	.flag_formats = flag_formats_default,
};
