/* args.h: command-line option values, shared by the commands of main.c and eval_cli.c. */
#ifndef SIGMACC_ARGS_H
#define SIGMACC_ARGS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* "sigmacc: MESSAGE" and where help is, on stderr; returns the usage exit status, 2. */
static inline int
usage_fail(const char *help, const char *fmt, const char *arg)
{
	fputs("sigmacc: ", stderr);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s'.\n", help);
	return 2;
}

/* Matches --name VALUE, --name=VALUE and -x VALUE; *i advances past VALUE. */
static inline bool
option_value(int argc, char **argv, int *i, const char *shortname, const char *longname,
	     const char **value, bool *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(longname);
	if (!strncmp(a, longname, n) && a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (strcmp(a, longname) && (!shortname || strcmp(a, shortname)))
		return false;
	if (*i + 1 >= argc) {
		*missing = true;
		return true;
	}
	*value = argv[++*i];
	return true;
}

#endif
