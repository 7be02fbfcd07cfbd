/*
 * nettest: a root task (init=nettest) that tests a NIC driver without
 * netd. It finds the first virtio-net or 82574L function, starts its
 * driver (virtionet or e1000e) with that function, and attaches to it
 * with the netdev protocol exactly as netd does (user/lib/netdev.h):
 * first with malformed requests, which must be refused, then properly.
 * It sends ARP requests for QEMU's user-network gateway (10.0.2.2) and
 * waits for the reply, then 1000 at once (every reply must arrive
 * although netd's ring holds 30); then writes malformed slots into the transmit
 * ring (bad lengths, a frame with a foreign source address, a head far
 * ahead of the tail), and checks the driver counted them and still
 * answers with a working link; then attaches again with new rings, as a
 * restarted netd would, and waits for a TCP segment the test starts
 * from the host (the device's interrupt must wake the driver for it).
 * Prints one line per check and "nettest: DRIVER: N passed, M failed".
 */
#include "lib/pktring/pktring.h"
#include "user/lib/netdev.h"
#include "user/lib/nonos.h"

#define SLOT_EP		16	/* the driver's endpoint */
#define SLOT_CLIENT	17	/* our client capability to it */
#define SLOT_FN		18	/* the PCI function, moved to the driver */
#define SLOT_QUOTA	19
#define SLOT_CHILD	20	/* the driver's thread */
#define SLOT_EVENTS	21	/* driver signals (1), its exit (2), our timer (4) */
#define SLOT_EXIT	22
#define SLOT_TIMER	23
#define SLOT_FOR_DRV	24	/* SLOT_EVENTS badged 1, for the driver */
#define SLOT_RXF	25
#define SLOT_TXF	26
#define SLOT_DRV_NOTE	27	/* the driver's notification */
#define SLOT_SMALL	28	/* a one-page frame: not a ring */
#define SLOT_OLD_RXF	29	/* the first rings, after a re-attach */
#define SLOT_OLD_TXF	30
#define BIT_DRIVER	1
#define BIT_EXIT	2
#define BIT_TIMER	4
#define RX_VA		0x0000100000000000ULL
#define TX_VA		(RX_VA + PKT_RING_BYTES)
#define DRIVER_KIB	1536
#define PRIORITY	10

static const uint8_t our_mac[6] = { 0x02, 0x4e, 0x4f, 0x4e, 0x4f, 0x53 };
static const uint8_t our_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 };
static struct pkt_ring rx, tx;
static int passed, failed;

static void
check(const char *what, int ok, int64_t v)
{
	if (ok) {
		passed++;
		printf("nettest: %s ... ok\n", what);
	} else {
		failed++;
		printf("nettest: %s ... FAIL (%lld)\n", what, (long long)v);
	}
}

/* One protocol call; the reply's w0 (or the IPC error). */
static int64_t
call(uint64_t tag, uint64_t w0, struct msg *r)
{
	struct msg m;
	int64_t err = ipc_call4(SLOT_CLIENT, tag, w0, 0, 0, 0, r ? r : &m);

	return err < 0 ? err : (int64_t)(r ? r : &m)->w[0];
}

static uint64_t
with_cap(uint64_t op, uint64_t slot)
{
	return op | TAG_CAP | slot << 40;
}

/* Finds a NIC and starts its driver; the driver's name, or NULL. */
static const char *
start_driver(void)
{
	struct pci_info info;
	struct spawn_args a;
	const char *name = NULL;
	int64_t err;

	for (uint64_t k = 0; name == NULL && pci_info(SLOT_PCI, k, &info) == E_OK; k++) {
		if (info.vendor == 0x1af4 && (info.device == 0x1041 || info.device == 0x1000))
			name = "virtionet";
		else if (info.vendor == 0x8086 && info.device == 0x10d3)
			name = "e1000e";
	}
	if (name == NULL) {
		printf("nettest: no virtio-net or 82574L function\n");
		return NULL;
	}
	printf("nettest: %s for %02x:%02x.%x\n", name, info.bdf >> 8, (info.bdf >> 3) & 31,
	    info.bdf & 7);
	if ((err = endpoint_create(SLOT_MEMORY, SLOT_EP)) < 0 ||
	    (err = cap_derive(SLOT_EP, SLOT_CLIENT, RIGHT_WRITE | RIGHT_GRANT, 1)) < 0 ||
	    (err = notification_create(SLOT_MEMORY, SLOT_EVENTS)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_EXIT, RIGHT_WRITE, BIT_EXIT)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_TIMER, RIGHT_WRITE, BIT_TIMER)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_FOR_DRV, RIGHT_WRITE | RIGHT_GRANT,
	    BIT_DRIVER)) < 0 ||
	    (err = pci_create(SLOT_PCI, SLOT_FN, info.bdf)) < 0 ||
	    (err = memory_split(SLOT_MEMORY, SLOT_QUOTA, DRIVER_KIB * 1024)) < 0) {
		printf("nettest: cannot set up: %s\n", err_name(err));
		return NULL;
	}
	memset(&a, 0, sizeof(a));
	memcpy(a.module, name, strlen(name) + 1);
	a.memory = SLOT_QUOTA;
	a.thread_dst = SLOT_CHILD;
	a.exit_notify = SLOT_EXIT;
	a.priority = PRIORITY;
	a.ncaps = 3;
	a.caps[0] = (struct spawn_cap){ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 };
	a.caps[1] = (struct spawn_cap){ SLOT_EP, 16, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 };
	a.caps[2] = (struct spawn_cap){ SLOT_FN, 17, RIGHT_READ | RIGHT_WRITE | RIGHT_CONTROL, 0 };
	if ((err = spawn_process(SLOT_SPAWN, &a)) < 0) {
		printf("nettest: cannot start %s: %s\n", name, err_name(err));
		return NULL;
	}
	cap_delete(SLOT_FN);		/* the driver owns the function now */
	return name;
}

/* Malformed requests first: each must be refused, nothing kept. */
static void
refusals(void)
{
	int64_t v;

	v = call(NETDEV_START, 0, NULL);
	check("START before the rings is refused", v == NETDEV_ESTATE, v);
	v = call(NETDEV_RXRING, 0, NULL);
	check("RXRING without a capability is refused", v == NETDEV_EINVAL, v);
	v = call(with_cap(NETDEV_RXRING, SLOT_EVENTS), 0, NULL);
	check("RXRING with a notification is refused", v == NETDEV_EINVAL, v);
	v = call(with_cap(NETDEV_TXRING, SLOT_SMALL), 0, NULL);
	check("TXRING with a one-page frame is refused", v == NETDEV_EINVAL, v);
	v = call(with_cap(NETDEV_NOTIFY, SLOT_RXF), 0, NULL);
	check("NOTIFY with a frame is refused", v == NETDEV_EINVAL, v);
	v = call(77, 0, NULL);
	check("an unknown operation is refused", v == NETDEV_EBADOP, v);
	v = call(NETDEV_SETMAC, 0x0000000000010000ULL | 0x01, NULL);
	check("SETMAC of a multicast address is refused", v == NETDEV_EINVAL, v);
	v = call(NETDEV_SETMAC, 0x0001000000000002ULL, NULL);
	check("SETMAC beyond 48 bits is refused", v == NETDEV_EINVAL, v);
	v = call(NETDEV_SETMAC, 0, NULL);
	check("SETMAC of zero is refused", v == NETDEV_EINVAL, v);
}

/* Fresh rings handed to the driver, then the rest of the sequence. */
static int
attach_rings(int first)
{
	struct msg r;
	uint64_t mac = 0;
	int64_t v;

	if (frame_create(SLOT_MEMORY, SLOT_RXF, FRAME_MAX_PAGES) < 0 ||
	    frame_create(SLOT_MEMORY, SLOT_TXF, FRAME_MAX_PAGES) < 0 ||
	    map(SLOT_RXF, RX_VA, RIGHT_READ | RIGHT_WRITE) < 0 ||
	    map(SLOT_TXF, TX_VA, RIGHT_READ | RIGHT_WRITE) < 0) {
		printf("nettest: cannot make the rings\n");
		return -1;
	}
	pkt_ring_init(&rx, (void *)RX_VA);
	pkt_ring_init(&tx, (void *)TX_VA);
	if (first)
		refusals();
	v = call(with_cap(NETDEV_RXRING, SLOT_RXF), 0, NULL);
	check("RXRING", v == 0, v);
	v = call(with_cap(NETDEV_TXRING, SLOT_TXF), 0, NULL);
	check("TXRING", v == 0, v);
	cap_delete(SLOT_DRV_NOTE);
	v = call(with_cap(NETDEV_NOTIFY, SLOT_FOR_DRV) | (uint64_t)SLOT_DRV_NOTE << 48, 0, &r);
	check("NOTIFY gives the driver's notification", v == 0 && (r.tag & TAG_CAP), v);
	v = call(NETDEV_INFO, 0, &r);
	check("INFO: a unicast address, link up, MTU 1500",
	    v >= 0 && ((uint64_t)v & 1) == 0 && r.w[1] == 1 && r.w[2] == 1500, v);
	for (int i = 0; i < 6; i++)
		mac |= (uint64_t)our_mac[i] << (8 * i);
	v = call(NETDEV_SETMAC, mac, NULL);
	check("SETMAC", v == 0, v);
	v = call(NETDEV_START, 0, NULL);
	check("START", v == 0, v);
	return 0;
}

/*
 * A restarted netd attaches again with new rings: the driver must drop
 * the old ones and move frames through the new.
 */
static int
reattach(void)
{
	if (unmap(SLOT_RXF, RX_VA) < 0 || unmap(SLOT_TXF, TX_VA) < 0 ||
	    cap_move(SLOT_RXF, SLOT_OLD_RXF) < 0 || cap_move(SLOT_TXF, SLOT_OLD_TXF) < 0)
		return -1;
	return attach_rings(0);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* An ARP request for the gateway, from our address (42 bytes, padded to 60). */
static void
send_arp(const uint8_t *src_mac)
{
	uint8_t f[60];

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);		/* Ethernet */
	put16(f + 16, 0x0800);		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1);		/* request */
	memcpy(f + 22, our_mac, 6);
	memcpy(f + 28, our_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	pkt_put(&tx, f, sizeof(f));
}

static int
is_gw_reply(const uint8_t *f, int n)
{
	return n >= 42 && memcmp(f, our_mac, 6) == 0 && f[12] == 0x08 && f[13] == 0x06 &&
	    f[20] == 0 && f[21] == 2 && memcmp(f + 28, gw_ip, 4) == 0 &&
	    memcmp(f + 38, our_ip, 4) == 0;
}

/* Sends ARP requests (one a second) until the gateway answers; 1 if it did. */
static int
arp_gateway(int *driver_died)
{
	uint8_t f[PKT_MAX];
	uint64_t end = ticks() + 1000;

	for (int tries = 0; ticks() < end; tries++) {
		uint64_t next = ticks() + 100;

		send_arp(our_mac);
		notify_signal(SLOT_DRV_NOTE);
		timer_notify(SLOT_TIMER, 100);
		while (ticks() < next) {
			int64_t bits = notify_wait(SLOT_EVENTS);
			int n;

			if (bits < 0 || (bits & BIT_EXIT)) {
				*driver_died = 1;
				return 0;
			}
			while ((n = pkt_get(&rx, f, sizeof(f))) != 0) {
				if (n > 0 && is_gw_reply(f, n)) {
					printf("nettest: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x"
					    " (%d requests)\n", f[22], f[23], f[24], f[25], f[26],
					    f[27], tries + 1);
					notify_signal(SLOT_DRV_NOTE);	/* rx slots freed */
					return 1;
				}
			}
			notify_signal(SLOT_DRV_NOTE);
		}
	}
	return 0;
}

/*
 * Waits (up to 30 s) for a TCP segment to port 7 that the host starts
 * through QEMU's port forward: it comes while the driver sleeps, so only
 * the device's interrupt can wake the driver for it. 1 if it came.
 */
static int
unsolicited(void)
{
	uint8_t f[PKT_MAX];
	uint64_t end = ticks() + 3000;
	int n;

	printf("nettest: waiting for a frame nobody asked for\n");
	timer_notify(SLOT_TIMER, 3000);
	while (ticks() < end) {
		if (notify_wait(SLOT_EVENTS) < 0)
			return 0;
		while ((n = pkt_get(&rx, f, sizeof(f))) != 0) {
			if (n >= 38 && memcmp(f, our_mac, 6) == 0 && f[12] == 0x08 &&
			    f[13] == 0x00 && f[23] == 6 && f[36] == 0 && f[37] == 7)
				return 1;
		}
		notify_signal(SLOT_DRV_NOTE);
	}
	return 0;
}

/*
 * n ARP requests as fast as the transmit ring takes them; the replies
 * come faster than we read them, so the driver must leave them in the
 * device until our receive ring (30 slots) has room. -> replies received.
 */
static unsigned
burst(unsigned n)
{
	uint8_t f[PKT_MAX];
	uint64_t start = ticks(), end = start + 3000;
	unsigned sent = 0, got = 0;
	int k;

	while (got < n && ticks() < end) {
		while (sent < n && pkt_space(&tx) > 0) {
			send_arp(our_mac);
			sent++;
		}
		notify_signal(SLOT_DRV_NOTE);
		timer_notify(SLOT_TIMER, 10);
		if (notify_wait(SLOT_EVENTS) < 0)
			break;
		while ((k = pkt_get(&rx, f, sizeof(f))) != 0) {
			if (k > 0 && is_gw_reply(f, k))
				got++;
		}
	}
	printf("nettest: %u requests, %u replies in %llu ticks\n", sent, got,
	    (unsigned long long)(ticks() - start));
	return got;
}

/* Malformed transmit slots; the driver must count and skip them. */
static void
hostile_tx(void)
{
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0, 0x66 };
	uint8_t *base = (uint8_t *)TX_VA;
	volatile uint32_t *head = (volatile uint32_t *)base;
	uint32_t h = *head;
	uint16_t len;

	/* Two slots with lengths no frame has, published by hand. */
	len = 0;
	memcpy(base + 4096 + (h % PKT_SLOTS) * PKT_SLOT, &len, 2);
	len = 9000;
	memcpy(base + 4096 + ((h + 1) % PKT_SLOTS) * PKT_SLOT, &len, 2);
	__atomic_store_n(head, h + 2, __ATOMIC_RELEASE);
	send_arp(other);		/* a foreign source address */
	notify_signal(SLOT_DRV_NOTE);
	timer_notify(SLOT_TIMER, 20);
	notify_wait(SLOT_EVENTS);
	/* A head far beyond the tail: the driver resynchronises. */
	__atomic_store_n(head, *head + 100000, __ATOMIC_RELEASE);
	notify_signal(SLOT_DRV_NOTE);
	timer_notify(SLOT_TIMER, 20);
	notify_wait(SLOT_EVENTS);
	/* Put the head back where the driver's tail is, for the next test. */
	__atomic_store_n(head, *(volatile uint32_t *)(base + 64), __ATOMIC_RELEASE);
}

/*
 * Reads the driver's STATS until it counts at least want errors, for up
 * to 50 timer periods: the wait in hostile_tx can end on a frame's
 * event before the driver has looked at the ring.
 */
static int64_t
stats_errors(uint64_t want, struct msg *r)
{
	int64_t v = -1;
	int tries;

	for (tries = 0; tries < 50; tries++) {
		v = call(NETDEV_STATS, 0, r);
		if (v < 0 || r->w[3] >= want)
			break;
		timer_notify(SLOT_TIMER, 20);
		notify_wait(SLOT_EVENTS);
	}
	return v;
}

int
main(uint64_t arg)
{
	const char *name;
	struct msg r;
	int died = 0;
	int64_t v;

	(void)arg;
	if ((name = start_driver()) == NULL || frame_create(SLOT_MEMORY, SLOT_SMALL, 1) < 0 ||
	    attach_rings(1) != 0) {
		printf("nettest: 0 passed, 1 failed\n");
		return 1;
	}
	check("an ARP request to the gateway is answered", arp_gateway(&died), 0);
	v = call(NETDEV_STATS, 0, &r);
	check("STATS counts frames both ways", v >= 1 && r.w[1] >= 1, v);
	check("1000 requests in a burst, every reply delivered", burst(1000) == 1000, 0);
	v = call(NETDEV_STATS, 0, &r);
	check("STATS counts the burst", v >= 1001 && r.w[1] >= 1001 && r.w[3] == 0, v);
	hostile_tx();
	v = stats_errors(3, &r);
	check("malformed transmit slots are counted", v >= 0 && r.w[3] >= 3,
	    (int64_t)r.w[3]);
	printf("nettest: stats: rx %lld, tx %llu, dropped %llu, errors %llu\n", (long long)v,
	    (unsigned long long)r.w[1], (unsigned long long)r.w[2],
	    (unsigned long long)r.w[3]);
	check("the gateway still answers after them", arp_gateway(&died), 0);
	check("the driver is still running", !died, 0);
	if (reattach() != 0) {
		printf("nettest: cannot attach again\n");
		failed++;
	}
	check("after netd attaches again, the gateway answers", arp_gateway(&died), 0);
	check("a frame from the host reaches us while the driver sleeps", unsolicited(), 0);
	printf("nettest: %s: %d passed, %d failed\n", name, passed, failed);
	return failed != 0;
}
