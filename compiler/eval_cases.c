/*
 * eval_cases.c: the test cases of a rule, in a file beside it named after
 * it (RULE.yml -> RULE.tests.yml), so that the rule and the events that
 * prove it travel together and rule-directory walks skip the tests file:
 *
 *   rule: 0e19e55a-0a30-4f5d-8478-c188709f8031   # optional: for this rule id only
 *   match:                                       # events the rule must fire on
 *     - reason: Atomic Red Team T1102 test 1 (pastebin.com dead drop)
 *       event: {Image: 'C:\...\powershell.exe', CommandLine: '...'}
 *   no_match:                                    # events it must stay quiet on
 *     - reason: a browser opening pastebin.com
 *       event: {...}
 *
 * Every case needs a reason (it names the case in reports); an event is a
 * map in any shape eval_event.c reads. A correlation rule is tested on a
 * stream instead: `events:` lists the events in the order they arrive, each
 * with its time (eval_time.c), and the case says whether the correlation
 * fires on the stream as a whole:
 *
 *   match:
 *     - reason: three web services within ten minutes from one host
 *       events:
 *         - {'@timestamp': '2026-12-03T10:00:00Z', Computer: ws1, ...}
 *         - ... A case may also name the values it
 * expects of the rule's flag columns (README, "Flag columns"):
 *
 *       flags: {SuspiciousProcess: true, UnusualParent: false}
 *
 * and `rule:` (an id or name) when it is for one rule or correlation of a
 * file that holds several, as the file's own `rule:` is for all its cases.
 */
#include "eval.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

char *
cases_path(const char *rule_path)
{
	size_t n = strlen(rule_path);
	const char *ext = n > 4 && !strcmp(rule_path + n - 4, ".yml") ? ".yml" :
			  n > 5 && !strcmp(rule_path + n - 5, ".yaml") ? ".yaml" : NULL;
	if (!ext)
		return NULL;
	size_t stem = n - strlen(ext);
	char *p = mem_alloc(stem + strlen(".tests") + strlen(ext) + 1);
	memcpy(p, rule_path, stem);
	strcpy(p + stem, ".tests");
	strcat(p, ext);
	return p;
}

static bool
load_flags(struct arena *a, struct diag *d, const struct ynode *n, struct test_case *tc)
{
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "'flags' of a test case must map flag columns to true or false");
	for (int i = 0; i + 1 < n->nkids; i += 2) {
		const struct ynode *v = n->kids[i + 1];
		if (v->kind != YNODE_SCALAR || v->type != SCALAR_BOOL || v->quoted)
			return diag_error(d, v->pos, "flag column '%s' must be true or false",
					  n->kids[i]->text);
		struct test_flag f = {n->kids[i]->text, (v->text[0] | 0x20) == 't', n->kids[i]->pos};
		VEC_PUSH(a, tc->flags, tc->nflags, tc->capflags, f);
	}
	return true;
}

/* events: the stream of a correlation's case. */
static bool
load_stream(struct arena *a, struct diag *d, const struct ynode *n, struct test_case *tc)
{
	int cap = 0;
	if (n->kind != YNODE_SEQ || !n->nkids)
		return diag_error(d, n->pos, "'events' must be a list of events (a stream)");
	for (int i = 0; i < n->nkids; i++) {
		struct event ev;
		if (!event_from_node(a, d, n->kids[i], &ev))
			return false;
		ev.index = i + 1;
		VEC_PUSH(a, tc->events, tc->nevents, cap, ev);
	}
	return true;
}

static bool
load_case(struct arena *a, struct diag *d, const struct ynode *n, bool want, struct test_file *tf,
	  int *cap)
{
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "a test case must be a map with 'reason' and 'event'");
	struct test_case tc = {.want = want, .pos = n->pos};
	const struct ynode *reason = NULL, *event = NULL, *events = NULL;
	for (int i = 0; i + 1 < n->nkids; i += 2) {
		const char *key = n->kids[i]->text;
		if (!strcmp(key, "reason"))
			reason = n->kids[i + 1];
		else if (!strcmp(key, "event"))
			event = n->kids[i + 1];
		else if (!strcmp(key, "events"))
			events = n->kids[i + 1];
		else if (!strcmp(key, "rule") && n->kids[i + 1]->kind != YNODE_SCALAR)
			return diag_error(d, n->kids[i + 1]->pos, "'rule' must be the id or name of a "
					  "rule or correlation of the file");
		else if (!strcmp(key, "rule"))
			tc.rule = n->kids[i + 1]->text;
		else if (!strcmp(key, "flags") && !load_flags(a, d, n->kids[i + 1], &tc))
			return false;
		else if (strcmp(key, "flags"))
			return diag_error(d, n->kids[i]->pos,
					  "unknown key '%s' in a test case (expected reason, event, "
					  "events, rule, flags)", key);
	}
	if (!reason || reason->kind != YNODE_SCALAR || !reason->len)
		return diag_error(d, n->pos, "a test case needs a 'reason': what it shows, in a few words");
	if (!event == !events)
		return diag_error(d, n->pos, "a test case needs an 'event' (a rule's case) or "
				  "'events' (a correlation's stream), not %s", event ? "both" : "neither");
	if (events && tc.nflags)
		return diag_error(d, tc.flags[0].pos, "a correlation has no flag columns");
	tc.reason = reason->text;
	if (events ? !load_stream(a, d, events, &tc) : !event_from_node(a, d, event, &tc.event))
		return false;
	tc.event.index = tf->ncases + 1;
	VEC_PUSH(a, tf->cases, tf->ncases, *cap, tc);
	return true;
}

static bool
load_list(struct arena *a, struct diag *d, const struct ynode *n, bool want, struct test_file *tf,
	  int *cap)
{
	if (n->kind != YNODE_SEQ)
		return diag_error(d, n->pos, "'%s' must be a list of test cases",
				  want ? "match" : "no_match");
	for (int i = 0; i < n->nkids; i++)
		if (!load_case(a, d, n->kids[i], want, tf, cap))
			return false;
	return true;
}

bool
cases_load(struct arena *a, struct diag *d, const struct source *src, struct test_file *tf)
{
	struct ynode **docs;
	int ndocs, cap = 0;
	*tf = (struct test_file){.path = src->name};
	if (!yaml_load(src, a, d, &docs, &ndocs))
		return false;
	if (ndocs != 1 || docs[0]->kind != YNODE_MAP)
		return diag_error(d, ndocs ? docs[0]->pos : (struct pos){src->name, 1, 1},
				  "a tests file is one map with 'match' and 'no_match' lists");
	const struct ynode *m = docs[0];
	for (int i = 0; i + 1 < m->nkids; i += 2) {
		const char *key = m->kids[i]->text;
		const struct ynode *v = m->kids[i + 1];
		bool ok;
		if (!strcmp(key, "match") || !strcmp(key, "no_match"))
			ok = load_list(a, d, v, key[0] == 'm', tf, &cap);
		else if (!strcmp(key, "rule") && v->kind != YNODE_SCALAR)
			ok = diag_error(d, v->pos, "'rule' must be the id of a rule of the file");
		else if (!strcmp(key, "rule"))
			ok = (tf->rule_id = v->text) != NULL;
		else
			ok = diag_error(d, m->kids[i]->pos,
					"unknown key '%s' in a tests file (expected rule, match, "
					"no_match)",
					key);
		if (!ok)
			return false;
	}
	if (!tf->ncases)
		return diag_error(d, m->pos, "a tests file without test cases");
	return true;
}
