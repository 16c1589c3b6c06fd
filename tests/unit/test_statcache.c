/* test_statcache.c: what the stat cache of `sigmacc build` remembers of an output
 * and of a rule file's failure (compiler/statcache.c), what it refuses to
 * remember, and that bytes that are not a cache written by it are never read as one. */
#define _DEFAULT_SOURCE	/* S_IFREG and the other file types */
#include "unit.h"
#include "statcache.h"
#include "hash.h"

#include <string.h>

static const char H1[] = "0123456789abcdef0123456789abcdef";
static const char H2[] = "fedcba9876543210fedcba9876543210";

/* A regular file last changed at second t (ctime and mtime). */
static struct stat
file_at(ino_t ino, off_t size, time_t t)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	st.st_dev = 42;
	st.st_ino = ino;
	st.st_size = size;
	st.st_mtim.tv_sec = st.st_ctim.tv_sec = t;
	st.st_mtim.tv_nsec = st.st_ctim.tv_nsec = 500;
	return st;
}

static const struct timespec later = {1000, 0};

/* The cache with entries for files 1 and 2, written and read back. */
static void
round_trip(struct statcache *back, struct buf *bytes)
{
	struct statcache c = {0};
	struct statcache_entry e;
	struct stat a = file_at(1, 10, 100), b = file_at(2, 20, 100);
	assert_true(statcache_entry(&e, &a, H1, &later));
	statcache_add(&c, &e);
	assert_true(statcache_entry(&e, &b, H2, &later));
	statcache_add(&c, &e);
	statcache_write(&c, bytes);
	assert_int_equal(bytes->len, 72 + 2 * 80);
	statcache_free(&c);
	statcache_read(back, bytes->data, bytes->len);
}

static void
remembers(void **state)
{
	(void)state;
	struct statcache c;
	struct buf bytes = {0};
	round_trip(&c, &bytes);
	assert_int_equal(c.n, 2);
	struct stat a = file_at(1, 10, 100), b = file_at(2, 20, 100);
	assert_true(statcache_holds(&c, &a, H1));
	assert_true(statcache_holds(&c, &b, H2));
	assert_false(statcache_holds(&c, &a, H2));	/* another hash: another record */
	struct stat x = a;
	x.st_ctim.tv_nsec++;	/* written since: ctime moved, even if size and mtime did not */
	assert_false(statcache_holds(&c, &x, H1));
	x = a;
	x.st_mtim.tv_sec++;
	assert_false(statcache_holds(&c, &x, H1));
	x = a;
	x.st_size++;
	assert_false(statcache_holds(&c, &x, H1));
	x = a;
	x.st_dev++;	/* the same inode number on another device is another file */
	assert_false(statcache_holds(&c, &x, H1));
	x = file_at(3, 10, 100);
	assert_false(statcache_holds(&c, &x, H1));
	x = a;
	x.st_mode = S_IFIFO | 0644;
	assert_false(statcache_holds(&c, &x, H1));
	statcache_free(&c);
	buf_free(&bytes);
}

static void
refuses(void **state)
{
	(void)state;
	struct statcache_entry e;
	struct stat st = file_at(1, 10, 999);	/* changed within two seconds of the read */
	assert_false(statcache_entry(&e, &st, H1, &later));
	st = file_at(1, 10, 100);
	st.st_mtim.tv_sec = 999;	/* an mtime set ahead of the ctime */
	assert_false(statcache_entry(&e, &st, H1, &later));
	st = file_at(1, 10, 100);
	assert_false(statcache_entry(&e, &st, "0123456789ABCDEF0123456789ABCDEF", &later));
	const char shorter[HASH_HEX] = "0123456789abcdef";	/* half a hash */
	assert_false(statcache_entry(&e, &st, shorter, &later));
	st.st_mode = S_IFDIR | 0755;
	assert_false(statcache_entry(&e, &st, H1, &later));
}

/* Bytes that are not exactly a cache leave it empty: nothing is held. */
static void
ignores(void **state)
{
	(void)state;
	struct statcache good, c;
	struct buf bytes = {0};
	round_trip(&good, &bytes);
	statcache_free(&good);
	struct stat a = file_at(1, 10, 100);
	char *copy = mem_alloc(bytes.len + 80);
	const size_t lens[] = {0, 10, 71, 72, 72 + 80, 72 + 2 * 80 - 1, 72 + 2 * 80 + 80};
	for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		memset(copy, 0, bytes.len + 80);
		memcpy(copy, bytes.data, lens[i] < bytes.len ? lens[i] : bytes.len);
		statcache_read(&c, copy, lens[i]);
		assert_int_equal(c.n, 0);
		assert_false(statcache_holds(&c, &a, H1));
		statcache_free(&c);
	}
	memcpy(copy, bytes.data, bytes.len);
	copy[72 + 20] ^= 1;	/* an entry that is not the one hashed */
	statcache_read(&c, copy, bytes.len);
	assert_int_equal(c.n, 0);
	statcache_free(&c);
	memcpy(copy, bytes.data, bytes.len);
	copy[24] = 3;	/* a count the length does not hold */
	statcache_read(&c, copy, bytes.len);
	assert_int_equal(c.n, 0);
	statcache_free(&c);
	memcpy(copy, bytes.data, bytes.len);
	copy[0] = 'S';	/* another file's first bytes */
	statcache_read(&c, copy, bytes.len);
	assert_int_equal(c.n, 0);
	statcache_free(&c);
	statcache_read(&c, "sigmacc statcache 1\n", 20);
	assert_int_equal(c.n, 0);
	statcache_free(&c);
	free(copy);
	buf_free(&bytes);
}

/* Two entries for one file: the later one is the file's. */
static void
later_wins(void **state)
{
	(void)state;
	struct statcache c = {0}, back;
	struct statcache_entry e;
	struct stat a = file_at(1, 10, 100);
	for (int i = 0; i < 3; i++) {
		assert_true(statcache_entry(&e, &a, i < 2 ? H1 : H2, &later));
		statcache_add(&c, &e);
	}
	struct buf bytes = {0};
	statcache_write(&c, &bytes);
	statcache_read(&back, bytes.data, bytes.len);
	assert_false(statcache_holds(&back, &a, H1));
	assert_true(statcache_holds(&back, &a, H2));
	statcache_free(&c);
	statcache_free(&back);
	buf_free(&bytes);
}

static const unsigned char K1[16] = "key of output 1", K2[16] = "key of output 2";

/* Does c hold a failure for key of the file st describes? */
static bool
failed(const struct statcache *c, const struct stat *st, const unsigned char key[16],
       const char **load, size_t *nload, const char **err, size_t *nerr)
{
	struct statcache_failure id;
	return statcache_failure(&id, st, &later) &&
	       statcache_failed(c, &id, key, load, nload, err, nerr);
}

/* A cache with an output's entry and two failures of file 5 (K1: loading and
 * compiling said something, K2: compiling only), written to bytes. */
static void
with_failures(struct buf *bytes)
{
	struct statcache c = {0};
	struct statcache_entry e;
	struct statcache_failure f;
	struct stat a = file_at(1, 10, 100), r = file_at(5, 50, 100);
	assert_true(statcache_entry(&e, &a, H1, &later));
	statcache_add(&c, &e);
	assert_true(statcache_failure(&f, &r, &later));
	memcpy(f.key, K1, 16);
	statcache_add_failure(&c, &f, "L\n", 2, "E1\n", 3);
	memcpy(f.key, K2, 16);
	statcache_add_failure(&c, &f, NULL, 0, "E2\n", 3);
	statcache_write(&c, bytes);
	assert_int_equal(bytes->len, 72 + 80 + 2 * 64 + 2 + 3 + 3);
	statcache_free(&c);
}

/* What each failure said, for its file and key only. */
static void
failures_remembered(void **state)
{
	(void)state;
	struct buf bytes = {0};
	with_failures(&bytes);
	struct statcache c;
	statcache_read(&c, bytes.data, bytes.len);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.nf, 2);
	struct stat a = file_at(1, 10, 100), r = file_at(5, 50, 100);
	assert_true(statcache_holds(&c, &a, H1));
	const char *load, *err;
	size_t nload, nerr;
	assert_true(failed(&c, &r, K1, &load, &nload, &err, &nerr));
	assert_int_equal(nload, 2);
	assert_memory_equal(load, "L\n", 2);
	assert_int_equal(nerr, 3);
	assert_memory_equal(err, "E1\n", 3);
	assert_true(failed(&c, &r, K2, &load, &nload, &err, &nerr));
	assert_int_equal(nload, 0);
	assert_memory_equal(err, "E2\n", 3);
	unsigned char k3[16] = "key of output 3";
	assert_false(failed(&c, &r, k3, &load, &nload, &err, &nerr));
	struct stat x = r;
	x.st_ctim.tv_nsec++;	/* the rule file written since */
	assert_false(failed(&c, &x, K1, &load, &nload, &err, &nerr));
	x = r;
	x.st_size++;
	assert_false(failed(&c, &x, K1, &load, &nload, &err, &nerr));
	x = file_at(6, 50, 100);	/* another file */
	assert_false(failed(&c, &x, K1, &load, &nload, &err, &nerr));
	assert_false(failed(&c, &a, K1, &load, &nload, &err, &nerr));
	/* the key is every string in order: parts that run together differently differ */
	const char *ab[] = {"ab", "c"}, *a_bc[] = {"a", "bc"};
	unsigned char kab[16], kabc[16];
	statcache_key(ab, 2, kab);
	statcache_key(a_bc, 2, kabc);
	assert_memory_not_equal(kab, kabc, 16);
	statcache_free(&c);
	buf_free(&bytes);
}

/* A failure of a file changed within two seconds of its read, or of no regular
 * file, is not remembered; nor are messages beyond STATCACHE_TEXT_MAX; messages
 * with a control character are never answered. */
static void
failures_refused(void **state)
{
	(void)state;
	struct statcache_failure f;
	struct stat r = file_at(5, 50, 999);
	assert_false(statcache_failure(&f, &r, &later));
	r = file_at(5, 50, 100);
	r.st_mode = S_IFDIR | 0755;
	assert_false(statcache_failure(&f, &r, &later));
	r = file_at(5, 50, 100);
	assert_true(statcache_failure(&f, &r, &later));
	struct statcache c = {0}, back;
	struct buf bytes = {0};
	const char *load, *err;
	size_t nload, nerr;
	/* messages with a control character other than a tab or a line break are never shown */
	const char *bad[] = {"a\033[2Jb\n", "\x7f", "a\xc2\x9b", "\x9b[31m", "\r"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		statcache_add_failure(&c, &f, "\t", 1, bad[i], strlen(bad[i]));
		statcache_write(&c, &bytes);
		statcache_read(&back, bytes.data, bytes.len);
		assert_int_equal(back.nf, 1);
		assert_false(failed(&back, &r, f.key, &load, &nload, &err, &nerr));
		statcache_free(&back);
		statcache_free(&c);
	}
	statcache_add_failure(&c, &f, "\t", 1, "\xc3\xa9 \xe2\x80\x9c\n", 7);	/* é and a quote mark */
	statcache_write(&c, &bytes);
	statcache_read(&back, bytes.data, bytes.len);
	assert_true(failed(&back, &r, f.key, &load, &nload, &err, &nerr));
	statcache_free(&back);
	statcache_free(&c);
	buf_free(&bytes);
	static const char one[1] = "x";	/* refused before anything is read */
	statcache_add_failure(&c, &f, one, 1, one, STATCACHE_TEXT_MAX);
	assert_int_equal(c.nf, 0);
	statcache_add_failure(&c, &f, one, 1, one, 1);
	assert_int_equal(c.nf, 1);
	statcache_free(&c);
}

/* Recomputes the hash of a changed cache, so that only its layout can reject it. */
static void
rehash(char *bytes, size_t len)
{
	char sum[HASH_HEX];
	hash_bytes_hex(bytes + 72, len - 72, sum);
	memcpy(bytes + 40, sum, HASH_HEX - 1);
}

/* Failures whose lengths do not fill the bytes exactly, or a count the bytes
 * cannot hold, leave the whole cache empty, entries too. */
static void
failures_malformed(void **state)
{
	(void)state;
	struct buf bytes = {0};
	with_failures(&bytes);
	char *copy = mem_alloc(bytes.len + 1);
	struct statcache c;
	const size_t nerr_at = 72 + 80 + 60;	/* the first failure's second length */
	for (int i = 0; i < 4; i++) {
		size_t len = bytes.len;
		memcpy(copy, bytes.data, bytes.len);
		if (i == 0)
			copy[nerr_at]++;	/* one more byte than there is */
		else if (i == 1)
			copy[nerr_at]--;	/* one byte left over */
		else if (i == 2)
			copy[32] = 3;	/* a third failure */
		else
			copy[len++] = 'x';	/* a byte after the messages */
		rehash(copy, len);
		statcache_read(&c, copy, len);
		assert_int_equal(c.n, 0);
		assert_int_equal(c.nf, 0);
		statcache_free(&c);
	}
	memcpy(copy, bytes.data, bytes.len);
	rehash(copy, bytes.len);	/* the same bytes: read */
	statcache_read(&c, copy, bytes.len);
	assert_int_equal(c.nf, 2);
	statcache_free(&c);
	free(copy);
	buf_free(&bytes);
}

/* A file this checkout compiled is kept with the key of its inputs even when it was
 * written just now (racy: hashed again before anything is trusted, never held as is). */
static void
compiled_keys(void **state)
{
	(void)state;
	struct statcache c = {0}, back;
	struct statcache_entry e;
	struct stat fresh = file_at(1, 10, 999), old = file_at(2, 20, 100);
	assert_true(statcache_compiled(&e, &fresh, H1, K1, &later));
	assert_true(e.racy);
	statcache_add(&c, &e);
	assert_true(statcache_compiled(&e, &old, H2, K2, &later));
	assert_false(e.racy);
	statcache_add(&c, &e);
	struct stat dir = old;
	dir.st_mode = S_IFDIR | 0755;
	assert_false(statcache_compiled(&e, &dir, H1, K1, &later));
	struct buf bytes = {0};
	statcache_write(&c, &bytes);
	assert_int_equal(bytes.len, 72 + 2 * 80);
	statcache_read(&back, bytes.data, bytes.len);
	const struct statcache_entry *f = statcache_find(&back, &fresh);
	assert_non_null(f);
	assert_true(f->racy);
	assert_memory_equal(f->key, K1, 16);
	assert_true(statcache_same(f->out, H1));
	assert_false(statcache_holds(&back, &fresh, H1));	/* racy: hashed again */
	f = statcache_find(&back, &old);
	assert_non_null(f);
	assert_memory_equal(f->key, K2, 16);
	assert_true(statcache_holds(&back, &old, H2));
	struct stat moved = old;
	moved.st_ctim.tv_nsec++;
	assert_null(statcache_find(&back, &moved));
	statcache_free(&back);
	statcache_free(&c);
	buf_free(&bytes);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remembers),
		cmocka_unit_test(refuses),
		cmocka_unit_test(ignores),
		cmocka_unit_test(later_wins),
		cmocka_unit_test(failures_remembered),
		cmocka_unit_test(failures_refused),
		cmocka_unit_test(failures_malformed),
		cmocka_unit_test(compiled_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
