/*
 * Physical memory manager: the bitmap allocator from lib/frame over every
 * usable frame in the boot memory map. The bitmap itself lives in the
 * first free region large enough to hold it. Frames below 1 MiB stay
 * reserved: firmware leftovers, and the AP start-up page at 0x8000
 * (smp.c, trampoline.S).
 */
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "lib/frame/frame.h"
#include "lib/libc/string.h"

#define LOW_RESERVED_FRAMES 256	/* 1 MiB */

static struct frame_alloc frames;
static uint64_t total_frames;

static uint64_t
highest_usable_pfn(const struct bootinfo *bi)
{
	uint64_t top = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->type == BOOTINFO_MEM_FREE && m->base / PAGE_SIZE + m->pages > top)
			top = m->base / PAGE_SIZE + m->pages;
	}
	return top;
}

void
pmm_init(const struct bootinfo *bi)
{
	uint64_t npfn = highest_usable_pfn(bi);
	uint64_t bytes = frame_bitmap_words(npfn) * 8;
	uint64_t bm_pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t bm_base = 0;

	for (uint32_t i = 0; i < bi->mem_count && bm_base == 0; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->type == BOOTINFO_MEM_FREE && m->pages >= bm_pages &&
		    m->base >= LOW_RESERVED_FRAMES * PAGE_SIZE)
			bm_base = m->base;
	}
	if (bm_base == 0)
		panic("pmm: no room for the frame bitmap (%llu bytes)",
		    (unsigned long long)bytes);
	frame_init(&frames, phys_to_virt(bm_base), 0, npfn);
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->type == BOOTINFO_MEM_FREE)
			frame_add_free(&frames, m->base / PAGE_SIZE, m->pages);
	}
	frame_reserve(&frames, 0, LOW_RESERVED_FRAMES);
	frame_reserve(&frames, bm_base / PAGE_SIZE, bm_pages);
	total_frames = frames.free;
}

uint64_t
pmm_alloc(void)
{
	uint64_t pfn = frame_alloc(&frames);

	if (pfn == FRAME_NONE)
		return 0;
	/* Firmware left free memory dirty; freed frames were zeroed already. */
	memset(phys_to_virt(pfn * PAGE_SIZE), 0, PAGE_SIZE);
	return pfn * PAGE_SIZE;
}

uint64_t
pmm_alloc_contig(uint64_t n, uint64_t align)
{
	uint64_t pfn = frame_alloc_contig(&frames, n, align);

	if (pfn == FRAME_NONE)
		return 0;
	memset(phys_to_virt(pfn * PAGE_SIZE), 0, n * PAGE_SIZE);
	return pfn * PAGE_SIZE;
}

void
pmm_free(uint64_t pa)
{
	enum frame_error e;

	if (pa & (PAGE_SIZE - 1))
		panic("pmm_free: unaligned address %#llx", (unsigned long long)pa);
	if (!frame_in_use(&frames, pa / PAGE_SIZE))
		panic("pmm_free: frame %#llx is not allocated (double free?)",
		    (unsigned long long)pa);
	/* Zero before it can be reused, so no secret outlives its owner. */
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	e = frame_free(&frames, pa / PAGE_SIZE);
	if (e != FRAME_OK)
		panic("pmm_free: frame %#llx: error %d", (unsigned long long)pa, e);
}

uint64_t
pmm_free_frames(void)
{
	return frames.free;
}

uint64_t
pmm_total_frames(void)
{
	return total_frames;
}
