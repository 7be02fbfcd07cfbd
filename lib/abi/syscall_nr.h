/*
 * System call numbers. Generated from lib/abi/syscalls.tab by
 * tools/gensyscalls.py: edit the table, then run `make abi`.
 */
#ifndef LIB_ABI_SYSCALL_NR_H
#define LIB_ABI_SYSCALL_NR_H

enum nonos_syscall {
	SYS_NULL = 0,			/* does nothing; for measuring entry and exit */
	SYS_CONSOLE_WRITE = 1,		/* writes buf to the console -> bytes written */
	SYS_CAP_INFO = 2,		/* describes the capability in slot */
	SYS_CAP_DERIVE = 3,		/* a child of src with fewer rights, maybe badged */
	SYS_CAP_MOVE = 4,		/* moves a capability to another slot */
	SYS_CAP_DELETE = 5,		/* deletes one capability */
	SYS_CAP_REVOKE = 6,		/* deletes every descendant -> number deleted */
	SYS_CAP_SEAL = 7,		/* seals a capability into an 80-byte token, lifetime in ticks */
	SYS_CAP_UNSEAL = 8,		/* installs a sealed token's capability in dst */
	SYS_ENDPOINT_CREATE = 9,	/* a new endpoint charged to memory */
	SYS_NOTIFICATION_CREATE = 10,	/* a new notification charged to memory */
	SYS_FRAME_CREATE = 11,		/* 1..FRAME_MAX_PAGES contiguous zeroed pages as one frame */
	SYS_MAP = 12,			/* maps a whole frame at vaddr */
	SYS_UNMAP = 13,			/* unmaps a frame mapped at vaddr */
	SYS_THREAD_CREATE = 14,		/* a new thread of this process */
	SYS_THREAD_EXIT = 15,		/* ends the calling thread */
	SYS_THREAD_KILL = 16,		/* ends a thread, or with KILL_PROCESS every thread of its process */
	SYS_YIELD = 17,			/* gives up the rest of the time slice */
	SYS_SEND = 18,			/* sends a message; blocks until it is received */
	SYS_NBSEND = 19,		/* like SEND but E_AGAIN instead of blocking */
	SYS_RECV = 20,			/* receives a message -> badge, tag, w0..w3 */
	SYS_NBRECV = 21,		/* like RECV but E_AGAIN instead of blocking */
	SYS_CALL = 22,			/* sends a message and waits for the reply */
	SYS_REPLY = 23,			/* replies to the last caller */
	SYS_REPLY_RECV = 24,		/* replies (if a call is pending), then receives */
	SYS_SIGNAL = 25,		/* ORs the capability's badge into the notification word */
	SYS_WAIT = 26,			/* waits for a non-zero word -> the word, cleared */
	SYS_POLL = 27,			/* the word, cleared, or E_AGAIN; never blocks */
	SYS_TICKS = 28,			/* timer ticks since boot (100 Hz) */
	SYS_MEMORY_INFO = 29,		/* a quota's limit and bytes used */
	SYS_MEMORY_SPLIT = 30,		/* a child quota carved from memory */
	SYS_IOPORT_CREATE = 31,		/* a capability to a sub-range of ports */
	SYS_IOPORT_IN = 32,		/* reads a port (width 1, 2 or 4) -> value */
	SYS_IOPORT_OUT = 33,		/* writes a port */
	SYS_IRQ_CREATE = 34,		/* the capability to one interrupt line */
	SYS_IRQ_BIND = 35,		/* delivers the line as signals */
	SYS_IRQ_ACK = 36,		/* unmasks the line after handling it */
	SYS_TIMER_NOTIFY = 37,		/* signals the notification once, delay ticks from now */
	SYS_SPAWN = 38,			/* starts a boot module as a process -> pid */
	SYS_MACHINE = 39,		/* MACHINE_POWEROFF or MACHINE_REBOOT; returns only on error */
	SYS_CONSOLE_LOG = 40,		/* the newest bytes of the kernel log -> bytes copied */
	SYS_CONSOLE_SCROLL = 41,	/* scrolls the screen back (> 0) or forward (< 0) */
	SYS_MAP_ANON = 42,		/* maps up to MAP_ANON_MAX fresh zeroed pages charged to memory */
	SYS_AUDIT = 43,			/* problems the capability audit found (option audit only) */
	SYS_PCI_INFO = 44,		/* describes the index-th function (control) or this function */
	SYS_PCI_CREATE = 45,		/* the capability to one PCI function; one live object per function */
	SYS_PCI_CONFIG_READ = 46,	/* reads config space (width 1, 2 or 4) -> value */
	SYS_PCI_CONFIG_WRITE = 47,	/* writes the command register's driver bits or clears status bits */
	SYS_PCI_BAR = 48,		/* a device frame for a memory BAR (uncached, never executable) */
	SYS_PCI_MSI = 49,		/* routes an MSI-X entry (or MSI) to the notification */
	SYS_DMA_CREATE = 50,		/* zeroed frame the device may DMA into -> its device address */
	SYS_RANDOM = 51,		/* len (at most RANDOM_MAX) bytes from the kernel's random generator */
	SYS_CLOCK = 52,			/* UTC seconds since 1970 and where they came from */
	SYS_COUNTER = 53,		/* reads the vault rollback counter or advances it (op COUNTER_*) */
	SYS_WINDOW = 54,		/* lends [va, va+len) to the server of this thread's next call (rights READ, WRITE) */
	SYS_WINDOW_COPY = 55,		/* copies between our caller's window at off and our memory (iov) -> bytes */
	SYS_COUNT
};

#endif
