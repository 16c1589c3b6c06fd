/*
 * cmd_list.c: `sigmacc list targets|formats|pipelines [TARGET]` and
 * `sigmacc list options TARGET`. Works whatever state the data directory is
 * in: a missing or broken pipeline is reported, never a crash.
 */
#include "cli.h"
#include "pipelines.h"

#include <stdio.h>
#include <string.h>

static int
list_targets(void)
{
	for (int i = 0; backends[i]; i++) {
		const struct backend *be = backends[i];
		printf("%-10s %s", be->name, be->description);
		for (int k = 0; be->aliases && be->aliases[k]; k++)
			printf("%s%s", k ? ", " : " (also: ", be->aliases[k]);
		puts(be->aliases && be->aliases[0] ? ")" : "");
	}
	return 0;
}

static void
list_template(struct cli *c, const struct backend *be, const char *name)
{
	struct template *t = template_load(c->templates, be->name, name);
	printf("%-10s %-20s %s\n", be->name, name, t ? t->description : "?");
	template_free(t);
}

static void
list_formats(struct cli *c, const struct backend *be)
{
	struct pathlist names = {0};
	printf("%-10s %-20s %s\n", be->name, "default", "the query");
	template_list(c->templates, be->name, &names);
	/* the format without -f first, then the backend's own, then the other templates */
	for (int k = 0; k < names.n && be->default_format; k++)
		if (!strcmp(names.v[k], be->default_format))
			list_template(c, be, names.v[k]);
	for (int k = 0; be->formats && be->formats[k].name; k++)
		printf("%-10s %-20s %s\n", be->name, be->formats[k].name, be->formats[k].description);
	for (int k = 0; k < names.n; k++)
		if (!be->default_format || strcmp(names.v[k], be->default_format))
			list_template(c, be, names.v[k]);
	files_free(&names);
}

static int
list_pipelines(struct cli *c, const struct backend *only)
{
	struct pathlist names = {0};
	pipeline_names(c->templates, &names);
	if (names.n == 0)
		fprintf(stderr, "sigmacc: no pipelines in %s/pipelines\n", c->templates);
	int status = names.n ? 0 : 1;
	for (int i = 0; i < names.n; i++) {
		struct pipeline *p = pipeline_load(c->templates, names.v[i]);
		if (!p) {
			status = 1;
			continue;
		}
		/* one line per target it serves: its own, then those sharing its data model */
		for (unsigned k = 0; k <= p->shared_with_count; k++) {
			const char *t = k ? p->shared_with[k - 1] : p->target;
			const struct backend *be = backend_find(t);
			if (!only || be == only)
				printf("%-16s %-10s %s%s\n", p->name, t, p->description,
				       be && !strcmp(be->default_pipeline, p->name) ? " (default)"
										  : "");
		}
		pipeline_free(p);
	}
	files_free(&names);
	return status;
}

/* One line per option of opts (ended by a NULL name); how many. */
static int
print_options(const struct backend *be, const struct backend_option *opts)
{
	int n = 0;
	for (const struct backend_option *o = opts; o && o->name; o++, n++)
		printf("%-10s %-20s %-14s %s (default: %s)\n", be->name, o->name, o->type, o->help,
		       o->fallback);
	return n;
}

static void
list_options(struct cli *c, const struct backend *be)
{
	int n = print_options(be, be->options) + print_options(be, cli_pipeline_options);
	struct pathlist names = {0};
	template_list(c->templates, be->name, &names);
	for (int f = 0; f < names.n; f++) {
		struct template *t = template_load(c->templates, be->name, names.v[f]);
		for (unsigned k = 0; t && k < t->options_count; k++) {
			const struct tpl_option *o = &t->options[k];
			struct arena a = {0};
			const char *type = o->list ? "list" : o->map ? template_map_type(&a, t, o)
					   : o->type ? o->type : "string";
			bool required = false;	/* a value only the user knows: no default */
			for (unsigned r = 0; r < t->required_count; r++)
				required = required || !strcmp(t->required[r], o->name);
			printf("%-10s %-20s %-14s used by -f %s (%s%s)\n", be->name, o->name, type,
			       names.v[f], required ? "required" : "default: ",
			       required ? "" : o->fallback && *o->fallback ? o->fallback : "none");
			arena_free(&a);
			n++;
		}
		template_free(t);
	}
	files_free(&names);
	if (n == 0)
		printf("%-10s (no options)\n", be->name);
}

int
cmd_list(struct cli *c)
{
	int argc = c->npaths + 2;	/* the words after `list`, options left out */
	const char *what = c->npaths ? c->paths[0] : "", *target = c->npaths > 1 ? c->paths[1] : "";
	bool takes_target = !strcmp(what, "formats") || !strcmp(what, "pipelines") ||
			    !strcmp(what, "options");
	if (!strcmp(what, "targets") && argc == 3)
		return list_targets();
	if (!takes_target || argc > 4)
		return cli_usage_error("%s", "list takes targets, formats [TARGET], pipelines [TARGET] "
				       "or options TARGET");
	const struct backend *be = NULL;
	const struct backend *all[CLI_TARGETS_MAX];
	if (argc == 4 && cli_targets(target, all) < 0)
		return 2;
	if (argc == 4)
		be = all[0];
	if (!strcmp(what, "pipelines"))
		return list_pipelines(c, be);
	if (!be && !strcmp(what, "options"))
		return cli_usage_error("%s", "list options needs a target: list options TARGET");
	for (int i = 0; backends[i]; i++) {
		if (be && backends[i] != be)
			continue;
		if (!strcmp(what, "formats"))
			list_formats(c, backends[i]);
		else
			list_options(c, backends[i]);
	}
	return 0;
}
