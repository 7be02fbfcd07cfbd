/*
 * The system call ABI: register conventions, message tags, spawn arguments
 * and well-known slots. The numbers come from lib/abi/syscalls.tab (see
 * syscall_nr.h); docs/syscalls.md has each call's arguments, rights and
 * errors.
 *
 * Entry: SYSCALL with the number in rax and arguments in rdi, rsi, rdx,
 * r10, r8, r9. Exit: rax holds the result (>= 0) or an E_* error; IPC
 * calls also return the badge in rdi and the message in rsi, rdx, r10,
 * r8, r9. Every other register comes back as the caller left it, except
 * rcx and r11, which the instruction itself uses (return address, flags).
 */
#ifndef LIB_ABI_SYSCALL_H
#define LIB_ABI_SYSCALL_H

#include "lib/abi/syscall_nr.h"

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

/*
 * One PCI function (SYS_PCI_INFO). bdf = bus << 8 | device << 3 | function.
 * BAR sizes are in bytes, 0 for an absent or I/O BAR or the upper half
 * of a 64-bit BAR; bar_io marks I/O BARs.
 */
struct pci_info {
	unsigned short bdf, vendor, device;
	unsigned char class_code, subclass, prog_if, irq_pin;	/* irq_pin 0: none */
	unsigned char irq_line;		/* I/O APIC input for INTx (the config byte) */
	unsigned char msix;		/* 1 if the function has MSI-X */
	unsigned short msix_count;	/* entries in its MSI-X table; 0 without MSI-X */
	unsigned char msi;		/* 1 if it has MSI */
	unsigned char iommu;		/* 1 if VT-d confines this function */
	unsigned char pad[2];
	unsigned long long bar_size[6];
	unsigned char bar_io[6];
	unsigned char pad2[2];
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
#define SLOT_PCI	10	/* PCI control: makes one capability per function (root task only) */
#define SLOT_COUNTER	11	/* the vault rollback counter (root task only) */

/*
 * SYS_CLOCK's answer: UTC seconds since 1970 (whole seconds only) and
 * where the boot's reading came from. CLOCK_CHECKED: both the UEFI and
 * the CMOS clock were read and agreed. No source is authenticated
 * (docs/syscalls.md); flags 0 means there is no clock (seconds 0).
 */
struct clock_info {
	long long seconds;
	unsigned int flags;
	unsigned int pad;
};

#define CLOCK_EFI	0x1	/* UEFI GetTime, read by the loader */
#define CLOCK_CMOS	0x2	/* the CMOS real-time clock, read by the kernel */
#define CLOCK_CHECKED	0x4	/* both read at boot, within WALLCLOCK_AGREE seconds */

/* SYS_COUNTER operations. */
#define COUNTER_READ	0	/* -> the counter's value */
#define COUNTER_ADVANCE	1	/* raises it to value (> current), durably */

/*
 * IPC windows (SYS_WINDOW, SYS_WINDOW_COPY; docs/syscalls.md). A caller
 * lends the server of its next call a range of its own memory; the server
 * copies into it (WINDOW_TO_CALLER, needs the window's WRITE right) or
 * out of it (WINDOW_FROM_CALLER, READ) through the kernel, one copy with
 * no shared buffer in between. The window ends when that call returns.
 * A copy names up to WINDOW_IOV_MAX pieces of the server's own memory,
 * WINDOW_COPY_MAX bytes in all, laid end to end in the window from off.
 */
struct window_iov {
	unsigned long long va;
	unsigned long long len;
};

#define WINDOW_TO_CALLER	0
#define WINDOW_FROM_CALLER	1
#define WINDOW_IOV_MAX		64
#define WINDOW_COPY_MAX		(256u * 1024)	/* bounds one call's work under the kernel lock */

#define MACHINE_POWEROFF	0	/* wipe RAM, then power off */
#define MACHINE_REBOOT		1	/* wipe RAM, then reset */

#define KILL_PROCESS	1	/* SYS_THREAD_KILL: every thread of the thread's process */
#define SLOT_FIRST_FREE	16

#define CNODE_SLOTS	256	/* slots per capability space */
#define USER_PAGE	4096	/* bytes per page */
#define FRAME_MAX_PAGES	16	/* pages per frame object (contiguous) */
#define RANDOM_MAX	256	/* bytes per SYS_RANDOM */
#define MAP_ANON_MAX	4096	/* pages per SYS_MAP_ANON (16 MiB): bounds one call's work */
#define USER_TOP	0x00007ffffffff000ULL	/* first byte above user space */

#endif
