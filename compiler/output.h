/* output.h: several rules' outputs joined into one valid file of their format (output.c). */
#ifndef SIGMACC_OUTPUT_H
#define SIGMACC_OUTPUT_H

#include "driver.h"

/*
 * Joins the rule texts the driver recorded in in (s->pieces) into out: JSON
 * formats as one array (NDJSON one line each), YAML formats as documents
 * (---), the others separated by a blank line, and bare queries each after a
 * comment line naming the rule unless compact. One rule stays as it is. With
 * json_indent >= 0, JSON (not NDJSON) is re-indented by that many spaces.
 */
void output_join(const struct session *s, const struct buf *in, bool compact, int json_indent,
		 struct buf *out);
/* Is the session's output JSON (a JSON template format)? */
bool output_is_json(const struct session *s);

#endif
