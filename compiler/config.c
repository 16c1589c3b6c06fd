/*
 * config.c: what every libcyaml load of our own configuration files shares:
 * messages prefixed with the file name on stderr, the default allocator, and
 * no YAML aliases (the formats are small and written by hand).
 */
#include "config.h"

#include <stdio.h>

static void
config_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	(void)level;
	fprintf(stderr, "sigmacc: %s: ", (const char *)ctx);
	vfprintf(stderr, fmt, args);
}

cyaml_config_t
config_for(const char *path)
{
	return (cyaml_config_t){
		.log_fn = config_log,
		.log_ctx = (void *)path,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
}
