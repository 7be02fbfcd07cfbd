/*
 * The kernel's random generator: a fast-key-erasure generator
 * (lib/crypto/fkrng.h) keyed once at boot from the loader's entropy
 * (EFI RNG, RDSEED, RDRAND), before seal_init erases that seed. User
 * programs draw from it with SYS_RANDOM.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>

#include "lib/bootinfo/bootinfo.h"

void random_init(const struct bootinfo *bi);
void random_get(void *out, size_t n);

#endif
