/*
 * Per-CPU state, reached through the GS base. The first fields are read
 * by syscall.S at fixed offsets; keep them in this order.
 */
#ifndef KERNEL_ARCH_X86_64_PERCPU_H
#define KERNEL_ARCH_X86_64_PERCPU_H

#include <stdint.h>

#define MAX_CPUS 16
#define NPRIO_CPU 32

struct thread;

struct cpu {
	struct cpu *self;		/* %gs:0 */
	uint64_t kstack_top;		/* %gs:8: stack for SYSCALL entry */
	uint64_t user_rsp;		/* %gs:16: scratch during entry */
	struct thread *current;		/* %gs:24 */
	struct thread *idle;
	uint32_t id;
	uint32_t apic_id;
	volatile int online;
	int need_resched;
	volatile uint64_t tlb_seen;	/* last shootdown generation handled */
	/* Ready threads: one FIFO per priority, and a mask of non-empty ones. */
	struct thread *head[NPRIO_CPU], *tail[NPRIO_CPU];
	uint32_t nonempty;
};

extern struct cpu cpus[MAX_CPUS];
extern int ncpus;		/* CPUs online */

/* Sets up this CPU's GS base and the SYSCALL MSRs. */
void percpu_init(struct cpu *c, uint32_t id);

#ifdef NONOS_HOST
/* The host build (tests/kfuzz) has no GS base: it supplies this. */
struct cpu *this_cpu(void);
#else
static inline struct cpu *
this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}
#endif

#endif
