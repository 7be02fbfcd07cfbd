/*
 * Physical frame allocator: one bit per 4 KiB frame over a contiguous
 * range of frame numbers. Pure bookkeeping — it never touches the frames
 * themselves, so it runs unchanged on the host. The caller supplies the
 * bitmap storage (see frame_bitmap_words).
 *
 * Invariants: a set bit means "in use or not RAM"; free counts the clear
 * bits. hint is only where a search starts; correctness never depends on it.
 */
#ifndef LIB_FRAME_FRAME_H
#define LIB_FRAME_FRAME_H

#include <stdint.h>
#include <stddef.h>

#define FRAME_SIZE 4096ULL
#define FRAME_NONE UINT64_MAX

enum frame_error {
	FRAME_OK = 0,
	FRAME_ERANGE = -1,	/* frame number outside the allocator */
	FRAME_EDOUBLE = -2,	/* frame already free: a double free */
};

struct frame_alloc {
	uint64_t *bitmap;
	uint64_t first;		/* lowest frame number covered */
	uint64_t count;		/* frames covered */
	uint64_t free;		/* frames currently free */
	uint64_t hint;		/* word index where the search starts */
};

/* Words of bitmap storage needed for count frames. */
size_t frame_bitmap_words(uint64_t count);

/* Covers frames [first, first+count), all marked in use. */
void frame_init(struct frame_alloc *fa, uint64_t *bitmap, uint64_t first,
    uint64_t count);

/* Marks [pfn, pfn+n) free (clipped to the covered range). Used at start-up. */
void frame_add_free(struct frame_alloc *fa, uint64_t pfn, uint64_t n);

/* Marks [pfn, pfn+n) in use (clipped). Used to reserve ranges at start-up. */
void frame_reserve(struct frame_alloc *fa, uint64_t pfn, uint64_t n);

/* Returns a free frame number, or FRAME_NONE when none is left. */
uint64_t frame_alloc(struct frame_alloc *fa);

/*
 * Returns the first of n consecutive free frames whose first frame number
 * is a multiple of align (a power of two), or FRAME_NONE.
 */
uint64_t frame_alloc_contig(struct frame_alloc *fa, uint64_t n, uint64_t align);

/* Frees one frame; detects double frees and foreign frames. */
enum frame_error frame_free(struct frame_alloc *fa, uint64_t pfn);

/* 1 if pfn is covered and currently allocated. */
int frame_in_use(const struct frame_alloc *fa, uint64_t pfn);

#endif
