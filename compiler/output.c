/*
 * output.c: one file for several rules. A SIEM imports a JSON array, an
 * NDJSON file, a YAML stream or a .conf file of stanzas, never two JSON
 * objects back to back; bare queries get a comment line each so a reader
 * knows which rule a query belongs to.
 */
#include "output.h"

#include <string.h>

enum join {
	JOIN_BLANK,	/* a blank line between rules */
	JOIN_COMMENT,	/* a blank line, then a comment naming the rule */
	JOIN_ARRAY,	/* [a, b] */
	JOIN_LINES,	/* NDJSON: one line each */
	JOIN_DOCUMENTS,	/* YAML: --- before each */
	JOIN_MERGE,	/* {"KEY": [a, b]}: the template's merge key (Sumo CSE's rules) */
};

static bool
is_ndjson(const struct template *t)
{
	return t && t->ext && !strcmp(t->ext, "ndjson");
}

bool
output_is_json(const struct session *s)
{
	return s->tpl && s->tpl->mode == TPL_JSON && !is_ndjson(s->tpl);
}

static enum join
join_of(const struct session *s, bool compact)
{
	if (s->product != PRODUCT_QUERY)
		return JOIN_BLANK;
	/* a template in the target's own language (escape text or yaral) joins as its queries */
	if (!s->tpl || s->tpl->mode == TPL_TEXT || s->tpl->mode == TPL_YARAL)
		return compact || !s->be || !s->be->comment_open ? JOIN_BLANK : JOIN_COMMENT;
	if (is_ndjson(s->tpl))
		return JOIN_LINES;
	if (s->tpl->merge)
		return JOIN_MERGE;
	if (s->tpl->mode == TPL_JSON)
		return JOIN_ARRAY;
	return s->tpl->mode == TPL_YAML ? JOIN_DOCUMENTS : JOIN_BLANK;
}

/* Appends JSON text re-indented: one member or element per line, depth * indent spaces. */
static void
json_reindent(const char *p, size_t len, int indent, int depth, struct buf *out)
{
	const char *end = p + len;
	bool in_string = false;
	for (; p < end; p++) {
		char c = *p;
		if (in_string) {
			buf_putc(out, c);
			if (c == '\\' && p + 1 < end)
				buf_putc(out, *++p);
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
			continue;
		if (c == '"') {
			in_string = true;
			buf_putc(out, c);
		} else if (c == '{' || c == '[') {
			const char *q = p + 1;
			while (q < end && strchr(" \n\t\r", *q))
				q++;
			buf_putc(out, c);
			if (q < end && (*q == '}' || *q == ']')) {	/* {} and [] stay together */
				buf_putc(out, *q);
				p = q;
				continue;
			}
			buf_putc(out, '\n');
			buf_indent(out, ++depth * indent);
		} else if (c == '}' || c == ']') {
			buf_putc(out, '\n');
			buf_indent(out, --depth * indent);
			buf_putc(out, c);
		} else if (c == ',') {
			buf_puts(out, ",\n");
			buf_indent(out, depth * indent);
		} else if (c == ':') {
			buf_puts(out, ": ");
		} else {
			buf_putc(out, c);
		}
	}
}

/* One rule's text, without its trailing newlines, re-indented when asked. */
static void
put_piece(const char *p, size_t len, int json_indent, int depth, struct buf *out)
{
	while (len && p[len - 1] == '\n')
		len--;
	if (json_indent >= 0) {
		buf_indent(out, depth * json_indent);
		json_reindent(p, len, json_indent, depth, out);
	} else {
		buf_putn(out, p, len);
	}
}

/* The comment line naming a rule; characters that could end the comment are replaced. */
static void
put_comment(const struct backend *be, const char *label, struct buf *out)
{
	const char *close = be->comment_close;
	size_t nclose = close ? strlen(close) : 0;
	buf_printf(out, "%s ", be->comment_open);
	for (const char *c = label; *c; c++)
		buf_putc(out, (unsigned char)*c < 0x20 || *c == '`' ||
				      (nclose && !strncmp(c, close, nclose)) ? ' ' : *c);
	if (be->comment_close)
		buf_printf(out, " %s", be->comment_close);
	buf_putc(out, '\n');
}

/*
 * One object of every rule's elements: template_load made sure each rule's
 * text is {... "KEY": [ELEMENTS]...}, so the elements lie between the '[' of
 * its first "KEY": [ and its last ']'. The first rule's text gives the rest.
 */
static void
merge_pieces(const struct session *s, const struct buf *in, int indent, struct buf *out)
{
	struct buf all = {0}, key = {0};
	buf_printf(&key, "\"%s\": [", s->tpl->merge);
	const char *tail = NULL;
	size_t ntail = 0;
	for (int i = 0, n = 0; i < s->npieces; i++) {
		const char *text = in->data + s->pieces[i].start;
		size_t len = (i + 1 < s->npieces ? s->pieces[i + 1].start : in->len) - s->pieces[i].start;
		const char *head = strstr(text, key.data), *close = text + len;	/* NUL-ended */
		while (close > text && close[-1] != ']')
			close--;
		if (!head || close <= head + key.len)
			continue;
		const char *open = head + key.len;
		if (!n) {
			buf_putn(&all, text, (size_t)(open - text));
			tail = close - 1;
			ntail = (size_t)(text + len - tail);
			while (ntail && tail[ntail - 1] == '\n')
				ntail--;
		}
		buf_puts(&all, n++ ? ",\n" : "");
		buf_putn(&all, open, (size_t)(close - 1 - open));
	}
	buf_putn(&all, tail ? tail : "", ntail);
	put_piece(all.data ? all.data : "", all.len, indent, 0, out);
	buf_putc(out, '\n');
	buf_free(&all);
	buf_free(&key);
}

void
output_join(const struct session *s, const struct buf *in, bool compact, int json_indent,
	    struct buf *out)
{
	int indent = output_is_json(s) ? json_indent : -1;
	if (s->npieces < 2 && indent < 0) {
		buf_putn(out, in->data ? in->data : "", in->len);
		return;
	}
	enum join how = s->npieces < 2 ? JOIN_BLANK : join_of(s, compact);
	if (how == JOIN_MERGE) {
		merge_pieces(s, in, indent, out);
		return;
	}
	if (how == JOIN_ARRAY)
		buf_puts(out, "[\n");
	for (int i = 0; i < s->npieces; i++) {
		size_t start = s->pieces[i].start;
		size_t end = i + 1 < s->npieces ? s->pieces[i + 1].start : in->len;
		const char *text = in->data + start;
		if (how == JOIN_ARRAY && i)
			buf_puts(out, ",\n");
		if ((how == JOIN_BLANK || how == JOIN_COMMENT) && i)
			buf_putc(out, '\n');
		size_t len = end - start;
		const char *nl = how == JOIN_COMMENT && s->be->comment_in_body
					 ? memchr(text, '\n', len) : NULL;
		if (nl) {	/* first line, the comment, the rest of the body */
			buf_putn(out, text, (size_t)(nl - text) + 1);
			len -= (size_t)(nl - text) + 1;
			text = nl + 1;
		}
		if (how == JOIN_COMMENT && (nl || !s->be->comment_in_body))
			put_comment(s->be, s->pieces[i].label, out);
		if (how == JOIN_DOCUMENTS)
			buf_puts(out, "---\n");
		put_piece(text, len, indent, how == JOIN_ARRAY && indent >= 0, out);
		if (how != JOIN_ARRAY)
			buf_putc(out, '\n');
	}
	if (how == JOIN_ARRAY)
		buf_puts(out, "\n]\n");
}
