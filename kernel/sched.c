/*
 * Priority scheduler (see sched.h). Each CPU has its own run queue: one
 * FIFO per priority plus a mask of the non-empty ones. A CPU with nothing
 * of its own to run takes the best ready thread from another CPU's queue.
 * The big kernel lock (kernel/lock.h) covers every queue; a thread that
 * switches away holds it, and the thread switched to releases it when it
 * leaves the kernel.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

void switch_context(uint64_t *save_rsp, uint64_t new_rsp);

struct cpu cpus[MAX_CPUS];
int ncpus;
static struct thread idle_threads[MAX_CPUS];

static void
fpu_clean(struct thread *t)
{
	/* FXSAVE image of a reset FPU: default control word and MXCSR. */
	t->fpu[0] = 0x7f;
	t->fpu[1] = 0x03;
	t->fpu[24] = 0x80;
	t->fpu[25] = 0x1f;
}

void
sched_init_cpu(unsigned id)
{
	struct cpu *c = &cpus[id];
	struct thread *idle = &idle_threads[id];

	percpu_init(c, id);
	fpu_clean(idle);
	idle->state = T_RUNNING;
	idle->priority = -1;
	idle->has_caps = 1;
	idle->cpu = id;
	c->current = idle;
	c->idle = idle;
}

void
sched_ready(struct thread *t)
{
	struct cpu *c = &cpus[t->cpu];

	if (runq_push(t) && c != this_cpu())
		lapic_send_ipi(c->apic_id, VEC_RESCHED);
}

static int
top_priority(const struct cpu *c)
{
	return c->nonempty ? 31 - __builtin_clz(c->nonempty) : -1;
}

/* The best ready thread: ours, or else the best one any CPU has waiting. */
static struct thread *
pick(void)
{
	struct cpu *me = this_cpu(), *best = me;
	struct thread *t;
	int p = top_priority(me);

	if (p < 0) {
		for (int i = 0; i < ncpus; i++) {
			if (top_priority(&cpus[i]) > p) {
				p = top_priority(&cpus[i]);
				best = &cpus[i];
			}
		}
	}
	if (p < 0)
		return me->idle;
	t = best->head[p];
	sched_remove(t);
	t->cpu = me->id;
	return t;
}

/*
 * Each thread keeps its own x87/SSE registers, so no thread can read
 * another's. The kernel itself never uses them (-mgeneral-regs-only).
 */
static void
fpu_switch(struct thread *prev, struct thread *next)
{
	__asm__ volatile("fxsave64 %0" : "=m"(prev->fpu));
	__asm__ volatile("fxrstor64 %0" : : "m"(next->fpu));
}

static void
switch_to(struct thread *prev, struct thread *next)
{
	struct cpu *c = this_cpu();

	fpu_switch(prev, next);
	next->state = T_RUNNING;
	next->slice = SLICE_TICKS;
	c->current = next;
	if (next != c->idle) {
		uint64_t top = next->kstack + KSTACK_PAGES * PAGE_SIZE;

		c->kstack_top = top;
		gdt_set_kernel_stack(top);
		vspace_activate(next->proc->vs);
	} else if ((read_cr3() & PTE_ADDR) != paging_kernel_root()) {
		/* Idle runs on the kernel's tables: a process's may be freed under it. */
		write_cr3(paging_kernel_root());
	}
	switch_context(&prev->ksp, next->ksp);
	/* Back on prev's stack: free what died while it was away. */
	thread_reap();
}

void
schedule(void)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current, *next;

	c->need_resched = 0;
	if (cur->state == T_RUNNING && cur != c->idle)
		sched_ready(cur);
	next = pick();
	if (next == cur) {
		cur->state = T_RUNNING;
		return;
	}
	if (cur == c->idle && cur->state == T_RUNNING)
		cur->state = T_READY;	/* idle is never queued; pick falls back to it */
	switch_to(cur, next);
}

void
sched_switch_to(struct thread *next)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current;

	/* Direct hand-over only when it does not jump a higher priority. */
	if (cur->state != T_RUNNING && next->priority >= cur->priority &&
	    top_priority(c) <= next->priority) {
		c->need_resched = 0;
		next->cpu = c->id;
		switch_to(cur, next);
		return;
	}
	next->cpu = c->id;
	sched_ready(next);
	if (cur->state != T_RUNNING)
		schedule();
}

/* 1 when any CPU has a ready thread of at least priority p. */
static int
anything_ready(int p)
{
	for (int i = 0; i < ncpus; i++) {
		if (top_priority(&cpus[i]) >= p)
			return 1;
	}
	return 0;
}

void
sched_leave_if_dead(void)
{
	if (this_cpu()->current->state == T_DEAD)
		schedule();	/* does not come back */
}

void
sched_tick(void)
{
	struct cpu *c = this_cpu();
	struct thread *cur = c->current;

	sched_leave_if_dead();
	if (cur == c->idle) {
		if (anything_ready(0))
			schedule();
		return;
	}
	if (--cur->slice <= 0 || c->need_resched) {
		/* Round robin only among equals or betters. */
		if (top_priority(c) >= cur->priority)
			schedule();
		else
			cur->slice = SLICE_TICKS;
	}
}

void
sched_check_preempt(void)
{
	if (this_cpu()->need_resched)
		schedule();
}

void
sched_check_preempt_or_idle(void)
{
	struct cpu *c = this_cpu();

	sched_leave_if_dead();
	if (c->need_resched || (c->current == c->idle && anything_ready(0)))
		schedule();
}
