/*
 * Kernel page tables, built from scratch at boot to replace the loader's.
 * Invariants: no mapping is both writable and executable; the direct map
 * and all data are NX; kernel text and read-only data are not writable
 * (CR0.WP makes that hold for ring 0 too); the page under the boot stack
 * and the page at address 0 are never mapped.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"

#define MSR_PAT		0x277
#define MB2		(2ULL << 20)

extern const char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern const char __data_start[], __data_end[], __ksyms_start[], __ksyms_end[];
extern const char boot_stack_guard[];

static uint64_t *pml4;

enum map_result {
	MAP_DONE,
	MAP_COVERED,	/* another mapping's huge page or table is in the way */
	MAP_NOMEM,
};

/*
 * Sets one leaf entry (a 2 MiB page when huge, else 4 KiB), making the
 * intermediate tables it needs. Intermediate levels grant everything;
 * the leaf decides.
 */
static enum map_result
map_one(uint64_t *root, uint64_t va, uint64_t pa, uint64_t flags, int huge)
{
	uint64_t *t = root, *e;
	int last = huge ? 21 : 12;

	for (int shift = 39; shift > last; shift -= 9) {
		e = &t[(va >> shift) & 511];
		if ((*e & PTE_P) && (*e & PTE_PS))
			return MAP_COVERED;
		if (!(*e & PTE_P)) {
			uint64_t table = pmm_alloc();

			if (table == 0)
				return MAP_NOMEM;
			*e = table | PTE_P | PTE_W;
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
	e = &t[(va >> last) & 511];
	if (huge && (*e & PTE_P) && !(*e & PTE_PS))
		return MAP_COVERED;
	*e = pa | flags | PTE_P | (huge ? PTE_PS : 0);
	return MAP_DONE;
}

static int
map_range(uint64_t *root, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
	uint64_t end = va + len;

	while (va < end) {
		enum map_result r = MAP_COVERED;

		if (!((va | pa) & (MB2 - 1)) && end - va >= MB2)
			r = map_one(root, va, pa, flags, 1);
		if (r == MAP_DONE) {
			va += MB2;
			pa += MB2;
			continue;
		}
		if (r == MAP_NOMEM || map_one(root, va, pa, flags, 0) == MAP_NOMEM)
			return -1;
		/* MAP_COVERED for a 4 KiB page: a huge page maps it already. */
		va += PAGE_SIZE;
		pa += PAGE_SIZE;
	}
	return 0;
}

int
paging_map_range(uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
	return map_range(pml4, va, pa, len, flags);
}

uint64_t
paging_private_root(void)
{
	uint64_t root = pmm_alloc();
	uint64_t *t;

	if (root == 0)
		return 0;
	t = phys_to_virt(root);
	for (unsigned i = 256; i < 512; i++)
		t[i] = pml4[i];		/* filled at boot: never changes after */
	return root;
}

int
paging_map_private(uint64_t root, uint64_t va, uint64_t pa, uint64_t len,
    uint64_t flags)
{
	if (va + len < va || va + len > (1ULL << 47))
		return -1;	/* the lower half only: the kernel half is shared */
	return map_range(phys_to_virt(root), va, pa, len, flags);
}

static uint64_t
kernel_phys(const struct bootinfo *bi, const void *va)
{
	return bi->kernel_phys + ((uint64_t)va - bi->kernel_virt);
}

static void
map_section(const struct bootinfo *bi, const char *start, const char *end,
    uint64_t flags)
{
	if (paging_map_range((uint64_t)start, kernel_phys(bi, start),
	    (uint64_t)(end - start), flags | PTE_G) < 0)
		panic("paging: out of memory mapping the kernel");
}

static uint64_t
region_cache(uint32_t type)
{
	return type == BOOTINFO_MEM_MMIO ? PTE_CACHE_UC : 0;
}

static void
map_direct(const struct bootinfo *bi)
{
	uint64_t lapic_pa = rdmsr(MSR_APIC_BASE) & 0xffffff000ULL;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct bootinfo_mem *m = &bi->mem[i];

		if (paging_map_range(HHDM_BASE + m->base, m->base, m->pages * PAGE_SIZE,
		    PTE_W | PTE_NX | PTE_G | region_cache(m->type)) < 0)
			panic("paging: out of memory building the direct map");
	}
	if (bi->fb.format != BOOTINFO_FB_NONE &&
	    paging_map_range(HHDM_BASE + bi->fb.base, bi->fb.base,
	    (bi->fb.size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
	    PTE_W | PTE_NX | PTE_G | PTE_CACHE_WC) < 0)
		panic("paging: out of memory mapping the framebuffer");
	/*
	 * The local APIC's registers are not in the UEFI memory map: their
	 * page where lapic.c finds it, by the APIC base MSR. The I/O APICs
	 * are mapped where the MADT puts them, once it is read (device.c).
	 */
	if (paging_map_range(HHDM_BASE + lapic_pa, lapic_pa, PAGE_SIZE,
	    PTE_W | PTE_NX | PTE_G | PTE_CACHE_UC) < 0)
		panic("paging: out of memory mapping the local APIC");
}

void
paging_enable_cpu_features(void)
{
	uint32_t r[4];
	uint64_t cr4 = read_cr4();

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	/* PAT: entry 1 becomes write-combining (0x01), the others stay default. */
	wrmsr(MSR_PAT, 0x0007040600070106ULL);
	write_cr0(read_cr0() | CR0_WP);
	cpuid(7, 0, r);
	if (r[1] & (1u << 7))
		cr4 |= CR4_SMEP;
	if (r[1] & (1u << 20))
		cr4 |= CR4_SMAP;
	if (r[2] & (1u << 2))
		cr4 |= CR4_UMIP;
	/*
	 * PGE: global pages. OSFXSR/OSXMMEXCPT: SSE for user space, saved per
	 * thread by FXSAVE. OSXSAVE off: without it AVX is unavailable, so no
	 * register state exists that FXSAVE would not cover.
	 */
	cr4 |= (1ULL << 7) | (1ULL << 9) | (1ULL << 10);
	cr4 &= ~(1ULL << 18);
	write_cr4(cr4);
	write_cr0((read_cr0() & ~(1ULL << 2)) | (1ULL << 1));	/* EM off, MP on */
}

/*
 * Gives every kernel-half top-level entry a table now, so that address
 * spaces made later can copy the entries once and still see every kernel
 * mapping added afterwards.
 */
static void
prefill_kernel_half(void)
{
	for (unsigned i = 256; i < 512; i++) {
		uint64_t table;

		if (pml4[i] & PTE_P)
			continue;
		if ((table = pmm_alloc()) == 0)
			panic("paging: out of memory for kernel tables");
		pml4[i] = table | PTE_P | PTE_W;
	}
}

uint64_t
paging_kernel_root(void)
{
	return virt_to_phys(pml4);
}

/* Clears the leaf entry of one 4 KiB kernel page, if it is mapped. */
static void
unmap_one(uint64_t va)
{
	uint64_t *t = pml4, *e = NULL;

	for (int shift = 39; shift >= 12; shift -= 9) {
		e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P) || ((*e & PTE_PS) && shift > 12))
			return;		/* not mapped, or a huge page: not ours to split */
		if (shift > 12)
			t = phys_to_virt(*e & PTE_ADDR);
	}
	*e = 0;
	invlpg(va);
}

void
paging_unmap_range(uint64_t va, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		unmap_one(va + off);
	tlb_shootdown();	/* once for the whole range */
}

void
paging_init(const struct bootinfo *bi)
{
	uint64_t root = pmm_alloc();

	if (root == 0)
		panic("paging: no memory for the top-level table");
	pml4 = phys_to_virt(root);
	map_direct(bi);
	map_section(bi, __text_start, __text_end, 0);
	map_section(bi, __rodata_start, __rodata_end, PTE_NX);
	/* Data and bss, minus the guard page under the boot stack. */
	map_section(bi, __data_start, boot_stack_guard, PTE_W | PTE_NX);
	map_section(bi, boot_stack_guard + PAGE_SIZE, __data_end, PTE_W | PTE_NX);
	map_section(bi, __ksyms_start, __ksyms_end, PTE_NX);
	prefill_kernel_half();
	paging_enable_cpu_features();
	write_cr3(root);
}

int
paging_query(uint64_t va, uint64_t *flags)
{
	uint64_t *t = pml4, e = 0, w = PTE_W, nx = 0;

	for (int shift = 39; shift >= 12; shift -= 9) {
		e = t[(va >> shift) & 511];
		if (!(e & PTE_P))
			return 0;
		w &= e;
		nx |= e & PTE_NX;
		if (shift == 12 || (e & PTE_PS))
			break;
		t = phys_to_virt(e & PTE_ADDR);
	}
	*flags = (e & ~(PTE_W | PTE_NX | PTE_ADDR)) | (w & PTE_W) | nx;
	return 1;
}

static uint64_t
walk(uint64_t *t, int shift, uint64_t base, uint64_t w, uint64_t nx,
    void (*fn)(uint64_t, uint64_t, uint64_t, void *), void *ctx)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i], va = base + ((uint64_t)i << shift);

		if (!(e & PTE_P))
			continue;
		if (shift == 39)
			va |= (va >> 47) ? 0xffff000000000000ULL : 0;
		if (shift == 12 || (e & PTE_PS)) {
			fn(va, 1ULL << shift, (e & ~(PTE_W | PTE_NX | PTE_ADDR)) |
			    (w & e & PTE_W) | nx | (e & PTE_NX), ctx);
			n++;
		} else {
			n += walk(phys_to_virt(e & PTE_ADDR), shift - 9, va, w & e,
			    nx | (e & PTE_NX), fn, ctx);
		}
	}
	return n;
}

uint64_t
paging_walk(void (*fn)(uint64_t va, uint64_t size, uint64_t flags, void *ctx),
    void *ctx)
{
	return walk(pml4, 39, 0, PTE_W, 0, fn, ctx);
}
