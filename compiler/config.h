/* config.h: the libcyaml settings of pipelines and format templates (config.c). */
#ifndef SIGMACC_CONFIG_H
#define SIGMACC_CONFIG_H

#include <cyaml/cyaml.h>

/* Loader settings whose messages name path. */
cyaml_config_t config_for(const char *path);

#endif
