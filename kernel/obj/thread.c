/*
 * Threads (see thread.h). Kernel stacks live in their own region of the
 * kernel half, one 32 KiB slot per thread: an unmapped guard page, then
 * KSTACK_PAGES mapped pages, then unmapped space. An overflow hits the
 * guard page and faults instead of corrupting a neighbour.
 */
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/kernel.h"
#include "kernel/lock.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"
#include "kernel/obj/endpoint.h"
#include "kernel/obj/notification.h"
#include "kernel/obj/thread.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "lib/libc/string.h"

#ifdef NONOS_HOST
/* The host build (tests/kfuzz) reserves the region in its own address space. */
extern uint64_t kstack_region, kstack_region_bytes;
#define KSTACK_REGION		kstack_region
#define KSTACK_REGION_BYTES	kstack_region_bytes
#else
#define KSTACK_REGION		0xffffff0000000000ULL
#define KSTACK_REGION_BYTES	(1ULL << 39)	/* one top-level entry */
#endif
#define KSTACK_SLOT	(8 * PAGE_SIZE)
#define KSTACK_BYTES	(KSTACK_PAGES * PAGE_SIZE)
#define USER_RFLAGS	0x202ULL	/* IF set, everything else clear */
#define USER_CS		0x23
#define USER_DS		0x1b

extern char thread_first_run[];

/*
 * One bit per stack slot, sized at boot so that there are more slots than
 * stacks the machine's memory could hold: stacks run out only when the
 * quota that pays for them does, never for lack of a slot.
 */
static uint64_t *slot_used;
static uint64_t nslots;
static uint64_t slot_hint;		/* no free slot below this one */
static uint32_t next_tid = 1;
static struct thread *zombies;		/* dead; stack or object still to free */
static int reaping;			/* thread_reap is at work (not re-entrant) */

void
thread_init(uint64_t frames)
{
	nslots = frames / KSTACK_PAGES + 1;
	if (nslots > KSTACK_REGION_BYTES / KSTACK_SLOT)
		nslots = KSTACK_REGION_BYTES / KSTACK_SLOT;
	nslots = (nslots + 63) & ~63ULL;
	if ((slot_used = kmalloc(nslots / 8)) == NULL)
		panic("thread_init: no memory for %llu stack slots",
		    (unsigned long long)nslots);
}

/* Maps a fresh stack into a free slot; returns its base, or 0. */
static uint64_t
kstack_alloc(uint64_t *pa_out)
{
	for (uint64_t i = slot_hint; i < nslots; i++) {
		uint64_t base, pa;

		if (slot_used[i / 64] & (1ULL << (i % 64)))
			continue;
		slot_hint = i;
		if ((pa = pmm_alloc_contig(KSTACK_PAGES, 1)) == 0)
			return 0;
		base = KSTACK_REGION + i * KSTACK_SLOT + PAGE_SIZE;
		if (paging_map_range(base, pa, KSTACK_BYTES, PTE_W | PTE_NX | PTE_G) < 0) {
			for (unsigned p = 0; p < KSTACK_PAGES; p++)
				pmm_free(pa + p * PAGE_SIZE);
			return 0;
		}
		slot_used[i / 64] |= 1ULL << (i % 64);
		*pa_out = pa;
		return base;
	}
	return 0;
}

static void
kstack_free(uint64_t base, uint64_t pa)
{
	uint64_t i = (base - PAGE_SIZE - KSTACK_REGION) / KSTACK_SLOT;

	paging_unmap_range(base, KSTACK_BYTES);
	for (unsigned p = 0; p < KSTACK_PAGES; p++)
		pmm_free(pa + p * PAGE_SIZE);
	slot_used[i / 64] &= ~(1ULL << (i % 64));
	if (i < slot_hint)
		slot_hint = i;
}

/*
 * Lays out a new stack so that the first switch_context into it "returns"
 * to thread_first_run (switch.S), which drops the big kernel lock and
 * enters user mode from the trapframe.
 */
static void
build_first_frame(struct thread *t, uint64_t entry, uint64_t stack, uint64_t arg)
{
	uint64_t top = t->kstack + KSTACK_BYTES;
	uint64_t *sp;

	t->tf = (struct trapframe *)(top - sizeof(struct trapframe));
	memset(t->tf, 0, sizeof(*t->tf));
	t->tf->rip = entry;
	t->tf->cs = USER_CS;
	t->tf->rflags = USER_RFLAGS;
	t->tf->rsp = stack;
	t->tf->ss = USER_DS;
	t->tf->rdi = arg;
	sp = (uint64_t *)t->tf;
	*--sp = (uint64_t)thread_first_run;
	for (int i = 0; i < 6; i++)
		*--sp = 0;		/* rbp, rbx, r12..r15 */
	t->ksp = (uint64_t)sp;
}

struct thread *
thread_create(struct process *p, struct memory *m, uint64_t entry, uint64_t stack,
    uint64_t arg, int priority)
{
	struct thread *t;
	uint64_t pa;

	if (memory_charge(m, KSTACK_BYTES) != E_OK)
		return NULL;
	if ((t = memory_alloc(m, sizeof(*t))) == NULL) {
		memory_refund(m, KSTACK_BYTES);
		return NULL;
	}
	if ((t->kstack = kstack_alloc(&pa)) == 0) {
		memory_free(m, t, sizeof(*t));
		memory_refund(m, KSTACK_BYTES);
		return NULL;
	}
	t->mem = m;
	/* FXSAVE image of a clean FPU: default control word and MXCSR. */
	t->fpu[0] = 0x7f;
	t->fpu[1] = 0x03;
	t->fpu[24] = 0x80;
	t->fpu[25] = 0x1f;
	t->hdr.type = CAP_THREAD;
	t->hdr.id = kobj_new_id();
	t->tid = next_tid++;
	t->priority = priority;
	t->proc = p;
	t->cpu = this_cpu()->id;
	t->has_caps = 1;		/* the caller installs a capability at once */
	t->kstack_pa = pa;
	p->threads++;
	t->pnext = p->live;
	if (p->live)
		p->live->pprev = &t->pnext;
	t->pprev = &p->live;
	p->live = t;
	build_first_frame(t, entry, stack, arg);
	sched_ready(t);
	return t;
}

/* Breaks every IPC relation t is part of. */
static void
detach_ipc(struct thread *t)
{
	if (t->state == T_BLOCKED_SEND || t->state == T_BLOCKED_RECV)
		endpoint_dequeue(t->waiting_on, t);
	else if (t->state == T_BLOCKED_WAIT)
		notification_dequeue(t->waiting_on, t);
	if (t->replier) {
		KASSERT(t->replier->reply_to == t);
		t->replier->reply_to = NULL;
		t->replier = NULL;
	}
	/* Our caller would wait for ever: wake it with an error. */
	ipc_abandon_reply(t);
	t->waiting_on = NULL;
}

/* 1 when t is the current thread of some CPU (its stack is in use). */
static int
running_somewhere(const struct thread *t)
{
	for (int i = 0; i < ncpus; i++) {
		if (cpus[i].current == t)
			return 1;
	}
	return 0;
}

void
thread_kill(struct thread *t)
{
	int elsewhere;

	if (t->state == T_DEAD)
		return;
	if (t->state == T_READY)
		sched_remove(t);
	detach_ipc(t);
	elsewhere = t->state == T_RUNNING && t != sched_current();
	t->state = T_DEAD;
	t->qnext = zombies;
	zombies = t;
	t->proc->threads--;
	t->proc->unreaped++;
	*t->pprev = t->pnext;
	if (t->pnext)
		t->pnext->pprev = t->pprev;
	t->pnext = NULL;
	t->pprev = NULL;
	if (t == sched_current()) {
		/*
		 * Leave at once, unless a teardown by the reaper killed us: it
		 * finishes first, and then the reaper leaves for us.
		 */
		if (!reaping)
			schedule();	/* never returns: the reaper frees the stack */
	} else if (elsewhere) {
		/* Its CPU leaves it at its next kernel entry; make that now. */
		lapic_send_ipi(cpus[t->cpu].apic_id, VEC_RESCHED);
	} else {
		thread_reap();
	}
}

/*
 * The reaper is held off while the threads die: a kill may reap and so
 * tear down processes, whose deleted capabilities could kill more of
 * p's threads and free p under the loop. Holding it off keeps p and
 * its list valid; the one reap at the end frees everything, p included,
 * and leaves for the caller if it was killed.
 */
void
thread_kill_process(struct process *p)
{
	KASSERT(!reaping);
	reaping = 1;
	while (p->live)
		thread_kill(p->live);
	reaping = 0;
	thread_reap();
}

void
thread_release(struct thread *t)
{
	t->has_caps = 0;
	if (t->state != T_DEAD)
		thread_kill(t);		/* the reaper frees the object too */
	else if (t->kstack == 0)
		memory_free(t->mem, t, sizeof(*t));	/* reaped already */
	else
		thread_reap();		/* still a zombie: frees it once off-CPU */
}

/* Called once on a new thread's stack, before its first entry to user mode. */
void thread_started(void);

void
thread_started(void)
{
	thread_reap();
	bkl_unlock();
}

/*
 * Frees what dead threads leave once no CPU runs on them: the stack,
 * the object when no capability names it, and the process when this was
 * its last thread. The process goes only here because another CPU may
 * still be running its last thread on its page tables until that CPU
 * switches away. Tearing a process down deletes capabilities, which can
 * call back in here; the flag makes such calls no-ops and the outer loop
 * starts over after each process. The capabilities deleted may include
 * the last one to the current thread: it is killed, finishes the
 * teardown, and leaves at the end.
 */
void
thread_reap(void)
{
	struct thread **pp;

	if (zombies == NULL || reaping)
		return;		/* the common case, on every switch */
	reaping = 1;
again:
	pp = &zombies;
	while (*pp) {
		struct thread *t = *pp;
		struct process *p = t->proc;

		if (running_somewhere(t)) {
			pp = &t->qnext;
			continue;
		}
		*pp = t->qnext;
		t->qnext = NULL;
		kstack_free(t->kstack, t->kstack_pa);
		memory_refund(t->mem, KSTACK_BYTES);
		t->kstack = 0;
		/* The process may go below: a dead thread points at none. */
		t->proc = NULL;
		if (!t->has_caps)
			memory_free(t->mem, t, sizeof(*t));
		/* Otherwise capabilities still name it: thread_release frees it. */
		if (--p->unreaped == 0 && p->threads == 0) {
			proc_exited(p);
			goto again;
		}
	}
	reaping = 0;
	if (sched_current()->state == T_DEAD)
		schedule();	/* killed by a teardown above: never returns */
}
