/*
 * unit.h: helpers shared by the cmocka unit tests: compile a rule given as a
 * string to its IR dump or its first diagnostic, without any file.
 */
#ifndef SIGMACC_UNIT_H
#define SIGMACC_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

/* The IR of the rule's first condition, or "error: MESSAGE" (heap string). */
static inline char *
unit_ir(const char *yaml, const struct vars *vars)
{
	struct arena a = {0};
	struct source src = {"t.yml", yaml, strlen(yaml)};
	struct diag d = {.src = &src};
	struct rule **rules;
	int n;
	struct buf out = {0};
	struct options o = {.target = "none", .vars = vars};
	if (rule_load(&a, &d, &src, &rules, &n) && n == 1) {
		d.context = rule_context(&a, rules[0]);
		struct query *q = normalize_rule(&a, &d, rules[0], &o);
		if (q)
			dump_query(&out, q);
	}
	if (d.nmsgs) {
		buf_clear(&out);
		buf_printf(&out, "error: %d:%d: %s", d.msgs[0].pos.line, d.msgs[0].pos.col,
			   d.msgs[0].text);
	}
	diag_clear(&d);
	arena_free(&a);
	return out.data ? out.data : strdup("");
}

/* A rule around one detection body (indented four spaces under detection:). */
static inline char *
unit_rule(const char *detection)
{
	struct buf b = {0};
	buf_puts(&b, "title: t\nlogsource: {category: test}\ndetection:\n");
	buf_puts(&b, detection);
	return b.data;
}

#define ASSERT_IR_VARS(detection, vars, want) do { \
	char *rule_ = unit_rule(detection); \
	char *got_ = unit_ir(rule_, vars); \
	assert_string_equal(got_, want); \
	free(got_); \
	free(rule_); \
} while (0)

#define ASSERT_IR(detection, want) ASSERT_IR_VARS(detection, NULL, want)

#endif
