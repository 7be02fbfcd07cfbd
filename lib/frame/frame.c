/*
 * Bitmap frame allocator. Allocation scans 64 frames per word from a
 * hint; freeing checks the bit first, so a double free is reported
 * instead of corrupting the free count.
 */
#include "lib/frame/frame.h"

static int
bit_get(const struct frame_alloc *fa, uint64_t i)
{
	return (fa->bitmap[i / 64] >> (i % 64)) & 1;
}

static void
bit_set(struct frame_alloc *fa, uint64_t i)
{
	fa->bitmap[i / 64] |= 1ULL << (i % 64);
}

static void
bit_clear(struct frame_alloc *fa, uint64_t i)
{
	fa->bitmap[i / 64] &= ~(1ULL << (i % 64));
}

size_t
frame_bitmap_words(uint64_t count)
{
	return (size_t)((count + 63) / 64);
}

void
frame_init(struct frame_alloc *fa, uint64_t *bitmap, uint64_t first,
    uint64_t count)
{
	size_t words = frame_bitmap_words(count);

	fa->bitmap = bitmap;
	fa->first = first;
	fa->count = count;
	fa->free = 0;
	fa->hint = 0;
	for (size_t i = 0; i < words; i++)
		bitmap[i] = ~0ULL;
}

/* Clips [pfn, pfn+n) to the covered range; returns 0 when nothing is left. */
static int
clip(const struct frame_alloc *fa, uint64_t *pfn, uint64_t *n)
{
	uint64_t lo = *pfn, hi = *pfn + *n;

	if (hi < lo)
		hi = UINT64_MAX;
	if (lo < fa->first)
		lo = fa->first;
	if (hi > fa->first + fa->count)
		hi = fa->first + fa->count;
	if (lo >= hi)
		return 0;
	*pfn = lo;
	*n = hi - lo;
	return 1;
}

void
frame_add_free(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	if (!clip(fa, &pfn, &n))
		return;
	for (uint64_t i = pfn - fa->first; i < pfn - fa->first + n; i++) {
		if (bit_get(fa, i)) {
			bit_clear(fa, i);
			fa->free++;
		}
	}
	fa->hint = 0;
}

void
frame_reserve(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	if (!clip(fa, &pfn, &n))
		return;
	for (uint64_t i = pfn - fa->first; i < pfn - fa->first + n; i++) {
		if (!bit_get(fa, i)) {
			bit_set(fa, i);
			fa->free--;
		}
	}
}

uint64_t
frame_alloc(struct frame_alloc *fa)
{
	size_t words = frame_bitmap_words(fa->count);

	if (fa->free == 0)
		return FRAME_NONE;
	for (size_t k = 0; k < words; k++) {
		size_t w = (size_t)((fa->hint + k) % words);
		uint64_t i;

		if (fa->bitmap[w] == ~0ULL)
			continue;
		i = (uint64_t)w * 64 + (uint64_t)__builtin_ctzll(~fa->bitmap[w]);
		if (i >= fa->count)
			continue;
		bit_set(fa, i);
		fa->free--;
		fa->hint = w;
		return fa->first + i;
	}
	return FRAME_NONE;
}

uint64_t
frame_alloc_contig(struct frame_alloc *fa, uint64_t n, uint64_t align)
{
	uint64_t run = 0, start = 0;

	if (n == 0 || align == 0 || (align & (align - 1)) || n > fa->free)
		return FRAME_NONE;
	for (uint64_t i = 0; i < fa->count; i++) {
		if (run == 0 && ((fa->first + i) & (align - 1)))
			continue;
		if (bit_get(fa, i)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = i;
		if (run == n) {
			for (uint64_t j = start; j < start + n; j++)
				bit_set(fa, j);
			fa->free -= n;
			return fa->first + start;
		}
	}
	return FRAME_NONE;
}

enum frame_error
frame_free(struct frame_alloc *fa, uint64_t pfn)
{
	uint64_t i;

	if (pfn < fa->first || pfn - fa->first >= fa->count)
		return FRAME_ERANGE;
	i = pfn - fa->first;
	if (!bit_get(fa, i))
		return FRAME_EDOUBLE;
	bit_clear(fa, i);
	fa->free++;
	if (i / 64 < fa->hint)
		fa->hint = i / 64;
	return FRAME_OK;
}

int
frame_in_use(const struct frame_alloc *fa, uint64_t pfn)
{
	if (pfn < fa->first || pfn - fa->first >= fa->count)
		return 0;
	return bit_get(fa, pfn - fa->first);
}
