/*
 * fuzz_pysigma.c: a pySigma processing pipeline given to -p. The input is
 * read as the pipeline file (YAML, then pySigma's transformations, their
 * conditions and the detections add_condition reads from it), converted for
 * every target, stacked on the target's own pipeline as the CLI stacks it,
 * then applied to fixed rules (tests/pysigma/rules*, a correlation for the
 * backends that have them) in the normal and the --compact layout. Each
 * target loads the pipeline into the reset arena afresh, as one sigmacc run
 * per target would; nothing is written to a file.
 */
#include "fuzz.h"
#include "../../compiler/correlation.h"
#include "../../compiler/driver.h"
#include "../../compiler/pipelines.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RULES 32

/* The fixed rules live in their own arena for the whole run. */
static struct arena rules_arena;
static struct rule *rules[MAX_RULES];
static int nrules;
static struct correlation **cors;	/* of the last file (the correlation's) */
static int ncors;
static const struct pipeline *defaults[16];	/* per backends[i]: its default pipeline */
static struct vars vars;
static struct arena arena;

static void
load_rules(const char *rel)
{
	struct pathlist files = {0};
	struct buf err = {0};
	files_expand(&files, fuzz_path(rel), &err);
	for (int i = 0; i < files.n; i++) {
		size_t len;
		const char *why;
		/* kept: the rules point into their text */
		char *text = files_read(files.v[i], &len, &why);
		struct source *src = arena_alloc(&rules_arena, sizeof(*src));
		*src = (struct source){arena_strdup(&rules_arena, files.v[i]), text, len};
		struct diag d = {.src = src};
		struct rule **got;
		int ngot = 0;
		struct ynode **docs;
		int ndocs = 0;
		if (!text || !rule_load_docs(&rules_arena, &d, src, &got, &ngot, &docs, &ndocs) ||
		    !corr_load(&rules_arena, &d, NULL, src->name, docs, ndocs, got, ngot, &cors,
			       &ncors))
			abort();	/* the checkout's own rules must load */
		for (int k = 0; k < ngot && nrules < MAX_RULES; k++)
			rules[nrules++] = got[k];
		diag_clear(&d);
	}
	files_free(&files);
	buf_free(&err);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	size_t len;
	const char *why;
	char *text = files_read(fuzz_path("tests/constructs/constructs.vars.yml"), &len, &why);
	struct source src = {"constructs.vars.yml", text, len};
	struct diag d = {.src = &src};
	if (!text || !vars_load(&vars, &src, &d))
		abort();
	diag_clear(&d);
	free(text);
	load_rules("tests/pysigma/rules");
	load_rules("tests/pysigma/rules-many");
	load_rules("tests/correlations/chain.yml");
	for (int i = 0; backends[i] && i < 16; i++)
		if (!(defaults[i] = pipeline_load(fuzz_path("templates"), backends[i]->default_pipeline)))
			abort();
	return 0;
}

/* Every fixed rule through the stacked pipeline, with unknown fields an error and passed through. */
static void
compile_rules(struct diag *d, const struct backend *be, const struct pipeline *pl)
{
	for (int u = 0; u < 2; u++) {
		struct options opts = {.target = be->name, .vars = &vars, .pipeline = pl,
				       .unmapped = u ? UNMAPPED_PASSTHROUGH : UNMAPPED_ERROR,
				       .placeholder_wildcard = u};
		for (int i = 0; i < nrules; i++) {
			d->context = rule_context(&arena, rules[i]);
			struct query *q = normalize_rule(&arena, d, rules[i], &opts);
			if (!q)
				continue;
			struct buf out = {0};
			emit_query(&arena, d, be, q, false, "default", &out);
			emit_query(&arena, d, be, q, true, "default", &out);
			buf_free(&out);
		}
		struct session s = {.be = be, .opts = opts, .compact = u};
		for (int i = 0; i < ncors; i++) {
			struct buf out = {0};
			if (!corr_hides_corr(cors, ncors, cors[i]))
				corr_compile(&s, &arena, d, cors[i], &out);
			buf_free(&out);
		}
	}
	d->context = NULL;
}

/* The input as a pySigma pipeline for backends[b], the way -p FILE reads it. */
static void
run_pass(const uint8_t *data, size_t size, int b)
{
	const struct backend *be = backends[b];
	arena_reset(&arena);
	struct fuzz_input in;
	fuzz_begin(&in, "fuzz.yml", data, size);
	struct ynode **docs;
	int ndocs = 0;
	if (yaml_load(&in.src, &arena, &in.d, &docs, &ndocs) && ndocs == 1 &&
	    pysigma_is_pipeline(docs[0])) {
		struct pipeline *p = pysigma_convert(&arena, &in.d, docs[0], "fuzz.yml", be->name);
		if (p && pipeline_serves(p, be->name)) {
			const struct pipeline *top = pipeline_stack(&arena, defaults[b], p);
			compile_rules(&in.d, be, top);
			/* stacked twice (-p FILE -p FILE): its entries over its own */
			compile_rules(&in.d, be, pipeline_stack(&arena, top, p));
		}
	}
	fuzz_end(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int b = 0; backends[b] && b < 16; b++)
		run_pass(data, size, b);
	return 0;
}
