/*
 * Frame objects: 1..FRAME_MAX_PAGES physically contiguous pages, charged
 * to a memory quota, mapped as a whole into any number of address spaces.
 * The frame remembers its mappings so that deleting its last capability
 * unmaps it everywhere before its pages are zeroed and freed: no address
 * space can keep a page its owner gave up.
 *
 * W^X holds per frame, not only per mapping: while a frame is mapped
 * writable anywhere it is mapped executable nowhere, and the reverse, in
 * every address space together. (Code may still be written, unmapped and
 * then mapped executable: the two never coexist.)
 *
 * Two kinds of frame come from a PCI function (kernel/obj/pci.c): a
 * device frame is a memory BAR, not RAM: mapped uncached, never
 * executable, never zeroed or freed, and unusable (unmapped everywhere)
 * once its function object is gone. A DMA frame is RAM its function's
 * device may reach; destroying it first takes it out of the device's
 * reach (kernel/obj/pci.h, pci_dma_release).
 */
#ifndef KERNEL_OBJ_FRAME_H
#define KERNEL_OBJ_FRAME_H

#include "kernel/arch/x86_64/vspace.h"
#include "kernel/obj/memory.h"

struct frame;

struct mapping {
	struct frame *frame;
	struct vspace *vs;
	uint64_t va;
	uint32_t rights;	/* RIGHT_WRITE or RIGHT_EXEC (never both) plus READ */
	struct mapping *fnext;	/* next mapping of the same frame */
	struct mapping *vnext;	/* next mapping in the same address space */
};

enum frame_kind {
	FRAME_RAM = 0,
	FRAME_DEVICE,		/* a BAR of fn's device */
	FRAME_DMA,		/* RAM fn's device may DMA into */
};

struct pcifn;

struct frame {
	struct kobj hdr;
	uint64_t pa;		/* the first page; the others follow it */
	uint32_t pages;
	uint32_t kind;		/* enum frame_kind */
	struct memory *mem;
	struct mapping *maps;
	struct pcifn *fn;	/* device and DMA frames: their function, NULL once it is gone */
	struct frame *fn_next;	/* next frame of the same function */
};

/* pages zeroed pages (1..FRAME_MAX_PAGES, checked by the caller); NULL when out of memory. */
struct frame *frame_create(struct memory *m, uint32_t pages);
/*
 * Maps f whole at va in vs with rights. E_INVAL when that would make the
 * frame writable and executable at once (here or in any other address
 * space); vspace_map's errors otherwise. All or nothing.
 */
int frame_map(struct frame *f, struct vspace *vs, uint64_t va, uint32_t rights);
int frame_unmap(struct frame *f, struct vspace *vs, uint64_t va);
/*
 * Maps pages fresh zeroed frames, charged to m, at va.. in vs with rights;
 * they have no capability and are freed with their mapping. All or
 * nothing: on an error (E_NOMEM, E_BUSY, E_RANGE) nothing stays mapped.
 */
int frame_map_anon(struct memory *m, struct vspace *vs, uint64_t va, uint64_t pages,
    uint32_t rights);
/* Unmaps everywhere, zeroes and frees the page and the object. */
void frame_destroy(struct frame *f);
/* Removes every mapping of f (a device frame whose function went). */
void frame_unmap_all(struct frame *f);

#endif
