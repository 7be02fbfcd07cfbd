/*
 * Host tests for lib/ramfs: file and directory operations with every
 * error, confinement of references to their subtree, name, path and depth
 * limits, the byte quota (ENOSPC, never a crash), zeroed freed blocks,
 * stale references, and a random workload that must leave nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/ramfs/ramfs.h"

#define ARENA	(4u << 20)

static uint64_t arena_words[ARENA / 8];
static struct ramfs fs;
static struct ramfs_ref root;

static int
setup(void **state)
{
	memset(arena_words, 0, sizeof(arena_words));	/* ramfs_init wants it zeroed */
	assert_int_equal(ramfs_init(&fs, arena_words, sizeof(arena_words), 1u << 20), 0);
	root = ramfs_root(&fs);
	return 0;
}

#define S(s) (s), strlen(s)

static void
put(struct ramfs_ref r, const char *path, const char *text)
{
	struct ramfs_file f;

	assert_int_equal(ramfs_open(&fs, r, S(path), RAMFS_O_WRITE | RAMFS_O_CREATE |
	    RAMFS_O_TRUNC, &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, text, strlen(text)), (int64_t)strlen(text));
}

static void
expect_text(struct ramfs_ref r, const char *path, const char *text)
{
	struct ramfs_file f;
	char buf[256];
	int64_t n;

	assert_int_equal(ramfs_open(&fs, r, S(path), RAMFS_O_READ, &f), 0);
	n = ramfs_read(&fs, &f, buf, sizeof(buf) - 1);
	assert_true(n >= 0);
	buf[n] = 0;
	assert_string_equal(buf, text);
}

static void
test_init_limits(void **state)
{
	static uint64_t small[64];
	struct ramfs t;

	assert_int_equal(ramfs_init(&t, small, sizeof(small), 1u << 20), RAMFS_EINVAL);
	assert_int_equal(ramfs_init(&t, (uint8_t *)arena_words + 1, 1u << 16, 1u << 20),
	    RAMFS_EINVAL);
	assert_int_equal(ramfs_init(&t, arena_words, 1u << 16, 100), RAMFS_EINVAL);
	assert_int_equal(ramfs_init(&t, arena_words, 1u << 16, 1u << 20), 0);
}

static void
test_files(void **state)
{
	struct ramfs_file f;
	struct ramfs_stat st;
	char buf[64];

	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ, &f), RAMFS_ENOENT);
	put(root, "a", "hello world");
	expect_text(root, "a", "hello world");
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ | RAMFS_O_WRITE, &f), 0);
	assert_int_equal(ramfs_seek(&fs, &f, 6, RAMFS_SEEK_SET), 6);
	assert_int_equal(ramfs_write(&fs, &f, "W", 1), 1);
	assert_int_equal(ramfs_seek(&fs, &f, -2, RAMFS_SEEK_END), 9);
	assert_int_equal(ramfs_read(&fs, &f, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "ld", 2);
	assert_int_equal(ramfs_read(&fs, &f, buf, sizeof(buf)), 0);
	assert_int_equal(ramfs_seek(&fs, &f, -100, RAMFS_SEEK_CUR), RAMFS_EINVAL);
	assert_int_equal(ramfs_seek(&fs, &f, 0, 7), RAMFS_EINVAL);
	assert_int_equal(ramfs_seek(&fs, &f, INT64_MAX, RAMFS_SEEK_CUR), RAMFS_EFBIG);
	assert_int_equal(ramfs_seek(&fs, &f, INT64_MIN, RAMFS_SEEK_CUR), RAMFS_EFBIG);
	expect_text(root, "a", "hello World");
	/* A hole reads as zeros. */
	assert_int_equal(ramfs_seek(&fs, &f, 5000, RAMFS_SEEK_SET), 5000);
	assert_int_equal(ramfs_write(&fs, &f, "x", 1), 1);
	assert_int_equal(ramfs_fstat(&fs, &f, &st), 0);
	assert_int_equal(st.size, 5001);
	assert_int_equal(st.type, RAMFS_FILE);
	assert_int_equal(st.blocks, 2);
	assert_int_equal(ramfs_seek(&fs, &f, 2000, RAMFS_SEEK_SET), 2000);
	assert_int_equal(ramfs_read(&fs, &f, buf, 10), 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(buf[i], 0);
	/* Append, truncate, exclusive create, access modes. */
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_WRITE | RAMFS_O_TRUNC, &f), 0);
	assert_int_equal(ramfs_read(&fs, &f, buf, 1), RAMFS_EBADF);
	assert_int_equal(ramfs_write(&fs, &f, "one", 3), 3);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_WRITE | RAMFS_O_APPEND, &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, "two", 3), 3);
	expect_text(root, "a", "onetwo");
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ, &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, "x", 1), RAMFS_EBADF);
	assert_int_equal(ramfs_truncate(&fs, &f, 1), RAMFS_EBADF);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_WRITE | RAMFS_O_CREATE |
	    RAMFS_O_EXCL, &f), RAMFS_EEXIST);
	assert_int_equal(ramfs_open(&fs, root, S("a"), 0, &f), RAMFS_EINVAL);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ | RAMFS_O_TRUNC, &f), RAMFS_EINVAL);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ | 0x100, &f), RAMFS_EINVAL);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ | RAMFS_O_EXCL, &f), RAMFS_EINVAL);
	assert_int_equal(ramfs_open(&fs, root, S("a"), RAMFS_O_READ | RAMFS_O_DIR, &f), RAMFS_ENOTDIR);
	assert_int_equal(ramfs_open(&fs, root, S("a/b"), RAMFS_O_READ, &f), RAMFS_ENOTDIR);
	assert_int_equal(ramfs_open(&fs, root, S("a/b"), RAMFS_O_WRITE | RAMFS_O_CREATE, &f),
	    RAMFS_ENOTDIR);
	assert_int_equal(ramfs_open(&fs, root, S(""), RAMFS_O_READ, &f), RAMFS_EISDIR);
	assert_int_equal(ramfs_open(&fs, root, S("/"), RAMFS_O_READ | RAMFS_O_DIR, &f), 0);
	assert_int_equal(ramfs_read(&fs, &f, buf, 1), RAMFS_EISDIR);
	assert_int_equal(ramfs_write(&fs, &f, buf, 1), RAMFS_EISDIR);
}

static void
test_truncate(void **state)
{
	struct ramfs_file f;
	char buf[3000];
	uint64_t used0, used, q;

	ramfs_usage(&fs, &used0, &q);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(ramfs_open(&fs, root, S("t"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, buf, sizeof(buf)), (int64_t)sizeof(buf));
	assert_int_equal(ramfs_truncate(&fs, &f, 1500), 0);
	assert_int_equal(ramfs_truncate(&fs, &f, 3000), 0);
	assert_int_equal(ramfs_seek(&fs, &f, 0, RAMFS_SEEK_SET), 0);
	assert_int_equal(ramfs_read(&fs, &f, buf, sizeof(buf)), 3000);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(buf[i], i < 1500 ? 'z' : 0);
	assert_int_equal(ramfs_truncate(&fs, &f, RAMFS_FILE_MAX + 1), RAMFS_EFBIG);
	assert_int_equal(ramfs_truncate(&fs, &f, 0), 0);
	ramfs_usage(&fs, &used, &q);
	assert_int_equal(used, used0 + RAMFS_NODE_COST);
	/* At the end of the largest file, a write is refused, not wrapped. */
	assert_int_equal(ramfs_seek(&fs, &f, (int64_t)RAMFS_FILE_MAX, RAMFS_SEEK_SET),
	    (int64_t)RAMFS_FILE_MAX);
	assert_int_equal(ramfs_write(&fs, &f, "x", 1), RAMFS_EFBIG);
	assert_int_equal(ramfs_seek(&fs, &f, (int64_t)RAMFS_FILE_MAX - 1, RAMFS_SEEK_SET),
	    (int64_t)RAMFS_FILE_MAX - 1);
	assert_int_equal(ramfs_write(&fs, &f, "xy", 2), 1);
	assert_int_equal(ramfs_unlink(&fs, root, S("t")), 0);
	ramfs_usage(&fs, &used, &q);
	assert_int_equal(used, used0);
}

static void
test_directories(void **state)
{
	struct ramfs_dirent de;
	struct ramfs_stat st;
	struct ramfs_ref d;
	uint32_t cookie = 0;
	int seen = 0;

	assert_int_equal(ramfs_mkdir(&fs, root, S("d")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("d")), RAMFS_EEXIST);
	assert_int_equal(ramfs_mkdir(&fs, root, S("/")), RAMFS_EEXIST);
	assert_int_equal(ramfs_mkdir(&fs, root, S("d/.")), RAMFS_EEXIST);
	assert_int_equal(ramfs_mkdir(&fs, root, S("x/y")), RAMFS_ENOENT);
	assert_int_equal(ramfs_mkdir(&fs, root, S("d//e///")), 0);
	put(root, "d/f1", "1");
	put(root, "d/f2", "22");
	assert_int_equal(ramfs_walk(&fs, root, S("d"), &d), 0);
	while (ramfs_readdir(&fs, d, &cookie, &de) == 1) {
		assert_true(strcmp(de.name, "e") == 0 || strcmp(de.name, "f1") == 0 ||
		    strcmp(de.name, "f2") == 0);
		seen++;
	}
	assert_int_equal(seen, 3);
	assert_int_equal(ramfs_stat(&fs, root, S("d"), &st), 0);
	assert_int_equal(st.type, RAMFS_DIR);
	assert_int_equal(st.size, 3);
	assert_int_equal(ramfs_stat(&fs, root, S("d/f2"), &st), 0);
	assert_int_equal(st.size, 2);
	assert_int_equal(ramfs_readdir(&fs, root, &cookie, &de), 0);
	cookie = 0;
	assert_int_equal(ramfs_walk(&fs, root, S("d/f1"), &d), 0);
	assert_int_equal(ramfs_readdir(&fs, d, &cookie, &de), RAMFS_ENOTDIR);
	assert_int_equal(ramfs_unlink(&fs, root, S("d")), RAMFS_ENOTEMPTY);
	assert_int_equal(ramfs_unlink(&fs, root, S("d/nope")), RAMFS_ENOENT);
	assert_int_equal(ramfs_unlink(&fs, root, S("d/..")), RAMFS_EINVAL);
	assert_int_equal(ramfs_unlink(&fs, root, S("/")), RAMFS_EBUSY);
	assert_int_equal(ramfs_unlink(&fs, root, S("d/f1/x")), RAMFS_ENOTDIR);
	/* By type: a file only, or a directory only; root and dots never. */
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d"), RAMFS_FILE), RAMFS_EISDIR);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d/f1"), RAMFS_DIR), RAMFS_ENOTDIR);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("/"), RAMFS_FILE), RAMFS_EISDIR);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("/"), RAMFS_DIR), RAMFS_EBUSY);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d/."), RAMFS_FILE), RAMFS_EISDIR);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d/.."), RAMFS_DIR), RAMFS_EINVAL);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d/none"), RAMFS_FILE), RAMFS_ENOENT);
	assert_int_equal(ramfs_unlink_type(&fs, root, S("d/f1"), RAMFS_FILE), 0);
	put(root, "d/f1", "again");
	assert_int_equal(ramfs_unlink(&fs, root, S("d/f1")), 0);
	assert_int_equal(ramfs_unlink(&fs, root, S("d/f2")), 0);
	assert_int_equal(ramfs_unlink(&fs, root, S("d/e/")), 0);
	assert_int_equal(ramfs_unlink(&fs, root, S("d")), 0);
	assert_int_equal(ramfs_stat(&fs, root, S("d"), &st), RAMFS_ENOENT);
}

static void
test_rename(void **state)
{
	struct ramfs_stat st;

	assert_int_equal(ramfs_mkdir(&fs, root, S("a")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("a/b")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("e")), 0);
	put(root, "a/f", "f");
	put(root, "g", "g");
	assert_int_equal(ramfs_rename(&fs, root, S("a"), S("a/b/c")), RAMFS_EINVAL);
	assert_int_equal(ramfs_rename(&fs, root, S("a"), S("a/c")), RAMFS_EINVAL);
	assert_int_equal(ramfs_rename(&fs, root, S("nope"), S("x")), RAMFS_ENOENT);
	assert_int_equal(ramfs_rename(&fs, root, S("g"), S("a")), RAMFS_EISDIR);
	assert_int_equal(ramfs_rename(&fs, root, S("e"), S("g")), RAMFS_ENOTDIR);
	assert_int_equal(ramfs_rename(&fs, root, S("e"), S("a")), RAMFS_ENOTEMPTY);
	assert_int_equal(ramfs_rename(&fs, root, S("a/b/.."), S("x")), RAMFS_EINVAL);
	assert_int_equal(ramfs_rename(&fs, root, S("/"), S("x")), RAMFS_EBUSY);
	assert_int_equal(ramfs_rename(&fs, root, S("g"), S("g")), 0);
	/* Replacing a file, moving a file and a directory. */
	assert_int_equal(ramfs_rename(&fs, root, S("g"), S("a/f")), 0);
	expect_text(root, "a/f", "g");
	assert_int_equal(ramfs_stat(&fs, root, S("g"), &st), RAMFS_ENOENT);
	assert_int_equal(ramfs_rename(&fs, root, S("a/f"), S("e/h")), 0);
	expect_text(root, "e/h", "g");
	assert_int_equal(ramfs_rename(&fs, root, S("a/b"), S("e/b2")), 0);
	assert_int_equal(ramfs_stat(&fs, root, S("e/b2"), &st), 0);
	assert_int_equal(ramfs_stat(&fs, root, S("a"), &st), 0);
	assert_int_equal(st.size, 0);
	/* An empty directory may replace an empty directory. */
	assert_int_equal(ramfs_rename(&fs, root, S("a"), S("e/b2")), 0);
	assert_int_equal(ramfs_stat(&fs, root, S("a"), &st), RAMFS_ENOENT);
}

/* A reference to /home/alice must not reach /secret by any path. */
static void
test_confinement(void **state)
{
	struct ramfs_ref alice, r;
	struct ramfs_file f;
	struct ramfs_stat st, st_alice;
	static const char *const escapes[] = {
		"../secret", "../../secret", "/../secret", "..//..//secret",
		"./../../../../secret", "x/../../secret", "/secret", "//secret",
		"../../../../../../../../../../../../../../../secret",
	};

	assert_int_equal(ramfs_mkdir(&fs, root, S("home")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("home/alice")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("home/alice/x")), 0);
	put(root, "secret", "top secret");
	put(root, "home/alice/note", "mine");
	assert_int_equal(ramfs_walk(&fs, root, S("home/alice"), &alice), 0);
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		const char *p = escapes[i];

		assert_int_equal(ramfs_open(&fs, alice, S(p), RAMFS_O_READ, &f), RAMFS_ENOENT);
		assert_int_equal(ramfs_stat(&fs, alice, S(p), &st), RAMFS_ENOENT);
		assert_int_equal(ramfs_unlink(&fs, alice, S(p)), RAMFS_ENOENT);
		assert_int_equal(ramfs_rename(&fs, alice, S(p), S("stolen")), RAMFS_ENOENT);
	}
	/* ".." at the reference's root is the root itself. */
	assert_int_equal(ramfs_stat(&fs, alice, S(".."), &st), 0);
	assert_int_equal(ramfs_stat(&fs, alice, S(""), &st_alice), 0);
	assert_int_equal(st.ino, st_alice.ino);
	assert_int_equal(ramfs_walk(&fs, alice, S("../../.."), &r), 0);
	assert_int_equal(r.ino, alice.ino);
	expect_text(alice, "../note", "mine");
	expect_text(alice, "x/../../../note", "mine");
	/* Moving things out only moves them within the subtree. */
	assert_int_equal(ramfs_rename(&fs, alice, S("note"), S("../../moved")), 0);
	expect_text(alice, "moved", "mine");
	assert_int_equal(ramfs_stat(&fs, root, S("moved"), &st), RAMFS_ENOENT);
	/* Writes that try to climb create inside, not outside. */
	put(alice, "../../secret", "overwritten?");
	expect_text(root, "secret", "top secret");
	expect_text(root, "home/alice/secret", "overwritten?");
	/* Its own root cannot be removed or renamed through it. */
	assert_int_equal(ramfs_unlink(&fs, alice, S("..")), RAMFS_EINVAL);
	assert_int_equal(ramfs_unlink(&fs, alice, S("/")), RAMFS_EBUSY);
	assert_int_equal(ramfs_rename(&fs, alice, S("."), S("y")), RAMFS_EINVAL);
	/* A reference to a file is no root. */
	assert_int_equal(ramfs_walk(&fs, root, S("secret"), &r), 0);
	assert_int_equal(ramfs_stat(&fs, r, S("x"), &st), RAMFS_ENOTDIR);
	/* Forged references: out of range, wrong generation. */
	r.ino = 1u << 30;
	assert_int_equal(ramfs_stat(&fs, r, S(""), &st), RAMFS_ESTALE);
	r = alice;
	r.gen++;
	assert_int_equal(ramfs_stat(&fs, r, S(""), &st), RAMFS_ESTALE);
}

static void
test_stale(void **state)
{
	struct ramfs_ref d;
	struct ramfs_file f, g;
	struct ramfs_stat st;
	char c;

	put(root, "gone", "x");
	assert_int_equal(ramfs_open(&fs, root, S("gone"), RAMFS_O_READ, &f), 0);
	assert_int_equal(ramfs_unlink(&fs, root, S("gone")), 0);
	put(root, "new", "y");	/* may reuse the node */
	assert_int_equal(ramfs_read(&fs, &f, &c, 1), RAMFS_ESTALE);
	assert_int_equal(ramfs_fstat(&fs, &f, &st), RAMFS_ESTALE);
	assert_int_equal(ramfs_seek(&fs, &f, 0, RAMFS_SEEK_SET), RAMFS_ESTALE);
	assert_int_equal(ramfs_mkdir(&fs, root, S("dir")), 0);
	assert_int_equal(ramfs_walk(&fs, root, S("dir"), &d), 0);
	assert_int_equal(ramfs_unlink(&fs, root, S("dir")), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, S("dir2")), 0);
	assert_int_equal(ramfs_open(&fs, d, S("f"), RAMFS_O_WRITE | RAMFS_O_CREATE, &g),
	    RAMFS_ESTALE);
	assert_int_equal(ramfs_mkdir(&fs, d, S("z")), RAMFS_ESTALE);
}

static void
test_names_and_depth(void **state)
{
	char name[RAMFS_NAME_MAX + 2], path[RAMFS_PATH_MAX + 2];
	struct ramfs_stat st;
	struct ramfs_file f;
	size_t n = 0;

	memset(name, 'n', sizeof(name));
	assert_int_equal(ramfs_mkdir(&fs, root, name, RAMFS_NAME_MAX), 0);
	assert_int_equal(ramfs_mkdir(&fs, root, name, RAMFS_NAME_MAX + 1), RAMFS_ENAMETOOLONG);
	assert_int_equal(ramfs_stat(&fs, root, name, RAMFS_NAME_MAX + 1, &st), RAMFS_ENAMETOOLONG);
	assert_int_equal(ramfs_mkdir(&fs, root, "a\0b", 3), RAMFS_EINVAL);
	assert_int_equal(ramfs_mkdir(&fs, root, S("tab\there")), RAMFS_EINVAL);
	assert_int_equal(ramfs_mkdir(&fs, root, S("esc\x1b[2J")), RAMFS_EINVAL);
	assert_int_equal(ramfs_mkdir(&fs, root, S("del\x7f")), RAMFS_EINVAL);
	assert_int_equal(ramfs_mkdir(&fs, root, S("\xff\xfe utf8 is not our business")), 0);
	memset(path, '/', sizeof(path));
	assert_int_equal(ramfs_stat(&fs, root, path, RAMFS_PATH_MAX, &st), 0);
	assert_int_equal(ramfs_stat(&fs, root, path, RAMFS_PATH_MAX + 1, &st), RAMFS_ENAMETOOLONG);
	/* RAMFS_DEPTH_MAX directories deep, and no deeper. */
	for (int d = 1; d <= RAMFS_DEPTH_MAX; d++) {
		memcpy(path + n, "/d", 2);
		n += 2;
		assert_int_equal(ramfs_mkdir(&fs, root, path, n), 0);
	}
	assert_int_equal(ramfs_mkdir(&fs, root, path, n), RAMFS_EEXIST);
	memcpy(path + n, "/d", 2);
	assert_int_equal(ramfs_mkdir(&fs, root, path, n + 2), RAMFS_EDEPTH);
	assert_int_equal(ramfs_open(&fs, root, path, n + 2, RAMFS_O_WRITE | RAMFS_O_CREATE, &f),
	    RAMFS_EDEPTH);
	/* Moving a deep tree under another directory would exceed the limit. */
	assert_int_equal(ramfs_mkdir(&fs, root, S("top")), 0);
	assert_int_equal(ramfs_rename(&fs, root, S("d"), S("top/d")), RAMFS_EDEPTH);
	assert_int_equal(ramfs_rename(&fs, root, S("d/d/d"), S("top/d")), 0);
}

static void
test_quota(void **state)
{
	static uint8_t chunk[4096];
	struct ramfs_file f;
	uint64_t used, q, used0;
	int64_t n, total = 0;
	char name[16];
	int i, files = 0;

	ramfs_usage(&fs, &used0, &q);
	memset(chunk, 0xa5, sizeof(chunk));
	assert_int_equal(ramfs_open(&fs, root, S("big"), RAMFS_O_WRITE | RAMFS_O_CREATE, &f), 0);
	while ((n = ramfs_write(&fs, &f, chunk, sizeof(chunk))) > 0)
		total += n;
	assert_int_equal(n, RAMFS_ENOSPC);
	ramfs_usage(&fs, &used, &q);
	assert_true(used <= q);
	assert_true(q - used < RAMFS_BLOCK);
	assert_true(total > (int64_t)(q * 9 / 10));
	/* No room for another node either: ENOSPC, not a crash. */
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		if (ramfs_mkdir(&fs, root, S(name)) != 0)
			break;
		files++;
	}
	assert_int_equal(ramfs_mkdir(&fs, root, S("one-more")), RAMFS_ENOSPC);
	/* Everything comes back, and the arena's blocks are zero again. */
	assert_int_equal(ramfs_unlink(&fs, root, S("big")), 0);
	for (i = 0; i < files; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		assert_int_equal(ramfs_unlink(&fs, root, S(name)), 0);
	}
	ramfs_usage(&fs, &used, &q);
	assert_int_equal(used, used0);
	assert_int_equal(ramfs_zero_queued(&fs, UINT32_MAX), 0);
	for (uint64_t b = 0; b < (uint64_t)fs.nblocks * RAMFS_BLOCK; b++)
		assert_int_equal(fs.blocks[b], 0);
	for (uint32_t b = 0; b < (fs.nblocks + 7) / 8; b++)
		assert_int_equal(fs.bitmap[b], 0);
}

/* A large sparse file across the indirect and double-indirect blocks. */
static void
test_large_file(void **state)
{
	struct ramfs_file f;
	uint64_t offs[] = { 0, 9 * 1024 + 1020, 300 * 1024, 5000 * 1024, 60000 * 1024 };
	struct ramfs_stat st;
	char buf[8];

	assert_int_equal(ramfs_open(&fs, root, S("sparse"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(ramfs_seek(&fs, &f, (int64_t)offs[i], RAMFS_SEEK_SET),
		    (int64_t)offs[i]);
		assert_int_equal(ramfs_write(&fs, &f, "ABCDEFGH", 8), 8);
	}
	for (size_t i = 0; i < 5; i++) {
		ramfs_seek(&fs, &f, (int64_t)offs[i], RAMFS_SEEK_SET);
		assert_int_equal(ramfs_read(&fs, &f, buf, 8), 8);
		assert_memory_equal(buf, "ABCDEFGH", 8);
	}
	assert_int_equal(ramfs_fstat(&fs, &f, &st), 0);
	/* 6 data blocks (one write straddles two), 1 indirect, 1 double, 3 second-level. */
	assert_int_equal(st.blocks, 6 + 1 + 1 + 3);
	assert_int_equal(ramfs_truncate(&fs, &f, 301 * 1024), 0);
	assert_int_equal(ramfs_fstat(&fs, &f, &st), 0);
	assert_int_equal(st.blocks, 4 + 1 + 1 + 1);
	assert_int_equal(ramfs_truncate(&fs, &f, 0), 0);
	assert_int_equal(ramfs_fstat(&fs, &f, &st), 0);
	assert_int_equal(st.blocks, 0);
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void);

/* Joins what ramfs_extents describes (holes as zeros) into buf -> bytes. */
static int64_t
gather(struct ramfs_file *f, uint8_t *buf, size_t n, size_t max, size_t *count)
{
	struct ramfs_extent ext[16];
	uint64_t at = 0, off = f->offset;
	int64_t got = ramfs_extents(&fs, f, n, ext, max, count);

	assert_int_equal(f->offset, off);	/* the offset does not move */
	assert_true(*count <= max);
	for (size_t i = 0; got > 0 && i < *count; i++) {
		if (ext[i].p == NULL) {
			assert_true(ext[i].len <= RAMFS_BLOCK);
			memset(buf + at, 0, ext[i].len);
		} else {
			memcpy(buf + at, ext[i].p, ext[i].len);
		}
		at += ext[i].len;
	}
	if (got >= 0)
		assert_int_equal(at, (uint64_t)got);
	return got;
}

/* Fills the extents of a write from data -> bytes. */
static uint64_t
fill_extents(const struct ramfs_extent *ext, size_t count, const uint8_t *data)
{
	uint64_t at = 0;

	for (size_t i = 0; i < count; i++) {
		assert_non_null(ext[i].p);
		memcpy(ext[i].p, data + at, ext[i].len);
		at += ext[i].len;
	}
	return at;
}

/*
 * A write through extents lands like ramfs_write; one undone leaves the
 * file reading exactly as before (fresh blocks, taken unzeroed from a
 * deleted file's, are zeroed; blocks past the end go back).
 */
static void
test_write_extents(void **state)
{
	static uint8_t data[20000], back[20000], secret[8192];
	struct ramfs_extent ext[8];
	struct ramfs_file f;
	uint64_t used, used0, q;
	size_t count;
	int stale = 0;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 5 + 3);
	assert_int_equal(ramfs_open(&fs, root, S("w"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	f.offset = 100;
	assert_int_equal(ramfs_write_extents(&fs, &f, 5000, ext, 8, &count), 5000);
	assert_int_equal(f.offset, 100);
	assert_int_equal(fill_extents(ext, count, data), 5000);
	ramfs_write_done(&fs, &f, 5000);
	assert_int_equal(f.offset, 5100);
	f.offset = 0;
	assert_int_equal(ramfs_read(&fs, &f, back, sizeof(back)), 5100);
	assert_memory_equal(back + 100, data, 5000);
	for (int i = 0; i < 100; i++)
		assert_int_equal(back[i], 0);

	/* Undo over a deleted secret's blocks, past the end of the file. */
	memset(secret, 0xee, sizeof(secret));
	put(root, "s", "");
	{
		struct ramfs_file sf;

		assert_int_equal(ramfs_open(&fs, root, S("s"), RAMFS_O_WRITE, &sf), 0);
		assert_int_equal(ramfs_write(&fs, &sf, secret, sizeof(secret)), sizeof(secret));
	}
	assert_int_equal(ramfs_unlink(&fs, root, S("s")), 0);
	ramfs_usage(&fs, &used0, &q);
	f.offset = 6144;
	assert_int_equal(ramfs_write_extents(&fs, &f, 8192, ext, 8, &count), 8192);
	for (size_t i = 0; i < count; i++)
		stale |= ext[i].fresh && ext[i].p[0] == 0xee;
	assert_true(stale);	/* else this test would not test the undo */
	ramfs_write_undo(&fs, &f, ext, count);
	ramfs_usage(&fs, &used, &q);
	assert_int_equal(used, used0);
	assert_int_equal(ramfs_truncate(&fs, &f, 16384), 0);
	f.offset = 0;
	assert_int_equal(ramfs_read(&fs, &f, back, sizeof(back)), 16384);
	assert_memory_equal(back + 100, data, 5000);
	for (int i = 5100; i < 16384; i++)
		assert_int_equal(back[i], 0);

	/* Undo inside the file (nothing filled): over data and a hole, nothing changes. */
	f.offset = 2000;
	assert_int_equal(ramfs_write_extents(&fs, &f, 12000, ext, 8, &count), 12000);
	ramfs_write_undo(&fs, &f, ext, count);
	f.offset = 0;
	assert_int_equal(ramfs_read(&fs, &f, back, sizeof(back)), 16384);
	assert_memory_equal(back + 100, data, 5000);
	for (int i = 5100; i < 16384; i++)
		assert_int_equal(back[i], 0);

	/* max bounds the extents; a short cover is filled and done as far as it goes. */
	f.offset = 0;
	assert_int_equal(ramfs_write_extents(&fs, &f, 20000, ext, 1, &count) > 0, 1);
	assert_int_equal(count, 1);
	assert_int_equal(ramfs_write_extents(&fs, &f, 0, ext, 8, &count), 0);
	f.flags = RAMFS_O_READ;
	assert_int_equal(ramfs_write_extents(&fs, &f, 10, ext, 8, &count), RAMFS_EBADF);
}

/*
 * ramfs_extents describes exactly the bytes ramfs_read copies, at any
 * offset and length, holes included, stopping short only where max or
 * the end of the file says; a sequential file is a few long extents.
 */
static void
test_extents(void **state)
{
	static uint8_t data[70000], want[70000], got[70000];
	struct ramfs_file f, wo;
	size_t count;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + i / 1024);
	assert_int_equal(ramfs_open(&fs, root, S("seq"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, data, 65536), 65536);
	f.offset = 0;
	assert_int_equal(gather(&f, got, 65536, 16, &count), 65536);
	assert_memory_equal(got, data, 65536);
	assert_true(count <= 3);	/* the indirect block sits between direct and the rest */
	f.offset = 65536;
	assert_int_equal(gather(&f, got, 10, 16, &count), 0);

	/* Holes: data at a few places of a 300 KiB file. */
	assert_int_equal(ramfs_truncate(&fs, &f, 300 * 1024), 0);
	for (int i = 0; i < 40; i++) {
		f.offset = rnd() % (300 * 1024 - 3000);
		assert_true(ramfs_write(&fs, &f, data, rnd() % 3000) >= 0);
	}
	for (int i = 0; i < 300; i++) {
		size_t n = rnd() % sizeof(data), max = 1 + rnd() % 16;
		uint64_t off = rnd() % (310 * 1024);
		int64_t g, w;

		f.offset = off;
		g = gather(&f, got, n, max, &count);
		f.offset = off;
		w = ramfs_read(&fs, &f, want, n);
		assert_true(g >= 0 && g <= w);
		assert_memory_equal(got, want, (size_t)g);
		if (g < w)
			assert_int_equal(count, max);
	}
	assert_int_equal(ramfs_open(&fs, root, S("seq"), RAMFS_O_WRITE, &wo), 0);
	assert_int_equal(ramfs_extents(&fs, &wo, 10, NULL, 0, &count), RAMFS_EBADF);
	assert_int_equal(ramfs_unlink(&fs, root, S("seq")), 0);
	assert_int_equal(ramfs_extents(&fs, &f, 10, NULL, 0, &count), RAMFS_ESTALE);
}

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Removes everything under dir (a path), depth first. */
static void
remove_all(struct ramfs_ref r)
{
	struct ramfs_dirent de;
	uint32_t cookie = 0;

	while (ramfs_readdir(&fs, r, &cookie, &de) == 1) {
		struct ramfs_ref c;

		if (de.type == RAMFS_DIR) {
			assert_int_equal(ramfs_walk(&fs, r, S(de.name), &c), 0);
			remove_all(c);
		}
		assert_int_equal(ramfs_unlink(&fs, r, S(de.name)), 0);
		cookie = 0;
	}
}

static void
test_random_workload(void **state)
{
	static const char *const names[] = { "a", "b", "c", "..", ".", "a/b", "b/c/a", "c/.." };
	static uint8_t data[5000];
	struct ramfs_file files[4];
	uint64_t used, q;

	memset(files, 0, sizeof(files));
	memset(data, 0x5a, sizeof(data));
	for (int i = 0; i < 20000; i++) {
		const char *p = names[rnd() % 8], *p2 = names[rnd() % 8];
		struct ramfs_file *f = &files[rnd() % 4];
		struct ramfs_stat st;

		switch (rnd() % 9) {
		case 0: ramfs_mkdir(&fs, root, S(p)); break;
		case 1: ramfs_open(&fs, root, S(p), (uint32_t)(rnd() % 0x80), f); break;
		case 2: ramfs_write(&fs, f, data, rnd() % sizeof(data)); break;
		case 3: ramfs_read(&fs, f, data, rnd() % sizeof(data)); break;
		case 4: ramfs_seek(&fs, f, (int64_t)(rnd() % 200000), RAMFS_SEEK_SET); break;
		case 5: ramfs_truncate(&fs, f, rnd() % 100000); break;
		case 6: ramfs_unlink(&fs, root, S(p)); break;
		case 7: ramfs_rename(&fs, root, S(p), S(p2)); break;
		default: ramfs_stat(&fs, root, S(p), &st); break;
		}
		ramfs_usage(&fs, &used, &q);
		assert_true(used <= q);
	}
	remove_all(root);
	ramfs_usage(&fs, &used, &q);
	assert_int_equal(used, RAMFS_NODE_COST);
	assert_int_equal(ramfs_zero_queued(&fs, UINT32_MAX), 0);
	for (uint32_t b = 0; b < (fs.nblocks + 7) / 8; b++)
		assert_int_equal(fs.bitmap[b], 0);
}

/*
 * A directory of 1500: the name table finds every entry, removes
 * from the middle keep the order of the rest, and readdir_many lists
 * them in batches in creation order.
 */
static void
test_big_directory(void **state)
{
	static struct ramfs_dirent de[700];
	struct ramfs_ref d;
	struct ramfs_stat st;
	uint32_t cookie = 0, seen = 0;
	char name[64];
	int n;

	assert_int_equal(ramfs_mkdir(&fs, root, S("big")), 0);
	assert_int_equal(ramfs_walk(&fs, root, S("big"), &d), 0);
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "big/f%d", i);
		assert_int_equal(ramfs_mkdir(&fs, root, S(name)), 0);
	}
	for (int i = 0; i < 1500; i += 2) {
		snprintf(name, sizeof(name), "big/f%d", i);
		assert_int_equal(ramfs_unlink(&fs, root, S(name)), 0);
	}
	/* The same name elsewhere is another entry. */
	assert_int_equal(ramfs_mkdir(&fs, root, S("f1")), 0);
	assert_int_equal(ramfs_rename(&fs, root, S("big/f1499"), S("f1499")), 0);
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "big/f%d", i);
		assert_int_equal(ramfs_stat(&fs, root, S(name), &st),
		    i % 2 == 0 || i == 1499 ? RAMFS_ENOENT : 0);
	}
	assert_int_equal(ramfs_stat(&fs, root, S("f1499"), &st), 0);
	while ((n = ramfs_readdir_many(&fs, d, &cookie, de, 700)) > 0) {
		for (int k = 0; k < n; k++) {
			snprintf(name, sizeof(name), "f%u", 2 * (seen + (uint32_t)k) + 1);
			assert_string_equal(de[k].name, name);
		}
		seen += (uint32_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(seen, 749);
	assert_int_equal(cookie, 749);
}

/* Does the arena hold len bytes of pattern anywhere? */
static int
arena_holds(const uint8_t *pattern, size_t len)
{
	const uint8_t *a = (const uint8_t *)arena_words;

	for (size_t i = 0; i + len <= sizeof(arena_words); i++) {
		if (a[i] == pattern[0] && memcmp(a + i, pattern, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * Zero-on-free off the caller's path: a deleted file's blocks wait in the
 * zeroing queue, a later file that takes them sees zeros wherever it did
 * not write (partly written blocks), and once the queue is drained not a
 * byte of the deleted data is left anywhere in the arena.
 */
static void
test_deleted_data(void **state)
{
	static uint8_t secret[64 * RAMFS_BLOCK], back[64 * RAMFS_BLOCK];
	struct ramfs_file f;
	uint8_t mark = 0x5a;

	for (size_t i = 0; i < sizeof(secret); i++)
		secret[i] = (uint8_t)(0x80 | (i * 37 % 127));
	assert_int_equal(ramfs_open(&fs, root, S("secret"), RAMFS_O_WRITE | RAMFS_O_CREATE,
	    &f), 0);
	assert_int_equal(ramfs_write(&fs, &f, secret, sizeof(secret)), (int64_t)sizeof(secret));
	assert_int_equal(ramfs_unlink(&fs, root, S("secret")), 0);
	assert_true(fs.nqueued >= 64);		/* queued, not yet zeroed */
	/* One byte in every block of a new file: each block taken from the queue. */
	assert_int_equal(ramfs_open(&fs, root, S("later"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	for (uint64_t b = 0; b < 64; b++) {
		assert_int_equal(ramfs_seek(&fs, &f, (int64_t)(b * RAMFS_BLOCK + 7),
		    RAMFS_SEEK_SET), (int64_t)(b * RAMFS_BLOCK + 7));
		assert_int_equal(ramfs_write(&fs, &f, &mark, 1), 1);
	}
	assert_int_equal(ramfs_seek(&fs, &f, 0, RAMFS_SEEK_SET), 0);
	assert_int_equal(ramfs_read(&fs, &f, back, sizeof(back)), (int64_t)(63 * RAMFS_BLOCK + 8));
	for (size_t i = 0; i < 63 * RAMFS_BLOCK + 8; i++)
		assert_int_equal(back[i], i % RAMFS_BLOCK == 7 ? mark : 0);
	/* Whole-block writes take queued blocks without zeroing; they overwrite all. */
	assert_int_equal(ramfs_unlink(&fs, root, S("later")), 0);
	assert_int_equal(ramfs_open(&fs, root, S("whole"), RAMFS_O_READ | RAMFS_O_WRITE |
	    RAMFS_O_CREATE, &f), 0);
	memset(back, 0x33, sizeof(back));
	assert_int_equal(ramfs_write(&fs, &f, back, 8 * RAMFS_BLOCK), 8 * RAMFS_BLOCK);
	assert_int_equal(ramfs_unlink(&fs, root, S("whole")), 0);
	/* Drained: nothing of the secret, anywhere. */
	assert_int_equal(ramfs_zero_queued(&fs, 10), fs.nqueued);
	assert_int_equal(ramfs_zero_queued(&fs, UINT32_MAX), 0);
	assert_false(arena_holds(secret, 16));
	assert_false(arena_holds(secret + 30000, 16));
	for (uint32_t b = 0; b < (fs.nblocks + 7) / 8; b++)
		assert_int_equal(fs.bitmap[b], 0);
}

/*
 * An arena mapped as it fills (user/ramfs): the tables come first, and
 * only blocks inside the mapped bytes are handed out; past them a write
 * runs out of space, and once more is ready it goes on where it stopped.
 */
static void
test_ready(void **state)
{
	static char data[8 * RAMFS_BLOCK];
	struct ramfs t;
	struct ramfs_file f;
	size_t tables = ramfs_tables_len(arena_words, sizeof(arena_words));
	int64_t n;

	(void)state;
	memset(arena_words, 0, sizeof(arena_words));
	memset(data, 'r', sizeof(data));
	assert_true(tables > 0 && tables < sizeof(arena_words) / 2);
	assert_int_equal(ramfs_tables_len(arena_words, 64), 0);
	assert_int_equal(ramfs_init(&t, arena_words, sizeof(arena_words), 1u << 20), 0);
	assert_int_equal(t.blocks - (uint8_t *)arena_words, tables);
	assert_int_equal(t.nready, t.nblocks);
	ramfs_set_ready(&t, tables - 1);
	assert_int_equal(t.nready, 0);
	/* Four blocks ready: a write of eight stops after four (files of up
	   to RAMFS_NDIRECT blocks need no index block). */
	ramfs_set_ready(&t, tables + 4 * RAMFS_BLOCK + RAMFS_BLOCK / 2);
	assert_int_equal(t.nready, 4);
	assert_int_equal(ramfs_open(&t, ramfs_root(&t), S("f"),
	    RAMFS_O_WRITE | RAMFS_O_CREATE, &f), 0);
	n = ramfs_write(&t, &f, data, sizeof(data));
	assert_int_equal(n, 4 * RAMFS_BLOCK);
	assert_int_equal(ramfs_write(&t, &f, data, 1), RAMFS_ENOSPC);
	ramfs_set_ready(&t, tables + 6 * RAMFS_BLOCK);
	assert_int_equal(ramfs_write(&t, &f, data, 2 * RAMFS_BLOCK), 2 * RAMFS_BLOCK);
	assert_int_equal(ramfs_write(&t, &f, data, 1), RAMFS_ENOSPC);
	/* More than the arena holds: all of its blocks, no more. */
	ramfs_set_ready(&t, SIZE_MAX);
	assert_int_equal(t.nready, t.nblocks);
	assert_int_equal(ramfs_write(&t, &f, data, 1), 1);
}

static void
test_strerror(void **state)
{
	assert_string_equal(ramfs_strerror(RAMFS_ENOSPC), "ENOSPC");
	assert_string_equal(ramfs_strerror(RAMFS_EBUSY), "EBUSY");
	assert_string_equal(ramfs_strerror(-99), "EUNKNOWN");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_limits),
		cmocka_unit_test(test_ready),
		cmocka_unit_test_setup(test_files, setup),
		cmocka_unit_test_setup(test_extents, setup),
		cmocka_unit_test_setup(test_write_extents, setup),
		cmocka_unit_test_setup(test_truncate, setup),
		cmocka_unit_test_setup(test_directories, setup),
		cmocka_unit_test_setup(test_rename, setup),
		cmocka_unit_test_setup(test_confinement, setup),
		cmocka_unit_test_setup(test_stale, setup),
		cmocka_unit_test_setup(test_names_and_depth, setup),
		cmocka_unit_test_setup(test_quota, setup),
		cmocka_unit_test_setup(test_large_file, setup),
		cmocka_unit_test_setup(test_random_workload, setup),
		cmocka_unit_test_setup(test_deleted_data, setup),
		cmocka_unit_test_setup(test_big_directory, setup),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
