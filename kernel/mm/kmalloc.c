/*
 * Kernel heap: lib/heap over frames from the physical memory manager,
 * addressed through the direct map.
 */
#include "kernel/kernel.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"

struct heap kernel_heap;

static void *
pages_alloc(void *ctx, size_t n)
{
	uint64_t pa = n == 1 ? pmm_alloc() : pmm_alloc_contig(n, 1);

	(void)ctx;
	return pa ? phys_to_virt(pa) : NULL;
}

static void
pages_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n; i++)
		pmm_free(virt_to_phys(p) + i * PAGE_SIZE);
}

void
kmalloc_init(void)
{
	struct heap_pages src = { pages_alloc, pages_free, NULL };

	heap_init(&kernel_heap, &src);
}

void *
kmalloc(size_t size)
{
	return heap_alloc(&kernel_heap, size);
}

enum heap_error
kfree_checked(void *p)
{
	uint64_t va = (uint64_t)p;

	/* Only direct-map addresses can be heap objects. */
	if (p != NULL && (va < HHDM_BASE || va >= HHDM_BASE + (1ULL << 46)))
		return HEAP_EINVAL;
	return heap_free(&kernel_heap, p);
}

void
kfree(void *p)
{
	enum heap_error e = kfree_checked(p);

	if (e == HEAP_EDOUBLE)
		panic("kfree: double free of %p", p);
	if (e != HEAP_OK)
		panic("kfree: %p is not a heap object", p);
}
