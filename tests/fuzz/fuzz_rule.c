/*
 * fuzz_rule.c: the whole compiler on one rule file. The input is loaded as
 * a rule file (YAML, rule model, condition), then every rule is normalised
 * and emitted for every target: with each of the target's pipelines, without
 * a pipeline, in every output format (the target's own and the templates
 * of templates/formats/), in the normal and the --compact layout, and as the
 * IR dump. The correlation documents are read after the rules and compiled
 * for every target with its default pipeline, in the normal and the
 * --compact layout and with each template, and dumped as the IR. Like the
 * CLI, each target loads the file into the arena afresh; nothing is written
 * to a file.
 */
#include "fuzz.h"
#include "../../compiler/correlation.h"
#include "../../compiler/driver.h"

#include <stdlib.h>
#include <string.h>

#define MAX_PIPELINES 16
#define MAX_TEMPLATES 16

struct target {
	const struct backend *be;
	const struct pipeline *pipelines[MAX_PIPELINES];	/* [0] is the default */
	int npipelines;
	struct template *templates[MAX_TEMPLATES];
	int ntemplates;
};

static struct target targets[16];
static int ntargets;
static struct pipeline *loaded[MAX_PIPELINES];
static int nloaded;
static struct vars vars;
static struct arena arena;

static void
load_vars(const char *rel)
{
	size_t len;
	const char *why;
	char *text = files_read(fuzz_path(rel), &len, &why);
	struct source src = {rel, text, len};
	struct diag d = {.src = &src};
	if (!text || !vars_load(&vars, &src, &d))
		abort();	/* the checkout's own lists must load */
	diag_clear(&d);
	free(text);
}

/* Every pipeline of templates/pipelines/, to be sorted to their targets. */
static void
load_pipelines(void)
{
	struct pathlist files = {0};
	struct buf err = {0};
	files_expand(&files, fuzz_path("templates/pipelines"), &err);
	for (int i = 0; i < files.n && nloaded < MAX_PIPELINES; i++) {
		struct pipeline *p = pipeline_load(fuzz_path("templates"), files.v[i]);
		if (p)
			loaded[nloaded++] = p;
	}
	files_free(&files);
	buf_free(&err);
}

static void
setup_target(struct target *t, const struct backend *be)
{
	t->be = be;
	for (int i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i]->name, be->default_pipeline))
			t->pipelines[t->npipelines++] = loaded[i];
	if (t->npipelines != 1)
		abort();
	for (int i = 0; i < nloaded; i++)
		if (!strcmp(loaded[i]->target, be->name) && loaded[i] != t->pipelines[0])
			t->pipelines[t->npipelines++] = loaded[i];
	struct pathlist names = {0};
	template_list(fuzz_path("templates"), be->name, &names);
	for (int k = 0; k < names.n && t->ntemplates < MAX_TEMPLATES; k++) {
		struct template *tpl = template_load(fuzz_path("templates"), be->name, names.v[k]);
		if (tpl)
			t->templates[t->ntemplates++] = tpl;
	}
	files_free(&names);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	load_vars("rules/web_service.vars.yml");
	load_vars("tests/constructs/constructs.vars.yml");
	load_pipelines();
	for (int i = 0; backends[i] && ntargets < 16; i++)
		setup_target(&targets[ntargets++], backends[i]);
	return 0;
}

/* A template format: the default query wrapped by the template, as the driver does. */
static void
render_template(struct diag *d, const struct target *t, const struct template *tpl,
		const struct rule *r, const struct query *q, const struct options *opts,
		struct buf *out)
{
	struct buf query = {0};
	struct query bare = *q;
	if (tpl->no_projection)
		bare.nproject = 0;
	struct tpl_source src = template_source(&arena, &bare);
	if (emit_query(&arena, d, t->be, &bare, tpl->compact, "default", &query))
		template_render(&arena, d, tpl, r, query.data, &src, opts, out);
	buf_free(&query);
}

/* One rule for one target and one pipeline (NULL: --without-pipeline). */
static void
compile_target(struct diag *d, const struct rule *r, const struct target *t, int pl)
{
	/* the default pipeline passes unknown fields through, so that the backends see
	 * every field; the others keep the default (an error) and take placeholders as
	 * pySigma's wildcard, to cover both settings */
	struct options opts = {.target = t->be->name, .vars = &vars};
	if (pl >= 0) {
		opts.pipeline = t->pipelines[pl];
		opts.unmapped = pl == 0 ? UNMAPPED_PASSTHROUGH : UNMAPPED_ERROR;
		opts.placeholder_wildcard = pl != 0;
	}
	struct query *q = normalize_rule(&arena, d, r, &opts);
	if (!q)
		return;
	struct buf out = {0};
	emit_query(&arena, d, t->be, q, false, "default", &out);
	emit_query(&arena, d, t->be, q, true, "default", &out);
	if (pl == 0) {	/* every other format, with the target's own pipeline */
		for (int k = 0; t->be->formats && t->be->formats[k].name; k++)
			emit_query(&arena, d, t->be, q, false, t->be->formats[k].name, &out);
		for (int k = 0; k < t->ntemplates; k++)
			render_template(d, t, t->templates[k], r, q, &opts, &out);
	}
	buf_free(&out);
}

static void
dump_ir(struct diag *d, const struct rule *r)
{
	struct options none = {.target = "none", .vars = &vars};
	struct query *q = normalize_rule(&arena, d, r, &none);
	if (q) {
		struct buf ir = {0};
		dump_query(&ir, q);
		buf_free(&ir);
	}
}

/* The correlations as driver.c compiles them (NULL t: the IR). */
static void
compile_correlations(struct diag *d, struct correlation **cors, int ncors, const struct target *t)
{
	struct session s = {.be = t ? t->be : NULL, .product = t ? PRODUCT_QUERY : PRODUCT_IR,
			    .opts = {.target = t ? t->be->name : "none", .vars = &vars}};
	if (t) {
		s.opts.pipeline = t->pipelines[0];
		s.opts.unmapped = UNMAPPED_PASSTHROUGH;
	}
	/* the two layouts, then each template */
	for (int k = -2; k < (t ? t->ntemplates : -1); k++) {
		s.compact = k == -1;
		s.tpl = k >= 0 ? t->templates[k] : NULL;
		for (int i = 0; i < ncors; i++) {
			if (corr_hides_corr(cors, ncors, cors[i]))
				continue;
			struct buf out = {0};
			corr_compile(&s, &arena, d, cors[i], &out);
			buf_free(&out);
		}
	}
}

/*
 * One pass as the CLI makes it for one target (NULL: the IR): the file loaded
 * into the reset arena, every rule compiled, the diagnostics rendered. A pass
 * per target keeps the memory of an input what one sigmacc run needs.
 */
static void
run_pass(const uint8_t *data, size_t size, const struct target *t)
{
	arena_reset(&arena);
	struct fuzz_input in;
	fuzz_begin(&in, "fuzz.yml", data, size);
	struct rule **rules;
	int nrules = 0;
	struct ynode **docs = NULL;
	int ndocs = 0;
	rule_load_docs(&arena, &in.d, &in.src, &rules, &nrules, &docs, &ndocs);
	struct correlation **cors = NULL;
	int ncors = 0;
	if (!corr_load(&arena, &in.d, NULL, in.src.name, docs, ndocs, rules, nrules, &cors, &ncors))
		ncors = 0;
	for (int i = 0; i < nrules; i++) {
		in.d.context = rule_context(&arena, rules[i]);
		for (int pl = -1; t && pl < t->npipelines; pl++)
			compile_target(&in.d, rules[i], t, pl);
		if (!t)
			dump_ir(&in.d, rules[i]);
	}
	in.d.context = NULL;
	compile_correlations(&in.d, cors, ncors, t);
	fuzz_end(&in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_pass(data, size, NULL);
	for (int t = 0; t < ntargets; t++)
		run_pass(data, size, &targets[t]);
	return 0;
}
