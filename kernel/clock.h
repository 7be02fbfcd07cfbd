/*
 * The wall clock (SYS_CLOCK): UTC read once at boot and carried forward
 * by the TSC. Reading it needs no capability; it is never finer than a
 * whole second.
 */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/*
 * Reads the boot's clocks (the loader's UEFI time, the CMOS clock) and
 * picks one. Needs tsc_per_us (lapic_init) and acpi_century (acpi_init).
 */
void clock_init(const struct bootinfo *bi);

/* UTC seconds now, never less than an earlier answer; CLOCK_* in *flags. */
int64_t clock_now(uint32_t *flags);

/* Prints the time and its source, each line beginning with prefix. */
void clock_print(const char *prefix);

#endif
