/*
 * eval_rule.c: a whole rule on one event. Each search is normalised on its
 * own (the rule with that search as its only condition, no pipeline), so
 * the evaluator runs exactly the IR the backends emit while still knowing
 * the searches by name; the condition tree is then evaluated over them,
 * which lets it say which search decided the outcome.
 */
#include "eval.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

bool
evalrule_build(struct arena *a, struct diag *d, const struct rule *r, const struct options *opts,
	       struct eval_rule *er)
{
	struct options o = *opts;
	o.pipeline = NULL;	/* Sigma's field names: the events are in the taxonomy */
	*er = (struct eval_rule){.rule = r};
	er->searches = arena_alloc(a, sizeof(*er->searches) * (size_t)(r->nsearches + 1));
	for (int i = 0; i < r->nsearches; i++) {
		struct rule one = *r;
		struct cond c = {.kind = COND_ID, .pos = r->searches[i].pos, .id = r->searches[i].name};
		struct cond *cp = &c;
		one.conds = &cp;
		one.nconds = 1;
		one.nflags = i ? 0 : r->nflags;	/* the flag columns once */
		struct query *q = normalize_rule(a, d, &one, &o);
		if (!q || !eval_prepare(a, d, &er->ctx, q->expr))
			return false;
		er->searches[i] = (struct eval_search){r->searches[i].name, q->expr};
		for (int k = 0; k < q->nflags; k++)
			if (!eval_prepare(a, d, &er->ctx, q->flags[k].expr))
				return false;
		if (i == 0) {
			er->flags = q->flags;
			er->nflags = q->nflags;
		}
	}
	er->nsearches = r->nsearches;
	return true;
}

struct run {
	struct eval_rule *er;
	const struct event *ev;
	signed char *memo;	/* per search: -1 not yet, 0 false, 1 true */
};

static bool
search_value(struct run *run, int i)
{
	if (run->memo[i] < 0)
		run->memo[i] = eval_expr(&run->er->ctx, run->er->searches[i].expr, run->ev);
	return run->memo[i];
}

/*
 * Evaluates c; *decider is the search that decided it: for AND the first
 * false operand's (or the first's when all hold), for OR the first true
 * operand's (or the first's when none holds); NOT passes its operand's on.
 */
static bool
eval_cond(struct run *run, const struct cond *c, int *decider)
{
	int k = -1;
	bool v;
	switch (c->kind) {
	case COND_ID:
		for (int i = 0; i < run->er->nsearches; i++) {
			if (!strcmp(run->er->searches[i].name, c->id)) {
				*decider = i;
				return search_value(run, i);
			}
		}
		*decider = -1;
		return false;	/* the loader refuses undefined identifiers */
	case COND_OF: {
		bool all = c->of.all, first = true, result = all;
		for (int i = 0; i < run->er->nsearches; i++) {
			if (!cond_selects(c->of.pattern, run->er->searches[i].name))
				continue;
			if (first)
				*decider = i;
			first = false;
			if (search_value(run, i) != all) {
				*decider = i;
				return !all;
			}
		}
		return result;
	}
	case COND_NOT:
		return !eval_cond(run, c->operand, decider);
	case COND_AND:
	case COND_OR:
		/* the operand that settles it (false for AND, true for OR), else the first */
		for (int i = 0; i < c->list.n; i++) {
			v = eval_cond(run, c->list.kids[i], decider);
			if (i == 0)
				k = *decider;
			if (v == (c->kind == COND_OR))
				return v;
		}
		*decider = k;
		return c->kind == COND_AND;
	}
	return false;
}

/* "filter_main_browsers matched: Image str [* "\\chrome.exe"]" */
static char *
explain(struct arena *a, struct run *run, int decider)
{
	struct buf b = {0};
	if (decider < 0)
		return arena_strdup(a, "no search decided");
	struct evalctx *ctx = &run->er->ctx;
	ctx->hit = ctx->miss = NULL;
	bool v = eval_expr(ctx, run->er->searches[decider].expr, run->ev);
	buf_printf(&b, "%s %s", run->er->searches[decider].name, v ? "matched: " : "did not match");
	if (v && ctx->hit)
		eval_describe(&b, ctx->hit, ctx->hit_val);
	else if (!v && ctx->miss) {
		buf_puts(&b, ": no value of ");
		eval_describe(&b, ctx->miss, 0);
		if (ctx->miss->nvals > 1)
			buf_printf(&b, " (or %d more)", ctx->miss->nvals - 1);
	}
	char *s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

void
evalrule_run(struct arena *a, struct eval_rule *er, const struct event *ev, struct verdict *v,
	     bool explain_it)
{
	signed char *memo = mem_alloc((size_t)er->nsearches + 1);
	memset(memo, -1, (size_t)er->nsearches + 1);
	struct run run = {er, ev, memo};
	const struct rule *r = er->rule;
	int decider = -1;
	*v = (struct verdict){0};
	/* a condition list fires when any of its conditions does */
	for (int i = 0; i < r->nconds && !v->fired; i++)
		v->fired = eval_cond(&run, r->conds[i], &decider);
	v->search = decider >= 0 ? er->searches[decider].name : NULL;
	v->search_value = decider >= 0 && memo[decider] == 1;
	v->why = explain_it ? explain(a, &run, decider) : NULL;
	for (int i = 0; i < er->nflags; i++)
		if (eval_expr(&er->ctx, er->flags[i].expr, ev))
			v->flags |= 1u << i;
	free(memo);
}
