/*
 * config.c: what every libcyaml load of our own configuration files shares:
 * messages prefixed with the file name on stderr, the default allocator, and
 * no YAML aliases (the formats are small and written by hand).
 */
#include "config.h"
#include "base.h"
#include "files.h"

#include <stdio.h>

void
config_say(const char *path, const char *fmt, va_list args)
{
	struct buf msg = {0}, out = {0};
	buf_vprintf(&msg, fmt, args);
	size_t n = msg.len;
	if (n && msg.data[n - 1] == '\n')
		n--;
	/* libcyaml quotes the file's keys and values: no control character raw */
	buf_puts(&out, "sigmacc: ");
	files_put_name(&out, path);
	buf_puts(&out, ": ");
	files_put_bytes(&out, msg.data ? msg.data : "", n);
	buf_putc(&out, '\n');
	fputs(out.data, stderr);
	buf_free(&msg);
	buf_free(&out);
}

static void
config_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	(void)level;
	config_say((const char *)ctx, fmt, args);
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
