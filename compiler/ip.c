/*
 * ip.c: IPv4 and IPv6 addresses in their text forms, for `cidr` networks
 * (transform.c) and for the addresses of events (the evaluator).
 */
#include "sigma.h"

#include <string.h>

bool
ip_parse4(const char *s, size_t len, unsigned char out[4])
{
	int k = 0;
	size_t i = 0;
	while (k < 4) {
		if (i >= len || s[i] < '0' || s[i] > '9')
			return false;
		int v = 0, digits = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (s[i++] - '0');
			digits++;
		}
		if (v > 255 || digits > 3 || (digits > 1 && s[i - (size_t)digits] == '0'))
			return false;
		out[k++] = (unsigned char)v;
		if (k < 4 && (i >= len || s[i++] != '.'))
			return false;
	}
	return i == len;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool
ip_parse6(const char *s, size_t len, unsigned char out[16])
{
	uint16_t words[8];
	int nw = 0, gap = -1;
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len && s[0] == ':') {
		return false;
	}
	while (i < len) {
		if (nw == 8)
			return false;
		size_t j = i;
		int v = 0;
		while (j < len && hexval(s[j]) >= 0 && j - i < 4)
			v = v * 16 + hexval(s[j++]);
		if (j < len && s[j] == '.') {	/* embedded IPv4 */
			unsigned char v4[4];
			if (nw > 6 || !ip_parse4(s + i, len - i, v4))
				return false;
			words[nw++] = (uint16_t)(v4[0] << 8 | v4[1]);
			words[nw++] = (uint16_t)(v4[2] << 8 | v4[3]);
			i = len;
			break;
		}
		if (j == i)
			return false;
		words[nw++] = (uint16_t)v;
		i = j;
		if (i == len)
			break;
		if (s[i] != ':')
			return false;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = nw;
			i++;
		} else if (i == len) {
			return false;
		}
	}
	if ((gap < 0 && nw != 8) || (gap >= 0 && nw > 7))
		return false;
	memset(out, 0, 16);
	int tail = gap >= 0 ? nw - gap : 0, head = gap >= 0 ? gap : nw;
	for (int k = 0; k < head; k++) {
		out[2 * k] = (unsigned char)(words[k] >> 8);
		out[2 * k + 1] = (unsigned char)words[k];
	}
	for (int k = 0; k < tail; k++) {
		int at = 8 - tail + k;
		out[2 * at] = (unsigned char)(words[head + k] >> 8);
		out[2 * at + 1] = (unsigned char)words[head + k];
	}
	return true;
}
