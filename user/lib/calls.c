/*
 * Conveniences built on the generated wrappers (stubs.c): the two-word
 * forms of the IPC calls, which most messages need, and map_anon, which
 * maps any number of pages in calls the kernel bounds.
 */
#include "user/lib/nonos.h"

int64_t
ipc_send(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1)
{
	return ipc_send4(ep, tag, w0, w1, 0, 0);
}

int64_t
ipc_call(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *reply)
{
	return ipc_call4(ep, tag, w0, w1, 0, 0, reply);
}

int64_t
ipc_reply(uint64_t tag, uint64_t w0, uint64_t w1)
{
	return ipc_reply4(tag, w0, w1, 0, 0);
}

int64_t
ipc_reply_recv(uint64_t ep, uint64_t tag, uint64_t w0, uint64_t w1, struct msg *m)
{
	return ipc_reply_recv4(ep, tag, w0, w1, 0, 0, m);
}

int64_t
map_anon(uint64_t mem, uint64_t vaddr, uint64_t pages, uint64_t rights)
{
	while (pages > 0) {
		uint64_t n = pages < MAP_ANON_MAX ? pages : MAP_ANON_MAX;
		int64_t err = map_anon_chunk(mem, vaddr, n, rights);

		if (err < 0)
			return err;
		vaddr += n * USER_PAGE;
		pages -= n;
	}
	return E_OK;
}
