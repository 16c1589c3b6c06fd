/*
 * fuzz.h: what the fuzz targets share. Each target (fuzz_*.c) defines the
 * two libFuzzer entry points below; the same object is linked either with
 * libFuzzer (-Dfuzz=true, clang) or with replay.c, which feeds it the files
 * of the seed corpora in the ordinary sanitizer build of the test suite.
 */
#ifndef SIGMACC_FUZZ_H
#define SIGMACC_FUZZ_H

#include "../../compiler/sigma.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated heap copy, the way files_read hands a file over. */
char *fuzz_text(const uint8_t *data, size_t size);
/* Renders d in every diagnostic form (human, JSON, GitHub), then clears it. */
void fuzz_diag_done(struct diag *d);
/* SIGMACC_SOURCE_ROOT/rel, for the templates and value lists of the checkout. */
const char *fuzz_path(const char *rel);

#endif
