/*
 * VT-d DMA remapping (Intel VT-d spec 3.x). When the DMAR lists a unit,
 * translation is on for every function it covers: a function has a
 * context entry only while a driver holds its function object, and its
 * domain maps exactly its DMA frames, device address = physical address.
 * Every other DMA faults; faults are logged (bdf, address, reason).
 * Without a unit every call here does nothing and succeeds.
 */
#ifndef KERNEL_IOMMU_H
#define KERNEL_IOMMU_H

#include <stdint.h>

struct pcifn;

/* Vector of the unit's fault event interrupt. */
#define VEC_IOMMU_FAULT	0xe0

/* Finds the unit, builds the root table, turns translation on; marks covered functions. */
void iommu_init(void);
/* A context entry and an empty domain for fn; E_NOMEM when fn's quota cannot pay. */
int iommu_attach(struct pcifn *fn);
/* Removes fn's context entry, flushes, frees its tables. */
void iommu_detach(struct pcifn *fn);
/* Maps [pa, pa + pages pages) at the same device address; all or nothing. */
int iommu_map(struct pcifn *fn, uint64_t pa, uint64_t pages);
/* Unmaps them and flushes the IOTLB. */
void iommu_unmap(struct pcifn *fn, uint64_t pa, uint64_t pages);
/* Logs and clears the recorded faults (the fault interrupt). */
void iommu_faults(void);

#endif
