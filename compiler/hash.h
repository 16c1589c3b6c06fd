/* hash.h: SHA-256 (FIPS 180-4), for the manifest's record of what produced each output (hash.c). */
#ifndef SIGMACC_HASH_H
#define SIGMACC_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

struct hash_ctx {
	struct sha256_ctx sha;	/* Nettle's, which uses the processor's SHA instructions */
};

/* The manifest keeps 128 bits of a digest: 32 hex digits and a NUL. */
#define HASH_HEX 33

void hash_init(struct hash_ctx *c);
void hash_update(struct hash_ctx *c, const void *data, size_t len);
/* Adds a string and its terminating NUL, so consecutive strings cannot run together. */
void hash_str(struct hash_ctx *c, const char *s);
/* The first 128 bits of the digest as 32 lowercase hex digits. */
void hash_hex(struct hash_ctx *c, char out[HASH_HEX]);
/* The digest of one buffer, as hash_hex. */
void hash_bytes_hex(const void *data, size_t len, char out[HASH_HEX]);

#endif
