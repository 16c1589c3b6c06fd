/*
 * eval_hunt.c: `sigmacc test --events FILE`: every rule on every event of a
 * log sample. The rules are loaded once; the events stream through (NDJSON
 * one line at a time, in memory that is reused), so the memory of a hunt is
 * its rules and its hits, not its log.
 *
 * An event that shows its log source, as templates/events/logsources.yml
 * describes them (one Sigma rule per log source), reaches only the rules of
 * that source and those of sources not described; an event that shows none
 * (a flat map of Sigma fields) reaches every rule.
 *
 * A correlation's base rules run on every event like the others (but report
 * no hits of their own unless generate: true); their hits are kept and the
 * correlation's windows evaluated when every events file has been read, so a
 * correlation reports one hit per group it fires for, at the event that
 * completed its first window.
 */
#include "correlation.h"
#include "eval.h"
#include "files.h"

#include <stdlib.h>
#include <string.h>

struct hunt_rule {
	const char *path;
	struct eval_rule er;
	struct eval_rule *source;	/* the description of its log source, or NULL */
	const char *flags;		/* its flag columns, "A,B" */
};

struct hunt_corr {
	const char *path;
	struct corr_eval ce;
	struct eval_rule **sources;	/* [nrules] each base rule's log source, or NULL */
	bool *reach;			/* [nrules] scratch: does the event reach the rule */
	long untimed;			/* hits dropped: the event had no readable time */
	struct pos untimed_pos;
	const char *untimed_why;
};

struct hunt {
	const struct session *s;
	struct arena rules;	/* the rules and the descriptions: the whole hunt */
	struct arena events;	/* the events being read */
	struct hunt_rule *r;
	int nr, cap;
	struct eval_rule *sources;
	int nsources;
	struct hunt_corr *c;
	int nc, capc;
	const char *time_field;	/* --time-field, or NULL */
	struct report *report;
};

/* "A,B": the names of the rule's flag columns, or NULL. */
const char *
eval_flag_names(struct arena *a, const struct eval_rule *er)
{
	const char *s = NULL;
	for (int i = 0; i < er->nflags; i++)
		s = s ? arena_printf(a, "%s,%s", s, er->flags[i].name) : er->flags[i].name;
	return s;
}

static bool
same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static struct eval_rule *
source_of(struct hunt *h, const struct rule *r)
{
	for (int i = 0; i < h->nsources; i++) {
		const struct logsource *ls = &h->sources[i].rule->logsource;
		if (same_name(ls->product, r->logsource.product) &&
		    same_name(ls->category, r->logsource.category) &&
		    same_name(ls->service, r->logsource.service))
			return &h->sources[i];
	}
	return NULL;
}

static bool
add_correlation(struct hunt *h, struct diag *d, const char *path, const struct correlation *c)
{
	struct arena *a = &h->rules;
	struct hunt_corr hc = {.path = path};
	d->context = arena_printf(a, "correlation '%s': ", c->title);
	if (!corrval_build(a, d, c, &h->s->opts, h->time_field, &hc.ce))
		return false;
	hc.sources = arena_alloc(a, sizeof(*hc.sources) * (size_t)c->nrules);
	hc.reach = arena_alloc(a, sizeof(*hc.reach) * (size_t)c->nrules);
	VEC_PUSH(a, h->c, h->nc, h->capc, hc);
	return true;
}

/* The rules and correlations of path (every document), or the descriptions of
 * the log sources. A correlation's base rules report no hits of their own,
 * unless it generates them. */
static bool
load_file(struct hunt *h, const char *path, bool sources, struct buf *err)
{
	struct arena *a = &h->rules;
	struct source src;
	struct diag d = {.src = &src};
	struct rule **rules;
	struct ynode **docs;
	struct correlation **cors = NULL;
	int n = 0, ndocs = 0, ncors = 0;
	struct options o = {.target = "test"};
	bool ok = eval_read(&d, path, &src) && rule_load_docs(a, &d, &src, &rules, &n, &docs, &ndocs) &&
		  corr_load(a, &d, NULL, path, docs, ndocs, rules, n, &cors, &ncors);
	if (sources)
		h->sources = arena_alloc(a, sizeof(*h->sources) * (size_t)(n + 1));
	for (int i = 0; ok && i < n; i++) {
		if (sources) {
			ok = evalrule_build(a, &d, rules[i], &o, &h->sources[h->nsources++]);
			continue;
		}
		if (corr_hides(cors, ncors, rules[i]))
			continue;
		struct hunt_rule hr = {.path = path};
		d.context = rule_context(a, rules[i]);
		if (!evalrule_build(a, &d, rules[i], &h->s->opts, &hr.er)) {
			ok = false;
			continue;
		}
		hr.flags = eval_flag_names(a, &hr.er);
		VEC_PUSH(a, h->r, h->nr, h->cap, hr);
	}
	for (int i = 0; ok && !sources && i < ncors; i++)
		ok = add_correlation(h, &d, path, cors[i]);
	d.context = NULL;
	driver_render(h->s, &d, err);
	diag_clear(&d);
	free((char *)src.text);
	return ok;
}

/* The event's hits for the correlations' base rules (of its log source). */
static void
feed_correlations(struct hunt *h, const struct event *ev, bool identified)
{
	struct verdict v;
	for (int k = 0; k < h->nc; k++) {
		struct hunt_corr *hc = &h->c[k];
		const char *why;
		for (int r = 0; r < hc->ce.c->nrules; r++) {
			hc->reach[r] = true;
			if (identified && hc->sources[r]) {
				evalrule_run(&h->events, hc->sources[r], ev, &v, false);
				hc->reach[r] = v.fired;
			}
		}
		/* the hits outlive the event: they go into the hunt's arena */
		if (!corrval_feed(&h->rules, &hc->ce, ev, hc->reach, &why) && !hc->untimed++) {
			hc->untimed_pos = ev->pos;
			hc->untimed_why = arena_strdup(&h->rules, why);
		}
	}
}

/* Each correlation's groups that fired, as hits after the rules'. */
static void
finish_correlations(struct hunt *h, struct diag *d)
{
	struct arena *a = &h->rules;
	for (int k = 0; k < h->nc; k++) {
		struct hunt_corr *hc = &h->c[k];
		const struct correlation *c = hc->ce.c;
		struct corr_outcome out;
		if (hc->untimed)
			diag_warning(d, hc->untimed_pos, "correlation '%s': %ld event%s matched its "
				     "rules but could not be placed in time, and %s not counted "
				     "(the first: %s)", c->title, hc->untimed,
				     hc->untimed == 1 ? "" : "s", hc->untimed == 1 ? "is" : "are",
				     hc->untimed_why);
		corrval_finish(a, &hc->ce, &out);
		for (int i = 0; i < out.nfires; i++) {
			const struct corr_hit *last = out.fires[i].last;
			struct result res = {.rule_path = hc->path, .rule_title = c->title,
					     .rule_id = c->id ? c->id : c->name,
					     .events_path = last->pos.file, .event_index = last->index,
					     .pass = true, .want = true, .pos = last->pos,
					     .order = h->nr + k,
					     .verdict = {.fired = true, .why = (char *)out.fires[i].why}};
			res.name = arena_printf(a, "event %d", last->index);
			report_add(h->report, &res);
		}
	}
}

/* Every rule on one event. */
static bool
hunt_event(void *ctx, const struct event *ev)
{
	struct hunt *h = ctx;
	struct arena *a = &h->events;
	h->report->events++;
	struct verdict v = {0};
	for (int i = 0; i < h->nsources && !v.fired; i++)
		evalrule_run(a, &h->sources[i], ev, &v, false);
	bool identified = v.fired;
	for (int i = 0; i < h->nr; i++) {
		struct hunt_rule *hr = &h->r[i];
		if (identified && hr->source) {
			evalrule_run(a, hr->source, ev, &v, false);
			if (!v.fired)
				continue;
		}
		/* the explanation only for hits: a hunt may read millions of events */
		evalrule_run(a, &hr->er, ev, &v, false);
		if (!v.fired)
			continue;
		struct result res = {.rule_path = hr->path, .rule_title = hr->er.rule->title,
				     .rule_id = hr->er.rule->id, .events_path = ev->pos.file,
				     .event_index = ev->index, .pass = true, .want = true,
				     .pos = ev->pos, .flag_names = hr->flags, .order = i};
		evalrule_run(a, &hr->er, ev, &res.verdict, true);
		res.name = arena_printf(a, "event %d", ev->index);
		report_add(h->report, &res);
	}
	feed_correlations(h, ev, identified);
	return true;
}

/* Hits by rule, then in the order they were found. */
static int
by_rule(const void *x, const void *y)
{
	const struct result *a = x, *b = y;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

bool
hunt_run(const struct session *s, const char *templates, const struct pathlist *files,
	 const char *const *events, int nevents, const char *time_field, struct report *report,
	 struct buf *err)
{
	struct hunt h = {.s = s, .report = report, .time_field = time_field};
	report->hunting = true;
	bool ok = load_file(&h, arena_printf(&h.rules, "%s/events/logsources.yml", templates), true,
			    err);
	for (int i = 0; i < files->n; i++)
		ok = load_file(&h, files->v[i], false, err) && ok;
	for (int k = 0; ok && k < h.nr; k++)
		h.r[k].source = source_of(&h, h.r[k].er.rule);
	for (int k = 0; ok && k < h.nc; k++)
		for (int r = 0; r < h.c[k].ce.c->nrules; r++)
			h.c[k].sources[r] = source_of(&h, h.c[k].ce.c->rules[r]);
	for (int i = 0; ok && i < nevents; i++) {
		struct source src;
		struct diag d = {.src = &src};
		ok = eval_read(&d, events[i], &src) &&
		     events_scan(&h.events, &d, &src, true, hunt_event, &h);
		driver_render(s, &d, err);
		diag_clear(&d);
		free((char *)src.text);
	}
	if (ok) {
		struct diag d = {0};
		finish_correlations(&h, &d);
		driver_render(s, &d, err);
		diag_clear(&d);
	}
	if (report->n)
		qsort(report->results, (size_t)report->n, sizeof(*report->results), by_rule);
	arena_free(&h.rules);
	arena_free(&h.events);
	return ok;
}
