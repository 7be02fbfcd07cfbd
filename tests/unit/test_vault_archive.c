/*
 * Tests of the vault payload layers: the archive (encoding, a parser fed
 * in every split, path rules that keep extraction inside the target), the
 * LZ4 block packing, and a vault whose archive tries to escape.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/path/path.h"
#include "lib/vault/archive.h"
#include "lib/vault/bytes.h"
#include "lib/vault/membuf.h"
#include "lib/vault/pack.h"
#include "lib/vault/vault.h"

/* What the parser reported, as text: "F0644 a/b 5:hello|D0755 a|END". */
struct log {
	char text[4096];
	size_t len;
};

static void
logf_(struct log *l, const char *s, size_t n)
{
	assert_true(l->len + n < sizeof l->text);
	memcpy(l->text + l->len, s, n);
	l->len += n;
	l->text[l->len] = '\0';
}

static int
on_entry(void *ctx, const struct archive_entry *e)
{
	char buf[PATH_MAX_LEN + 64];
	int n = snprintf(buf, sizeof buf, "%c%04o %s %llu:",
	    e->type == ARCHIVE_DIR ? 'D' : 'F', e->mode, e->path,
	    (unsigned long long)e->size);

	logf_(ctx, buf, (size_t)n);
	return 0;
}

static int
on_data(void *ctx, const uint8_t *buf, size_t len)
{
	logf_(ctx, (const char *)buf, len);
	return 0;
}

static int
on_end(void *ctx)
{
	logf_(ctx, "|END", 4);
	return 0;
}

/* Parses buf[0..len) fed in pieces of step bytes; returns the error. */
static int
parse(const uint8_t *buf, size_t len, size_t step, struct log *l)
{
	struct archive_ops ops = { on_entry, on_data, on_end, l };
	struct archive_parser p;
	int r;

	memset(l, 0, sizeof *l);
	archive_parser_init(&p, &ops);
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		if ((r = archive_feed(&p, buf + off, n)) != VAULT_OK)
			return r;
	}
	return archive_finish(&p);
}

static size_t
sample(uint8_t *buf)
{
	size_t n = 0;

	n += archive_encode_entry(buf + n, 100, ARCHIVE_DIR, 0755, "a", 0);
	n += archive_encode_entry(buf + n, 100, ARCHIVE_FILE, 0644, "a/b", 5);
	memcpy(buf + n, "hello", 5);
	n += 5;
	n += archive_encode_entry(buf + n, 100, ARCHIVE_FILE, 0600, "empty", 0);
	buf[n++] = ARCHIVE_END;
	return n;
}

static void
test_archive_round_trip_every_split(void **state)
{
	uint8_t buf[512];
	struct log l;
	size_t n = sample(buf);

	(void)state;
	for (size_t step = 1; step <= n; step++) {
		assert_int_equal(parse(buf, n, step, &l), VAULT_OK);
		assert_string_equal(l.text,
		    "D0755 a 0:F0644 a/b 5:helloF0600 empty 0:|END");
	}
}

static void
test_archive_structure_errors(void **state)
{
	uint8_t buf[512];
	struct log l;
	size_t n = sample(buf);

	(void)state;
	/* Missing end marker, cut anywhere. */
	for (size_t len = 0; len < n; len++)
		assert_int_equal(parse(buf, len, 3, &l), VAULT_EARCHIVE);
	/* Bytes after the end. */
	buf[n] = 0;
	assert_int_equal(parse(buf, n + 1, 1, &l), VAULT_EARCHIVE);
	/* Unknown type, mode with set-id bits, directory with data. */
	buf[0] = 3;
	assert_int_equal(parse(buf, n, 7, &l), VAULT_EARCHIVE);
	buf[0] = ARCHIVE_DIR;
	put16(buf + 1, 04755);
	assert_int_equal(parse(buf, n, 7, &l), VAULT_EARCHIVE);
	put16(buf + 1, 0755);
	buf[5 + 1 + 7] = 1;	/* the directory's size */
	assert_int_equal(parse(buf, n, 7, &l), VAULT_EARCHIVE);
	/* The encoder refuses the same things. */
	assert_int_equal(archive_encode_entry(buf, 100, ARCHIVE_DIR, 0755, "d",
	    1), 0);
	assert_int_equal(archive_encode_entry(buf, 100, ARCHIVE_FILE, 01777,
	    "f", 1), 0);
	assert_int_equal(archive_encode_entry(buf, 100, 7, 0644, "f", 1), 0);
	assert_int_equal(archive_encode_entry(buf, 5, ARCHIVE_FILE, 0644, "f",
	    1), 0);
}

static void
test_path_rules(void **state)
{
	static const char *const bad[] = { "..", ".", "../x", "a/../b", "a/..",
	    "/etc/passwd", "/", "a//b", "a/", "a/./b", "./a", "" };
	static const char *const good[] = { "a", "a/b/c", "...", "..a", "a..",
	    ".hidden", "a b", "x/.y" };
	char longc[300], longp[PATH_MAX_LEN + 2];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(path_is_safe(bad[i], strlen(bad[i])));
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_true(path_is_safe(good[i], strlen(good[i])));
	assert_false(path_is_safe("a\0b", 3));
	memset(longc, 'c', sizeof longc);
	assert_true(path_is_safe(longc, PATH_MAX_COMPONENT));
	assert_false(path_is_safe(longc, PATH_MAX_COMPONENT + 1));
	for (size_t i = 0; i < sizeof longp; i++)
		longp[i] = i % 100 == 99 ? '/' : 'p';
	assert_true(path_is_safe(longp, PATH_MAX_LEN));
	assert_false(path_is_safe(longp, PATH_MAX_LEN + 1));
}

/* Raw archive entries with paths the encoder would refuse. */
static size_t
raw_entry(uint8_t *buf, const char *path, size_t pathlen)
{
	buf[0] = ARCHIVE_FILE;
	put16(buf + 1, 0644);
	put16(buf + 3, (uint16_t)pathlen);
	memcpy(buf + 5, path, pathlen);
	put64(buf + 5 + pathlen, 0);
	buf[13 + pathlen] = ARCHIVE_END;
	return 14 + pathlen;
}

static void
test_parser_refuses_escapes(void **state)
{
	static const char *const bad[] = { "../../etc/passwd", "/etc/shadow",
	    "a/../../b", "..", "a//b" };
	uint8_t buf[128];
	struct log l;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t n = raw_entry(buf, bad[i], strlen(bad[i]));
		assert_int_equal(parse(buf, n, 2, &l), VAULT_EPATH);
		/* Refused before any callback saw it. */
		assert_int_equal(l.len, 0);
	}
	assert_int_equal(parse(buf, raw_entry(buf, "a\0b", 3), 64, &l),
	    VAULT_EPATH);
	buf[0] = ARCHIVE_FILE;
	put16(buf + 1, 0644);
	put16(buf + 3, 0);
	assert_int_equal(parse(buf, 5, 1, &l), VAULT_EPATH);
}

/* A whole vault (unlocked with the passphrase) whose archive escapes. */
static int
archive_sink(void *ctx, const void *buf, size_t len)
{
	return archive_feed(ctx, buf, len);
}

static void
test_vault_with_escaping_path(void **state)
{
	struct vault_lock lock = { .pass = "p", .passlen = 1, .kdf_t = 1,
	    .kdf_m = 8, .compress = VAULT_COMP_LZ4 };
	struct vault_unlock u = { .pass = "p", .passlen = 1 };
	struct vault_membuf m;
	struct vault_sink sink, payload;
	struct vault_src src;
	struct vault_writer *w;
	struct vault_reader *r;
	struct archive_parser p;
	struct log l = { 0 };
	struct archive_ops ops = { on_entry, on_data, on_end, &l };
	uint8_t buf[64];
	size_t n = raw_entry(buf, "../escape", 9);

	(void)state;
	vault_mem_sink(&sink, &m, 1 << 20);
	assert_int_equal(vault_create(&w, &lock, &sink), VAULT_OK);
	assert_int_equal(vault_write(w, buf, n), VAULT_OK);
	assert_int_equal(vault_finish(w), VAULT_OK);
	vault_writer_free(w);
	vault_mem_src(&src, &m);
	assert_int_equal(vault_open(&r, &src, &u), VAULT_OK);
	archive_parser_init(&p, &ops);
	payload.write = archive_sink;
	payload.ctx = &p;
	assert_int_equal(vault_read(r, &payload, NULL, NULL), VAULT_EPATH);
	assert_int_equal(l.len, 0);
	vault_close(r);
	vault_membuf_free(&m);
}

struct collect {
	uint8_t *buf;
	size_t len;
};

static int
collect(void *ctx, const uint8_t *buf, size_t len)
{
	struct collect *c = ctx;

	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return 0;
}

static void
test_pack_round_trip_and_damage(void **state)
{
	static struct vault_packer pk;
	static struct vault_unpacker up;
	struct collect packed = {malloc(400000), 0}, out = {malloc(400000), 0};
	uint8_t *data = malloc(300000);
	uint32_t x = 2463534242u;

	(void)state;
	for (size_t i = 0; i < 300000; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = i < 150000 ? (uint8_t)x : "ab"[i % 2];
	}
	vault_pack_init(&pk, VAULT_COMP_LZ4, collect, &packed);
	assert_int_equal(vault_pack_write(&pk, data, 300000), VAULT_OK);
	assert_int_equal(vault_pack_finish(&pk), VAULT_OK);
	assert_true(packed.len < 300000);
	/* The first block is noise: stored raw. */
	assert_true(be32(packed.buf) & VAULT_BLOCK_RAW);
	for (size_t step = 1000; step < 400000; step += 99999) {
		out.len = 0;
		vault_unpack_init(&up, VAULT_COMP_LZ4, collect, &out);
		for (size_t off = 0; off < packed.len; off += step) {
			size_t n =
			    packed.len - off < step ? packed.len - off : step;
			assert_int_equal(vault_unpack_feed(&up, packed.buf +
			    off, n), VAULT_OK);
		}
		assert_int_equal(vault_unpack_finish(&up), VAULT_OK);
		assert_int_equal(out.len, 300000);
		assert_memory_equal(out.buf, data, 300000);
	}
	/* Cut inside a block. */
	vault_unpack_init(&up, VAULT_COMP_LZ4, collect, (out.len = 0, &out));
	assert_int_equal(vault_unpack_feed(&up, packed.buf, packed.len - 1),
	    VAULT_OK);
	assert_int_equal(vault_unpack_finish(&up), VAULT_ECOMPRESS);
	/* A zero-length block, an oversized one, damaged LZ4 data. */
	static const uint8_t zero[4] = { 0, 0, 0, 0 };
	static const uint8_t huge[4] = { 0x80, 0x01, 0x00, 0x01 };
	static const uint8_t junk[8] = { 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff };
	vault_unpack_init(&up, VAULT_COMP_LZ4, collect, (out.len = 0, &out));
	assert_int_equal(vault_unpack_feed(&up, zero, 4), VAULT_ECOMPRESS);
	vault_unpack_init(&up, VAULT_COMP_LZ4, collect, (out.len = 0, &out));
	assert_int_equal(vault_unpack_feed(&up, huge, 4), VAULT_ECOMPRESS);
	vault_unpack_init(&up, VAULT_COMP_LZ4, collect, (out.len = 0, &out));
	assert_int_equal(vault_unpack_feed(&up, junk, 8), VAULT_ECOMPRESS);
	free(packed.buf);
	free(out.buf);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_archive_round_trip_every_split),
		cmocka_unit_test(test_archive_structure_errors),
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_parser_refuses_escapes),
		cmocka_unit_test(test_vault_with_escaping_path),
		cmocka_unit_test(test_pack_round_trip_and_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
