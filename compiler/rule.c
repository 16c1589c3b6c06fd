/*
 * rule.c: YAML documents to struct rule. Reads the rule metadata, the
 * logsource and the detection (searches in their three YAML shapes, items
 * with modifier chains and typed values), parses the condition(s) and checks
 * that every identifier they use exists. Correlations, meta filters and
 * legacy collections are recognised and refused with a clear message.
 */
#include "sigma.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct loader {
	struct arena *a;
	struct diag *d;
	const struct source *src;
	long of_work;	/* bytes compared by 'of' selectors, against COND_MAX_OF_WORK */
};

static const char *const known_keys[] = {
	"title", "id", "name", "status", "description", "license", "author", "references",
	"date", "modified", "logsource", "detection", "fields", "falsepositives", "level",
	"tags", "related", "taxonomy", "scope",
	"flags", "sort",	/* sigmacc extensions: load_flags, load_sort */
};

static const char *const levels[] = {"informational", "low", "medium", "high", "critical"};
static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
				       "unsupported"};

static bool
in_set(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)	/* the first letter first: it runs per key */
		if (s[0] == set[i][0] && !strcmp(s, set[i]))
			return true;
	return false;
}

static bool
get_string(struct loader *l, const struct ynode *doc, const char *key, const char **out)
{
	const struct ynode *n = yaml_get(doc, key);
	*out = NULL;
	if (!n || (n->kind == YNODE_SCALAR && n->type == SCALAR_NULL))
		return true;
	if (n->kind != YNODE_SCALAR)
		return diag_error(l->d, n->pos, "'%s' must be a string, not a %s", key,
				  yaml_kind_name(n));
	*out = n->text;
	return true;
}

/* A list of strings; a single string is accepted as a list of one. */
static bool
get_list(struct loader *l, const struct ynode *doc, const char *key, const char ***out, int *n,
	 struct pos **pos)
{
	const struct ynode *v = yaml_get(doc, key);
	*out = NULL;
	*n = 0;
	if (!v || (v->kind == YNODE_SCALAR && v->type == SCALAR_NULL))
		return true;
	if (v->kind == YNODE_MAP)
		return diag_error(l->d, v->pos, "'%s' must be a list of strings, not a map", key);
	int cnt = v->kind == YNODE_SEQ ? v->nkids : 1;
	*out = arena_alloc(l->a, sizeof(**out) * (size_t)(cnt ? cnt : 1));
	if (pos)
		*pos = arena_alloc(l->a, sizeof(**pos) * (size_t)(cnt ? cnt : 1));
	for (int i = 0; i < cnt; i++) {
		const struct ynode *e = v->kind == YNODE_SEQ ? v->kids[i] : v;
		if (e->kind != YNODE_SCALAR || e->type == SCALAR_NULL)
			return diag_error(l->d, e->pos, "entries of '%s' must be strings, not a %s",
					  key, yaml_kind_name(e));
		(*out)[i] = e->text;
		if (pos)
			(*pos)[i] = e->pos;
	}
	*n = cnt;
	return true;
}

static bool
parse_number(struct loader *l, const struct ynode *n, struct value *v)
{
	v->kind = VAL_NUM;
	errno = 0;
	if (n->type == SCALAR_INT) {
		const char *s = n->text;
		bool neg = *s == '-';
		if (*s == '+' || *s == '-')
			s++;
		int base = !strncmp(s, "0x", 2) ? 16 : !strncmp(s, "0o", 2) ? 8 : 10;
		if (base != 10)
			s += 2;
		char *end;
		unsigned long long u = strtoull(s, &end, base);
		if (errno || u > (unsigned long long)INT64_MAX + neg)
			return diag_error(l->d, n->pos, "integer '%s' is out of range", n->text);
		v->is_int = true;
		v->i = neg ? (int64_t)(0 - u) : (int64_t)u;
		v->f = (double)v->i;
		v->text = arena_printf(l->a, "%" PRId64, v->i);
	} else {
		char *end;
		v->f = strtod(n->text, &end);
		if (*end || v->f != v->f || v->f - v->f != 0)
			return diag_error(l->d, n->pos, "number '%s' is not a finite decimal",
					  n->text);
		v->text = n->text;
	}
	v->len = strlen(v->text);
	return true;
}

static bool
load_value(struct loader *l, const struct ynode *n, struct value *v)
{
	v->pos = n->pos;
	if (n->kind != YNODE_SCALAR)
		return diag_error(l->d, n->pos, "a value list cannot contain a %s",
				  yaml_kind_name(n));
	v->text = n->text;
	v->len = n->len;
	switch (n->type) {
	case SCALAR_STR: v->kind = VAL_STR; return true;
	case SCALAR_NULL: v->kind = VAL_NULL; return true;
	case SCALAR_BOOL:
		v->kind = VAL_BOOL;
		v->b = n->text[0] == 't' || n->text[0] == 'T';
		return true;
	case SCALAR_INT:
	case SCALAR_FLOAT:
		return parse_number(l, n, v);
	}
	return true;
}

static bool
load_values(struct loader *l, const struct ynode *n, struct item *it)
{
	if (n->kind == YNODE_MAP)
		return diag_error(l->d, n->pos, "the value of '%s' must be a scalar or a list, not a map",
				  it->field && *it->field ? it->field : "|...");
	int cnt = n->kind == YNODE_SEQ ? n->nkids : 1;
	it->vals = arena_alloc(l->a, sizeof(*it->vals) * (size_t)(cnt ? cnt : 1));
	it->empty_list = n->kind == YNODE_SEQ && cnt == 0;
	for (int i = 0; i < cnt; i++)
		if (!load_value(l, n->kind == YNODE_SEQ ? n->kids[i] : n, &it->vals[i]))
			return false;
	it->nvals = cnt;
	return true;
}

static struct pos
key_pos(const struct ynode *k)
{
	struct pos p = k->pos;
	if (k->quoted)
		p.col++;
	return p;
}

static bool
load_group(struct loader *l, const struct ynode *map, struct group *g)
{
	g->pos = map->pos;
	g->nitems = map->nkids / 2;
	if (g->nitems == 0)
		return diag_error(l->d, map->pos, "empty map in a search");
	g->items = arena_alloc(l->a, sizeof(*g->items) * (size_t)g->nitems);
	for (int i = 0; i < g->nitems; i++) {
		const struct ynode *k = map->kids[2 * i], *v = map->kids[2 * i + 1];
		struct item *it = &g->items[i];
		it->pos = key_pos(k);
		if (!modifier_parse_key(l->a, l->d, k->text, it->pos, &it->field, &it->mods))
			return false;
		if (!*it->field) {
			if (it->mods.n == 0)
				return diag_error(l->d, it->pos, "empty field name");
			it->field = NULL;	/* '|all': keywords with modifiers */
		}
		if (!load_values(l, v, it))
			return false;
	}
	return true;
}

static bool
load_search(struct loader *l, const struct ynode *k, const struct ynode *v, struct search *s)
{
	s->name = k->text;
	s->pos = k->pos;
	if (v->kind == YNODE_MAP) {
		s->ngroups = 1;
		s->groups = arena_alloc(l->a, sizeof(*s->groups));
		return load_group(l, v, &s->groups[0]);
	}
	if (v->kind == YNODE_SCALAR && v->type == SCALAR_NULL)
		return diag_error(l->d, v->pos, "search '%s' is empty", s->name);
	if (v->kind == YNODE_SEQ && v->nkids == 0)
		return diag_error(l->d, v->pos, "search '%s' is an empty list", s->name);
	/* a list of maps (OR) and/or keyword scalars; a lone scalar is one keyword */
	int cnt = v->kind == YNODE_SEQ ? v->nkids : 1, cap = 0;
	for (int i = 0; i < cnt; i++) {
		const struct ynode *e = v->kind == YNODE_SEQ ? v->kids[i] : v;
		struct group g = {0};
		if (e->kind == YNODE_MAP) {
			if (!load_group(l, e, &g))
				return false;
			VEC_PUSH(l->a, s->groups, s->ngroups, cap, g);
			continue;
		}
		if (e->kind == YNODE_SEQ)
			return diag_error(l->d, e->pos, "a search list cannot contain a list");
		/* consecutive scalars form one keyword item */
		int j = i;
		while (j < cnt && (v->kind != YNODE_SEQ || v->kids[j]->kind == YNODE_SCALAR))
			j++;
		g.pos = e->pos;
		g.nitems = 1;
		g.items = arena_alloc(l->a, sizeof(*g.items));
		struct item *it = &g.items[0];
		it->pos = e->pos;
		it->nvals = j - i;
		it->vals = arena_alloc(l->a, sizeof(*it->vals) * (size_t)it->nvals);
		for (int m = i; m < j; m++)
			if (!load_value(l, v->kind == YNODE_SEQ ? v->kids[m] : v, &it->vals[m - i]))
				return false;
		VEC_PUSH(l->a, s->groups, s->ngroups, cap, g);
		i = j - 1;
	}
	return true;
}

static bool
check_cond(struct loader *l, const struct rule *r, struct cond *c)
{
	int at;
	switch (c->kind) {
	case COND_ID:
		if ((at = strmap_get(&r->search_index, c->id, strlen(c->id))) >= 0) {
			c->search = at + 1;
			return true;
		}
		return diag_error(l->d, c->pos, "undefined search identifier '%s'", c->id);
	case COND_OF: {
		/* a selector costs a match per search: bound their product, not each */
		size_t plen = c->of.pattern ? strlen(c->of.pattern) : 0;
		for (int i = 0; i < r->nsearches; i++) {
			l->of_work += (long)(plen + (c->of.pattern ? strlen(r->searches[i].name) : 1));
			if (l->of_work > COND_MAX_OF_WORK)
				return diag_error(l->d, c->pos, "matching 'of' patterns against search "
						  "identifiers compares more than %d bytes, the limit per rule",
						  COND_MAX_OF_WORK);
		}
		for (int i = 0; i < r->nsearches; i++)
			if (cond_selects(c->of.pattern, r->searches[i].name))
				return true;
		if (!c->of.pattern)
			return diag_error(l->d, c->pos, "'them' matches no search identifier");
		return diag_error(l->d, c->pos, "pattern '%s' matches no search identifier",
				  c->of.pattern);
	}
	case COND_NOT:
		return check_cond(l, r, c->operand);
	case COND_AND:
	case COND_OR:
		for (int i = 0; i < c->list.n; i++)
			if (!check_cond(l, r, c->list.kids[i]))
				return false;
		return true;
	}
	return true;
}

static bool
load_condition(struct loader *l, struct rule *r, const struct ynode *n)
{
	int cnt = n->kind == YNODE_SEQ ? n->nkids : 1;
	if (n->kind == YNODE_MAP || (n->kind == YNODE_SCALAR && n->type == SCALAR_NULL) || cnt == 0)
		return diag_error(l->d, n->pos, "'condition' must be a string or a list of strings");
	r->conds = arena_alloc(l->a, sizeof(*r->conds) * (size_t)cnt);
	for (int i = 0; i < cnt; i++) {
		const struct ynode *e = n->kind == YNODE_SEQ ? n->kids[i] : n;
		if (e->kind != YNODE_SCALAR)
			return diag_error(l->d, e->pos, "'condition' entries must be strings");
		struct cond *c = cond_parse(l->a, l->d, e->text, e->len, e->pos, e->quoted);
		if (!c || !check_cond(l, r, c))
			return false;
		r->conds[r->nconds++] = c;
	}
	return true;
}

static bool
load_detection(struct loader *l, struct rule *r, const struct ynode *det)
{
	if (det->kind != YNODE_MAP)
		return diag_error(l->d, det->pos, "'detection' must be a map, not a %s",
				  yaml_kind_name(det));
	const struct ynode *cond = NULL;
	int cap = 0;
	for (int i = 0; i < det->nkids; i += 2) {
		const struct ynode *k = det->kids[i], *v = det->kids[i + 1];
		if (!strcmp(k->text, "condition")) {
			cond = v;
			continue;
		}
		if (!strcmp(k->text, "timeframe"))
			return diag_error(l->d, k->pos,
					  "'timeframe' is Sigma v1 syntax, which is not supported; "
					  "write a correlation rule instead");
		struct search s = {0};
		if (!load_search(l, k, v, &s))
			return false;
		VEC_PUSH(l->a, r->searches, r->nsearches, cap, s);
	}
	if (!cond)
		return diag_error(l->d, det->pos, "'detection' has no 'condition'");
	if (r->nsearches == 0)
		return diag_error(l->d, det->pos, "'detection' defines no search identifier");
	/* names are distinct: they are keys of one map */
	for (int i = 0; i < r->nsearches; i++)
		strmap_put(l->a, &r->search_index, r->searches[i].name, strlen(r->searches[i].name), i);
	return load_condition(l, r, cond);
}

static bool
is_column_name(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/*
 * flags: a sigmacc extension (README, "Flag columns"): named searches whose
 * truth is shown as a boolean column beside each result, each written as a
 * search (a map or a list) or as a condition string over the detection's
 * searches. They never filter, so the condition cannot name them. The names
 * become column names in every target, hence the identifier syntax.
 */
static bool
load_flags(struct loader *l, struct rule *r, const struct ynode *flags)
{
	if (!flags)
		return true;
	if (flags->kind != YNODE_MAP)
		return diag_error(l->d, flags->pos,
				  "'flags' must be a map from column names to searches, not a %s",
				  yaml_kind_name(flags));
	if (flags->nkids / 2 > RULE_FLAGS_MAX)
		return diag_error(l->d, flags->pos, "more than %d flag columns", RULE_FLAGS_MAX);
	r->flags = arena_alloc(l->a, sizeof(*r->flags) * (size_t)(flags->nkids / 2 + 1));
	r->flag_conds = arena_alloc(l->a, sizeof(*r->flag_conds) * (size_t)(flags->nkids / 2 + 1));
	for (int i = 0; i < flags->nkids; i += 2) {
		const struct ynode *k = flags->kids[i];
		if (!is_column_name(k->text))
			return diag_error(l->d, k->pos,
					  "flag column '%s' must be a letter or '_' followed by letters, "
					  "digits or '_'",
					  k->text);
		const struct ynode *v = flags->kids[i + 1];
		struct search s = {.name = k->text, .pos = k->pos};
		struct cond *c = NULL;
		if (v->kind == YNODE_SCALAR && v->type == SCALAR_STR) {
			/* a string names searches of the detection: a condition, not a keyword */
			if (!(c = cond_parse(l->a, l->d, v->text, v->len, v->pos, v->quoted)) ||
			    !check_cond(l, r, c))
				return false;
		} else if (!load_search(l, k, v, &s)) {
			return false;
		}
		r->flag_conds[r->nflags] = c;
		r->flags[r->nflags++] = s;
	}
	return true;
}

/*
 * sort: a sigmacc extension (README, "Flag columns"): the order of the
 * results where the target's query can sort. One order is defined, the
 * detection page's newest first; any other value is refused rather than
 * ignored, so a typo never silently changes the output.
 */
static bool
load_sort(struct loader *l, struct rule *r, const struct ynode *sort)
{
	if (!sort)
		return true;
	if (sort->kind != YNODE_SCALAR || strcmp(sort->text, "newest-first"))
		return diag_error(l->d, sort->pos, "'sort' must be 'newest-first', the one order "
				  "sigmacc defines");
	r->newest_first = true;
	return true;
}

static bool
load_logsource(struct loader *l, struct rule *r, const struct ynode *ls)
{
	if (ls->kind != YNODE_MAP)
		return diag_error(l->d, ls->pos, "'logsource' must be a map, not a %s",
				  yaml_kind_name(ls));
	r->logsource.pos = ls->pos;
	if (!get_string(l, ls, "product", &r->logsource.product) ||
	    !get_string(l, ls, "category", &r->logsource.category) ||
	    !get_string(l, ls, "service", &r->logsource.service) ||
	    !get_string(l, ls, "definition", &r->logsource.definition))
		return false;
	if (!r->logsource.product && !r->logsource.category && !r->logsource.service)
		return diag_error(l->d, ls->pos,
				  "'logsource' needs at least one of product, category and service");
	return true;
}

static bool
load_related(struct loader *l, struct rule *r, const struct ynode *doc)
{
	const struct ynode *n = yaml_get(doc, "related");
	if (!n)
		return true;
	if (n->kind != YNODE_SEQ)
		return diag_error(l->d, n->pos, "'related' must be a list of {id, type} maps");
	r->related = arena_alloc(l->a, sizeof(*r->related) * (size_t)(n->nkids ? n->nkids : 1));
	for (int i = 0; i < n->nkids; i++) {
		const struct ynode *e = n->kids[i];
		struct related *rel = &r->related[r->nrelated++];
		if (e->kind != YNODE_MAP || !get_string(l, e, "id", &rel->id) ||
		    !get_string(l, e, "type", &rel->type))
			return l->d->nerrors ? false
					     : diag_error(l->d, e->pos, "'related' entries must be {id, type} maps");
		if (!rel->id || !rel->type)
			return diag_error(l->d, e->pos, "'related' entries need 'id' and 'type'");
	}
	return true;
}

static bool
check_enum(struct loader *l, const struct ynode *doc, const char *key, const char *const *set,
	   size_t n)
{
	const struct ynode *v = yaml_get(doc, key);
	if (!v || v->kind != YNODE_SCALAR || in_set(v->text, set, n))
		return true;
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", set[i]);
	diag_error(l->d, v->pos, "'%s' must be one of %s, not '%s'", key, b.data, v->text);
	buf_free(&b);
	return false;
}

static struct rule *
load_rule(struct loader *l, const struct ynode *doc, int index)
{
	if (doc->kind != YNODE_MAP) {
		diag_error(l->d, doc->pos, "a Sigma document must be a map, not a %s",
			   yaml_kind_name(doc));
		return NULL;
	}
	const struct ynode *n;
	if ((n = yaml_get(doc, "filter")) && !yaml_get(doc, "detection")) {
		diag_error(l->d, n->pos, "this is a meta filter, not a rule: apply it with --filter "
			   "FILE (build: put it under a filters/ folder of the rules tree)");
		return NULL;
	}
	struct rule *r = arena_alloc(l->a, sizeof(*r));
	r->file = l->src->name;
	r->pos = doc->pos;
	r->doc = index;
	if (!get_string(l, doc, "title", &r->title) || !get_string(l, doc, "id", &r->id) ||
	    !get_string(l, doc, "name", &r->name) || !get_string(l, doc, "status", &r->status) ||
	    !get_string(l, doc, "description", &r->description) ||
	    !get_string(l, doc, "license", &r->license) ||
	    !get_string(l, doc, "author", &r->author) || !get_string(l, doc, "date", &r->date) ||
	    !get_string(l, doc, "modified", &r->modified) ||
	    !get_string(l, doc, "level", &r->level) ||
	    !get_string(l, doc, "taxonomy", &r->taxonomy))
		return NULL;
	if (!r->title) {
		diag_error(l->d, doc->pos, "missing required key 'title'");
		return NULL;
	}
	l->d->context = rule_context(l->a, r);
	l->d->rule_id = r->id;
	if (!check_enum(l, doc, "level", levels, sizeof(levels) / sizeof(levels[0])) ||
	    !check_enum(l, doc, "status", statuses, sizeof(statuses) / sizeof(statuses[0])))
		return NULL;
	if (!get_list(l, doc, "references", &r->references, &r->nreferences, NULL) ||
	    !get_list(l, doc, "tags", &r->tags, &r->ntags, NULL) ||
	    !get_list(l, doc, "falsepositives", &r->falsepositives, &r->nfalsepositives, NULL) ||
	    !get_list(l, doc, "fields", &r->fields, &r->nfields, &r->field_pos) ||
	    !get_list(l, doc, "scope", &r->scope, &r->nscope, NULL) || !load_related(l, r, doc))
		return NULL;
	for (int i = 0, cap = 0; i < doc->nkids; i += 2) {
		const char *k = doc->kids[i]->text;
		if (!in_set(k, known_keys, sizeof(known_keys) / sizeof(known_keys[0]))) {
			struct custom_key ck = {k, doc->kids[i + 1]};
			VEC_PUSH(l->a, r->custom, r->ncustom, cap, ck);
		}
	}
	const struct ynode *ls = yaml_get(doc, "logsource"), *det = yaml_get(doc, "detection");
	if (!ls) {
		diag_error(l->d, doc->pos, "missing required key 'logsource'");
		return NULL;
	}
	if (!det) {
		diag_error(l->d, doc->pos, "missing required key 'detection'");
		return NULL;
	}
	if (!load_logsource(l, r, ls) || !load_detection(l, r, det) ||
	    !load_flags(l, r, yaml_get(doc, "flags")) || !load_sort(l, r, yaml_get(doc, "sort")))
		return NULL;
	return r;
}

/* A copy of map without the entry key, and with add: value after the others (add NULL: none). */
static struct ynode *
map_without(struct arena *a, const struct ynode *map, const char *key, const char *add,
	    struct ynode *value)
{
	struct ynode *m = arena_alloc(a, sizeof(*m));
	*m = *map;
	m->kids = arena_alloc(a, sizeof(*m->kids) * (size_t)(map->nkids + 2));
	m->nkids = 0;
	for (int i = 0; i < map->nkids; i += 2) {
		if (!strcmp(map->kids[i]->text, key))
			continue;
		m->kids[m->nkids++] = map->kids[i];
		m->kids[m->nkids++] = map->kids[i + 1];
	}
	if (add) {
		struct ynode *k = arena_alloc(a, sizeof(*k));
		*k = (struct ynode){.kind = YNODE_SCALAR, .pos = value->pos, .text = add,
				    .len = strlen(add)};
		m->kids[m->nkids++] = k;
		m->kids[m->nkids++] = value;
	}
	return m;
}

bool
rule_load_search(struct arena *a, struct diag *d, const struct ynode *k, const struct ynode *v,
		 struct search *s)
{
	struct loader l = {a, d, NULL, 0};
	return load_search(&l, k, v, s);
}

struct rule *
rule_load_filter(struct arena *a, struct diag *d, const struct source *src,
		 const struct ynode *doc, int index)
{
	struct loader l = {a, d, src, 0};
	const struct ynode *f = yaml_get(doc, "filter");
	if (doc->kind != YNODE_MAP || !f || f->kind != YNODE_MAP) {
		diag_error(d, f ? f->pos : doc->pos, "a meta filter's 'filter' must be a map");
		return NULL;
	}
	struct ynode *det = map_without(a, f, "rules", NULL, NULL);
	struct rule *r = load_rule(&l, map_without(a, doc, "filter", "detection", det), index);
	d->context = NULL;
	d->rule_id = NULL;
	return r;
}

bool
rule_load(struct arena *a, struct diag *d, const struct source *src, struct rule ***rules,
	  int *nrules)
{
	return rule_load_docs(a, d, src, rules, nrules, NULL, NULL);
}

bool
rule_load_docs(struct arena *a, struct diag *d, const struct source *src, struct rule ***rules,
	       int *nrules, struct ynode ***docs_out, int *ndocs_out)
{
	struct loader l = {a, d, src, 0};
	struct ynode **docs;
	int ndocs, cap = 0;
	*rules = NULL;
	*nrules = 0;
	if (!yaml_load(src, a, d, &docs, &ndocs))
		return false;
	if (ndocs == 0)
		return diag_error(d, (struct pos){src->name, 1, 1}, "no YAML document in file");
	/* a legacy collection's documents are fragments: refuse the file once */
	for (int i = 0; i < ndocs; i++) {
		const struct ynode *act = yaml_get(docs[i], "action");
		if (act)
			return diag_error(d, act->pos,
					  "legacy rule collections ('action: %s') are not supported; "
					  "write each rule as a complete document",
					  act->kind == YNODE_SCALAR ? act->text : "...");
		/* the base rules of a correlation alone would fire on every matching
		 * event, so a caller that cannot compile correlations gets no rule at all */
		const struct ynode *cor = yaml_get(docs[i], "correlation");
		if (cor && !docs_out)
			return diag_error(d, cor->pos, "correlation rules are not evaluated; "
					  "no rule of this file is tested");
	}
	if (docs_out) {
		*docs_out = docs;
		*ndocs_out = ndocs;
	}
	bool ok = true;
	for (int i = 0; i < ndocs; i++) {
		d->context = NULL;
		if (docs_out && yaml_get(docs[i], "correlation"))
			continue;	/* corr_load reads it */
		l.of_work = 0;
		d->rule_id = NULL;
		struct rule *r = load_rule(&l, docs[i], i);
		if (r)
			VEC_PUSH(a, *rules, *nrules, cap, r);
		else
			ok = false;
	}
	d->context = NULL;
	d->rule_id = NULL;
	return ok;
}

const struct search *
rule_search(const struct rule *r, const char *name)
{
	int i = strmap_get(&r->search_index, name, strlen(name));
	return i >= 0 ? &r->searches[i] : NULL;
}

const char *
rule_context(struct arena *a, const struct rule *r)
{
	/* once per rule and target: joined, not formatted */
	if (r->id)
		return arena_cat(a, (const char *const[]){"rule '", r->title, "' (", r->id, "): "}, 5);
	return arena_cat(a, (const char *const[]){"rule '", r->title, "': "}, 3);
}

const char *
logsource_name(struct arena *a, const struct logsource *ls)
{
	return arena_cat(a, (const char *const[]){ls->product ? ls->product : "*", "/",
			 ls->category ? ls->category : "*", ls->service ? "/" : "",
			 ls->service ? ls->service : ""}, 5);
}
