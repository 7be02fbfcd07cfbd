/* The kernel's table of sealed capability tokens, its records and its per-boot key. */
#ifndef KERNEL_SEAL_H
#define KERNEL_SEAL_H

#include "kernel/obj/memory.h"
#include "lib/bootinfo/bootinfo.h"
#include "lib/cap/token.h"

extern struct seal_table seal_table;

/* Derives the token key from the boot entropy. */
void seal_init(const struct bootinfo *bi);

/*
 * cap_seal with a record charged to mem (about 100 bytes): E_NOMEM when
 * mem cannot pay. Frees dead records first.
 */
int seal_make(struct cap *src, uint32_t rights, uint64_t expiry, uint64_t now,
    uint8_t out[CAP_TOKEN_LEN], struct memory *mem);
/* Frees every record that seals nothing any more (revoked or expired). */
void seal_reap(uint64_t now);

#endif
