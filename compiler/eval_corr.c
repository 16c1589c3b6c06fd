/*
 * eval_corr.c: correlation rules (sigma-spec.md §11) over a stream of
 * timestamped events, with the semantics the backends approximate.
 *
 * Each event runs through the correlation's base rules; every rule that
 * fires on it makes a hit: its time, its group (the group-by fields, read
 * through the aliases of that rule) and the value of condition.field. After
 * the stream, the hits are sorted per group by time and a sliding window is
 * evaluated at each hit: the window that ends with it, holding every hit
 * of its group less than the timespan earlier (t - timespan < t' <= t). The
 * correlation fires for a group when the condition holds in one of these
 * windows. For a condition that grows with the window (gt, gte) this is
 * exactly "some window of the timespan holds enough"; lt and lte are read
 * on the same windows (the events of the timespan up to each event).
 *
 * What the window measures:
 *   event_count       its events (an event that several rules match, once)
 *   value_count       distinct values of the field (exact text)
 *   temporal          distinct rules with an event in it
 *   temporal_ordered  the longest prefix of the listed rules whose events
 *                     occur in that order (distinct events, by time, ties in
 *                     input order)
 *   value_sum/avg     sum or mean of the field's numeric values
 *   value_median      the median (nearest rank) of the numeric values
 *   value_percentile  the `percentile:` nearest-rank percentile
 * A missing group-by field is a value of its own ("missing"); an event
 * without condition.field, or with a value that is not a number where one
 * is needed, adds nothing to the measure. A field with several values
 * contributes its first.
 */
#include "correlation.h"
#include "eval.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The field of an event matched by rule r for name (an alias, or a field). */
static const char *
field_for(const struct correlation *c, const char *name, int r)
{
	for (int i = 0; i < c->naliases; i++)
		if (!strcmp(c->aliases[i].name, name))
			return c->aliases[i].field[r];
	return name;
}

static const struct evfield *
first_value(const struct event *ev, const char *name)
{
	const struct evfield *f = event_field(ev, name, NULL);
	return f && f->kind != EV_NULL ? f : NULL;
}

/* "Computer='WS1', User=missing": the values quoted, so the text is the key. */
static const char *
group_key(struct arena *a, const struct correlation *c, const struct event *ev, int r)
{
	struct buf b = {0};
	if (!c->ngroup)
		buf_puts(&b, "all events");
	for (int i = 0; i < c->ngroup; i++) {
		const struct evfield *f = first_value(ev, field_for(c, c->group_by[i], r));
		buf_printf(&b, "%s%s=", i ? ", " : "", c->group_by[i]);
		if (f) {
			char *v = arena_strndup(a, f->text, f->len);
			corr_quote(&b, '\'', v);
		} else {
			buf_puts(&b, "missing");
		}
	}
	char *s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

bool
corrval_build(struct arena *a, struct diag *d, const struct correlation *c,
	      const struct options *o, const char *time_field, struct corr_eval *ce)
{
	*ce = (struct corr_eval){.c = c, .time_field = time_field};
	if (c->expression)
		return diag_error(d, c->pos, "the boolean condition of a temporal correlation ('%s') "
				  "is not evaluated", c->expression);
	if (c->type == CORR_VALUE_PERCENTILE && !c->percentile)
		return diag_error(d, c->type_pos, "value_percentile without 'percentile:' has no "
				  "defined meaning; give the percentile");
	for (int r = 0; r < c->nrules; r++)
		if (!c->rules[r])	/* a chain: its entry is a correlation's rows */
			return diag_error(d, c->pos, "a correlation over correlations (a chain) is "
					  "not evaluated");
	ce->rules = arena_alloc(a, sizeof(*ce->rules) * (size_t)c->nrules);
	for (int r = 0; r < c->nrules; r++)
		if (!evalrule_build(a, d, c->rules[r], o, &ce->rules[r]))
			return false;
	return true;
}

bool
corrval_feed(struct arena *a, struct corr_eval *ce, const struct event *ev, const bool *reach,
	     const char **why)
{
	const struct correlation *c = ce->c;
	long long ms = 0;
	bool timed = false, ok = true;
	ce->seq++;
	for (int r = 0; r < c->nrules; r++) {
		struct verdict v;
		if (reach && !reach[r])
			continue;
		evalrule_run(a, &ce->rules[r], ev, &v, false);
		if (!v.fired)
			continue;
		if (!timed && !(timed = event_time(a, ev, ce->time_field, &ms, why))) {
			ok = false;
			break;
		}
		const char *field = c->field ? field_for(c, c->field, r) : NULL;
		const struct evfield *f = field ? first_value(ev, field) : NULL;
		struct corr_hit h = {.ms = ms, .seq = ce->seq, .rule = r, .pos = ev->pos,
				     .index = ev->index, .group = group_key(a, c, ev, r),
				     .value = f ? arena_strndup(a, f->text, f->len) : NULL};
		VEC_PUSH(a, ce->hits, ce->nhits, ce->caphits, h);
	}
	return ok;
}

static int
by_group_time(const void *x, const void *y)
{
	const struct corr_hit *a = x, *b = y;
	int k = strcmp(a->group, b->group);
	if (k)
		return k;
	if (a->ms != b->ms)
		return a->ms < b->ms ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return a->rule - b->rule;
}

static bool
numeric(const char *s, double *v)
{
	char *end;
	if (!s || !*s)
		return false;
	*v = strtod(s, &end);
	return !*end && isfinite(*v);
}

/* The state of the window of one group: hits [lo, hi] of the sorted array. */
struct window {
	const struct corr_eval *ce;
	const struct corr_hit *h;
	int lo, hi;
	int *per_rule;		/* temporal: hits of each rule */
	int rules;		/* rules with a hit */
	int *value_id;		/* value_count: each hit's value, -1 without */
	int *per_value;		/* hits of each value */
	int values;		/* values with a hit */
	double sum;		/* value_sum, value_avg: over the numeric values */
	int nnum;
	int *num_rank;		/* each hit's numeric value: its rank in nums, -1 without */
	double *nums;		/* the distinct numeric values, ascending */
	int nnums;
	int *fenwick;		/* [nnums + 1]: the window's values per rank (a Fenwick tree) */
	long long *best, *pend;	/* temporal_ordered, per listed rule k: see chain_add */
	long chain_seq;
};

#define NO_CHAIN LLONG_MIN

static void
fenwick_add(struct window *w, int rank, int step)
{
	for (int i = rank + 1; i <= w->nnums; i += i & -i)
		w->fenwick[i] += step;
}

/* The rank of the k-th smallest value of the window (k from 1). */
static int
fenwick_kth(const struct window *w, int k)
{
	int pos = 0, top = 1;
	while (top * 2 <= w->nnums)
		top *= 2;
	for (int step = top; step; step /= 2)
		if (pos + step <= w->nnums && w->fenwick[pos + step] < k) {
			pos += step;
			k -= w->fenwick[pos];
		}
	return pos;	/* 0-based rank */
}

static void
window_add(struct window *w, int i, int step)
{
	const struct corr_hit *h = &w->h[i];
	double v;
	w->per_rule[h->rule] += step;
	if (w->per_rule[h->rule] == (step > 0))
		w->rules += step;
	if (w->value_id[i] >= 0) {
		w->per_value[w->value_id[i]] += step;
		if (w->per_value[w->value_id[i]] == (step > 0))
			w->values += step;
	}
	if (w->num_rank[i] >= 0) {
		v = w->nums[w->num_rank[i]];
		w->sum += step * v;
		w->nnum += step;
		fenwick_add(w, w->num_rank[i], step);
	}
}

/*
 * temporal_ordered, in time linear in the hits: best[k] is the latest start
 * time of a chain of distinct events matching rules 0..k in that order among
 * the events before the current one, pend[k] the same for chains ending at
 * the current event (kept apart, so that one event cannot be two links). A
 * chain fits a window when it starts inside it; best[k] never exceeds
 * best[k - 1], so the longest fitting prefix is found from k = 0 up.
 */
static void
chain_add(struct window *w, int i)
{
	const struct corr_hit *h = &w->h[i];
	int n = w->ce->c->nrules;
	if (h->seq != w->chain_seq) {
		for (int k = 0; k < n; k++) {
			if (w->pend[k] > w->best[k])
				w->best[k] = w->pend[k];
			w->pend[k] = NO_CHAIN;
		}
		w->chain_seq = h->seq;
	}
	long long start = h->rule == 0 ? h->ms : w->best[h->rule - 1];
	if (start > w->pend[h->rule])
		w->pend[h->rule] = start;
}

static void
chain_reset(struct window *w)
{
	for (int k = 0; k < w->ce->c->nrules; k++)
		w->best[k] = w->pend[k] = NO_CHAIN;
	w->chain_seq = -1;
}

/* The nearest-rank percentile p of the window's numeric values; false without any. */
static bool
percentile(const struct window *w, double p, double *out)
{
	int n = w->nnum;
	if (!n)
		return false;
	double r = p / 100.0 * n;
	int rank = (int)r + ((double)(int)r < r);	/* the ceiling, without libm */
	*out = w->nums[fenwick_kth(w, rank < 1 ? 1 : rank > n ? n : rank)];
	return true;
}

/* Listed rules matched in order, from the first, by a chain inside the window. */
static int
ordered_prefix(const struct window *w)
{
	long long from = w->h[w->hi].ms - w->ce->c->seconds * 1000;
	int k = 0;
	while (k < w->ce->c->nrules && (w->best[k] > from || w->pend[k] > from))
		k++;
	return k;
}

/* What the window measures; false when it measures nothing (no numeric value). */
static bool
measure(struct window *w, double *out)
{
	const struct correlation *c = w->ce->c;
	switch (c->type) {
	case CORR_EVENT_COUNT: *out = w->hi - w->lo + 1; return true;
	case CORR_VALUE_COUNT: *out = w->values; return true;
	case CORR_TEMPORAL: *out = w->rules; return true;
	case CORR_TEMPORAL_ORDERED: *out = ordered_prefix(w); return true;
	case CORR_VALUE_SUM: *out = w->sum; return w->nnum > 0;
	case CORR_VALUE_AVG: *out = w->nnum ? w->sum / w->nnum : 0; return w->nnum > 0;
	case CORR_VALUE_MEDIAN: return percentile(w, 50, out);
	case CORR_VALUE_PERCENTILE: return percentile(w, strtod(c->percentile, NULL), out);
	}
	return false;
}

static bool
holds(const struct correlation *c, double v)
{
	bool ok = true;
	for (int i = 0; i < c->ncmp; i++) {
		double b = strtod(c->cmp[i].value, NULL);
		switch (c->cmp[i].op) {
		case CORR_OP_GT: ok = ok && v > b; break;
		case CORR_OP_GTE: ok = ok && v >= b; break;
		case CORR_OP_LT: ok = ok && v < b; break;
		case CORR_OP_LTE: ok = ok && v <= b; break;
		case CORR_OP_EQ: ok = ok && v == b; break;
		case CORR_OP_NEQ: ok = ok && v != b; break;
		}
	}
	return ok;
}

/* v in full when it is a whole number ("1100000"), else to 6 significant digits. */
static const char *
number_text(struct arena *a, double v)
{
	if (v == (double)(long long)v && v > -1e15 && v < 1e15)
		return arena_printf(a, "%lld", (long long)v);
	return arena_printf(a, "%.6g", v);
}

/* "3 distinct DestinationHostname": the measure in words. */
static const char *
measure_text(struct arena *a, const struct correlation *c, double v)
{
	const char *n = number_text(a, v);
	switch (c->type) {
	case CORR_EVENT_COUNT: return arena_printf(a, "%s event%s", n, v == 1 ? "" : "s");
	case CORR_VALUE_COUNT: return arena_printf(a, "%s distinct %s", n, c->field);
	case CORR_TEMPORAL: return arena_printf(a, "%s of %d rules", n, c->nrules);
	case CORR_TEMPORAL_ORDERED:
		return arena_printf(a, "%s of %d rules in order", n, c->nrules);
	case CORR_VALUE_SUM: return arena_printf(a, "sum of %s %s", c->field, n);
	case CORR_VALUE_AVG: return arena_printf(a, "average of %s %s", c->field, n);
	case CORR_VALUE_MEDIAN: return arena_printf(a, "median of %s %s", c->field, n);
	case CORR_VALUE_PERCENTILE:
		return arena_printf(a, "percentile %s of %s %s", c->percentile, c->field, n);
	}
	return "";
}

/* " (events 2 to 4, 2026-...Z to 2026-...Z)": where a window lies. */
static const char *
window_text(struct arena *a, const struct corr_hit *first, const struct corr_hit *last)
{
	if (first->seq == last->seq)
		return arena_printf(a, "event %d at %s", last->index, time_format(a, last->ms));
	return arena_printf(a, "event %d at %s to event %d at %s", first->index,
			    time_format(a, first->ms), last->index, time_format(a, last->ms));
}

static const char *
condition_text(struct arena *a, const struct correlation *c)
{
	const char *s = "";
	for (int i = 0; i < c->ncmp; i++)
		s = arena_printf(a, "%s%s%s %s", s, i ? " and " : "", corr_op_symbol(c->cmp[i].op),
				 c->cmp[i].value);
	return s;
}

/* The best window seen when nothing fired: the largest measure, or the
 * smallest for a condition that asks for less than a bound. */
struct best {
	bool any, want_low;
	double v;
	const char *group;
	const struct corr_hit *first, *last;
};

static void
consider(struct best *b, double v, const struct window *w)
{
	if (b->any && (b->want_low ? v >= b->v : v <= b->v))
		return;
	*b = (struct best){true, b->want_low, v, w->h[w->hi].group, &w->h[w->lo], &w->h[w->hi]};
}

/* One group's hits [from, to): its first firing window, if any, into out. */
static void
run_group(struct arena *a, struct window *w, int from, int to, struct best *best,
	  struct corr_outcome *out, int *capfires)
{
	const struct correlation *c = w->ce->c;
	long long span = c->seconds * 1000;
	w->lo = from;
	chain_reset(w);
	for (w->hi = from; w->hi < to; w->hi++) {
		window_add(w, w->hi, 1);
		chain_add(w, w->hi);
		while (w->h[w->lo].ms <= w->h[w->hi].ms - span)
			window_add(w, w->lo++, -1);
		double v;
		if (!measure(w, &v))
			continue;
		if (!holds(c, v)) {
			consider(best, v, w);
			continue;
		}
		struct corr_fire f = {w->h[w->hi].group, v, &w->h[w->lo], &w->h[w->hi], NULL};
		f.why = arena_printf(a, "%s: %s within %s (%s), condition %s", f.group,
				     measure_text(a, c, v),
				     c->timespan, window_text(a, f.first, f.last),
				     condition_text(a, c));
		VEC_PUSH(a, out->fires, out->nfires, *capfires, f);
		break;
	}
	/* the counters are shared by the groups: empty the window */
	for (int i = w->lo; i <= w->hi && i < to; i++)
		window_add(w, i, -1);
}

static int
by_time(const void *x, const void *y)
{
	const struct corr_fire *a = x, *b = y;
	if (a->last->ms != b->last->ms)
		return a->last->ms < b->last->ms ? -1 : 1;
	return (a->last->seq > b->last->seq) - (a->last->seq < b->last->seq);
}

/* Drops the second hit of an event within a group, except for the temporal
 * types, where each rule an event matches counts. */
static void
dedupe_events(struct corr_eval *ce)
{
	if (ce->c->type == CORR_TEMPORAL || ce->c->type == CORR_TEMPORAL_ORDERED)
		return;
	int n = 0;
	for (int i = 0; i < ce->nhits; i++)
		if (!n || ce->hits[i].seq != ce->hits[n - 1].seq ||
		    strcmp(ce->hits[i].group, ce->hits[n - 1].group))
			ce->hits[n++] = ce->hits[i];
	ce->nhits = n;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* Each hit's numeric value as its rank among the distinct values (w->nums). */
static void
number_ranks(struct arena *a, const struct corr_eval *ce, struct window *w)
{
	size_t n = (size_t)ce->nhits + 1;
	double *all = arena_alloc(a, sizeof(double) * n), v;
	int m = 0;
	w->num_rank = arena_alloc(a, sizeof(int) * n);
	for (int i = 0; i < ce->nhits; i++)
		if (numeric(ce->hits[i].value, &v))
			all[m++] = v;
	qsort(all, (size_t)m, sizeof(double), cmp_double);
	w->nnums = 0;
	for (int i = 0; i < m; i++)
		if (!w->nnums || all[i] != all[w->nnums - 1])
			all[w->nnums++] = all[i];
	w->nums = all;
	w->fenwick = arena_alloc(a, sizeof(int) * (size_t)(w->nnums + 1));
	for (int i = 0; i < ce->nhits; i++) {
		w->num_rank[i] = -1;
		if (!numeric(ce->hits[i].value, &v))
			continue;
		int lo = 0, hi = w->nnums - 1;
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			if (all[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		w->num_rank[i] = lo;
	}
}

/* Value ids for distinct counting: equal texts, equal ids. */
static int *
value_ids(struct arena *a, const struct corr_eval *ce)
{
	struct strmap m = {0};
	int *id = arena_alloc(a, sizeof(int) * (size_t)(ce->nhits + 1)), n = 0;
	for (int i = 0; i < ce->nhits; i++) {
		const char *v = ce->hits[i].value;
		id[i] = -1;
		if (!v)
			continue;
		int old = strmap_put(a, &m, v, strlen(v), n);
		id[i] = old >= 0 ? old : n++;
	}
	return id;
}

void
corrval_finish(struct arena *a, struct corr_eval *ce, struct corr_outcome *out)
{
	const struct correlation *c = ce->c;
	int cap = 0;
	size_t n = (size_t)ce->nhits + 1;
	*out = (struct corr_outcome){0};
	if (ce->nhits)
		qsort(ce->hits, (size_t)ce->nhits, sizeof(*ce->hits), by_group_time);
	dedupe_events(ce);
	struct window w = {.ce = ce, .h = ce->hits,
			   .per_rule = arena_alloc(a, sizeof(int) * (size_t)c->nrules),
			   .value_id = value_ids(a, ce), .per_value = arena_alloc(a, sizeof(int) * n),
			   .best = arena_alloc(a, sizeof(long long) * (size_t)c->nrules),
			   .pend = arena_alloc(a, sizeof(long long) * (size_t)c->nrules)};
	number_ranks(a, ce, &w);
	struct best best = {.want_low = c->cmp[0].op == CORR_OP_LT || c->cmp[0].op == CORR_OP_LTE};
	for (int i = 0, end; i < ce->nhits; i = end) {
		for (end = i + 1; end < ce->nhits && !strcmp(ce->hits[end].group, ce->hits[i].group);
		     end++)
			;
		run_group(a, &w, i, end, &best, out, &cap);
	}
	if (out->nfires) {
		qsort(out->fires, (size_t)out->nfires, sizeof(*out->fires), by_time);
		out->why = out->fires[0].why;
	} else if (!ce->nhits) {
		out->why = "no event matched a rule of the correlation";
	} else if (!best.any) {
		out->why = arena_printf(a, "no window had a value of %s to measure", c->field);
	} else {
		out->why = arena_printf(a, "no %s window met the condition %s: the %s was %s (%s: %s)",
					c->timespan, condition_text(a, c),
					best.want_low ? "least" : "most", measure_text(a, c, best.v),
					best.group, window_text(a, best.first, best.last));
	}
}
