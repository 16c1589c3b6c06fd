/*
 * corr_common.c: what the correlation renderings of EQL, AQL, Sumo Logic
 * CSE, YARA-L and LogScale share: reading the condition (a lone "at least
 * N", or "every rule" for the temporal types), refusing a type by name with
 * the reason, and the text of conditions and JSON strings.
 */
#include "backend.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The condition value as an integer, or false when it is not one. */
static bool
cmp_integer(const struct corr_cmp *cmp, long long *out)
{
	char *end;
	*out = strtoll(cmp->value, &end, 10);
	return *cmp->value && !*end;
}

bool
corr_needs_all(const struct correlation *c)
{
	long long n;
	if (c->ncmp != 1 || !cmp_integer(&c->cmp[0], &n))
		return false;
	switch (c->cmp[0].op) {
	case CORR_OP_GTE:
	case CORR_OP_EQ: return n == c->nrules;
	case CORR_OP_GT: return n == c->nrules - 1;
	default: return false;
	}
}

long long
corr_at_least(const struct correlation *c)
{
	long long n;
	if (c->ncmp != 1 || !cmp_integer(&c->cmp[0], &n) || n < 0)
		return -1;
	if (c->cmp[0].op == CORR_OP_GTE)
		return n;
	return c->cmp[0].op == CORR_OP_GT ? n + 1 : -1;
}

bool
corr_same_columns(const struct corr_input *in)
{
	for (int i = 1; i < in->c->nrules; i++)
		for (int g = 0; g < in->c->ngroup; g++)
			if (strcmp(in->columns[i][g], in->columns[0][g]))
				return false;
	return true;
}

/* Every message of a correlation renderer: "TARGET: ", then the text. */
static void
corr_messagev(struct diag *d, bool error, const struct corr_input *in, struct pos pos,
	      const char *fmt, va_list ap)
{
	struct buf b = {0};
	buf_printf(&b, "%s: ", in->target);
	buf_vprintf(&b, fmt, ap);
	if (error)
		diag_error(d, pos, "%s", b.data);
	else
		diag_warning(d, pos, "%s", b.data);
	buf_free(&b);
}

bool
corr_fail(struct diag *d, const struct corr_input *in, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	corr_messagev(d, true, in, pos, fmt, ap);
	va_end(ap);
	return false;
}

void
corr_warn(struct diag *d, const struct corr_input *in, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	corr_messagev(d, false, in, pos, fmt, ap);
	va_end(ap);
}

bool
corr_refuse(struct diag *d, const struct corr_input *in, const char *why)
{
	return corr_fail(d, in, in->c->type_pos, "correlation type '%s' is not supported: %s",
			 corr_type_name(in->c->type), why);
}

void
corr_condition(struct buf *out, const struct correlation *c, const char *column,
	       const char *and_op)
{
	for (int i = 0; i < c->ncmp; i++)
		buf_printf(out, "%s%s %s %s", i ? and_op : "", column, corr_op_symbol(c->cmp[i].op),
			   c->cmp[i].value);
}

void
corr_warn_window(struct diag *d, const struct corr_input *in, const char *construct)
{
	corr_warn(d, in, in->c->timespan_pos, "the %s window is %s, not a sliding window: events "
		  "of one group on both sides of a window boundary are counted apart",
		  in->c->timespan, construct);
}

void
corr_json_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(out, "\\n");
		else if (*p == '\t')
			buf_puts(out, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(out, "\\u%04x", *p);
		else
			buf_putc(out, (char)*p);
	}
	buf_putc(out, '"');
}

const char *
corr_identifier(struct arena *a, const char *s, const char *prefix)
{
	struct buf b = {0};
	buf_puts(&b, prefix);
	bool sep = false;
	for (const char *p = s; *p; p++) {
		char ch = *p;
		bool word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			    (ch >= '0' && ch <= '9');
		if (!word) {
			sep = b.len > strlen(prefix);
			continue;
		}
		if (sep)
			buf_putc(&b, '_');
		sep = false;
		buf_putc(&b, ch);
	}
	const char *r = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b);
	return r;
}
