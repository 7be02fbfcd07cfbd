/*
 * PCI Express functions found at boot through ECAM (the MCFG's windows):
 * their identity, their BARs (sized once by the kernel), and where their
 * MSI and MSI-X capabilities and tables are. The table is filled once by
 * pci_init and never grows; kernel/obj/pci.c hands functions to drivers.
 */
#ifndef KERNEL_PCI_H
#define KERNEL_PCI_H

#include <stdint.h>

#define PCI_MAX_FUNCS	256	/* functions kept; more are reported and ignored */
#define PCI_BARS	6

/* Config-space registers and bits (PCI Local Bus 3.0, PCIe 5.0 chapter 7). */
#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_CMD_IO		0x0001
#define PCI_CMD_MEM		0x0002
#define PCI_CMD_MASTER		0x0004
#define PCI_CMD_INTX_OFF	0x0400

struct pcifn;

struct pci_dev {
	uint16_t bdf;			/* bus << 8 | dev << 3 | fn */
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if;
	uint8_t irq_pin, irq_line;
	uint8_t msi_cap;		/* config offset of the MSI capability; 0: none */
	uint8_t msix_cap;		/* same for MSI-X */
	uint8_t msix_bar;		/* BAR holding the MSI-X table */
	uint8_t pba_bar;		/* BAR holding the pending-bit array */
	uint16_t msix_count;		/* table entries; 0 without MSI-X */
	uint32_t msix_off, pba_off;	/* offsets in those BARs */
	volatile uint32_t *msix_table;	/* mapped by the kernel (uncached) */
	uint64_t bar_pa[PCI_BARS];
	uint64_t bar_size[PCI_BARS];	/* 0: absent, or the upper half of a 64-bit BAR */
	uint8_t bar_io[PCI_BARS];
	uint8_t iommu;			/* 1: a VT-d unit translates its DMA */
	volatile uint8_t *cfg;		/* its 4 KiB of configuration space */
	struct pcifn *owner;		/* its live function object, or NULL */
};

extern struct pci_dev pci_devs[PCI_MAX_FUNCS];
extern int pci_count;

/* Maps the ECAM windows, finds every function, sizes its BARs; prints a list. */
void pci_init(void);
/* The function at bdf, or NULL. */
struct pci_dev *pci_find(uint16_t bdf);

/* Config access; off is aligned to width (1, 2, 4) and below 4096 (checked by callers). */
uint32_t pci_read(const struct pci_dev *d, uint32_t off, uint32_t width);
void pci_write(struct pci_dev *d, uint32_t off, uint32_t width, uint32_t v);

/*
 * Maps [pa, pa+len) of device memory into the kernel's direct map,
 * uncached and never executable. Returns 0, or -1 when out of memory.
 */
int pci_map_mmio(uint64_t pa, uint64_t len);

#endif
