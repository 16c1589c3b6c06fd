/*
 * modifier.c: the key of a detection item, "field|mod1|mod2", split into the
 * field name and an ordered modifier chain, which is validated here as a
 * whole (sigma-spec.md §6.2) so that later stages can trust it.
 */
#include "sigma.h"
#include "suggest.h"

#include <string.h>

static const struct {
	const char *name;
	enum modclass class;
} modifiers[] = {
#define MODIFIER(id, name, class) {name, class},
#include "modifiers.def"
#undef MODIFIER
};

static const struct {
	const char *alias;
	enum modifier mod;
} aliases[] = {
	{"wide", MOD_UTF16LE},
	{"ignorecase", MOD_RE_I},
	{"multiline", MOD_RE_M},
	{"dotall", MOD_RE_S},
};

/* An unknown modifier, with the closest known name when it looks like a typo. */
static bool
modifier_unknown(struct diag *d, struct pos pos, const char *p, size_t len)
{
	const char *names[sizeof(modifiers) / sizeof(modifiers[0])];
	int n = 0;
	for (size_t i = 0; i < sizeof(modifiers) / sizeof(modifiers[0]); i++)
		names[n++] = modifiers[i].name;
	const char *near = suggest_closest(p, len, names, n);
	if (near)
		return diag_error(d, pos, "unknown modifier '%.*s' (did you mean '%s'?)", (int)len, p,
				  near);
	return diag_error(d, pos, "unknown modifier '%.*s'", (int)len, p);
}

const char *
modifier_name(enum modifier m)
{
	return modifiers[m].name;
}

enum modclass
modifier_class(enum modifier m)
{
	return modifiers[m].class;
}

bool
modchain_has(const struct modchain *c, enum modifier m)
{
	for (int i = 0; i < c->n; i++)
		if (c->mod[i] == m)
			return true;
	return false;
}

struct pos
modchain_pos(const struct modchain *c, int i)
{
	return (struct pos){c->file, c->line, c->col[i]};
}

static bool
modifier_lookup(const char *name, size_t len, enum modifier *out)
{
	for (int i = 0; i < MOD__COUNT; i++) {
		if (strlen(modifiers[i].name) == len && !memcmp(modifiers[i].name, name, len)) {
			*out = (enum modifier)i;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strlen(aliases[i].alias) == len && !memcmp(aliases[i].alias, name, len)) {
			*out = aliases[i].mod;
			return true;
		}
	}
	return false;
}

static bool
is_encoding(enum modifier m)
{
	return m == MOD_BASE64 || m == MOD_BASE64OFFSET || m == MOD_UTF16LE || m == MOD_UTF16BE ||
	       m == MOD_UTF16;
}

/* Checks one modifier against those before it; i is its index in c. */
static bool
check_one(struct diag *d, const struct modchain *c, int i, bool keyword)
{
	enum modifier m = c->mod[i];
	struct pos pos = modchain_pos(c, i);
	const char *name = modifier_name(m);
	enum modifier first = c->mod[0];

	for (int j = 0; j < i; j++)
		if (c->mod[j] == m)
			return diag_error(d, pos, "modifier '%s' given twice", name);
	if ((m == MOD_RE || m == MOD_CIDR || m == MOD_EXISTS) && i > 0)
		return diag_error(d, pos, "modifier '%s' must be the first modifier", name);
	if (i > 0 && first == MOD_EXISTS)
		return diag_error(d, pos, "modifier 'exists' cannot be combined with '%s'", name);
	if (keyword && (m == MOD_EXISTS || m == MOD_FIELDREF || m == MOD_CIDR ||
			modifier_class(m) == MODCLASS_COMPARE || modifier_class(m) == MODCLASS_TIMEPART ||
			m == MOD_NEQ))
		return diag_error(d, pos, "modifier '%s' needs a field name", name);

	switch (modifier_class(m)) {
	case MODCLASS_REFLAG:
		if (first != MOD_RE)
			return diag_error(d, pos, "regex flag '%s' is only valid after 're'", name);
		break;
	case MODCLASS_POSITION:
		for (int j = 0; j < i; j++) {
			if (modifier_class(c->mod[j]) == MODCLASS_POSITION)
				return diag_error(d, pos, "modifier '%s' conflicts with '%s'", name,
						  modifier_name(c->mod[j]));
		}
		if (first == MOD_CIDR)
			return diag_error(d, pos, "modifier '%s' cannot follow 'cidr'", name);
		break;
	case MODCLASS_TRANSFORM:
		if (first == MOD_RE || first == MOD_CIDR || first == MOD_FIELDREF)
			return diag_error(d, pos, "modifier '%s' cannot follow '%s'", name,
					  modifier_name(first));
		if (is_encoding(m)) {
			for (int j = 0; j < i; j++) {
				enum modifier p = c->mod[j];
				if (modifier_class(p) == MODCLASS_POSITION || p == MOD_WINDASH)
					return diag_error(d, pos,
							  "modifier '%s' after '%s' would encode "
							  "wildcards; write the encoding first",
							  name, modifier_name(p));
				if ((p == MOD_BASE64 || p == MOD_BASE64OFFSET))
					return diag_error(d, pos, "modifier '%s' after '%s'", name,
							  modifier_name(p));
				if (is_encoding(p) && (m == MOD_UTF16LE || m == MOD_UTF16BE ||
						       m == MOD_UTF16))
					return diag_error(d, pos,
							  "modifier '%s' conflicts with '%s'", name,
							  modifier_name(p));
			}
		}
		break;
	case MODCLASS_COMPARE:
		for (int j = 0; j < i; j++) {
			enum modclass pc = modifier_class(c->mod[j]);
			if (pc == MODCLASS_COMPARE)
				return diag_error(d, pos, "modifier '%s' conflicts with '%s'", name,
						  modifier_name(c->mod[j]));
			if (pc != MODCLASS_TIMEPART && c->mod[j] != MOD_NEQ)
				return diag_error(d, pos, "modifier '%s' cannot follow '%s'", name,
						  modifier_name(c->mod[j]));
		}
		break;
	case MODCLASS_TIMEPART:
		for (int j = 0; j < i; j++) {
			if (c->mod[j] != MOD_NEQ)
				return diag_error(d, pos, "modifier '%s' cannot follow '%s'", name,
						  modifier_name(c->mod[j]));
		}
		break;
	case MODCLASS_FLAG:
		if (m == MOD_CASED && (first == MOD_RE || first == MOD_CIDR))
			return diag_error(d, pos, "modifier 'cased' cannot follow '%s'%s",
					  modifier_name(first),
					  first == MOD_RE ? " (a regex is case-sensitive unless 'i' is given)" : "");
		break;
	case MODCLASS_TYPE:
		if (m == MOD_FIELDREF) {
			for (int j = 0; j < i; j++) {
				if (c->mod[j] != MOD_NEQ && c->mod[j] != MOD_CASED && c->mod[j] != MOD_ALL)
					return diag_error(d, pos,
							  "modifier 'fieldref' cannot follow '%s'",
							  modifier_name(c->mod[j]));
			}
		}
		break;
	case MODCLASS_LIST:
		break;
	}
	/* anything after a comparison or time part must be a comparison */
	for (int j = 0; j < i; j++) {
		enum modclass pc = modifier_class(c->mod[j]);
		if ((pc == MODCLASS_COMPARE || pc == MODCLASS_TIMEPART) &&
		    modifier_class(m) != MODCLASS_COMPARE && m != MOD_NEQ)
			return diag_error(d, pos, "modifier '%s' cannot follow '%s'", name,
					  modifier_name(c->mod[j]));
	}
	return true;
}

bool
modifier_parse_key(struct arena *a, struct diag *d, const char *key, struct pos pos,
		   const char **field, struct modchain *chain)
{
	const char *bar = strchr(key, '|');
	size_t flen = bar ? (size_t)(bar - key) : strlen(key);
	*field = arena_strndup(a, key, flen);
	chain->n = 0;
	if (!bar)
		return true;
	const char *p = bar + 1;
	int col = pos.col + (int)flen + 1;
	for (;;) {
		const char *end = strchr(p, '|');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct pos mpos = {pos.file, pos.line, col};
		enum modifier m;
		if (len == 0)
			return diag_error(d, mpos, "empty modifier in '%s'", key);
		if (!modifier_lookup(p, len, &m))
			return modifier_unknown(d, mpos, p, len);
		if (chain->n == MODCHAIN_MAX)
			return diag_error(d, mpos, "more than %d modifiers", MODCHAIN_MAX);
		chain->col[chain->n] = col;
		chain->file = pos.file;
		chain->line = pos.line;
		chain->mod[chain->n++] = m;
		if (!check_one(d, chain, chain->n - 1, flen == 0))
			return false;
		if (!end)
			break;
		col += (int)len + 1;
		p = end + 1;
	}
	return true;
}
