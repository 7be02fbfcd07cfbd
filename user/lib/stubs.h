/*
 * One wrapper per system call (stubs.c). Generated from
 * lib/abi/syscalls.tab by tools/gensyscalls.py: edit the table, then
 * run `make abi`. docs/syscalls.md has each call's rights and errors.
 */
#ifndef USER_LIB_STUBS_H
#define USER_LIB_STUBS_H

#include <stdint.h>

#include "user/lib/syscall.h"

/* SYS_NULL: does nothing; for measuring entry and exit */
int64_t syscall_null(void);
/* SYS_CONSOLE_WRITE: writes buf to the console -> bytes written */
int64_t console_write(uint64_t console, const void *buf, uint64_t len);
/* SYS_CAP_INFO: describes the capability in slot */
int64_t cap_info(uint64_t slot, struct cap_info *out);
/* SYS_CAP_DERIVE: a child of src with fewer rights, maybe badged */
int64_t cap_derive(uint64_t src, uint64_t dst, uint64_t rights, uint64_t badge);
/* SYS_CAP_MOVE: moves a capability to another slot */
int64_t cap_move(uint64_t src, uint64_t dst);
/* SYS_CAP_DELETE: deletes one capability */
int64_t cap_delete(uint64_t slot);
/* SYS_CAP_REVOKE: deletes every descendant -> number deleted */
int64_t cap_revoke(uint64_t slot);
/* SYS_CAP_SEAL: seals a capability into an 80-byte token, lifetime in ticks */
int64_t cap_seal(uint64_t slot, uint64_t rights, uint64_t lifetime,
    uint8_t *token);
/* SYS_CAP_UNSEAL: installs a sealed token's capability in dst */
int64_t cap_unseal(const uint8_t *token, uint64_t dst);
/* SYS_ENDPOINT_CREATE: a new endpoint charged to memory */
int64_t endpoint_create(uint64_t memory, uint64_t dst);
/* SYS_NOTIFICATION_CREATE: a new notification charged to memory */
int64_t notification_create(uint64_t memory, uint64_t dst);
/* SYS_FRAME_CREATE: 1..FRAME_MAX_PAGES contiguous zeroed pages as one frame */
int64_t frame_create(uint64_t memory, uint64_t dst, uint64_t pages);
/* SYS_MAP: maps a whole frame at vaddr */
int64_t map(uint64_t frame, uint64_t vaddr, uint64_t rights);
/* SYS_UNMAP: unmaps a frame mapped at vaddr */
int64_t unmap(uint64_t frame, uint64_t vaddr);
/* SYS_THREAD_CREATE: a new thread of this process */
int64_t thread_create(uint64_t memory, uint64_t dst, void (*entry)(uint64_t),
    void *stack_top, uint64_t arg);
/* SYS_THREAD_EXIT: ends the calling thread */
__attribute__((noreturn)) void thread_exit(void);
/* SYS_THREAD_KILL: ends a thread, or with KILL_PROCESS every thread of its process */
int64_t thread_kill(uint64_t thread, uint64_t flags);
/* SYS_YIELD: gives up the rest of the time slice */
void yield(void);
/* SYS_SEND: sends a message; blocks until it is received */
int64_t ipc_send4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3);
/* SYS_NBSEND: like SEND but E_AGAIN instead of blocking */
int64_t ipc_nbsend4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3);
/* SYS_RECV: receives a message -> badge, tag, w0..w3 */
int64_t ipc_recv(uint64_t endpoint, uint64_t recv_slot, struct msg *m);
/* SYS_NBRECV: like RECV but E_AGAIN instead of blocking */
int64_t ipc_nbrecv(uint64_t endpoint, uint64_t recv_slot, struct msg *m);
/* SYS_CALL: sends a message and waits for the reply */
int64_t ipc_call4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3, struct msg *reply);
/* SYS_REPLY: replies to the last caller */
int64_t ipc_reply4(uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2,
    uint64_t w3);
/* SYS_REPLY_RECV: replies (if a call is pending), then receives */
int64_t ipc_reply_recv4(uint64_t endpoint, uint64_t tag, uint64_t w0,
    uint64_t w1, uint64_t w2, uint64_t w3, struct msg *m);
/* SYS_SIGNAL: ORs the capability's badge into the notification word */
int64_t notify_signal(uint64_t notification);
/* SYS_WAIT: waits for a non-zero word -> the word, cleared */
int64_t notify_wait(uint64_t notification);
/* SYS_POLL: the word, cleared, or E_AGAIN; never blocks */
int64_t notify_poll(uint64_t notification);
/* SYS_TICKS: timer ticks since boot (100 Hz) */
uint64_t ticks(void);
/* SYS_MEMORY_INFO: a quota's limit and bytes used */
int64_t memory_info(uint64_t memory, uint64_t out[2]);
/* SYS_MEMORY_SPLIT: a child quota carved from memory */
int64_t memory_split(uint64_t memory, uint64_t dst, uint64_t bytes);
/* SYS_IOPORT_CREATE: a capability to a sub-range of ports */
int64_t ioport_create(uint64_t ioport, uint64_t dst, uint64_t first,
    uint64_t count);
/* SYS_IOPORT_IN: reads a port (width 1, 2 or 4) -> value */
int64_t ioport_in(uint64_t ioport, uint64_t port, uint64_t width);
/* SYS_IOPORT_OUT: writes a port */
int64_t ioport_out(uint64_t ioport, uint64_t port, uint64_t width,
    uint64_t value);
/* SYS_IRQ_CREATE: the capability to one interrupt line */
int64_t irq_create(uint64_t control, uint64_t dst, uint64_t line);
/* SYS_IRQ_BIND: delivers the line as signals */
int64_t irq_bind(uint64_t irq, uint64_t notification);
/* SYS_IRQ_ACK: unmasks the line after handling it */
int64_t irq_ack(uint64_t irq);
/* SYS_TIMER_NOTIFY: signals the notification once, delay ticks from now */
int64_t timer_notify(uint64_t notification, uint64_t delay);
/* SYS_SPAWN: starts a boot module as a process -> pid */
int64_t spawn_process(uint64_t cap, const struct spawn_args *args);
/* SYS_MACHINE: MACHINE_POWEROFF or MACHINE_REBOOT; returns only on error */
int64_t machine_control(uint64_t cap, uint64_t op);
/* SYS_CONSOLE_LOG: the newest bytes of the kernel log -> bytes copied */
int64_t console_log(uint64_t console, char *buf, uint64_t len);
/* SYS_CONSOLE_SCROLL: scrolls the screen back (> 0) or forward (< 0) */
int64_t console_scroll(uint64_t console, int64_t lines);
/* SYS_MAP_ANON: maps up to MAP_ANON_MAX fresh zeroed pages charged to memory */
int64_t map_anon_chunk(uint64_t memory, uint64_t vaddr, uint64_t pages,
    uint64_t rights);
/* SYS_AUDIT: problems the capability audit found (option audit only) */
int64_t kernel_audit(void);
/* SYS_PCI_INFO: describes the index-th function (control) or this function */
int64_t pci_info(uint64_t pci, uint64_t index, struct pci_info *out);
/* SYS_PCI_CREATE: the capability to one PCI function; one live object per function */
int64_t pci_create(uint64_t control, uint64_t dst, uint64_t bdf);
/* SYS_PCI_CONFIG_READ: reads config space (width 1, 2 or 4) -> value */
int64_t pci_config_read(uint64_t pci, uint64_t offset, uint64_t width);
/* SYS_PCI_CONFIG_WRITE: writes the command register's driver bits or clears status bits */
int64_t pci_config_write(uint64_t pci, uint64_t offset, uint64_t width,
    uint64_t value);
/* SYS_PCI_BAR: a device frame for a memory BAR (uncached, never executable) */
int64_t pci_bar(uint64_t pci, uint64_t memory, uint64_t dst, uint64_t bar);
/* SYS_PCI_MSI: routes an MSI-X entry (or MSI) to the notification */
int64_t pci_msi(uint64_t pci, uint64_t vector, uint64_t notification);
/* SYS_DMA_CREATE: zeroed frame the device may DMA into -> its device address */
int64_t dma_create(uint64_t pci, uint64_t memory, uint64_t dst, uint64_t pages);
/* SYS_RANDOM: len (at most RANDOM_MAX) bytes from the kernel's random generator */
int64_t random_bytes(void *buf, uint64_t len);
/* SYS_CLOCK: UTC seconds since 1970 and where they came from */
int64_t clock_get(struct clock_info *out);
/* SYS_COUNTER: reads the vault rollback counter or advances it (op COUNTER_*) */
int64_t counter_op(uint64_t cap, uint64_t op, uint64_t value);
/* SYS_WINDOW: lends [va, va+len) to the server of this thread's next call (rights READ, WRITE) */
int64_t ipc_window(uint64_t va, uint64_t len, uint64_t rights);
/* SYS_WINDOW_COPY: copies between our caller's window at off and our memory (iov) -> bytes */
int64_t window_copy(uint64_t dir, uint64_t off, const struct window_iov *iov,
    uint64_t n);

#endif
