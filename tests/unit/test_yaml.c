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

/* Keys are compared by length: a NUL cannot make two keys look different. */
static void
nul_in_key(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	assert_null(load_one(&a, &d, &src, "condition: sel\n\"condition\\0\": filter\n"));
	assert_int_equal(d.msgs[0].pos.line, 2);
	assert_string_equal(d.msgs[0].text, "mapping key contains a NUL character");
	diag_clear(&d);
	/* a NUL in a value is kept, with its length */
	struct ynode *m = load_one(&a, &d, &src, "k: \"a\\0b\"\n");
	assert_non_null(m);
	assert_int_equal(yaml_get(m, "k")->len, 3);
	diag_clear(&d);
	arena_free(&a);
}

/* Many keys: the hashed check finds a duplicate far from its first definition. */
static void
many_keys(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	struct buf b = {0};
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "k%d: %d\n", i, i);
	assert_non_null(load_one(&a, &d, &src, b.data));
	buf_puts(&b, "k3: again\n");
	assert_null(load_one(&a, &d, &src, b.data));
	assert_int_equal(d.msgs[0].pos.line, 1001);
	assert_string_equal(d.msgs[0].text, "duplicate key 'k3' (first defined at line 4)");
	buf_free(&b);
	diag_clear(&d);
	arena_free(&a);
}

static void
limits(void **state)
{
	(void)state;
	struct arena a = {0};
	struct diag d = {0};
	struct source src;
	struct buf b = {0};
	for (int i = 0; i < 100; i++)
		buf_putc(&b, '[');
	assert_null(load_one(&a, &d, &src, b.data));
	assert_int_equal(d.msgs[0].pos.col, 66);
	assert_string_equal(d.msgs[0].text, "nesting deeper than 64 levels");
	diag_clear(&d);
	assert_null(load_one(&a, &d, &src, "a: *x\n"));
	assert_string_equal(d.msgs[0].text, "YAML syntax error: found undefined alias");
	diag_clear(&d);
	assert_null(load_one(&a, &d, &src, "a: &x [*x]\n"));	/* a cycle */
	assert_string_equal(d.msgs[0].text, "YAML syntax error: found undefined alias");
	diag_clear(&d);
	assert_null(load_one(&a, &d, &src, "a: &x 1\nb: &x 2\n"));
	assert_string_equal(d.msgs[0].text, "duplicate anchor '&x' (first defined at line 1)");
	diag_clear(&d);
	/* a long scalar is kept whole */
	buf_clear(&b);
	buf_puts(&b, "k: ");
	for (int i = 0; i < 10000; i++)
		buf_putc(&b, 'x');
	struct ynode *m = load_one(&a, &d, &src, b.data);
	assert_non_null(m);
	assert_int_equal(yaml_get(m, "k")->len, 10000);
	assert_int_equal(strlen(yaml_get(m, "k")->text), 10000);
	buf_free(&b);
	diag_clear(&d);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalar_types),
		cmocka_unit_test(nul_in_key),
		cmocka_unit_test(many_keys),
		cmocka_unit_test(limits),
		cmocka_unit_test(duplicate_key),
		cmocka_unit_test(alias_bomb),
		cmocka_unit_test(syntax_error_position),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
