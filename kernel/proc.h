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

/*
 * Lifetime: a process lives until its last thread is reaped. Its cnode
 * and vspace live exactly as long: every capability to them descends
 * from the kernel's originals, cn_owner and vs_owner, which no slot
 * holds, so revoking those at exit deletes every copy wherever it went
 * (IPC, SYS_SPAWN, seal anchors and what was unsealed from them).
 */
struct process {
	struct vspace *vs;
	struct cnode *cn;
	struct memory *mem;	/* pays for everything above and for this struct */
	struct cap cn_owner;	/* the original capability to cn */
	struct cap vs_owner;	/* the original capability to vs */
	struct process *next;	/* all live processes (procs) */
	uint32_t pid;
	int threads;		/* live threads, linked from live */
	struct thread *live;
	int unreaped;		/* dead threads whose stacks are not yet freed */
	struct cap exit_cap;	/* notification to signal when the last thread ends */
	char name[48];
};

/* Every live process, newest first (for the capability audit). */
extern struct process *procs;

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
 * The root task: a fresh quota of mem_limit bytes and the boot-time
 * authority (console, all I/O ports, IRQ control, spawning, machine
 * control), each cut down to the module's signed ceiling.
 */
struct process *proc_start_root(const struct bootinfo_module *mod,
    uint64_t mem_limit, int prio, uint64_t arg);

#endif
