/*
 * lint_config.c: the severities of the lint checks. Defaults come from
 * lint.def; a configuration file (--lint-config FILE, loaded with libcyaml)
 * may change them:
 *
 *   disable: [missing-date, unused-search]   # these checks report nothing
 *   error: [title-too-long]                  # these fail the check
 *   warning: [unknown-attack-tag]            # these are reported, do not fail
 *   title_max: 120                           # characters (default 256, Sigma's)
 *   fail_on: warning                         # error (default) or warning
 *
 * Every key is optional; an unknown key or check code is an error, so a typo
 * cannot silently leave a check on.
 */
#include "lint.h"

#include "config.h"
#include <stdio.h>
#include <string.h>

struct lint_config_file {
	char **disable, **error, **warning;
	unsigned disable_count, error_count, warning_count;
	int title_max;
	char *fail_on;
};

static const cyaml_schema_value_t code_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 1, CYAML_UNLIMITED),
};

#define CODES(key, m) \
	CYAML_FIELD_SEQUENCE(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
			     struct lint_config_file, m, &code_entry, 0, CYAML_UNLIMITED)

static const cyaml_schema_field_t file_fields[] = {
	CODES("disable", disable),
	CODES("error", error),
	CODES("warning", warning),
	CYAML_FIELD_INT("title_max", CYAML_FLAG_OPTIONAL, struct lint_config_file, title_max),
	CYAML_FIELD_STRING_PTR("fail_on", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			       struct lint_config_file, fail_on, 1, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};
static const cyaml_schema_value_t file_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct lint_config_file, file_fields),
};

static const enum lint_severity defaults[] = {
#define LINT(id, code, severity, description) LINT_##severity,
#include "lint.def"
#undef LINT
};

/* Sets the severity of every code in list; false after a message. */
static bool
apply(struct lint_config *c, char **list, unsigned n, enum lint_severity sev, const char *file,
      struct buf *err)
{
	for (unsigned i = 0; i < n; i++) {
		int k = lint_find(list[i]);
		if (k < 0) {
			buf_printf(err, "sigmacc: %s: unknown check '%s'\n", file, list[i]);
			return false;
		}
		c->severity[k] = sev;
	}
	return true;
}

static bool
apply_file(struct lint_config *c, const struct lint_config_file *f, const char *file,
	   struct buf *err)
{
	if (!apply(c, f->disable, f->disable_count, LINT_OFF, file, err) ||
	    !apply(c, f->warning, f->warning_count, LINT_WARNING, file, err) ||
	    !apply(c, f->error, f->error_count, LINT_ERROR, file, err))
		return false;
	if (f->title_max < 0) {
		buf_printf(err, "sigmacc: %s: title_max must be a positive number\n", file);
		return false;
	}
	if (f->title_max)
		c->title_max = f->title_max;
	if (f->fail_on && strcmp(f->fail_on, "error") && strcmp(f->fail_on, "warning")) {
		buf_printf(err, "sigmacc: %s: fail_on must be error or warning, not '%s'\n", file,
			   f->fail_on);
		return false;
	}
	c->fail_on_warning = f->fail_on && !strcmp(f->fail_on, "warning");
	return true;
}

bool
lint_config_load(struct lint_config *c, const char *file, struct buf *err)
{
	memcpy(c->severity, defaults, sizeof(defaults));
	c->title_max = LINT_TITLE_MAX;
	c->fail_on_warning = false;
	if (!file)
		return true;
	FILE *fp = fopen(file, "r");
	if (!fp) {
		buf_printf(err, "sigmacc: %s: cannot read the lint configuration\n", file);
		return false;
	}
	fclose(fp);
	struct lint_config_file *f = lint_load_yaml(file, &file_schema, err);
	if (!f)
		return false;
	bool ok = apply_file(c, f, file, err);
	cyaml_config_t cfg = config_for(file);
	cyaml_free(&cfg, &file_schema, f, 0);
	return ok;
}

void *
lint_load_yaml(const char *file, const cyaml_schema_value_t *schema, struct buf *err)
{
	void *data = NULL;
	cyaml_config_t cfg = config_for(file);
	cyaml_err_t e = cyaml_load_file(file, &cfg, schema, (cyaml_data_t **)&data, NULL);
	if (e != CYAML_OK) {
		buf_printf(err, "sigmacc: %s: %s\n", file, cyaml_strerror(e));
		return NULL;
	}
	return data;
}
