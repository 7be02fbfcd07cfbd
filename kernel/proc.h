/*
 * A process: the address space, capability space and memory quota its
 * threads share. It is bookkeeping, not a kernel object; user space sees
 * only the capabilities to its parts.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/arch/x86_64/vspace.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/memory.h"
#include "lib/bootinfo/bootinfo.h"

struct process {
	struct vspace *vs;
	struct cnode *cn;
	struct memory *mem;
	uint32_t pid;
	int threads;		/* live threads */
	char name[32];
};

/*
 * Creates a process from an ELF boot module with a memory quota of
 * mem_limit bytes, fills the well-known slots of its capability space
 * and starts its first thread at priority prio with arg in rdi. Returns
 * NULL and says why on the console when the module is unusable.
 */
struct process *proc_spawn_module(const struct bootinfo_module *mod,
    uint64_t mem_limit, int prio, uint64_t arg);

#endif
