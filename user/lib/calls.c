/*
 * System call wrappers (see nonos.h). Each is one SYSCALL; the kernel
 * checks every argument.
 */
#include "user/lib/nonos.h"

int64_t
console_write(uint64_t slot, const void *buf, uint64_t len)
{
	return syscall6(SYS_CONSOLE_WRITE, slot, (uint64_t)buf, len, 0, 0, 0);
}

int64_t
cap_info(uint64_t slot, struct cap_info *out)
{
	return syscall6(SYS_CAP_INFO, slot, (uint64_t)out, 0, 0, 0, 0);
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
	return syscall6(SYS_CAP_SEAL, slot, rights, lifetime, (uint64_t)token, 0, 0);
}

int64_t
cap_unseal(const uint8_t *token, uint64_t dst)
{
	return syscall6(SYS_CAP_UNSEAL, (uint64_t)token, dst, 0, 0, 0, 0);
}

int64_t
endpoint_create(uint64_t mem, uint64_t dst)
{
	return syscall6(SYS_ENDPOINT_CREATE, mem, dst, 0, 0, 0, 0);
}

int64_t
notification_create(uint64_t mem, uint64_t dst)
{
	return syscall6(SYS_NOTIFICATION_CREATE, mem, dst, 0, 0, 0, 0);
}

int64_t
frame_create(uint64_t mem, uint64_t dst, uint64_t pages)
{
	return syscall6(SYS_FRAME_CREATE, mem, dst, pages, 0, 0, 0);
}

int64_t
memory_split(uint64_t mem, uint64_t dst, uint64_t bytes)
{
	return syscall6(SYS_MEMORY_SPLIT, mem, dst, bytes, 0, 0, 0);
}

int64_t
memory_info(uint64_t mem, uint64_t out[2])
{
	return syscall6(SYS_MEMORY_INFO, mem, (uint64_t)out, 0, 0, 0, 0);
}

int64_t
map_anon(uint64_t mem, uint64_t vaddr, uint64_t pages, uint64_t rights)
{
	while (pages > 0) {
		uint64_t n = pages < MAP_ANON_MAX ? pages : MAP_ANON_MAX;
		int64_t err = syscall6(SYS_MAP_ANON, mem, vaddr, n, rights, 0, 0);

		if (err < 0)
			return err;
		vaddr += n * USER_PAGE;
		pages -= n;
	}
	return E_OK;
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
thread_create(uint64_t mem, uint64_t dst, void (*entry)(uint64_t), void *stack_top,
    uint64_t arg)
{
	return syscall6(SYS_THREAD_CREATE, mem, dst, (uint64_t)entry,
	    (uint64_t)stack_top, arg, 0);
}

void
thread_exit(void)
{
	syscall6(SYS_THREAD_EXIT, 0, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

int64_t
thread_kill(uint64_t slot)
{
	return syscall6(SYS_THREAD_KILL, slot, 0, 0, 0, 0, 0);
}

void
yield(void)
{
	syscall6(SYS_YIELD, 0, 0, 0, 0, 0, 0);
}

uint64_t
ticks(void)
{
	return (uint64_t)syscall6(SYS_TICKS, 0, 0, 0, 0, 0, 0);
}

int64_t
ipc_send(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1)
{
	return syscall6(SYS_SEND, ep, tag, w0, w1, 0, 0);
}

int64_t
ipc_call(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *reply)
{
	return syscall_ipc(SYS_CALL, ep, tag, w0, w1, 0, 0, reply);
}

int64_t
ipc_recv(uint64_t ep, uint64_t recv_slot, struct msg *m)
{
	return syscall_ipc(SYS_RECV, ep, recv_slot, 0, 0, 0, 0, m);
}

int64_t
ipc_nbrecv(uint64_t ep, uint64_t recv_slot, struct msg *m)
{
	return syscall_ipc(SYS_NBRECV, ep, recv_slot, 0, 0, 0, 0, m);
}

int64_t
ipc_reply(uint64_t tag, uint64_t w0, uint64_t w1)
{
	return syscall6(SYS_REPLY, tag, w0, w1, 0, 0, 0);
}

int64_t
ipc_reply_recv(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *m)
{
	return syscall_ipc(SYS_REPLY_RECV, ep, tag, w0, w1, 0, 0, m);
}

int64_t
notify_signal(uint64_t n)
{
	return syscall6(SYS_SIGNAL, n, 0, 0, 0, 0, 0);
}

int64_t
notify_wait(uint64_t n)
{
	return syscall6(SYS_WAIT, n, 0, 0, 0, 0, 0);
}

int64_t
notify_poll(uint64_t n)
{
	return syscall6(SYS_POLL, n, 0, 0, 0, 0, 0);
}

int64_t
kernel_audit(void)
{
	return syscall6(SYS_AUDIT, 0, 0, 0, 0, 0, 0);
}
