/*
 * template_text.c: the pieces of a format template written in a target's own
 * language rather than a data format: the rule's name as an identifier, a
 * YARA-L string literal (escape: yaral) and the one-line form --compact asks
 * of a text template.
 */
#include "template_impl.h"

#include <ctype.h>
#include <string.h>

/* Is c an ASCII letter or digit (the bytes of a UTF-8 character are neither)? */
static bool
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/*
 * The title (else the name) in lower case, each run of other characters one
 * '_', then '_' and the id's first 8 hex digits; "sigma_" before the digits
 * without a title, "sigma_rule" without either, "r_" before a leading digit.
 * The rule name a YARA-L rule needs (targets.md §6.6: [A-Za-z_][A-Za-z0-9_]*).
 */
const char *
template_identifier(struct arena *a, const struct rule *r)
{
	struct buf b = {0};
	const char *title = r->title ? r->title : r->name ? r->name : "";
	for (const char *p = title; *p; p++) {
		if (word_char(*p))
			buf_putc(&b, lower(*p));
		else if (b.len && b.data[b.len - 1] != '_')
			buf_putc(&b, '_');
	}
	if (b.len && b.data[b.len - 1] == '_')
		b.len--;
	int hex = 0;
	for (const char *p = r->id; p && *p && hex < 8; p++) {
		char c = lower(*p);
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			continue;
		if (!hex)
			buf_puts(&b, b.len ? "_" : "sigma_");
		buf_putc(&b, c);
		hex++;
	}
	if (!b.len)
		buf_puts(&b, "sigma_rule");
	const char *name = arena_printf(a, "%s%.*s", b.data[0] >= '0' && b.data[0] <= '9' ? "r_" : "",
					(int)b.len, b.data);
	buf_free(&b);
	return name;
}

/*
 * A YARA-L "..." string literal: \ and " escaped; each run of blanks and
 * control characters (a YAML block's line breaks) is one space, none at
 * either end, since a meta value stays on its line and the language
 * documents no escape for control characters.
 */
/* A blank or control character, which a YARA-L literal folds to one space. */
static bool
blank(char c)
{
	return (unsigned char)c <= ' ' || c == 0x7f;
}

void
template_yaral_string(struct buf *out, const char *s)
{
	bool space = false, any = false;
	buf_putc(out, '"');
	for (const char *p = s ? s : ""; *p;) {
		if (blank(*p)) {
			space = any;
			p++;
			continue;
		}
		if (space)
			buf_putc(out, ' ');
		space = false;
		any = true;
		if (*p == '"' || *p == '\\') {
			buf_putc(out, '\\');
			buf_putc(out, *p++);
			continue;
		}
		/* a run written as it is: up to a blank or a quote, over single spaces */
		size_t n = 1;
		while (p[n] && p[n] != '"' && p[n] != '\\' &&
		       (!blank(p[n]) || (p[n] == ' ' && p[n + 1] && !blank(p[n + 1]))))
			n++;
		buf_putn(out, p, n);
		p += n;
	}
	buf_putc(out, '"');
}

/*
 * --compact for a text template: out from start on one line, each line
 * break with the blanks around it (a blank line too) one space; the final
 * line break stays.
 */
void
template_one_line(struct buf *out, size_t start)
{
	size_t w = start, end = out->len;
	bool nl = end > start && out->data[end - 1] == '\n';
	while (end > start && (out->data[end - 1] == '\n' || out->data[end - 1] == ' '))
		end--;
	for (size_t r = start; r < end;) {
		size_t e = r;
		while (e < end && (out->data[e] == ' ' || out->data[e] == '\n'))
			e++;
		if (e > r && memchr(out->data + r, '\n', e - r)) {
			while (w > start && out->data[w - 1] == ' ')
				w--;
			out->data[w++] = ' ';
			r = e;
		} else {
			out->data[w++] = out->data[r++];
		}
	}
	if (nl)
		out->data[w++] = '\n';
	out->len = w;
	if (out->data)
		out->data[w] = '\0';
}

const char *
template_description_with_id(struct arena *a, const struct rule *r)
{
	const char *d = r->description ? r->description : "";
	if (!r->id || !*r->id)
		return d;
	int n = (int)strlen(d);	/* a block scalar's final line break stays out */
	while (n && isspace((unsigned char)d[n - 1]))
		n--;
	return arena_printf(a, "%.*s%ssigma-id:%s", n, d, n ? "\n\n" : "", r->id);
}
