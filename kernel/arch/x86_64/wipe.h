/* Zeroing RAM before the machine stops. */
#ifndef KERNEL_ARCH_X86_64_WIPE_H
#define KERNEL_ARCH_X86_64_WIPE_H

#include <stdint.h>

#include "lib/bootinfo/bootinfo.h"

/*
 * Reserves the wipe's bitmap (one bit per frame); called once at boot,
 * before the root task gets its memory. Panics if it cannot.
 */
void wipe_init(const struct bootinfo *bi);

/*
 * Zeroes all usable RAM but the frames the wipe runs on; returns the
 * bytes zeroed and sets *due to the bytes it should have zeroed. Less
 * than *due means RAM still holds what it held: the caller must not call
 * the machine safe. Nothing may allocate afterwards.
 */
uint64_t wipe_ram(const struct bootinfo *bi, uint64_t *due);

#endif
