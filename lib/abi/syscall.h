/*
 * System call numbers and register conventions. docs/syscalls.md has the
 * table of arguments, rights and errors.
 *
 * Entry: SYSCALL with the number in rax and arguments in rdi, rsi, rdx,
 * r10, r8, r9. Exit: rax holds the result (>= 0) or an E_* error; IPC
 * calls also return the badge in rdi and the message in rsi, rdx, r10,
 * r8, r9. Every other register comes back as the caller left it, except
 * rcx and r11, which the instruction itself uses (return address, flags).
 */
#ifndef LIB_ABI_SYSCALL_H
#define LIB_ABI_SYSCALL_H

enum nonos_syscall {
	SYS_NULL = 0,		/* does nothing; for measuring entry and exit */
	SYS_CONSOLE_WRITE,	/* (console, buf, len) */
	SYS_CAP_INFO,		/* (slot, struct cap_info *out) */
	SYS_CAP_DERIVE,		/* (src, dst, rights, badge) */
	SYS_CAP_MOVE,		/* (src, dst) */
	SYS_CAP_DELETE,		/* (slot) */
	SYS_CAP_REVOKE,		/* (slot) -> number deleted */
	SYS_CAP_SEAL,		/* (slot, rights, lifetime ticks, uint8_t out[80]) */
	SYS_CAP_UNSEAL,		/* (const uint8_t in[80], dst) */
	SYS_ENDPOINT_CREATE,	/* (memory, dst) */
	SYS_NOTIFICATION_CREATE, /* (memory, dst) */
	SYS_FRAME_CREATE,	/* (memory, dst, pages) */
	SYS_MAP,		/* (frame, vaddr, rights) */
	SYS_UNMAP,		/* (frame, vaddr) */
	SYS_THREAD_CREATE,	/* (memory, dst, entry, stack top, arg) */
	SYS_THREAD_EXIT,	/* () never returns */
	SYS_THREAD_KILL,	/* (thread) */
	SYS_YIELD,		/* () */
	SYS_SEND,		/* (endpoint, tag, m0, m1, m2, m3) */
	SYS_NBSEND,		/* like SEND but E_AGAIN instead of blocking */
	SYS_RECV,		/* (endpoint, recv slot) -> badge, tag, m0..m3 */
	SYS_NBRECV,		/* like RECV but E_AGAIN instead of blocking */
	SYS_CALL,		/* (endpoint, tag, m0..m3) -> reply */
	SYS_REPLY,		/* (tag, m0..m3) to the last caller */
	SYS_REPLY_RECV,		/* reply, then receive on (endpoint) */
	SYS_SIGNAL,		/* (notification) */
	SYS_WAIT,		/* (notification) -> bits */
	SYS_POLL,		/* (notification) -> bits, never blocks */
	SYS_TICKS,		/* () -> timer ticks since boot */
	SYS_MEMORY_INFO,	/* (memory, uint64_t out[2]) limit and used bytes */
	SYS_MEMORY_SPLIT,	/* (memory, dst, bytes): a child quota carved from memory */
	SYS_IOPORT_CREATE,	/* (ioport, dst, first port, count): a sub-range */
	SYS_IOPORT_IN,		/* (ioport, port, width 1/2/4) -> value */
	SYS_IOPORT_OUT,		/* (ioport, port, width, value) */
	SYS_IRQ_CREATE,		/* (irq control, dst, line): the capability to one line */
	SYS_IRQ_BIND,		/* (irq, notification): deliver the line as signals */
	SYS_IRQ_ACK,		/* (irq): unmask the line after handling it */
	SYS_TIMER_NOTIFY,	/* (notification, ticks): signal it once after ticks */
	SYS_SPAWN,		/* (spawn, const struct spawn_args *) -> pid */
	SYS_MACHINE,		/* (machine, op): MACHINE_POWEROFF or MACHINE_REBOOT */
	SYS_CONSOLE_LOG,	/* (console, buf, len) -> the newest bytes of the kernel log */
	SYS_CONSOLE_SCROLL,	/* (console, lines): scroll the screen back (>0) or forward */
	SYS_MAP_ANON,		/* (memory, vaddr, pages, rights): fresh private pages */
	SYS_AUDIT,		/* () -> problems the capability audit found (option audit) */
	SYS_COUNT
};

/*
 * Message tag (rsi): a label in bits 0..31; TAG_CAP offers the capability
 * in the slot given by bits 40..47; for SYS_CALL, bits 48..55 name the
 * empty slot where a capability in the reply may go.
 */
#define TAG_CAP			(1ULL << 32)
#define TAG_CAP_SLOT(t)		(((t) >> 40) & 0xff)
#define TAG_RECV_SLOT(t)	(((t) >> 48) & 0xff)
#define TAG_SLOTS_MASK		(0xffffULL << 40)
#define TAG_LABEL(t)		((t) & 0xffffffffULL)
/* Set by the kernel in a received tag when a capability was offered but not delivered. */
#define TAG_CAP_DROPPED	(1ULL << 33)

/*
 * A capability given to a new process: the caller's slot src, derived
 * with rights into the child's slot dst (dst >= SLOT_FIRST_FREE, or
 * SLOT_CONSOLE). The child's memory quota (SLOT_MEMORY) is moved from the
 * caller's slot `memory`: the child owns it from then on.
 */
struct spawn_cap {
	unsigned int src;
	unsigned int dst;
	unsigned int rights;
	unsigned int pad;
};

#define SPAWN_MAX_CAPS	16

struct spawn_args {
	char module[48];		/* boot module name, NUL-terminated */
	unsigned long long memory;	/* caller's slot holding the child's quota */
	unsigned long long thread_dst;	/* caller's slot for the child's thread cap */
	unsigned long long arg;		/* the child's main() argument */
	unsigned long long exit_notify;	/* slot of a notification signalled when the
					   child's last thread ends (0: none) */
	unsigned int ncaps;
	unsigned int priority;		/* at most the caller's */
	struct spawn_cap caps[SPAWN_MAX_CAPS];
};

struct cap_info {
	unsigned int type;	/* enum cap_type */
	unsigned int rights;
	unsigned long long badge;
	unsigned long long object_id;
	unsigned long long size;	/* frames: bytes; 0 for other objects */
};

/* Well-known slots of the root task's capability space. */
#define SLOT_NULL	0
#define SLOT_CNODE	1	/* its own capability space */
#define SLOT_VSPACE	2	/* its own address space */
#define SLOT_THREAD	3	/* its first thread */
#define SLOT_MEMORY	4	/* its kernel-memory quota */
#define SLOT_CONSOLE	5	/* the kernel console */
#define SLOT_IOPORT	6	/* every I/O port (root task only) */
#define SLOT_IRQ	7	/* IRQ control: makes one capability per line */
#define SLOT_SPAWN	8	/* may start boot modules as processes (root task only) */
#define SLOT_MACHINE	9	/* may power off or reboot (root task only) */

#define MACHINE_POWEROFF	0	/* wipe RAM, then power off */
#define MACHINE_REBOOT		1	/* wipe RAM, then reset */
#define SLOT_FIRST_FREE	16

#define CNODE_SLOTS	256	/* slots per capability space */
#define USER_PAGE	4096	/* bytes per page */
#define FRAME_MAX_PAGES	16	/* pages per frame object (contiguous) */
#define MAP_ANON_MAX	4096	/* pages per SYS_MAP_ANON (16 MiB): bounds one call's work */
#define USER_TOP	0x00007ffffffff000ULL	/* first byte above user space */

#endif
