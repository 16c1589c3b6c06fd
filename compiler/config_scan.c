/*
 * config_scan.c: no control character in the values of our own configuration
 * files. They arrive through pull requests and their values end up quoted in
 * messages (an expected refusal's reason, paths, option values), so a value
 * such as "\e[31m" is refused at its position before libcyaml loads the file.
 */
#include "config.h"
#include "base.h"
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <yaml.h>

/* The first control character of the n bytes at s, or 0. */
static int
first_control(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return s[i] ? s[i] : 0x100;
	return 0;
}

bool
config_scan(const char *path, const char *what)
{
	size_t len = 0;
	const char *why = NULL;
	char *text = files_read(path, &len, &why);
	if (!text)
		return true;	/* the loader reports the unreadable file */
	yaml_parser_t parser;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev))
			break;	/* malformed YAML: the loader reports it */
		done = ev.type == YAML_STREAM_END_EVENT;
		int c = ev.type == YAML_SCALAR_EVENT ? first_control(ev.data.scalar.value,
								    ev.data.scalar.length) : 0;
		if (c) {
			struct source src = {path, text, len};
			struct diag d = {.src = &src};
			struct pos at = {path, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1};
			diag_error(&d, at, "a control character (\\x%02x) in a value: %s takes none",
				   c & 0xff, what);
			struct buf out = {0};
			diag_render(&d, &out);
			fputs(out.data ? out.data : "", stderr);
			buf_free(&out);
			diag_clear(&d);
			ok = false;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	free(text);
	return ok;
}
