/*
 * VT-d (see iommu.h): one remapping unit, register-based invalidation,
 * legacy (non-scalable) root and context tables, second-level page
 * tables of 3 levels (39-bit) or 4 (48-bit), as the unit supports.
 * Context and IOTLB caches are flushed globally after every change:
 * simple, and changes are rare (a driver starting, a DMA frame made or
 * destroyed). Interrupts are not remapped (docs/security-model.md).
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/iommu.h"
#include "kernel/kernel.h"
#include "kernel/mm/pmm.h"
#include "kernel/obj/pci.h"

/* Registers (VT-d 3.x, 11.4). */
#define REG_CAP		0x08
#define REG_ECAP	0x10
#define REG_GCMD	0x18
#define REG_GSTS	0x1c
#define REG_RTADDR	0x20
#define REG_CCMD	0x28
#define REG_FSTS	0x34
#define REG_FECTL	0x38
#define REG_FEDATA	0x3c
#define REG_FEADDR	0x40
#define REG_FEUADDR	0x44

#define GCMD_TE		(1u << 31)
#define GCMD_SRTP	(1u << 30)
#define GCMD_WBF	(1u << 27)
#define GSTS_WBFS	(1u << 27)
#define CAP_RWBF	(1ULL << 4)
#define GSTS_TES	(1u << 31)
#define GSTS_RTPS	(1u << 30)
/* GCMD bits that are one-shot commands, not state to keep (11.4.4.1). */
#define GSTS_KEEP	0x96ffffffu
#define CCMD_ICC	(1ULL << 63)
#define CCMD_GLOBAL	(1ULL << 61)
#define IOTLB_IVT	(1ULL << 63)
#define IOTLB_GLOBAL	(1ULL << 60)
#define FSTS_PPF	(1u << 1)
#define FSTS_PFO	(1u << 0)
#define FR_F		(1ULL << 63)

#define PTE_R		1ULL
#define PTE_W		2ULL
#define PTE_ADDR	0x000ffffffffff000ULL

static volatile uint8_t *regs;
static uint64_t root_pa;
static int levels;		/* 3 or 4 */
static uint32_t fault_off;	/* first fault recording register */
static uint32_t fault_count;
static uint32_t iotlb_off;	/* IOTLB invalidate register */
static int coherent;
static uint64_t domains;	/* domain ids the unit supports */
static int needs_wbf;		/* the unit buffers writes: flush before invalidating */		/* the unit snoops the CPU caches when walking tables */

static uint32_t
rd32(uint32_t r)
{
	return *(volatile uint32_t *)(regs + r);
}

static uint64_t
rd64(uint32_t r)
{
	return *(volatile uint64_t *)(regs + r);
}

static void
wr32(uint32_t r, uint32_t v)
{
	*(volatile uint32_t *)(regs + r) = v;
}

static void
wr64(uint32_t r, uint64_t v)
{
	*(volatile uint64_t *)(regs + r) = v;
}

/* Makes a table entry the CPU wrote visible to a unit that does not snoop. */
static void
flush_line(const void *p)
{
	if (!coherent)
		__asm__ volatile("clflush (%0)" : : "r"(p) : "memory");
}

/* Sets a GCMD bit and waits for the unit to report it in GSTS. */
static void
command(uint32_t bit, uint32_t status)
{
	wr32(REG_GCMD, (rd32(REG_GSTS) & GSTS_KEEP) | bit);
	while (!(rd32(REG_GSTS) & status))
		__asm__ volatile("pause");
}

/* Global context-cache and IOTLB invalidation, waited for. */
static void
flush_all(void)
{
	__asm__ volatile("mfence" : : : "memory");
	if (needs_wbf) {
		wr32(REG_GCMD, (rd32(REG_GSTS) & GSTS_KEEP) | GCMD_WBF);
		while (rd32(REG_GSTS) & GSTS_WBFS)
			__asm__ volatile("pause");
	}
	wr64(REG_CCMD, CCMD_ICC | CCMD_GLOBAL);
	while (rd64(REG_CCMD) & CCMD_ICC)
		__asm__ volatile("pause");
	wr64(iotlb_off + 8, IOTLB_IVT | IOTLB_GLOBAL);
	while (rd64(iotlb_off + 8) & IOTLB_IVT)
		__asm__ volatile("pause");
}

/* The context entry (two words) of bdf; every bus with a function has its table from boot. */
static volatile uint64_t *
context_of(uint16_t bdf)
{
	volatile uint64_t *root = phys_to_virt(root_pa);
	uint64_t ctx = root[2 * (bdf >> 8)] & PTE_ADDR;

	return (volatile uint64_t *)phys_to_virt(ctx) + 2 * (bdf & 0xff);
}

/* 1 when the unit translates bdf's DMA: it includes all, or lists bdf. */
static int
covers(const struct acpi_drhd *u, uint16_t bdf)
{
	if (u->include_all)
		return 1;
	for (int i = 0; i < u->endpoints; i++) {
		if (u->endpoint[i] == bdf)
			return 1;
	}
	return 0;
}

void
iommu_init(void)
{
	const struct acpi_drhd *u;
	uint64_t cap, ecap;
	volatile uint64_t *root;

	if (acpi_dmar.drhd_count == 0)
		return;
	u = &acpi_dmar.drhd[0];
	if (acpi_dmar.drhd_count > 1 || u->segment != 0) {
		printk("iommu: %d units or segment %u: not supported, DMA unconfined\n",
		    acpi_dmar.drhd_count, u->segment);
		return;
	}
	if (pci_map_mmio(u->base, PAGE_SIZE) < 0)
		panic("iommu: out of memory mapping its registers");
	regs = phys_to_virt(u->base);
	cap = rd64(REG_CAP);
	ecap = rd64(REG_ECAP);
	if (cap & (1ULL << 9))
		levels = 3;
	else if (cap & (1ULL << 10))
		levels = 4;
	else {
		printk("iommu: neither 3- nor 4-level tables: DMA unconfined\n");
		regs = NULL;
		return;
	}
	coherent = (int)(ecap & 1);
	needs_wbf = (cap & CAP_RWBF) != 0;
	domains = 1ULL << (4 + 2 * (cap & 7));
	fault_off = (uint32_t)((cap >> 24) & 0x3ff) * 16;
	fault_count = (uint32_t)((cap >> 40) & 0xff) + 1;
	iotlb_off = (uint32_t)((ecap >> 8) & 0x3ff) * 16;
	if (fault_off + 16 * fault_count > PAGE_SIZE || iotlb_off + 16 > PAGE_SIZE ||
	    (root_pa = pmm_alloc()) == 0) {
		printk("iommu: unusable register layout: DMA unconfined\n");
		regs = NULL;
		return;
	}
	/*
	 * A context table, all entries absent, for each bus with a function
	 * (the pmm hands out zeroed pages); buses without one have no root
	 * entry. Either way every DMA faults until a driver takes a function.
	 */
	root = phys_to_virt(root_pa);
	for (int i = 0; i < pci_count; i++) {
		uint32_t bus = pci_devs[i].bdf >> 8;
		uint64_t ctx;

		if (root[2 * bus] & 1)
			continue;
		if ((ctx = pmm_alloc()) == 0)
			panic("iommu: out of memory for context tables");
		root[2 * bus] = ctx | 1;
		for (uint64_t off = 0; off < PAGE_SIZE; off += 64)
			flush_line((char *)phys_to_virt(ctx) + off);
	}
	for (uint64_t off = 0; off < PAGE_SIZE; off += 64)
		flush_line((char *)root + off);
	/* Faults interrupt the boot CPU. */
	wr32(REG_FEDATA, VEC_IOMMU_FAULT);
	wr32(REG_FEADDR, 0xfee00000u | cpus[0].apic_id << 12);
	wr32(REG_FEUADDR, 0);
	wr32(REG_FECTL, 0);
	wr64(REG_RTADDR, root_pa);
	command(GCMD_SRTP, GSTS_RTPS);
	flush_all();
	command(GCMD_TE, GSTS_TES);
	for (int i = 0; i < pci_count; i++)
		pci_devs[i].iommu = (uint8_t)covers(u, pci_devs[i].bdf);
	printk("iommu: VT-d unit at %#llx, %d-level tables, translation on\n",
	    (unsigned long long)u->base, levels);
	for (int i = 0; i < pci_count; i++) {
		if (!pci_devs[i].iommu)
			printk("iommu: %02x:%02x.%u is outside the unit's scope: its DMA is "
			    "unconfined\n", pci_devs[i].bdf >> 8, (pci_devs[i].bdf >> 3) & 31,
			    pci_devs[i].bdf & 7);
	}
}

/* A zeroed table page charged to fn's quota; 0 when it cannot pay. */
static uint64_t
table_alloc(struct pcifn *fn)
{
	uint64_t pa;

	if (memory_charge(fn->mem, PAGE_SIZE) != E_OK)
		return 0;
	if ((pa = pmm_alloc()) == 0) {
		memory_refund(fn->mem, PAGE_SIZE);
		return 0;
	}
	fn->dom_tables++;
	return pa;
}

static void
table_free(struct pcifn *fn, uint64_t pa)
{
	pmm_free(pa);
	fn->dom_tables--;
	memory_refund(fn->mem, PAGE_SIZE);
}

int
iommu_attach(struct pcifn *fn)
{
	volatile uint64_t *ctx;
	uint64_t did = (uint64_t)(fn->dev - pci_devs) + 1;

	if (regs == NULL || !fn->dev->iommu)
		return E_OK;
	/* Ids are cache tags; shared ones are harmless since every flush is global. */
	if (did >= domains)
		did = did % (domains - 1) + 1;
	if ((fn->dom_root = table_alloc(fn)) == 0)
		return E_NOMEM;
	ctx = context_of(fn->dev->bdf);
	/* Domain id, address width (1: 39-bit, 2: 48-bit); then present, translate all. */
	ctx[1] = did << 8 | (uint64_t)(levels - 2);
	ctx[0] = fn->dom_root | 1;
	flush_line((const void *)ctx);
	flush_all();
	return E_OK;
}

/* Frees a table and everything below it; level 1 holds leaves. */
static void
free_tree(struct pcifn *fn, uint64_t pa, int level)
{
	uint64_t *t = phys_to_virt(pa);

	for (int i = 0; level > 1 && i < 512; i++) {
		if (t[i] & (PTE_R | PTE_W))
			free_tree(fn, t[i] & PTE_ADDR, level - 1);
	}
	table_free(fn, pa);
}

void
iommu_detach(struct pcifn *fn)
{
	volatile uint64_t *ctx;

	if (regs == NULL || fn->dom_root == 0)
		return;
	ctx = context_of(fn->dev->bdf);
	ctx[0] = 0;
	ctx[1] = 0;
	flush_line((const void *)ctx);
	flush_all();
	free_tree(fn, fn->dom_root, levels);
	fn->dom_root = 0;
}

/* The leaf entry for device address a, making tables when make is set. */
static uint64_t *
walk(struct pcifn *fn, uint64_t a, int make)
{
	uint64_t *t = phys_to_virt(fn->dom_root);

	for (int level = levels; level > 1; level--) {
		uint64_t *e = &t[(a >> (12 + 9 * (level - 1))) & 511];

		if (!(*e & (PTE_R | PTE_W))) {
			uint64_t pa;

			if (!make || (pa = table_alloc(fn)) == 0)
				return NULL;
			*e = pa | PTE_R | PTE_W;
			flush_line(e);
		}
		t = phys_to_virt(*e & PTE_ADDR);
	}
	return &t[(a >> 12) & 511];
}

void
iommu_unmap(struct pcifn *fn, uint64_t pa, uint64_t pages)
{
	if (regs == NULL || fn->dom_root == 0)
		return;
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *e = walk(fn, pa + i * PAGE_SIZE, 0);

		if (e) {
			*e = 0;
			flush_line(e);
		}
	}
	flush_all();
}

int
iommu_map(struct pcifn *fn, uint64_t pa, uint64_t pages)
{
	if (regs == NULL || fn->dom_root == 0)
		return E_OK;
	if (levels == 3 && pa + pages * PAGE_SIZE > (1ULL << 39))
		return E_NOMEM;		/* beyond what the unit's tables reach */
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t *e = walk(fn, pa + i * PAGE_SIZE, 1);

		if (e == NULL) {
			iommu_unmap(fn, pa, i);
			return E_NOMEM;
		}
		*e = (pa + i * PAGE_SIZE) | PTE_R | PTE_W;
		flush_line(e);
	}
	flush_all();		/* caching mode units cache absent entries too */
	return E_OK;
}

void
iommu_faults(void)
{
	uint32_t fsts;

	if (regs == NULL)
		return;
	fsts = rd32(REG_FSTS);
	for (uint32_t i = 0; i < fault_count && (fsts & FSTS_PPF); i++) {
		uint32_t r = fault_off + 16 * i;
		uint64_t lo = rd64(r), hi = rd64(r + 8);
		uint16_t sid = (uint16_t)hi;

		if (!(hi & FR_F))
			continue;
		printk("iommu: fault: %02x:%02x.%u %s %#llx reason %#x\n", sid >> 8,
		    (sid >> 3) & 31, sid & 7, (hi >> 62) & 1 ? "read" : "write",
		    (unsigned long long)(lo & PTE_ADDR), (unsigned)((hi >> 32) & 0xff));
		wr32(r + 12, (uint32_t)(FR_F >> 32));	/* write 1 to clear F */
	}
	wr32(REG_FSTS, fsts & FSTS_PFO);
}
