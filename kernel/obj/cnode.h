/*
 * Capability spaces: a fixed array of CNODE_SLOTS capability slots.
 * User space names capabilities by slot index; the kernel checks the
 * index before it touches the array.
 */
#ifndef KERNEL_OBJ_CNODE_H
#define KERNEL_OBJ_CNODE_H

#include "kernel/obj/memory.h"
#include "lib/abi/syscall.h"
#include "lib/cap/cap.h"

struct cnode {
	struct kobj hdr;
	struct memory *mem;
	struct cap slots[CNODE_SLOTS];
};

struct cnode *cnode_create(struct memory *m);

/* The slot at idx, or NULL when idx is out of range. */
struct cap *cnode_slot(struct cnode *cn, uint64_t idx);

/*
 * Resolves idx to a capability of type (CAP_NULL: any) with all of need;
 * E_RANGE, E_NOCAP, E_TYPE or E_RIGHTS otherwise.
 */
int cnode_lookup(struct cnode *cn, uint64_t idx, uint32_t type, uint32_t need,
    struct cap **out);

/* The release function for every kernel object (objects.c). */
extern const struct cap_ops kobj_ops;

#endif
