/*
 * Capability ceilings: for each boot module, the most it may ever hold
 * (per capability type, a set of rights). The kernel refuses a module
 * anything beyond its ceiling on every path by which a capability enters
 * a process from outside: SYS_SPAWN (E_CEILING), IPC transfer and replies
 * (the capability is dropped, TAG_CAP_DROPPED), SYS_CAP_UNSEAL
 * (E_CEILING), and the root task's boot set (cut down). What a process
 * makes from its own quota is not limited. Ceilings come from the signed
 * boot manifest, which lists every module; a type the manifest gives no
 * ceiling for may not be held at all, and a module it does not list
 * (there is none: the loader refuses them) may hold nothing.
 */
#ifndef KERNEL_CEILING_H
#define KERNEL_CEILING_H

#include <stdint.h>

#include "lib/cap/cap.h"

#define CEILING_MODULES 32

/* Records that module may hold capabilities of type with up to rights. */
int ceiling_set(const char *module, uint32_t type, uint32_t rights);

/* 1 when module may hold a capability of type with rights. */
int ceiling_allows(const char *module, uint32_t type, uint32_t rights);

/*
 * The part of rights that module's ceiling grants for type (0: none).
 * For the root task, which gets its capabilities from the kernel, not
 * through SYS_SPAWN.
 */
uint32_t ceiling_limit(const char *module, uint32_t type, uint32_t rights);

/*
 * Derives src into dst, a slot of a process of module, with the rights
 * module's ceiling allows src's type (an IPC transfer, an unseal).
 * E_CEILING when it allows none; cap_derive's errors otherwise.
 */
int ceiling_derive(const char *module, struct cap *src, struct cap *dst);

#endif
