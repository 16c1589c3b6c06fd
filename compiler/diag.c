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
	if (d->context)
		buf_puts(&b, d->context);
	buf_vprintf(&b, fmt, ap);
	if (d->nmsgs == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		d->msgs = realloc(d->msgs, sizeof(*d->msgs) * (size_t)d->cap);
		if (!d->msgs)
			abort();
	}
	d->msgs[d->nmsgs++] = (struct diag_msg){kind, pos, b.data ? b.data : calloc(1, 1), d->rule_id,
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
		if (d->msgs[i].kind == DIAG_WARNING && strcmp(d->msgs[i].text + ctx, b.data) == 0) {
			buf_free(&b);
			return;
		}
	}
	va_start(ap, fmt);
	diag_add(d, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
	buf_free(&b);
}

/* Length of the valid UTF-8 sequence at s (1 for ASCII), 0 if invalid. */
static int
utf8_len(const unsigned char *s, size_t avail)
{
	int n = s[0] < 0x80 ? 1 : s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 :
		s[0] >= 0xc2 ? 2 : 0;
	if (n == 0 || (size_t)n > avail)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* Prints line `line` of the source and a caret under column `col`. */
static void
render_source(const struct source *src, struct pos pos, struct buf *out)
{
	if (!src || !src->text || pos.line < 1)
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
		int n = utf8_len((const unsigned char *)p, (size_t)(eol - p));
		if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f) && c != '\t')) {
			buf_putc(&line, '?');
			n = 1;
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
	if (pos.file && pos.line > 0)
		buf_printf(out, "%s:%d:%d: ", pos.file, pos.line, pos.col);
	else if (pos.file)
		buf_printf(out, "%s: ", pos.file);
	else
		buf_puts(out, "sigmacc: ");
}

void
diag_render(const struct diag *d, struct buf *out)
{
	for (int i = 0; i < d->nmsgs; i++) {
		const struct diag_msg *m = &d->msgs[i];
		render_location(m->pos, out);
		buf_printf(out, "%s: %s\n", m->kind == DIAG_ERROR ? "error" : "warning", m->text);
		render_source(d->src, m->pos, out);
	}
}

/* GitHub workflow commands: '%', CR and LF are percent-encoded in the message. */
static void
put_github_escaped(struct buf *out, const char *s, bool property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%': buf_puts(out, "%25"); break;
		case '\r': buf_puts(out, "%0D"); break;
		case '\n': buf_puts(out, "%0A"); break;
		case ':': if (property) { buf_puts(out, "%3A"); break; } buf_putc(out, ':'); break;
		case ',': if (property) { buf_puts(out, "%2C"); break; } buf_putc(out, ','); break;
		default: buf_putc(out, *s);
		}
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
			put_github_escaped(out, m->pos.file, true);
			if (m->pos.line > 0)
				buf_printf(out, ",line=%d,col=%d", m->pos.line, m->pos.col);
		}
		buf_puts(out, "::");
		put_github_escaped(out, m->text, false);
		buf_putc(out, '\n');
	}
}

void
json_put_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default:
			if (*p < 0x20)
				buf_printf(out, "\\u%04x", *p);
			else
				buf_putc(out, (char)*p);
		}
	}
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
