/* Zeroing RAM before the machine stops. */
#ifndef KERNEL_ARCH_X86_64_WIPE_H
#define KERNEL_ARCH_X86_64_WIPE_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/*
 * Zeroes all usable RAM but the frames the wipe runs on; returns the
 * bytes zeroed. Nothing may allocate afterwards.
 */
uint64_t wipe_ram(const struct bootinfo *bi);

#endif
