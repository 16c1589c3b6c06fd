/* project.h: the project file, sigmacc.yml, that says what `sigmacc build` builds (project.c). */
#ifndef SIGMACC_PROJECT_H
#define SIGMACC_PROJECT_H

#include "build.h"
#include "files.h"	/* PROJECT_FILE */

#define PROJECT_OUTPUTS_MAX 64	/* outputs of one project */

/* A loaded project file; every relative path in it is made relative to the
 * current directory (it is written relative to the file's own directory). */
struct project {
	const char *path;	/* the file, as found or given */
	struct arena arena;
	const char **rules;	/* rule files and folders */
	int nrules;
	const char **vars;	/* value list files; none: those found below the rules */
	int nvars;
	/* filter files: carried for the filter module, which loads and applies them */
	const char **filters;
	int nfilters;
	const char *outdir;
	struct build_output *outputs;
	int noutputs;
	struct build_refusal *refusals;
	int nrefusals;
	struct refusal_index rindex;
};

/* The project file: given (--project FILE), else sigmacc.yml in the current
 * directory or the nearest one above it. False when there is none. */
bool project_find(const char *given, struct buf *path);
/* Loads and checks the project file at path; false after a message on stderr. */
bool project_load(struct project *p, const char *path, const char *templates);
void project_free(struct project *p);
/* Does format wrap be's query in a file of another extension (query_beside)? */
bool project_wraps_query(const struct backend *be, const char *templates, const char *format);
/* Is format one of be's formats, built in or a template under templates? */
bool project_has_format(const struct backend *be, const char *templates, const char *format);

#endif
