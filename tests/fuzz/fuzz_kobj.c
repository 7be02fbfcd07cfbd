/*
 * Fuzzes the kernel's object model through its system calls: the real
 * kernel sources (syscall.c, obj/, proc.c, seal.c, vspace.c, lib/cap) on
 * the fake machine of tests/kfuzz/host_kernel.c.
 *
 * An input is a sequence of 8-byte operations [op, thread, a..f]. Each
 * runs as one system call of a thread the input picks among those that
 * could run (ready or running), with a trapframe on that thread's kernel
 * stack, as syscall.S would build it; the reaper runs after each, as it
 * does on every switch. The root task starts from module "init" with a
 * 4 MiB quota and every boot capability; other processes come from
 * SYS_SPAWN.
 *
 * Checked, besides ASan/UBSan and kernel panics:
 *  - after every operation, the kernel holds no more heap and pages than
 *    the root quota has charged, plus the root quota's own object: every
 *    object a process causes (process records, seal records and timers
 *    included) is paid from a quota;
 *  - at the end, once every thread is killed and reaped and the sealed
 *    tokens are dropped (what a reboot does), nothing is left: no thread,
 *    no ready thread, no kernel stack, no page, no heap block, and the
 *    root quota has nothing charged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/arch/x86_64/lapic.h"
#include "kernel/kernel.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/obj/cnode.h"
#include "kernel/proc.h"
#include "kernel/seal.h"
#include "kernel/sched.h"
#include "kernel/timer.h"
#include "lib/abi/syscall.h"
#include "tests/kfuzz/host_kernel.h"

#define OP_BYTES	8
#define ROOT_QUOTA	(4ULL << 20)
#define ROOT_PRIO	10
#define TOKEN_SLOTS	16
#define U_TOKENS	HOST_USER_BASE			/* TOKEN_SLOTS tokens */
#define U_OUT		(HOST_USER_BASE + 0x4000)	/* info results */
#define U_SPAWN		(HOST_USER_BASE + 0x8000)	/* struct spawn_args */
#define U_IOV		(HOST_USER_BASE + 0xa000)	/* struct window_iov[] */
#define U_DATA		(HOST_USER_BASE + 0xc000)	/* what window copies move */
#define MAP_BASE	0x40000000ULL

enum op {
	OP_SPAWN, OP_THREAD_CREATE, OP_THREAD_EXIT, OP_THREAD_KILL,
	OP_SEND, OP_RECV, OP_REPLY, OP_REPLY_RECV,
	OP_SEAL, OP_UNSEAL, OP_DERIVE, OP_MOVE, OP_DELETE, OP_REVOKE,
	OP_FRAME_CREATE, OP_MAP, OP_UNMAP, OP_MAP_ANON, OP_SPLIT,
	OP_ENDPOINT, OP_NOTIFICATION, OP_SIGNAL, OP_WAIT, OP_TIMER_NOTIFY,
	OP_TICK, OP_YIELD, OP_INFO, OP_DEVICE, OP_FAIL, OP_RAW, OP_PCI,
	OP_WINDOW, OP_WINDOW_COPY,
	OP_COUNT
};

void syscall_dispatch(struct trapframe *tf);
extern int host_fail_allocs;

static struct memory *root_mem;

static void
fail(const char *what)
{
	fprintf(stderr, "fuzz_kobj: %s (heap %llu blocks %llu bytes, %llu pages, "
	    "%llu stacks, %d threads, root quota used %llu)\n", what,
	    (unsigned long long)host_counts.heap_blocks,
	    (unsigned long long)host_counts.heap_bytes,
	    (unsigned long long)host_counts.pages,
	    (unsigned long long)host_counts.kstacks, host_nthreads,
	    root_mem ? (unsigned long long)root_mem->used : 0ULL);
	abort();
}

/* A slot index: the well-known slots and the first free ones. */
static uint64_t
slot(uint8_t b)
{
	return b % 48;
}

static uint64_t
token_at(uint8_t b)
{
	return U_TOKENS + (uint64_t)(b % TOKEN_SLOTS) * CAP_TOKEN_LEN;
}

/* A user address for mappings: mostly valid, sometimes not. */
static uint64_t
map_va(uint8_t b)
{
	if (b == 0xff)
		return USER_TOP - PAGE_SIZE;
	if (b == 0xfe)
		return MAP_BASE + 123;		/* unaligned */
	if (b == 0xfd)
		return 0;
	return MAP_BASE + (uint64_t)(b % 32) * 16 * PAGE_SIZE;
}

static uint64_t
map_rights(uint8_t b)
{
	static const uint64_t r[] = { RIGHT_READ, RIGHT_READ | RIGHT_WRITE,
	    RIGHT_READ | RIGHT_EXEC, RIGHT_WRITE | RIGHT_EXEC, 0, RIGHT_GRANT };

	return r[b % 6];
}

/* A message tag: a label, maybe a capability offered, maybe a reply slot. */
static uint64_t
tag(uint8_t label, uint8_t cap, uint8_t recv)
{
	uint64_t t = label;

	if (cap)
		t |= TAG_CAP | slot(cap) << 40;
	t |= slot(recv) << 48;
	return t;
}

/* One system call by thread t with arguments in the SYSCALL registers. */
static int64_t
sys(struct thread *t, uint64_t nr, uint64_t rdi, uint64_t rsi, uint64_t rdx,
    uint64_t r10, uint64_t r8, uint64_t r9)
{
	struct trapframe *tf = t->tf;

	host_switch(t);
	tf->rax = nr;
	tf->rdi = rdi;
	tf->rsi = rsi;
	tf->rdx = rdx;
	tf->r10 = r10;
	tf->r8 = r8;
	tf->r9 = r9;
	syscall_dispatch(tf);
	return (int64_t)tf->rax;
}

static int64_t
spawn(struct thread *t, const uint8_t *o)
{
	struct spawn_args a;
	uint32_t mod = o[2] % (HOST_MODULES + 1);
	uint32_t lower = (o[2] >> 2) & 3;

	memset(&a, 0, sizeof(a));
	snprintf(a.module, sizeof(a.module), "%s",
	    mod < HOST_MODULES ? boot_info->modules[mod].name : "nosuch");
	a.memory = slot(o[3]);
	a.thread_dst = slot(o[4]);
	a.exit_notify = o[5] ? slot(o[5]) : 0;
	a.priority = t->priority > (int)lower ? (unsigned)t->priority - lower : 0;
	a.arg = o[0];
	if (o[6]) {
		a.caps[a.ncaps].src = (unsigned)slot(o[6]);
		a.caps[a.ncaps].dst = SLOT_FIRST_FREE;
		a.caps[a.ncaps++].rights = RIGHTS_ALL;
	}
	if (o[7]) {
		a.caps[a.ncaps].src = (unsigned)slot(o[7]);
		a.caps[a.ncaps].dst = SLOT_FIRST_FREE + 1;
		a.caps[a.ncaps++].rights = o[7] & 0x80 ? RIGHT_READ | RIGHT_WRITE : RIGHTS_ALL;
	}
	memcpy(host_user_mem + (U_SPAWN - HOST_USER_BASE), &a, sizeof(a));
	return sys(t, SYS_SPAWN, o[2] & 0x80 ? SLOT_FIRST_FREE : SLOT_SPAWN, U_SPAWN,
	    0, 0, 0, 0);
}

static void
device(struct thread *t, const uint8_t *o)
{
	switch (o[2] % 6) {
	case 0:
		sys(t, SYS_IOPORT_CREATE, slot(o[3]), slot(o[4]), 0x3f8 + o[5] % 16,
		    o[6] % 16, 0, 0);
		break;
	case 1:
		sys(t, SYS_IOPORT_IN, slot(o[3]), 0x3f8 + o[5] % 16, 1u << (o[6] % 3),
		    0, 0, 0);
		break;
	case 2:
		sys(t, SYS_IOPORT_OUT, slot(o[3]), 0x3f8 + o[5] % 16, 1u << (o[6] % 3),
		    o[7], 0, 0);
		break;
	case 3:
		sys(t, SYS_IRQ_CREATE, slot(o[3]), slot(o[4]), o[5] % 26, 0, 0, 0);
		break;
	case 4:
		sys(t, SYS_IRQ_BIND, slot(o[3]), slot(o[4]), 0, 0, 0, 0);
		break;
	default:
		sys(t, SYS_IRQ_ACK, slot(o[3]), 0, 0, 0, 0, 0);
		break;
	}
}

/* The PCI calls on the fake bus (tests/kfuzz/host_kernel.c: bdf 0x18, 0x20). */
static void
pci(struct thread *t, const uint8_t *o)
{
	static const uint64_t bdfs[] = { 0x18, 0x20, 0x19, 0x10000 };

	switch (o[2] % 7) {
	case 0:
		sys(t, SYS_PCI_INFO, slot(o[3]), o[4] % 3, U_OUT, 0, 0, 0);
		break;
	case 1:
		sys(t, SYS_PCI_CREATE, o[3] & 1 ? SLOT_PCI : slot(o[3]), slot(o[4]),
		    bdfs[o[5] % 4], 0, 0, 0);
		break;
	case 2:
		sys(t, SYS_PCI_CONFIG_READ, slot(o[3]), (uint64_t)o[4] << 4 | o[5] % 16,
		    1u << (o[6] % 3), 0, 0, 0);
		break;
	case 3:
		sys(t, SYS_PCI_CONFIG_WRITE, slot(o[3]), o[4] & 1 ? 4 + o[5] % 4 : o[5],
		    1u << (o[6] % 3), (uint64_t)o[7] << (o[6] & 8 ? 8 : 0), 0, 0);
		break;
	case 4:
		sys(t, SYS_PCI_BAR, slot(o[3]), slot(o[4]), slot(o[5]), o[6] % 7, 0, 0);
		break;
	case 5:
		sys(t, SYS_PCI_MSI, slot(o[3]), o[4] % 10, slot(o[5]), 0, 0, 0);
		break;
	default:
		sys(t, SYS_DMA_CREATE, slot(o[3]), slot(o[4]), slot(o[5]), o[6] % 18, 0, 0);
		break;
	}
}

/*
 * SYS_WINDOW_COPY with 0..4 pieces of the user data area, some reaching
 * past the user window (a fault midway), in either direction.
 */
static void
window_copy_op(struct thread *t, const uint8_t *o)
{
	struct window_iov *v = (struct window_iov *)(host_user_mem + (U_IOV - HOST_USER_BASE));
	uint64_t n = o[3] % 5;

	for (uint64_t i = 0; i < n; i++) {
		v[i].va = U_DATA + (i * 997 + o[4]) % 0x2000;
		v[i].len = ((uint64_t)o[5] + i * 13) * 37 % 9000;
	}
	sys(t, SYS_WINDOW_COPY, o[2] % 3, (uint64_t)o[6] * 64, U_IOV, n, 0, 0);
}

/* Runs one operation as thread t. */
static void
run_op(struct thread *t, const uint8_t *o)
{
	static const uint64_t sends[] = { SYS_SEND, SYS_NBSEND, SYS_CALL };
	uint8_t a = o[2], b = o[3], c = o[4], d = o[5], e = o[6], f = o[7];

	switch (o[0] % OP_COUNT) {
	case OP_SPAWN:
		spawn(t, o);
		break;
	case OP_THREAD_CREATE:
		sys(t, SYS_THREAD_CREATE, slot(a), slot(b), 0x400000,
		    0x7fff00000000ULL, c, 0);
		break;
	case OP_THREAD_EXIT:
		sys(t, SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
		break;
	case OP_THREAD_KILL:
		sys(t, SYS_THREAD_KILL, slot(a), b % 3, 0, 0, 0, 0);	/* 1 KILL_PROCESS, 2 invalid */
		break;
	case OP_SEND:
		sys(t, sends[b % 3], slot(a), tag(c, d, e), f, 0, 0, 0);
		break;
	case OP_RECV:
		sys(t, b & 1 ? SYS_NBRECV : SYS_RECV, slot(a), slot(c), 0, 0, 0, 0);
		break;
	case OP_REPLY:
		sys(t, SYS_REPLY, tag(a, b, 0), c, d, 0, 0, 0);
		break;
	case OP_REPLY_RECV:
		sys(t, SYS_REPLY_RECV, slot(a), tag(b, c, d), e, 0, 0, 0);
		break;
	case OP_SEAL:
		sys(t, SYS_CAP_SEAL, slot(a), b & 0x80 ? RIGHTS_ALL : b & RIGHTS_ALL,
		    c < 200 ? 0 : c - 199U, d == 0xff ? 0 : token_at(d), 0, 0);
		break;
	case OP_UNSEAL:
		sys(t, SYS_CAP_UNSEAL, token_at(a), slot(b), 0, 0, 0, 0);
		break;
	case OP_DERIVE:
		sys(t, SYS_CAP_DERIVE, slot(a), slot(b), c & 0x80 ? RIGHTS_ALL : c & 0x3f,
		    d, 0, 0);
		break;
	case OP_MOVE:
		sys(t, SYS_CAP_MOVE, slot(a), slot(b), 0, 0, 0, 0);
		break;
	case OP_DELETE:
		sys(t, SYS_CAP_DELETE, slot(a), 0, 0, 0, 0, 0);
		break;
	case OP_REVOKE:
		sys(t, SYS_CAP_REVOKE, slot(a), 0, 0, 0, 0, 0);
		break;
	case OP_FRAME_CREATE:
		sys(t, SYS_FRAME_CREATE, slot(a), slot(b), c % 18, 0, 0, 0);
		break;
	case OP_MAP:
		sys(t, SYS_MAP, slot(a), map_va(b), map_rights(c), 0, 0, 0);
		break;
	case OP_UNMAP:
		sys(t, SYS_UNMAP, slot(a), map_va(b), 0, 0, 0, 0);
		break;
	case OP_MAP_ANON:
		sys(t, SYS_MAP_ANON, slot(a), map_va(b), c % 10, map_rights(d), 0, 0);
		break;
	case OP_SPLIT:
		sys(t, SYS_MEMORY_SPLIT, slot(a), slot(b), ((uint64_t)c << 8 | d) * 64,
		    0, 0, 0);
		break;
	case OP_ENDPOINT:
		sys(t, SYS_ENDPOINT_CREATE, slot(a), slot(b), 0, 0, 0, 0);
		break;
	case OP_NOTIFICATION:
		sys(t, SYS_NOTIFICATION_CREATE, slot(a), slot(b), 0, 0, 0, 0);
		break;
	case OP_SIGNAL:
		sys(t, SYS_SIGNAL, slot(a), 0, 0, 0, 0, 0);
		break;
	case OP_WAIT:
		sys(t, b & 1 ? SYS_POLL : SYS_WAIT, slot(a), 0, 0, 0, 0, 0);
		break;
	case OP_TIMER_NOTIFY:
		sys(t, SYS_TIMER_NOTIFY, slot(a), b, 0, 0, 0, 0);
		break;
	case OP_TICK:
		/* The boot CPU's timer interrupt, whatever runs. */
		timer_ticks += a + 1U;
		timer_expire(timer_ticks);
		break;
	case OP_YIELD:
		sys(t, SYS_YIELD, 0, 0, 0, 0, 0, 0);
		break;
	case OP_INFO:
		sys(t, b & 1 ? SYS_MEMORY_INFO : SYS_CAP_INFO, slot(a), U_OUT, 0, 0, 0, 0);
		break;
	case OP_DEVICE:
		device(t, o);
		break;
	case OP_PCI:
		pci(t, o);
		break;
	case OP_WINDOW: {
		static const uint64_t r[] = { RIGHT_WRITE, RIGHT_READ, RIGHT_READ | RIGHT_WRITE,
		    0, RIGHT_GRANT };

		sys(t, SYS_WINDOW, map_va(a) + (uint64_t)(b % 16) * 256, (uint64_t)c * 512,
		    r[d % 5], 0, 0, 0);
		break;
	}
	case OP_WINDOW_COPY:
		window_copy_op(t, o);
		break;
	case OP_FAIL:
		/* The a-th kernel allocation from now fails (heap or pages). */
		host_fail_allocs = a + 1;
		break;
	default:
		/* Any call but SYS_MACHINE, with small arguments. */
		if (a % SYS_COUNT != SYS_MACHINE)
			sys(t, a % SYS_COUNT, slot(b), slot(c), d, e, f, 0);
		break;
	}
}

/* The thread the input names among those that could run, or NULL. */
static struct thread *
pick(uint8_t b)
{
	struct thread *can[HOST_MAX_THREADS];
	int n = 0;

	for (int i = 0; i < host_nthreads; i++) {
		enum thread_state s = host_threads[i]->state;

		if (s == T_READY || s == T_RUNNING)
			can[n++] = host_threads[i];
	}
	return n ? can[b % n] : NULL;
}

/* Everything the kernel allocated is charged to the root quota (see the head comment). */
static void
check_charged(void)
{
	uint64_t held = host_counts.heap_bytes + host_counts.pages * PAGE_SIZE;
	uint64_t allowed = root_mem->used + sizeof(struct memory);

	if (held > allowed) {
		fprintf(stderr, "fuzz_kobj: kernel holds %llu bytes, quotas paid for %llu\n",
		    (unsigned long long)held, (unsigned long long)allowed);
		fail("kernel memory not charged to any quota");
	}
}

/* Kills every thread, reaps, drops the sealed tokens; then nothing may remain. */
static void
teardown(void)
{
	host_fail_allocs = 0;
	host_switch(NULL);
	for (;;) {
		struct thread *victim = NULL;

		for (int i = 0; i < host_nthreads && victim == NULL; i++) {
			if (host_threads[i]->state != T_DEAD)
				victim = host_threads[i];
		}
		if (victim == NULL)
			break;
		thread_kill(victim);
	}
	thread_reap();
	for (struct seal_rec *r = seal_table.head; r; r = r->next)
		cap_delete(&r->anchor, &kobj_ops);
	seal_reap(timer_ticks);
	thread_reap();
	if (host_nthreads != 0)
		fail("thread objects left after teardown");
	if (this_cpu()->nonempty != 0)
		fail("ready threads left after teardown");
	if (root_mem->hdr.caps != 0 || root_mem->used != 0)
		fail("root quota still charged after teardown");
	/* Root quotas are never freed by the kernel; a reboot drops them. */
	kfree(root_mem);
	root_mem = NULL;
	if (host_counts.heap_blocks != 0 || host_counts.pages != 0 ||
	    host_counts.kstacks != 0)
		fail("kernel memory leaked");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int booted;
	struct process *root;

	if (!booted) {
		host_boot();
		booted = 1;
	}
	memset(host_user_mem, 0, sizeof(host_user_mem));
	root = proc_start_root(&boot_info->modules[0], ROOT_QUOTA, ROOT_PRIO, 0);
	if (root == NULL)
		fail("cannot start the root task");
	root_mem = root->mem;
	for (size_t off = 0; off + OP_BYTES <= size; off += OP_BYTES) {
		const uint8_t *o = data + off;
		struct thread *t = pick(o[1]);

		if (t != NULL || o[0] % OP_COUNT == OP_TICK)
			run_op(t, o);
		/* Another thread runs next: the reaper frees what died. */
		host_switch(NULL);
		thread_reap();
		check_charged();
	}
	teardown();
	return 0;
}
