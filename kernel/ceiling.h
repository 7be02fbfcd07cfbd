/*
 * Capability ceilings: for each boot module, the most it may ever hold
 * (per capability type, a set of rights). SYS_SPAWN refuses to give a
 * module anything beyond its ceiling, whatever the spawning process asks.
 * Ceilings come from the signed boot manifest; a module the manifest
 * names but gives no ceiling for a type may hold nothing of that type.
 */
#ifndef KERNEL_CEILING_H
#define KERNEL_CEILING_H

#include <stdint.h>

#define CEILING_MODULES 32

/* Records that module may hold capabilities of type with up to rights. */
int ceiling_set(const char *module, uint32_t type, uint32_t rights);

/*
 * 1 when module may hold a capability of type with rights. Modules the
 * manifest does not list (development images without a manifest) are
 * not limited.
 */
int ceiling_allows(const char *module, uint32_t type, uint32_t rights);

/*
 * The part of rights that module's ceiling grants for type (0: none);
 * rights unchanged for an unlisted module, as above. For the root task,
 * which gets its capabilities from the kernel, not through SYS_SPAWN.
 */
uint32_t ceiling_limit(const char *module, uint32_t type, uint32_t rights);

#endif
