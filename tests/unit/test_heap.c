/*
 * Host tests for the heap: every size class, zeroed memory, reuse,
 * zero-on-free, exhaustion of the page source, double-free and foreign
 * pointer detection, and a random workload checked against a shadow copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/heap/heap.h"

struct source {
	size_t limit;	/* pages the source may hand out */
	size_t out;	/* pages handed out now */
};

static void *
src_alloc(void *ctx, size_t npages)
{
	struct source *s = ctx;
	void *p;

	if (s->out + npages > s->limit)
		return NULL;
	p = aligned_alloc(HEAP_PAGE, npages * HEAP_PAGE);
	if (p == NULL)
		return NULL;
	memset(p, 0, npages * HEAP_PAGE);
	s->out += npages;
	return p;
}

static void
src_free(void *ctx, void *p, size_t npages)
{
	struct source *s = ctx;

	/* The heap promises to hand back zeroed pages. */
	for (size_t i = 0; i < npages * HEAP_PAGE; i++)
		assert_int_equal(((uint8_t *)p)[i], 0);
	s->out -= npages;
	free(p);
}

static void
make_heap(struct heap *h, struct source *s, size_t limit)
{
	struct heap_pages src = { src_alloc, src_free, s };

	s->limit = limit;
	s->out = 0;
	heap_init(h, &src);
}

static int
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void
test_every_size(void **state)
{
	struct heap h;
	struct source s;
	static void *p[5000];

	make_heap(&h, &s, 1 << 20);
	for (size_t size = 1; size < 5000; size++) {
		p[size] = heap_alloc(&h, size);
		assert_non_null(p[size]);
		assert_true(heap_size(&h, p[size]) >= size);
		assert_true(all_zero(p[size], size));
		memset(p[size], 0xa5, size);
		if (size <= HEAP_MAX_SMALL)
			assert_int_equal((uintptr_t)p[size] % 16, 0);
	}
	for (size_t size = 1; size < 5000; size++)
		assert_int_equal(heap_free(&h, p[size]), HEAP_OK);
	assert_int_equal(h.bytes_in_use, 0);
	assert_int_equal(h.pages_in_use, 0);
	assert_int_equal(s.out, 0);
}

static void
test_zero_size_and_huge(void **state)
{
	struct heap h;
	struct source s;

	make_heap(&h, &s, 1 << 20);
	assert_null(heap_alloc(&h, 0));
	assert_null(heap_alloc(&h, HEAP_MAX_BYTES + 1));
	assert_null(heap_alloc(&h, SIZE_MAX));
	assert_int_equal(heap_free(&h, NULL), HEAP_OK);
}

static void
test_freed_memory_is_zeroed_and_reused(void **state)
{
	struct heap h;
	struct source s;
	uint8_t *a, *b;

	make_heap(&h, &s, 16);
	a = heap_alloc(&h, 100);
	b = heap_alloc(&h, 100);	/* keeps the slab alive */
	memset(a, 0x5a, 100);
	assert_int_equal(heap_free(&h, a), HEAP_OK);
	assert_true(all_zero(a, 128));	/* still mapped: the slab holds b */
	assert_ptr_equal(heap_alloc(&h, 120), a);
	assert_int_equal(heap_free(&h, a), HEAP_OK);
	assert_int_equal(heap_free(&h, b), HEAP_OK);
	assert_int_equal(s.out, 0);
}

static void
test_exhaustion(void **state)
{
	struct heap h;
	struct source s;
	void *p[1024];
	int n = 0;

	make_heap(&h, &s, 4);
	while (n < 1024 && (p[n] = heap_alloc(&h, 1024)) != NULL)
		n++;
	/* Four pages, three 1 KiB objects per page after the header. */
	assert_int_equal(n, 12);
	assert_null(heap_alloc(&h, 100000));
	while (n--)
		assert_int_equal(heap_free(&h, p[n]), HEAP_OK);
	assert_non_null(p[0] = heap_alloc(&h, 8000));
	assert_int_equal(heap_free(&h, p[0]), HEAP_OK);
	assert_int_equal(s.out, 0);
}

static void
test_double_free(void **state)
{
	struct heap h;
	struct source s;
	void *a, *b, *big;

	make_heap(&h, &s, 16);
	a = heap_alloc(&h, 32);
	b = heap_alloc(&h, 32);
	assert_int_equal(heap_free(&h, a), HEAP_OK);
	assert_int_equal(heap_free(&h, a), HEAP_EDOUBLE);
	assert_int_equal(h.bytes_in_use, 32);
	big = heap_alloc(&h, 3000);
	assert_int_equal(heap_free(&h, (uint8_t *)big + 8), HEAP_EINVAL);
	assert_int_equal(heap_free(&h, big), HEAP_OK);
	assert_int_equal(heap_free(&h, b), HEAP_OK);
}

static void
test_foreign_pointers(void **state)
{
	struct heap h;
	struct source s;
	uint8_t *a, *b;
	void *page = aligned_alloc(HEAP_PAGE, HEAP_PAGE);

	make_heap(&h, &s, 16);
	a = heap_alloc(&h, 64);
	b = heap_alloc(&h, 64);
	assert_int_equal(heap_free(&h, a + 1), HEAP_EINVAL);
	/* A pointer into the slab header is no object. */
	assert_int_equal(heap_free(&h, (uint8_t *)((uintptr_t)a & ~(uintptr_t)4095) + 8), HEAP_EINVAL);
	memset(page, 0x11, HEAP_PAGE);
	assert_int_equal(heap_free(&h, (uint8_t *)page + 256), HEAP_EINVAL);
	assert_int_equal(heap_size(&h, (uint8_t *)page + 256), 0);
	free(page);
	assert_int_equal(heap_free(&h, a), HEAP_OK);
	assert_int_equal(heap_free(&h, b), HEAP_OK);
	assert_int_equal(s.out, 0);
}

static void
test_random_workload(void **state)
{
	enum { N = 512 };
	struct heap h;
	struct source s;
	static uint8_t *p[N];
	static size_t len[N];

	make_heap(&h, &s, 1 << 16);
	srand(7);
	for (int step = 0; step < 50000; step++) {
		int k = rand() % N;

		if (p[k]) {
			/* The object still holds the pattern written into it. */
			for (size_t i = 0; i < len[k]; i++)
				assert_int_equal(p[k][i], (uint8_t)(k + i));
			assert_int_equal(heap_free(&h, p[k]), HEAP_OK);
			p[k] = NULL;
		} else {
			len[k] = (size_t)(rand() % 3 ? rand() % 300 + 1 : rand() % 9000 + 1);
			p[k] = heap_alloc(&h, len[k]);
			assert_non_null(p[k]);
			assert_true(all_zero(p[k], len[k]));
			for (size_t i = 0; i < len[k]; i++)
				p[k][i] = (uint8_t)(k + i);
		}
	}
	for (int k = 0; k < N; k++)
		assert_int_equal(heap_free(&h, p[k]), HEAP_OK);
	assert_int_equal(s.out, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_zero_size_and_huge),
		cmocka_unit_test(test_freed_memory_is_zeroed_and_reused),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_double_free),
		cmocka_unit_test(test_foreign_pointers),
		cmocka_unit_test(test_random_workload),
	};
	return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
