/*
 * suggest.c: the closest known name to a misspelt one (Levenshtein distance,
 * case-insensitive), for "did you mean" hints on targets, formats,
 * pipelines, options and modifiers.
 */
#include "suggest.h"

#include <ctype.h>
#include <string.h>

#define NAME_MAX_LEN 64	/* longer words get no suggestion */

size_t
suggest_distance(const char *a, size_t la, const char *b, size_t lb)
{
	if (la > NAME_MAX_LEN || lb > NAME_MAX_LEN)
		return (size_t)-1;
	size_t row[NAME_MAX_LEN + 1];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
			size_t best = diag + cost;
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

const char *
suggest_closest(const char *word, size_t len, const char *const *cands, int n)
{
	if (len == 0 || len > NAME_MAX_LEN)
		return NULL;
	size_t limit = len / 3 ? len / 3 : 1;
	const char *best = NULL;
	size_t best_d = limit + 1;
	for (int i = 0; i < n; i++) {
		size_t d = suggest_distance(word, len, cands[i], strlen(cands[i]));
		if (d < best_d) {
			best = cands[i];
			best_d = d;
		}
	}
	return best;
}
