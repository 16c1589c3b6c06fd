/*
 * template_render.c: rendering a format template (template.c loads it): the
 * values of the {{name}} placeholders from the rule, the query and the
 * options, each escaped for the enclosing format (json, yaml, conf, text or
 * yaral), and the {{#section}}, {{^section}} and {{@list}} blocks. See
 * templates/README.md for the placeholder language.
 */
#include "template_impl.h"
#include "manifest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values -------------------------------------------------------------------------------- */

static struct tval
list_of(const char **v, int n)
{
	return (struct tval){NULL, v, n};
}

static struct tval
scalar(const char *s)
{
	return (struct tval){s, NULL, -1};
}

/* The digits of a date (modified, else date), a version number that grows; "1" without one. */
static const char *
date_version(struct arena *a, const char *date)
{
	char digits[16];
	size_t n = 0;
	for (const char *c = date; c && *c && n + 1 < sizeof(digits); c++)
		if (isdigit((unsigned char)*c))
			digits[n++] = *c;
	digits[n] = '\0';
	return n == 8 ? arena_strndup(a, digits, n) : "1";
}

/* The value of a placeholder name; false when the name is unknown. */
static bool
lookup(struct arena *a, const struct template *t, const struct rule *r, const char *query,
       const struct options *o, const char *name, struct tval *out)
{
	const char *level = template_option(t, o, "level");	/* an output's severity */
	if (!strcmp(name, "level") && level && *level)
		return *out = scalar(level), true;
	const struct {
		const char *name, *value;
	} scalars[] = {
		{"title", r->title}, {"id", r->id}, {"name", r->name}, {"status", r->status},
		{"description", r->description}, {"author", r->author}, {"date", r->date},
		{"modified", r->modified}, {"level", r->level}, {"license", r->license},
		{"query", query}, {"target", t->target},
	};
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		if (!strcmp(name, scalars[i].name)) {
			*out = scalar(scalars[i].value);
			return true;
		}
	}
	if (!strcmp(name, "references"))
		return *out = list_of(r->references, r->nreferences), true;
	if (!strcmp(name, "tags"))
		return *out = list_of(r->tags, r->ntags), true;
	if (!strcmp(name, "falsepositives"))
		return *out = list_of(r->falsepositives, r->nfalsepositives), true;
	if (!strcmp(name, "authors")) {	/* "a, b" as a list */
		struct tval l = {0};
		int cap = 0;
		for (const char *p = r->author; p && *p;) {
			size_t n = strcspn(p, ",");
			const char *s = p, *e = p + n;
			while (s < e && isspace((unsigned char)*s))
				s++;
			while (e > s && isspace((unsigned char)e[-1]))
				e--;
			if (e > s)
				tval_add(a, &l, &cap, arena_strndup(a, s, (size_t)(e - s)));
			p += n + (p[n] == ',');
		}
		return *out = l, true;
	}
	if (template_attack_list(a, r, name, out))
		return true;
	if ((!strcmp(name, "ecs_threat") || !strcmp(name, "graph_tactics")) && t->attack) {
		struct buf json = {0};
		(name[0] == 'e' ? template_ecs_threat : template_graph_tactics)(a, t->attack, r, &json);
		*out = scalar(arena_strndup(a, json.data, json.len));
		buf_free(&json);
		return true;
	}
	if (!strcmp(name, "attack_pairs") && t->attack)
		return *out = template_attack_pairs(a, t->attack, r), true;
	if (t->attack && template_attack_named(a, t->attack, r, name, out))
		return true;
	if (!strcmp(name, "all_tactics") && t->attack)
		return *out = template_all_tactics(a, t->attack, r), true;
	if (!strcmp(name, "identifier"))
		return *out = scalar(template_identifier(a, r)), true;
	if (!strcmp(name, "description_with_id"))
		return *out = scalar(template_description_with_id(a, r)), true;
	if (!strcmp(name, "date_version"))	/* 2024/03/15 -> 20240315: grows with each edit */
		return *out = scalar(date_version(a, r->modified ? r->modified : r->date)), true;
	if (!strcmp(name, "query_version")) {	/* and in build with the query too (manifest.c) */
		const char *base = date_version(a, r->modified ? r->modified : r->date);
		return *out = scalar(o->versions ? content_version(a, o->versions, query, base) : base),
		       true;
	}
	for (unsigned i = 0; i < t->maps_count; i++) {
		const struct tpl_map *m = &t->maps[i];
		if (strcmp(name, m->name))
			continue;
		struct tval from;
		if (!lookup(a, t, r, query, o, m->from, &from))
			return false;
		const char *key = from.n < 0 ? from.s : from.n > 0 ? from.v[0] : NULL;
		return *out = scalar(template_map_value(a, t, m, o, key)), true;
	}
	for (unsigned i = 0; i < t->options_count; i++) {
		const struct tpl_option *op = &t->options[i];
		if (strcmp(name, op->name))
			continue;
		const char *v = options_get(o, op->name);
		v = v ? v : op->fallback;
		if (!op->list)
			return *out = scalar(v), true;
		struct tval l = {0};
		int cap = 0;
		for (const char *p = v; *p;) {
			size_t n = strcspn(p, ",");
			if (n)
				tval_add(a, &l, &cap, arena_strndup(a, p, n));
			p += n + (p[n] == ',');
		}
		return *out = l, true;
	}
	return false;
}

static bool
present(const struct tval *v)
{
	return v->n < 0 ? v->s && *v->s : v->n > 0;
}

/* ---- escaping ------------------------------------------------------------------------- */

void
json_put_string(struct buf *out, const char *s);	/* diag.c */

/*
 * The YAML escape of the character at p, or NULL if it may stand as it is.
 * Besides C0 and DEL, a YAML reader folds or rejects the C1 controls (NEL,
 * U+0085, is a line break to it), the Unicode line and paragraph separators
 * and a byte-order mark; each has an escape in a double-quoted scalar.
 */
static const char *
yaml_escape(const unsigned char *p, int *len)
{
	static char hex[8];
	*len = 1;
	switch (p[0]) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\n': return "\\n";
	case '\t': return "\\t";
	case '\r': return "\\r";
	}
	if (p[0] < 0x20 || p[0] == 0x7f) {
		snprintf(hex, sizeof(hex), "\\x%02x", p[0]);
		return hex;
	}
	*len = p[0] == 0xc2 ? 2 : 3;
	if (p[0] == 0xc2 && p[1] == 0x85)
		return "\\N";
	if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0) {
		snprintf(hex, sizeof(hex), "\\x%02x", p[1]);
		return hex;
	}
	if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
		return p[2] == 0xa8 ? "\\L" : "\\P";
	if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return "\\uFEFF";
	*len = 1;
	return NULL;
}

static void
yaml_put_string(struct buf *out, const char *s)
{
	buf_putc(out, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n;
		const char *e = yaml_escape(p, &n);
		if (e)
			buf_puts(out, e);
		else
			buf_putc(out, (char)*p);
		p += n;
	}
	buf_putc(out, '"');
}

/*
 * savedsearches.conf: a value continues over lines with a trailing backslash,
 * so a value never ends with one (it would swallow the next setting) and
 * control characters other than line breaks and tabs are dropped (the format
 * has no escapes).
 */
static void
conf_put(struct buf *out, const char *s)
{
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '\\' ||
		     (unsigned char)s[n - 1] < 0x20 || s[n - 1] == 0x7f))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			while (out->len && out->data[out->len - 1] == ' ')
				out->len--;
			buf_puts(out, out->len && out->data[out->len - 1] != ' ' ? " \\\n" : "\\\n");
		} else if (s[i] == '\t' || ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)) {
			buf_putc(out, s[i]);
		}
	}
}

static void
put_scalar(struct buf *out, enum tpl_escape mode, const char *s)
{
	switch (mode) {
	case TPL_JSON: json_put_string(out, s ? s : ""); break;
	case TPL_YAML: yaml_put_string(out, s ? s : ""); break;
	case TPL_CONF: conf_put(out, s ? s : ""); break;
	case TPL_TEXT: buf_puts(out, s ? s : ""); break;
	case TPL_YARAL: template_yaral_string(out, s); break;
	}
}

/* A list's elements joined by sep, as one string (arena). */
static const char *
joined(struct arena *a, const struct tval *v, const char *sep)
{
	if (v->n < 0)
		return v->s;
	struct buf b = {0};
	for (int i = 0; i < v->n; i++) {
		if (i)
			buf_puts(&b, sep);
		buf_puts(&b, v->v[i]);
	}
	const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

static void
put_value(struct arena *a, struct buf *out, enum tpl_escape mode, const struct tval *v)
{
	if (v->n < 0 || mode == TPL_YARAL) {	/* a YARA-L list is one literal */
		put_scalar(out, mode, joined(a, v, ", "));
		return;
	}
	bool flow = mode == TPL_JSON || mode == TPL_YAML;
	if (flow)
		buf_putc(out, '[');
	for (int i = 0; i < v->n; i++) {
		if (i)
			buf_puts(out, ", ");
		put_scalar(out, mode, v->v[i]);
	}
	if (flow)
		buf_putc(out, ']');
}

/*
 * A YAML literal block: "|-" and every line indented by n spaces, or a quoted
 * scalar where a block cannot hold the text (a first line that starts with a
 * space, control characters, or the Unicode line breaks a YAML reader honours).
 */
static void
put_block(struct buf *out, const char *s, int n)
{
	bool quote = !s || *s == ' ';
	for (const unsigned char *p = (const unsigned char *)s; p && *p && !quote;) {
		int n;
		const char *e = yaml_escape(p, &n);
		quote = e && *p != '\n' && *p != '\t' && *p != '"' && *p != '\\';
		p += n;
	}
	if (quote) {
		yaml_put_string(out, s ? s : "");
		return;
	}
	buf_puts(out, "|-");
	for (const char *p = s; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		buf_putc(out, '\n');
		if (len)
			buf_indent(out, n);
		buf_putn(out, p, len);
		p = nl ? nl + 1 : p + len;
	}
}

/* ---- rendering ------------------------------------------------------------------------------- */

struct seen_value {
	const char *name;
	size_t len;
	struct tval v;
};

struct renderer {
	struct arena *a;
	const struct template *t;
	const struct rule *r;
	const char *query;
	const struct options *o;
	struct diag *d;
	struct pos pos;
	int index;	/* inside {{@list}}: the element that name[] stands for */
	const struct tpl_extra *extra;
	int nextra;
	const struct tpl_source *src;	/* NULL: nothing known of the query's table */
	bool failed;	/* a placeholder's value was refused, with a diagnostic */
	/* the values looked up so far: a format names most values twice (a section's
	 * test, then its text) and some, the ATT&CK lists, cost a walk of the tags */
	struct seen_value seen[32];
	int nseen;
};

/* The placeholders from the query's table and columns (template_tables.c); false when
 * name is not one of them. A refusal sets rd->failed after its diagnostic. */
static bool
lookup_tables(struct renderer *rd, const char *name, struct tval *out)
{
	static const struct tpl_source unknown = {0};
	const struct tpl_source *src = rd->src ? rd->src : &unknown;
	const struct table_facts *f = rd->t->tables;
	bool assets = !strcmp(name, "assets");
	if (!f || (strcmp(name, "connectors") && strcmp(name, "entities") && !assets))
		return false;
	struct buf json = {0};
	if (name[0] == 'c')
		table_facts_connectors(f, src, &json);
	else if (name[0] == 'e')
		table_facts_entities(rd->a, f, src, &json);
	else if (!table_facts_assets(rd->a, f, src, &json))
		rd->failed = !diag_error(rd->d, rd->pos, "format %s/%s: the results of %s carry no column "
				      "that names an impacted asset there (%s)", rd->t->target,
				      rd->t->format, src->table ? src->table : "the query",
				      table_facts_asset_columns(rd->a, f));
	/* no entity: absent (Sentinel takes no empty entityMappings), so a section can drop it */
	bool empty = json.len <= 2;
	*out = scalar(empty && name[0] == 'e' ? NULL : arena_strndup(rd->a, empty ? "[]" : json.data,
								       empty ? 2 : json.len));
	buf_free(&json);
	return true;
}

/* Like lookup, the extra placeholders first. */
static bool
lookup_in(struct renderer *rd, const char *name, struct tval *out)
{
	for (int i = 0; i < rd->nextra; i++)
		if (!strcmp(rd->extra[i].name, name))
			return *out = scalar(rd->extra[i].value), true;
	/* a map over an extra placeholder */
	for (unsigned i = 0; i < rd->t->maps_count; i++) {
		const struct tpl_map *m = &rd->t->maps[i];
		for (int k = 0; k < rd->nextra && !strcmp(m->name, name); k++) {
			if (strcmp(rd->extra[k].name, m->from))
				continue;
			*out = scalar(m->fallback);
			for (unsigned v = 0; rd->extra[k].value && v < m->values_count; v++)
				if (!strcmp(m->values[v].from, rd->extra[k].value))
					*out = scalar(m->values[v].to);
			return true;
		}
	}
	/* a section of the query (sections:): absent when the query has none */
	for (unsigned i = 0; i < rd->t->sections_count; i++) {
		if (strcmp(rd->t->sections[i], name))
			continue;
		*out = scalar(NULL);
		for (int k = 0; rd->src && k < rd->src->nsections; k++)
			if (!strcmp(rd->src->sections[k].name, name))
				*out = scalar(rd->src->sections[k].value);
		return true;
	}
	if (lookup_tables(rd, name, out))
		return !rd->failed;
	return lookup(rd->a, rd->t, rd->r, rd->query, rd->o, name, out);
}

/* lookup_in once per name and rendering; not query_version, whose every lookup
 * records the query's version (manifest.c). */
static bool
lookup_once(struct renderer *rd, const char *name, struct tval *out)
{
	size_t n = strlen(name);
	for (int i = 0; i < rd->nseen; i++)
		if (rd->seen[i].len == n && !memcmp(rd->seen[i].name, name, n))
			return *out = rd->seen[i].v, true;
	if (!lookup_in(rd, name, out))
		return false;
	if (rd->nseen < (int)(sizeof(rd->seen) / sizeof(rd->seen[0])) && strcmp(name, "query_version"))
		rd->seen[rd->nseen++] = (struct seen_value){name, n, *out};
	return true;
}

/* A JSON object's text without its outer braces (and the blanks inside them), so a
 * template can add members to an object the backend wrote. */
static const char *
json_members(struct arena *a, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	if (n < 2 || s[0] != '{' || s[n - 1] != '}')
		return s;
	s++, n -= 2;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n && isspace((unsigned char)*s))
		s++, n--;
	return arena_strndup(a, s, n);
}

static bool
render(struct renderer *rd, const char *p, const char *end, struct buf *out, bool emit)
{
	while (p < end) {
		const char *open = strstr(p, "{{");
		if (!open || open >= end) {
			if (emit)
				buf_putn(out, p, (size_t)(end - p));
			return true;
		}
		if (emit)
			buf_putn(out, p, (size_t)(open - p));
		const char *close = strstr(open, "}}");
		if (!close || close >= end)
			return diag_error(rd->d, rd->pos, "format %s/%s: unclosed '{{'", rd->t->target,
					  rd->t->format);
		char *tag = arena_strndup(rd->a, open + 2, (size_t)(close - open - 2));
		p = close + 2;
		char kind = strchr("#^@", tag[0]) ? tag[0] : 0;
		char *name = kind ? tag + 1 : tag, *filter = strchr(name, '|');
		if (filter)
			*filter++ = '\0';
		size_t nlen = strlen(name);
		bool element = nlen > 2 && !strcmp(name + nlen - 2, "[]");	/* name[] in {{@...}} */
		if (element)
			name[nlen - 2] = '\0';
		struct tval v;
		const char *span = NULL;
		if (!lookup_once(rd, name, &v))
			return rd->failed ? false : diag_error(rd->d, rd->pos, "format %s/%s: unknown placeholder '%s'",
					  rd->t->target, rd->t->format, name);
		if (element)
			v = scalar(v.n >= 0 && rd->index >= 0 && rd->index < v.n ? v.v[rd->index] : NULL);
		if (kind) {	/* a section: shown when the value is (or is not) present */
			char *stop = arena_alloc_raw(rd->a, nlen + 6);	/* {{/name}} */
			memcpy(stop, "{{/", 3);
			memcpy(stop + 3, name, strlen(name));
			memcpy(stop + 3 + strlen(name), "}}", 3);
			const char *sec_end = strstr(p, stop);
			if (!sec_end || sec_end >= end)
				return diag_error(rd->d, rd->pos, "format %s/%s: section '%s' is not closed",
						  rd->t->target, rd->t->format, name);
			int times = kind == '@' ? (v.n > 0 ? v.n : 0) : present(&v) == (kind == '#');
			for (int i = 0; i < times || (i == 0 && !emit); i++) {
				if (kind == '@' && i && emit)
					buf_puts(out, ", ");	/* {{@list}}: once per element, comma-joined */
				rd->index = kind == '@' ? i : rd->index;
				if (!render(rd, p, sec_end, out, emit && i < times))
					return false;
			}
			rd->index = -1;
			p = sec_end + strlen(name) + 5;
			continue;
		}
		if (!emit)
			continue;
		if (!filter) {
			put_value(rd->a, out, rd->t->mode, &v);
		} else if (!strcmp(filter, "raw")) {
			put_value(rd->a, out, TPL_TEXT, &v);
		} else if (!strncmp(filter, "raw ", 4)) {	/* at most the first N of a list */
			int cap = atoi(filter + 4);
			if (v.n > cap) {	/* a vendor's limit: said, never silent */
				diag_warning(rd->d, rd->pos, "format %s/%s: '%s' has %d entries; the "
					     "format takes at most %d, the first %d are written",
					     rd->t->target, rd->t->format, name, v.n, cap, cap);
				v.n = cap;
			}
			put_value(rd->a, out, TPL_TEXT, &v);
		} else if (!strncmp(filter, "join ", 5)) {
			put_scalar(out, rd->t->mode, joined(rd->a, &v, filter + 5));
		} else if (!strncmp(filter, "block ", 6)) {
			put_block(out, v.n < 0 ? v.s : NULL, atoi(filter + 6));
		} else if (!strcmp(filter, "items") || !strncmp(filter, "prefix ", 7)) {
			/* a list's elements without brackets (or a scalar), after a prefix */
			const char *prefix = filter[0] == 'p' ? filter + 7 : "";
			for (int i = 0; i < (v.n < 0 ? 1 : v.n); i++) {
				if (i)
					buf_puts(out, ", ");
				put_scalar(out, rd->t->mode, arena_printf(rd->a, "%s%s", prefix,
									  v.n < 0 ? (v.s ? v.s : "") : v.v[i]));
			}
		} else if (!strncmp(filter, "delete ", 7)) {
			/* the scalar without some characters and without control characters:
			 * a name that must stay on its line, such as a .conf stanza */
			struct buf kept = {0};
			for (const char *c = v.n < 0 && v.s ? v.s : ""; *c; c++)
				if (!strchr(filter + 7, *c) && (unsigned char)*c >= 0x20 && *c != 0x7f)
					buf_putc(&kept, *c);
			put_scalar(out, rd->t->mode, kept.data ? kept.data : "");
			buf_free(&kept);
		} else if (template_filter_span(rd->a, filter, v.n < 0 ? v.s : NULL, &span)) {
			if (!span)
				return diag_error(rd->d, rd->pos, "format %s/%s: '%s' has no %s form",
						  rd->t->target, rd->t->format, v.n < 0 && v.s ? v.s : "",
						  filter);
			put_scalar(out, TPL_TEXT, span);
		} else if (!strcmp(filter, "name")) {
			/* inside a string of the format (an ARM resource name): only letters,
			 * digits, '-', '_' and '.', whatever the rule holds */
			for (const char *c = v.n < 0 && v.s ? v.s : ""; *c; c++)
				if (isalnum((unsigned char)*c) || strchr("-_.", *c))
					buf_putc(out, *c);
		} else if (!strcmp(filter, "members")) {
			buf_puts(out, json_members(rd->a, v.n < 0 ? v.s : NULL));
		} else if (!strcmp(filter, "first")) {
			put_scalar(out, rd->t->mode, v.n < 0 ? v.s : v.n ? v.v[0] : NULL);
		} else {
			return diag_error(rd->d, rd->pos, "format %s/%s: unknown filter '%s'",
					  rd->t->target, rd->t->format, filter);
		}
	}
	return true;
}

/* The characters of s (UTF-8 code points), as a vendor counts a query's length. */
static size_t
characters(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static bool
render_with(struct arena *a, struct diag *d, const struct template *t, const char *body,
	    const struct rule *r, const char *query, const struct tpl_source *src,
	    const struct options *o, const struct tpl_extra *extra, int nextra, struct buf *out)
{
	/* the query without its final newline: the template places the line ends */
	size_t n = strlen(query);
	while (n && query[n - 1] == '\n')
		n--;
	struct renderer rd = {.a = a, .t = t, .r = r, .query = arena_strndup(a, query, n), .o = o,
			      .d = d, .pos = r->pos, .index = -1, .extra = extra, .nextra = nextra,
			      .src = src};
	size_t length = characters(query, n);
	if (t->query_max && length > t->query_max)
		return diag_error(d, r->pos, "the query is %zu characters long: format %s/%s takes "
				  "at most %u", length, t->target, t->format, t->query_max);
	for (unsigned i = 0; i < t->required_count; i++) {
		struct tval v;
		if (!lookup(a, t, r, rd.query, o, t->required[i], &v))
			return diag_error(d, r->pos, "format %s/%s: unknown placeholder '%s'",
					  t->target, t->format, t->required[i]);
		if (!present(&v) && template_option(t, o, t->required[i]))
			return diag_error(d, r->pos, "format %s/%s needs -O %s=VALUE", t->target,
					  t->format, t->required[i]);
		if (!present(&v))
			return diag_error(d, r->pos, "rule has no '%s': format %s/%s needs it",
					  t->required[i], t->target, t->format);
	}
	size_t start = out->len;
	if (!render(&rd, body, body + strlen(body), out, true)) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
		return false;
	}
	return true;
}

bool
template_render(struct arena *a, struct diag *d, const struct template *t, const struct rule *r,
		const char *query, const struct tpl_source *src, const struct options *o,
		struct buf *out)
{
	return render_with(a, d, t, t->body, r, query, src, o, NULL, 0, out);
}

bool
template_render_body(struct arena *a, struct diag *d, const struct template *t, const char *body,
		     const struct rule *r, const char *query, const struct options *o,
		     const struct tpl_extra *extra, int nextra, struct buf *out)
{
	return render_with(a, d, t, body, r, query, NULL, o, extra, nextra, out);
}
