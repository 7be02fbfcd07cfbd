/*
 * Address spaces: a top-level table per process whose lower half is the
 * process's own and whose upper half is shared with the kernel (copied
 * from the kernel's table, whose kernel-half entries never change).
 */
#ifndef KERNEL_ARCH_X86_64_VSPACE_H
#define KERNEL_ARCH_X86_64_VSPACE_H

#include <stdint.h>

#include "kernel/obj/memory.h"

struct mapping;

struct vspace {
	struct kobj hdr;
	uint64_t root;			/* physical address of the PML4 */
	struct memory *mem;		/* pays for the page tables */
	uint64_t table_pages;
	struct mapping *maps;		/* frames mapped here (frame.c) */
	int dead;			/* no CPU runs on it any more: unmap without shootdowns */
};

/* With the rights of vspace_map: map the page uncached (device registers). */
#define VSPACE_UNCACHED	0x100

struct vspace *vspace_create(struct memory *m);
/*
 * Maps the frame at pa at user address va with rights (RIGHT_WRITE,
 * RIGHT_EXEC; never both). E_BUSY if va is mapped, E_RANGE if va is not
 * a page-aligned user address, E_NOMEM when the quota cannot pay for a
 * page table.
 */
int vspace_map(struct vspace *vs, uint64_t va, uint64_t pa, uint32_t rights);
/* Removes the mapping at va and flushes it; E_RANGE when nothing is mapped. */
int vspace_unmap(struct vspace *vs, uint64_t va);
/*
 * The physical address of the ordinary (cached) user page at va, if it is
 * mapped with write access when write is set: E_OK, else E_FAULT. Device
 * and framebuffer pages (uncached, write-combining) are refused: the
 * kernel reaches pages through its direct map, which is write-back.
 */
int vspace_user_page(struct vspace *vs, uint64_t va, int write, uint64_t *pa);
void vspace_activate(struct vspace *vs);
/* Frees the page tables of the user half (not the frames). */
void vspace_destroy(struct vspace *vs);

#endif
