/*
 * lint_meta.c: a rule's metadata: id (present, a UUID, unique in the tree),
 * title (present, short enough, unique), status, level, dates, references,
 * related entries, fields and logsource spelling.
 */
#include "lint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct ynode *
lint_scalar(const struct ynode *doc, const char *key)
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
	const struct pos *first = lint_seen(ids, run, key, id->pos);
	if (first)
		lint_report(l, LINT_DUPLICATE_ID, id->pos, "id '%s' is already used at %s:%d:%d",
			    id->text, first->file, first->line, first->col);
}

static void
lint_title(struct lint_ctx *l, const struct ynode *doc, struct seen *titles, struct arena *run)
{
	const struct ynode *t = lint_scalar(doc, "title");
	if (!t || !*t->text) {
		lint_report(l, LINT_MISSING_TITLE, t ? t->pos : doc->pos,
			    t ? "the title is empty" : "the rule has no title");
		return;
	}
	size_t n = utf8_chars(t->text);
	if (n > (size_t)l->conf->title_max)
		lint_report(l, LINT_TITLE_TOO_LONG, t->pos,
			    "the title has %zu characters; the limit is %d", n, l->conf->title_max);
	const struct pos *first = lint_seen(titles, run, t->text, t->pos);
	if (first)
		lint_report(l, LINT_DUPLICATE_TITLE, t->pos,
			    "title '%s' is already used at %s:%d:%d", t->text, first->file,
			    first->line, first->col);
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
		lint_report(l, LINT_INVALID_DATE, v->pos,
			    "%s '%s' is not a valid date (YYYY-MM-DD)", key,
			    v->kind == YNODE_SCALAR ? v->text : "...");
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

/* An entry of the list under key written twice (references, fields). */
static void
lint_list_repeats(struct lint_ctx *l, const struct ynode *doc, const char *key,
		  enum lint_check c)
{
	const struct ynode *v = yaml_get(doc, key);
	for (int i = 0; v && v->kind == YNODE_SEQ && i < v->nkids; i++) {
		const struct ynode *e = v->kids[i];
		for (int k = 0; e->kind == YNODE_SCALAR && k < i; k++) {
			const struct ynode *p = v->kids[k];
			if (p->kind == YNODE_SCALAR && !strcmp(p->text, e->text)) {
				lint_report(l, c, e->pos, "%s entry '%s' is already listed at "
					    "line %d", key, e->text, p->pos.line);
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
		const struct ynode *id = lint_scalar(v->kids[i], "id");
		const struct ynode *type = lint_scalar(v->kids[i], "type");
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

static void
lint_name(struct lint_ctx *l, const struct ynode *doc, struct lint_tree *tree)
{
	const struct ynode *n = lint_scalar(doc, "name");
	const struct pos *first = n ? lint_seen(&tree->names, &tree->arena, n->text, n->pos) : NULL;
	if (first)
		lint_report(l, LINT_DUPLICATE_NAME, n->pos, "name '%s' is already used at %s:%d:%d",
			    n->text, first->file, first->line, first->col);
}

static void
lint_logsource(struct lint_ctx *l, const struct ynode *doc)
{
	static const char *const keys[] = {"product", "category", "service", NULL};
	const struct ynode *ls = yaml_get(doc, "logsource");
	for (int i = 0; keys[i]; i++) {
		const struct ynode *v = lint_scalar(ls, keys[i]);
		for (const char *p = v ? v->text : ""; *p; p++) {
			if (isupper((unsigned char)*p)) {
				lint_report(l, LINT_LOGSOURCE_NOT_LOWERCASE, v->pos,
					    "logsource %s '%s' is not in lower case", keys[i],
					    v->text);
				break;
			}
		}
	}
}

void
lint_meta(struct lint_ctx *l, const struct ynode *doc, struct lint_tree *tree)
{
	char date[11], modified[11];
	lint_id(l, doc, &tree->ids, &tree->arena);
	lint_title(l, doc, &tree->titles, &tree->arena);
	lint_name(l, doc, tree);
	lint_enum(l, doc, "status", statuses, LINT_MISSING_STATUS, LINT_INVALID_STATUS);
	lint_enum(l, doc, "level", levels, LINT_MISSING_LEVEL, LINT_INVALID_LEVEL);
	lint_date(l, doc, "date", date);
	lint_date(l, doc, "modified", modified);
	if (*date && *modified && strcmp(modified, date) < 0)
		lint_report(l, LINT_MODIFIED_BEFORE_DATE, yaml_get(doc, "modified")->pos,
			    "modified %s is earlier than date %s", modified, date);
	const struct ynode *desc = lint_scalar(doc, "description");
	if (desc && utf8_chars(desc->text) > 65535)
		lint_report(l, LINT_DESCRIPTION_TOO_LONG, desc->pos,
			    "the description has %zu characters; Sigma's limit is 65535",
			    utf8_chars(desc->text));
	const struct ynode *status = lint_scalar(doc, "status");
	if (status && !strcmp(status->text, "deprecated") && !yaml_get(doc, "related"))
		lint_report(l, LINT_DEPRECATED_WITHOUT_RELATED, status->pos,
			    "a deprecated rule should name its replacement under 'related'");
	lint_empty_meta(l, doc);
	lint_list_repeats(l, doc, "references", LINT_DUPLICATE_REFERENCE);
	lint_list_repeats(l, doc, "fields", LINT_DUPLICATE_FIELD);
	lint_related(l, doc);
	lint_logsource(l, doc);
}
