/*
 * fuzz_statcache.c: the stat cache a build reads from OUTDIR/.sigmacc-lock
 * (statcache_read). Bytes it accepts are exactly what statcache_write writes
 * back; every entry and every failure it accepts answers for its own file, a
 * failure with its own messages unless they hold a control character.
 */
#define _DEFAULT_SOURCE	/* S_IFREG */
#include "fuzz.h"
#include "../../compiler/statcache.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);	/* the lock file's bytes, as outdir_lock_read gives them */
	if (!copy)
		abort();
	memcpy(copy, data, size);
	struct statcache c;
	statcache_read(&c, copy, size);
	if (c.n || c.nf) {
		struct buf back = {0};
		statcache_write(&c, &back);
		if (back.len != size || memcmp(back.data, copy, size))
			abort();	/* accepted bytes are a cache as written */
		buf_free(&back);
	}
	for (size_t i = 0; i < c.n; i++) {
		const struct statcache_entry *e = &c.v[i];
		struct stat st;
		memset(&st, 0, sizeof(st));
		st.st_mode = S_IFREG | 0644;
		st.st_dev = (dev_t)e->dev;
		st.st_ino = (ino_t)e->ino;
		st.st_size = (off_t)e->size;
		if ((uint64_t)st.st_dev != e->dev || (uint64_t)st.st_ino != e->ino ||
		    (uint64_t)st.st_size != e->size || e->mtime < 0 || e->ctime < 0)
			continue;	/* no file could have these values */
		st.st_mtim = (struct timespec){e->mtime / 1000000000, e->mtime % 1000000000};
		st.st_ctim = (struct timespec){e->ctime / 1000000000, e->ctime % 1000000000};
		char hex[HASH_HEX];
		for (int k = 0; k < 16; k++) {
			hex[2 * k] = "0123456789abcdef"[e->out[k] >> 4];
			hex[2 * k + 1] = "0123456789abcdef"[e->out[k] & 15];
		}
		hex[32] = '\0';
		bool later = false;	/* a later entry for the same file answers instead */
		for (size_t j = i + 1; j < c.n && !later; j++)
			later = c.v[j].dev == e->dev && c.v[j].ino == e->ino;
		/* the entry is the file's; it vouches for the bytes unless racy (hashed again) */
		if (!later && (statcache_find(&c, &st) != e || statcache_holds(&c, &st, hex) != !e->racy))
			abort();
	}
	for (size_t i = 0; i < c.nf; i++) {
		const struct statcache_failure *f = &c.f[i];
		bool later = false;
		for (size_t j = i + 1; j < c.nf && !later; j++)
			later = c.f[j].dev == f->dev && c.f[j].ino == f->ino &&
				!memcmp(c.f[j].key, f->key, 16);
		const char *load, *err;
		size_t nload, nerr;
		if (later)
			continue;
		/* printable ASCII, tabs and line breaks are always answered; a C0 control
		 * character or DEL never is (nor C1, checked by the unit tests) */
		bool ascii = true, control = false;
		for (uint64_t k = c.at[i]; k < c.at[i] + f->nload + f->nerr; k++) {
			unsigned char ch = (unsigned char)c.text[k];
			bool soft = ch == '\t' || ch == '\n';
			ascii &= soft || (ch >= 0x20 && ch < 0x7f);
			control |= !soft && (ch < 0x20 || ch == 0x7f);
		}
		bool found = statcache_failed(&c, f, f->key, &load, &nload, &err, &nerr);
		if ((ascii && !found) || (control && found))
			abort();
		if (found && (nload != f->nload || nerr != f->nerr || load != c.text + c.at[i] ||
			      err != load + nload || (size_t)(err + nerr - c.text) > c.ntext))
			abort();	/* its own messages, within the text */
	}
	statcache_free(&c);
	free(copy);
	return 0;
}
