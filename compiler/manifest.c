/*
 * manifest.c: OUTDIR/.sigmacc-manifest, the list of outputs a build wrote,
 * which the next build uses to remove the outputs of deleted rules. The
 * manifest is committed with the outputs and so arrives through pull
 * requests: an entry is trusted only when it has the shape of an output
 * sigmacc itself would write (TARGET/relative/path.EXT, nothing that could
 * climb out of OUTDIR or forge a line).
 */
#include "manifest.h"
#include "files.h"
#include "../backends/backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_REPORTS 20	/* invalid entries reported one by one; the rest are counted */

const char *
names_add(struct names *s, const char *name)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, sizeof(*s->v) * (size_t)s->cap);
		if (!s->v)
			abort();
	}
	s->sorted = false;
	return s->v[s->n++] = arena_strdup(&s->arena, name);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
names_sort(struct names *s)
{
	if (s->n)
		qsort(s->v, (size_t)s->n, sizeof(*s->v), cmp_names);
	int k = 0;
	for (int i = 0; i < s->n; i++)
		if (!k || strcmp(s->v[k - 1], s->v[i]))
			s->v[k++] = s->v[i];
	s->n = k;
	s->sorted = true;
}

bool
names_has(const struct names *s, const char *name)
{
	if (!s->sorted) {
		fputs("sigmacc: internal error: names_has on an unsorted set\n", stderr);
		abort();
	}
	return s->n && bsearch(&name, s->v, (size_t)s->n, sizeof(*s->v), cmp_names);
}

void
names_free(struct names *s)
{
	arena_free(&s->arena);
	free(s->v);
	*s = (struct names){0};
}

const char *
manifest_check(const char *rel)
{
	if (files_has_control(rel))
		return "contains a control character";
	if (*rel == '/')
		return "is an absolute path";
	for (const char *c = rel;; c++) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return "has an empty, '.' or '..' component";
		c += n;
		if (!*c)
			break;
	}
	size_t n = strcspn(rel, "/");
	if (!rel[n])
		return "is not below a target's directory";
	for (int i = 0; backends[i]; i++)
		if (strlen(backends[i]->name) == n && !strncmp(backends[i]->name, rel, n))
			return NULL;
	return "is not below a target's directory";
}

/* Is rel an output of the built target it lies below (or of a target not built)?
 * If not, says why in why. */
static bool
check_extension(const char *rel, const struct manifest_target *targets, int nt, struct buf *why)
{
	size_t n = strcspn(rel, "/"), len = strlen(rel);
	for (int t = 0; t < nt; t++) {
		size_t e = strlen(targets[t].ext);
		if (strlen(targets[t].name) != n || strncmp(targets[t].name, rel, n))
			continue;
		if (len > n + 2 + e && rel[len - e - 1] == '.' && !strcmp(rel + len - e, targets[t].ext))
			return true;
		buf_printf(why, "does not end in .%s, the extension of this build's %s outputs",
			   targets[t].ext, targets[t].name);
		return false;
	}
	return true;
}

int
manifest_parse(const char *text, size_t len, const char *file,
	       const struct manifest_target *targets, int nt, struct names *s, struct buf *err)
{
	int bad = 0, line = 0;
	struct buf entry = {0}, ext = {0};
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		line++;
		buf_clear(&entry);
		/* CRLF, as a checkout with autocrlf writes it, ends a line like LF */
		buf_putn(&entry, p, (size_t)(eol - p) - (eol > p && eol[-1] == '\r'));
		p = eol + (nl != NULL);
		if (!entry.len || entry.data[0] == '#')
			continue;
		/* a NUL would hide the rest of the line from every check */
		const char *why = strlen(entry.data) != entry.len ? "contains a control character" :
				  manifest_check(entry.data);
		buf_clear(&ext);
		if (!why && check_extension(entry.data, targets, nt, &ext)) {
			names_add(s, entry.data);
			continue;
		}
		if (++bad > MANIFEST_REPORTS)
			continue;	/* a planted manifest must not flood the log */
		files_put_name(err, file);
		buf_printf(err, ":%d:1: warning: entry '", line);
		files_put_bytes(err, entry.data, entry.len);
		buf_printf(err, "' ignored: it %s\n", why ? why : ext.data);
	}
	if (bad > MANIFEST_REPORTS) {
		files_put_name(err, file);
		buf_printf(err, ": warning: %d more invalid entries ignored\n", bad - MANIFEST_REPORTS);
	}
	buf_free(&entry);
	buf_free(&ext);
	names_sort(s);
	return bad;
}

void
manifest_render(const struct names *s, struct buf *out)
{
	buf_puts(out, "# Outputs written by sigmacc build; it removes them when their rule is gone.\n");
	for (int i = 0; i < s->n; i++)
		buf_printf(out, "%s\n", s->v[i]);
}
