/*
 * emit.c: the one walker over struct expr that every backend shares. It
 * lays the boolean structure out (targets.md §0.8: a child group whose
 * operator differs from its parent, and every negation, is parenthesised),
 * calls the backend's match hook for the leaves, and prints lists one value
 * per line once they are longer than LIST_INLINE values.
 */
#include "backend.h"

#include <stdarg.h>
#include <string.h>

#define LIST_INLINE 3	/* longer lists print one value per line */
#define INDENT 4

const struct backend *const backends[] = {
#define TARGET(name, floor) &backend_##name,
#include "targets.def"
#undef TARGET
	NULL,
};

const struct backend *
backend_find(const char *name)
{
	for (int i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, name))
			return backends[i];
	return NULL;
}

/*
 * Every message of a backend that names its target: fmt's text, then with
 * the target's name the words of "by" (a printf format taking it), then tail.
 */
static bool
refusev(struct emitter *em, bool error, struct pos pos, const char *by, const char *tail,
	const char *fmt, va_list ap)
{
	struct buf b = {0};
	buf_vprintf(&b, fmt, ap);
	buf_printf(&b, by, em->be->name);
	buf_puts(&b, tail ? tail : "");
	if (error)
		diag_error(em->d, pos, "%s", b.data);
	else
		diag_warning(em->d, pos, "%s", b.data);
	buf_free(&b);
	return false;
}

bool
emit_unsupported(struct emitter *em, const struct match *m, const char *modifier)
{
	return emit_refuse_unsupported(em, m->pos, NULL, "modifier '%s'", modifier);
}

bool
emit_is_word(const char *s, size_t n, const char *const *keywords, size_t nkeywords)
{
	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	for (size_t i = 0; i < nkeywords; i++)
		if (strlen(keywords[i]) == n && !memcmp(keywords[i], s, n))
			return false;
	return true;
}

bool
emit_refuse(struct emitter *em, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	refusev(em, true, pos, " (target %s)", NULL, fmt, ap);
	va_end(ap);
	return false;
}

bool
emit_refuse_unsupported(struct emitter *em, struct pos pos, const char *tail, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	refusev(em, true, pos, " is not supported by target %s", tail, fmt, ap);
	va_end(ap);
	return false;
}

void
emit_warn(struct emitter *em, struct pos pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	refusev(em, false, pos, " (target %s)", NULL, fmt, ap);
	va_end(ap);
}

bool
emit_refuse_control(struct emitter *em, struct pos pos, const char *what, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !quote_is_control(s[i]))
		i++;
	unsigned c = i < n ? (unsigned char)s[i] : 0;
	return diag_error(em->d, pos, "%s contains control character 0x%02x, which a literal of "
			  "target %s cannot hold", what, c, em->be->name);
}

bool
emit_name_ok(struct emitter *em, struct pos pos, const char *name)
{
	size_t n = strlen(name);
	if (quote_check(&quote_none, name, n) < n)
		return diag_error(em->d, pos, "field name '%s' contains control character 0x%02x, "
				  "which target %s cannot quote", name,
				  (unsigned char)name[quote_check(&quote_none, name, n)], em->be->name);
	if (!em->be->syntax->bare_paths)
		return true;
	bool ok = n && !(name[0] >= '0' && name[0] <= '9') && name[0] != '.';
	for (size_t i = 0; ok && i < n; i++)
		ok = (name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		     (name[i] >= '0' && name[i] <= '9') || name[i] == '_' || name[i] == '.';
	if (!ok)
		return diag_error(em->d, pos, "field name '%s' is not a path of the form "
				  "[A-Za-z_][A-Za-z0-9_.]*, and target %s has no quoting for field "
				  "names", name, em->be->name);
	return true;
}

/* Every field name the query writes: match fields, fieldref operands. */
static bool
emit_names_expr(struct emitter *em, const struct expr *e)
{
	if (e->kind != EXPR_MATCH) {
		for (int i = 0; i < e->nkids; i++)
			if (!emit_names_expr(em, e->kids[i]))
				return false;
		return true;
	}
	const struct match *m = &e->match;
	if (m->field && !emit_name_ok(em, m->pos, m->field))
		return false;
	for (int i = 0; m->op == MATCH_FIELDREF && i < m->nvals; i++)
		if (!emit_name_ok(em, m->pos, m->vals[i].text))
			return false;
	return true;
}

bool
emit_names(struct emitter *em)
{
	const struct query *q = em->q;
	if (!emit_names_expr(em, q->expr) || !flags_names(em))
		return false;
	for (int i = 0; i < q->nflags; i++)
		if (!emit_names_expr(em, q->flags[i].expr))
			return false;
	for (int i = 0; i < q->nproject; i++) {
		struct pos at = q->meta.pos;	/* the fields: entry when it names the column */
		for (int k = 0; q->meta.field_pos && k < q->meta.nfields; k++)
			if (!strcmp(q->meta.fields[k], q->project[i]))
				at = q->meta.field_pos[k];
		if (!emit_name_ok(em, at, q->project[i]))
			return false;
	}
	return true;
}

const struct ir_column *
emit_column(const struct emitter *em, const char *name, unsigned kinds)
{
	for (int i = 0; i < em->q->ncolumns; i++)
		if ((em->q->columns[i].kind & kinds) && !strcmp(em->q->columns[i].name, name))
			return &em->q->columns[i];
	return NULL;
}

struct term *
term_add(struct emitter *em, struct terms *ts, const char *head)
{
	struct term t = {.head = head};
	VEC_PUSH(em->a, ts->v, ts->n, ts->cap, t);
	return &ts->v[ts->n - 1];
}

void
term_item(struct emitter *em, struct term *t, const char *item)
{
	VEC_PUSH(em->a, t->items, t->nitems, t->capitems, item);
}

void
emit_newline(struct emitter *em, int indent)
{
	if (em->compact) {
		buf_putc(em->out, ' ');
		return;
	}
	buf_putc(em->out, '\n');
	buf_indent(em->out, indent);
}

static void
emit_term(struct emitter *em, const struct term *t, int indent)
{
	buf_puts(em->out, t->head);
	if (!t->items)
		return;
	bool inline_list = em->compact || t->nitems <= LIST_INLINE;
	for (int i = 0; i < t->nitems; i++) {
		if (inline_list) {
			if (i)
				buf_puts(em->out, ", ");
		} else {
			if (i)
				buf_putc(em->out, ',');
			emit_newline(em, indent + INDENT);
		}
		buf_puts(em->out, t->items[i]);
	}
	if (!inline_list)
		emit_newline(em, indent);
	buf_puts(em->out, t->tail);
}

/* A child of an n-ary group: its terms, and whether it is itself an OR. */
static bool
emit_kid(struct emitter *em, const struct expr *e, enum expr_kind parent, int indent, bool first);

static bool
emit_terms(struct emitter *em, const struct terms *ts, enum expr_kind parent, int indent,
	   bool first)
{
	const char *or_op = em->be->syntax->or_op;
	int chunk = em->be->syntax->max_chain;
	bool chunked = chunk > 0 && ts->n > chunk;
	bool wrap = ts->n > 1 && (parent != EXPR_OR || chunked);
	int inner = wrap ? indent + INDENT : indent;
	if (!first) {
		emit_newline(em, indent);
		buf_puts(em->out, parent == EXPR_AND ? em->be->syntax->and_op : or_op);
		buf_putc(em->out, ' ');
	}
	if (wrap)
		buf_putc(em->out, '(');
	for (int i = 0; i < ts->n; i++) {
		bool open = chunked && i % chunk == 0, close = chunked && (i % chunk == chunk - 1 ||
									   i == ts->n - 1);
		if (i) {
			emit_newline(em, inner);
			buf_puts(em->out, or_op);
			buf_putc(em->out, ' ');
		}
		if (open)
			buf_putc(em->out, '(');
		emit_term(em, &ts->v[i], inner);
		if (close)
			buf_putc(em->out, ')');
	}
	if (wrap)
		buf_putc(em->out, ')');
	return true;
}

static bool
emit_group(struct emitter *em, const struct expr *e, int indent)
{
	for (int i = 0; i < e->nkids; i++)
		if (!emit_kid(em, e->kids[i], e->kind, indent, i == 0))
			return false;
	return true;
}

static bool
emit_kid(struct emitter *em, const struct expr *e, enum expr_kind parent, int indent, bool first)
{
	const struct syntax *sx = em->be->syntax;
	if (e->kind == EXPR_MATCH) {
		struct terms ts = {0};
		if (!emit_match(em, &e->match, &ts))
			return false;
		return emit_terms(em, &ts, parent, indent, first);
	}
	if (!first) {
		emit_newline(em, indent);
		buf_puts(em->out, parent == EXPR_AND ? sx->and_op : sx->or_op);
		buf_putc(em->out, ' ');
	}
	if (e->kind == EXPR_NOT) {
		buf_puts(em->out, sx->not_open);
		em->negated++;
		bool ok = emit_kid(em, e->kids[0], EXPR_NOT, indent + INDENT, true);
		em->negated--;
		if (!ok)
			return false;
		buf_puts(em->out, sx->not_close);
		return true;
	}
	/* a group under a different operator (or under not) gets parentheses */
	bool wrap = parent != EXPR_NOT;
	if (wrap)
		buf_putc(em->out, '(');
	if (!emit_group(em, e, wrap ? indent + INDENT : indent))
		return false;
	if (wrap)
		buf_putc(em->out, ')');
	return true;
}

bool
emit_expr(struct emitter *em, const struct expr *e, int indent)
{
	if (e->kind == EXPR_AND || e->kind == EXPR_OR)
		return emit_group(em, e, indent);
	return emit_kid(em, e, EXPR_OR, indent, true);
}

const char *
backend_format(const struct backend *be, const char *format)
{
	return (!format || !strcmp(format, "default")) && be->default_format ? be->default_format
									    : format;
}

bool
backend_has_format(const struct backend *be, const char *name)
{
	if (!strcmp(name, "default"))
		return true;
	for (int i = 0; be->formats && be->formats[i].name; i++)
		if (!strcmp(be->formats[i].name, name))
			return true;
	return false;
}

bool
emit_query_sections(struct arena *a, struct diag *d, const struct backend *be,
		    const struct query *q, bool compact, const char *format, struct buf *out,
		    struct query_sections *sections)
{
	struct buf scratch[EMIT_SCRATCH_N] = {{0}};
	struct emitter em = {.a = a, .d = d, .out = out, .be = be, .q = q, .compact = compact,
			     .format = format ? format : "default", .sections = sections,
			     .scratch = scratch};
	size_t start = out->len;
	if (sections)
		sections->n = 0;
	bool ok = emit_names(&em) && be->query(&em);
	for (int i = 0; i < EMIT_SCRATCH_N; i++)
		buf_free(&scratch[i]);
	if (ok && out->len - start > RULE_MAX_OUTPUT_BYTES)
		ok = diag_error(d, q->meta.pos, "the %s query of this rule would be larger than %d MiB, "
				"the limit per rule and target", be->name, RULE_MAX_OUTPUT_BYTES >> 20);
	if (!ok) {
		out->len = start;	/* never half a query */
		if (out->data)
			out->data[start] = '\0';
		if (sections)
			sections->n = 0;
		return false;
	}
	buf_putc(out, '\n');	/* every output ends with one newline (targets.md §0.7) */
	return true;
}

bool
emit_query(struct arena *a, struct diag *d, const struct backend *be, const struct query *q,
	   bool compact, const char *format, struct buf *out)
{
	return emit_query_sections(a, d, be, q, compact, format, out, NULL);
}

void
query_section_add(struct query_sections *s, const char *name, const char *text)
{
	if (!s || s->n == QUERY_SECTIONS_MAX)
		return;
	s->name[s->n] = name;
	s->text[s->n++] = text;
}

void
emit_section(struct emitter *em, const char *name, const char *text)
{
	if (em->sections)
		query_section_add(em->sections, name, arena_strdup(em->a, text));
}

enum vclass
value_class(const struct pattern *p, const struct seg **lit)
{
	const struct seg *s = p->segs;
	int n = p->nsegs;
	*lit = NULL;
	for (int i = 0; i < n; i++)
		if (s[i].kind == SEG_QMARK || s[i].kind == SEG_PLACEHOLDER)
			return VCLASS_PATTERN;
	if (n == 0)
		return VCLASS_EXACT;
	if (n == 1) {
		if (s[0].kind == SEG_STAR)
			return VCLASS_ANY;
		*lit = &s[0];
		return VCLASS_EXACT;
	}
	if (n == 2) {
		*lit = s[0].kind == SEG_TEXT ? &s[0] : &s[1];
		return s[0].kind == SEG_TEXT ? VCLASS_PREFIX : VCLASS_SUFFIX;
	}
	if (n == 3 && s[0].kind == SEG_STAR && s[1].kind == SEG_TEXT && s[2].kind == SEG_STAR) {
		*lit = &s[1];
		return VCLASS_CONTAINS;
	}
	return VCLASS_PATTERN;
}

bool
emit_pattern_regex(struct buf *out, const struct pattern *p, const char *metas)
{
	/* written straight into reserved room, not through quote_put: this runs for every
	 * value most targets write as a regex. 1: a meta, escaped; 2: a control
	 * character, as \xNN (NUL too) */
	static const char hex[] = "0123456789abcdef";
	unsigned char cls[256] = {0};
	for (const char *m = metas; m && *m; m++)
		cls[(unsigned char)*m] = 1;
	memset(cls, 2, 0x20);
	cls[0x7f] = 2;
	bool dot = false;
	buf_putc(out, '^');
	for (int i = 0; i < p->nsegs; i++) {
		const struct seg *s = &p->segs[i];
		if (s->kind != SEG_TEXT) {
			buf_puts(out, s->kind == SEG_STAR ? ".*" : ".");
			dot = true;
			continue;
		}
		buf_reserve(out, 4 * s->len);
		char *w = out->data + out->len;
		for (size_t k = 0; k < s->len; k++) {
			unsigned char c = (unsigned char)s->text[k];
			if (!cls[c]) {
				*w++ = (char)c;
			} else if (cls[c] == 1) {
				*w++ = '\\';
				*w++ = (char)c;
			} else {
				*w++ = '\\';
				*w++ = 'x';
				*w++ = hex[c >> 4];
				*w++ = hex[c & 15];
			}
		}
		out->len = (size_t)(w - out->data);
		out->data[out->len] = '\0';
	}
	buf_putc(out, '$');
	return dot;
}
