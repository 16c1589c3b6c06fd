/*
 * yaml.c: YAML text to a tree of struct ynode, the first stage of the
 * pipeline. libyaml's event stream is read and our nodes are built directly
 * from it, so every limit is checked while streaming: nesting depth before
 * libyaml goes deeper, nodes per document, and the nodes that aliases add
 * (aliased nodes are shared, not copied, but every later stage walks them
 * once per use). Keys must be scalars without NUL and are checked for
 * duplicates as they arrive (hashed beyond a few keys). Plain scalars are
 * typed by the YAML 1.2 core schema. A long scalar keeps libyaml's buffer
 * instead of being copied again.
 */
#include "sigma.h"
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct walker {
	struct arena *a;
	struct diag *d;
	const struct source *src;
	yaml_document_t *doc;
	struct ynode **memo;	/* converted node per libyaml index */
	uint64_t *size;		/* expanded node count per index */
	int nnodes;
};

static struct pos
mark_pos(const struct source *src, yaml_mark_t m)
{
	return (struct pos){src->name, (int)m.line + 1, (int)m.column + 1};
}

/* Position of a byte offset, for reader errors that carry no mark. */
static struct pos
offset_pos(const struct source *src, size_t off)
{
	struct pos p = {src->name, 1, 1};
	for (size_t i = 0; i < off && i < src->len; i++) {
		if (src->text[i] == '\n') {
			p.line++;
			p.col = 1;
		} else if (((unsigned char)src->text[i] & 0xc0) != 0x80) {
			p.col++;
		}
	}
	return p;
}

static bool
all_digits(const char *s, const char *digits)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr(digits, *s))
			return false;
	return true;
}

static bool
is_float(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s == '.' && (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF")))
		return true;
	bool digits = false, dot = false;
	while ((*s >= '0' && *s <= '9') || *s == '.') {
		if (*s == '.') {
			if (dot)
				return false;
			dot = true;
		} else {
			digits = true;
		}
		s++;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!all_digits(s, "0123456789"))
			return false;
		return true;
	}
	return *s == '\0' && dot;
}

static enum scalar_type
scalar_type(const char *s, size_t len)
{
	/* most values start with a letter no typed scalar starts with: skip the comparisons */
	if (len && !strchr("~nNtTfF+-.0123456789", s[0]))
		return SCALAR_STR;
	/* the null and bool words are at most 5 letters: longer texts ("filter", "false1") skip them */
	bool word = len && strnlen(s, 6) <= 5;
	if (len == 0 || (word && (!strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
				  !strcmp(s, "NULL"))))
		return SCALAR_NULL;
	if (strlen(s) != len)
		return SCALAR_STR;
	if (word && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
		     !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")))
		return SCALAR_BOOL;
	const char *d = (*s == '+' || *s == '-') ? s + 1 : s;
	if (all_digits(d, "0123456789"))
		return SCALAR_INT;
	if (!strncmp(s, "0x", 2) && all_digits(s + 2, "0123456789abcdefABCDEF"))
		return SCALAR_INT;
	if (!strncmp(s, "0o", 2) && all_digits(s + 2, "01234567"))
		return SCALAR_INT;
	if (is_float(s) ||
	    (*s == '.' && (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))))
		return SCALAR_FLOAT;
	return SCALAR_STR;
}

/* An open sequence or mapping. */
struct frame {
	struct ynode *node;
	size_t first;		/* its first kid in builder.kids */
	uint64_t size;		/* nodes below it, aliases expanded */
	int height;		/* levels below it */
	char *anchor;		/* &name, registered when the node is complete */
	struct strmap keys;	/* mapping with many keys: key -> kid index */
};

/* What an anchor names, for its aliases. */
struct yanchor {
	struct ynode *node;
	uint64_t size;
	int height;
	int line;
};

struct builder {
	struct arena *a;
	struct diag *d;
	const struct source *src;
	struct frame *stack;	/* heap */
	int depth, cap;
	struct ynode **kids;	/* heap: kids of every open node, innermost last */
	size_t nkids, capkids;
	struct strmap anchor_index;	/* name -> anchors[] */
	struct yanchor *anchors;
	int nanchors, capanchors;
	uint64_t nodes, alias_nodes;
	struct pos root;	/* where the limits of the document are reported */
	struct ynode *doc;
};

/* Keys a mapping checks by scanning before it builds a hash index. */
#define SCAN_KEYS 16

static bool
check_key(struct builder *b, struct frame *f, struct ynode *k)
{
	if (k->kind != YNODE_SCALAR)
		return diag_error(b->d, k->pos, "mapping key must be a scalar, not a %s",
				  yaml_kind_name(k));
	if (memchr(k->text, '\0', k->len))
		return diag_error(b->d, k->pos, "mapping key contains a NUL character");
	int nkeys = (int)(b->nkids - f->first) / 2, first = -1;
	if (nkeys == 0)	/* the first key: nothing to compare (and b->kids may be NULL) */
		return true;
	struct ynode **kids = b->kids + f->first;
	if (nkeys < SCAN_KEYS) {
		for (int j = 0; j < nkeys && first < 0; j++)
			if (kids[2 * j]->len == k->len && !memcmp(kids[2 * j]->text, k->text, k->len))
				first = j;
	} else {
		if (nkeys == SCAN_KEYS)	/* index the keys so far */
			for (int j = 0; j < nkeys; j++)
				strmap_put(b->a, &f->keys, kids[2 * j]->text, kids[2 * j]->len, j);
		first = strmap_put(b->a, &f->keys, k->text, k->len, nkeys);
	}
	if (first >= 0)
		return diag_error(b->d, k->pos, "duplicate key '%s' (first defined at line %d)",
				  k->text, kids[2 * first]->pos.line);
	return true;
}

static bool
register_anchor(struct builder *b, char *name, struct ynode *y, uint64_t size, int height)
{
	struct yanchor an = {y, size, height, y->pos.line};
	int at = strmap_put(b->a, &b->anchor_index, name, strlen(name), b->nanchors);
	if (at >= 0)
		return diag_error(b->d, y->pos, "duplicate anchor '&%s' (first defined at line %d)",
				  name, b->anchors[at].line);
	VEC_PUSH(b->a, b->anchors, b->nanchors, b->capanchors, an);
	return true;
}

/* Adds a complete node (size nodes, height levels below it) to the open one. */
static bool
add_node(struct builder *b, struct ynode *y, uint64_t size, int height)
{
	if (b->depth == 0) {
		b->doc = y;
		return true;
	}
	struct frame *f = &b->stack[b->depth - 1];
	if (f->node->kind == YNODE_MAP && (b->nkids - f->first) % 2 == 0 && !check_key(b, f, y))
		return false;
	if (b->nkids == b->capkids) {
		b->capkids = b->capkids ? 2 * b->capkids : 256;
		b->kids = mem_realloc(b->kids, sizeof(*b->kids) * b->capkids);
	}
	b->kids[b->nkids++] = y;
	f->size += size;
	if (height + 1 > f->height)
		f->height = height + 1;
	return true;
}

/* Checks the limits for a node starting at depth b->depth. */
static bool
check_limits(struct builder *b, struct pos pos, int height)
{
	if (b->depth == 0)
		b->root = pos;
	if (b->depth + height > YAML_MAX_DEPTH)
		return diag_error(b->d, pos, "nesting deeper than %d levels", YAML_MAX_DEPTH);
	if (b->alias_nodes > YAML_MAX_ALIAS_NODES)
		return diag_error(b->d, b->root, "document expands to more than %d nodes through aliases",
				  YAML_MAX_ALIAS_NODES);
	if (++b->nodes > YAML_MAX_NODES)
		return diag_error(b->d, b->root, "document has more than %d nodes", YAML_MAX_NODES);
	return true;
}

static char *
take_anchor(struct builder *b, yaml_char_t *anchor)
{
	return anchor ? arena_strdup(b->a, (const char *)anchor) : NULL;
}

static bool
on_scalar(struct builder *b, yaml_event_t *ev)
{
	struct ynode *y = arena_alloc_raw(b->a, sizeof(*y));	/* every field set here */
	*y = (struct ynode){.pos = mark_pos(b->src, ev->start_mark), .kind = YNODE_SCALAR};
	if (!check_limits(b, y->pos, 0))
		return false;
	y->len = ev->data.scalar.length;
	if (y->len >= 4096) {	/* keep libyaml's buffer, trimmed, rather than a second copy */
		char *t = mem_realloc(ev->data.scalar.value, y->len + 1);
		y->text = t ? t : (char *)ev->data.scalar.value;
		arena_adopt(b->a, (void *)y->text);
		ev->data.scalar.value = NULL;
	} else {
		y->text = arena_strndup(b->a, (const char *)ev->data.scalar.value, y->len);
	}
	y->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	y->type = y->quoted ? SCALAR_STR : scalar_type(y->text, y->len);
	char *anchor = take_anchor(b, ev->data.scalar.anchor);
	if (anchor && !register_anchor(b, anchor, y, 1, 0))
		return false;
	return add_node(b, y, 1, 0);
}

static bool
on_start(struct builder *b, yaml_event_t *ev, enum ynode_kind kind)
{
	struct ynode *y = arena_alloc(b->a, sizeof(*y));
	y->pos = mark_pos(b->src, ev->start_mark);
	y->kind = kind;
	if (!check_limits(b, y->pos, 0))
		return false;
	if (b->depth == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		b->stack = mem_realloc(b->stack, sizeof(*b->stack) * (size_t)b->cap);
	}
	yaml_char_t *anchor = kind == YNODE_SEQ ? ev->data.sequence_start.anchor
						: ev->data.mapping_start.anchor;
	b->stack[b->depth++] = (struct frame){y, b->nkids, 1, 0, take_anchor(b, anchor), {0}};
	return true;
}

static bool
on_end(struct builder *b)
{
	struct frame f = b->stack[--b->depth];
	struct ynode *y = f.node;
	size_t n = b->nkids - f.first;
	y->kids = arena_alloc_raw(b->a, sizeof(*y->kids) * (n ? n : 1));
	if (n)
		memcpy(y->kids, b->kids + f.first, sizeof(*y->kids) * n);
	y->nkids = (int)n;
	b->nkids = f.first;
	if (f.anchor && !register_anchor(b, f.anchor, y, f.size, f.height))
		return false;
	return add_node(b, y, f.size, f.height);
}

static bool
on_alias(struct builder *b, yaml_event_t *ev)
{
	struct pos pos = mark_pos(b->src, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	int at = strmap_get(&b->anchor_index, name, strlen(name));
	if (at < 0)	/* also an alias inside its own anchor, which would be a cycle */
		return diag_error(b->d, pos, "YAML syntax error: found undefined alias");
	const struct yanchor *an = &b->anchors[at];
	b->alias_nodes += an->size;
	b->nodes--;	/* check_limits counts the alias itself */
	if (!check_limits(b, pos, an->height))
		return false;
	return add_node(b, an->node, an->size, an->height);
}

/* One event; *doc_done is set at the end of a document, *end at the end of the stream. */
static bool
on_event(struct builder *b, yaml_event_t *ev, bool *doc_done, bool *end)
{
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*end = true;
		return true;
	case YAML_DOCUMENT_START_EVENT:	/* anchors are per document */
		b->anchor_index = (struct strmap){0};
		b->nanchors = b->capanchors = 0;
		b->anchors = NULL;
		b->nodes = b->alias_nodes = 0;
		b->doc = NULL;
		return true;
	case YAML_DOCUMENT_END_EVENT:
		*doc_done = b->doc != NULL;
		return true;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, ev, YNODE_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, ev, YNODE_MAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev);
	default:
		return true;
	}
}

static bool
parser_error(const struct source *src, struct diag *d, yaml_parser_t *p)
{
	struct pos pos;
	if (p->error == YAML_READER_ERROR)
		pos = offset_pos(src, p->problem_offset);
	else
		pos = mark_pos(src, p->problem_mark);
	const char *problem = p->problem ? p->problem : "malformed YAML";
	if (p->error == YAML_MEMORY_ERROR)
		return diag_error(d, pos, "out of memory while parsing YAML");
	if (p->context)
		return diag_error(d, pos, "YAML syntax error: %s %s", problem, p->context);
	if (p->error == YAML_READER_ERROR && p->problem_value != -1)
		return diag_error(d, pos, "invalid input: %s (byte 0x%02x)", problem,
				  (unsigned)p->problem_value & 0xff);
	return diag_error(d, pos, "YAML syntax error: %s", problem);
}

bool
yaml_load(const struct source *src, struct arena *a, struct diag *d, struct ynode ***docs,
	  int *ndocs)
{
	yaml_parser_t parser;
	struct builder b = {.a = a, .d = d, .src = src};
	bool ok = true, end = false;
	int n = 0, cap = 0;
	struct ynode **out = NULL;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
	while (ok && !end) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			ok = parser_error(src, d, &parser);
			break;
		}
		bool doc_done = false;
		ok = on_event(&b, &ev, &doc_done, &end);
		yaml_event_delete(&ev);
		if (ok && doc_done)
			VEC_PUSH(a, out, n, cap, b.doc);
	}
	yaml_parser_delete(&parser);
	free(b.stack);
	free(b.kids);
	*docs = out;
	*ndocs = n;
	return ok;
}

struct ynode *
yaml_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	size_t len = strlen(key);
	for (int i = 0; i < map->nkids; i += 2)	/* length and first byte before the rest */
		if (map->kids[i]->len == len && (!len || map->kids[i]->text[0] == key[0]) &&
		    !memcmp(map->kids[i]->text, key, len))
			return map->kids[i + 1];
	return NULL;
}

const char *
yaml_kind_name(const struct ynode *n)
{
	switch (n->kind) {
	case YNODE_SEQ: return "list";
	case YNODE_MAP: return "map";
	case YNODE_SCALAR: break;
	}
	switch (n->type) {
	case SCALAR_INT: return "integer";
	case SCALAR_FLOAT: return "number";
	case SCALAR_BOOL: return "boolean";
	case SCALAR_NULL: return "null";
	case SCALAR_STR: break;
	}
	return "string";
}
