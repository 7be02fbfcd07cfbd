/*
 * RAM wipe at shutdown: every frame of usable memory is overwritten with
 * zeros except the few the wipe itself runs on (the kernel's page tables,
 * the current kernel stack, the wipe's own bitmap). The kernel image,
 * which holds the token key, is cleared of its secrets separately.
 * The bitmap is reserved at boot (wipe_init): at shutdown memory may be
 * exhausted, and a wipe that needed to allocate could not run at all.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/wipe.h"
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "kernel/obj/thread.h"
#include "lib/libc/string.h"

static uint8_t *keep;		/* one bit per frame: do not wipe */
static uint64_t keep_frames;

static void
keep_frame(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;

	if (f < keep_frames)
		keep[f / 8] |= (uint8_t)(1u << (f % 8));
}

static int
kept(uint64_t f)
{
	return f < keep_frames && (keep[f / 8] & (1u << (f % 8)));
}

/* Marks every table of the kernel's page tables (not the pages they map). */
static void
keep_tables(uint64_t table, int level)
{
	uint64_t *t = phys_to_virt(table);

	keep_frame(table);
	if (level == 1)
		return;
	for (int i = 0; i < 512; i++) {
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			keep_tables(t[i] & PTE_ADDR, level - 1);
	}
}

static void
zero_frame(uint64_t pa)
{
	void *p = phys_to_virt(pa);
	uint64_t n = PAGE_SIZE / 8;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0ULL) : "memory");
}

/* Frames from 0 to the end of the highest usable region. */
static uint64_t
usable_top(const struct bootinfo *bi)
{
	uint64_t top = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		uint64_t end = bi->mem[i].base / PAGE_SIZE + bi->mem[i].pages;

		if (bi->mem[i].type == BOOTINFO_MEM_FREE && end > top)
			top = end;
	}
	return top;
}

void
wipe_init(const struct bootinfo *bi)
{
	uint64_t top = usable_top(bi), bytes = (top + 7) / 8, pa;

	/* Fail closed: a RAM-only system that cannot wipe its RAM must not run. */
	if ((pa = pmm_alloc_contig((bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1)) == 0)
		panic("wipe: cannot reserve %llu bytes for the shutdown wipe",
		    (unsigned long long)bytes);
	keep = phys_to_virt(pa);
	keep_frames = top;
}

uint64_t
wipe_ram(const struct bootinfo *bi, uint64_t *due)
{
	struct thread *cur = this_cpu()->current;
	uint64_t bytes = (keep_frames + 7) / 8, wiped = 0, owed = 0;

	write_cr3(paging_kernel_root());
	if (keep != NULL) {
		memset(keep, 0, bytes);
		for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
			keep_frame(virt_to_phys(keep) + off);
		keep_tables(paging_kernel_root(), 4);
		if (cur->kstack != 0) {
			for (unsigned p = 0; p < KSTACK_PAGES; p++)
				keep_frame(cur->kstack_pa + p * PAGE_SIZE);
		}
	}
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->type != BOOTINFO_MEM_FREE)
			continue;
		for (uint64_t f = m->base / PAGE_SIZE; f < m->base / PAGE_SIZE + m->pages; f++) {
			if (kept(f))
				continue;
			owed++;
			/* Without the bitmap the wipe would zero its own stack. */
			if (keep != NULL) {
				zero_frame(f * PAGE_SIZE);
				wiped++;
			}
		}
	}
	*due = owed * PAGE_SIZE;
	return wiped * PAGE_SIZE;
}
