/*
 * hash.c: SHA-256 as FIPS 180-4 specifies it. The manifest records what
 * produced each output; a weak hash would let a crafted rule or output
 * pass for another, so it is a cryptographic one, kept to 128 bits.
 */
#include "hash.h"

#include <stdbool.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HASH_SHANI 1
#endif

static const uint32_t k256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t
ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void
compress(struct hash_ctx *c, const unsigned char *p)
{
	uint32_t w[64], v[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, c->h, sizeof(v));
	uint32_t a = v[0], b = v[1], cc = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) +
			      k256[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = cc;
		cc = b;
		b = a;
		a = t1 + t2;
	}
	v[0] = a, v[1] = b, v[2] = cc, v[3] = d, v[4] = e, v[5] = f, v[6] = g, v[7] = h;
	for (int i = 0; i < 8; i++)
		c->h[i] += v[i];
}

#ifdef HASH_SHANI
/*
 * The same compression with the x86 SHA extensions (Intel's SHA-NI: sha256rnds2
 * does two rounds, sha256msg1/msg2 extend the message schedule four words at a
 * time), when the processor has them: a build hashes every rule file and every
 * output it keeps, and this is several times faster than the portable rounds.
 * The state is kept as the instructions want it: ABEF and CDGH.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
compress_shani(struct hash_ctx *c, const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)&c->h[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)&c->h[4]);
	__m128i cdab = _mm_shuffle_epi32(abcd, 0xb1);
	efgh = _mm_shuffle_epi32(efgh, 0x1b);	/* HGFE -> EFGH in lane order */
	__m128i s0 = _mm_alignr_epi8(cdab, efgh, 8);	/* ABEF */
	__m128i s1 = _mm_blend_epi16(efgh, cdab, 0xf0);	/* CDGH */
	for (; nblocks; nblocks--, p += 64) {
		__m128i save0 = s0, save1 = s1, w[4];
		for (int i = 0; i < 16; i++) {
			if (i < 4) {
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)
									(p + 16 * i)), bswap);
			} else {	/* w[i] = msg2(msg1(w[i-4], w[i-3]) + w[i-3..i-1] shifted, w[i-1]) */
				__m128i m = _mm_sha256msg1_epu32(w[i % 4], w[(i + 1) % 4]);
				m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i + 3) % 4], w[(i + 2) % 4], 4));
				w[i % 4] = _mm_sha256msg2_epu32(m, w[(i + 3) % 4]);
			}
			__m128i k = _mm_loadu_si128((const __m128i *)(const void *)&k256[4 * i]);
			__m128i m = _mm_add_epi32(w[i % 4], k);
			s1 = _mm_sha256rnds2_epu32(s1, s0, m);
			s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0e));
		}
		s0 = _mm_add_epi32(s0, save0);
		s1 = _mm_add_epi32(s1, save1);
	}
	__m128i feba = _mm_shuffle_epi32(s0, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(s1, 0xb1);
	_mm_storeu_si128((__m128i *)(void *)&c->h[0], _mm_blend_epi16(feba, dchg, 0xf0));	/* ABCD */
	_mm_storeu_si128((__m128i *)(void *)&c->h[4], _mm_alignr_epi8(dchg, feba, 8));	/* EFGH */
}

/* Has the processor the SHA extensions (CPUID leaf 7, EBX bit 29) and SSE4.1? */
static bool
have_shani(void)
{
	static int known = -1;	/* a race only computes the same answer twice */
	if (known < 0) {
		unsigned a, b, cx, d;
		bool sha = __get_cpuid_count(7, 0, &a, &b, &cx, &d) && (b >> 29 & 1);
		bool sse41 = __get_cpuid(1, &a, &b, &cx, &d) && (cx >> 19 & 1) && (cx >> 9 & 1);
		known = sha && sse41;
	}
	return known;
}
#endif

/* Compresses nblocks whole blocks at p. */
static void
compress_blocks(struct hash_ctx *c, const unsigned char *p, size_t nblocks)
{
#ifdef HASH_SHANI
	if (have_shani()) {
		compress_shani(c, p, nblocks);
		return;
	}
#endif
	for (; nblocks; nblocks--, p += 64)
		compress(c, p);
}

void
hash_init(struct hash_ctx *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->fill = 0;
}

void
hash_update(struct hash_ctx *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	c->len += len;
	while (len) {
		if (!c->fill && len >= 64) {	/* whole blocks straight from the data */
			size_t n = len / 64;
			compress_blocks(c, p, n);
			p += 64 * n;
			len -= 64 * n;
			continue;
		}
		size_t n = 64 - c->fill < len ? 64 - c->fill : len;
		memcpy(c->block + c->fill, p, n);
		c->fill += n;
		p += n;
		len -= n;
		if (c->fill == 64) {
			compress_blocks(c, c->block, 1);
			c->fill = 0;
		}
	}
}

void
hash_str(struct hash_ctx *c, const char *s)
{
	hash_update(c, s ? s : "", (s ? strlen(s) : 0) + 1);
}

void
hash_hex(struct hash_ctx *c, char out[HASH_HEX])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72] = {0x80};
	size_t n = c->fill < 56 ? 56 - c->fill : 120 - c->fill;
	for (int i = 0; i < 8; i++)
		pad[n + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	hash_update(c, pad, n + 8);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++) {
		unsigned byte = (c->h[i / 4] >> (24 - 8 * (i % 4))) & 0xff;
		out[2 * i] = digits[byte >> 4];
		out[2 * i + 1] = digits[byte & 15];
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
