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
	int unreaped;		/* dead threads whose stacks are not yet freed */
	struct cap exit_cap;	/* notification to signal when the last thread ends */
	char name[48];
};

/*
 * Creates a process from an ELF boot module, everything charged to mem:
 * address space with the image and a stack (guard page below), a
 * capability space holding SLOT_CNODE, SLOT_VSPACE and SLOT_THREAD, and a
 * first thread (priority prio, arg in rdi) that runs once the caller
 * drops the kernel lock. NULL and *err (E_NOMEM, E_INVAL for a bad image)
 * on failure, with everything undone.
 */
struct process *proc_create(const struct bootinfo_module *mod, struct memory *mem,
    int prio, uint64_t arg, int *err);

/*
 * Called by the reaper (with the kernel lock) once the last thread of p
 * has died and no CPU runs on p's page tables any more: signals p's exit notification and frees everything p
 * held: its capabilities, image, page tables and capability space.
 */
void proc_exited(struct process *p);

/*
 * The root task: a fresh quota of mem_limit bytes and every boot-time
 * authority (console, all I/O ports, IRQ control, spawning).
 */
struct process *proc_start_root(const struct bootinfo_module *mod,
    uint64_t mem_limit, int prio, uint64_t arg);

#endif
