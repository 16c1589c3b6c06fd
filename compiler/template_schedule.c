/*
 * template_schedule.c: the run schedule and severity of a format, set per output:
 * the options interval and lookback (time spans: 30m, 1h, 1d) and level (the
 * Sigma level the format's severity maps read instead of the rule's), their
 * checks, and the filters that write a span as each vendor takes it (seconds,
 * ISO 8601, cron, upper case).
 */
#include "template_impl.h"
#include "files.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long
template_span_seconds(const char *s)
{
	static const struct { char unit; long long s; } units[] = {
		{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char *end;
	if (!s || !isdigit((unsigned char)*s))
		return 0;
	long long v = strtoll(s, &end, 10);
	for (int i = 0; v > 0 && v < 100000 && i < (int)(sizeof(units) / sizeof(units[0])); i++)
		if (end[0] == units[i].unit && !end[1])
			return v * units[i].s;
	return 0;
}

/* Does cron repeat every seconds evenly (minutes dividing an hour, hours a day, a day)? */
static bool
cron_even(long long seconds)
{
	long long m = seconds / 60;
	return seconds > 0 && !(seconds % 60) && m <= 1440 && (m == 1440 || !(1440 % m)) &&
	       (m <= 60 || !(m % 60)) && (m >= 60 || !(60 % m));
}

const char *
template_cron(struct arena *a, long long seconds)
{
	long long m = seconds / 60;
	if (!cron_even(seconds))
		return NULL;
	return m == 1 ? "* * * * *" : m < 60 ? arena_printf(a, "*/%lld * * * *", m)
	       : m == 60 ? "0 * * * *" : m < 1440 ? arena_printf(a, "0 */%lld * * *", m / 60)
	       : "0 0 * * *";
}

const char *
template_option(const struct template *t, const struct options *o, const char *name)
{
	for (unsigned i = 0; i < t->options_count; i++) {
		if (strcmp(t->options[i].name, name))
			continue;
		const char *v = options_get(o, name);
		return v ? v : t->options[i].fallback;
	}
	return NULL;
}

/* The span written as filter asks ("seconds", "iso8601", "cron", "duration"); NULL when s
 * is no span or has no such form. */
static const char *
span_as(struct arena *a, const char *filter, const char *s)
{
	long long v = template_span_seconds(s);
	if (!v)
		return NULL;
	if (!strcmp(filter, "seconds"))
		return arena_printf(a, "%lld", v);
	if (!strcmp(filter, "cron"))
		return template_cron(a, v);
	if (!strcmp(filter, "duration")) {	/* Go's time.Duration text: 24h, 1h30m, 45s */
		long long h = v / 3600, m = v % 3600 / 60, s = v % 60;	/* %.0lld: 0 writes nothing */
		return arena_printf(a, "%.0lld%s%.0lld%s%.0lld%s", h, h ? "h" : "", m, m ? "m" : "",
				    s, s ? "s" : "");
	}
	if (v % 86400 == 0)	/* ISO 8601: P1D, PT5H, PT30M, PT45S */
		return arena_printf(a, "P%lldD", v / 86400);
	return v % 3600 == 0 ? arena_printf(a, "PT%lldH", v / 3600)
	       : v % 60 == 0 ? arena_printf(a, "PT%lldM", v / 60) : arena_printf(a, "PT%lldS", v);
}

int
template_filter_span(struct arena *a, const char *filter, const char *value, const char **out)
{
	if (!strcmp(filter, "upper")) {
		char *u = arena_strdup(a, value ? value : "");
		for (char *c = u; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		*out = u;
		return 1;
	}
	if (strcmp(filter, "seconds") && strcmp(filter, "iso8601") && strcmp(filter, "cron") &&
	    strcmp(filter, "duration"))
		return 0;
	*out = span_as(a, filter, value);
	return *out ? 1 : -1;
}

/* Is value one of the '|'-separated choices, or, for a type that starts with '^', does the
 * whole value match that POSIX extended regular expression (a tenant id's form)? */
static bool
one_of(const char *choices, const char *value)
{
	if (choices[0] == '^') {
		regex_t re;
		if (regcomp(&re, choices, REG_EXTENDED | REG_NOSUB))
			return false;	/* the message names the type: the template's to fix */
		bool ok = !regexec(&re, value, 0, NULL, 0);
		regfree(&re);
		return ok;
	}
	for (const char *p = choices; *p;) {
		size_t k = strcspn(p, "|");
		if (strlen(value) == k && !strncmp(p, value, k))
			return true;
		p += k + (p[k] == '|');
	}
	return false;
}

bool
template_check_options(const struct template *t, const struct options *o, struct buf *err)
{
	for (unsigned i = 0; i < t->required_count; i++) {	/* a value only the user knows */
		const char *v = template_option(t, o, t->required[i]);
		if (v && !*v) {
			buf_printf(err, "sigmacc: format %s/%s needs -O %s=VALUE\n", t->target,
				   t->format, t->required[i]);
			return false;
		}
	}
	for (unsigned i = 0; i < t->options_count; i++) {
		const struct tpl_option *op = &t->options[i];
		const char *v = template_option(t, o, op->name);
		if (!op->type || !v || !*v)
			continue;
		bool span = !strcmp(op->type, "span");
		if (span ? !template_span_seconds(v) : !one_of(op->type, v)) {
			buf_printf(err, "sigmacc: -O %s=", op->name);
			files_put_name(err, v);	/* a project file's bytes: no control character raw */
			buf_printf(err, ": format %s/%s takes %s\n", t->target, t->format, span ?
				   "a time span (a number and s, m, h or d: 30m)" : op->type);
			return false;
		}
	}
	const char *interval = template_option(t, o, "interval"), *lookback =
		template_option(t, o, "lookback");
	long long every = template_span_seconds(interval), over = template_span_seconds(lookback);
	struct arena scratch = {0};
	long long min = template_span_seconds(t->frequency_min),
		  max = template_span_seconds(t->lookback_max);
	const char *why = every && over && over < every ? "the look-back is shorter than the "
			  "interval: events between two runs would never be searched"
			  : every && min && every < min ? arena_printf(&scratch, "the interval is "
			    "shorter than the format's minimum, %s", t->frequency_min)
			  : over && max && over > max ? arena_printf(&scratch, "the look-back is longer "
			    "than the format's maximum, %s", t->lookback_max)
			  : every && strstr(t->body, "{{interval|cron}}") && !cron_even(every)
			  ? "no cron schedule repeats at that interval evenly (minutes dividing an hour, "
			    "hours dividing a day, a day)" : NULL;
	if (why)
		buf_printf(err, "sigmacc: -O interval=%s -O lookback=%s: format %s/%s: %s\n",
			   interval ? interval : "-", lookback ? lookback : "-", t->target, t->format,
			   why);
	bool ok = !why && template_check_maps(t, o, err);
	arena_free(&scratch);
	return ok;
}
