/* suggest.h: "did you mean" for a misspelt name (suggest.c). */
#ifndef SIGMACC_SUGGEST_H
#define SIGMACC_SUGGEST_H

#include <stddef.h>

/* The case-insensitive edit distance of a and b; (size_t)-1 when one is over 64 bytes. */
size_t suggest_distance(const char *a, size_t la, const char *b, size_t lb);
/* The candidate closest to word by edit distance when it is close enough to be a
 * likely typo (at most a third of the word's letters, and at least one), else NULL. */
const char *suggest_closest(const char *word, size_t len, const char *const *cands, int n);

#endif
