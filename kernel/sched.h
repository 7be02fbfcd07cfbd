/*
 * The scheduler: strict priorities (0..31), round robin within a
 * priority, preemption by the LAPIC timer, a run queue per CPU. Each
 * CPU's boot context becomes its idle thread, which runs only when
 * nothing else is ready. Callers hold the big kernel lock.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "kernel/arch/x86_64/percpu.h"
#include "kernel/obj/thread.h"

#define SLICE_TICKS 2		/* 20 ms at 100 Hz */

/* Makes the calling context CPU id's idle thread and sets up its per-CPU data. */
void sched_init_cpu(unsigned id);
/* Makes t ready to run (state T_READY, end of its priority's queue). */
void sched_ready(struct thread *t);
/* Removes a ready thread from its queue (runq.c). */
void sched_remove(struct thread *t);
/*
 * Puts t at the end of its priority's queue on CPU t->cpu (runq.c);
 * 1 when that CPU should now reschedule (need_resched is set).
 */
int runq_push(struct thread *t);
/*
 * Gives up the CPU. A running caller stays ready; a caller that set
 * itself blocked or dead does not come back until woken.
 */
void schedule(void);
/* Runs next now if it may (direct hand-over for IPC); else makes it ready. */
void sched_switch_to(struct thread *next);
void sched_tick(void);
/*
 * Called after taking the kernel lock on entry: a thread killed from
 * another CPU while it ran here goes no further.
 */
void sched_leave_if_dead(void);
/* Called at the end of each system call: reschedules if a higher priority woke. */
void sched_check_preempt(void);
/* For a reschedule IPI: runs a newly ready thread if this CPU should. */
void sched_check_preempt_or_idle(void);
static inline struct thread *
sched_current(void)
{
	return this_cpu()->current;
}

#endif
