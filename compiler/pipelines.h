/* pipelines.h: finding pipelines by name, path or directory (pipeline.c) and reading
 * pySigma processing pipelines (pysigma.c). */
#ifndef SIGMACC_PIPELINES_H
#define SIGMACC_PIPELINES_H

#include "config.h"
#include "files.h"
#include "sigma.h"

/* pipeline_load, where a pySigma pipeline becomes one for target (NULL: refused). */
struct pipeline *pipeline_load_for(const char *dir, const char *name, const char *target);
/* The pipeline file format (pipeline_schema.c): libcyaml's schema, and the check of a
 * document read with our YAML reader, which reports a mistake with its position. */
extern const cyaml_schema_value_t pipeline_schema;
bool pipeline_check(struct diag *d, const struct ynode *doc);
/* The names of the pipelines under dir/pipelines, sorted. */
void pipeline_names(const char *dir, struct pathlist *names);
/* Is the YAML document doc a pySigma processing pipeline (it has transformations)? */
bool pysigma_is_pipeline(const struct ynode *doc);
/* Our pipeline for target from a pySigma processing pipeline: the transformations
 * that map onto ours become field-only entries; any other is an error naming it. */
struct pipeline *pysigma_convert(struct arena *a, struct diag *d, const struct ynode *doc,
				 const char *name, const char *target);

#endif
