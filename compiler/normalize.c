/*
 * normalize.c: struct rule to struct query, the one IR every backend reads.
 * Expands the condition ("1 of"/"all of", search identifiers) into an
 * expression, flattening nested same-operator groups as they are built, so
 * chains of any length cost linear time; transform.c makes each value's
 * alternatives and fieldmap.c applies the pipeline. After this stage nothing
 * Sigma-specific is left.
 */
#include "normalize.h"

#include <string.h>

/* ---- expression building ---------------------------------------------------- */

struct expr *
norm_group(struct norm *n, enum expr_kind kind)
{
	struct expr *e = arena_alloc(n->a, sizeof(*e));
	e->kind = kind;
	return e;
}

void
norm_add_kid(struct norm *n, struct expr *g, struct expr *kid)
{
	if (kid->kind == g->kind && kid->kind != EXPR_NOT && kid->kind != EXPR_MATCH) {
		for (int i = 0; i < kid->nkids; i++)
			VEC_PUSH(n->a, g->kids, g->nkids, g->capkids, kid->kids[i]);
		return;
	}
	VEC_PUSH(n->a, g->kids, g->nkids, g->capkids, kid);
}

struct expr *
norm_finish(struct expr *g)
{
	return g->nkids == 1 ? g->kids[0] : g;
}

struct expr *
norm_not(struct norm *n, struct expr *operand)
{
	struct expr *e = norm_group(n, EXPR_NOT);
	e->kids = arena_alloc(n->a, sizeof(*e->kids));
	e->kids[0] = operand;
	e->nkids = 1;
	return e;
}

struct expr *
norm_match_expr(struct norm *n, const struct match *m)
{
	struct expr *e = norm_group(n, EXPR_MATCH);
	e->match = *m;
	/* the data model's word on the (mapped) field: its entry, and its type if it gives one */
	if (n->o->pipeline && m->field) {
		e->match.model = datamodel_field(n->o->pipeline->datamodel, m->field);
		e->match.type = datamodel_type(e->match.model, m->type);
	}
	return e;
}

void
norm_alts_reserve(struct norm *n, struct alts *as, int cap)
{
	/* not zeroed: an alternative is written whole before it is counted in as->n */
	enum match_op *op = arena_alloc_raw(n->a, sizeof(*op) * (size_t)cap);
	struct mval *v = arena_alloc_raw(n->a, sizeof(*v) * (size_t)cap);
	if (as->n) {
		memcpy(op, as->op, sizeof(*op) * (size_t)as->n);
		memcpy(v, as->v, sizeof(*v) * (size_t)as->n);
	}
	as->op = op;
	as->v = v;
	as->cap = cap;
}

void
norm_push_alt(struct norm *n, struct alts *as, enum match_op op, struct mval v)
{
	if (as->n == as->cap)
		norm_alts_reserve(n, as, as->cap ? 2 * as->cap : 8);
	as->op[as->n] = op;
	as->v[as->n++] = v;
}

/* ---- messages ------------------------------------------------------------------- */

const char *
norm_show(struct norm *n, const char *s, size_t len)
{
	if (len > 60) {
		size_t cut = 57;
		while (cut && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;	/* cut before a code point, never inside its UTF-8 sequence */
		return arena_printf(n->a, "%.*s...", (int)cut, s);
	}
	return arena_strndup(n->a, s, len);
}

bool
norm_unmapped(struct norm *n, struct pos pos, const char *field)
{
	return diag_error(n->d, pos, "field '%s' has no mapping in pipeline %s (target %s, logsource %s)",
			  field, n->o->pipeline->name, n->o->target, n->lsname);
}

/* ---- items, searches, conditions -------------------------------------------------- */

/* Matches of one OR group of alternatives: consecutive alternatives of one kind share a match. */
static struct expr *
alts_expr(struct norm *n, const struct item *it, const struct alts *as)
{
	struct expr *g = NULL;	/* built only for several runs: most items have one */
	/* Base64 text is case-significant: encoded values carry an implicit cased
	 * (targets.md §4.5), or a case-insensitive match would widen them. */
	bool cased = modchain_has(&it->mods, MOD_CASED) || modchain_has(&it->mods, MOD_BASE64) ||
		     modchain_has(&it->mods, MOD_BASE64OFFSET);
	for (int i = 0; i < as->n;) {
		int j = i;
		while (j < as->n && as->op[j] == as->op[i])
			j++;
		/* the match takes its values in place; capvals = nvals makes a later push copy */
		struct match m = {.field = it->field, .op = as->op[i], .cased = cased, .pos = it->pos,
				  .vals = as->v + i, .nvals = j - i, .capvals = j - i,
				  .sigma_field = it->field};
		struct expr *e = norm_map_match(n, &m);
		if (!e)
			return NULL;
		if (i == 0 && j == as->n)
			return e;	/* what the group of this one kid would be */
		if (!g)
			g = norm_group(n, EXPR_OR);
		norm_add_kid(n, g, e);
		i = j;
	}
	return norm_finish(g ? g : norm_group(n, EXPR_OR));
}

static struct expr *
item_expr(struct norm *n, const struct item *it)
{
	const struct modchain *c = &it->mods;
	bool all = modchain_has(c, MOD_ALL);
	struct value null_value = {.kind = VAL_NULL, .pos = it->pos};
	const struct value *vals = it->empty_list ? &null_value : it->vals;
	int nvals = it->empty_list ? 1 : it->nvals;
	if (all && nvals < 2) {
		for (int i = 0; i < c->n; i++)
			if (c->mod[i] == MOD_ALL)
				diag_error(n->d, modchain_pos(c, i), "modifier 'all' needs a list of two or more values");
		return NULL;
	}
	struct expr *res;
	if (all) {
		res = norm_group(n, EXPR_AND);
		for (int i = 0; i < nvals; i++) {
			struct alts as = {0};
			if (!norm_item_value(n, it, &vals[i], &as))
				return NULL;
			struct expr *e = alts_expr(n, it, &as);
			if (!e)
				return NULL;
			norm_add_kid(n, res, e);
		}
		res = norm_finish(res);
	} else {
		struct alts as = {0};
		norm_alts_reserve(n, &as, nvals);	/* one alternative per value is the common case */
		for (int i = 0; i < nvals; i++)
			if (!norm_item_value(n, it, &vals[i], &as))
				return NULL;
		if (!(res = alts_expr(n, it, &as)))
			return NULL;
	}
	return modchain_has(c, MOD_NEQ) ? norm_not(n, res) : res;
}

/* Is the item left out by a pySigma drop_detection_item of the pipeline? */
static bool
item_dropped(const struct norm *n, const struct item *it)
{
	for (unsigned i = 0; it->field && n->ls && i < n->ls->drop_count; i++)
		if (!strcmp(n->ls->drop[i], it->field))
			return true;
	return false;
}

static struct expr *
search_expr(struct norm *n, const struct search *s)
{
	if (s->ngroups == 1 && s->groups[0].nitems == 1 &&	/* the common case: no groups */
	    !item_dropped(n, &s->groups[0].items[0]))
		return item_expr(n, &s->groups[0].items[0]);
	struct expr *any = norm_group(n, EXPR_OR);
	for (int i = 0; i < s->ngroups; i++) {
		struct expr *every = norm_group(n, EXPR_AND);
		for (int j = 0; j < s->groups[i].nitems; j++) {
			if (item_dropped(n, &s->groups[i].items[j]))
				continue;
			struct expr *e = item_expr(n, &s->groups[i].items[j]);
			if (!e)
				return NULL;
			norm_add_kid(n, every, e);
		}
		/* pySigma leaves an emptied search out of the condition (its detection
		 * converts to None, and and/or drop None arguments: pySigma's
		 * rule/detection.py, conversion/base.py): true under and, false under
		 * or, an error under not; no one meaning to keep */
		if (!every->nkids)
			return diag_error(n->d, s->groups[i].pos, "drop_detection_item of pipeline %s "
					  "drops every detection item of search '%s' (target %s), "
					  "which would change what the rule matches",
					  n->o->pipeline->name, s->name, n->o->target), NULL;
		norm_add_kid(n, any, norm_finish(every));
	}
	return norm_finish(any);
}

/* pySigma's add_condition: the rule must match the added searches too (pySigma wraps
 * the condition in each in turn, so the last added comes first). */
static struct expr *
with_added(struct norm *n, struct expr *e)
{
	struct expr *g = norm_group(n, EXPR_AND);
	for (unsigned i = n->ls->added_count; i-- > 0;) {
		const struct pl_added *ad = &n->ls->added[i];
		struct expr *c = search_expr(n, ad->search);
		if (!c)
			return NULL;
		norm_add_kid(n, g, ad->negated ? norm_not(n, c) : c);
	}
	norm_add_kid(n, g, e);
	return norm_finish(g);
}

/* The search c names: by the index rule.c resolved when it is this rule's (a
 * filter's condition is copied into another rule, whose searches differ), else
 * by name. */
static const struct search *
cond_search(const struct norm *n, const struct cond *c)
{
	int i = c->search - 1;
	if (i >= 0 && i < n->r->nsearches && !strcmp(n->r->searches[i].name, c->id))
		return &n->r->searches[i];
	return rule_search(n->r, c->id);
}

static struct expr *
cond_expr(struct norm *n, const struct cond *c)
{
	struct expr *g, *e;
	const struct search *s;
	switch (c->kind) {
	case COND_ID:
		if ((s = cond_search(n, c)))
			return search_expr(n, s);
		diag_error(n->d, c->pos, "undefined search identifier '%s'", c->id);
		return NULL;
	case COND_OF:
		g = norm_group(n, c->of.all ? EXPR_AND : EXPR_OR);
		for (int i = 0; i < n->r->nsearches; i++) {
			if (!cond_selects(c->of.pattern, n->r->searches[i].name))
				continue;
			if (!(e = search_expr(n, &n->r->searches[i])))
				return NULL;
			norm_add_kid(n, g, e);
		}
		return norm_finish(g);
	case COND_NOT:
		return (e = cond_expr(n, c->operand)) ? norm_not(n, e) : NULL;
	case COND_AND:
	case COND_OR:
		g = norm_group(n, c->kind == COND_AND ? EXPR_AND : EXPR_OR);
		for (int i = 0; i < c->list.n; i++) {
			if (!(e = cond_expr(n, c->list.kids[i])))
				return NULL;
			norm_add_kid(n, g, e);
		}
		return norm_finish(g);
	}
	return NULL;
}

const char *
ir_option(const struct ir_options *o, const char *key)
{
	size_t n = strlen(key);
	for (int i = 0; i < o->n; i++)
		if (!strncmp(o->kv[i], key, n) && o->kv[i][n] == '=')
			return o->kv[i] + n + 1;
	return NULL;
}

const char *
options_get(const struct options *o, const char *key)
{
	return ir_option(&(struct ir_options){o->backend_opts, o->nbackend_opts}, key);
}

/* ---- projection and the query -------------------------------------------------------- */

static void
add_project(struct norm *n, struct query *q, int *cap, const char *col)
{
	if (strmap_put(n->a, &n->projected, col, strlen(col), q->nproject) >= 0)
		return;
	VEC_PUSH(n->a, q->project, q->nproject, *cap, col);
}

static bool
project_fields(struct norm *n, struct query *q)
{
	int cap = 0;
	for (int i = 0; i < n->r->nfields; i++) {
		const char *name = n->r->fields[i];
		if (!n->ls) {
			add_project(n, q, &cap, name);
			continue;
		}
		/* fields: only chooses what to show, so an unknown one is left out, not fatal */
		const struct pl_field *f = pipeline_field(n->ls, name);
		if (!f && !n->ls->passthrough && n->o->unmapped != UNMAPPED_PASSTHROUGH) {
			diag_warning(n->d, n->r->field_pos[i],
				     "field '%s' of 'fields' has no mapping in pipeline %s (target %s, "
				     "logsource %s); it is left out of the output columns",
				     name, n->o->pipeline->name, n->o->target, n->lsname);
			continue;
		}
		if (!f) {
			add_project(n, q, &cap, pipeline_unlisted_name(n->a, n->ls, n->ls->passthrough
									   ? norm_passthrough_name(n, name) : name));
			continue;
		}
		norm_use_extend(n, f);
		if (f->to)
			add_project(n, q, &cap, f->to);
		for (unsigned k = 0; k < f->also_count; k++)
			add_project(n, q, &cap, f->also[k]);
		for (unsigned k = 0; !f->to && k < f->hashes_count; k++)
			add_project(n, q, &cap, f->hashes[k].to);
		if (!f->to && f->values)
			add_project(n, q, &cap, f->values[0].field);
	}
	return true;
}

/*
 * The flag columns' expressions. A flag only decorates results, so one this
 * target cannot express (an unmapped field, say) is left out with a warning
 * instead of failing the rule.
 */
static void
flag_columns(struct norm *n, struct query *q)
{
	const struct rule *r = n->r;
	q->flags = arena_alloc(n->a, sizeof(*q->flags) * (size_t)(r->nflags + 1));
	for (int i = 0; i < r->nflags; i++) {
		struct diag scratch = {.src = n->d->src};
		struct norm fn = *n;
		fn.d = &scratch;
		struct expr *e = r->flag_conds && r->flag_conds[i] ? cond_expr(&fn, r->flag_conds[i])
								   : search_expr(&fn, &r->flags[i]);
		if (e)
			q->flags[q->nflags++] = (struct flag_column){r->flags[i].name, r->flags[i].pos, e};
		else
			diag_warning(n->d, r->flags[i].pos, "flag column '%s' is left out: %s",
				     r->flags[i].name, scratch.nmsgs ? scratch.msgs[0].text : "?");
		diag_clear(&scratch);
	}
}

/* ---- what the backends read besides the expression ------------------------------------ */

static void
resolve_meta(struct norm *n, struct query *q)
{
	const struct rule *r = n->r;
	q->meta = (struct ir_meta){
		.pos = r->pos, .title = r->title, .id = r->id, .name = r->name,
		.status = r->status, .description = r->description, .author = r->author,
		.date = r->date, .modified = r->modified, .level = r->level,
		.references = r->references, .nreferences = r->nreferences,
		.tags = r->tags, .ntags = r->ntags,
		.falsepositives = r->falsepositives, .nfalsepositives = r->nfalsepositives,
		.fields = r->fields, .field_pos = r->field_pos, .nfields = r->nfields,
		.logsource = {r->logsource.product, r->logsource.category, r->logsource.service,
			      n->lsname, r->logsource.pos},
	};
	q->options = (struct ir_options){n->o->backend_opts, n->o->nbackend_opts};
}

/* The target names of the logsource's entry with their types, so that a backend can ask
 * what a name is without the pipeline. */
static void
resolve_columns(struct norm *n, struct query *q)
{
	int cap = 0;
	for (unsigned i = 0; n->ls && i < n->ls->fields_count; i++) {
		const struct pl_field *f = &n->ls->fields[i];
		struct ir_column c;
		if (f->to) {
			c = (struct ir_column){f->to, f->type, IR_COLUMN_FIELD};
			VEC_PUSH(n->a, q->columns, q->ncolumns, cap, c);
		}
		for (unsigned k = 0; k < f->events_count; k++) {
			c = (struct ir_column){f->events[k].to, f->events[k].type, IR_COLUMN_EVENT};
			VEC_PUSH(n->a, q->columns, q->ncolumns, cap, c);
		}
		for (unsigned k = 0; k < f->values_count; k++) {
			c = (struct ir_column){f->values[k].field, NULL, IR_COLUMN_VALUE_MAP};
			VEC_PUSH(n->a, q->columns, q->ncolumns, cap, c);
		}
		for (unsigned k = 0; k < f->hashes_count; k++) {
			c = (struct ir_column){f->hashes[k].to, NULL, IR_COLUMN_HASH};
			VEC_PUSH(n->a, q->columns, q->ncolumns, cap, c);
		}
	}
}

/*
 * An entry whose selection no vendor source confirms (a channel name taken from
 * one taxonomy copy, say) would give a query that may never fire: refused unless
 * the user asks for such entries (-O unconfirmed=true), then served with a warning.
 */
static bool
norm_unconfirmed(struct norm *n, const struct rule *r)
{
	const char *opt = options_get(n->o, "unconfirmed");
	if (opt && !strcmp(opt, "true")) {
		diag_warning(n->d, r->logsource.pos, "logsource %s in pipeline %s (target %s) is "
			     "served by an unconfirmed entry (-O unconfirmed=true): %s", n->lsname,
			     n->o->pipeline->name, n->o->target, n->ls->unconfirmed);
		return true;
	}
	return diag_error(n->d, r->logsource.pos, "logsource %s in pipeline %s (target %s) has "
			  "only an unconfirmed entry: %s (-O unconfirmed=true serves it, with a "
			  "warning)", n->lsname, n->o->pipeline->name, n->o->target,
			  n->ls->unconfirmed);
}

struct query *
normalize_rule(struct arena *a, struct diag *d, const struct rule *r, const struct options *o)
{
	return normalize_rule_shared(a, d, r, o, NULL);
}

struct query *
normalize_rule_shared(struct arena *a, struct diag *d, const struct rule *r,
		      const struct options *o, struct alts_cache *c)
{
	struct norm n = {.a = a, .d = d, .r = r, .o = o, .lsname = logsource_name(a, &r->logsource)};
	struct query *q = arena_alloc(a, sizeof(*q));
	resolve_meta(&n, q);
	if (o->pipeline) {
		n.ls = pipeline_logsource(o->pipeline, &r->logsource);
		if (!n.ls || n.ls->error || !n.ls->select) {
			diag_error(d, r->logsource.pos,
				   "no event selection for logsource %s in pipeline %s (target %s)%s%s",
				   n.lsname, o->pipeline->name, o->target, n.ls && n.ls->error ? ": " : "",
				   n.ls && n.ls->error ? n.ls->error : "");
			return NULL;
		}
		if (n.ls->unconfirmed && !norm_unconfirmed(&n, r))
			return NULL;
		q->select = n.ls->select;
		if (n.ls->warning)
			diag_warning(d, r->logsource.pos, "logsource %s in pipeline %s (target %s): %s",
				     n.lsname, o->pipeline->name, o->target, n.ls->warning);
		q->index = o->pipeline->index;
		q->category_field = o->pipeline->category_field;
		for (unsigned i = 0; i < o->pipeline->raw_prefix_count && r->logsource.product; i++)
			if (!strcmp(o->pipeline->raw_prefix[i].product, r->logsource.product) && !q->raw_prefix)
				q->raw_prefix = o->pipeline->raw_prefix[i].prefix;
		q->time_field = o->pipeline->time_field;
		for (unsigned i = 0; i < o->pipeline->time_tables_count && q->select && q->select->from; i++) {
			const struct pl_time_table *t = &o->pipeline->time_tables[i];
			if (!strncmp(q->select->from, t->prefix, strlen(t->prefix))) {
				q->time_field = t->field;
				break;
			}
		}
		q->model = o->pipeline->datamodel;
		n.extend_used = arena_alloc(a, sizeof(bool) * (n.ls->fields_count + 1));
	}
	/* a condition list matches when any of its conditions does */
	struct expr *any = norm_group(&n, EXPR_OR);
	n.cache = c;	/* the rule's own searches; a pipeline's added ones differ per target */
	for (int i = 0; i < r->nconds; i++) {
		struct expr *e = cond_expr(&n, r->conds[i]);
		if (!e)
			return NULL;
		norm_add_kid(&n, any, e);
	}
	n.cache = NULL;
	q->expr = norm_finish(any);
	if (n.ls && n.ls->added_count && !(q->expr = with_added(&n, q->expr)))
		return NULL;
	if (!project_fields(&n, q))
		return NULL;
	flag_columns(&n, q);
	q->newest_first = r->newest_first;
	for (unsigned i = 0, cap = 0; n.ls && i < n.ls->fields_count; i++) {
		if (!n.extend_used[i])
			continue;
		struct extend x = {n.ls->fields[i].to, n.ls->fields[i].extend};
		int icap = (int)cap;
		VEC_PUSH(a, q->extends, q->nextends, icap, x);
		cap = (unsigned)icap;
	}
	resolve_columns(&n, q);
	return q;
}
