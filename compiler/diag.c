/*
 * diag.c: errors and warnings with positions. Stage functions record a
 * message and return failure; the CLI renders the messages of a rule as
 *
 *     file:line:col: error: message
 *         the source line
 *                 ^
 *
 * or as GitHub Actions annotations or JSON lines for machines.
 */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 160	/* bytes of a source line shown under a diagnostic */

/*
 * The code of a message: the first six words of its format string
 * without the quoted or formatted parts, up to the first parenthesis,
 * colon or semicolon, joined by '-': "unknown modifier '%s'" is
 * unknown-modifier. Stable as long as the wording is, and needs no table
 * to maintain; a message may set its own (diag_set_code).
 */
static char *
diag_code(const char *fmt)
{
	struct buf b = {0};
	int words = 0;
	for (const char *p = fmt; *p && words < 6 && !strchr("(:;", *p);) {
		size_t n = strcspn(p, " (:;");
		bool quoted = *p == '\'' || *p == '"' || *p == '`';
		bool formatted = memchr(p, '%', n) != NULL;
		bool plain = n > 0 && !quoted && !formatted;
		for (size_t i = 0; plain && i < n; i++)
			plain = (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
				p[i] == '-' || p[i] == '_';
		if (plain) {
			if (b.len)
				buf_putc(&b, '-');
			for (size_t i = 0; i < n; i++)
				buf_putc(&b, (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' : p[i]));
			words++;
		}
		p += n;
		while (*p == ' ')
			p++;
	}
	/* a cut after "in" or "by" reads badly: field-has-no-mapping-in */
	static const char *const dangling[] = {"-in", "-by", "-of", "-for", "-to", "-a", "-the",
					       "-with", "-after"};
	for (size_t i = 0; i < sizeof(dangling) / sizeof(dangling[0]) && b.len; i++) {
		size_t n = strlen(dangling[i]);
		if (b.len > n && !strcmp(b.data + b.len - n, dangling[i])) {
			b.data[b.len -= n] = '\0';
			i = (size_t)-1;	/* "needs-a-list-of-a" loses both */
		}
	}
	if (!b.len)
		buf_puts(&b, "error");
	return b.data;
}

static void
diag_add(struct diag *d, enum diag_kind kind, struct pos pos, const char *fmt, va_list ap)
{
	struct buf b = {0};
	buf_reserve(&b, 511);	/* room for most messages: formatted once */
	if (d->context)
		buf_puts(&b, d->context);
	buf_vprintf(&b, fmt, ap);
	if (d->nmsgs == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->msgs = mem_realloc(d->msgs, sizeof(*d->msgs) * (size_t)d->cap);
	}
	d->msgs[d->nmsgs++] = (struct diag_msg){kind, pos, b.data ? b.data : mem_calloc(1, 1), d->rule_id,
						 diag_code(fmt)};
	if (kind == DIAG_ERROR)
		d->nerrors++;
}

bool
diag_error(struct diag *d, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_add(d, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
	return false;
}

void
diag_warning(struct diag *d, struct pos pos, const char *fmt, ...)
{
	/* a warning is printed once per rule and cause */
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	size_t ctx = d->context ? strlen(d->context) : 0;
	for (int i = 0; i < d->nmsgs; i++) {
		/* a message shorter than the context is another rule's: never read past its end */
		const char *t = d->msgs[i].text;
		if (d->msgs[i].kind == DIAG_WARNING && strnlen(t, ctx) == ctx &&
		    strcmp(t + ctx, b.data) == 0) {
			buf_free(&b);
			return;
		}
	}
	va_start(ap, fmt);
	diag_add(d, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
	buf_free(&b);
}

/*
 * Length of the valid UTF-8 sequence at s (1 for ASCII), 0 if invalid:
 * overlong forms, surrogates and code points past U+10FFFF are invalid too.
 */
static int
utf8_len(const unsigned char *s, size_t avail)
{
	int n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 && s[0] < 0xf0 ? 3 :
		s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0 || (size_t)n > avail)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* How put_text writes a message for each output form. */
enum text_form {
	TEXT_HUMAN,		/* a terminal: nothing that moves the cursor or sets colours */
	TEXT_GITHUB,		/* a workflow command's message */
	TEXT_GITHUB_PROPERTY,	/* a workflow command's property (file=...) */
	TEXT_JSON,		/* inside a JSON string */
};

/*
 * Appends s so that it stays one harmless line: control characters (C0, DEL
 * and C1, which includes the 8-bit CSI of terminal escapes) are written as
 * escapes, and bytes that are not UTF-8 as \xNN (U+FFFD in JSON), so the
 * output is always valid UTF-8. A message can then neither forge a line of
 * its own (a GitHub annotation, a second diagnostic) nor reach the terminal.
 */
static void
put_text(struct buf *out, const char *s, enum text_form form)
{
	bool github = form == TEXT_GITHUB || form == TEXT_GITHUB_PROPERTY;
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	/* the printable ASCII bytes form writes as themselves: most of a message goes out
	 * in runs of those */
	unsigned char plain[0x80] = {0};
	memset(plain + 0x20, 1, 0x7f - 0x20);
	if (form == TEXT_JSON)
		plain['"'] = plain['\\'] = 0;
	if (github)
		plain['%'] = 0;
	if (form == TEXT_GITHUB_PROPERTY)
		plain[':'] = plain[','] = 0;
	while (p < end) {
		/* a run of them goes out in one piece */
		const unsigned char *run = p;
		while (run < end && *run < 0x80 && plain[*run])
			run++;
		if (run > p) {
			buf_putn(out, (const char *)p, (size_t)(run - p));
			p = run;
			continue;
		}
		int n = utf8_len(p, (size_t)(end - p));
		unsigned cp = n == 2 ? (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f) : p[0];
		const char *named = NULL;
		switch (n == 1 ? p[0] : 0) {
		case '\n': named = github ? "%0A" : "\\n"; break;
		case '\r': named = github ? "%0D" : "\\r"; break;
		case '\t': named = "\\t"; break;
		case '"': named = form == TEXT_JSON ? "\\\"" : "\""; break;
		case '\\': named = form == TEXT_JSON ? "\\\\" : "\\"; break;
		case '%': named = github ? "%25" : "%"; break;
		case ':': named = form == TEXT_GITHUB_PROPERTY ? "%3A" : ":"; break;
		case ',': named = form == TEXT_GITHUB_PROPERTY ? "%2C" : ","; break;
		}
		if (named)
			buf_puts(out, named);
		else if (n == 0 && form == TEXT_JSON)
			buf_puts(out, "\\ufffd");
		else if (n == 0)
			buf_printf(out, "\\x%02x", p[0]);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0 && n == 2))
			buf_printf(out, form == TEXT_JSON ? "\\u%04x" : "\\x%02x", cp);
		else
			buf_putn(out, (const char *)p, (size_t)n);
		p += n ? n : 1;
	}
}

/* Prints line `line` of the source and a caret under column `col`. */
static void
render_source(const struct source *src, struct pos pos, struct buf *out)
{
	/* a message about another file (a correlation's base rule) has no line here */
	if (!src || !src->text || pos.line < 1 ||
	    (pos.file && src->name && strcmp(pos.file, src->name)))
		return;
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < pos.line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	struct buf line = {0}, caret = {0};
	int col = 1;
	while (p < eol && line.len < SHOW_MAX) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c < 0x7f) {	/* most of a line: printable ASCII, a byte a column */
			buf_putc(&line, (char)c);
			if (col < pos.col)
				buf_putc(&caret, ' ');
			p++;
			col++;
			continue;
		}
		int n = utf8_len((const unsigned char *)p, (size_t)(eol - p));
		bool c1 = n == 2 && c == 0xc2 && (unsigned char)p[1] < 0xa0;	/* U+0080-U+009F */
		if (n == 0 || c1 || (n == 1 && (c < 0x20 || c == 0x7f) && c != '\t')) {
			buf_putc(&line, '?');
			n = c1 ? 2 : 1;
		} else {
			buf_putn(&line, p, (size_t)n);
		}
		if (col < pos.col)
			buf_putc(&caret, c == '\t' ? '\t' : ' ');
		p += n;
		col++;
	}
	if (p < eol)
		buf_puts(&line, " ...");
	bool caret_done = pos.col >= 1 && pos.col <= col;
	buf_puts(out, "    ");
	buf_putn(out, line.data ? line.data : "", line.len);
	buf_putc(out, '\n');
	if (caret_done) {
		buf_puts(out, "    ");
		buf_putn(out, caret.data ? caret.data : "", caret.len);
		buf_puts(out, "^\n");
	}
	buf_free(&line);
	buf_free(&caret);
}

static void
render_location(struct pos pos, struct buf *out)
{
	if (!pos.file) {
		buf_puts(out, "sigmacc: ");
		return;
	}
	put_text(out, pos.file, TEXT_HUMAN);
	if (pos.line > 0) {
		buf_putc(out, ':');
		buf_putint(out, pos.line);
		buf_putc(out, ':');
		buf_putint(out, pos.col);
	}
	buf_puts(out, ": ");
}

void
diag_render(const struct diag *d, struct buf *out)
{
	for (int i = 0; i < d->nmsgs; i++) {
		const struct diag_msg *m = &d->msgs[i];
		render_location(m->pos, out);
		buf_puts(out, m->kind == DIAG_ERROR ? "error: " : "warning: ");
		put_text(out, m->text, TEXT_HUMAN);
		buf_putc(out, '\n');
		render_source(d->src, m->pos, out);
	}
}

void
diag_render_github(const struct diag *d, struct buf *out)
{
	for (int i = 0; i < d->nmsgs; i++) {
		const struct diag_msg *m = &d->msgs[i];
		buf_puts(out, m->kind == DIAG_ERROR ? "::error" : "::warning");
		if (m->pos.file) {
			buf_puts(out, " file=");
			put_text(out, m->pos.file, TEXT_GITHUB_PROPERTY);
			if (m->pos.line > 0)
				buf_printf(out, ",line=%d,col=%d", m->pos.line, m->pos.col);
		}
		buf_puts(out, "::");
		put_text(out, m->text, TEXT_GITHUB);
		buf_putc(out, '\n');
	}
}

void
json_put_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	put_text(out, s, TEXT_JSON);
	buf_putc(out, '"');
}

void
diag_render_json(const struct diag *d, struct buf *out)
{
	for (int i = 0; i < d->nmsgs; i++) {
		const struct diag_msg *m = &d->msgs[i];
		buf_puts(out, "{\"severity\": ");
		json_put_string(out, m->kind == DIAG_ERROR ? "error" : "warning");

		buf_puts(out, ", \"file\": ");
		if (m->pos.file)
			json_put_string(out, m->pos.file);
		else
			buf_puts(out, "null");
		buf_printf(out, ", \"line\": %d, \"col\": %d, \"message\": ", m->pos.line, m->pos.col);
		json_put_string(out, m->text);
		buf_puts(out, ", \"code\": ");
		json_put_string(out, m->code ? m->code : "error");
		buf_puts(out, ", \"rule_id\": ");
		if (m->rule_id)
			json_put_string(out, m->rule_id);
		else
			buf_puts(out, "null");
		buf_puts(out, ", \"target\": ");
		if (d->target)
			json_put_string(out, d->target);
		else
			buf_puts(out, "null");
		buf_puts(out, "}\n");
	}
}

void
diag_set_code(struct diag *d, const char *code)
{
	if (!d->nmsgs)
		return;
	struct diag_msg *m = &d->msgs[d->nmsgs - 1];
	free(m->code);
	m->code = strdup(code);
}

void
diag_clear(struct diag *d)
{
	for (int i = 0; i < d->nmsgs; i++) {
		free(d->msgs[i].text);
		free(d->msgs[i].code);
	}
	free(d->msgs);
	d->msgs = NULL;
	d->nmsgs = d->cap = d->nerrors = 0;
}
