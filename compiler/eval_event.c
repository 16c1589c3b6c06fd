/*
 * eval_event.c: events for the evaluator. An event is a JSON (or YAML) map;
 * it becomes a flat list of fields named by their dotted path, so nested
 * maps are reachable as `a.b.c` and an array gives its field several values
 * (the field matches when any of them does).
 *
 * Two shapes of real logs are understood without a pipeline:
 *   - Windows event logs as JSON (Sysmon, the Security log, the PowerShell
 *     log): the members of Event, System, EventData and UserData (and
 *     Winlogbeat's winlog and event_data) are also fields by their own
 *     name, so `Image` finds Event.EventData.Image and `EventID` finds
 *     Event.System.EventID.
 *   - auditd records grouped per event as JSON (one member per record type,
 *     as laurel writes them: SYSCALL, EXECVE, PROCTITLE, CWD, PATH,
 *     SOCKADDR): the members of each record are fields by their own name, and
 *     the taxonomy's names are derived where the event lacks them: Image from
 *     exe, CommandLine from the EXECVE arguments a0..aN joined by spaces,
 *     DestinationIp and DestinationPort from SOCKADDR's addr and port.
 *
 * Files are a JSON array of events, one event, NDJSON (.ndjson or .jsonl:
 * one object per line) or YAML documents. JSON is read by the YAML 1.2
 * loader, which accepts it, so positions and errors are the rule files'.
 */
#include "eval.h"
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Maps whose members are also fields by their own name. */
static const char *const containers[] = {
	"Event", "System", "EventData", "UserData", "winlog", "event_data",
	"SYSCALL", "EXECVE", "PROCTITLE", "CWD", "PATH", "SOCKADDR", NULL,
};

static bool
is_container(const char *key)
{
	for (int i = 0; containers[i]; i++)
		if (!strcmp(containers[i], key))
			return true;
	return false;
}

/* The walk of one event: each container is promoted once, however it is reached. */
struct flat {
	struct arena *a;
	struct event *ev;
	const struct ynode **promoted;
	int npromoted, cap;
};

#define PROMOTE_DEPTH 3	/* containers this deep or less: Event.System, winlog.event_data */

static void
add_field(struct flat *fl, const char *name, enum evkind kind, const char *text, size_t len)
{
	struct evfield f = {name, kind, text, len};
	VEC_PUSH(fl->a, fl->ev->fields, fl->ev->nfields, fl->ev->cap, f);
}

static void
add_scalar(struct flat *fl, const char *name, const struct ynode *v)
{
	enum evkind kind = EV_STR;
	if (!v->quoted) {
		switch (v->type) {
		case SCALAR_INT: case SCALAR_FLOAT: kind = EV_NUM; break;
		case SCALAR_BOOL: kind = EV_BOOL; break;
		case SCALAR_NULL: kind = EV_NULL; break;
		case SCALAR_STR: break;
		}
	}
	if (kind == EV_BOOL)
		add_field(fl, name, kind, (v->text[0] | 0x20) == 't' ? "true" : "false",
			  (v->text[0] | 0x20) == 't' ? 4 : 5);
	else
		add_field(fl, name, kind, v->text, v->len);
}

static const char *
join(struct arena *a, const char *prefix, const char *key)
{
	return prefix ? arena_printf(a, "%s.%s", prefix, key) : key;
}

/* Has this container been promoted already (reached through another path)? */
static bool
promote_once(struct flat *fl, const struct ynode *n)
{
	for (int i = 0; i < fl->npromoted; i++)
		if (fl->promoted[i] == n)
			return false;
	VEC_PUSH(fl->a, fl->promoted, fl->npromoted, fl->cap, n);
	return true;
}

static void
flatten(struct flat *fl, const struct ynode *n, const char *name, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return;
	if (n->kind == YNODE_SCALAR) {
		if (name)
			add_scalar(fl, name, n);
		return;
	}
	if (n->kind == YNODE_SEQ) {
		for (int i = 0; i < n->nkids; i++)
			flatten(fl, n->kids[i], name, depth + 1);
		return;
	}
	for (int i = 0; i + 1 < n->nkids; i += 2) {
		const char *key = n->kids[i]->text;
		const struct ynode *v = n->kids[i + 1];
		flatten(fl, v, join(fl->a, name, key), depth + 1);
		if (v->kind == YNODE_MAP && depth < PROMOTE_DEPTH && is_container(key) &&
		    promote_once(fl, v))
			flatten(fl, v, NULL, depth + 1);
	}
}

const struct evfield *
event_field(const struct event *ev, const char *name, int *at)
{
	for (int i = at ? *at : 0; i < ev->nfields; i++) {
		if (!strcmp(ev->fields[i].name, name)) {
			if (at)
				*at = i + 1;
			return &ev->fields[i];
		}
	}
	return NULL;
}

/* N if name is "aN" (an EXECVE argument), else -1. */
static long
argument_index(const char *name)
{
	if (name[0] != 'a' || !name[1])
		return -1;
	long n = 0;
	for (const char *p = name + 1; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1000000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* CommandLine: a0, a1 ... up to the first missing one, joined by spaces (one pass). */
static void
derive_command_line(struct flat *fl)
{
	struct event *ev = fl->ev;
	long max = -1;
	for (int i = 0; i < ev->nfields; i++) {
		long k = argument_index(ev->fields[i].name);
		max = k < ev->nfields && k > max ? k : max;
	}
	if (max < 0)
		return;
	const struct evfield **args = mem_calloc((size_t)max + 1, sizeof(*args));
	for (int i = 0; i < ev->nfields; i++) {
		long k = argument_index(ev->fields[i].name);
		if (k >= 0 && k <= max && !args[k])
			args[k] = &ev->fields[i];
	}
	struct buf b = {0};
	for (long k = 0; k <= max && args[k]; k++) {
		if (k)
			buf_putc(&b, ' ');
		buf_putn(&b, args[k]->text, args[k]->len);
	}
	if (args[0])
		add_field(fl, "CommandLine", EV_STR, arena_strndup(fl->a, b.data ? b.data : "", b.len),
			  b.len);
	buf_free(&b);
	free(args);
}

/* auditd: the taxonomy's names from the record fields, where the event has none. */
static void
derive_auditd(struct flat *fl)
{
	struct event *ev = fl->ev;
	const struct evfield *f;
	if (!event_field(ev, "Image", NULL) && (f = event_field(ev, "exe", NULL)))
		add_field(fl, "Image", EV_STR, f->text, f->len);
	if (!event_field(ev, "DestinationIp", NULL) && (f = event_field(ev, "SOCKADDR.addr", NULL)))
		add_field(fl, "DestinationIp", EV_STR, f->text, f->len);
	if (!event_field(ev, "DestinationPort", NULL) && (f = event_field(ev, "SOCKADDR.port", NULL)))
		add_field(fl, "DestinationPort", f->kind, f->text, f->len);
	if (!event_field(ev, "CommandLine", NULL))
		derive_command_line(fl);
}

bool
event_from_node(struct arena *a, struct diag *d, const struct ynode *n, struct event *ev)
{
	*ev = (struct event){.pos = n->pos};
	if (n->kind != YNODE_MAP)
		return diag_error(d, n->pos, "an event must be a map of fields (found %s)",
				  yaml_kind_name(n));
	struct flat fl = {a, ev, NULL, 0, 0};
	flatten(&fl, n, NULL, 0);
	derive_auditd(&fl);
	return true;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

struct scan {
	struct arena *a;
	struct diag *d;
	event_fn *fn;
	void *ctx;
	int index;	/* events so far */
	int line;	/* NDJSON: the line of the document; 0 = keep the parser's */
};

/* A document: one event, or a list of events (a JSON array). */
static bool
scan_node(struct scan *sc, const struct ynode *n, bool top)
{
	if (n->kind == YNODE_SEQ && top) {
		for (int i = 0; i < n->nkids; i++)
			if (!scan_node(sc, n->kids[i], false))
				return false;
		return true;
	}
	if (n->kind == YNODE_SCALAR && n->type == SCALAR_NULL && !n->quoted)
		return true;	/* an empty document */
	struct event ev;
	if (!event_from_node(sc->a, sc->d, n, &ev))
		return false;
	ev.index = ++sc->index;
	if (sc->line)
		ev.pos.line = sc->line;
	return sc->fn(sc->ctx, &ev);
}

static bool
blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/*
 * NDJSON, one line at a time: the node limit of the YAML loader is per
 * document, so a large log stays readable, and with reset the memory of a
 * line is reused for the next. Positions move to the line's place in the file.
 */
static bool
scan_lines(struct scan *sc, const struct source *src, bool reset)
{
	bool ok = true;
	struct diag *d = sc->d;
	sc->line = 1;
	for (size_t i = 0; ok && i < src->len; sc->line++) {
		const char *nl = memchr(src->text + i, '\n', src->len - i);
		size_t end = nl ? (size_t)(nl - src->text) : src->len;
		struct source line = {src->name, src->text + i, end - i};
		i = end + 1;
		if (blank_line(line.text, line.len))
			continue;
		if (reset)
			arena_reset(sc->a);
		struct diag ld = {.src = &line};
		struct ynode **docs;
		int ndocs;
		sc->d = &ld;
		ok = yaml_load(&line, sc->a, &ld, &docs, &ndocs);
		for (int k = 0; ok && k < ndocs; k++)
			ok = scan_node(sc, docs[k], false);
		sc->d = d;
		for (int k = 0; k < ld.nmsgs; k++) {
			struct pos p = ld.msgs[k].pos;
			p.line = p.line ? sc->line + p.line - 1 : 0;
			diag_error(d, p, "%s", ld.msgs[k].text);
		}
		diag_clear(&ld);
	}
	return ok;
}

bool
events_scan(struct arena *a, struct diag *d, const struct source *src, bool reset, event_fn *fn,
	    void *ctx)
{
	struct scan sc = {a, d, fn, ctx, 0, 0};
	if (ends_with(src->name, ".ndjson") || ends_with(src->name, ".jsonl"))
		return scan_lines(&sc, src, reset);
	struct ynode **docs;
	int ndocs;
	bool ok = yaml_load(src, a, d, &docs, &ndocs);
	for (int i = 0; ok && i < ndocs; i++)
		ok = scan_node(&sc, docs[i], true);
	return ok;
}

struct collect {
	struct arena *a;
	struct event **evs;
	int *nevs, cap;
};

static bool
collect_event(void *ctx, const struct event *ev)
{
	struct collect *c = ctx;
	VEC_PUSH(c->a, *c->evs, *c->nevs, c->cap, *ev);
	return true;
}

bool
events_load(struct arena *a, struct diag *d, const struct source *src, struct event **evs,
	    int *nevs)
{
	struct collect c = {a, evs, nevs, 0};
	*evs = NULL;
	*nevs = 0;
	return events_scan(a, d, src, false, collect_event, &c);
}
