/* test_yaml.c: YAML loading: scalar typing, positions, duplicate keys, aliases. */
#include "unit.h"

static struct ynode *
load_one(struct arena *a, struct diag *d, struct source *src, const char *text)
{
	*src = (struct source){"t.yml", text, strlen(text)};
	d->src = src;
	struct ynode **docs;
	int n;
	if (!yaml_load(src, a, d, &docs, &n) || n != 1)
		return NULL;
	return docs[0];
}

static void
scalar_types(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	struct ynode *m = load_one(&a, &d, &src,
				   "i: 4688\nh: 0x1F\nf: 1.5\nb: true\nB: False\nn: null\nt: ~\ne:\n"
				   "q: '4688'\ns: yes\nd: 2024-01-31\nneg: -3\n");
	assert_non_null(m);
	assert_int_equal(yaml_get(m, "i")->type, SCALAR_INT);
	assert_int_equal(yaml_get(m, "h")->type, SCALAR_INT);
	assert_int_equal(yaml_get(m, "f")->type, SCALAR_FLOAT);
	assert_int_equal(yaml_get(m, "b")->type, SCALAR_BOOL);
	assert_int_equal(yaml_get(m, "B")->type, SCALAR_BOOL);
	assert_int_equal(yaml_get(m, "n")->type, SCALAR_NULL);
	assert_int_equal(yaml_get(m, "t")->type, SCALAR_NULL);
	assert_int_equal(yaml_get(m, "e")->type, SCALAR_NULL);
	assert_int_equal(yaml_get(m, "q")->type, SCALAR_STR);	/* quoted stays a string */
	assert_int_equal(yaml_get(m, "s")->type, SCALAR_STR);	/* YAML 1.2: yes is text */
	assert_int_equal(yaml_get(m, "d")->type, SCALAR_STR);
	assert_int_equal(yaml_get(m, "neg")->type, SCALAR_INT);
	assert_int_equal(yaml_get(m, "f")->pos.line, 3);
	assert_int_equal(yaml_get(m, "f")->pos.col, 4);
	diag_clear(&d);
	arena_free(&a);
}

static void
duplicate_key(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	assert_null(load_one(&a, &d, &src, "a: 1\nb: 2\na: 3\n"));
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.msgs[0].pos.line, 3);
	assert_int_equal(d.msgs[0].pos.col, 1);
	assert_string_equal(d.msgs[0].text, "duplicate key 'a' (first defined at line 1)");
	diag_clear(&d);
	arena_free(&a);
}

static void
alias_bomb(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	const char *bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
			   "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
			   "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
			   "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
			   "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
			   "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
	assert_null(load_one(&a, &d, &src, bomb));
	assert_string_equal(d.msgs[0].text,
			    "document expands to more than 1000000 nodes through aliases");
	/* a few aliases are fine and shared, not copied */
	diag_clear(&d);
	struct ynode *m = load_one(&a, &d, &src, "a: &x [1, 2]\nb: *x\n");
	assert_non_null(m);
	assert_ptr_equal(yaml_get(m, "a"), yaml_get(m, "b"));
	diag_clear(&d);
	arena_free(&a);
}

static void
syntax_error_position(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	assert_null(load_one(&a, &d, &src, "a: [1, 2\nb: 3\n"));
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(d.msgs[0].pos.line, 2);
	diag_clear(&d);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalar_types),
		cmocka_unit_test(duplicate_key),
		cmocka_unit_test(alias_bomb),
		cmocka_unit_test(syntax_error_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
