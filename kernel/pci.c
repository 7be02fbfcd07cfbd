/*
 * PCI Express enumeration through ECAM (see pci.h). Each window of the
 * MCFG maps 1 MiB of configuration space per bus; we map the buses it
 * lists and read every device and function on them. BARs are sized by
 * the standard probe (write all ones, read back the mask) with decoding
 * turned off meanwhile, once, here; drivers never see the probe.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/kernel.h"
#include "kernel/pci.h"

struct pci_dev pci_devs[PCI_MAX_FUNCS];
int pci_count;

#define PCI_VENDOR		0x00
#define PCI_CLASS_REV		0x08
#define PCI_HEADER		0x0e
#define PCI_BAR0		0x10
#define PCI_CAPS		0x34
#define PCI_INTR		0x3c
#define PCI_STATUS_CAPS		0x0010
#define CAP_ID_MSI		0x05
#define CAP_ID_MSIX		0x11

int
pci_map_mmio(uint64_t pa, uint64_t len)
{
	uint64_t start = pa & ~(PAGE_SIZE - 1);
	uint64_t end = (pa + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

	return paging_map_range(HHDM_BASE + start, start, end - start,
	    PTE_W | PTE_NX | PTE_G | PTE_CACHE_UC);
}

uint32_t
pci_read(const struct pci_dev *d, uint32_t off, uint32_t width)
{
	if (width == 1)
		return *(volatile uint8_t *)(d->cfg + off);
	if (width == 2)
		return *(volatile uint16_t *)(d->cfg + off);
	return *(volatile uint32_t *)(d->cfg + off);
}

void
pci_write(struct pci_dev *d, uint32_t off, uint32_t width, uint32_t v)
{
	if (width == 1)
		*(volatile uint8_t *)(d->cfg + off) = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)(d->cfg + off) = (uint16_t)v;
	else
		*(volatile uint32_t *)(d->cfg + off) = v;
}

struct pci_dev *
pci_find(uint16_t bdf)
{
	for (int i = 0; i < pci_count; i++) {
		if (pci_devs[i].bdf == bdf)
			return &pci_devs[i];
	}
	return NULL;
}

/* The size mask a BAR reports for all ones written to it (decoding is off). */
static uint32_t
probe(struct pci_dev *d, uint32_t off)
{
	uint32_t old = pci_read(d, off, 4), mask;

	pci_write(d, off, 4, 0xffffffffu);
	mask = pci_read(d, off, 4);
	pci_write(d, off, 4, old);
	return mask;
}

/* Sizes BAR i; returns how many BAR slots it took (2 for a 64-bit memory BAR). */
static int
size_bar(struct pci_dev *d, int i)
{
	uint32_t off = PCI_BAR0 + 4 * (uint32_t)i;
	uint32_t lo = pci_read(d, off, 4), mask = probe(d, off);
	uint64_t size, pa;

	if (lo & 1) {			/* I/O space: bits 31..2 */
		d->bar_io[i] = 1;
		d->bar_pa[i] = lo & ~3u;
		mask &= ~3u;
		d->bar_size[i] = mask ? (uint64_t)(~mask + 1) & 0xffff : 0;
		return 1;
	}
	pa = lo & ~0xfu;
	size = mask & ~0xfu;
	if (((lo >> 1) & 3) == 2 && i < PCI_BARS - 1) {	/* 64-bit */
		uint32_t hmask = probe(d, off + 4);

		pa |= (uint64_t)pci_read(d, off + 4, 4) << 32;
		size |= (uint64_t)hmask << 32;
		d->bar_pa[i] = pa;
		d->bar_size[i] = size ? ~size + 1 : 0;
		return 2;
	}
	d->bar_pa[i] = pa;
	d->bar_size[i] = size ? (uint64_t)(uint32_t)(~(uint32_t)size + 1) : 0;
	return 1;
}

/* 1 when [pa, pa+size) overlaps memory the memory map says is not device memory. */
static int
overlaps_ram(uint64_t pa, uint64_t size)
{
	for (uint32_t i = 0; i < boot_info->mem_count; i++) {
		const struct bootinfo_mem *m = &boot_info->mem[i];
		uint64_t end = m->base + m->pages * PAGE_SIZE;

		if (m->type != BOOTINFO_MEM_MMIO && m->type != BOOTINFO_MEM_RESERVED &&
		    pa < end && m->base < pa + size)
			return 1;
	}
	return 0;
}

/*
 * A memory BAR becomes a device frame a driver may map: one that is not
 * assigned (address 0), wraps, or lies over RAM is dropped here, so that
 * no device frame can ever name RAM.
 */
static void
check_bars(struct pci_dev *d)
{
	for (int i = 0; i < PCI_BARS; i++) {
		uint64_t pa = d->bar_pa[i], size = d->bar_size[i];

		if (size == 0 || d->bar_io[i])
			continue;
		if (pa == 0 || pa + size < pa || overlaps_ram(pa, size)) {
			printk("pci: %02x:%02x.%u: BAR %d at %#llx (%llu bytes) unassigned or "
			    "over RAM: ignored\n", d->bdf >> 8, (d->bdf >> 3) & 31, d->bdf & 7,
			    i, (unsigned long long)pa, (unsigned long long)size);
			d->bar_size[i] = 0;
		}
	}
}

/*
 * Walks the capability list for MSI and MSI-X. The list comes from the
 * device: pointers are bounded to config space and the walk to 48 steps,
 * so a looping list ends.
 */
static void
find_caps(struct pci_dev *d)
{
	uint32_t at;

	if (!(pci_read(d, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return;
	at = pci_read(d, PCI_CAPS, 1) & 0xfc;
	for (int n = 0; n < 48 && at >= 0x40; n++) {
		uint32_t id = pci_read(d, at, 1);

		if (id == CAP_ID_MSI && d->msi_cap == 0)
			d->msi_cap = (uint8_t)at;
		if (id == CAP_ID_MSIX && d->msix_cap == 0)
			d->msix_cap = (uint8_t)at;
		at = pci_read(d, at + 1, 1) & 0xfc;
	}
}

/*
 * Where the MSI-X table and PBA are, checked against their BARs; maps
 * the table for the kernel. A table that does not fit its BAR makes the
 * function count as having no MSI-X.
 */
static void
find_msix(struct pci_dev *d)
{
	uint32_t ctl, tab, pba;
	uint64_t bytes;

	if (d->msix_cap == 0)
		return;
	ctl = pci_read(d, d->msix_cap + 2, 2);
	tab = pci_read(d, d->msix_cap + 4, 4);
	pba = pci_read(d, d->msix_cap + 8, 4);
	d->msix_count = (uint16_t)((ctl & 0x7ff) + 1);
	d->msix_bar = tab & 7;
	d->msix_off = tab & ~7u;
	d->pba_bar = pba & 7;
	d->pba_off = pba & ~7u;
	bytes = (uint64_t)d->msix_count * 16;
	if (d->msix_bar >= PCI_BARS || d->pba_bar >= PCI_BARS ||
	    d->bar_size[d->msix_bar] == 0 || d->bar_io[d->msix_bar] ||
	    d->msix_off + bytes > d->bar_size[d->msix_bar] ||
	    pci_map_mmio(d->bar_pa[d->msix_bar] + d->msix_off, bytes) < 0) {
		printk("pci: %02x:%02x.%u: unusable MSI-X table\n", d->bdf >> 8,
		    (d->bdf >> 3) & 31, d->bdf & 7);
		d->msix_cap = 0;
		d->msix_count = 0;
		return;
	}
	d->msix_table = phys_to_virt(d->bar_pa[d->msix_bar] + d->msix_off);
}

static void
add_function(volatile uint8_t *cfg, uint16_t bdf)
{
	struct pci_dev *d;
	uint32_t cmd, cls;

	if (pci_count == PCI_MAX_FUNCS) {
		printk("pci: more than %d functions; %02x:%02x.%u ignored\n", PCI_MAX_FUNCS,
		    bdf >> 8, (bdf >> 3) & 31, bdf & 7);
		return;
	}
	d = &pci_devs[pci_count++];
	d->cfg = cfg;
	d->bdf = bdf;
	d->vendor = (uint16_t)pci_read(d, PCI_VENDOR, 2);
	d->device = (uint16_t)pci_read(d, PCI_VENDOR + 2, 2);
	cls = pci_read(d, PCI_CLASS_REV, 4);
	d->class_code = (uint8_t)(cls >> 24);
	d->subclass = (uint8_t)(cls >> 16);
	d->prog_if = (uint8_t)(cls >> 8);
	d->irq_line = (uint8_t)pci_read(d, PCI_INTR, 1);
	d->irq_pin = (uint8_t)pci_read(d, PCI_INTR + 1, 1);
	if (d->irq_pin > 4)
		d->irq_pin = 0;
	/* Only ordinary functions (header type 0) have six BARs. */
	if ((pci_read(d, PCI_HEADER, 1) & 0x7f) == 0) {
		cmd = pci_read(d, PCI_COMMAND, 2);
		pci_write(d, PCI_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
		for (int i = 0; i < PCI_BARS; )
			i += size_bar(d, i);
		pci_write(d, PCI_COMMAND, 2, cmd);
		check_bars(d);
	}
	find_caps(d);
	find_msix(d);
}

static void
scan_window(const struct acpi_ecam *w)
{
	uint64_t first = w->base + ((uint64_t)w->start_bus << 20);
	uint64_t len = (uint64_t)(w->end_bus - w->start_bus + 1) << 20;

	if (pci_map_mmio(first, len) < 0) {
		printk("pci: out of memory mapping ECAM\n");
		return;
	}
	for (uint32_t bus = w->start_bus; bus <= w->end_bus; bus++) {
		for (uint32_t dev = 0; dev < 32; dev++) {
			for (uint32_t fn = 0; fn < 8; fn++) {
				uint32_t bdf = bus << 8 | dev << 3 | fn;
				volatile uint8_t *cfg = phys_to_virt(w->base + ((uint64_t)bdf << 12));

				if (*(volatile uint16_t *)cfg == 0xffff) {
					if (fn == 0)
						break;
					continue;
				}
				add_function(cfg, (uint16_t)bdf);
				/* Functions 1..7 exist only in a multi-function device. */
				if (fn == 0 && !(cfg[PCI_HEADER] & 0x80))
					break;
			}
		}
	}
}

void
pci_init(void)
{
	for (int i = 0; i < acpi_mcfg.count; i++) {
		/* Segment 0 only: bdf has no room for more (docs/architecture.md). */
		if (acpi_mcfg.ecam[i].segment == 0)
			scan_window(&acpi_mcfg.ecam[i]);
	}
	printk("pci: %d functions\n", pci_count);
	for (int i = 0; i < pci_count; i++) {
		const struct pci_dev *d = &pci_devs[i];

		printk("pci: %02x:%02x.%u %04x:%04x class %02x%02x%s%s\n", d->bdf >> 8,
		    (d->bdf >> 3) & 31, d->bdf & 7, d->vendor, d->device, d->class_code,
		    d->subclass, d->msix_count ? " msi-x" : "", d->msi_cap ? " msi" : "");
	}
}
