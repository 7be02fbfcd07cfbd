/*
 * Kernel-memory quotas. Every kernel object a process causes (threads and
 * their stacks, endpoints, notifications, frames, page tables, mapping
 * records, its cnode, vspace and process record, child quota objects,
 * seal records, pending timers) is charged to a memory object, so a
 * process can exhaust only its own quota, never the kernel. One root
 * quota is made at boot, for the root task; processes split child quotas
 * off theirs to bound what a thread or a child may use, and SYS_SPAWN
 * moves one to each new process.
 */
#ifndef KERNEL_OBJ_MEMORY_H
#define KERNEL_OBJ_MEMORY_H

#include <stdint.h>

#include "lib/cap/cap.h"

struct memory {
	struct kobj hdr;
	uint64_t limit;		/* bytes */
	uint64_t used;		/* bytes; used <= limit always */
	struct memory *parent;	/* pays for this quota; NULL for a root quota */
};

struct memory *memory_create(uint64_t limit);
/*
 * Carves a child quota of bytes out of parent; the parent pays for the
 * bytes and for the child's own object. NULL if it cannot.
 */
struct memory *memory_split(struct memory *parent, uint64_t bytes);
/*
 * Last capability gone: a child quota with nothing charged returns its
 * bytes to its parent and is freed; one still paying for objects stays
 * until its last charge is refunded (memory_refund frees it then). So a
 * quota lives while any object it pays for lives: objects may keep a
 * pointer to the quota that pays for them.
 */
void memory_release(struct memory *m);
/* Returns E_OK, or E_NOMEM leaving nothing charged. */
int memory_charge(struct memory *m, uint64_t bytes);
void memory_refund(struct memory *m, uint64_t bytes);

/* Allocates zeroed kernel memory charged to m; NULL on quota or heap failure. */
void *memory_alloc(struct memory *m, uint64_t bytes);
void memory_free(struct memory *m, void *p, uint64_t bytes);

/* A fresh object id: unique for the boot, never reused. */
uint64_t kobj_new_id(void);

#endif
