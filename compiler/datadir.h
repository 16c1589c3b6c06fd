/* datadir.h: where sigmacc finds its pipelines and formats (datadir.c). */
#ifndef SIGMACC_DATADIR_H
#define SIGMACC_DATADIR_H

/*
 * The data directory, the one holding pipelines/ and formats/. An explicit
 * choice wins as given: override (--templates), then $SIGMACC_TEMPLATES, then
 * $SIGMACC_DATADIR. Otherwise the first of these that has a pipelines/
 * directory: the installed layout relative to the running binary (so a moved
 * prefix keeps working), the source tree's templates/ beside a build directory,
 * the data directory configured at build time. When none has, the configured
 * one, so that the error names where the data should have been.
 * The result is static storage or override; it is never NULL.
 */
const char *datadir_find(const char *override);

#endif
