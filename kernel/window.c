/*
 * IPC windows (window.h). Everything here runs under the kernel lock, so
 * the caller's page tables cannot change between looking a page up and
 * copying to it: every page of the window is looked up at the moment of
 * the copy, never at window_set, and a page unmapped since is a fault.
 * The kernel never writes to a page the caller does not map writable.
 */
#include "kernel/arch/x86_64/vspace.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/usercopy.h"
#include "kernel/window.h"
#include "lib/abi/syscall.h"

int
window_set(struct thread *t, uint64_t va, uint64_t len, uint32_t rights)
{
	if ((rights & ~(uint32_t)(RIGHT_READ | RIGHT_WRITE)) != 0)
		return E_INVAL;
	if (!user_range_ok(va, len))
		return E_FAULT;
	t->win_call = t->calls + 1;
	t->win_va = va;
	t->win_len = len;
	t->win_rights = len != 0 ? rights : 0;
	return E_OK;
}

/*
 * Checks that every page of the caller's [va, va+len) is mapped for the
 * access, before any byte moves: a copy refused for the caller's pages
 * changes nothing.
 */
static int
pages_ok(struct vspace *vs, uint64_t va, uint64_t len, int write)
{
	uint64_t pa, page = va & ~(uint64_t)(PAGE_SIZE - 1);

	for (; page < va + len; page += PAGE_SIZE) {
		if (vspace_user_page(vs, page, write, &pa) != E_OK)
			return E_FAULT;
	}
	return E_OK;
}

/* Copies len bytes between the caller's va (through the direct map) and our src. */
static int
copy_piece(struct vspace *vs, int to_caller, uint64_t va, uint64_t ours, uint64_t len)
{
	while (len > 0) {
		uint64_t in = va & (PAGE_SIZE - 1), chunk = PAGE_SIZE - in, pa;
		uint8_t *there;
		int err;

		if (chunk > len)
			chunk = len;
		if ((err = vspace_user_page(vs, va - in, to_caller, &pa)) != E_OK)
			return err;
		there = (uint8_t *)phys_to_virt(pa) + in;
		err = to_caller ? copy_from_user(there, ours, (size_t)chunk) :
		    copy_to_user(ours, there, (size_t)chunk);
		if (err != E_OK)
			return err;
		va += chunk;
		ours += chunk;
		len -= chunk;
	}
	return E_OK;
}

int64_t
window_copy(struct thread *server, uint64_t dir, uint64_t off, uint64_t iov, uint64_t n)
{
	struct window_iov v[WINDOW_IOV_MAX];
	struct thread *c = server->reply_to;
	uint64_t total = 0, va;
	int to_caller = dir == WINDOW_TO_CALLER, err;

	if (c == NULL || c->proc == NULL)
		return E_INVAL;		/* no caller is waiting for our reply */
	if (dir != WINDOW_TO_CALLER && dir != WINDOW_FROM_CALLER)
		return E_INVAL;
	if (c->win_call != c->calls || !(c->win_rights & (to_caller ? RIGHT_WRITE : RIGHT_READ)))
		return E_RIGHTS;	/* lent for another call, or not for this */
	if (n == 0 || n > WINDOW_IOV_MAX)
		return E_INVAL;
	if ((err = copy_from_user(v, iov, (size_t)(n * sizeof(v[0])))) != E_OK)
		return err;
	for (uint64_t i = 0; i < n; i++) {
		if (v[i].len > WINDOW_COPY_MAX || total + v[i].len > WINDOW_COPY_MAX)
			return E_INVAL;
		if (!user_range_ok(v[i].va, v[i].len))
			return E_FAULT;
		total += v[i].len;
	}
	if (off > c->win_len || total > c->win_len - off)
		return E_RANGE;
	va = c->win_va + off;
	if ((err = pages_ok(c->proc->vs, va, total, to_caller)) != E_OK)
		return err;
	for (uint64_t i = 0; i < n; i++) {
		if ((err = copy_piece(c->proc->vs, to_caller, va, v[i].va, v[i].len)) != E_OK)
			return err;
		va += v[i].len;
	}
	return (int64_t)total;
}
