/*
 * encode.c: the byte-level algorithms behind the transformation modifiers
 * base64, base64offset and utf16le/utf16be/utf16 (sigma-spec.md §6.1, §6.3).
 */
#include "sigma.h"

#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
encode_base64(struct arena *a, const unsigned char *s, size_t n, size_t *outlen)
{
	char *out = arena_alloc(a, (n + 2) / 3 * 4 + 1), *o = out;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		*o++ = b64[s[i] >> 2];
		*o++ = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
		*o++ = b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
		*o++ = b64[s[i + 2] & 63];
	}
	if (i < n) {
		*o++ = b64[s[i] >> 2];
		if (i + 1 < n) {
			*o++ = b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
			*o++ = b64[(s[i + 1] & 15) << 2];
		} else {
			*o++ = b64[(s[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	if (outlen)
		*outlen = (size_t)(o - out);
	return out;
}

void
encode_base64offset(struct arena *a, const unsigned char *s, size_t n, char *out[3])
{
	static const size_t start[3] = {0, 2, 3};
	static const size_t cut_end[3] = {0, 3, 2};	/* characters dropped at the end */
	unsigned char *buf = arena_alloc(a, n + 3);
	for (size_t i = 0; i < 3; i++) {
		memset(buf, ' ', i);
		memcpy(buf + i, s, n);
		size_t len;
		char *e = encode_base64(a, buf, n + i, &len);
		size_t end = len - cut_end[(n + i) % 3];
		size_t from = start[i] < end ? start[i] : end;
		out[i] = arena_strndup(a, e + from, end - from);
	}
}

/* Decodes one UTF-8 code point; returns its length or 0 when invalid. */
static int
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	int len = s[0] >= 0xf0 && s[0] < 0xf5 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
	if (!len || (size_t)len > n)
		return 0;
	uint32_t c = s[0] & (0x7f >> len);
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void
put16(unsigned char *o, size_t *k, uint16_t u, bool be)
{
	o[(*k)++] = be ? (unsigned char)(u >> 8) : (unsigned char)(u & 0xff);
	o[(*k)++] = be ? (unsigned char)(u & 0xff) : (unsigned char)(u >> 8);
}

bool
encode_utf16(struct arena *a, const char *s, size_t n, bool be, bool bom, unsigned char **out,
	     size_t *outlen)
{
	unsigned char *o = arena_alloc(a, 4 * n + 2);
	size_t k = 0;
	if (bom)
		put16(o, &k, 0xfeff, be);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		int len = utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (!len)
			return false;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put16(o, &k, (uint16_t)(0xd800 | (cp >> 10)), be);
			put16(o, &k, (uint16_t)(0xdc00 | (cp & 0x3ff)), be);
		} else {
			put16(o, &k, (uint16_t)cp, be);
		}
		i += (size_t)len;
	}
	*out = o;
	*outlen = k;
	return true;
}
