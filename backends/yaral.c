/*
 * yaral.c: Google SecOps YARA-L 2.0 (targets.md §6). The default output is a
 * whole rule (meta, events, outcome, condition) on the event variable $e;
 * -f udm-search writes the bare UDM search expression. Strings compare with
 * `= "v" nocase`, every other class as a /regex/ (RE2, unanchored, so the
 * anchors are explicit), enum fields as bare constants. A const table of the
 * UDM paths the pipelines may use gives each field its type, so numbers, enums
 * and null checks are written the way the rule editor's type check accepts.
 */
#include "backend.h"

#include <string.h>
#include <strings.h>

enum udm_type {
	UDM_STRING,
	UDM_NUMBER,	/* unset reads as 0 */
	UDM_ENUM,	/* only the listed constants type-check */
	UDM_TIME,	/* a Timestamp message: read as .seconds */
};

struct udm_field {
	const char *path;
	enum udm_type type;
	const char *const *consts;	/* UDM_ENUM */
};

static const char *const event_types[] = {
	"PROCESS_LAUNCH", "PROCESS_MODULE_LOAD", "NETWORK_CONNECTION", "NETWORK_DNS",
	"FILE_CREATION", "FILE_MODIFICATION", "FILE_DELETION", "FILE_MOVE", "FILE_READ",
	"REGISTRY_CREATION", "REGISTRY_MODIFICATION", "REGISTRY_DELETION", "NETWORK_HTTP",
	"PROCESS_OPEN", NULL,
};
static const char *const directions[] = {"INBOUND", "OUTBOUND", "BROADCAST", NULL};
static const char *const ip_protocols[] = {
	"ICMP", "IGMP", "TCP", "UDP", "IP6IN4", "GRE", "ESP", "ICMP6", "EIGRP", "ETHERIP",
	"PIM", "VRRP", "SCTP", NULL,
};

/* The bundled UDM field list: every path a query may name. */
static const struct udm_field udm_fields[] = {
	{"metadata.event_type", UDM_ENUM, event_types},
	{"metadata.event_timestamp", UDM_TIME, NULL},
	{"metadata.log_type", UDM_STRING, NULL},
	{"metadata.product_event_type", UDM_STRING, NULL},
	/* Okta and GitHub selections in Google's rules (chronicle/detection-rules) */
	{"metadata.product_name", UDM_STRING, NULL},
	{"network.direction", UDM_ENUM, directions},
	{"network.ip_protocol", UDM_ENUM, ip_protocols},
	{"network.dns.questions.name", UDM_STRING, NULL},
	{"network.http.method", UDM_STRING, NULL},
	{"network.http.user_agent", UDM_STRING, NULL},
	{"network.http.referral_url", UDM_STRING, NULL},
	{"network.http.response_code", UDM_NUMBER, NULL},
	{"principal.hostname", UDM_STRING, NULL},
	{"principal.ip", UDM_STRING, NULL},
	{"principal.port", UDM_NUMBER, NULL},
	{"principal.user.userid", UDM_STRING, NULL},
	{"principal.process.pid", UDM_STRING, NULL},
	{"principal.process.command_line", UDM_STRING, NULL},
	{"principal.process.product_specific_process_id", UDM_STRING, NULL},
	{"principal.process.file.full_path", UDM_STRING, NULL},
	{"principal.process.file.md5", UDM_STRING, NULL},
	{"principal.process.file.sha1", UDM_STRING, NULL},
	{"principal.process.file.sha256", UDM_STRING, NULL},
	{"principal.process.parent_process.file.full_path", UDM_STRING, NULL},
	/* OriginalFileName: Google's Sigma-derived rules read it here (mappings.md §7.2) */
	{"src.process.file.full_path", UDM_STRING, NULL},
	/* CloudTrail eventSource and Sysmon 10 GrantedAccess in Google's rules (mappings.md §7.2) */
	{"target.application", UDM_STRING, NULL},
	{"target.resource.name", UDM_STRING, NULL},
	{"target.hostname", UDM_STRING, NULL},
	{"target.url", UDM_STRING, NULL},
	{"target.ip", UDM_STRING, NULL},
	{"target.port", UDM_NUMBER, NULL},
	{"target.user.userid", UDM_STRING, NULL},
	{"target.process.pid", UDM_STRING, NULL},
	{"target.process.command_line", UDM_STRING, NULL},
	{"target.process.product_specific_process_id", UDM_STRING, NULL},
	{"target.process.file.full_path", UDM_STRING, NULL},
	{"target.process.file.names", UDM_STRING, NULL},
	{"target.process.file.md5", UDM_STRING, NULL},
	{"target.process.file.sha1", UDM_STRING, NULL},
	{"target.process.file.sha256", UDM_STRING, NULL},
	{"target.process.file.pe_file.imphash", UDM_STRING, NULL},
	/* Sysmon's version fields (WINDOWS_SYSMON parser change log; repeated: asset.software) */
	{"target.asset.software.description", UDM_STRING, NULL},
	{"target.asset.software.name", UDM_STRING, NULL},
	{"target.asset.software.vendor_name", UDM_STRING, NULL},
	{"target.asset.software.version", UDM_STRING, NULL},
	{"target.file.full_path", UDM_STRING, NULL},
	{"target.file.md5", UDM_STRING, NULL},
	{"target.file.sha1", UDM_STRING, NULL},
	{"target.file.sha256", UDM_STRING, NULL},
	{"target.file.pe_file.imphash", UDM_STRING, NULL},
	{"target.registry.registry_key", UDM_STRING, NULL},
	{"target.registry.registry_value_data", UDM_STRING, NULL},
};

static const char *const severities[][2] = {
	{"informational", "INFORMATIONAL"}, {"low", "LOW"}, {"medium", "MEDIUM"},
	{"high", "HIGH"}, {"critical", "CRITICAL"},
};

static bool
yaral_udm_search(const struct emitter *em)
{
	return !strcmp(em->format, "udm-search");
}

/* The field as written: $e.path in a rule, the bare path in a UDM search. */
static const char *
yaral_field(struct emitter *em, const char *path)
{
	return arena_printf(em->a, "%s%s", yaral_udm_search(em) ? "" : "$e.", path);
}

/*
 * Repeated UDM fields (the UDM field list marks ip, file.names and dns.questions as
 * repeated). A comparison holds per element, so `not ($e.target.ip = x)` would hold
 * when any element differs; `any` makes a test mean "some element matches" in
 * every context, and an outcome over one is array_distinct(...), as Google's rules
 * write it (targets.md 6.1, 6.5 #8).
 */
static const char *const repeated_paths[] = {
	"principal.ip", "target.ip", "network.dns.questions.name", "target.process.file.names",
	"target.asset.software.description", "target.asset.software.name",
	"target.asset.software.vendor_name", "target.asset.software.version",
};

static bool
yaral_repeated(const struct emitter *em, const char *path)
{
	if (!em->q->select || yaral_udm_search(em))
		return false;
	for (size_t i = 0; i < sizeof(repeated_paths) / sizeof(repeated_paths[0]); i++)
		if (!strcmp(repeated_paths[i], path))
			return true;
	return false;
}

/* The UDM entry of a path; NULL without a pipeline (names are the rule's own). */
static const struct udm_field *
yaral_lookup(struct emitter *em, const struct match *m, const char *path, bool *ok)
{
	*ok = true;
	if (!em->q->select)
		return NULL;
	for (size_t i = 0; i < sizeof(udm_fields) / sizeof(udm_fields[0]); i++)
		if (!strcmp(udm_fields[i].path, path))
			return &udm_fields[i];
	*ok = diag_error(em->d, m->pos, "field '%s' is not in the UDM field list (target yaral)",
			 path);
	return NULL;
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
yaral_match_enum(struct emitter *em, const struct match *m, const struct udm_field *u,
		 const char *f, struct terms *out)
{
	for (int i = 0; i < m->nvals; i++) {
		const struct seg *lit;
		if (value_class(&m->vals[i].pat, &lit) != VCLASS_EXACT || !lit)
			return diag_error(em->d, m->pos, "value of field '%s' cannot be mapped "
					  "(target yaral): the UDM enum takes exact constants only",
					  m->field);
		char *up = arena_strndup(em->a, lit->text, lit->len);
		for (char *p = up; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		int k = 0;	/* compared by length: a NUL must not cut the value to a constant */
		while (u->consts[k] && (strlen(u->consts[k]) != lit->len || strcmp(u->consts[k], up)))
			k++;
		if (!u->consts[k])
			return diag_error(em->d, m->pos, "value '%s' of field '%s' cannot be mapped "
					  "(target yaral): not a constant of the UDM enum",
					  quote_show(em->a, up, lit->len), m->field);
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

/* The UDM field list: types, enum constants and repeated fields are YARA-L's own. */
static enum hook
yaral_hook(struct emitter *em, const struct match *m, struct terms *out)
{
	if (!m->field)
		return HOOK_DECLINE;
	bool ok;
	const struct udm_field *u = yaral_lookup(em, m, m->field, &ok);
	if (!ok)
		return HOOK_REFUSED;
	enum udm_type type = u ? u->type : m->numeric_field ? UDM_NUMBER : UDM_STRING;
	const char *f = yaral_field(em, m->field);
	switch (m->op) {
	case MATCH_STR:
		if (type == UDM_ENUM)
			return emit_hook_done(yaral_match_enum(em, m, u, f, out));
		/* fallthrough */
	case MATCH_RE:
	case MATCH_CIDR:
		/* value tests on a repeated field ask for some element; null/exists keep the field */
		if (!yaral_repeated(em, m->field))
			return HOOK_DECLINE;
		return emit_hook_done(emit_match_at(em, m, arena_printf(em->a, "any %s", f), out));
	case MATCH_NUM:
		return emit_hook_done(yaral_match_number(em, m, f, out));
	case MATCH_NULL:
	case MATCH_EXISTS:
		/* only an unset string reads as "" (a number reads as 0, like a real 0) */
		if (type != UDM_STRING)
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

/* A meta value: whitespace runs (YAML block text) fold to one space, \ and " escaped. */
static void
yaral_meta(struct emitter *em, const char *key, const char *const *vals, int n, const char *sep)
{
	if (!n || !vals[0])
		return;
	struct buf *out = em->out;
	emit_newline(em, 4);
	buf_printf(out, "%s = \"", key);
	for (int i = 0; i < n; i++) {
		bool space = false, any = false;
		if (i)
			buf_puts(out, sep);
		for (const char *p = vals[i]; *p; p++) {
			if ((unsigned char)*p <= ' ' || *p == 0x7f) {
				space = any;
				continue;
			}
			if (space)
				buf_putc(out, ' ');
			space = false;
			any = true;
			if (*p == '"' || *p == '\\')
				buf_putc(out, '\\');
			buf_putc(out, *p);
		}
	}
	buf_putc(out, '"');
}

/* Rule name (targets.md §6.6): the title as [a-z0-9_], then the id's first 8 hex digits. */
static const char *
yaral_rule_name(struct emitter *em, const struct rule *r)
{
	struct buf b = {0};
	const char *title = r->title ? r->title : r->name ? r->name : "";
	for (const char *p = title; *p; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			buf_putc(&b, c);
		else if (b.len && b.data[b.len - 1] != '_')
			buf_putc(&b, '_');
	}
	if (b.len && b.data[b.len - 1] == '_')
		b.len--;
	int hex = 0;
	for (const char *p = r->id; p && *p && hex < 8; p++) {
		bool h = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
			 (*p >= 'A' && *p <= 'F');
		if (!h)
			continue;
		if (!hex)
			buf_puts(&b, b.len ? "_" : "sigma_");
		buf_putc(&b, *p >= 'A' && *p <= 'F' ? (char)(*p - 'A' + 'a') : *p);
		hex++;
	}
	if (!b.len)
		buf_puts(&b, "sigma_rule");
	const char *name = arena_printf(em->a, "%s%.*s", b.data[0] >= '0' && b.data[0] <= '9' ?
							  "r_" : "", (int)b.len, b.data);
	buf_free(&b);
	return name;
}

/* One `path: VALUE` condition of the pipeline's selection: an exact, cased string match
 * on a UDM string field; NULL if it is not one. */
static const char *
yaral_selection(struct emitter *em, const struct sel_cond *c)
{
	if (!c->field || !c->value)
		return NULL;
	for (size_t i = 0; i < sizeof(udm_fields) / sizeof(udm_fields[0]); i++)
		if (!strcmp(udm_fields[i].path, c->field) && udm_fields[i].type == UDM_STRING) {
			const char *lit = yaral_string(em, c->value, strlen(c->value));
			return lit ? arena_printf(em->a, "%s = %s", yaral_field(em, c->field), lit)
				   : NULL;
		}
	return NULL;
}

/* Adds a term per metadata.event_type constant of c; false if c is not that field or a
 * value is no UDM event type. */
static bool
yaral_event_types(struct emitter *em, const struct sel_cond *c, struct terms *ts)
{
	if (!c->field || strcmp(c->field, "metadata.event_type") || !(c->value || c->in))
		return false;
	const char *f = yaral_field(em, "metadata.event_type");
	unsigned n = c->in ? c->in_count : 1;
	for (unsigned i = 0; i < n; i++) {
		int k = 0;
		while (event_types[k] && strcmp(event_types[k], c->in ? c->in[i] : c->value))
			k++;
		if (!event_types[k])
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
		if (yaral_event_types(em, c, &ts))
			continue;
		if ((item = yaral_selection(em, c)))
			term_add(em, &sel, item);
		else
			return diag_error(em->d, em->q->rule->logsource.pos,
					  "pipeline event selection on '%s' is neither UDM event "
					  "types nor a value of a UDM string field (target yaral)",
					  c->field ? c->field : "any");
	}
	if (ts.n > 1)
		buf_putc(em->out, '(');
	for (int i = 0; i < ts.n; i++)
		buf_printf(em->out, "%s%s", i ? " or " : "", ts.v[i].head);
	if (ts.n > 1)
		buf_putc(em->out, ')');
	for (int i = 0; i < sel.n; i++)
		buf_printf(em->out, "%s%s", i || ts.n ? " and " : "", sel.v[i].head);
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

/* outcome: one variable per `fields:` entry, named after its UDM path. */
static bool
yaral_outcome(struct emitter *em)
{
	const struct query *q = em->q;
	if (!q->nproject)
		return true;
	if (!em->compact)
		buf_putc(em->out, '\n');
	emit_newline(em, 2);
	buf_puts(em->out, "outcome:");
	for (int i = 0; i < q->nproject; i++) {
		struct match at = {.pos = q->rule->pos};
		bool ok;
		const struct udm_field *u = yaral_lookup(em, &at, q->project[i], &ok);
		if (!ok)
			return false;
		char *var = arena_strdup(em->a, q->project[i]);
		for (char *p = var; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9')))
				*p = '_';
		emit_newline(em, 4);
		const char *f = yaral_field(em, q->project[i]);
		if (yaral_repeated(em, q->project[i]))
			f = arena_printf(em->a, "array_distinct(%s)", f);
		buf_printf(em->out, "$%s = %s%s", var, f, u && u->type == UDM_TIME ? ".seconds" : "");
	}
	return true;
}

static bool
yaral_rule(struct emitter *em)
{
	const struct rule *r = em->q->rule;
	struct buf *out = em->out;
	const char *level = NULL;
	for (size_t i = 0; r->level && i < sizeof(severities) / sizeof(severities[0]); i++)
		if (!strcasecmp(r->level, severities[i][0]))
			level = severities[i][1];
	buf_printf(out, "rule %s {", yaral_rule_name(em, r));
	emit_newline(em, 2);
	buf_puts(out, "meta:");
	yaral_meta(em, "title", &r->title, 1, "");
	yaral_meta(em, "author", &r->author, 1, "");
	yaral_meta(em, "description", &r->description, 1, "");
	yaral_meta(em, "severity", &level, 1, "");
	yaral_meta(em, "sigma_id", &r->id, 1, "");
	yaral_meta(em, "sigma_status", &r->status, 1, "");
	yaral_meta(em, "date", &r->date, 1, "");
	yaral_meta(em, "modified", &r->modified, 1, "");
	yaral_meta(em, "reference", r->references, r->nreferences, ", ");
	yaral_meta(em, "tags", r->tags, r->ntags, ", ");
	yaral_meta(em, "false_positives", r->falsepositives, r->nfalsepositives, "; ");
	if (!em->compact)
		buf_putc(out, '\n');
	emit_newline(em, 2);
	buf_puts(out, "events:");
	emit_newline(em, 4);
	if (em->q->select && !yaral_event_type(em))
		return false;
	if (!yaral_conjuncts(em, 4, !em->q->select, em->compact) || !yaral_outcome(em))
		return false;
	if (!em->compact)
		buf_putc(out, '\n');
	emit_newline(em, 2);
	buf_puts(out, "condition:");
	emit_newline(em, 4);
	buf_puts(out, "$e");
	emit_newline(em, 0);
	buf_putc(out, '}');
	return true;
}

static bool
yaral_query(struct emitter *em)
{
	if (!yaral_udm_search(em))
		return yaral_rule(em);
	if (em->q->select && !yaral_event_type(em))
		return false;
	return yaral_conjuncts(em, 0, !em->q->select, true);
}

static const struct format yaral_formats[] = {
	{"rule", "the complete YARA-L rule file (the default)"},
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
	.comment_open = "//",
	.hook = yaral_hook,
	.query = yaral_query,
	.correlation = corr_yaral_render,
};
