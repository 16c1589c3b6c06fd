/*
 * hash.c: SHA-256 (FIPS 180-4) through Nettle. The manifest records what
 * produced each output; a weak hash would let a crafted rule or output pass
 * for another, so it is a cryptographic one, kept to 128 bits. Nettle is
 * Debian's packaged implementation and picks the processor's SHA instructions
 * at run time, which a whole-repository build feels (every rule, value list
 * and output is hashed).
 */
#include "hash.h"

#include <string.h>

void
hash_init(struct hash_ctx *c)
{
	sha256_init(&c->sha);
}

void
hash_update(struct hash_ctx *c, const void *data, size_t len)
{
	sha256_update(&c->sha, len, data);
}

void
hash_str(struct hash_ctx *c, const char *s)
{
	hash_update(c, s ? s : "", (s ? strlen(s) : 0) + 1);
}

void
hash_hex(struct hash_ctx *c, char out[HASH_HEX])
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	sha256_digest(&c->sha, sizeof(digest), digest);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 15];
	}
	out[32] = '\0';
}

void
hash_bytes_hex(const void *data, size_t len, char out[HASH_HEX])
{
	struct hash_ctx c;
	hash_init(&c);
	hash_update(&c, data, len);
	hash_hex(&c, out);
}
