/*
 * Threads: a kernel stack (with an unmapped guard page below it), saved
 * user registers, a scheduling priority and IPC state.
 *
 * Lifetime: a thread runs until it exits or is killed; its object lives
 * until its last capability is deleted as well. Dead threads leave the
 * run queue and every IPC queue at once; their stacks are freed by the
 * reaper once no CPU runs on them, and so is the process of a last
 * thread (its page tables may be in use until then).
 */
#ifndef KERNEL_OBJ_THREAD_H
#define KERNEL_OBJ_THREAD_H

#include <stdint.h>

#include "kernel/arch/x86_64/trap.h"
#include "lib/abi/nonos.h"
#include "lib/cap/cap.h"

#define NPRIO		32	/* priorities 0 (lowest) .. 31 */
#define KSTACK_PAGES	4

enum thread_state {
	T_READY,
	T_RUNNING,
	T_BLOCKED_SEND,		/* on an endpoint's send queue */
	T_BLOCKED_RECV,		/* on an endpoint's receive queue */
	T_BLOCKED_REPLY,	/* a call waiting for its reply */
	T_BLOCKED_WAIT,		/* on a notification */
	T_DEAD,
};

struct process;
struct endpoint;
struct notification;

struct thread {
	struct kobj hdr;		/* first: capabilities point here */
	_Alignas(16) uint8_t fpu[512];	/* x87/SSE registers (FXSAVE image) */
	enum thread_state state;
	int priority;
	uint32_t tid;
	int has_caps;			/* 0 once its last capability is deleted */
	uint64_t ksp;			/* saved kernel stack pointer */
	uint64_t kstack;		/* lowest address of the stack (above the guard); 0 once freed */
	uint64_t kstack_pa;
	struct trapframe *tf;		/* user registers, at the top of the stack */
	struct process *proc;		/* NULL once reaped: the process may be gone */
	struct memory *mem;		/* pays for this thread */
	struct thread *qnext;		/* run queue or wait queue link */
	struct thread *pnext;		/* the process's live threads (proc->live) */
	struct thread **pprev;		/* the link pointing at us while live */
	int slice;			/* ticks left */
	unsigned cpu;			/* the CPU whose run queue it joins */

	/* IPC */
	void *waiting_on;		/* endpoint or notification */
	uint64_t msg[5];		/* tag, m0..m3 of a blocked send */
	uint64_t badge;			/* badge of the endpoint cap used to send */
	int send_grant;			/* the sender's endpoint cap had RIGHT_GRANT */
	int is_call;
	uint64_t recv_slot;		/* where a received capability goes */
	struct thread *reply_to;	/* the caller we owe a reply */
	struct thread *replier;		/* for a caller: who holds our reply */
	int64_t ipc_result;
	/* The window lent to the server of call number win_call (kernel/window.h). */
	uint64_t calls;			/* SYS_CALLs made */
	uint64_t win_call;
	uint64_t win_va, win_len;
	uint32_t win_rights;		/* 0: none */
};

/* Sizes the kernel-stack slots for a machine of frames pages (at boot). */
void thread_init(uint64_t frames);

/*
 * Creates a ready-to-run thread of p starting at entry with stack top
 * stack and rdi = arg, charged to m. NULL when out of memory.
 */
struct thread *thread_create(struct process *p, struct memory *m, uint64_t entry,
    uint64_t stack, uint64_t arg, int priority);

/* Takes t off every queue, wakes its callers with E_DEAD and marks it dead. */
void thread_kill(struct thread *t);

/*
 * Kills every live thread of p, the caller too if it is one of them;
 * p is torn down by the reaper once the last is off its CPU, so p must
 * not be used after this returns (and it does not return to a killed
 * caller).
 */
void thread_kill_process(struct process *p);

/* Releases the object (last capability gone); kills it first if needed. */
void thread_release(struct thread *t);

/* Frees what dead threads left once no CPU runs on them (called on every switch). */
void thread_reap(void);

#endif
