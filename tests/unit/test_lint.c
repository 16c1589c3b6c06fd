/* test_lint.c: the linter's ATT&CK table, its check codes and its configuration loader. */
#include "unit.h"
#include "lint.h"

#include <stdio.h>
#include <unistd.h>

static void
attack_table(void **state)
{
	(void)state;
	struct buf err = {0};
	struct attack_table *t = attack_load("templates", &err);
	assert_non_null(t);
	assert_null(err.data);
	const struct attack_entry *e = attack_find(t, "T1059.001");
	assert_non_null(e);
	assert_string_equal(e->name, "PowerShell");
	assert_int_equal(e->tactics_count, 1);
	assert_string_equal(e->tactics[0], "execution");
	assert_null(e->status);
	assert_string_equal(attack_find(t, "T1002")->status, "revoked");
	assert_string_equal(attack_find(t, "G0016")->name, "APT29");
	assert_null(attack_find(t, "T0000"));
	/* v18's Defense Evasion and v19's two tactics (additions.yml) are all known */
	assert_string_equal(attack_tactic(t, "defense-evasion")->id, "TA0005");
	assert_string_equal(attack_tactic(t, "stealth")->id, "TA0005");
	assert_string_equal(attack_tactic(t, "defense-impairment")->id, "TA0112");
	assert_null(attack_tactic(t, "defence-evasion"));
	assert_string_equal(attack_nearest_tactic(t, "defence-evasion"), "defense-evasion");
	assert_string_equal(attack_nearest_tactic(t, "command_and_control"), "command-and-control");
	assert_string_equal(attack_nearest_tactic(t, "Lateral Movement"), "lateral-movement");
	assert_null(attack_nearest_tactic(t, "nonsense-words-here"));
	assert_string_equal(attack_version(t), "Enterprise 18.1 + v19 tactics");
	attack_free(t);
	t = attack_load("tests", &err);
	assert_null(t);
	assert_string_equal(err.data, "sigmacc: tests/attack/enterprise.yml: no ATT&CK table\n");
	buf_free(&err);
}

static void
codes(void **state)
{
	(void)state;
	for (int i = 0; i < LINT__COUNT; i++)
		assert_int_equal(lint_find(lint_code((enum lint_check)i)), i);	/* unique */
	assert_int_equal(lint_find("missing-id"), LINT_MISSING_ID);
	assert_int_equal(lint_find("wildcard-instead-of-modifier"), LINT_WILDCARD_MODIFIER);
	assert_int_equal(lint_find("missing_id"), -1);
}

/* Loads a configuration written to a temporary file: NULL, or the error text (heap). */
static char *
load(struct lint_config *c, const char *text)
{
	char path[] = "/tmp/sigmacc-lint-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	struct buf err = {0};
	bool ok = lint_config_load(c, path, &err);
	unlink(path);
	if (ok) {
		assert_null(err.data);
		return NULL;
	}
	/* the message names the temporary file: keep what follows it */
	char *msg = strdup(err.data + strlen("sigmacc: ") + strlen(path) + 2);
	buf_free(&err);
	return msg;
}

static void
configuration(void **state)
{
	(void)state;
	struct lint_config c;
	struct buf err = {0};
	assert_true(lint_config_load(&c, NULL, &err));
	assert_int_equal(c.severity[LINT_MISSING_ID], LINT_WARNING);
	assert_int_equal(c.severity[LINT_DUPLICATE_ID], LINT_ERROR);
	assert_int_equal(c.title_max, 256);
	assert_false(c.fail_on_warning);
	assert_null(load(&c, "disable: [missing-id]\nerror: [duplicate-title]\n"
			     "warning: [duplicate-id]\ntitle_max: 110\nfail_on: warning\n"));
	assert_int_equal(c.severity[LINT_MISSING_ID], LINT_OFF);
	assert_int_equal(c.severity[LINT_DUPLICATE_TITLE], LINT_ERROR);
	assert_int_equal(c.severity[LINT_DUPLICATE_ID], LINT_WARNING);
	assert_int_equal(c.title_max, 110);
	assert_true(c.fail_on_warning);
	char *msg = load(&c, "disable: [missing-ids]\n");
	assert_string_equal(msg, "unknown check 'missing-ids'\n");
	free(msg);
	msg = load(&c, "fail_on: always\n");
	assert_string_equal(msg, "fail_on must be error or warning, not 'always'\n");
	free(msg);
	msg = load(&c, "title_max: -3\n");
	assert_string_equal(msg, "title_max must be a positive number\n");
	free(msg);
	msg = load(&c, "disabled: [missing-id]\n");	/* a typo of a key is no silent no-op */
	assert_non_null(msg);
	free(msg);
	assert_false(lint_config_load(&c, "/nonexistent/lint.yml", &err));
	assert_string_equal(err.data, "sigmacc: /nonexistent/lint.yml: cannot read the lint "
			    "configuration\n");
	buf_free(&err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attack_table),
		cmocka_unit_test(codes),
		cmocka_unit_test(configuration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
