/*
 * A block client's side of finding its driver (blk.h): the boot disk is
 * virtio-blk or NVMe, init starts only the driver whose device is there,
 * and a client holds an endpoint capability to each.
 */
#include "user/lib/blk.h"
#include "user/lib/nonos.h"

/*
 * A call to an endpoint nobody receives on would wait forever, but a
 * non-blocking send (of no operation, which a driver refuses and nobody
 * waits for) goes through only when a driver is waiting for requests.
 */
int
blk_find(const uint64_t *slots, int n, unsigned tries, uint64_t note, uint64_t timer)
{
	struct cap_info ci;

	for (unsigned i = 0; i < tries; i++) {
		for (int k = 0; k < n; k++) {
			if (cap_info(slots[k], &ci) == E_OK && ci.type == CAP_ENDPOINT &&
			    ipc_nbsend4(slots[k], BLK_OPS, 0, 0, 0, 0) == E_OK)
				return k;
		}
		if (timer_notify(timer, 1) != E_OK)
			return -1;
		notify_wait(note);
	}
	return -1;
}
