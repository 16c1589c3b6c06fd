/*
 * lucene.h: the Lucene regex dialect of the Elastic targets (lucene.c), as
 * the token table's regex translators (struct syntax re_pattern, re_translate).
 */
#ifndef SIGMACC_LUCENE_H
#define SIGMACC_LUCENE_H

#include "backend.h"

/* The whole-value Lucene regex of wildcard pattern p, raw (no flags, no anchors). */
void lucene_pattern(struct buf *out, const struct pattern *p);
/* The Lucene regex of Sigma regex v, raw; *icase when it ignores case. False after a
 * diagnostic naming the construct Lucene lacks and the target. */
bool lucene_regex(struct emitter *em, const struct match *m, const struct mval *v,
		  struct buf *out, bool *icase);

#endif
