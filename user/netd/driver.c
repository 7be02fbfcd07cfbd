/*
 * netd's side of the NIC driver protocol (user/lib/netdev.h): we make
 * both packet rings and our notification, hand them to the driver with
 * our random MAC, and start it. The driver is not trusted: its replies
 * are checked here, its ring contents by lib/pktring, its frames by lwIP.
 */
#include "user/lib/netdev.h"
#include "user/netd/netd.h"

#define PROBE_TRIES	300	/* 10 ms apart: a driver still starting gets 3 s */

uint64_t drv_stats[4];
static uint64_t drv_slot;

/* One driver call; its result (>= 0), or the error. */
static int64_t
drv_call(uint64_t tag, uint64_t w0, struct msg *r)
{
	int64_t err = ipc_call(drv_slot, tag, w0, 0, r);

	if (err < 0)
		return err;
	return (int64_t)r->w[0];
}

static int64_t
ring_make(uint64_t slot, uint64_t va)
{
	struct pkt_ring r;
	int64_t err;

	if ((err = frame_create(SLOT_MEMORY, slot, PKT_RING_BYTES / USER_PAGE)) < 0 ||
	    (err = map(slot, va, RIGHT_READ | RIGHT_WRITE)) < 0)
		return err;
	pkt_ring_init(&r, (void *)(uintptr_t)va);
	return 0;
}

static uint64_t
mac_word(const uint8_t mac[6])
{
	uint64_t w = 0;

	for (int i = 5; i >= 0; i--)
		w = w << 8 | mac[i];
	return w;
}

int64_t
rings_make(void)
{
	int64_t err;

	if ((err = ring_make(SLOT_RXRING, RX_VA)) < 0)
		return err;
	return ring_make(SLOT_TXRING, TX_VA);
}

static int64_t
attach_failed(const char *step, int64_t err)
{
	printf("netd: the NIC driver refused %s: %lld\n", step, (long long)err);
	return err;
}

/*
 * 1 when a driver serves the endpoint in slot. init does not start the
 * driver of an absent device, and a call to an endpoint nobody receives
 * on would wait forever: a non-blocking send (of no operation, which a
 * driver refuses and nobody waits for) goes through only when a driver
 * is waiting for requests. One that is still starting gets a few seconds.
 */
static int
driver_present(uint64_t slot)
{
	struct cap_info ci;

	if (cap_info(slot, &ci) != E_OK || ci.type != CAP_ENDPOINT)
		return 0;
	for (int i = 0; i < PROBE_TRIES; i++) {
		if (ipc_nbsend4(slot, NETDEV_OPS, 0, 0, 0, 0) == E_OK)
			return 1;
		timer_notify(SLOT_TIMER, 1);
		notify_wait(SLOT_EVENTS);
	}
	return 0;
}

int64_t
driver_attach(void)
{
	struct cap_info ci;
	struct msg r;
	int64_t err;

	if (driver_present(SLOT_DRIVER))
		drv_slot = SLOT_DRIVER;
	else if (driver_present(SLOT_DRIVER2))
		drv_slot = SLOT_DRIVER2;
	else
		return E_NOCAP;
	if ((err = drv_call(NETDEV_RXRING | TAG_CAP | ((uint64_t)SLOT_RXRING << 40), 0, &r)) < 0)
		return attach_failed("RXRING", err);
	if ((err = drv_call(NETDEV_TXRING | TAG_CAP | ((uint64_t)SLOT_TXRING << 40), 0, &r)) < 0)
		return attach_failed("TXRING", err);
	cap_delete(SLOT_DRV_NOTE);
	err = drv_call(NETDEV_NOTIFY | TAG_CAP | ((uint64_t)SLOT_DRV_GIVE << 40) |
	    ((uint64_t)SLOT_DRV_NOTE << 48), 0, &r);
	if (err < 0)
		return attach_failed("NOTIFY", err);
	if (!(r.tag & TAG_CAP) || cap_info(SLOT_DRV_NOTE, &ci) != E_OK ||
	    ci.type != CAP_NOTIFICATION || !(ci.rights & RIGHT_WRITE))
		return attach_failed("NOTIFY (no notification in the reply)", E_INVAL);
	if ((err = drv_call(NETDEV_SETMAC, mac_word(our_mac), &r)) < 0)
		return attach_failed("SETMAC", err);
	if ((err = drv_call(NETDEV_START, 0, &r)) < 0)
		return attach_failed("START", err);
	return 0;
}

int
driver_poll(void)
{
	struct msg r;
	int up;

	if (drv_call(NETDEV_INFO, 0, &r) < 0)
		return 0;
	up = r.w[1] != 0;
	if (drv_call(NETDEV_STATS, 0, &r) >= 0) {
		drv_stats[0] = r.w[0];
		drv_stats[1] = r.w[1];
		drv_stats[2] = r.w[2];
		drv_stats[3] = r.w[3];
	}
	return up;
}
