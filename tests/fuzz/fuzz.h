/*
 * fuzz.h: what the fuzz targets share. Each target (fuzz_*.c) defines the
 * libFuzzer entry points below (LLVMFuzzerInitialize is optional: fuzz_common.c
 * has an empty default); the same object is linked either with
 * libFuzzer (-Dfuzz=true, clang) or with replay.c, which feeds it the files
 * of the seed corpora in the ordinary sanitizer build of the test suite.
 */
#ifndef SIGMACC_FUZZ_H
#define SIGMACC_FUZZ_H

#include "../../compiler/sigma.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One input as a source file named name, with its diagnostics. */
struct fuzz_input {
	char *text;	/* a NUL-terminated heap copy, the way files_read hands a file over */
	struct source src;
	struct diag d;	/* d.src is &src: the struct stays where fuzz_begin filled it */
};

void fuzz_begin(struct fuzz_input *in, const char *name, const uint8_t *data, size_t size);
/* Renders the diagnostics in every form (human, JSON, GitHub), then frees it all. */
void fuzz_end(struct fuzz_input *in);
/* SIGMACC_SOURCE_ROOT/rel, for the templates and value lists of the checkout. */
const char *fuzz_path(const char *rel);

#endif
