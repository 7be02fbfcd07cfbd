/*
 * The kernel's page tables: the direct map of physical memory at
 * HHDM_BASE (never executable), and the kernel image with each section
 * mapped with exactly its rights.
 */
#ifndef KERNEL_ARCH_X86_64_PAGING_H
#define KERNEL_ARCH_X86_64_PAGING_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

#define PTE_P		0x001ULL
#define PTE_W		0x002ULL
#define PTE_U		0x004ULL
#define PTE_PWT		0x008ULL
#define PTE_PCD		0x010ULL
#define PTE_PS		0x080ULL
#define PTE_G		0x100ULL
#define PTE_NX		(1ULL << 63)
#define PTE_ADDR	0x000ffffffffff000ULL

/* Caching: PAT entry 1 is reprogrammed to write-combining for framebuffers. */
#define PTE_CACHE_WC	PTE_PWT
#define PTE_CACHE_UC	(PTE_PWT | PTE_PCD)

void paging_init(const struct bootinfo *bi);

/* NX, write protection in ring 0, SMEP/SMAP/UMIP, PAT, SSE: per CPU. */
void paging_enable_cpu_features(void);

/* Maps [va, va+len) to [pa, ...) in the kernel tables; returns 0 or -1 (no memory). */
int paging_map_range(uint64_t va, uint64_t pa, uint64_t len, uint64_t flags);

/*
 * A new top-level table sharing the kernel half (whose top-level entries
 * never change after boot) and an empty lower half, for a private map
 * such as the UEFI runtime's (efirt.c). Its physical address, 0 if out
 * of memory. Its lower-half tables are never freed.
 */
uint64_t paging_private_root(void);

/* Maps [va, va+len) to pa in root's lower half; 0, or -1 (no memory, bad range). */
int paging_map_private(uint64_t root, uint64_t va, uint64_t pa, uint64_t len,
    uint64_t flags);

/* Physical address of the kernel's top-level table. */
uint64_t paging_kernel_root(void);

/*
 * Unmaps the 4 KiB kernel pages of [va, va+len) (kernel stacks, the SMP
 * trampoline) and flushes them from every CPU's TLB.
 */
void paging_unmap_range(uint64_t va, uint64_t len);

/*
 * Walks the kernel tables for va. Returns 1 and the leaf entry's
 * effective flags (W only if every level allows it, NX if any level sets
 * it) when va is mapped, else 0.
 */
int paging_query(uint64_t va, uint64_t *flags);

/*
 * Calls fn for every mapped leaf in the kernel half with its effective
 * flags; returns the number of leaves visited.
 */
uint64_t paging_walk(void (*fn)(uint64_t va, uint64_t size, uint64_t flags, void *ctx),
    void *ctx);

#endif
