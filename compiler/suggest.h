/* suggest.h: "did you mean" for a misspelt name (suggest.c). */
#ifndef SIGMACC_SUGGEST_H
#define SIGMACC_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word by edit distance when it is close enough to be a
 * likely typo (at most a third of the word's letters, and at least one), else NULL. */
const char *suggest_closest(const char *word, size_t len, const char *const *cands, int n);

#endif
