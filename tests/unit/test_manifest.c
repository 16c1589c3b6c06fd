/* test_manifest.c: which manifest entries a build trusts, their records, the set of output
 * names, and the hash behind the records. */
#include "unit.h"
#include "manifest.h"

#include <stdio.h>
#include <string.h>

static void
check(void **state)
{
	(void)state;
	assert_null(manifest_check("kql/a.kql"));
	assert_null(manifest_check("spl/windows/process/x.spl"));
	assert_null(manifest_check("kql/..x/a..kql"));	/* dots inside a name are fine */
	assert_string_equal(manifest_check("/etc/passwd"), "is an absolute path");
	const char *climbing[] = {"kql/../../x", "kql/./a.kql", "./kql/a.kql", "kql//a.kql",
				  "kql/a.kql/", "kql/..", ".."};
	for (size_t i = 0; i < sizeof(climbing) / sizeof(*climbing); i++)
		assert_string_equal(manifest_check(climbing[i]), "has an empty, '.' or '..' component");
	assert_string_equal(manifest_check("kql/a\nb.kql"), "contains a control character");
	assert_string_equal(manifest_check("kql/a\rb.kql"), "contains a control character");
	assert_string_equal(manifest_check("kql/a\x7f.kql"), "contains a control character");
	assert_string_equal(manifest_check("kql"), "is not below an output's directory");
	/* a project's output directories are names like any other */
	assert_null(manifest_check("sentinel/rules/a.yaml"));
	assert_true(manifest_safe_dir("kql-sentinel/rules"));
	assert_false(manifest_safe_dir("kql sentinel"));
	assert_false(manifest_safe_dir("../x"));
	assert_false(manifest_safe_dir(""));
}

static void
parse(void **state)
{
	(void)state;
	const char text[] = "# header\n\nkql/b.kql\r\nkql/a.md\nkql/.kql\nspl/x.anything\n"
			    "kql/a\0b.kql\nkql/b.kql\nkql/a.kql";
	const struct manifest_target built[] = {{"kql", "kql", NULL}};
	struct manifest m = {0};
	struct names *s = &m.entries;
	struct buf err = {0};
	assert_int_equal(manifest_parse(text, sizeof(text) - 1, "M", built, 1, &m, &err), 3);
	assert_int_equal(m.version, 1);
	assert_string_equal(err.data,
		"M:4:1: warning: entry 'kql/a.md' ignored: it does not end in .kql, the extension "
		"of this build's kql outputs\n"
		"M:5:1: warning: entry 'kql/.kql' ignored: it does not end in .kql, the extension "
		"of this build's kql outputs\n"
		"M:7:1: warning: entry 'kql/a\\x00b.kql' ignored: it contains a control character\n");
	assert_int_equal(s->n, 3);	/* sorted, the duplicate dropped */
	assert_string_equal(s->v[0], "kql/a.kql");
	assert_string_equal(s->v[1], "kql/b.kql");
	assert_string_equal(s->v[2], "spl/x.anything");	/* not built: carried as it is */
	assert_true(names_has(s, "kql/b.kql"));
	assert_false(names_has(s, "kql/c.kql"));
	assert_null(names_record(s, "kql/b.kql"));	/* format 1: no records, all rebuilt */
	struct buf out = {0};
	manifest_render(NULL, 0, NULL, s, &out);
	assert_string_equal(out.data, "# Outputs written by sigmacc build and what produced each "
			    "(docs/manifest.md).\n#sigmacc-manifest 3\nkql/a.kql\nkql/b.kql\n"
			    "spl/x.anything\n");
	/* an unchanged manifest is recognised without being rendered again */
	assert_true(manifest_renders(NULL, 0, NULL, s, out.data, out.len));
	assert_false(manifest_renders(NULL, 0, NULL, s, out.data, out.len - 1));
	assert_false(manifest_renders(NULL, 0, NULL, s, NULL, 0));
	out.data[out.len - 2] = 'X';
	assert_false(manifest_renders(NULL, 0, NULL, s, out.data, out.len));
	buf_putc(&out, '\n');
	out.data[out.len - 3] = 'g';
	assert_false(manifest_renders(NULL, 0, NULL, s, out.data, out.len));	/* one line more */
	buf_free(&out);
	buf_free(&err);
	manifest_free(&m);
}

#define H32 "0123456789abcdef0123456789abcdef"

/* Format 2: the outputs' lines and each file's record, read back as written. */
static void
records(void **state)
{
	(void)state;
	const char text[] = "#sigmacc-manifest 2\n"
			    "#output sentinel kql-sentinel version=0.1.0 options=" H32 " pipelines=" H32
			    " format=" H32 "\n"
			    "#output bad name x version=1 options=1 pipelines=1 format=1\n"
			    "kql-sentinel/a.yaml\t" H32 " - " H32 "\n"
			    "kql-sentinel/b.yaml\t" H32 " " H32 " " H32 "\n"
			    "kql-sentinel/c.yaml\tnot a record\n"
			    "other/d.txt\n";
	const struct manifest_target built[] = {{"kql-sentinel", "yaml", NULL}};
	struct manifest m = {0};
	struct buf err = {0};
	assert_int_equal(manifest_parse(text, sizeof(text) - 1, "M", built, 1, &m, &err), 1);
	assert_string_equal(err.data, "M:7:1: warning: entry 'other/d.txt' ignored: it is not below "
			    "an output's directory\n");
	assert_int_equal(m.version, 2);
	assert_int_equal(m.noutputs, 1);
	assert_string_equal(m.outputs[0].dir, "kql-sentinel");
	assert_string_equal(m.outputs[0].version, "0.1.0");
	struct manifest_record r;
	assert_true(manifest_record_split(names_record(&m.entries, "kql-sentinel/a.yaml"), &r));
	assert_string_equal(r.lists, "-");
	assert_string_equal(r.out, H32);
	assert_true(manifest_record_split(names_record(&m.entries, "kql-sentinel/b.yaml"), &r));
	assert_string_equal(r.lists, H32);
	assert_null(names_record(&m.entries, "kql-sentinel/c.yaml"));	/* tracked, rebuilt */
	assert_true(names_has(&m.entries, "kql-sentinel/c.yaml"));
	assert_false(manifest_record_split(H32 " - " H32 "0", &r));
	assert_false(manifest_record_split(H32 " " H32, &r));
	struct buf out = {0};
	manifest_render(m.outputs, m.noutputs, &m.refused, &m.entries, &out);
	assert_non_null(strstr(out.data, "\n#output sentinel kql-sentinel version=0.1.0 options="));
	assert_non_null(strstr(out.data, "\nkql-sentinel/a.yaml\t" H32 " - " H32 "\n"));
	assert_non_null(strstr(out.data, "\nkql-sentinel/c.yaml\n"));
	buf_free(&out);
	buf_free(&err);
	manifest_free(&m);
}

/* Format 3's "#refused" lines: an expected refusal's output name and the hashes of its
 * rule and lists, trusted only with that shape, rendered back after the outputs' lines;
 * a format-2 manifest has none (such a line is a comment there). */
static void
refused(void **state)
{
	(void)state;
	const char text[] = "#sigmacc-manifest 3\n"
			    "#refused kql/b.kql\t" H32 " -\n"
			    "#refused kql/a.kql\t" H32 " " H32 "\n"
			    "#refused kql/c.kql\t" H32 "\n"
			    "#refused kql/../d.kql\t" H32 " -\n"
			    "#refused kql/e.md\t" H32 " -\n"
			    "#refused kql/f.kql\t" H32 " - " H32 "\n"
			    "kql/a.kql\t" H32 " - " H32 "\n";
	const struct manifest_target built[] = {{"kql", "kql", NULL}};
	struct manifest m = {0};
	struct buf err = {0}, out = {0};
	assert_int_equal(manifest_parse(text, sizeof(text) - 1, "M", built, 1, &m, &err), 4);
	assert_non_null(strstr(err.data, "M:4:1: warning: entry '#refused kql/c.kql"));
	assert_non_null(strstr(err.data, H32 "' ignored: it has a malformed record\nM:5:1:"));
	assert_non_null(strstr(err.data, "M:5:1: warning: entry '#refused kql/../d.kql"));
	assert_non_null(strstr(err.data, "M:6:1: warning: entry '#refused kql/e.md"));
	assert_int_equal(m.refused.n, 2);
	assert_string_equal(names_record(&m.refused, "kql/b.kql"), H32 " -");
	assert_string_equal(names_record(&m.refused, "kql/a.kql"), H32 " " H32);
	assert_false(names_has(&m.refused, "kql/f.kql"));
	assert_true(names_has(&m.entries, "kql/a.kql"));
	manifest_render(NULL, 0, &m.refused, &m.entries, &out);
	assert_non_null(strstr(out.data, "\n#refused kql/a.kql\t" H32 " " H32 "\n#refused kql/b.kql\t"
			       H32 " -\nkql/a.kql\t"));
	manifest_free(&m);
	const char two[] = "#sigmacc-manifest 2\n#refused kql/b.kql\t" H32 " -\n";
	assert_int_equal(manifest_parse(two, sizeof(two) - 1, "M", built, 1, &m, &err), 0);
	assert_int_equal(m.refused.n, 0);
	buf_free(&out);
	buf_free(&err);
	manifest_free(&m);
}

/* Format 3: a record's content versions, read strictly and bounded. */
static void
versions(void **state)
{
	(void)state;
	struct manifest_record r;
	assert_true(manifest_record_split(H32 " - " H32 " 20240316 " H32, &r));
	assert_int_equal(r.version, 20240316);
	assert_string_equal(r.queries, H32);
	assert_true(manifest_record_split(H32 " - " H32 " 2147483647 " H32 "," H32, &r));
	assert_int_equal(r.version, 2147483647);
	assert_true(manifest_record_split(H32 " - " H32, &r));
	assert_int_equal(r.version, -1);
	assert_null(r.queries);
	const char *bad[] = {
		H32 " - " H32 " 2147483648 " H32,	/* above the limit */
		H32 " - " H32 " 99999999999999999999999 " H32,
		H32 " - " H32 " 012 " H32,		/* a leading zero */
		H32 " - " H32 " -1 " H32,
		H32 " - " H32 " 12",
		H32 " - " H32 " 12 ",
		H32 " - " H32 " 12 " H32 ",",
		H32 " - " H32 " 12 " H32 "0",
		H32 " - " H32 " 12 xyz",
		H32 " - " H32 " ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(manifest_record_split(bad[i], &r));
	struct buf many = {0};
	buf_puts(&many, H32 " - " H32 " 5 ");
	for (int i = 0; i <= MANIFEST_QUERIES_MAX; i++)
		buf_printf(&many, "%s" H32, i ? "," : "");
	assert_false(manifest_record_split(many.data, &r));	/* one hash too many */
	buf_free(&many);

	/* no record: the date version as it is; with one: kept, or raised by one */
	struct arena a = {0};
	struct content_versions cv;
	struct buf rec = {0};
	content_versions_start(&cv, NULL);
	assert_string_equal(content_version(&a, &cv, "q1", "20240315"), "20240315");
	content_versions_record(&cv, &rec);
	content_versions_free(&cv);
	char hex[HASH_HEX];
	hash_bytes_hex("q1", 2, hex);
	struct buf want = {0};
	buf_printf(&want, " 20240315 %s", hex);
	assert_string_equal(rec.data, want.data);
	buf_clear(&want);
	buf_printf(&want, H32 " - " H32 "%s", rec.data);
	content_versions_start(&cv, want.data);
	assert_string_equal(content_version(&a, &cv, "q1", "20240315"), "20240315");
	assert_string_equal(content_version(&a, &cv, "q2", "20240315"), "20240316");
	assert_string_equal(content_version(&a, &cv, "q3", "20250101"), "20250101");
	content_versions_free(&cv);
	buf_clear(&want);
	buf_printf(&want, H32 " - " H32 " 2147483647 %s", hex);
	content_versions_start(&cv, want.data);	/* at the limit: stays there */
	assert_string_equal(content_version(&a, &cv, "q2", "20240315"), "2147483647");
	content_versions_free(&cv);
	content_versions_start(&cv, H32 " - " H32 " 2147483648 " H32);	/* malformed: ignored */
	assert_string_equal(content_version(&a, &cv, "q2", "20240315"), "20240315");
	content_versions_free(&cv);
	buf_free(&want);
	buf_free(&rec);
	arena_free(&a);
}

static void
flood(void **state)
{
	(void)state;
	struct buf text = {0}, err = {0};
	for (int i = 0; i < 1000; i++)
		buf_puts(&text, "kql/../x.kql\n");
	struct manifest m = {0};
	assert_int_equal(manifest_parse(text.data, text.len, "M", NULL, 0, &m, &err), 1000);
	int lines = 0;
	for (const char *p = err.data; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 21);
	assert_non_null(strstr(err.data, "M:20:1: warning: entry 'kql/../x.kql' ignored"));
	assert_null(strstr(err.data, "M:21:1:"));
	assert_non_null(strstr(err.data, "M: warning: 980 more invalid entries ignored\n"));
	assert_int_equal(m.entries.n, 0);
	buf_free(&text);
	buf_free(&err);
	manifest_free(&m);
}

static void
names(void **state)
{
	(void)state;
	struct names s = {0};
	char name[32];
	for (int i = 9999; i >= 0; i--) {
		snprintf(name, sizeof(name), "kql/%05d.kql", i % 5000);
		names_add(&s, name);
	}
	names_sort(&s);
	assert_int_equal(s.n, 5000);
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "kql/%05d.kql", i);
		assert_string_equal(s.v[i], name);
		assert_true(names_has(&s, name));
	}
	assert_false(names_has(&s, "kql/05000.kql"));
	names_free(&s);
}

/* SHA-256's published test vectors (FIPS 180-4 examples), as the manifest keeps them: 128 bits. */
static void
sha256(void **state)
{
	(void)state;
	char hex[HASH_HEX];
	hash_bytes_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223");
	const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";	/* 56 bytes */
	hash_bytes_hex(two, sizeof(two) - 1, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039");
	hash_bytes_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924");
	struct hash_ctx c;	/* a million 'a', fed in uneven pieces */
	char a[997];
	memset(a, 'a', sizeof(a));
	hash_init(&c);
	for (size_t left = 1000000; left;) {
		size_t n = left < sizeof(a) ? left : sizeof(a);
		hash_update(&c, a, n);
		left -= n;
	}
	hash_hex(&c, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check),
		cmocka_unit_test(parse),
		cmocka_unit_test(refused),
		cmocka_unit_test(flood),
		cmocka_unit_test(records),
		cmocka_unit_test(versions),
		cmocka_unit_test(sha256),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
