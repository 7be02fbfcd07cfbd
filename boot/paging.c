/*
 * The loader's page tables for the hand-over: an identity map (so the
 * loader keeps running after the switch), the same memory again at the
 * kernel's direct-map base, and the kernel image at its link address.
 * The kernel replaces all of this with tables of its own at once.
 */
#include "boot/loader.h"

#define PTE_P		0x1ULL
#define PTE_W		0x2ULL
#define PTE_PS		0x80ULL
#define PTE_ADDR	0x000ffffffffff000ULL
#define HHDM_BASE	0xffff800000000000ULL
#define MB2		(2ULL << 20)

/* Returns the next-level table under entry idx of table, making it if absent. */
static uint64_t *
next_table(uint64_t *table, unsigned idx)
{
	if (!(table[idx] & PTE_P)) {
		uint64_t page = alloc_pages(1);

		if (page == 0)
			return NULL;
		table[idx] = page | PTE_P | PTE_W;
	}
	return (uint64_t *)(table[idx] & PTE_ADDR);
}

static efi_status
map_2m(uint64_t *pml4, uint64_t virt, uint64_t phys)
{
	uint64_t *pdpt, *pd;

	if ((pdpt = next_table(pml4, (virt >> 39) & 511)) == NULL)
		return EFI_OUT_OF_RESOURCES;
	if ((pd = next_table(pdpt, (virt >> 30) & 511)) == NULL)
		return EFI_OUT_OF_RESOURCES;
	pd[(virt >> 21) & 511] = phys | PTE_P | PTE_W | PTE_PS;
	return EFI_SUCCESS;
}

static efi_status
map_4k(uint64_t *pml4, uint64_t virt, uint64_t phys)
{
	uint64_t *t = pml4;

	for (int shift = 39; shift > 12; shift -= 9) {
		if ((t = next_table(t, (virt >> shift) & 511)) == NULL)
			return EFI_OUT_OF_RESOURCES;
	}
	t[(virt >> 12) & 511] = phys | PTE_P | PTE_W;
	return EFI_SUCCESS;
}

efi_status
paging_build(uint64_t phys_limit, uint64_t *cr3)
{
	uint64_t pml4 = alloc_pages(1);
	efi_status s;

	if (pml4 == 0)
		return EFI_OUT_OF_RESOURCES;
	for (uint64_t pa = 0; pa < phys_limit; pa += MB2) {
		if ((s = map_2m((uint64_t *)pml4, pa, pa)) != EFI_SUCCESS)
			return s;
		if ((s = map_2m((uint64_t *)pml4, HHDM_BASE + pa, pa)) != EFI_SUCCESS)
			return s;
	}
	*cr3 = pml4;
	return EFI_SUCCESS;
}

efi_status
paging_map_kernel(uint64_t cr3, uint64_t virt, uint64_t phys, uint64_t bytes)
{
	efi_status s;

	for (uint64_t off = 0; off < bytes; off += 4096) {
		if ((s = map_4k((uint64_t *)cr3, virt + off, phys + off)) != EFI_SUCCESS)
			return s;
	}
	return EFI_SUCCESS;
}
