/*
 * eval_report.c: the results of `sigmacc test` for people and for CI.
 *
 *   text   one line per rule (PASS/FAIL, or its hits when hunting), each
 *          failed case below it with its position and the deciding search
 *   tap    TAP 13: one test point per case (or per hit), details as comments
 *   junit  JUnit XML: one testsuite per rule file, one testcase per case
 *   json   one object per line: per case, or per hit when hunting (rule id
 *          and path, event position, deciding search)
 */
#include "eval.h"
#include "base.h"

#include <stdlib.h>
#include <string.h>

void
report_add(struct report *r, const struct result *res)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->results = mem_realloc(r->results, sizeof(*r->results) * (size_t)r->cap);
	}
	/* the strings live in the rule's arena, which the next rule file resets */
	struct result *c = &r->results[r->n];
	*c = *res;
	c->seq = r->n++;
	const char **strs[] = {&c->rule_path, &c->rule_title, &c->rule_id, &c->name, &c->events_path,
			       &c->detail, &c->verdict.search, &c->pos.file, &c->flag_names};
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (*strs[i])
			*strs[i] = arena_strdup(&r->arena, *strs[i]);
	if (c->verdict.why)
		c->verdict.why = arena_strdup(&r->arena, c->verdict.why);
	r->failed += !res->pass;
}

void
report_free(struct report *r)
{
	free(r->results);
	arena_free(&r->arena);
	*r = (struct report){0};
}

/* The results of one rule: [i, end). */
static int
rule_end(const struct report *r, int i)
{
	int k = i;
	while (k < r->n && !strcmp(r->results[k].rule_path, r->results[i].rule_path) &&
	       !strcmp(r->results[k].rule_title, r->results[i].rule_title))
		k++;
	return k;
}

static const char *
case_kind(const struct result *res)
{
	return res->events_path ? "hit" : res->want ? "match" : "no_match";
}

static void
put_pos(struct buf *out, struct pos p)
{
	buf_printf(out, "%s:%d:%d", p.file ? p.file : "-", p.line, p.col);
}

/* Calls put(name, value) for each flag column of res. */
static void
each_flag(const struct result *res, struct buf *out,
	  void (*put)(struct buf *out, const char *name, size_t len, bool value, bool first))
{
	int i = 0;
	for (const char *p = res->flag_names; p && *p; i++) {
		size_t len = strcspn(p, ",");
		put(out, p, len, (res->verdict.flags >> i) & 1, i == 0);
		p += len + (p[len] == ',');
	}
}

/* " [SuspiciousProcess]": the flag columns that hold. */
static void
put_flag_text(struct buf *out, const char *name, size_t len, bool value, bool first)
{
	(void)first;
	if (value)
		buf_printf(out, " [%.*s]", (int)len, name);
}

static void
put_flag_json(struct buf *out, const char *name, size_t len, bool value, bool first)
{
	buf_printf(out, "%s\"%.*s\": %s", first ? "" : ", ", (int)len, name, value ? "true" : "false");
}

static void
write_text(const struct report *r, struct buf *out)
{
	int cases = 0;
	for (int i = 0; i < r->n;) {
		int end = rule_end(r, i), failed = 0;
		const struct result *first = &r->results[i];
		for (int k = i; k < end; k++)
			failed += !r->results[k].pass;
		cases += end - i;
		if (first->events_path)
			buf_printf(out, "%s (%s): fires on %d event%s\n", first->rule_path,
				   first->rule_title, end - i, end - i == 1 ? "" : "s");
		else
			buf_printf(out, "%s %s (%s): %d case%s%s\n", failed ? "FAIL" : "PASS",
				   first->rule_path, first->rule_title, end - i, end - i == 1 ? "" : "s",
				   failed ? ", failed:" : "");
		for (int k = i; k < end; k++) {
			const struct result *res = &r->results[k];
			if (res->pass && !res->events_path)
				continue;
			buf_puts(out, "  ");
			put_pos(out, res->pos);
			if (res->events_path) {
				buf_printf(out, ": event %d: %s", res->event_index, res->verdict.why);
				each_flag(res, out, put_flag_text);
				buf_putc(out, '\n');
			}
			else
				buf_printf(out, ": %s '%s': %s\n", case_kind(res), res->name, res->detail);
		}
		i = end;
	}
	if (r->hunting)
		buf_printf(out, "%d hit%s on %ld event%s\n", r->n, r->n == 1 ? "" : "s", r->events,
			   r->events == 1 ? "" : "s");
	else if (r->n)
		buf_printf(out, "%d case%s, %d failed\n", cases, cases == 1 ? "" : "s", r->failed);
}

static void
write_tap(const struct report *r, struct buf *out)
{
	buf_printf(out, "TAP version 13\n1..%d\n", r->n);
	for (int i = 0; i < r->n; i++) {
		const struct result *res = &r->results[i];
		buf_printf(out, "%sok %d - %s: %s: %s\n", res->pass ? "" : "not ", i + 1,
			   res->rule_path, case_kind(res), res->name);
		buf_puts(out, "# at ");
		put_pos(out, res->pos);
		buf_printf(out, "\n# %s\n", res->pass ? res->verdict.why : res->detail);
	}
}

static void
xml_put(struct buf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '&': buf_puts(out, "&amp;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				buf_printf(out, "&#x%x;", 0xfffd);	/* not allowed in XML 1.0 */
			else
				buf_putc(out, *s);
		}
	}
}

static void
write_junit(const struct report *r, struct buf *out)
{
	buf_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"sigmacc test\" tests=\"%d\" failures=\"%d\">\n", r->n,
		   r->failed);
	for (int i = 0; i < r->n;) {
		int end = rule_end(r, i), failed = 0;
		for (int k = i; k < end; k++)
			failed += !r->results[k].pass;
		buf_puts(out, "  <testsuite name=\"");
		xml_put(out, r->results[i].rule_path);
		buf_printf(out, "\" tests=\"%d\" failures=\"%d\">\n", end - i, failed);
		for (int k = i; k < end; k++) {
			const struct result *res = &r->results[k];
			buf_puts(out, "    <testcase classname=\"");
			xml_put(out, res->rule_title);
			buf_printf(out, "\" name=\"%s: ", case_kind(res));
			xml_put(out, res->name);
			buf_printf(out, "\" file=\"");
			xml_put(out, res->pos.file);
			buf_printf(out, "\" line=\"%d\"", res->pos.line);
			if (res->pass) {
				buf_puts(out, "/>\n");
				continue;
			}
			buf_puts(out, ">\n      <failure message=\"");
			xml_put(out, res->detail);
			buf_puts(out, "\"/>\n    </testcase>\n");
		}
		buf_puts(out, "  </testsuite>\n");
		i = end;
	}
	buf_puts(out, "</testsuites>\n");
}

static void
json_field(struct buf *out, const char *key, const char *value, bool last)
{
	buf_printf(out, "\"%s\": ", key);
	if (value)
		json_put_string(out, value);
	else
		buf_puts(out, "null");
	buf_puts(out, last ? "}\n" : ", ");
}

static void
write_json(const struct report *r, struct buf *out)
{
	for (int i = 0; i < r->n; i++) {
		const struct result *res = &r->results[i];
		buf_puts(out, "{");
		json_field(out, "rule_id", res->rule_id, false);
		json_field(out, "rule_path", res->rule_path, false);
		json_field(out, "rule_title", res->rule_title, false);
		if (res->events_path) {
			json_field(out, "events_path", res->events_path, false);
		} else {
			json_field(out, "case", res->name, false);
			buf_printf(out, "\"expected\": \"%s\", \"pass\": %s, ", case_kind(res),
				   res->pass ? "true" : "false");
		}
		buf_printf(out, "\"event\": %d, \"line\": %d, \"fired\": %s, ", res->event_index,
			   res->pos.line, res->verdict.fired ? "true" : "false");
		json_field(out, "selection", res->verdict.search, false);
		if (res->flag_names) {
			buf_puts(out, "\"flags\": {");
			each_flag(res, out, put_flag_json);
			buf_puts(out, "}, ");
		}
		json_field(out, "why", res->verdict.why, true);
	}
}

void
report_write(const struct report *r, struct buf *out)
{
	switch (r->format) {
	case REPORT_TEXT: write_text(r, out); break;
	case REPORT_TAP: write_tap(r, out); break;
	case REPORT_JUNIT: write_junit(r, out); break;
	case REPORT_JSON: write_json(r, out); break;
	}
}
