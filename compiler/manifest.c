/*
 * manifest.c: OUTDIR/.sigmacc-manifest, the list of outputs a build wrote,
 * which the next build uses to remove the outputs of deleted rules, with the
 * record of what produced each (and of the Sentinel rule versions written,
 * which the next build raises when a query changed: content_version). The
 * manifest is committed with the outputs and so arrives through pull
 * requests: an entry is trusted only when it has the shape of an output
 * sigmacc itself would write (TARGET/relative/path.EXT, nothing that could
 * climb out of OUTDIR or forge a line).
 */
#include "manifest.h"
#include "base.h"
#include "files.h"
#include "../backends/backend.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_REPORTS 20	/* invalid entries reported one by one; the rest are counted */
#define MANIFEST_VERSION_LINE "#sigmacc-manifest 3"	/* format 3: docs/manifest.md */
#define MANIFEST_VERSION_2 "#sigmacc-manifest 2"	/* read as well: records without versions */

/* Each entry is preceded in the arena by the length and hash of its path, so
 * sorting compares with memcmp and a lookup compares hashes first: the paths
 * share long prefixes (TARGET/product/category/...). */
struct entry_head {
	uint32_t len, hash;
};

static struct entry_head *
head_of(const char *e)
{
	return (struct entry_head *)(void *)(e - sizeof(struct entry_head));
}

/* A hash of a path's bytes (strmap.c's, seeded per process: a forged manifest
 * cannot be tuned to collide). */
static uint32_t
hash_path(const char *p, size_t n)
{
	uint64_t h = strmap_hash(p, n);
	return (uint32_t)(h ^ (h >> 32));
}

const char *
names_add_record(struct names *s, const char *name, const char *record)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = mem_realloc(s->v, sizeof(*s->v) * (size_t)s->cap);
	}
	s->sorted = false;	/* and the hash index is stale */
	s->indexed = false;
	size_t n = strlen(name), r = record ? strlen(record) : 0;
	char *e = (char *)arena_alloc_raw(&s->arena, sizeof(struct entry_head) + n + r + 2) +
		  sizeof(struct entry_head);
	memcpy(e, name, n + 1);
	if (record) {
		e[n] = '\t';
		memcpy(e + n + 1, record, r + 1);
	}
	size_t len = strcspn(name, "\t");	/* an entry of another set, with its record */
	*head_of(e) = (struct entry_head){(uint32_t)len, hash_path(e, len)};
	return s->v[s->n++] = e;
}

const char *
names_add(struct names *s, const char *name)
{
	return names_add_record(s, name, NULL);
}

void
names_add_entry(struct names *s, const char *entry)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = mem_realloc(s->v, sizeof(*s->v) * (size_t)s->cap);
	}
	s->sorted = false;
	s->indexed = false;
	s->v[s->n++] = entry;	/* its head precedes it in its own set's arena */
}

int
names_compare(const char *a, const char *b)
{
	uint32_t la = head_of(a)->len, lb = head_of(b)->len;
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

static int
cmp_names(const void *a, const void *b)
{
	return names_compare(*(const char *const *)a, *(const char *const *)b);
}

void
names_index(struct names *s)
{
	size_t want = 16;
	while (want < 2 * (size_t)s->n)
		want *= 2;
	if (want != s->nslots) {
		free(s->slots);
		s->slots = mem_alloc(want * sizeof(*s->slots));
		s->nslots = want;
	}
	memset(s->slots, 0, want * sizeof(*s->slots));
	for (int i = 0; i < s->n; i++) {
		size_t at = head_of(s->v[i])->hash & (want - 1);
		while (s->slots[at])
			at = (at + 1) & (want - 1);
		s->slots[at] = i + 1;
	}
	s->indexed = true;
}

void
names_sort(struct names *s)
{
	bool sorted = true;	/* a manifest is read back in the order it was written */
	for (int i = 1; i < s->n && sorted; i++)
		sorted = names_compare(s->v[i - 1], s->v[i]) < 0;
	if (!sorted) {
		qsort(s->v, (size_t)s->n, sizeof(*s->v), cmp_names);
		int k = 0;
		for (int i = 0; i < s->n; i++)
			if (!k || names_compare(s->v[k - 1], s->v[i]))
				s->v[k++] = s->v[i];
		s->n = k;
	}
	s->sorted = true;
	/* lookups are by hash: a binary search compares long shared prefixes */
	names_index(s);
}

static const char *const *
names_find(const struct names *s, const char *name)
{
	if (!s->indexed) {
		fputs("sigmacc: internal error: names_has on a set without its index\n", stderr);
		abort();
	}
	if (!s->n)
		return NULL;
	size_t len = strcspn(name, "\t");
	uint32_t h = hash_path(name, len);
	for (size_t at = h & (s->nslots - 1); s->slots[at]; at = (at + 1) & (s->nslots - 1)) {
		const char *e = s->v[s->slots[at] - 1];
		const struct entry_head *eh = head_of(e);
		if (eh->hash == h && eh->len == len && !memcmp(e, name, len))
			return &s->v[s->slots[at] - 1];
	}
	return NULL;
}

bool
names_has(const struct names *s, const char *name)
{
	return names_find(s, name) != NULL;
}

const char *
names_entry(const struct names *s, const char *name)
{
	const char *const *e = names_find(s, name);
	return e ? *e : NULL;
}

const char *
names_entry_record(const char *entry)
{
	return entry && entry[head_of(entry)->len] == '\t' ? entry + head_of(entry)->len + 1 : NULL;
}

const char *
names_record(const struct names *s, const char *name)
{
	return names_entry_record(names_entry(s, name));
}

const char *
names_path(struct names *s, const char *entry)
{
	const char *tab = strchr(entry, '\t');
	return tab ? arena_strndup(&s->arena, entry, (size_t)(tab - entry)) : entry;
}

void
names_free(struct names *s)
{
	arena_free(&s->arena);
	free(s->v);
	free(s->slots);
	*s = (struct names){0};
}

/* Does s[0..n) hold a control character (C0 or DEL)? Eight bytes at a time:
 * every output name of a build and every manifest entry comes here. */
static bool
has_control(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w, del;
		memcpy(&w, s + i, 8);
		del = w ^ (0x7f * ones);
		if ((((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & highs)
			return true;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

const char *
manifest_check(const char *rel)
{
	size_t len = strlen(rel);
	if (has_control(rel, len))
		return "contains a control character";
	if (*rel == '/')
		return "is an absolute path";
	for (const char *c = rel, *end = rel + len;;) {
		const char *slash = memchr(c, '/', (size_t)(end - c));
		size_t n = (size_t)((slash ? slash : end) - c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return "has an empty, '.' or '..' component";
		if (!slash)
			break;
		c = slash + 1;
	}
	if (!memchr(rel, '/', len))
		return "is not below an output's directory";
	return NULL;
}

bool
manifest_safe_dir(const char *dir)
{
	for (const char *c = dir; *c; c++)
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') && !(*c >= '0' && *c <= '9') &&
		    !strchr("._-/", *c))
			return false;
	const char *why = manifest_check(dir);
	return *dir && strlen(dir) < 200 && (!why || !strcmp(why, "is not below an output's directory"));
}

/* Is rel below dir (dir's components, then more)? */
static bool
below(const char *rel, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(rel, dir, n) && rel[n] == '/';
}

/* Is rel, below dir, a name and then .ext? */
static bool
has_ext(const char *rel, const char *dir, const char *ext)
{
	size_t len = strlen(rel), e = strlen(ext), n = strlen(dir);
	return len > n + 2 + e && rel[len - e - 1] == '.' && !strcmp(rel + len - e, ext);
}

enum place {
	PLACE_OK,
	PLACE_EXTENSION,	/* below a built output, without its extension */
	PLACE_NOWHERE,		/* below no output's directory */
};

/* Is rel an output of the built output it lies below, or below an output not
 * built (this manifest's own, or a target's directory)? If not, says why. */
static enum place
check_place(const char *rel, const struct manifest_target *targets, int nt,
	    const struct manifest *m, struct buf *why)
{
	for (int t = 0; t < nt; t++) {
		if (!below(rel, targets[t].name))
			continue;
		if (has_ext(rel, targets[t].name, targets[t].ext) ||
		    (targets[t].beside && has_ext(rel, targets[t].name, targets[t].beside)))
			return PLACE_OK;
		buf_printf(why, "does not end in .%s, the extension of this build's %s outputs",
			   targets[t].ext, targets[t].name);
		return PLACE_EXTENSION;
	}
	for (int i = 0; i < m->noutputs; i++)
		if (below(rel, m->outputs[i].dir))
			return PLACE_OK;
	for (int i = 0; backends[i]; i++)
		if (below(rel, backends[i]->name))
			return PLACE_OK;
	buf_puts(why, "is not below an output's directory");
	return PLACE_NOWHERE;
}

/* The hex digits of one hash at p; false when there are not HASH_HEX - 1 of them. */
static bool
is_hash(const char *p)
{
	for (size_t k = 0; k < HASH_HEX - 1; k++)	/* stops at the NUL of a short record */
		if (!(p[k] >= '0' && p[k] <= '9') && !(p[k] >= 'a' && p[k] <= 'f'))
			return false;
	return true;
}

/* Format 3's " VERSION H,H,..." after a record's hashes: a decimal number of at most
 * MANIFEST_VERSION_MAX without leading zeros, and 1 to MANIFEST_QUERIES_MAX hashes. */
static bool
split_versions(const char *p, struct manifest_record *r)
{
	long long v = 0;
	const char *digits = p;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (*p - '0')) > MANIFEST_VERSION_MAX)
			return false;	/* a planted huge number: no record, the date version stands */
	if (p == digits || (*digits == '0' && p - digits > 1) || *p++ != ' ')
		return false;
	r->version = v;
	r->queries = p;
	for (int n = 1;; n++, p++) {
		if (n > MANIFEST_QUERIES_MAX || !is_hash(p))
			return false;
		p += HASH_HEX - 1;
		if (!*p)
			return true;
		if (*p != ',')
			return false;
	}
}

bool
manifest_record_split(const char *record, struct manifest_record *r)
{
	if (!record)
		return false;
	const char *p = record;
	char *parts[] = {r->rule, r->lists, r->out};
	r->version = -1;
	r->queries = NULL;
	for (int i = 0; i < 3; i++) {
		bool none = i == 1 && *p == '-';
		size_t n = none ? 1 : HASH_HEX - 1;
		if (!none && !is_hash(p))
			return false;
		memcpy(parts[i], p, n);
		parts[i][n] = '\0';
		p += n;
		if (i < 2 && *p++ != ' ')
			return false;
	}
	return !*p || (*p == ' ' && split_versions(p + 1, r));
}

void
content_versions_start(struct content_versions *cv, const char *record)
{
	struct manifest_record r;
	*cv = (struct content_versions){.was = -1, .now = -1};
	if (manifest_record_split(record, &r) && r.version >= 0) {
		cv->was = r.version;
		cv->was_queries = r.queries;
	}
}

/* Is the hash among the recorded ones? */
static bool
recorded_query(const struct content_versions *cv, const char *hex)
{
	for (const char *p = cv->was_queries; p && *p; p += HASH_HEX - 1 + (p[HASH_HEX - 1] == ','))
		if (!memcmp(p, hex, HASH_HEX - 1))
			return true;
	return false;
}

const char *
content_version(struct arena *a, struct content_versions *cv, const char *query, const char *base)
{
	char hex[HASH_HEX];
	hash_bytes_hex(query, strlen(query), hex);
	if (cv->nqueries++)
		buf_putc(&cv->queries, ',');
	buf_puts(&cv->queries, hex);
	long long v = 0;
	for (const char *c = base; *c; c++)
		v = v * 10 + (*c - '0');	/* base: at most 8 digits */
	if (cv->was >= 0) {
		/* at the limit a version stays there: it can no longer grow */
		long long floor = cv->was + (cv->was < MANIFEST_VERSION_MAX && !recorded_query(cv, hex));
		v = v > floor ? v : floor;
	}
	if (v > cv->now)
		cv->now = v;
	/* without a record, the date's digits as they are (leading zeros too) */
	return cv->was >= 0 ? arena_printf(a, "%lld", v) : base;
}

void
content_versions_record(const struct content_versions *cv, struct buf *record)
{
	if (cv->now >= 0 && cv->nqueries <= MANIFEST_QUERIES_MAX)
		buf_printf(record, " %lld %s", cv->now, cv->queries.data);
}

void
content_versions_free(struct content_versions *cv)
{
	buf_free(&cv->queries);
	*cv = (struct content_versions){.was = -1, .now = -1};
}

/* A format-2 "#output NAME DIR version=V options=H pipelines=H format=H" line;
 * false if malformed. */
static bool
parse_output(const char *line, struct manifest_output *o)
{
	char name[64], dir[256], version[64], opts[HASH_HEX], pipes[HASH_HEX], format[HASH_HEX];
	char end;
	if (sscanf(line, "#output %63s %255s version=%63s options=%32s pipelines=%32s format=%32s%c",
		   name, dir, version, opts, pipes, format, &end) != 6 ||
	    !manifest_safe_dir(name) || !manifest_safe_dir(dir))
		return false;
	*o = (struct manifest_output){0};
	memcpy(o->name, name, sizeof(name));
	memcpy(o->dir, dir, sizeof(dir));
	memcpy(o->version, version, sizeof(version));
	memcpy(o->options, opts, sizeof(opts));
	memcpy(o->pipelines, pipes, sizeof(pipes));
	memcpy(o->format, format, sizeof(format));
	return true;
}

/* One entry line: its path checked, its record kept when well-formed; false with why. */
static bool
parse_entry(struct manifest *m, char *entry, size_t len, const struct manifest_target *targets,
	    int nt, struct buf *why)
{
	char *tab = m->version >= 2 ? memchr(entry, '\t', len) : NULL;
	if (tab)
		*tab = '\0';
	/* a NUL would hide the rest of the line from every check */
	const char *bad = strlen(entry) != (tab ? (size_t)(tab - entry) : len) ?
			  "contains a control character" : manifest_check(entry);
	if (bad) {
		if (tab)
			*tab = '\t';
		buf_puts(why, bad);
		return false;
	}
	struct manifest_record r;
	/* a malformed record only costs a rebuild of that output */
	bool record = tab && manifest_record_split(tab + 1, &r);
	enum place place = check_place(entry, targets, nt, m, why);
	/* a file of an output whose format changed since is trusted through its record
	 * alone: build removes it only while it holds the bytes recorded */
	if (place != PLACE_OK && !(place == PLACE_EXTENSION && record)) {
		if (tab)
			*tab = '\t';
		return false;
	}
	names_add_record(&m->entries, entry, record ? tab + 1 : NULL);
	return true;
}

/* A "#refused PATH<TAB>RULE LISTS" line (after its "#refused "): the path of an
 * output of this build, the hashes of a rule file and its lists; false with why. */
static bool
parse_refused(struct manifest *m, char *line, const struct manifest_target *targets, int nt,
	      struct buf *why)
{
	char *tab = strchr(line, '\t');
	if (!tab)
		return buf_puts(why, "has no record"), false;
	*tab = '\0';
	const char *bad = manifest_check(line);
	bool ok = !bad && check_place(line, targets, nt, m, why) == PLACE_OK;
	const char *r = tab + 1;
	bool record = is_hash(r) && r[HASH_HEX - 1] == ' ' &&
		      (!strcmp(r + HASH_HEX, "-") || (is_hash(r + HASH_HEX) && !r[2 * HASH_HEX - 1]));
	if (bad)
		buf_puts(why, bad);
	else if (ok && !record)
		buf_puts(why, "has a malformed record");
	if (ok && record)
		names_add_record(&m->refused, line, r);
	*tab = '\t';
	return ok && record;
}

int
manifest_parse(const char *text, size_t len, const char *file,
	       const struct manifest_target *targets, int nt, struct manifest *m, struct buf *err)
{
	int bad = 0, line = 0;
	struct buf entry = {0}, why = {0};
	m->version = 1;
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		line++;
		buf_clear(&entry);
		/* CRLF, as a checkout with autocrlf writes it, ends a line like LF */
		buf_putn(&entry, p, (size_t)(eol - p) - (eol > p && eol[-1] == '\r'));
		p = eol + (nl != NULL);
		if (!strcmp(entry.data ? entry.data : "", MANIFEST_VERSION_LINE))
			m->version = 3;
		else if (!strcmp(entry.data ? entry.data : "", MANIFEST_VERSION_2))
			m->version = 2;
		struct manifest_output o;
		if (m->version >= 2 && !strncmp(entry.data ? entry.data : "", "#output ", 8) &&
		    parse_output(entry.data, &o)) {
			m->outputs = mem_realloc(m->outputs, sizeof(o) * (size_t)(m->noutputs + 1));
			m->outputs[m->noutputs++] = o;
		}
		bool refused = m->version >= 3 && !strncmp(entry.data ? entry.data : "", "#refused ", 9);
		if (!entry.len || (entry.data[0] == '#' && !refused))
			continue;
		buf_clear(&why);
		if (refused ? parse_refused(m, entry.data + 9, targets, nt, &why) :
		    parse_entry(m, entry.data, entry.len, targets, nt, &why))
			continue;
		if (++bad > MANIFEST_REPORTS)
			continue;	/* a planted manifest must not flood the log */
		files_put_name(err, file);
		buf_printf(err, ":%d:1: warning: entry '", line);
		files_put_bytes(err, entry.data, entry.len);
		buf_printf(err, "' ignored: it %s\n", why.data);
	}
	if (bad > MANIFEST_REPORTS) {
		files_put_name(err, file);
		buf_printf(err, ": warning: %d more invalid entries ignored\n", bad - MANIFEST_REPORTS);
	}
	buf_free(&entry);
	buf_free(&why);
	names_sort(&m->entries);
	names_sort(&m->refused);
	return bad;
}

void
manifest_free(struct manifest *m)
{
	names_free(&m->entries);
	names_free(&m->refused);
	free(m->outputs);
	*m = (struct manifest){0};
}

/* Where the manifest's text goes: appended to out, or compared with the text
 * cmp[0..len) (at: how much matched so far) without being held anywhere. */
struct sink {
	struct buf *out;
	const char *cmp;
	size_t len, at;
	bool differs;
};

static void
sink_put(struct sink *k, const char *s, size_t n)
{
	if (k->out)
		buf_putn(k->out, s, n);
	else if (!k->differs && n <= k->len - k->at && !memcmp(k->cmp + k->at, s, n))
		k->at += n;
	else
		k->differs = true;
}

/* The version line and the "#output" lines, after a comment line. */
static void
render_head(const char *comment, const struct manifest_output *o, int no, struct buf *out)
{
	buf_printf(out, "# %s (docs/manifest.md).\n" MANIFEST_VERSION_LINE "\n", comment);
	for (int i = 0; i < no; i++)
		buf_printf(out, "#output %s %s version=%s options=%s pipelines=%s format=%s\n",
			   o[i].name, o[i].dir, o[i].version, o[i].options, o[i].pipelines, o[i].format);
}

void
manifest_render_pending(const struct manifest_output *o, int no, struct buf *out)
{
	render_head("Outputs a sigmacc build named before its manifest tracked them", o, no, out);
}

static void
render(const struct manifest_output *o, int no, const struct names *refused,
       const struct names *s, struct sink *k)
{
	struct buf head = {0};
	render_head("Outputs written by sigmacc build and what produced each", o, no, &head);
	sink_put(k, head.data, head.len);
	buf_free(&head);
	for (int i = 0; refused && i < refused->n; i++) {
		sink_put(k, "#refused ", 9);
		sink_put(k, refused->v[i], strlen(refused->v[i]));
		sink_put(k, "\n", 1);
	}
	for (int i = 0; i < s->n && !k->differs; i++) {
		sink_put(k, s->v[i], strlen(s->v[i]));
		sink_put(k, "\n", 1);
	}
}

void
manifest_render(const struct manifest_output *o, int no, const struct names *refused,
		const struct names *s, struct buf *out)
{
	struct sink k = {.out = out};
	render(o, no, refused, s, &k);
}

bool
manifest_renders(const struct manifest_output *o, int no, const struct names *refused,
		 const struct names *s, const char *text, size_t len)
{
	struct sink k = {.cmp = text ? text : "", .len = text ? len : 0};
	render(o, no, refused, s, &k);
	return !k.differs && k.at == k.len;
}
