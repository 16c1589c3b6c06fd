/*
 * gen.c DIR: writes the large hostile inputs of the front end into DIR, and
 * DIR/cases, one line per case for frontend.sh (with --bench, also the
 * full-size inputs that only bench/hostile.sh runs):
 *
 *     NAME <TAB> EXIT STATUS <TAB> SIGMACC ARGUMENTS <TAB> FIRST LINE OF STDERR
 *
 * (an empty last field: nothing on stderr). Each input is made here, at test
 * time, because it is too large to commit; every one of them once took
 * seconds to minutes, gigabytes, or crashed. frontend.sh only checks the
 * outcome; bench/hostile.sh measures time and memory on the same shapes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;
static FILE *cases;

#define HEAD "title: T\nlogsource:\n    product: windows\n    category: process_creation\n"

static FILE *
create(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

static void
done(FILE *f)
{
	if (ferror(f) || fclose(f)) {
		perror("write");
		exit(2);
	}
}

/* A case: name, exit status, arguments (%s = the file), first stderr line (%s = the file). */
static void
expect(const char *name, int status, const char *args, const char *fmt, ...)
{
	char path[4096], line[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(cases, "%s\t%d\t", name, status);
	fprintf(cases, args, path);
	fprintf(cases, "\t");
	if (*line)
		fprintf(cases, "%s:%s", path, line);
	fprintf(cases, "\n");
}

static void
repeat(FILE *f, const char *s, long n)
{
	for (long i = 0; i < n; i++)
		fputs(s, f);
}

/* A rule whose one value is before, then piece n times, then after. */
static void
one_value(const char *name, const char *key, const char *before, const char *piece, long n,
	  const char *after)
{
	FILE *f = create(name);
	fprintf(f, HEAD "detection:\n    sel:\n        %s: %s", key, before);
	repeat(f, piece, n);
	fprintf(f, "%s\n    condition: sel\n", after);
	done(f);
}

/* '1 of *a*a*...*b' against names of a's: exponential for a backtracking glob. */
static void
glob_cases(void)
{
	char pattern[83] = "";
	for (int i = 0; i < 40; i++)
		strcat(pattern, "*a");
	strcat(pattern, "*b");
	FILE *f = create("glob_short.yml");
	fprintf(f, HEAD "detection:\n    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:\n        x: 1\n"
		"    condition: 1 of %s\n", pattern);
	done(f);
	expect("glob_short.yml", 1, "ir %s", "8:16: error: rule 'T': pattern '%s' matches no search "
	       "identifier", pattern);
	/* a 1 MB search name that '*a*c' does not match: quadratic backtracking, and a
	 * recursion one level deeper per byte */
	f = create("glob_long_name.yml");
	fputs(HEAD "detection:\n    ? ", f);
	repeat(f, "a", 1000000);
	fputs("b\n    : x: 1\n    ac:\n        x: 2\n    condition: 1 of *a*c\n", f);
	done(f);
	expect("glob_long_name.yml", 0, "ir %s", "");
}

/* 2,000 '1 of s*' over 10,000 searches: 20 million matches, and as many copies. */
static void
many_selectors(void)
{
	FILE *f = create("selectors.yml");
	fputs(HEAD "detection:\n", f);
	for (int i = 0; i < 10000; i++)
		fprintf(f, "    s%d:\n        x: %d\n", i, i);
	fputs("    condition: 1 of s*", f);
	repeat(f, " or 1 of s*", 1999);
	fputs("\n", f);
	done(f);
	/* each selector compares 68,890 bytes (2 + the name, per search): the 291st passes 20 M */
	expect("selectors.yml", 1, "ir %s", "20006:3206: error: rule 'T': matching 'of' patterns "
	       "against search identifiers compares more than 20000000 bytes, the limit per rule");
}

/* 'sel or sel or ...': token positions were rescanned from the start. */
static void
long_condition(const char *name, long terms)
{
	FILE *f = create(name);
	fputs(HEAD "detection:\n    sel:\n        x: 1\n    condition: sel", f);
	repeat(f, " or sel", terms - 1);
	fputs("\n", f);
	done(f);
	expect(name, 0, "ir %s", "");
}

/* 's0 or s1 or ...' over as many searches: groups were copied per term. */
static void
or_chain(const char *name, long terms)
{
	FILE *f = create(name);
	fputs(HEAD "detection:\n", f);
	for (long i = 0; i < terms; i++)
		fprintf(f, "    s%ld:\n        f%ld: v%ld\n", i, i % 7, i);
	fputs("    condition: s0", f);
	for (long i = 1; i < terms; i++)
		fprintf(f, " or s%ld", i);
	fputs("\n", f);
	done(f);
	expect(name, 0, "ir %s", "");
}

static void
value_cases(void)
{
	/* 'a?' x 8,000: the segment array was copied per append */
	one_value("qmarks.yml", "CommandLine|contains", "'", "a?", 8000, "'");
	expect("qmarks.yml", 0, "ir %s", "");
	/* 100 windash|contains values of 1 KB with 8 dashes: 390,625 variants each */
	FILE *f = create("windash.yml");
	fputs(HEAD "detection:\n    sel:\n        CommandLine|windash|contains:\n", f);
	for (int i = 0; i < 100; i++) {
		fprintf(f, "            - '%03d", i);
		repeat(f, " -x", 8);
		repeat(f, "y", 1000);
		fputs("'\n", f);
	}
	fputs("    condition: sel\n", f);
	done(f);
	expect("windash.yml", 1, "ir %s", "8:15: error: rule 'T': values of this rule would "
	       "expand to more than 64 MiB, the limit per rule");
	/* a 4 MiB scalar: a file above the default --max-rule-size, so the limit is raised to
	 * its ceiling to reach the front end */
	one_value("scalar.yml", "CommandLine", "", "x", 4 << 20, "");
	expect("scalar.yml", 0, "ir --max-rule-size 268435456 %s", "");
}

/* A map of 100,000 keys; then one key repeated at its end. */
static void
key_cases(void)
{
	for (int dup = 0; dup < 2; dup++) {
		const char *name = dup ? "keys_duplicate.yml" : "keys.yml";
		FILE *f = create(name);
		fputs(HEAD "detection:\n    sel:\n        x: 1\n    condition: sel\n", f);
		for (long i = 0; i < 100000; i++)
			fprintf(f, "k%ld: 1\n", i);
		if (dup)
			fputs("k17: 2\n", f);
		done(f);
		if (dup)
			expect(name, 1, "ir %s", "100009:1: error: duplicate key 'k17' (first defined at "
			       "line 26)");
		else
			expect(name, 0, "ir %s", "");
	}
}

/* Deep and large YAML: refused while streaming, for every target of check. */
static void
yaml_cases(void)
{
	FILE *f = create("flow.yml");
	repeat(f, "[", 100000);
	done(f);
	expect("flow.yml", 1, "check %s", "1:66: error: nesting deeper than 64 levels");
	f = create("nodes.yml");
	fputs("[a", f);
	repeat(f, ",a", 2000000);
	fputs("]\n", f);
	done(f);
	expect("nodes.yml", 1, "ir %s", "1:1: error: document has more than 2000000 nodes");
}

static void
regex_case(void)
{
	char close[50003] = "a";
	memset(close + 1, ')', 50000);
	strcpy(close + 50001, "'");
	one_value("regex.yml", "CommandLine|re", "'", "(", 50000, close);
	expect("regex.yml", 1, "convert -t eql %s", "7:25: error: rule 'T': invalid regular "
	       "expression: groups nested deeper than 250 levels at offset 250");
}

/* A 10,000-value list is accepted; a value combining it with itself is not. */
static void
vars_cases(void)
{
	FILE *f = create("domains.vars.yml");
	fputs("domains:\n", f);
	for (int i = 0; i < 10000; i++)
		fprintf(f, "    - d%d.example\n", i);
	done(f);
	char args[4200];
	snprintf(args, sizeof(args), "ir --vars %s/domains.vars.yml %%s", dir);
	f = create("vars.yml");
	fputs(HEAD "detection:\n    sel:\n        DestinationHostname|expand: '%domains%'\n"
	      "    condition: sel\n", f);
	done(f);
	expect("vars.yml", 0, args, "");
	f = create("vars_product.yml");
	fputs(HEAD "detection:\n    sel:\n        DestinationHostname|expand: '%domains%.%domains%'\n"
	      "    condition: sel\n", f);
	done(f);
	expect("vars_product.yml", 1, args, "7:37: error: rule 'T': values of this rule would "
	       "expand to more than 2000000, the limit per rule");
}

/* Full-size inputs of the benchmark; their outcome is not asserted. */
static void
bench_cases(void)
{
	one_value("scalar_100m.yml", "CommandLine", "", "x", 100L << 20, "");
	expect("scalar_100m.yml", 0, "ir --max-rule-size 268435456 %s", "");
	FILE *f = create("values_1m.yml");
	fputs(HEAD "detection:\n    sel:\n        CommandLine:\n", f);
	for (long i = 0; i < 1000000; i++)
		fprintf(f, "            - v%ld\n", i);
	fputs("    condition: sel\n", f);
	done(f);
	expect("values_1m.yml", 0, "ir --max-rule-size 268435456 %s", "");
	expect("or_100k.yml", 0, "check %s", "");
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--bench"))) {
		fputs("usage: gen DIR [--bench]\n", stderr);
		return 2;
	}
	dir = argv[1];
	cases = create("cases");
	glob_cases();
	many_selectors();
	long_condition("condition_140k.yml", 20000);
	long_condition("condition_560k.yml", 80000);
	or_chain("or_10k.yml", 10000);
	or_chain("or_100k.yml", 100000);
	value_cases();
	key_cases();
	yaml_cases();
	regex_case();
	vars_cases();
	if (argc == 3)
		bench_cases();
	done(cases);
	return 0;
}
