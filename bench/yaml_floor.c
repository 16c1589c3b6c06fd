/*
 * yaml_floor.c: the floor the front end is measured against. Reads every file
 * named on standard input (one path a line) and runs libyaml's parser over it
 * to the end of the stream, building nothing. sigmacc does this much work and
 * more (its nodes, the rule model, every target), so bench/repo.sh prints its
 * time as a multiple of this program's time on the same files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static long
floor_parse(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	yaml_parser_t p;
	yaml_event_t e;
	long events = 0;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	for (;;) {
		if (!yaml_parser_parse(&p, &e))
			break;	/* a broken file costs what libyaml spent on it */
		int end = e.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		events++;
		if (end)
			break;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return events;
}

int
main(void)
{
	char line[4096];
	long files = 0, events = 0;
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		long n = floor_parse(line);
		if (n >= 0) {
			files++;
			events += n;
		}
	}
	printf("%ld files, %ld events\n", files, events);
	return 0;
}
