/*
 * Tests of lib/store, the persistence partition: round trips, the
 * fallback to the older copy when the newest is damaged, and power cuts.
 * The device below records every write and flush of a save; a power cut
 * is replayed by applying the writes of every completed flush epoch and
 * then any subset of the unflushed writes, each possibly torn at a 512-byte
 * sector, which is what a disk with a volatile cache may leave behind.
 * After every such cut the partition must give the new generation or the
 * one before it, with exactly the bytes that were saved.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/store/store.h"

#define PART	(64 * 4096)	/* two heads and two 124 KiB slots */
#define MAXOPS	256

struct op {
	uint64_t off;
	size_t len;		/* 0: a flush */
	uint8_t *data;
};

struct dev {
	uint8_t disk[PART];
	struct op ops[MAXOPS];
	int nops;
	int record;
	int fail_at;		/* the op index that fails (-1: none) */
};

static int
dread(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct dev *d = ctx;

	if (off > PART || len > PART - off)
		return -1;
	memcpy(buf, d->disk + off, len);
	return 0;
}

static int
log_op(struct dev *d, uint64_t off, const void *buf, size_t len)
{
	struct op *o;

	if (d->fail_at == d->nops)
		return -1;
	assert_true(d->nops < MAXOPS);
	o = &d->ops[d->nops++];
	o->off = off;
	o->len = len;
	o->data = NULL;
	if (len > 0) {
		o->data = malloc(len);
		assert_non_null(o->data);
		memcpy(o->data, buf, len);
	}
	return 0;
}

static int
dwrite(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct dev *d = ctx;

	assert_true(len > 0 && off <= PART && len <= PART - off);
	if (log_op(d, off, buf, len) != 0)
		return -1;
	memcpy(d->disk + off, buf, len);
	return 0;
}

static int
dflush(void *ctx)
{
	return log_op(ctx, 0, NULL, 0);
}

static void
clear_log(struct dev *d)
{
	for (int i = 0; i < d->nops; i++)
		free(d->ops[i].data);
	d->nops = 0;
	d->fail_at = -1;
}

static struct store_dev
sdev(struct dev *d)
{
	struct store_dev s = { dread, dwrite, dflush, d, PART };

	return s;
}

/* Saves len bytes of a pattern for generation seed; the writer's result. */
static int
save(struct dev *d, uint8_t seed, size_t len, uint64_t floor, uint64_t *gen)
{
	struct store_dev s = sdev(d);
	struct store_scan sc;
	struct store_writer w;
	uint8_t buf[1000];
	int err;

	assert_int_equal(store_scan(&s, &sc), STORE_OK);
	if ((err = store_begin(&w, &s, &sc, floor)) != STORE_OK)
		return err;
	for (size_t done = 0; done < len; ) {
		size_t n = len - done < sizeof buf ? len - done : sizeof buf;

		for (size_t i = 0; i < n; i++)
			buf[i] = (uint8_t)(seed * 31 + (done + i) * 7 + (done + i) / 251);
		if ((err = store_write(&w, buf, n)) != STORE_OK)
			return err;
		done += n;
	}
	if (gen != NULL)
		*gen = w.head.generation;
	return store_finish(&w);
}

/* Checks that h holds the pattern save() wrote for seed. */
static void
check_content(struct dev *d, const struct store_head *h, uint8_t seed, size_t len)
{
	struct store_dev s = sdev(d);
	uint8_t *buf = malloc(len + 1);

	assert_non_null(buf);
	assert_int_equal(h->length, len);
	assert_int_equal(store_read_vault(&s, h, 0, buf, len), STORE_OK);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(buf[i], (uint8_t)(seed * 31 + i * 7 + i / 251));
	assert_int_equal(store_read_vault(&s, h, 0, buf, len + 1), STORE_EIO);
	free(buf);
}

static void
scan(struct dev *d, struct store_scan *sc)
{
	struct store_dev s = sdev(d);

	assert_int_equal(store_scan(&s, sc), STORE_OK);
}

static void
test_empty_and_round_trip(void **state)
{
	static struct dev d;
	struct store_scan sc;
	uint64_t g;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	scan(&d, &sc);
	assert_int_equal(sc.best.generation, 0);
	assert_int_equal(sc.damaged, 0);
	/* Empty, one byte, exactly a block, several blocks and a tail. */
	size_t sizes[] = { 0, 1, 4096, 3 * 4096 + 17, store_slot_bytes(PART) };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		assert_int_equal(save(&d, (uint8_t)i, sizes[i], 0, &g), STORE_OK);
		assert_int_equal(g, i + 1);
		scan(&d, &sc);
		assert_int_equal(sc.best.generation, i + 1);
		check_content(&d, &sc.best, (uint8_t)i, sizes[i]);
		if (i > 0) {
			assert_int_equal(sc.older.generation, i);
			check_content(&d, &sc.older, (uint8_t)(i - 1), sizes[i - 1]);
		}
	}
	clear_log(&d);
}

static void
test_too_big_changes_nothing(void **state)
{
	static struct dev d, before;
	struct store_scan sc;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 5000, 0, NULL), STORE_OK);
	memcpy(&before, &d, sizeof d);
	clear_log(&d);
	assert_int_equal(save(&d, 2, store_slot_bytes(PART) + 1, 0, NULL), STORE_ESPACE);
	/* The slot may hold the failed attempt's blocks, but no head moved. */
	scan(&d, &sc);
	assert_int_equal(sc.best.generation, 1);
	check_content(&d, &sc.best, 1, 5000);
	assert_memory_equal(d.disk, before.disk, 2 * STORE_BLOCK);
	clear_log(&d);
}

static void
test_floor_skips_generations(void **state)
{
	static struct dev d;
	struct store_scan sc;
	uint64_t g;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 100, 0, &g), STORE_OK);
	assert_int_equal(g, 1);
	/* A floor above the disk's newest: the next one is above the floor, in the other slot. */
	assert_int_equal(save(&d, 2, 100, 6, &g), STORE_OK);
	assert_int_equal(g, 8);
	scan(&d, &sc);
	assert_int_equal(sc.best.generation, 8);
	assert_int_equal(sc.older.generation, 1);
	assert_true(sc.best.slot != sc.older.slot);
	clear_log(&d);
}

/* Flips one byte at off and checks which generation survives. */
static void
flip_expect(const struct dev *orig, uint64_t off, uint64_t want_best, unsigned damaged)
{
	static struct dev d;
	struct store_scan sc;

	memcpy(&d, orig, sizeof d);
	d.disk[off] ^= 0x40;
	scan(&d, &sc);
	assert_int_equal(sc.best.generation, want_best);
	assert_int_equal(sc.damaged, damaged);
}

static void
test_damage_falls_back(void **state)
{
	static struct dev d;
	struct store_scan sc;
	uint64_t s0 = store_slot_offset(PART, 0), s1 = store_slot_offset(PART, 1);

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 9000, 0, NULL), STORE_OK);	/* gen 1: slot 1 */
	assert_int_equal(save(&d, 2, 7000, 0, NULL), STORE_OK);	/* gen 2: slot 0 */
	scan(&d, &sc);
	assert_int_equal(sc.best.slot, 0);
	/* Newest head, newest data, its head hash: the older copy wins. */
	flip_expect(&d, 20, 1, 1);
	flip_expect(&d, 100, 1, 1);
	flip_expect(&d, 4000, 1, 1);
	flip_expect(&d, s0 + 6999, 1, 1);
	/* The older copy damaged: the newest stays. */
	flip_expect(&d, 4096 + 30, 2, 2);
	flip_expect(&d, s1, 2, 2);
	/* Padding after the data is not part of the vault. */
	flip_expect(&d, s0 + 7000, 2, 0);
	clear_log(&d);
}

/* Applies ops [0, n) to disk, the last one torn to its first `keep` sectors. */
static void
apply(uint8_t *disk, const struct op *ops, int n, size_t keep_last)
{
	for (int i = 0; i < n; i++) {
		size_t len = ops[i].len;

		if (len == 0)
			continue;
		if (i == n - 1 && keep_last < len)
			len = keep_last;
		memcpy(disk + ops[i].off, ops[i].data, len);
	}
}

static void
expect_n_or_before(struct dev *d, uint64_t n, uint8_t seed_n, size_t len_n,
    uint8_t seed_old, size_t len_old)
{
	struct store_scan sc;

	scan(d, &sc);
	if (sc.best.generation == n)
		check_content(d, &sc.best, seed_n, len_n);
	else {
		assert_int_equal(sc.best.generation, n - 1);
		check_content(d, &sc.best, seed_old, len_old);
	}
}

static void
test_power_cut_every_prefix(void **state)
{
	static struct dev d, base, cut;
	int cuts = 0;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 30000, 0, NULL), STORE_OK);
	assert_int_equal(save(&d, 2, 20000, 0, NULL), STORE_OK);
	clear_log(&d);
	memcpy(&base, &d, sizeof d);
	assert_int_equal(save(&d, 3, 25000, 0, NULL), STORE_OK);
	/* Every prefix of the writes, the last one torn at each sector boundary. */
	for (int n = 0; n <= d.nops; n++) {
		size_t last = n > 0 ? d.ops[n - 1].len : 0;

		for (size_t keep = 0; keep <= last; keep += 512) {
			memcpy(cut.disk, base.disk, PART);
			apply(cut.disk, d.ops, n, keep);
			expect_n_or_before(&cut, 3, 3, 25000, 2, 20000);
			cuts++;
			if (last == 0)
				break;
		}
	}
	assert_true(cuts > 50);
	clear_log(&d);
}

static void
test_power_cut_reordered(void **state)
{
	static struct dev d, base, cut;
	uint32_t rng = 12345;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 12000, 0, NULL), STORE_OK);
	clear_log(&d);
	memcpy(&base, &d, sizeof d);
	assert_int_equal(save(&d, 2, 30000, 0, NULL), STORE_OK);
	/*
	 * Cut inside each flush epoch: the epochs before it land whole, the
	 * cut one lands as a random subset in a random order, each write
	 * possibly torn.
	 */
	for (int trial = 0; trial < 400; trial++) {
		int start = 0, epoch = 0, want_epoch;
		int flushes = 0;

		for (int i = 0; i < d.nops; i++)
			flushes += d.ops[i].len == 0;
		rng = rng * 1103515245 + 12345;
		want_epoch = (int)(rng >> 8) % (flushes + 1);
		memcpy(cut.disk, base.disk, PART);
		for (int i = 0; i <= d.nops; i++) {
			if (i < d.nops && d.ops[i].len != 0)
				continue;
			if (epoch < want_epoch) {
				apply(cut.disk, d.ops + start, i - start, SIZE_MAX);
			} else {
				for (int k = start; k < i; k++) {
					rng = rng * 1103515245 + 12345;
					if ((rng >> 16) & 1)
						apply(cut.disk, d.ops + k, 1,
						    ((rng >> 4) % 9) * 512);
				}
				break;
			}
			epoch++;
			start = i + 1;
		}
		expect_n_or_before(&cut, 2, 2, 30000, 1, 12000);
	}
	clear_log(&d);
}

static void
test_io_errors_keep_old(void **state)
{
	static struct dev d, base;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	assert_int_equal(save(&d, 1, 10000, 0, NULL), STORE_OK);
	clear_log(&d);
	memcpy(&base, &d, sizeof d);
	/* Count the ops of a save, then fail each one in turn. */
	assert_int_equal(save(&d, 2, 10000, 0, NULL), STORE_OK);
	int total = d.nops;
	clear_log(&d);
	for (int k = 0; k < total; k++) {
		struct store_scan sc;

		memcpy(d.disk, base.disk, PART);
		d.fail_at = k;
		assert_int_equal(save(&d, 2, 10000, 0, NULL), STORE_EIO);
		clear_log(&d);
		scan(&d, &sc);
		/*
		 * The last op is the flush after the head: when it fails the
		 * head may or may not be on the disk, and either is whole.
		 */
		if (k == total - 1 && sc.best.generation == 2) {
			check_content(&d, &sc.best, 2, 10000);
			continue;
		}
		assert_int_equal(sc.best.generation, 1);
		check_content(&d, &sc.best, 1, 10000);
	}
}

static void
test_hostile_heads(void **state)
{
	static struct dev d;
	struct store_scan sc;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	/* A head of another layout, garbage, and a too-small partition. */
	memset(d.disk, 0xff, 4096);
	memcpy(d.disk + 4096, "NONOSPST", 8);
	scan(&d, &sc);
	assert_int_equal(sc.best.generation, 0);
	assert_int_equal(sc.damaged, 3);
	struct store_dev small = sdev(&d);
	small.size = STORE_MIN - 1;
	assert_int_equal(store_scan(&small, &sc), STORE_ESMALL);
	assert_string_equal(store_strerror(STORE_ESPACE),
	    "the vault does not fit in the persistence partition");
}

/*
 * The fuzzer's seed, written by tests/fuzz/seeds.py from the layout in
 * docs/vault-format.md with Debian's b3sum: an independent encoder.
 */
static void
test_python_layout(void **state)
{
	static struct dev d;
	struct store_scan sc;
	struct store_dev s;
	uint8_t buf[64];
	FILE *f;

	(void)state;
	memset(&d, 0, sizeof d);
	d.fail_at = -1;
	f = fopen("tests/fuzz/corpus/fuzz_store/two", "rb");
	assert_non_null(f);
	assert_int_equal(fread(d.disk, 1, PART, f), 16384);
	fclose(f);
	s = sdev(&d);
	s.size = 16384;
	assert_int_equal(store_scan(&s, &sc), STORE_OK);
	assert_int_equal(sc.best.generation, 2);
	assert_int_equal(sc.older.generation, 1);
	assert_int_equal(sc.damaged, 0);
	assert_int_equal(store_read_vault(&s, &sc.best, 0, buf, sc.best.length), STORE_OK);
	assert_memory_equal(buf, "second, newer vault", 19);
	assert_int_equal(store_read_vault(&s, &sc.older, 0, buf, sc.older.length), STORE_OK);
	assert_memory_equal(buf, "first vault bytes", 17);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_round_trip),
		cmocka_unit_test(test_too_big_changes_nothing),
		cmocka_unit_test(test_floor_skips_generations),
		cmocka_unit_test(test_damage_falls_back),
		cmocka_unit_test(test_power_cut_every_prefix),
		cmocka_unit_test(test_power_cut_reordered),
		cmocka_unit_test(test_io_errors_keep_old),
		cmocka_unit_test(test_hostile_heads),
		cmocka_unit_test(test_python_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
