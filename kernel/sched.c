/*
 * Priority scheduler (see sched.h). One CPU runs threads; the run queue
 * is one FIFO per priority plus a bit mask of non-empty queues.
 */
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

void switch_context(uint64_t *save_rsp, uint64_t new_rsp);

static struct cpu bsp;
static struct thread idle_thread;
static struct thread *head[NPRIO], *tail[NPRIO];
static uint32_t nonempty;
static int need_resched;

void
sched_init(void)
{
	percpu_init(&bsp, 0);
	/* Idle starts with a clean FPU image too: control word and MXCSR. */
	idle_thread.fpu[0] = 0x7f;
	idle_thread.fpu[1] = 0x03;
	idle_thread.fpu[24] = 0x80;
	idle_thread.fpu[25] = 0x1f;
	idle_thread.state = T_RUNNING;
	idle_thread.priority = -1;
	idle_thread.has_caps = 1;
	bsp.current = &idle_thread;
	bsp.idle = &idle_thread;
}

struct thread *
sched_current(void)
{
	return this_cpu()->current;
}

struct thread *
sched_idle(void)
{
	return &idle_thread;
}

void
sched_ready(struct thread *t)
{
	int p = t->priority;

	t->state = T_READY;
	t->qnext = NULL;
	if (tail[p])
		tail[p]->qnext = t;
	else
		head[p] = t;
	tail[p] = t;
	nonempty |= 1u << p;
	if (p > sched_current()->priority)
		need_resched = 1;
}

void
sched_remove(struct thread *t)
{
	int p = t->priority;
	struct thread **pp = &head[p], *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = t->qnext;
	if (tail[p] == t)
		tail[p] = prev;
	if (head[p] == NULL)
		nonempty &= ~(1u << p);
	t->qnext = NULL;
}

static struct thread *
pick(void)
{
	struct thread *t;
	int p;

	if (nonempty == 0)
		return &idle_thread;
	p = 31 - __builtin_clz(nonempty);
	t = head[p];
	sched_remove(t);
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
	if (next != &idle_thread) {
		uint64_t top = next->kstack + KSTACK_PAGES * PAGE_SIZE;

		c->kstack_top = top;
		gdt_set_kernel_stack(top);
		vspace_activate(next->proc->vs);
	}
	switch_context(&prev->ksp, next->ksp);
	/* Back on prev's stack: free what died while it was away. */
	thread_reap();
}

void
schedule(void)
{
	struct thread *cur = sched_current(), *next;

	need_resched = 0;
	if (cur->state == T_RUNNING && cur != &idle_thread)
		sched_ready(cur);
	next = pick();
	if (next == cur) {
		cur->state = T_RUNNING;
		return;
	}
	if (cur == &idle_thread && cur->state == T_RUNNING)
		cur->state = T_READY;	/* idle is never queued; pick falls back to it */
	switch_to(cur, next);
}

void
sched_switch_to(struct thread *next)
{
	struct thread *cur = sched_current();

	/* Direct hand-over only when it does not jump a higher priority. */
	if (cur->state != T_RUNNING && next->priority >= cur->priority &&
	    (nonempty >> (next->priority + 1)) == 0) {
		need_resched = 0;
		switch_to(cur, next);
		return;
	}
	sched_ready(next);
	if (cur->state != T_RUNNING)
		schedule();
}

void
sched_tick(void)
{
	struct thread *cur = sched_current();

	if (cur == &idle_thread) {
		if (nonempty)
			schedule();
		return;
	}
	if (--cur->slice <= 0 || need_resched) {
		/* Round robin only among equals or betters. */
		if ((nonempty >> cur->priority) != 0)
			schedule();
		else
			cur->slice = SLICE_TICKS;
	}
}

void
sched_check_preempt(void)
{
	if (need_resched)
		schedule();
}
