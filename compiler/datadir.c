/*
 * datadir.c: finds the data directory (pipelines/, formats/) at run time.
 * No checkout path is compiled in: a binary run from a build directory finds
 * the source tree's templates/ through its own location, an installed binary
 * finds ../share/sigmacc the same way, and only then is the configured
 * prefix consulted, so copying or moving an installed prefix keeps working.
 */
#include "datadir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set by the build: the configured <prefix>/<datadir>/sigmacc, and the same
 * directory relative to <prefix>/<bindir> ("" when the two are not relative). */
#ifndef SIGMACC_CONFIG_DATADIR
#define SIGMACC_CONFIG_DATADIR "/usr/local/share/sigmacc"
#endif
#ifndef SIGMACC_REL_DATADIR
#define SIGMACC_REL_DATADIR "../share/sigmacc"
#endif

static char found[PATH_MAX];

static bool
has_pipelines(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;
	if (snprintf(p, sizeof(p), "%s/pipelines", dir) >= (int)sizeof(p))
		return false;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory of the running binary, or false where /proc is missing. */
static bool
exe_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		return false;
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return true;
}

/* Keeps exe/rel in found when it holds the data. */
static bool
try_beside(const char *exe, const char *rel)
{
	if (!*rel || snprintf(found, sizeof(found), "%s/%s", exe, rel) >= (int)sizeof(found))
		return false;
	return has_pipelines(found);
}

const char *
datadir_find(const char *override)
{
	if (override)
		return override;
	const char *env = getenv("SIGMACC_TEMPLATES");
	if (!env || !*env)
		env = getenv("SIGMACC_DATADIR");
	if (env && *env)
		return env;
	char exe[PATH_MAX];
	if (exe_dir(exe, sizeof(exe)) &&
	    (try_beside(exe, SIGMACC_REL_DATADIR) || try_beside(exe, "../templates")))
		return found;
	return SIGMACC_CONFIG_DATADIR;
}
