/*
 * General-purpose heap: slabs of equal-sized objects (16 to 1024 bytes)
 * carved from whole pages, and page runs for anything larger. Pages come
 * from a page source supplied by the caller (the kernel's frame allocator,
 * or malloc on the host), so the same code is tested on the host.
 *
 * Invariants: every byte of free object memory is zero (pages arrive
 * zeroed and objects are zeroed when freed), so heap_alloc returns zeroed
 * memory and freed data never leaks into a later allocation. A slab page
 * starts with its header; an object's header is found by rounding its
 * address down to the page.
 */
#ifndef LIB_HEAP_HEAP_H
#define LIB_HEAP_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define HEAP_PAGE	4096
#define HEAP_NCLASSES	7	/* 16, 32, 64, 128, 256, 512, 1024 */
#define HEAP_MAX_SMALL	1024
#define HEAP_MAX_BYTES	(64ULL << 20)	/* largest single allocation */

enum heap_error {
	HEAP_OK = 0,
	HEAP_EINVAL = -1,	/* not a pointer this heap handed out */
	HEAP_EDOUBLE = -2,	/* object already free */
};

struct heap_pages {
	/* Returns npages zeroed, page-aligned pages, or NULL. */
	void *(*alloc)(void *ctx, size_t npages);
	void (*free)(void *ctx, void *pages, size_t npages);
	void *ctx;
};

struct slab;

struct heap {
	struct heap_pages src;
	struct slab *partial[HEAP_NCLASSES];	/* slabs with a free object */
	size_t bytes_in_use;			/* sum of rounded object sizes */
	size_t pages_in_use;
};

void heap_init(struct heap *h, const struct heap_pages *src);

/* Returns size bytes of zeroed memory, or NULL (size 0 or out of memory). */
void *heap_alloc(struct heap *h, size_t size);

/* Frees p (NULL is ignored); reports foreign pointers and double frees. */
enum heap_error heap_free(struct heap *h, void *p);

/* Usable size of an allocated object, or 0 if p is not one. */
size_t heap_size(const struct heap *h, const void *p);

#endif
