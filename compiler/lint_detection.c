/*
 * lint_detection.c: the detection's shape, checked on the YAML tree so that
 * a rule the compiler refuses for another reason is still linted:
 * conditions that name no search, searches no condition uses, values written
 * with wildcards where a modifier is meant (as pySigma's validators flag
 * them) and empty lists or keywords.
 */
#include "lint.h"

#include <string.h>

/* The search identifiers of a detection map: every key but these. */
static bool
is_search(const struct ynode *key)
{
	return strcmp(key->text, "condition") && strcmp(key->text, "timeframe");
}

/* The searches of a detection, for walk_cond: names hashed, 'of' work bounded as in rule.c. */
struct cond_walk {
	const struct ynode *det;
	bool *used;		/* per key of det */
	struct strmap names;	/* search name -> key index in det */
	long of_work;
};

/* Marks the searches c uses in used[]; reports names that match none. False
 * when 'of' selectors pass COND_MAX_OF_WORK: the compiler refuses the rule. */
static bool
walk_cond(struct lint_ctx *l, struct cond_walk *w, const struct cond *c)
{
	bool any = false;
	int at;
	switch (c->kind) {
	case COND_ID:
		if ((at = strmap_get(&w->names, c->id, strlen(c->id))) >= 0)
			w->used[at / 2] = true;
		else
			lint_report(l, LINT_UNDEFINED_SEARCH, c->pos,
				    "the condition names '%s', which is no search identifier",
				    c->id);
		return true;
	case COND_OF:
		for (int i = 0; i < w->det->nkids; i += 2) {
			const char *name = w->det->kids[i]->text;
			w->of_work += (long)((c->of.pattern ? strlen(c->of.pattern) + strlen(name) : 1));
			if (w->of_work > COND_MAX_OF_WORK)
				return false;
			if (cond_selects(c->of.pattern, name) && is_search(w->det->kids[i])) {
				w->used[i / 2] = true;
				any = true;
			}
		}
		if (!any)
			lint_report(l, LINT_UNDEFINED_SEARCH, c->pos,
				    "'%s' matches no search identifier",
				    c->of.pattern ? c->of.pattern : "them");
		return true;
	case COND_NOT:
		return walk_cond(l, w, c->operand);
	case COND_AND:
	case COND_OR:
		for (int i = 0; i < c->list.n; i++)
			if (!walk_cond(l, w, c->list.kids[i]))
				return false;
		return true;
	}
	return true;
}

/* Parses every condition and reports unused searches; conditions the parser
 * refuses are the compiler's to report, and then nothing is called unused. */
static void
lint_conditions(struct lint_ctx *l, const struct ynode *det, const struct ynode *flags)
{
	const struct ynode *cn = yaml_get(det, "condition");
	if (!cn || cn->kind == YNODE_MAP)
		return;
	struct cond_walk w = {det, arena_alloc(l->a, sizeof(*w.used) * (size_t)(det->nkids / 2 + 1)),
			      {0}, 0};
	for (int i = 0; i < det->nkids; i += 2)
		if (is_search(det->kids[i]))
			strmap_put(l->a, &w.names, det->kids[i]->text, det->kids[i]->len, i);
	int n = cn->kind == YNODE_SEQ ? cn->nkids : 1;
	struct diag scratch = {0};
	bool parsed = true;
	for (int i = 0; i < n; i++) {
		const struct ynode *e = cn->kind == YNODE_SEQ ? cn->kids[i] : cn;
		struct cond *c = e->kind == YNODE_SCALAR && e->type != SCALAR_NULL
			? cond_parse(l->a, &scratch, e->text, e->len, e->pos, e->quoted) : NULL;
		if (!c || !walk_cond(l, &w, c))
			parsed = false;
	}
	/* a flag written as a condition (README, "Flag columns") uses its searches too */
	for (int i = 1; flags && flags->kind == YNODE_MAP && i < flags->nkids; i += 2) {
		const struct ynode *e = flags->kids[i];
		struct cond *c = e->kind == YNODE_SCALAR && e->type == SCALAR_STR
			? cond_parse(l->a, &scratch, e->text, e->len, e->pos, e->quoted) : NULL;
		if (c && !walk_cond(l, &w, c))
			parsed = false;
	}
	diag_clear(&scratch);
	for (int i = 0; parsed && i < det->nkids; i += 2)
		if (!w.used[i / 2] && is_search(det->kids[i]))
			lint_report(l, LINT_UNUSED_SEARCH, det->kids[i]->pos,
				    "search '%s' is not used by the condition", det->kids[i]->text);
}

enum shape {
	SHAPE_OTHER,
	SHAPE_CONTAINS,		/* *x* */
	SHAPE_STARTSWITH,	/* x* */
	SHAPE_ENDSWITH,		/* *x */
};

/* The shape of one value: a text with a leading and/or trailing * only. */
static enum shape
value_shape(struct lint_ctx *l, const struct ynode *v)
{
	if (v->kind != YNODE_SCALAR || v->type != SCALAR_STR)
		return SHAPE_OTHER;
	struct pattern p = value_parse(l->a, v->text, v->len, false);
	const struct seg *s = p.segs;
	if (p.nsegs == 3 && s[0].kind == SEG_STAR && s[1].kind == SEG_TEXT && s[2].kind == SEG_STAR)
		return SHAPE_CONTAINS;
	if (p.nsegs == 2 && s[0].kind == SEG_TEXT && s[1].kind == SEG_STAR)
		return SHAPE_STARTSWITH;
	if (p.nsegs == 2 && s[0].kind == SEG_STAR && s[1].kind == SEG_TEXT)
		return SHAPE_ENDSWITH;
	return SHAPE_OTHER;
}

/* A field without modifiers whose every value has the same wildcard shape. */
static void
lint_wildcards(struct lint_ctx *l, const struct ynode *key, const struct ynode *val)
{
	static const char *const mods[] = {NULL, "contains", "startswith", "endswith"};
	static const char *const forms[] = {NULL, "*...*", "...*", "*..."};
	if (strchr(key->text, '|') || val->kind == YNODE_MAP)
		return;
	int n = val->kind == YNODE_SEQ ? val->nkids : 1;
	enum shape shape = SHAPE_OTHER;
	for (int i = 0; i < n; i++) {
		enum shape s = value_shape(l, val->kind == YNODE_SEQ ? val->kids[i] : val);
		if (s == SHAPE_OTHER || (i && s != shape))
			return;
		shape = s;
	}
	if (shape == SHAPE_OTHER)
		return;
	struct pos pos = key->pos;
	pos.col += key->quoted;
	lint_report(l, LINT_WILDCARD_MODIFIER, pos,
		    "%s of '%s' is written %s: write '%s|%s' and drop the wildcards",
		    n > 1 ? "every value" : "the value", key->text, forms[shape], key->text,
		    mods[shape]);
}

static void
lint_empty_list(struct lint_ctx *l, const struct ynode *key, const struct ynode *val)
{
	if (val->kind == YNODE_SEQ && val->nkids == 0)
		lint_report(l, LINT_EMPTY_VALUE, val->pos,
			    "'%s' has an empty list of values, which matches nothing", key->text);
}

/* A keyword that is empty matches every event (or none, depending on the target). */
static void
lint_keyword(struct lint_ctx *l, const struct ynode *v)
{
	if (v->kind == YNODE_SCALAR && (v->type == SCALAR_NULL || v->len == 0))
		lint_report(l, LINT_EMPTY_VALUE, v->pos, "an empty keyword");
}

/* Two unescaped '*' in a row (Sigma's escapes: \\* \\? \\\\; other backslashes are literal). */
static bool
has_double_star(const char *s, size_t len)
{
	if (!memchr(s, '*', len))	/* most values: one fast search says no */
		return false;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == '\\' && strchr("*?\\", s[i + 1]))
			i++;
		else if (s[i] == '*' && s[i + 1] == '*')
			return true;
	}
	return false;
}

/* One string value: ** where * is meant, control characters. */
static void
lint_value(struct lint_ctx *l, const struct ynode *v, bool regex)
{
	if (v->kind != YNODE_SCALAR || v->type != SCALAR_STR)
		return;
	if (!regex && has_double_star(v->text, v->len))
		lint_report(l, LINT_DOUBLE_WILDCARD, v->pos,
			    "value '%s' contains '**', which matches what one '*' does", v->text);
	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->text[i];
		if (c < 0x20 || c == 0x7f) {
			lint_report(l, LINT_CONTROL_CHARACTER, v->pos,
				    "the value contains the control character 0x%02x at byte %zu",
				    c, i + 1);
			break;
		}
	}
}

/* The values of a field (field true) or of a keyword search (field false). */
static void
lint_values(struct lint_ctx *l, const struct ynode *key, const struct ynode *val, bool field)
{
	bool regex = strstr(key->text, "|re") != NULL;
	int n = val->kind == YNODE_SEQ ? val->nkids : val->kind == YNODE_SCALAR;
	for (int i = 0; i < n; i++) {
		const struct ynode *v = val->kind == YNODE_SEQ ? val->kids[i] : val;
		lint_value(l, v, regex);
		if (field && !regex && v->kind == YNODE_SCALAR && v->type == SCALAR_STR &&
		    !strcmp(v->text, "*"))
			lint_report(l, LINT_WILDCARD_ONLY_VALUE, v->pos,
				    "'%s: *' matches any value but not a missing field; write "
				    "'%.*s|exists: true' if that is meant", key->text,
				    (int)strcspn(key->text, "|"), key->text);
		if (field && n > 1 && v->kind == YNODE_SCALAR && v->type == SCALAR_NULL)
			lint_report(l, LINT_NULL_IN_VALUE_LIST, v->pos,
				    "null among the values of '%s' matches a missing field",
				    key->text);
	}
}

static void
lint_map(struct lint_ctx *l, const struct ynode *map)
{
	for (int i = 0; i + 1 < map->nkids; i += 2) {
		lint_wildcards(l, map->kids[i], map->kids[i + 1]);
		lint_empty_list(l, map->kids[i], map->kids[i + 1]);
		lint_values(l, map->kids[i], map->kids[i + 1], true);
	}
}

void
lint_detection(struct lint_ctx *l, const struct ynode *doc)
{
	const struct ynode *det = yaml_get(doc, "detection");
	if (!det || det->kind != YNODE_MAP)
		return;
	for (int i = 0; i + 1 < det->nkids; i += 2) {
		const struct ynode *v = det->kids[i + 1];
		if (!is_search(det->kids[i]))
			continue;
		if (v->kind == YNODE_MAP)
			lint_map(l, v);
		for (int k = 0; v->kind == YNODE_SEQ && k < v->nkids; k++) {
			if (v->kids[k]->kind == YNODE_MAP)
				lint_map(l, v->kids[k]);
			else
				lint_keyword(l, v->kids[k]);
		}
		if (v->kind == YNODE_SCALAR && v->type != SCALAR_NULL)
			lint_keyword(l, v);
		if (v->kind != YNODE_MAP)
			lint_values(l, det->kids[i], v, false);
	}
	lint_conditions(l, det, yaml_get(doc, "flags"));
}
