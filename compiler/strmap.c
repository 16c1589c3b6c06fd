/*
 * strmap.c: the hash index of base.h. Open addressing with linear probing,
 * grown at half load, so a lookup costs a few probes whatever the count.
 */
#include "base.h"

#include <string.h>

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
hash(uint64_t seed, const char *s, size_t len)
{
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = mix(h ^ w);
	}
	uint64_t w = 0;
	if (len > i)
		memcpy(&w, s + i, len - i);
	return mix(h ^ w ^ 0x5bd1e995);
}

uint64_t
strmap_hash(const char *s, size_t len)
{
	/* the seed: where this file's code was loaded, which ASLR varies per run */
	return hash(mix((uint64_t)(uintptr_t)&strmap_hash) | 1, s, len);
}

static size_t
find(const struct strmap *m, const char *key, size_t len)
{
	size_t mask = m->cap - 1, i = (size_t)hash(m->seed, key, len) & mask;
	while (m->slots[i].key &&
	       (m->slots[i].len != len || memcmp(m->slots[i].key, key, len)))
		i = (i + 1) & mask;
	return i;
}

int
strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return -1;
	size_t i = find(m, key, len);
	return m->slots[i].key ? m->slots[i].val : -1;
}

static void
grow(struct arena *a, struct strmap *m)
{
	struct strmap old = *m;
	m->cap = old.cap ? old.cap * 2 : 16;
	m->slots = arena_alloc(a, sizeof(*m->slots) * m->cap);
	if (!m->seed)	/* the table's address varies from run to run (ASLR) */
		m->seed = mix((uint64_t)(uintptr_t)m->slots) | 1;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			m->slots[find(m, old.slots[i].key, old.slots[i].len)] = old.slots[i];
}

int
strmap_put(struct arena *a, struct strmap *m, const char *key, size_t len, int val)
{
	if (2 * (m->n + 1) > m->cap)
		grow(a, m);
	size_t i = find(m, key, len);
	if (m->slots[i].key)
		return m->slots[i].val;
	m->slots[i] = (struct strmap_slot){key, len, val};
	m->n++;
	return -1;
}
