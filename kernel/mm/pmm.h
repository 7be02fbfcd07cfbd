/* Physical memory: frames handed out zeroed, zeroed again when freed. */
#ifndef KERNEL_MM_PMM_H
#define KERNEL_MM_PMM_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

void pmm_init(const struct bootinfo *bi);

/* Returns the physical address of a zeroed frame, or 0 when memory is out. */
uint64_t pmm_alloc(void);
/* n contiguous zeroed frames aligned to align frames, or 0. */
uint64_t pmm_alloc_contig(uint64_t n, uint64_t align);
/* Zeroes and frees a frame; a double or foreign free is a kernel bug (panic). */
void pmm_free(uint64_t pa);

uint64_t pmm_free_frames(void);
uint64_t pmm_total_frames(void);

#endif
