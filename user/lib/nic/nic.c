/*
 * The driver side of the NIC driver protocol (nic.h, user/lib/netdev.h).
 * Two threads: the main thread serves netd's calls on our endpoint; the
 * data thread waits on our notification (device interrupts, netd's
 * signals, the polling timer) and moves frames. One lock covers the
 * rings, the device and the counters.
 *
 * netd is a peer, not a master: every capability it hands over is
 * checked (type, size, rights), every ring slot it writes is checked by
 * lib/pktring, and a frame it asks to send must carry the address it set
 * as source (anything else is dropped and counted).
 */
#include "user/lib/nic/nic.h"
#include "user/lib/netdev.h"

#define BAR_VA		0x0000500000000000ULL	/* BAR b at BAR_VA + b * BAR_SPAN */
#define BAR_SPAN	0x0000000010000000ULL
#define DMA_VA		0x0000600000000000ULL
#define RXRING_VA	0x0000700000000000ULL
#define TXRING_VA	(RXRING_VA + PKT_RING_BYTES)
#define DMA_SLOTS	64

static struct nic_dev *dev;
static const char *name;
static volatile int lock_word;
static struct pkt_ring rx, tx;
static int have_rx, have_tx, have_note, started, polling;
static uint64_t rx_frames, tx_frames, rx_dropped, errors;
static uint64_t dma_va = DMA_VA;
static unsigned dma_slots;
static uint8_t data_stack[16384] __attribute__((aligned(16)));

int
nic_setup(const char *who)
{
	int64_t err;

	name = who;
	if ((err = notification_create(SLOT_MEMORY, NIC_SLOT_EVENTS)) != E_OK ||
	    (err = cap_derive(NIC_SLOT_EVENTS, NIC_SLOT_DEV_BADGE, RIGHT_WRITE,
	    NIC_BADGE_DEV)) != E_OK ||
	    (err = cap_derive(NIC_SLOT_EVENTS, NIC_SLOT_NETD_BADGE,
	    RIGHT_WRITE | RIGHT_GRANT, NIC_BADGE_NETD)) != E_OK ||
	    (err = cap_derive(NIC_SLOT_EVENTS, NIC_SLOT_TIMER_BADGE, RIGHT_WRITE,
	    NIC_BADGE_TIMER)) != E_OK) {
		printf("%s: cannot make its notification: %s\n", who, err_name(err));
		return -1;
	}
	return 0;
}

volatile uint8_t *
nic_map_bar(unsigned bar, uint64_t size)
{
	uint64_t va = BAR_VA + bar * BAR_SPAN;
	int64_t err;

	if (bar >= 6 || size == 0 || size > BAR_SPAN) {
		printf("%s: BAR %u of %llu bytes cannot be mapped\n", name, bar,
		    (unsigned long long)size);
		return NULL;
	}
	if ((err = pci_bar(NIC_SLOT_PCI, SLOT_MEMORY, NIC_SLOT_BAR0 + bar, bar)) != E_OK ||
	    (err = map(NIC_SLOT_BAR0 + bar, va, RIGHT_READ | RIGHT_WRITE)) != E_OK) {
		printf("%s: cannot map BAR %u: %s\n", name, bar, err_name(err));
		cap_delete(NIC_SLOT_BAR0 + bar);
		return NULL;
	}
	return (volatile uint8_t *)va;
}

uint8_t *
nic_dma(unsigned pages, uint64_t *devaddr)
{
	uint64_t slot = NIC_SLOT_DMA0 + dma_slots, va = dma_va;
	int64_t a, err;

	if (dma_slots == DMA_SLOTS || pages == 0 || pages > FRAME_MAX_PAGES) {
		printf("%s: no room for DMA memory\n", name);
		return NULL;
	}
	if ((a = dma_create(NIC_SLOT_PCI, SLOT_MEMORY, slot, pages)) < 0 ||
	    (err = map(slot, va, RIGHT_READ | RIGHT_WRITE)) != E_OK) {
		printf("%s: cannot make DMA memory: %s\n", name, err_name(a < 0 ? a : err));
		cap_delete(slot);
		return NULL;
	}
	dma_slots++;
	dma_va += (uint64_t)(pages + 1) * USER_PAGE;	/* a guard page between */
	*devaddr = (uint64_t)a;
	return (uint8_t *)va;
}

int
nic_dma_bufs(unsigned n, uint8_t **buf, uint64_t *bufdev)
{
	uint64_t base;
	uint8_t *va;

	for (unsigned b = 0; b < n; b += NIC_BUFS_PER_DMA) {
		if ((va = nic_dma(FRAME_MAX_PAGES, &base)) == NULL)
			return -1;
		for (unsigned k = 0; k < NIC_BUFS_PER_DMA && b + k < n; k++) {
			buf[b + k] = va + k * NIC_BUF;
			bufdev[b + k] = base + k * NIC_BUF;
		}
	}
	return 0;
}

int64_t
nic_irq(struct nic_dev *d, uint64_t vector)
{
	int64_t err = pci_msi(NIC_SLOT_PCI, vector, NIC_SLOT_DEV_BADGE);

	if (err != E_OK) {
		printf("%s: no MSI-X or MSI (%s): polling every tick\n", name, err_name(err));
		d->polled = 1;
	}
	return err;
}

static int
is_ours(const uint8_t *dst)
{
	return (dst[0] & 1) != 0 || memcmp(dst, dev->mac, 6) == 0;
}

int
nic_rx(const void *frame, uint32_t len)
{
	if (len < PKT_MIN || len > PKT_MAX) {
		rx_dropped++;
		return -1;
	}
	if (!is_ours(frame))
		return 1;
	if (pkt_put(&rx, frame, len) != 0)
		return 0;
	rx_frames++;
	return 1;
}

int
nic_rx_room(void)
{
	return pkt_space(&rx) > 0;
}

void
nic_rx_dropped(void)
{
	rx_dropped++;
}

/* netd's frames to the device, while both have room. -> frames taken from the ring. */
static unsigned
move_tx(void)
{
	unsigned taken = 0, queued = 0;
	uint8_t *b;
	int n;

	while (pkt_pending(&tx) > 0 && (b = dev->tx_buf()) != NULL) {
		n = pkt_get(&tx, b, PKT_MAX);
		if (n == 0)
			break;
		taken++;
		if (n < 0 || memcmp(b + 6, dev->mac, 6) != 0) {
			errors++;	/* malformed slot, or not our source address */
			continue;
		}
		dev->tx_queue((uint32_t)n);
		queued++;
	}
	if (queued > 0) {
		dev->tx_kick();
		tx_frames += queued;
	}
	return taken;
}

/* One round of work after an event (locked). */
static void
move(void)
{
	uint64_t before = rx_frames;
	unsigned taken;

	if (dev->poll() < 0) {
		printf("%s: the device failed; stopping\n", name);
		started = 0;
		return;
	}
	taken = move_tx();
	if (taken > 0 && dev->poll() < 0)	/* the room the sends freed */
		started = 0;
	if (rx_frames != before || taken > 0)
		notify_signal(NIC_SLOT_NETD_NOTE);
}

static void
data_thread(uint64_t arg)
{
	int64_t bits;

	(void)arg;
	for (;;) {
		if ((bits = notify_wait(NIC_SLOT_EVENTS)) < 0) {
			printf("%s: event wait failed: %s\n", name, err_name(bits));
			thread_exit();
		}
		lock_take(&lock_word);
		if (started)
			move();
		lock_give(&lock_word);
		if (dev->polled && (bits & NIC_BADGE_TIMER))
			timer_notify(NIC_SLOT_TIMER_BADGE, 1);
	}
}

/* A ring frame from netd replaces the one in slot (mapped at va). */
static int64_t
take_ring(const struct msg *m, uint64_t slot, uint64_t va, struct pkt_ring *ring, int *have)
{
	if (!cap_offered(m, NIC_SLOT_RECV, CAP_FRAME, RIGHT_READ | RIGHT_WRITE,
	    PKT_RING_BYTES))
		return NETDEV_EINVAL;
	started = 0;
	if (frame_take(NIC_SLOT_RECV, slot, va, have) != 0)
		return NETDEV_EINVAL;
	pkt_ring_attach(ring, (void *)va);
	return 0;
}

static int64_t
take_note(const struct msg *m)
{
	if (!cap_offered(m, NIC_SLOT_RECV, CAP_NOTIFICATION, RIGHT_WRITE, 0))
		return NETDEV_EINVAL;
	started = 0;
	have_note = 0;
	if (cap_replace(NIC_SLOT_RECV, NIC_SLOT_NETD_NOTE) != 0)
		return NETDEV_EINVAL;
	have_note = 1;
	return 0;
}

static int64_t
set_mac(uint64_t w)
{
	uint8_t mac[6], old[6];

	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)(w >> (8 * i));
	if ((w >> 48) != 0 || (mac[0] & 1) != 0 ||
	    memcmp(mac, "\0\0\0\0\0\0", 6) == 0)
		return NETDEV_EINVAL;	/* a unicast address in 48 bits */
	memcpy(old, dev->mac, 6);
	memcpy(dev->mac, mac, 6);
	if (dev->set_mac() != 0) {
		memcpy(dev->mac, old, 6);
		return NETDEV_EIO;
	}
	printf("%s: address %02x:%02x:%02x:%02x:%02x:%02x\n", name, mac[0], mac[1],
	    mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

static uint64_t
mac_word(void)
{
	uint64_t w = 0;

	for (int i = 0; i < 6; i++)
		w |= (uint64_t)dev->mac[i] << (8 * i);
	return w;
}

/* One request (locked); the reply words in r, its tag in *tag. */
static void
serve(const struct msg *m, uint64_t r[4], uint64_t *tag)
{
	int64_t v = 0;

	memset(r, 0, 4 * sizeof(r[0]));
	*tag = 0;
	switch (TAG_LABEL(m->tag)) {
	case NETDEV_RXRING:
		v = take_ring(m, NIC_SLOT_RXRING, RXRING_VA, &rx, &have_rx);
		break;
	case NETDEV_TXRING:
		v = take_ring(m, NIC_SLOT_TXRING, TXRING_VA, &tx, &have_tx);
		break;
	case NETDEV_NOTIFY:
		if ((v = take_note(m)) == 0)
			*tag = TAG_CAP | (uint64_t)NIC_SLOT_NETD_BADGE << 40;
		break;
	case NETDEV_INFO:
		r[1] = (uint64_t)dev->link_up();
		r[2] = NIC_MTU;
		v = (int64_t)mac_word();
		break;
	case NETDEV_SETMAC:
		v = set_mac(m->w[0]);
		break;
	case NETDEV_STATS:
		v = (int64_t)rx_frames;
		r[1] = tx_frames;
		r[2] = rx_dropped;
		r[3] = errors + rx.bad + tx.bad + dev->dev_errors();
		break;
	case NETDEV_START:
		if (!have_rx || !have_tx || !have_note) {
			v = NETDEV_ESTATE;
			break;
		}
		started = 1;
		notify_signal(NIC_SLOT_NETD_BADGE);	/* frames that came meanwhile */
		if (dev->polled && !polling) {	/* one chain of ticks, however often netd starts */
			polling = 1;
			timer_notify(NIC_SLOT_TIMER_BADGE, 1);
		}
		printf("%s: started\n", name);
		break;
	default:
		v = NETDEV_EBADOP;
		break;
	}
	cap_delete(NIC_SLOT_RECV);	/* an offered capability not taken is not kept */
	r[0] = (uint64_t)v;
}

int
nic_serve(struct nic_dev *d)
{
	struct msg m;
	uint64_t r[4], tag;
	int64_t err;

	dev = d;
	if ((err = thread_create(SLOT_MEMORY, NIC_SLOT_THREAD, data_thread,
	    data_stack + sizeof(data_stack) - 8, 0)) != E_OK) {
		printf("%s: cannot start the data thread: %s\n", name, err_name(err));
		return 1;
	}
	printf("%s: ready, address %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", name,
	    d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5],
	    d->link_up() ? "up" : "down");
	err = ipc_recv(NIC_SLOT_SERVE, NIC_SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("%s: receive failed: %s\n", name, err_name(err));
			thread_kill(NIC_SLOT_THREAD, 0);	/* so that init sees us end */
			return 1;
		}
		lock_take(&lock_word);
		serve(&m, r, &tag);
		lock_give(&lock_word);
		err = ipc_reply_recv4(NIC_SLOT_SERVE, tag | (uint64_t)NIC_SLOT_RECV << 48,
		    r[0], r[1], r[2], r[3], &m);
	}
}
