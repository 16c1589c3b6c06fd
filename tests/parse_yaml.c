/*
 * parse_yaml.c: parses each file named on the command line with libyaml and
 * reports the first syntax error of each, so that the YAML output formats are
 * checked by a real YAML parser. Exit status 1 if any file does not parse.
 * Each file must hold one document, or N with --docs N first (a multi-rule
 * output, one document per rule). With --json first, it prints each document
 * as one line of JSON instead (plain integers, true, false and null as JSON's,
 * every other scalar a string), for tests that check a YAML format's values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void
put_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* A plain scalar that JSON has a literal for. */
static int
literal(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	if (!strcmp(s, "true") || !strcmp(s, "false") || !strcmp(s, "null"))
		return 1;
	size_t i = s[0] == '-';
	if (!s[i])
		return 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++;
	return !s[i] && (s[s[0] == '-'] != '0' || !s[(s[0] == '-') + 1]);
}

static void
put_node(yaml_document_t *doc, yaml_node_t *n)
{
	if (n->type == YAML_SCALAR_NODE) {
		if (literal(n))
			fputs((const char *)n->data.scalar.value, stdout);
		else
			put_string((const char *)n->data.scalar.value, n->data.scalar.length);
	} else if (n->type == YAML_SEQUENCE_NODE) {
		putchar('[');
		for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
			if (i > n->data.sequence.items.start)
				putchar(',');
			put_node(doc, yaml_document_get_node(doc, *i));
		}
		putchar(']');
	} else {
		putchar('{');
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			if (p > n->data.mapping.pairs.start)
				putchar(',');
			put_string((const char *)k->data.scalar.value, k->data.scalar.length);
			putchar(':');
			put_node(doc, yaml_document_get_node(doc, p->value));
		}
		putchar('}');
	}
}

static int json;	/* --json: print the documents */

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
		yaml_node_t *root = yaml_document_get_root_node(&doc);
		int empty = !root;
		if (json && root) {
			put_node(&doc, root);
			putchar('\n');
		}
		yaml_document_delete(&doc);
		if (empty)
			break;
		docs++;
	}
	if (!status && docs != want && !json) {
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
	} else if (argc > 1 && !strcmp(argv[1], "--json")) {
		json = first = 2;
	}
	for (int i = first; i < argc; i++)
		status |= parse(argv[i], want);
	if (json)
		return status;
	printf("parsed %d YAML file(s), %s\n", argc - first, status ? "some invalid" : "all valid");
	return status;
}
