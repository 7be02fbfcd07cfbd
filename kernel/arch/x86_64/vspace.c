/*
 * User address spaces (see vspace.h). Page tables are charged to the
 * memory quota of the address space. User pages never get both W and X:
 * vspace_map refuses the combination before touching anything.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/arch/x86_64/vspace.h"
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "lib/abi/syscall.h"
#include "lib/libc/string.h"

static uint64_t
table_alloc(struct vspace *vs)
{
	uint64_t pa;

	if (memory_charge(vs->mem, PAGE_SIZE) != E_OK)
		return 0;
	if ((pa = pmm_alloc()) == 0) {
		memory_refund(vs->mem, PAGE_SIZE);
		return 0;
	}
	vs->table_pages++;
	return pa;
}

static void
table_free(struct vspace *vs, uint64_t pa)
{
	pmm_free(pa);
	vs->table_pages--;
	memory_refund(vs->mem, PAGE_SIZE);
}

struct vspace *
vspace_create(struct memory *m)
{
	struct vspace *vs = memory_alloc(m, sizeof(*vs));
	uint64_t *root, *kroot;

	if (vs == NULL)
		return NULL;
	vs->hdr.type = CAP_VSPACE;
	vs->hdr.id = kobj_new_id();
	vs->mem = m;
	if ((vs->root = table_alloc(vs)) == 0) {
		memory_free(m, vs, sizeof(*vs));
		return NULL;
	}
	root = phys_to_virt(vs->root);
	kroot = phys_to_virt(paging_kernel_root());
	memcpy(root + 256, kroot + 256, 256 * sizeof(uint64_t));
	return vs;
}

/* The leaf entry for va, making tables on the way when make is set. */
static uint64_t *
walk(struct vspace *vs, uint64_t va, int make, int *err)
{
	uint64_t *t = phys_to_virt(vs->root);

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_P)) {
			uint64_t pa;

			if (!make)
				return NULL;
			if ((pa = table_alloc(vs)) == 0) {
				*err = E_NOMEM;
				return NULL;
			}
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

static int
user_page_ok(uint64_t va)
{
	return (va & (PAGE_SIZE - 1)) == 0 && va >= PAGE_SIZE && va < USER_TOP;
}

int
vspace_map(struct vspace *vs, uint64_t va, uint64_t pa, uint32_t rights)
{
	uint64_t *pte, flags = PTE_P | PTE_U;
	int err = E_OK;

	if (!user_page_ok(va))
		return E_RANGE;
	if ((rights & RIGHT_WRITE) && (rights & RIGHT_EXEC))
		return E_INVAL;		/* W^X */
	if ((pte = walk(vs, va, 1, &err)) == NULL)
		return err;
	if (*pte & PTE_P)
		return E_BUSY;
	if (rights & RIGHT_WRITE)
		flags |= PTE_W;
	if (!(rights & RIGHT_EXEC))
		flags |= PTE_NX;
	if (rights & VSPACE_UNCACHED)
		flags |= PTE_CACHE_UC;
	*pte = pa | flags;
	return E_OK;
}

int
vspace_unmap(struct vspace *vs, uint64_t va)
{
	uint64_t *pte;
	int err = E_OK;

	if (!user_page_ok(va))
		return E_RANGE;
	if ((pte = walk(vs, va, 0, &err)) == NULL || !(*pte & PTE_P))
		return E_RANGE;
	*pte = 0;
	if (vs->dead)
		return E_OK;	/* in no CPU's CR3, so in no TLB (no PCIDs) */
	if ((read_cr3() & PTE_ADDR) == vs->root)
		invlpg(va);
	/* Threads of this address space may be running on other CPUs. */
	tlb_shootdown();
	return E_OK;
}

int
vspace_user_page(struct vspace *vs, uint64_t va, int write, uint64_t *pa)
{
	uint64_t *pte, need = PTE_P | PTE_U | (write ? PTE_W : 0);
	int err = E_OK;

	if (!user_page_ok(va))
		return E_FAULT;
	if ((pte = walk(vs, va, 0, &err)) == NULL || (*pte & need) != need ||
	    (*pte & (PTE_PWT | PTE_PCD)) != 0)
		return E_FAULT;
	*pa = *pte & PTE_ADDR;
	return E_OK;
}

void
vspace_activate(struct vspace *vs)
{
	if ((read_cr3() & PTE_ADDR) != vs->root)
		write_cr3(vs->root);
}

static void
free_level(struct vspace *vs, uint64_t table, int level)
{
	uint64_t *t = phys_to_virt(table);

	if (level > 1) {
		for (int i = 0; i < 512; i++) {
			if (t[i] & PTE_P)
				free_level(vs, t[i] & PTE_ADDR, level - 1);
		}
	}
	table_free(vs, table);
}

void
vspace_destroy(struct vspace *vs)
{
	uint64_t *root = phys_to_virt(vs->root);

	/* Run on the kernel's tables: this one is about to go. */
	if ((read_cr3() & PTE_ADDR) == vs->root)
		write_cr3(paging_kernel_root());
	for (int i = 0; i < 256; i++) {
		if (root[i] & PTE_P)
			free_level(vs, root[i] & PTE_ADDR, 3);
	}
	table_free(vs, vs->root);
	memory_free(vs->mem, vs, sizeof(*vs));
}
