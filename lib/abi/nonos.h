/*
 * The NØNOS user/kernel interface: error codes, capability types and
 * rights. Shared by the kernel, user programs and host tests; values are
 * part of the ABI and never change meaning. docs/syscalls.md documents
 * the system calls that use them.
 */
#ifndef LIB_ABI_NONOS_H
#define LIB_ABI_NONOS_H

/* Errors: every system call returns 0 (or a value) or one of these. */
enum nonos_error {
	E_OK = 0,
	E_INVAL = -1,		/* malformed argument */
	E_FAULT = -2,		/* a user pointer or length is not valid user memory */
	E_NOCAP = -3,		/* the slot is empty */
	E_TYPE = -4,		/* the capability is of the wrong type */
	E_RIGHTS = -5,		/* the capability lacks a required right */
	E_BUSY = -6,		/* the destination slot is occupied */
	E_NOMEM = -7,		/* quota or kernel memory exhausted */
	E_RANGE = -8,		/* slot index or address out of range */
	E_BADGE = -9,		/* badge already set to another value */
	E_FORGED = -10,		/* a sealed token failed authentication */
	E_EXPIRED = -11,	/* a sealed token is past its expiry */
	E_REVOKED = -12,	/* the capability behind a token was revoked */
	E_NOSYS = -13,		/* no such system call */
	E_AGAIN = -14,		/* nothing to receive without blocking */
	E_DEAD = -15,		/* the peer or object is gone */
	E_CEILING = -16,	/* beyond the module's capability ceiling */
};

/* Kernel object types a capability can name. */
enum cap_type {
	CAP_NULL = 0,
	CAP_CNODE = 1,		/* a capability space */
	CAP_VSPACE = 2,		/* an address space */
	CAP_FRAME = 3,		/* 1..16 contiguous physical pages */
	CAP_THREAD = 4,
	CAP_ENDPOINT = 5,	/* synchronous IPC */
	CAP_NOTIFICATION = 6,	/* asynchronous signals */
	CAP_IRQ = 7,		/* an interrupt line */
	CAP_IOPORT = 8,		/* a range of I/O ports */
	CAP_MEMORY = 9,		/* a kernel-memory quota to create objects from */
	CAP_CONSOLE = 10,	/* the kernel console: write (log) and read (debug input) */
	CAP_SPAWN = 11,		/* may start boot modules as processes */
	CAP_MACHINE = 12,	/* may power off or reboot the machine */
	CAP_PCI = 13,		/* a PCI function, or PCI control (makes function capabilities) */
	CAP_COUNTER = 14,	/* the vault rollback counter: read, advance */
	CAP_TYPE_COUNT
};

/* Rights. Object-specific meanings are in docs/syscalls.md. */
#define RIGHT_READ	0x01	/* read a frame; receive on an endpoint; wait on a notification */
#define RIGHT_WRITE	0x02	/* write a frame; send on an endpoint; signal a notification */
#define RIGHT_EXEC	0x04	/* map a frame executable */
#define RIGHT_GRANT	0x08	/* pass capabilities along through IPC or derivation */
#define RIGHT_CONTROL	0x10	/* manage the object: start a thread, acknowledge an IRQ, ... */
#define RIGHTS_ALL	0x1f

#endif
