/*
 * Host tests for the physical frame allocator: allocation order, freeing,
 * exhaustion, double-free and range detection, reserved ranges and
 * aligned contiguous runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "lib/frame/frame.h"

#define FIRST 256
#define COUNT 1000

static uint64_t bitmap[(COUNT + 63) / 64];

static void
setup_all_free(struct frame_alloc *fa)
{
	frame_init(fa, bitmap, FIRST, COUNT);
	frame_add_free(fa, FIRST, COUNT);
}

static void
test_init_all_used(void **state)
{
	struct frame_alloc fa;

	frame_init(&fa, bitmap, FIRST, COUNT);
	assert_int_equal(fa.free, 0);
	assert_int_equal(frame_alloc(&fa), FRAME_NONE);
}

static void
test_alloc_until_exhausted(void **state)
{
	struct frame_alloc fa;
	static uint8_t seen[COUNT];
	uint64_t pfn;

	setup_all_free(&fa);
	for (int i = 0; i < COUNT; i++) {
		pfn = frame_alloc(&fa);
		assert_true(pfn >= FIRST && pfn < FIRST + COUNT);
		assert_int_equal(seen[pfn - FIRST], 0);
		seen[pfn - FIRST] = 1;
	}
	assert_int_equal(fa.free, 0);
	assert_int_equal(frame_alloc(&fa), FRAME_NONE);
	assert_int_equal(frame_free(&fa, FIRST + 500), FRAME_OK);
	assert_int_equal(frame_alloc(&fa), FIRST + 500);
}

static void
test_double_free_detected(void **state)
{
	struct frame_alloc fa;
	uint64_t pfn;

	setup_all_free(&fa);
	pfn = frame_alloc(&fa);
	assert_int_equal(frame_free(&fa, pfn), FRAME_OK);
	assert_int_equal(frame_free(&fa, pfn), FRAME_EDOUBLE);
	assert_int_equal(fa.free, COUNT);
}

static void
test_foreign_frames_refused(void **state)
{
	struct frame_alloc fa;

	setup_all_free(&fa);
	assert_int_equal(frame_free(&fa, FIRST - 1), FRAME_ERANGE);
	assert_int_equal(frame_free(&fa, FIRST + COUNT), FRAME_ERANGE);
	assert_int_equal(frame_free(&fa, UINT64_MAX), FRAME_ERANGE);
	assert_int_equal(fa.free, COUNT);
}

static void
test_reserve_and_clip(void **state)
{
	struct frame_alloc fa;

	frame_init(&fa, bitmap, FIRST, COUNT);
	/* Ranges reaching outside the covered frames are clipped, not trusted. */
	frame_add_free(&fa, 0, FIRST + 10);
	assert_int_equal(fa.free, 10);
	frame_add_free(&fa, FIRST + COUNT - 5, UINT64_MAX);
	assert_int_equal(fa.free, 15);
	frame_reserve(&fa, FIRST, 4);
	assert_int_equal(fa.free, 11);
	assert_true(frame_in_use(&fa, FIRST));
	assert_false(frame_in_use(&fa, FIRST + 4));
	for (int i = 0; i < 11; i++) {
		uint64_t pfn = frame_alloc(&fa);
		assert_true((pfn >= FIRST + 4 && pfn < FIRST + 10) ||
		    pfn >= FIRST + COUNT - 5);
	}
	assert_int_equal(frame_alloc(&fa), FRAME_NONE);
}

static void
test_contiguous_aligned(void **state)
{
	struct frame_alloc fa;
	uint64_t run;

	setup_all_free(&fa);
	frame_reserve(&fa, FIRST + 3, 1);
	run = frame_alloc_contig(&fa, 16, 16);
	assert_int_not_equal(run, FRAME_NONE);
	assert_int_equal(run % 16, 0);
	for (uint64_t i = run; i < run + 16; i++)
		assert_true(frame_in_use(&fa, i));
	assert_int_equal(fa.free, COUNT - 17);
	assert_int_equal(frame_alloc_contig(&fa, COUNT, 1), FRAME_NONE);
	assert_int_equal(frame_alloc_contig(&fa, 4, 3), FRAME_NONE);
	assert_int_equal(frame_alloc_contig(&fa, 0, 1), FRAME_NONE);
}

static void
test_random_alloc_free(void **state)
{
	struct frame_alloc fa;
	static uint64_t held[COUNT];
	size_t n = 0;

	setup_all_free(&fa);
	srand(1);
	for (int step = 0; step < 100000; step++) {
		if (n > 0 && (rand() % 2 || n == COUNT)) {
			size_t k = (size_t)rand() % n;
			assert_int_equal(frame_free(&fa, held[k]), FRAME_OK);
			held[k] = held[--n];
		} else {
			held[n] = frame_alloc(&fa);
			assert_int_not_equal(held[n], FRAME_NONE);
			n++;
		}
		assert_int_equal(fa.free, COUNT - n);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_all_used),
		cmocka_unit_test(test_alloc_until_exhausted),
		cmocka_unit_test(test_double_free_detected),
		cmocka_unit_test(test_foreign_frames_refused),
		cmocka_unit_test(test_reserve_and_clip),
		cmocka_unit_test(test_contiguous_aligned),
		cmocka_unit_test(test_random_alloc_free),
	};
	return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
