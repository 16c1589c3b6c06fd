/* config.h: the libcyaml settings of pipelines and format templates (config.c). */
#ifndef SIGMACC_CONFIG_H
#define SIGMACC_CONFIG_H

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdbool.h>

/* Loader settings whose messages name path. */
cyaml_config_t config_for(const char *path);
/* One libcyaml message (fmt, args) as "sigmacc: PATH: MESSAGE\n" on stderr, its
 * control characters escaped. */
void config_say(const char *path, const char *fmt, va_list args);
/* False after a positioned error when a value of the YAML file at path holds a
 * control character (what names the file in the message); config_scan.c. */
bool config_scan(const char *path, const char *what);

struct arena;
struct diag;
struct ynode;
/* The data of schema (a mapping behind a pointer) from doc, a document our YAML
 * reader loaded, in a's memory: what libcyaml would load from the same file
 * (config_tree.c). False after a diagnostic in d. */
bool config_from_tree(struct arena *a, struct diag *d, const cyaml_schema_value_t *schema,
		      const struct ynode *doc, void **out);

#endif
