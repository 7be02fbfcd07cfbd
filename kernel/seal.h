/* The kernel's table of sealed capability tokens and its per-boot key. */
#ifndef KERNEL_SEAL_H
#define KERNEL_SEAL_H

#include "lib/bootinfo/bootinfo.h"
#include "lib/cap/token.h"

#define SEAL_RECORDS 256

extern struct seal_table seal_table;

/* Derives the token key from the boot entropy. */
void seal_init(const struct bootinfo *bi);

#endif
