/* test_manifest.c: which manifest entries a build trusts, and the set of output names. */
#include "unit.h"
#include "manifest.h"

#include <stdio.h>

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
	assert_string_equal(manifest_check("kql"), "is not below a target's directory");
	assert_string_equal(manifest_check("notes/a.kql"), "is not below a target's directory");
	assert_string_equal(manifest_check("kqlx/a.kql"), "is not below a target's directory");
}

static void
parse(void **state)
{
	(void)state;
	const char text[] = "# header\n\nkql/b.kql\r\nkql/a.md\nkql/.kql\nspl/x.anything\n"
			    "kql/a\0b.kql\nkql/b.kql\nkql/a.kql";
	const struct manifest_target built[] = {{"kql", "kql"}};
	struct names s = {0};
	struct buf err = {0};
	assert_int_equal(manifest_parse(text, sizeof(text) - 1, "M", built, 1, &s, &err), 3);
	assert_string_equal(err.data,
		"M:4:1: warning: entry 'kql/a.md' ignored: it does not end in .kql, the extension "
		"of this build's kql outputs\n"
		"M:5:1: warning: entry 'kql/.kql' ignored: it does not end in .kql, the extension "
		"of this build's kql outputs\n"
		"M:7:1: warning: entry 'kql/a\\x00b.kql' ignored: it contains a control character\n");
	assert_int_equal(s.n, 3);	/* sorted, the duplicate dropped */
	assert_string_equal(s.v[0], "kql/a.kql");
	assert_string_equal(s.v[1], "kql/b.kql");
	assert_string_equal(s.v[2], "spl/x.anything");	/* not built: carried as it is */
	assert_true(names_has(&s, "kql/b.kql"));
	assert_false(names_has(&s, "kql/c.kql"));
	struct buf out = {0};
	manifest_render(&s, &out);
	assert_string_equal(out.data, "# Outputs written by sigmacc build; it removes them when "
			    "their rule is gone.\nkql/a.kql\nkql/b.kql\nspl/x.anything\n");
	buf_free(&out);
	buf_free(&err);
	names_free(&s);
}

static void
flood(void **state)
{
	(void)state;
	struct buf text = {0}, err = {0};
	for (int i = 0; i < 1000; i++)
		buf_puts(&text, "kql/../x.kql\n");
	struct names s = {0};
	assert_int_equal(manifest_parse(text.data, text.len, "M", NULL, 0, &s, &err), 1000);
	int lines = 0;
	for (const char *p = err.data; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, 21);
	assert_non_null(strstr(err.data, "M:20:1: warning: entry 'kql/../x.kql' ignored"));
	assert_null(strstr(err.data, "M:21:1:"));
	assert_non_null(strstr(err.data, "M: warning: 980 more invalid entries ignored\n"));
	assert_int_equal(s.n, 0);
	buf_free(&text);
	buf_free(&err);
	names_free(&s);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(check),
		cmocka_unit_test(parse),
		cmocka_unit_test(flood),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
