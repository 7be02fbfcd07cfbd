/*
 * UEFI runtime services after ExitBootServices: today only the variable
 * calls the vault rollback counter needs (kernel/counter.c).
 */
#ifndef KERNEL_ARCH_X86_64_EFIRT_H
#define KERNEL_ARCH_X86_64_EFIRT_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/* Prepares the calls; returns 1 when the runtime services can be called. */
int efirt_init(const struct bootinfo *bi);

/*
 * GetVariable and SetVariable of the NØNOS vendor GUID, name a UCS-2
 * string. Each returns the firmware's EFI status (0 is success), or
 * EFIRT_UNAVAILABLE when efirt_init found no runtime services. Call with
 * the kernel lock held.
 */
#define EFIRT_UNAVAILABLE	(~0ULL)
uint64_t efirt_get_variable(const uint16_t *name, uint32_t *attrs, uint64_t *size,
    void *data);
uint64_t efirt_set_variable(const uint16_t *name, uint32_t attrs, uint64_t size,
    const void *data);

#endif
