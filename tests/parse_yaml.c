/*
 * parse_yaml.c: parses each file named on the command line with libyaml and
 * reports the first syntax error of each, so that the YAML output formats are
 * checked by a real YAML parser. Exit status 1 if any file does not parse.
 * Each file must hold one document, or N with --docs N first (a multi-rule
 * output, one document per rule).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static int
parse(const char *path, int want)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	yaml_parser_t p;
	yaml_document_t doc;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	int status = 0, docs = 0;
	for (;;) {
		if (!yaml_parser_load(&p, &doc)) {
			fprintf(stderr, "%s:%zu:%zu: %s\n", path, p.problem_mark.line + 1,
				p.problem_mark.column + 1, p.problem ? p.problem : "YAML error");
			status = 1;
			break;
		}
		int empty = !yaml_document_get_root_node(&doc);
		yaml_document_delete(&doc);
		if (empty)
			break;
		docs++;
	}
	if (!status && docs != want) {
		fprintf(stderr, "%s: %d documents, want %d\n", path, docs, want);
		status = 1;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return status;
}

int
main(int argc, char **argv)
{
	int status = 0, want = 1, first = 1;
	if (argc > 2 && !strcmp(argv[1], "--docs")) {
		want = atoi(argv[2]);
		first = 3;
	}
	for (int i = first; i < argc; i++)
		status |= parse(argv[i], want);
	printf("parsed %d YAML file(s), %s\n", argc - first, status ? "some invalid" : "all valid");
	return status;
}
