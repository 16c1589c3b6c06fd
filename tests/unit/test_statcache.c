/* test_statcache.c: what the stat cache of `sigmacc build` remembers of an output
 * (compiler/statcache.c), what it refuses to remember, and that bytes that are
 * not a cache written by it are never read as one. */
#define _DEFAULT_SOURCE	/* S_IFREG and the other file types */
#include "unit.h"
#include "statcache.h"

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
	assert_int_equal(bytes->len, 64 + 2 * 56);
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
	char *copy = mem_alloc(bytes.len + 56);
	const size_t lens[] = {0, 10, 63, 64, 64 + 56, 64 + 2 * 56 - 1, 64 + 2 * 56 + 56};
	for (size_t i = 0; i < sizeof(lens) / sizeof(*lens); i++) {
		memset(copy, 0, bytes.len + 56);
		memcpy(copy, bytes.data, lens[i] < bytes.len ? lens[i] : bytes.len);
		statcache_read(&c, copy, lens[i]);
		assert_int_equal(c.n, 0);
		assert_false(statcache_holds(&c, &a, H1));
		statcache_free(&c);
	}
	memcpy(copy, bytes.data, bytes.len);
	copy[64 + 20] ^= 1;	/* an entry that is not the one hashed */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(remembers),
		cmocka_unit_test(refuses),
		cmocka_unit_test(ignores),
		cmocka_unit_test(later_wins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
