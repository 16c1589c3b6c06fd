/*
 * eval_time.c: the time of an event, which places it in a correlation's
 * window. It is read from the first of a few documented fields (or the one
 * --time-field names) and given in milliseconds since 1970-01-01 UTC.
 *
 * Accepted: ISO 8601 as logs write it, `2026-12-03T10:00:00Z`,
 * `2026-12-03 10:00:00.123` (Sysmon's UtcTime), with an optional fraction and
 * an optional `Z` or `+HH:MM` offset (no offset: UTC, as UtcTime is), a date
 * alone (midnight); or a JSON number, Unix time in seconds. Anything else is
 * refused rather than guessed at.
 */
#include "eval.h"

#include <stdlib.h>
#include <string.h>

/* Where an event's time is looked for, in this order (README, "Testing rules"). */
static const char *const time_fields[] = {
	"@timestamp", "timestamp", "UtcTime", "TimeCreated", "SystemTime",
	"TimeCreated.SystemTime", "TimeCreated.#attributes.SystemTime", NULL,
};

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long long
days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n decimal digits at *p into *out; advances *p. */
static bool
digits(const char **p, const char *end, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (*p >= end || **p < '0' || **p > '9')
			return false;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return true;
}

static bool
expect(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

static int
month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return days[m - 1] + (m == 2 && leap);
}

/* "+01:00", "-0530", "Z" or nothing: the offset east of UTC in minutes. */
static bool
zone(const char *p, const char *end, int *minutes)
{
	int h, m;
	*minutes = 0;
	if (p == end)
		return true;
	if ((*p == 'Z' || *p == 'z') && p + 1 == end)
		return true;
	if (*p != '+' && *p != '-')
		return false;
	int sign = *p++ == '-' ? -1 : 1;
	if (!digits(&p, end, 2, &h))
		return false;
	if (p < end && *p == ':')
		p++;
	if (!digits(&p, end, 2, &m) || p != end || h > 23 || m > 59)
		return false;
	*minutes = sign * (h * 60 + m);
	return true;
}

bool
time_parse_iso(const char *s, size_t len, long long *ms)
{
	const char *p = s, *end = s + len;
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, off;
	if (!digits(&p, end, 4, &y) || !expect(&p, end, '-') || !digits(&p, end, 2, &mo) ||
	    !expect(&p, end, '-') || !digits(&p, end, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo))
		return false;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (!digits(&p, end, 2, &h) || !expect(&p, end, ':') || !digits(&p, end, 2, &mi))
			return false;
		if (p < end && *p == ':' && (p++, !digits(&p, end, 2, &sec)))
			return false;
		if (p < end && (*p == '.' || *p == ',')) {
			/* milliseconds: the first three digits of the fraction, the rest dropped */
			int n = 0;
			for (p++; p < end && *p >= '0' && *p <= '9'; p++, n++)
				if (n < 3)
					frac = frac * 10 + (*p - '0');
			if (!n)
				return false;
			for (; n < 3; n++)
				frac *= 10;
		}
		if (h > 23 || mi > 59 || sec > 60)
			return false;
	}
	if (!zone(p, end, &off))
		return false;
	long long t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off * 60;
	*ms = t * 1000 + frac;
	return true;
}

/* A JSON number (or a string holding only one): Unix time in seconds. */
static bool
epoch(const char *s, size_t len, long long *ms)
{
	char *end;
	if (!len || len > 30)
		return false;
	char tmp[32];
	memcpy(tmp, s, len);
	tmp[len] = 0;
	double v = strtod(tmp, &end);
	if (*end || end == tmp || v < -1e12 || v > 1e12)
		return false;
	*ms = (long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5));
	return true;
}

/* "@timestamp, timestamp, ...": the names looked for, for messages. */
static const char *
time_field_list(struct arena *a)
{
	const char *s = time_fields[0];
	for (int i = 1; time_fields[i]; i++)
		s = arena_printf(a, "%s, %s", s, time_fields[i]);
	return s;
}

bool
event_time(struct arena *a, const struct event *ev, const char *field, long long *ms,
	   const char **why)
{
	const struct evfield *f = NULL;
	const char *name = field;
	for (int i = 0; !field && !f && time_fields[i]; i++)
		f = event_field(ev, name = time_fields[i], NULL);
	if (field)
		f = event_field(ev, field, NULL);
	if (!f || f->kind == EV_NULL) {
		*why = field ? arena_printf(a, "it has no time field '%s'", field) :
			       arena_printf(a, "it has none of the time fields %s (--time-field "
					    "names another)", time_field_list(a));
		return false;
	}
	if ((f->kind == EV_NUM || f->kind == EV_STR) && epoch(f->text, f->len, ms))
		return true;
	if (f->kind == EV_STR && time_parse_iso(f->text, f->len, ms))
		return true;
	*why = arena_printf(a, "its time field %s is '%.*s': neither ISO 8601 nor Unix time in "
			    "seconds", name, (int)(f->len > 60 ? 60 : f->len), f->text);
	return false;
}

/* "2026-12-03T10:00:00Z", or with ".123" when the milliseconds are not 0. */
const char *
time_format(struct arena *a, long long ms)
{
	long long s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000, rem = ms - s * 1000;
	long long days = s >= 0 ? s / 86400 : (s - 86399) / 86400, sod = s - days * 86400;
	/* civil_from_days */
	long long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1), m = (int)(mp < 10 ? mp + 3 : mp - 9);
	long long y = yoe + era * 400 + (m <= 2);
	const char *t = arena_printf(a, "%04lld-%02d-%02dT%02lld:%02lld:%02lld", y, m, d, sod / 3600,
				     sod / 60 % 60, sod % 60);
	return rem ? arena_printf(a, "%s.%03lldZ", t, rem) : arena_printf(a, "%sZ", t);
}
