/*
 * lint.c: the rule linter behind `sigmacc check`. Every rule file is read
 * once (before the per-target compile runs), each document checked for what
 * no target decides: metadata (id, title, status, level, dates, here), tags
 * (lint_tags.c) and the detection's shape (lint_detection.c). Ids and titles
 * are remembered across the whole tree so a duplicate points at the first
 * occurrence. Findings carry a stable code (lint.def); their severity comes
 * from lint_config.c.
 */
#include "lint.h"
#include "files.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const codes[] = {
#define LINT(id, code, severity, description) code,
#include "lint.def"
#undef LINT
};

const char *
lint_code(enum lint_check c)
{
	return codes[c];
}

int
lint_find(const char *code)
{
	for (int i = 0; i < LINT__COUNT; i++)
		if (!strcmp(codes[i], code))
			return i;
	return -1;
}

void
lint_report(struct lint_ctx *l, enum lint_check c, struct pos pos, const char *fmt, ...)
{
	enum lint_severity sev = l->conf->severity[c];
	if (sev == LINT_OFF)
		return;
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (sev == LINT_ERROR) {
		diag_error(l->d, pos, "%s [%s]", b.data, codes[c]);
		l->nerrors++;
	} else {
		int before = l->d->nmsgs;	/* diag_warning drops repeats of one message */
		diag_warning(l->d, pos, "%s [%s]", b.data, codes[c]);
		l->nwarnings += l->d->nmsgs - before;
	}
	buf_free(&b);
}

/* ---- ids and titles across the tree --------------------------------------- */

struct seen_entry {
	const char *key;	/* NULL: free slot */
	struct pos pos;
};

/* An open-addressing set of strings with the position of their first use. */
struct seen {
	struct seen_entry *v;
	size_t n, cap;
};

static size_t
hash_str(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* The first position of key, or NULL after remembering key at pos (a copy in a). */
static const struct pos *
seen_add(struct seen *s, struct arena *a, const char *key, struct pos pos)
{
	if (2 * (s->n + 1) > s->cap) {
		struct seen old = *s;
		s->cap = old.cap ? old.cap * 2 : 256;
		s->v = calloc(s->cap, sizeof(*s->v));
		if (!s->v)
			abort();
		s->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.v[i].key)
				seen_add(s, NULL, old.v[i].key, old.v[i].pos);
		free(old.v);
	}
	size_t i = hash_str(key) & (s->cap - 1);
	for (; s->v[i].key; i = (i + 1) & (s->cap - 1))
		if (!strcmp(s->v[i].key, key))
			return &s->v[i].pos;
	/* a is NULL when rehashing: the key is already a copy */
	s->v[i] = (struct seen_entry){a ? arena_strdup(a, key) : key, pos};
	s->n++;
	return NULL;
}

/* ---- metadata ------------------------------------------------------------- */

/* The value of key when it is a scalar, else NULL. */
static const struct ynode *
scalar(const struct ynode *doc, const char *key)
{
	const struct ynode *n = yaml_get(doc, key);
	return n && n->kind == YNODE_SCALAR && n->type != SCALAR_NULL ? n : NULL;
}

static bool
is_uuid(const char *s)
{
	static const int dash[] = {8, 13, 18, 23};
	if (strlen(s) != 36)
		return false;
	for (int i = 0, k = 0; i < 36; i++) {
		if (k < 4 && i == dash[k]) {
			if (s[i] != '-')
				return false;
			k++;
		} else if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i]) {
			return false;
		}
	}
	return true;
}

/* Characters (UTF-8 code points), not bytes: the SIEMs count characters. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
lint_id(struct lint_ctx *l, const struct ynode *doc, struct seen *ids, struct arena *run)
{
	const struct ynode *id = yaml_get(doc, "id");
	if (!id || (id->kind == YNODE_SCALAR && id->type == SCALAR_NULL)) {
		lint_report(l, LINT_MISSING_ID, doc->pos, "the rule has no id");
		return;
	}
	if (id->kind != YNODE_SCALAR || !is_uuid(id->text)) {
		lint_report(l, LINT_INVALID_ID, id->pos, "id '%s' is not a UUID",
			    id->kind == YNODE_SCALAR ? id->text : "...");
		return;
	}
	char key[37];	/* UUIDs compare without regard to case */
	for (int i = 0; i < 37; i++)
		key[i] = (char)tolower((unsigned char)id->text[i]);
	const struct pos *first = seen_add(ids, run, key, id->pos);
	if (first)
		lint_report(l, LINT_DUPLICATE_ID, id->pos, "id '%s' is already used at %s:%d:%d",
			    id->text, first->file, first->line, first->col);
}

static void
lint_title(struct lint_ctx *l, const struct ynode *doc, struct seen *titles, struct arena *run)
{
	const struct ynode *t = scalar(doc, "title");
	if (!t || !*t->text) {
		lint_report(l, LINT_MISSING_TITLE, t ? t->pos : doc->pos,
			    t ? "the title is empty" : "the rule has no title");
		return;
	}
	size_t n = utf8_chars(t->text);
	if (n > (size_t)l->conf->title_max)
		lint_report(l, LINT_TITLE_TOO_LONG, t->pos,
			    "the title has %zu characters; the limit is %d", n, l->conf->title_max);
	const struct pos *first = seen_add(titles, run, t->text, t->pos);
	if (first)
		lint_report(l, LINT_DUPLICATE_TITLE, t->pos, "title '%s' is already used at %s:%d:%d",
			    t->text, first->file, first->line, first->col);
}

static const char *const statuses[] = {"stable", "test", "experimental", "deprecated",
				       "unsupported", NULL};
static const char *const levels[] = {"informational", "low", "medium", "high", "critical", NULL};

static void
lint_enum(struct lint_ctx *l, const struct ynode *doc, const char *key, const char *const *set,
	  enum lint_check missing, enum lint_check invalid)
{
	const struct ynode *v = yaml_get(doc, key);
	if (!v || (v->kind == YNODE_SCALAR && v->type == SCALAR_NULL)) {
		lint_report(l, missing, doc->pos, "the rule has no %s", key);
		return;
	}
	for (int i = 0; v->kind == YNODE_SCALAR && set[i]; i++)
		if (!strcmp(v->text, set[i]))
			return;
	struct buf b = {0};
	for (int i = 0; set[i]; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", set[i]);
	lint_report(l, invalid, v->pos, "%s '%s' is not one of %s", key,
		    v->kind == YNODE_SCALAR ? v->text : "...", b.data);
	buf_free(&b);
}

/* 1 for YYYY-MM-DD, 2 for the legacy YYYY/MM/DD, 0 for anything else;
 * the digits must make a real date (leap years included). */
static int
date_form(const char *s, char norm[11])
{
	if (strlen(s) != 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4])
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return 0;
	memcpy(norm, s, 10);
	norm[4] = norm[7] = '-';
	norm[10] = '\0';
	return s[4] == '-' ? 1 : 2;
}

/* Checks date or modified; its normalised value in norm, "" when absent or bad. */
static void
lint_date(struct lint_ctx *l, const struct ynode *doc, const char *key, char norm[11])
{
	const struct ynode *v = yaml_get(doc, key);
	norm[0] = '\0';
	if (!v || (v->kind == YNODE_SCALAR && v->type == SCALAR_NULL)) {
		if (!strcmp(key, "date"))
			lint_report(l, LINT_MISSING_DATE, doc->pos, "the rule has no date");
		return;
	}
	int form = v->kind == YNODE_SCALAR ? date_form(v->text, norm) : 0;
	if (form == 0)
		lint_report(l, LINT_INVALID_DATE, v->pos, "%s '%s' is not a valid date (YYYY-MM-DD)",
			    key, v->kind == YNODE_SCALAR ? v->text : "...");
	else if (form == 2)
		lint_report(l, LINT_LEGACY_DATE, v->pos, "%s '%s' uses the legacy form; write %s",
			    key, v->text, norm);
}

/* Empty strings where a text is expected (title has its own check). */
static void
lint_empty_meta(struct lint_ctx *l, const struct ynode *doc)
{
	static const char *const keys[] = {"description", "author", "references",
					   "falsepositives", NULL};
	for (int i = 0; keys[i]; i++) {
		const struct ynode *v = yaml_get(doc, keys[i]);
		int n = v && v->kind == YNODE_SEQ ? v->nkids : v ? 1 : 0;
		for (int k = 0; k < n; k++) {
			const struct ynode *e = v->kind == YNODE_SEQ ? v->kids[k] : v;
			if (e->kind == YNODE_SCALAR && e->type == SCALAR_STR && e->len == 0)
				lint_report(l, LINT_EMPTY_VALUE, e->pos, "'%s' has an empty entry",
					    keys[i]);
		}
	}
}

static void
lint_references(struct lint_ctx *l, const struct ynode *doc)
{
	const struct ynode *v = yaml_get(doc, "references");
	for (int i = 0; v && v->kind == YNODE_SEQ && i < v->nkids; i++) {
		const struct ynode *e = v->kids[i];
		for (int k = 0; e->kind == YNODE_SCALAR && k < i; k++) {
			if (v->kids[k]->kind == YNODE_SCALAR && !strcmp(v->kids[k]->text, e->text)) {
				lint_report(l, LINT_DUPLICATE_REFERENCE, e->pos,
					    "reference '%s' is already listed at line %d", e->text,
					    v->kids[k]->pos.line);
				break;
			}
		}
	}
}

/* related: [{id: UUID, type: derived|obsolete|merged|renamed|similar}] */
static void
lint_related(struct lint_ctx *l, const struct ynode *doc)
{
	static const char *const types[] = {"derived", "obsolete", "merged", "renamed", "similar",
					    NULL};
	const struct ynode *v = yaml_get(doc, "related");
	for (int i = 0; v && v->kind == YNODE_SEQ && i < v->nkids; i++) {
		if (v->kids[i]->kind != YNODE_MAP)
			continue;	/* the compiler's error */
		const struct ynode *id = scalar(v->kids[i], "id"), *type = scalar(v->kids[i], "type");
		if (id && !is_uuid(id->text))
			lint_report(l, LINT_INVALID_RELATED, id->pos,
				    "related id '%s' is not a UUID", id->text);
		int k = 0;
		while (type && types[k] && strcmp(type->text, types[k]))
			k++;
		if (type && !types[k])
			lint_report(l, LINT_INVALID_RELATED, type->pos,
				    "related type '%s' is not one of derived, obsolete, merged, "
				    "renamed, similar", type->text);
	}
}

/* "rule 'T' (id): " like the compiler's messages, from the raw document. */
static const char *
doc_context(struct arena *a, const struct ynode *doc)
{
	const struct ynode *t = scalar(doc, "title"), *id = scalar(doc, "id");
	if (!t)
		return id ? arena_printf(a, "rule (%s): ", id->text) : NULL;
	return id ? arena_printf(a, "rule '%s' (%s): ", t->text, id->text)
		  : arena_printf(a, "rule '%s': ", t->text);
}

struct lint_run {
	const struct lint_options *o;
	struct lint_config conf;
	struct attack_table *attack;
	struct arena arena;		/* ids and titles seen, for the whole run */
	struct seen ids, titles;
	int nrules, nerrors, nwarnings;
};

static void
lint_document(struct lint_run *r, struct lint_ctx *l, const struct ynode *doc)
{
	char date[11], modified[11];
	l->d->context = doc_context(l->a, doc);
	lint_id(l, doc, &r->ids, &r->arena);
	lint_title(l, doc, &r->titles, &r->arena);
	lint_enum(l, doc, "status", statuses, LINT_MISSING_STATUS, LINT_INVALID_STATUS);
	lint_enum(l, doc, "level", levels, LINT_MISSING_LEVEL, LINT_INVALID_LEVEL);
	lint_date(l, doc, "date", date);
	lint_date(l, doc, "modified", modified);
	if (*date && *modified && strcmp(modified, date) < 0)
		lint_report(l, LINT_MODIFIED_BEFORE_DATE, yaml_get(doc, "modified")->pos,
			    "modified %s is earlier than date %s", modified, date);
	lint_empty_meta(l, doc);
	lint_references(l, doc);
	lint_related(l, doc);
	lint_tags(l, doc);
	lint_detection(l, doc);
}

/* Findings in source order (the checks run by kind); stable for equal positions. */
static void
sort_by_position(struct diag *d)
{
	for (int i = 1; i < d->nmsgs; i++) {
		struct diag_msg m = d->msgs[i];
		int k = i;
		for (; k > 0 && (d->msgs[k - 1].pos.line > m.pos.line ||
				 (d->msgs[k - 1].pos.line == m.pos.line &&
				  d->msgs[k - 1].pos.col > m.pos.col)); k--)
			d->msgs[k] = d->msgs[k - 1];
		d->msgs[k] = m;
	}
}

/* Lints one file. Files the compiler refuses as a whole (YAML errors, legacy
 * collections) are left to the compile runs, which report why. */
static void
lint_file(struct lint_run *r, const char *path, struct buf *out)
{
	struct arena a = {0};
	size_t len;
	const char *why;
	char *text = files_read(path, &len, &why);
	if (!text)
		return;
	struct source src = {path, text, len};
	struct diag d = {.src = &src}, scratch = {0};
	struct ynode **docs;
	int ndocs;
	if (yaml_load(&src, &a, &scratch, &docs, &ndocs)) {
		bool legacy = false;
		for (int i = 0; i < ndocs; i++)
			legacy |= docs[i]->kind == YNODE_MAP && yaml_get(docs[i], "action");
		struct lint_ctx l = {&a, &d, &r->conf, r->attack, 0, 0};
		for (int i = 0; i < ndocs && !legacy; i++) {
			if (docs[i]->kind != YNODE_MAP)
				continue;
			r->nrules++;
			lint_document(r, &l, docs[i]);
		}
		r->nerrors += l.nerrors;
		r->nwarnings += l.nwarnings;
	}
	d.context = NULL;
	sort_by_position(&d);
	struct session s = {.diagfmt = r->o->diagfmt};
	driver_render(&s, &d, out);
	diag_clear(&d);
	diag_clear(&scratch);
	free(text);
	arena_free(&a);
}

int
lint_run(const struct lint_options *o, const char *const *paths, int npaths, struct buf *out)
{
	struct lint_run r = {.o = o};
	if (!lint_config_load(&r.conf, o->config, out))
		return 2;
	if (o->fail_on)
		r.conf.fail_on_warning = !strcmp(o->fail_on, "warning");
	if (!(r.attack = attack_load(o->templates, out)))
		return 2;
	struct pathlist files = {0};
	struct buf err = {0};
	for (int i = 0; i < npaths; i++)
		if (strcmp(paths[i], "-"))
			files_expand(&files, paths[i], &err);	/* the compile runs report errors */
	for (int i = 0; i < files.n; i++)
		lint_file(&r, files.v[i], out);
	buf_printf(out, "sigmacc: lint: %d rule(s), %d error(s), %d warning(s) (ATT&CK %s)\n",
		   r.nrules, r.nerrors, r.nwarnings, attack_version(r.attack));
	buf_free(&err);
	files_free(&files);
	free(r.ids.v);
	free(r.titles.v);
	arena_free(&r.arena);
	attack_free(r.attack);
	return r.nerrors || (r.conf.fail_on_warning && r.nwarnings) ? 1 : 0;
}
