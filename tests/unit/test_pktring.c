/*
 * Host tests for lib/pktring: frames in order, full and empty rings,
 * length limits, the counters' wrap, a hostile peer writing bad head,
 * tail, length and flags (each counted and never followed), and two
 * threads moving a million frames through one ring.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/pktring/pktring.h"

#define WRAP	(PKT_SLOTS * 0x8000000u)	/* pktring.c's counter modulus */

static uint8_t *region;
static struct pkt_ring prod, cons;

static uint32_t *
head(void)
{
	return (uint32_t *)(void *)region;
}

static uint32_t *
tail(void)
{
	return (uint32_t *)(void *)(region + 64);
}

static uint8_t *
slot_at(uint32_t counter)
{
	return region + 4096 + (counter % PKT_SLOTS) * PKT_SLOT;
}

static int
setup(void **state)
{
	region = aligned_alloc(4096, PKT_RING_BYTES);
	assert_non_null(region);
	memset(region, 0xa5, PKT_RING_BYTES);	/* init must not rely on zeroes */
	pkt_ring_init(&prod, region);
	pkt_ring_attach(&cons, region);
	return 0;
}

static int
teardown(void **state)
{
	free(region);
	return 0;
}

/* A frame of len bytes whose contents depend on seq. */
static void
fill(uint8_t *f, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
	memcpy(f, &seq, sizeof(seq));
}

static void
put_one(uint32_t len, uint32_t seq)
{
	uint8_t f[PKT_MAX];

	fill(f, len, seq);
	assert_int_equal(pkt_put(&prod, f, len), 0);
}

static void
get_one(uint32_t len, uint32_t seq)
{
	uint8_t f[PKT_MAX], want[PKT_MAX];

	fill(want, len, seq);
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), (int)len);
	assert_memory_equal(f, want, len);
}

static void
test_empty(void **state)
{
	uint8_t f[PKT_MAX];

	assert_int_equal(pkt_pending(&cons), 0);
	assert_int_equal(pkt_space(&prod), PKT_SLOTS);
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), 0);
	assert_int_equal(cons.bad, 0);
}

static void
test_fifo(void **state)
{
	for (uint32_t i = 0; i < 10; i++)
		put_one(PKT_MIN + i * 100, i);
	assert_int_equal(pkt_pending(&cons), 10);
	assert_int_equal(pkt_space(&prod), PKT_SLOTS - 10);
	for (uint32_t i = 0; i < 10; i++)
		get_one(PKT_MIN + i * 100, i);
	assert_int_equal(pkt_pending(&cons), 0);
	assert_int_equal(pkt_space(&prod), PKT_SLOTS);
}

static void
test_full(void **state)
{
	uint8_t f[PKT_MAX] = { 0 };

	for (uint32_t i = 0; i < PKT_SLOTS; i++)
		put_one(PKT_MAX, i);
	assert_int_equal(pkt_space(&prod), 0);
	assert_int_equal(pkt_put(&prod, f, 60), -1);
	assert_int_equal(pkt_pending(&cons), PKT_SLOTS);
	get_one(PKT_MAX, 0);
	assert_int_equal(pkt_space(&prod), 1);
	put_one(60, 99);
	for (uint32_t i = 1; i < PKT_SLOTS; i++)
		get_one(PKT_MAX, i);
	get_one(60, 99);
	assert_int_equal(prod.bad + cons.bad, 0);
}

static void
test_lengths(void **state)
{
	uint8_t f[PKT_MAX + 1] = { 0 };

	assert_int_equal(pkt_put(&prod, f, 0), -1);
	assert_int_equal(pkt_put(&prod, f, PKT_MIN - 1), -1);
	assert_int_equal(pkt_put(&prod, f, PKT_MAX + 1), -1);
	assert_int_equal(pkt_pending(&cons), 0);
	put_one(PKT_MIN, 1);
	put_one(PKT_MAX, 2);
	get_one(PKT_MIN, 1);
	get_one(PKT_MAX, 2);
}

/* A frame longer than the caller's buffer is dropped, not truncated, and
   not written past cap. */
static void
test_small_buffer(void **state)
{
	uint8_t *small = malloc(100);

	put_one(200, 1);
	put_one(80, 2);
	assert_int_equal(pkt_get(&cons, small, 100), -1);
	assert_int_equal(cons.bad, 0);	/* the peer did nothing wrong */
	assert_int_equal(pkt_get(&cons, small, 100), 80);
	free(small);
}

/* Around the counters' wrap every frame still comes out in order. */
static void
test_wrap(void **state)
{
	*head() = WRAP - 5;
	*tail() = WRAP - 5;
	for (uint32_t round = 0; round < 4; round++) {
		for (uint32_t i = 0; i < PKT_SLOTS; i++)
			put_one(64 + i, round * 100 + i);
		assert_int_equal(pkt_space(&prod), 0);
		for (uint32_t i = 0; i < PKT_SLOTS; i++)
			get_one(64 + i, round * 100 + i);
	}
	assert_true(*head() < 200);
	assert_int_equal(*head(), *tail());
	assert_int_equal(prod.bad + cons.bad, 0);
}

/* The producer claims more than PKT_SLOTS frames: the consumer drops them
   all, counts it, and the ring works again from the next frame. */
static void
test_hostile_head_ahead(void **state)
{
	uint8_t f[PKT_MAX];

	put_one(60, 1);
	*head() = *tail() + PKT_SLOTS + 1;
	assert_int_equal(pkt_pending(&cons), PKT_SLOTS);
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), -1);
	assert_int_equal(cons.bad, 1);
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), 0);
	put_one(70, 2);
	get_one(70, 2);
}

/* A head beyond the counters' range is reported on every call and never
   used as an index; a sane head afterwards works again. */
static void
test_hostile_head_range(void **state)
{
	uint8_t f[PKT_MAX];
	uint32_t bad_heads[] = { WRAP, WRAP + 1, 0xffffffffu, 0x80000000u + WRAP / 2 };

	for (size_t i = 0; i < sizeof(bad_heads) / sizeof(bad_heads[0]); i++) {
		*head() = bad_heads[i];
		assert_int_equal(pkt_pending(&cons), 0);
		assert_int_equal(pkt_get(&cons, f, sizeof(f)), -1);
		assert_int_equal(*tail(), 0);
	}
	assert_int_equal(cons.bad, 4);
	*head() = 0;
	put_one(60, 3);
	get_one(60, 3);
}

/* The producer rewrites a published slot's length or flags. */
static void
test_hostile_slot(void **state)
{
	uint8_t f[PKT_MAX];
	uint16_t lens[] = { 0, PKT_MIN - 1, PKT_MAX + 1, 0xffff, PKT_SLOT };

	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		put_one(60, (uint32_t)i);
		memcpy(slot_at(*head() - 1), &lens[i], 2);
		assert_int_equal(pkt_get(&cons, f, sizeof(f)), -1);
	}
	put_one(60, 9);
	slot_at(*head() - 1)[2] = 1;	/* flags must be 0 */
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), -1);
	assert_int_equal(cons.bad, 6);
	put_one(61, 10);
	get_one(61, 10);
}

/* The consumer writes a tail the producer cannot follow: ahead of head,
   too far behind, or out of range. The producer refuses to write. */
static void
test_hostile_tail(void **state)
{
	uint8_t f[PKT_MAX] = { 0 };
	/* head will be 2: ahead of it, 31 behind it, out of range */
	uint32_t bad_tails[] = { 3, 5, WRAP - PKT_SLOTS + 1, WRAP, 0xffffffffu };

	put_one(60, 1);
	put_one(60, 2);
	for (size_t i = 0; i < sizeof(bad_tails) / sizeof(bad_tails[0]); i++) {
		*tail() = bad_tails[i];
		assert_int_equal(pkt_space(&prod), 0);
		assert_int_equal(pkt_put(&prod, f, 60), -1);
		assert_int_equal(*head(), 2);
	}
	assert_int_equal(prod.bad, 5);
	*tail() = 2;
	assert_int_equal(pkt_space(&prod), PKT_SLOTS);
	put_one(60, 3);
	get_one(60, 3);
}

/* The consumer's own tail, rewritten by a hostile producer, is caught. */
static void
test_hostile_tail_seen_by_consumer(void **state)
{
	uint8_t f[PKT_MAX];

	put_one(60, 1);
	*tail() = WRAP + 3;
	assert_int_equal(pkt_pending(&cons), 0);
	assert_int_equal(pkt_get(&cons, f, sizeof(f)), -1);
	assert_int_equal(*tail(), *head());	/* resynchronised */
	assert_int_equal(cons.bad, 1);
	put_one(62, 2);
	get_one(62, 2);
}

/* --- Two threads ------------------------------------------------------------ */

#define STRESS_FRAMES 1000000u

static void *
producer(void *arg)
{
	uint8_t f[PKT_MAX];

	for (uint32_t seq = 0; seq < STRESS_FRAMES; ) {
		uint32_t len = PKT_MIN + seq % (PKT_MAX - PKT_MIN + 1);

		fill(f, len, seq);
		if (pkt_put(&prod, f, len) == 0)
			seq++;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	pthread_t t;
	uint8_t f[PKT_MAX];
	uint32_t seq = 0, mismatches = 0;

	*head() = WRAP - 1000;	/* cross the wrap during the run */
	*tail() = WRAP - 1000;
	assert_int_equal(pthread_create(&t, NULL, producer, NULL), 0);
	while (seq < STRESS_FRAMES) {
		int n = pkt_get(&cons, f, sizeof(f));
		uint32_t len = PKT_MIN + seq % (PKT_MAX - PKT_MIN + 1), got;

		if (n == 0)
			continue;
		memcpy(&got, f, sizeof(got));
		if (n != (int)len || got != seq || f[len - 1] != (uint8_t)(seq * 7 + len - 1))
			mismatches++;
		seq++;
	}
	pthread_join(t, NULL);
	assert_int_equal(mismatches, 0);
	assert_int_equal(prod.bad + cons.bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lengths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_small_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_head_ahead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_head_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_tail_seen_by_consumer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
