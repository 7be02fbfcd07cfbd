/*
 * The wall clock (SYS_CLOCK): UTC from the firmware's time or the CMOS
 * clock, compared at boot, then kept by the CMOS clock. Reading it needs
 * no capability; it is never finer than a whole second.
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

/*
 * UTC seconds now, never less than an earlier answer; CLOCK_* in *flags.
 * Reads the CMOS clock (at most once per tick): call with the kernel lock.
 */
int64_t clock_now(uint32_t *flags);

/* Prints the time and its source, each line beginning with prefix. */
void clock_print(const char *prefix);

#endif
