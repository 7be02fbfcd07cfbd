/*
 * malloc and friends: lib/heap (the kernel's allocator, host-tested)
 * over pages this process maps for itself with SYS_MAP_ANON, charged to
 * its own quota (SLOT_MEMORY). Pages lib/heap gives back (zeroed by it)
 * go on a short list of free runs and are handed out again first; the
 * kernel takes them back only when the process ends.
 */
#include "lib/heap/heap.h"
#include "user/lib/nonos.h"

#define HEAP_VA		0x0000400000000000ULL	/* 1 TiB of room above it */
#define HEAP_END	0x0000410000000000ULL
#define FREE_RUNS	64

struct run {
	uint64_t va;
	size_t pages;		/* 0: unused entry */
};

static struct heap heap;
static int heap_ready;
static uint64_t heap_top = HEAP_VA;	/* first page never mapped */
static struct run runs[FREE_RUNS];

/* A free run of at least n pages (its front is taken), else fresh pages. */
static void *
pages_alloc(void *ctx, size_t n)
{
	uint64_t va;

	(void)ctx;
	for (int i = 0; i < FREE_RUNS; i++) {
		if (runs[i].pages >= n) {
			va = runs[i].va;
			runs[i].va += n * USER_PAGE;
			runs[i].pages -= n;
			return (void *)(uintptr_t)va;
		}
	}
	/*
	 * A free run that ends at the top grows into fresh pages: only the
	 * rest is mapped. Otherwise a large block freed at the top (a KDF's
	 * memory) would stay mapped beside a larger one that follows, and
	 * the two together could exceed the quota.
	 */
	for (int i = 0; i < FREE_RUNS; i++) {
		size_t more = n - runs[i].pages;	/* n > pages: no run was big enough */

		if (runs[i].pages == 0 || runs[i].va + runs[i].pages * USER_PAGE != heap_top)
			continue;
		if (more > (HEAP_END - heap_top) / USER_PAGE ||
		    map_anon(SLOT_MEMORY, heap_top, more, RIGHT_READ | RIGHT_WRITE) < 0)
			return NULL;
		va = runs[i].va;
		heap_top += more * USER_PAGE;
		runs[i].pages = 0;
		return (void *)(uintptr_t)va;
	}
	if (n > (HEAP_END - heap_top) / USER_PAGE ||
	    map_anon(SLOT_MEMORY, heap_top, n, RIGHT_READ | RIGHT_WRITE) < 0)
		return NULL;
	va = heap_top;
	heap_top += n * USER_PAGE;
	return (void *)(uintptr_t)va;
}

/*
 * Keeps pages (already zeroed by lib/heap) for reuse, merged with a run
 * they extend. With every entry in use they stay mapped but unused: a
 * bounded loss, never a wrong reuse.
 */
static void
pages_free(void *ctx, void *p, size_t n)
{
	uint64_t va = (uint64_t)(uintptr_t)p;
	int empty = -1;

	(void)ctx;
	for (int i = 0; i < FREE_RUNS; i++) {
		if (runs[i].pages == 0) {
			if (empty < 0)
				empty = i;
			continue;
		}
		if (runs[i].va + runs[i].pages * USER_PAGE == va) {
			runs[i].pages += n;
			return;
		}
		if (va + n * USER_PAGE == runs[i].va) {
			runs[i].va = va;
			runs[i].pages += n;
			return;
		}
	}
	if (empty >= 0) {
		runs[empty].va = va;
		runs[empty].pages = n;
	}
}

void *
malloc(size_t size)
{
	if (!heap_ready) {
		struct heap_pages src = { pages_alloc, pages_free, NULL };

		heap_init(&heap, &src);
		heap_ready = 1;
	}
	return heap_alloc(&heap, size);
}

void *
calloc(size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return malloc(n * size);	/* lib/heap's memory is always zeroed */
}

void
free(void *p)
{
	uint64_t va = (uint64_t)(uintptr_t)p;

	if (p == NULL)
		return;
	/* Only our heap's pages can hold its headers: anything else is a bug. */
	if (va < HEAP_VA || va >= heap_top || heap_free(&heap, p) != HEAP_OK) {
		printf("free: %p is not a live allocation; stopping\n", p);
		thread_exit();
	}
}

void *
realloc(void *p, size_t size)
{
	size_t old;
	void *q;

	if (p == NULL)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	if ((uint64_t)(uintptr_t)p < HEAP_VA || (uint64_t)(uintptr_t)p >= heap_top ||
	    (old = heap_size(&heap, p)) == 0) {
		printf("realloc: %p is not a live allocation; stopping\n", p);
		thread_exit();
	}
	if (size <= old)
		return p;
	if ((q = malloc(size)) == NULL)
		return NULL;
	memcpy(q, p, old);
	free(p);
	return q;
}
