/*
 * PCI capabilities: the control object (the root task's, SLOT_PCI), which
 * makes a capability to any function, and function objects, one live
 * object per function: the driver that holds it owns the device. Through
 * it the driver reads config space, writes the few command and status
 * bits that are its business, maps memory BARs as device frames, gets
 * DMA frames its device may reach, and routes MSI/MSI-X messages to
 * notifications. The kernel alone programs BARs, MSI/MSI-X and (with
 * VT-d) the device's DMA domain.
 */
#ifndef KERNEL_OBJ_PCI_H
#define KERNEL_OBJ_PCI_H

#include "kernel/obj/frame.h"
#include "kernel/obj/memory.h"
#include "kernel/obj/notification.h"
#include "kernel/pci.h"
#include "lib/abi/syscall.h"

/* MSI vectors: 0x60..0xdf, each routes one message to one notification. */
#define VEC_MSI_BASE	0x60
#define MSI_VECTORS	0x80

struct pcifn {
	struct kobj hdr;
	struct memory *mem;		/* pays for this object and its VT-d tables */
	struct pci_dev *dev;		/* NULL: the control object */
	struct frame *frames;		/* its device and DMA frames (fn_next) */
	uint64_t dom_root;		/* VT-d second-level table, physical; 0: none */
	uint64_t dom_tables;		/* VT-d table pages charged to mem */
};

/* The control object given to root tasks. */
struct kobj *pci_control(void);

/* A function object for d, charged to m; NULL when out of memory. */
struct pcifn *pcifn_create(struct memory *m, struct pci_dev *d);
/*
 * Last capability gone: bus mastering and MSI/MSI-X off first, then its
 * vectors freed, its VT-d context removed, its DMA frames made plain
 * frames and its device frames unmapped for good.
 */
void pcifn_destroy(struct pcifn *fn);

void pcifn_info(const struct pci_dev *d, struct pci_info *out);
/* Filtered config write (docs/syscalls.md): E_RIGHTS for anything beyond command/status. */
int pcifn_config_write(struct pcifn *fn, uint32_t off, uint32_t width, uint32_t v);
/* A device frame for memory BAR bar, its header charged to m. */
int pcifn_bar(struct pcifn *fn, struct memory *m, uint32_t bar, struct frame **out);
/* A DMA frame of pages pages charged to m, mapped in fn's domain. */
int pcifn_dma(struct pcifn *fn, struct memory *m, uint32_t pages, struct frame **out);
/* Routes MSI-X entry `entry` (or MSI, entry 0) to n with badge. */
int pcifn_msi(struct pcifn *fn, uint32_t entry, struct notification *n, uint64_t badge);

/* frame_destroy of a device or DMA frame: out of the device's reach first. */
void pci_frame_release(struct frame *f);
/* A notification is going away: mask and free every vector that signals it. */
void msi_forget_notification(struct notification *n);
/* From trap() for vectors VEC_MSI_BASE.. */
void msi_dispatch(uint32_t vector);
/*
 * For the capability audit: NULL when obj (a PCI object or a frame)
 * agrees with the PCI bookkeeping, else what is wrong.
 */
const char *pci_audit(const struct kobj *obj);

#endif
