/*
 * RAM wipe at shutdown: every frame of usable memory is overwritten with
 * zeros except the few the wipe itself runs on (the kernel's page tables,
 * the current kernel stack, the wipe's own bitmap). The kernel image,
 * which holds the token key, is cleared of its secrets separately.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/wipe.h"
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "kernel/obj/thread.h"

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

uint64_t
wipe_ram(const struct bootinfo *bi)
{
	struct thread *cur = this_cpu()->current;
	uint64_t top = 0, wiped = 0, bytes, keep_pa;

	write_cr3(paging_kernel_root());
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		uint64_t end = bi->mem[i].base / PAGE_SIZE + bi->mem[i].pages;

		if (bi->mem[i].type == BOOTINFO_MEM_FREE && end > top)
			top = end;
	}
	bytes = (top + 7) / 8;
	if ((keep_pa = pmm_alloc_contig((bytes + PAGE_SIZE - 1) / PAGE_SIZE, 1)) == 0)
		return 0;
	keep = phys_to_virt(keep_pa);
	keep_frames = top;
	for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
		keep_frame(keep_pa + off);
	keep_tables(paging_kernel_root(), 4);
	if (cur->kstack != 0) {
		for (unsigned p = 0; p < KSTACK_PAGES; p++)
			keep_frame(cur->kstack_pa + p * PAGE_SIZE);
	}
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (m->type != BOOTINFO_MEM_FREE)
			continue;
		for (uint64_t f = m->base / PAGE_SIZE; f < m->base / PAGE_SIZE + m->pages; f++) {
			if (!kept(f)) {
				zero_frame(f * PAGE_SIZE);
				wiped++;
			}
		}
	}
	return wiped * PAGE_SIZE;
}
