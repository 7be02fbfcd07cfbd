/*
 * Conveniences built on the generated wrappers (stubs.c): the two-word
 * forms of the IPC calls, which most messages need, map_anon, which
 * maps any number of pages in calls the kernel bounds, and a service's
 * checks and moves of the capabilities its clients hand it.
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

int
cap_offered(const struct msg *m, uint64_t recv, unsigned type, unsigned rights,
    uint64_t size)
{
	struct cap_info ci;

	return (m->tag & TAG_CAP) && !(m->tag & TAG_CAP_DROPPED) &&
	    cap_info(recv, &ci) == E_OK && ci.type == type &&
	    (ci.rights & rights) == rights && (size == 0 || ci.size == size);
}

int
cap_replace(uint64_t recv, uint64_t slot)
{
	cap_delete(slot);
	return cap_move(recv, slot) == E_OK ? 0 : -1;
}

int
frame_take(uint64_t recv, uint64_t slot, uint64_t va, int *mapped)
{
	if (*mapped) {
		unmap(slot, va);
		cap_delete(slot);
		*mapped = 0;
	}
	if (cap_replace(recv, slot) != 0)
		return -1;
	if (map(slot, va, RIGHT_READ | RIGHT_WRITE) != E_OK) {
		cap_delete(slot);
		return -1;
	}
	*mapped = 1;
	return 0;
}
