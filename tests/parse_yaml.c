/*
 * parse_yaml.c: parses each file named on the command line with libyaml and
 * reports the first syntax error of each, so that the YAML output formats are
 * checked by a real YAML parser. Exit status 1 if any file does not parse.
 */
#include <stdio.h>
#include <yaml.h>

static int
parse(const char *path)
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
	if (!status && docs != 1) {
		fprintf(stderr, "%s: %d documents, want 1\n", path, docs);
		status = 1;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return status;
}

int
main(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++)
		status |= parse(argv[i]);
	printf("parsed %d YAML file(s), %s\n", argc - 1, status ? "some invalid" : "all valid");
	return status;
}
