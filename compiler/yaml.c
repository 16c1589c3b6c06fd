/*
 * yaml.c: YAML text to a tree of struct ynode, the first stage of the
 * pipeline. libyaml's document API parses; this walker then copies every
 * node into the rule arena with a 1-based position, rejects duplicate keys
 * and non-scalar keys, types plain scalars by the YAML 1.2 core schema and
 * refuses documents whose aliases would expand past YAML_MAX_NODES.
 * Aliased nodes are shared, not copied, so memory stays linear.
 */
#include "sigma.h"

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
	if (!strcmp(s, ".inf") || !strcmp(s, ".Inf") || !strcmp(s, ".INF"))
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
	if (len == 0 || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	    !strcmp(s, "NULL"))
		return SCALAR_NULL;
	if (strlen(s) != len)
		return SCALAR_STR;
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE") ||
	    !strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return SCALAR_BOOL;
	const char *d = (*s == '+' || *s == '-') ? s + 1 : s;
	if (all_digits(d, "0123456789"))
		return SCALAR_INT;
	if (!strncmp(s, "0x", 2) && all_digits(s + 2, "0123456789abcdefABCDEF"))
		return SCALAR_INT;
	if (!strncmp(s, "0o", 2) && all_digits(s + 2, "01234567"))
		return SCALAR_INT;
	if (is_float(s) || !strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN"))
		return SCALAR_FLOAT;
	return SCALAR_STR;
}

/* Expanded size of node idx, saturating at YAML_MAX_NODES + 1. */
static uint64_t
expanded_size(struct walker *w, int idx, int depth)
{
	if (w->size[idx - 1])
		return w->size[idx - 1];
	yaml_node_t *n = yaml_document_get_node(w->doc, idx);
	uint64_t total = 1;
	w->size[idx - 1] = YAML_MAX_NODES + 1;	/* guards against cycles */
	if (depth > YAML_MAX_DEPTH)
		return total;
	if (n->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *i = n->data.sequence.items.start;
		     i < n->data.sequence.items.top && total <= YAML_MAX_NODES; i++)
			total += expanded_size(w, *i, depth + 1);
	} else if (n->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top && total <= YAML_MAX_NODES; p++)
			total += expanded_size(w, p->key, depth + 1) +
				 expanded_size(w, p->value, depth + 1);
	}
	if (total > YAML_MAX_NODES)
		total = YAML_MAX_NODES + 1;
	w->size[idx - 1] = total;
	return total;
}

static struct ynode *convert(struct walker *w, int idx, int depth);

static bool
convert_kids(struct walker *w, struct ynode *y, yaml_node_t *n, int depth)
{
	if (n->type == YAML_SEQUENCE_NODE) {
		int cnt = (int)(n->data.sequence.items.top - n->data.sequence.items.start);
		y->kids = arena_alloc(w->a, sizeof(*y->kids) * (size_t)(cnt ? cnt : 1));
		for (int i = 0; i < cnt; i++) {
			if (!(y->kids[i] = convert(w, n->data.sequence.items.start[i], depth + 1)))
				return false;
		}
		y->nkids = cnt;
		return true;
	}
	int cnt = (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	y->kids = arena_alloc(w->a, sizeof(*y->kids) * (size_t)(cnt ? 2 * cnt : 1));
	for (int i = 0; i < cnt; i++) {
		yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
		struct ynode *k = convert(w, p->key, depth + 1);
		if (!k)
			return false;
		if (k->kind != YNODE_SCALAR)
			return diag_error(w->d, k->pos, "mapping key must be a scalar, not a %s",
					  yaml_kind_name(k));
		for (int j = 0; j < i; j++) {
			const struct ynode *o = y->kids[2 * j];
			if (o->len == k->len && !memcmp(o->text, k->text, k->len))
				return diag_error(w->d, k->pos,
						  "duplicate key '%s' (first defined at line %d)",
						  k->text, o->pos.line);
		}
		struct ynode *v = convert(w, p->value, depth + 1);
		if (!v)
			return false;
		y->kids[2 * i] = k;
		y->kids[2 * i + 1] = v;
	}
	y->nkids = 2 * cnt;
	return true;
}

static struct ynode *
convert(struct walker *w, int idx, int depth)
{
	if (w->memo[idx - 1])
		return w->memo[idx - 1];
	yaml_node_t *n = yaml_document_get_node(w->doc, idx);
	struct ynode *y = arena_alloc(w->a, sizeof(*y));
	y->pos = mark_pos(w->src, n->start_mark);
	if (depth > YAML_MAX_DEPTH) {
		diag_error(w->d, y->pos, "nesting deeper than %d levels", YAML_MAX_DEPTH);
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		y->kind = YNODE_SCALAR;
		y->len = n->data.scalar.length;
		y->text = arena_strndup(w->a, (const char *)n->data.scalar.value, y->len);
		y->quoted = n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
		y->type = y->quoted ? SCALAR_STR : scalar_type(y->text, y->len);
		break;
	case YAML_SEQUENCE_NODE:
	case YAML_MAPPING_NODE:
		y->kind = n->type == YAML_SEQUENCE_NODE ? YNODE_SEQ : YNODE_MAP;
		w->memo[idx - 1] = y;	/* shared by aliases */
		if (!convert_kids(w, y, n, depth))
			return NULL;
		break;
	default:
		diag_error(w->d, y->pos, "empty YAML node");
		return NULL;
	}
	w->memo[idx - 1] = y;
	return y;
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
	bool ok = true;
	int n = 0, cap = 0;
	struct ynode **out = NULL;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)src->text, src->len);
	for (;;) {
		yaml_document_t doc;
		if (!yaml_parser_load(&parser, &doc)) {
			ok = parser_error(src, d, &parser);
			break;
		}
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		int nnodes = (int)(doc.nodes.top - doc.nodes.start);
		struct walker w = {a, d, src, &doc, calloc((size_t)nnodes, sizeof(*w.memo)),
				   calloc((size_t)nnodes, sizeof(*w.size)), nnodes};
		struct ynode *y = NULL;
		if (expanded_size(&w, 1, 0) > YAML_MAX_NODES)
			diag_error(d, mark_pos(src, root->start_mark),
				   "document expands to more than %d nodes through aliases",
				   YAML_MAX_NODES);
		else
			y = convert(&w, 1, 0);
		free(w.memo);
		free(w.size);
		yaml_document_delete(&doc);
		if (!y) {
			ok = false;
			break;
		}
		VEC_PUSH(a, out, n, cap, y);
	}
	yaml_parser_delete(&parser);
	*docs = out;
	*ndocs = n;
	return ok;
}

struct ynode *
yaml_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YNODE_MAP)
		return NULL;
	for (int i = 0; i < map->nkids; i += 2)
		if (!strcmp(map->kids[i]->text, key))
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
