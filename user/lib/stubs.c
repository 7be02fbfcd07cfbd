/*
 * System call wrappers, one SYSCALL each; the kernel checks every
 * argument. Generated from lib/abi/syscalls.tab by tools/gensyscalls.py:
 * edit the table, then run `make abi`.
 */
#include "user/lib/stubs.h"

int64_t
syscall_null(void)
{
	return syscall6(SYS_NULL, 0, 0, 0, 0, 0, 0);
}

int64_t
console_write(uint64_t console, const void *buf, uint64_t len)
{
	return syscall6(SYS_CONSOLE_WRITE, console, (uint64_t)(uintptr_t)buf,
	    len, 0, 0, 0);
}

int64_t
cap_info(uint64_t slot, struct cap_info *out)
{
	return syscall6(SYS_CAP_INFO, slot, (uint64_t)(uintptr_t)out, 0, 0, 0,
	    0);
}

int64_t
cap_derive(uint64_t src, uint64_t dst, uint64_t rights, uint64_t badge)
{
	return syscall6(SYS_CAP_DERIVE, src, dst, rights, badge, 0, 0);
}

int64_t
cap_move(uint64_t src, uint64_t dst)
{
	return syscall6(SYS_CAP_MOVE, src, dst, 0, 0, 0, 0);
}

int64_t
cap_delete(uint64_t slot)
{
	return syscall6(SYS_CAP_DELETE, slot, 0, 0, 0, 0, 0);
}

int64_t
cap_revoke(uint64_t slot)
{
	return syscall6(SYS_CAP_REVOKE, slot, 0, 0, 0, 0, 0);
}

int64_t
cap_seal(uint64_t slot, uint64_t rights, uint64_t lifetime, uint8_t *token)
{
	return syscall6(SYS_CAP_SEAL, slot, rights, lifetime,
	    (uint64_t)(uintptr_t)token, 0, 0);
}

int64_t
cap_unseal(const uint8_t *token, uint64_t dst)
{
	return syscall6(SYS_CAP_UNSEAL, (uint64_t)(uintptr_t)token, dst, 0, 0,
	    0, 0);
}

int64_t
endpoint_create(uint64_t memory, uint64_t dst)
{
	return syscall6(SYS_ENDPOINT_CREATE, memory, dst, 0, 0, 0, 0);
}

int64_t
notification_create(uint64_t memory, uint64_t dst)
{
	return syscall6(SYS_NOTIFICATION_CREATE, memory, dst, 0, 0, 0, 0);
}

int64_t
frame_create(uint64_t memory, uint64_t dst, uint64_t pages)
{
	return syscall6(SYS_FRAME_CREATE, memory, dst, pages, 0, 0, 0);
}

int64_t
map(uint64_t frame, uint64_t vaddr, uint64_t rights)
{
	return syscall6(SYS_MAP, frame, vaddr, rights, 0, 0, 0);
}

int64_t
unmap(uint64_t frame, uint64_t vaddr)
{
	return syscall6(SYS_UNMAP, frame, vaddr, 0, 0, 0, 0);
}

int64_t
thread_create(uint64_t memory, uint64_t dst, void (*entry)(uint64_t),
    void *stack_top, uint64_t arg)
{
	return syscall6(SYS_THREAD_CREATE, memory, dst,
	    (uint64_t)(uintptr_t)entry, (uint64_t)(uintptr_t)stack_top, arg, 0);
}

void
thread_exit(void)
{
	syscall6(SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

int64_t
thread_kill(uint64_t thread, uint64_t flags)
{
	return syscall6(SYS_THREAD_KILL, thread, flags, 0, 0, 0, 0);
}

void
yield(void)
{
	syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

int64_t
ipc_send4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3)
{
	return syscall6(SYS_SEND, endpoint, tag, w0, w1, w2, w3);
}

int64_t
ipc_nbsend4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3)
{
	return syscall6(SYS_NBSEND, endpoint, tag, w0, w1, w2, w3);
}

int64_t
ipc_recv(uint64_t endpoint, uint64_t recv_slot, struct msg *m)
{
	return syscall_ipc(SYS_RECV, endpoint, recv_slot, 0, 0, 0, 0, m);
}

int64_t
ipc_nbrecv(uint64_t endpoint, uint64_t recv_slot, struct msg *m)
{
	return syscall_ipc(SYS_NBRECV, endpoint, recv_slot, 0, 0, 0, 0, m);
}

int64_t
ipc_call4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3, struct msg *reply)
{
	return syscall_ipc(SYS_CALL, endpoint, tag, w0, w1, w2, w3, reply);
}

int64_t
ipc_reply4(uint64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3)
{
	return syscall6(SYS_REPLY, tag, w0, w1, w2, w3, 0);
}

int64_t
ipc_reply_recv4(uint64_t endpoint, uint64_t tag, uint64_t w0, uint64_t w1,
    uint64_t w2, uint64_t w3, struct msg *m)
{
	return syscall_ipc(SYS_REPLY_RECV, endpoint, tag, w0, w1, w2, w3, m);
}

int64_t
notify_signal(uint64_t notification)
{
	return syscall6(SYS_SIGNAL, notification, 0, 0, 0, 0, 0);
}

int64_t
notify_wait(uint64_t notification)
{
	return syscall6(SYS_WAIT, notification, 0, 0, 0, 0, 0);
}

int64_t
notify_poll(uint64_t notification)
{
	return syscall6(SYS_POLL, notification, 0, 0, 0, 0, 0);
}

uint64_t
ticks(void)
{
	return (uint64_t)syscall6(SYS_TICKS, 0, 0, 0, 0, 0, 0);
}

int64_t
memory_info(uint64_t memory, uint64_t out[2])
{
	return syscall6(SYS_MEMORY_INFO, memory, (uint64_t)(uintptr_t)out, 0, 0,
	    0, 0);
}

int64_t
memory_split(uint64_t memory, uint64_t dst, uint64_t bytes)
{
	return syscall6(SYS_MEMORY_SPLIT, memory, dst, bytes, 0, 0, 0);
}

int64_t
ioport_create(uint64_t ioport, uint64_t dst, uint64_t first, uint64_t count)
{
	return syscall6(SYS_IOPORT_CREATE, ioport, dst, first, count, 0, 0);
}

int64_t
ioport_in(uint64_t ioport, uint64_t port, uint64_t width)
{
	return syscall6(SYS_IOPORT_IN, ioport, port, width, 0, 0, 0);
}

int64_t
ioport_out(uint64_t ioport, uint64_t port, uint64_t width, uint64_t value)
{
	return syscall6(SYS_IOPORT_OUT, ioport, port, width, value, 0, 0);
}

int64_t
irq_create(uint64_t control, uint64_t dst, uint64_t line)
{
	return syscall6(SYS_IRQ_CREATE, control, dst, line, 0, 0, 0);
}

int64_t
irq_bind(uint64_t irq, uint64_t notification)
{
	return syscall6(SYS_IRQ_BIND, irq, notification, 0, 0, 0, 0);
}

int64_t
irq_ack(uint64_t irq)
{
	return syscall6(SYS_IRQ_ACK, irq, 0, 0, 0, 0, 0);
}

int64_t
timer_notify(uint64_t notification, uint64_t delay)
{
	return syscall6(SYS_TIMER_NOTIFY, notification, delay, 0, 0, 0, 0);
}

int64_t
spawn_process(uint64_t cap, const struct spawn_args *args)
{
	return syscall6(SYS_SPAWN, cap, (uint64_t)(uintptr_t)args, 0, 0, 0, 0);
}

int64_t
machine_control(uint64_t cap, uint64_t op)
{
	return syscall6(SYS_MACHINE, cap, op, 0, 0, 0, 0);
}

int64_t
console_log(uint64_t console, char *buf, uint64_t len)
{
	return syscall6(SYS_CONSOLE_LOG, console, (uint64_t)(uintptr_t)buf, len,
	    0, 0, 0);
}

int64_t
console_scroll(uint64_t console, int64_t lines)
{
	return syscall6(SYS_CONSOLE_SCROLL, console, (uint64_t)lines, 0, 0, 0,
	    0);
}

int64_t
map_anon_chunk(uint64_t memory, uint64_t vaddr, uint64_t pages, uint64_t rights)
{
	return syscall6(SYS_MAP_ANON, memory, vaddr, pages, rights, 0, 0);
}

int64_t
kernel_audit(void)
{
	return syscall6(SYS_AUDIT, 0, 0, 0, 0, 0, 0);
}

int64_t
pci_info(uint64_t pci, uint64_t index, struct pci_info *out)
{
	return syscall6(SYS_PCI_INFO, pci, index, (uint64_t)(uintptr_t)out, 0,
	    0, 0);
}

int64_t
pci_create(uint64_t control, uint64_t dst, uint64_t bdf)
{
	return syscall6(SYS_PCI_CREATE, control, dst, bdf, 0, 0, 0);
}

int64_t
pci_config_read(uint64_t pci, uint64_t offset, uint64_t width)
{
	return syscall6(SYS_PCI_CONFIG_READ, pci, offset, width, 0, 0, 0);
}

int64_t
pci_config_write(uint64_t pci, uint64_t offset, uint64_t width, uint64_t value)
{
	return syscall6(SYS_PCI_CONFIG_WRITE, pci, offset, width, value, 0, 0);
}

int64_t
pci_bar(uint64_t pci, uint64_t memory, uint64_t dst, uint64_t bar)
{
	return syscall6(SYS_PCI_BAR, pci, memory, dst, bar, 0, 0);
}

int64_t
pci_msi(uint64_t pci, uint64_t vector, uint64_t notification)
{
	return syscall6(SYS_PCI_MSI, pci, vector, notification, 0, 0, 0);
}

int64_t
dma_create(uint64_t pci, uint64_t memory, uint64_t dst, uint64_t pages)
{
	return syscall6(SYS_DMA_CREATE, pci, memory, dst, pages, 0, 0);
}

int64_t
random_bytes(void *buf, uint64_t len)
{
	return syscall6(SYS_RANDOM, (uint64_t)(uintptr_t)buf, len, 0, 0, 0, 0);
}

int64_t
clock_get(struct clock_info *out)
{
	return syscall6(SYS_CLOCK, (uint64_t)(uintptr_t)out, 0, 0, 0, 0, 0);
}

int64_t
counter_op(uint64_t cap, uint64_t op, uint64_t value)
{
	return syscall6(SYS_COUNTER, cap, op, value, 0, 0, 0);
}

int64_t
ipc_window(uint64_t va, uint64_t len, uint64_t rights)
{
	return syscall6(SYS_WINDOW, va, len, rights, 0, 0, 0);
}

int64_t
window_copy(uint64_t dir, uint64_t off, const struct window_iov *iov,
    uint64_t n)
{
	return syscall6(SYS_WINDOW_COPY, dir, off, (uint64_t)(uintptr_t)iov, n,
	    0, 0);
}
