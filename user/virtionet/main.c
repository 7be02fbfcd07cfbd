/*
 * virtionet: the virtio-net driver (virtio 1.x, modern PCI transport,
 * split virtqueues; spec §3.1, §4.1, §5.1) as a process. It negotiates
 * VERSION_1, MAC and STATUS only (and ACCESS_PLATFORM when offered: its
 * DMA then goes through the IOMMU), sets up one receive and one transmit
 * queue in DMA memory, takes the device's interrupt as MSI-X vector 0,
 * and serves netd through user/lib/nic (the netdev protocol).
 *
 * The device is not trusted: its capability list is walked by
 * lib/virtio/pci.c against the BARs the kernel reported, its queues are
 * lib/virtio/virtq.c's (every used index, id and length checked), and a
 * received length is checked again against the header and the MTU. A
 * queue the device broke, or a device asking to be reset, is reset and
 * set up again, at most MAX_RESETS times.
 *
 * The address: without VIRTIO_NET_F_CTRL_VQ the device's MAC field is
 * read-only and its receive filter is off (QEMU starts promiscuous), so
 * the driver sends what netd gives (with netd's address as source) and
 * filters received frames for netd's address itself (user/lib/nic).
 */
#include "lib/virtio/pci.h"
#include "lib/virtio/virtq.h"
#include "user/lib/nic/nic.h"

#define NET_F_MAC	5
#define NET_F_STATUS	16
#define NET_S_LINK_UP	1
#define NET_HDR		12	/* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define RXQ		0
#define TXQ		1
#define QSIZE		128	/* entries per queue, and buffers per direction */
#define QMEM_PAGES	2
#define MAX_RESETS	3
#define PCI_COMMAND	0x04
#define CMD_MEM		0x02
#define CMD_MASTER	0x04

struct queue {
	struct virtq q;
	uint8_t *mem;
	uint64_t mem_dev;
	volatile uint16_t *notify;
	uint8_t *buf[QSIZE];
	uint64_t buf_dev[QSIZE];
	uint16_t buf_of[QSIZE];		/* descriptor id -> buffer */
};

static struct virtio_pci_layout lay;
static volatile uint8_t *bars[6];
static volatile uint8_t *common, *devcfg;
static struct queue rxq, txq;
static uint16_t tx_free[QSIZE];
static unsigned ntx_free, resets;
static uint64_t features;
static struct nic_dev nic;

/* The common configuration structure's registers. */
static uint8_t
r8(unsigned o)
{
	return *(volatile uint8_t *)(common + o);
}

static uint16_t
r16(unsigned o)
{
	return *(volatile uint16_t *)(common + o);
}

static void
w8(unsigned o, uint8_t v)
{
	*(volatile uint8_t *)(common + o) = v;
}

static void
w16(unsigned o, uint16_t v)
{
	*(volatile uint16_t *)(common + o) = v;
}

static void
w32(unsigned o, uint32_t v)
{
	*(volatile uint32_t *)(common + o) = v;
}

static void
w64(unsigned o, uint64_t v)
{
	w32(o, (uint32_t)v);
	w32(o + 4, (uint32_t)(v >> 32));
}

static uint32_t
cfg_read(void *ctx, uint32_t off, unsigned width)
{
	int64_t v = pci_config_read(NIC_SLOT_PCI, off, width);

	(void)ctx;
	return v < 0 ? 0xffffffffu : (uint32_t)v;
}

/* One queue: size, vector, addresses and notify address; 0, or the reason. */
static const char *
setup_queue(uint16_t index, struct queue *qu)
{
	uint16_t max, n = QSIZE;
	uint32_t off;

	w16(VIRTIO_COMMON_Q_SELECT, index);
	if ((max = r16(VIRTIO_COMMON_Q_SIZE)) == 0)
		return "a queue is missing";
	while (n > max)
		n >>= 1;
	if (virtq_init(&qu->q, n, qu->mem, qu->mem_dev, QMEM_PAGES * USER_PAGE) != 0)
		return "the device's queue size is unusable";
	w16(VIRTIO_COMMON_Q_SIZE, n);
	w16(VIRTIO_COMMON_Q_MSIX, nic.polled ? VIRTIO_MSI_NO_VECTOR : 0);
	if (!nic.polled && r16(VIRTIO_COMMON_Q_MSIX) != 0)
		return "the device refused MSI-X vector 0";
	w64(VIRTIO_COMMON_Q_DESC, qu->q.desc_dev);
	w64(VIRTIO_COMMON_Q_DRIVER, qu->q.avail_dev);
	w64(VIRTIO_COMMON_Q_DEVICE, qu->q.used_dev);
	if (virtio_pci_notify_at(&lay, r16(VIRTIO_COMMON_Q_NOFF), &off) != 0)
		return "a queue's notify offset lies outside the notify structure";
	qu->notify = (volatile uint16_t *)(bars[lay.notify.bar] + off);
	w16(VIRTIO_COMMON_Q_ENABLE, 1);
	return NULL;
}

static void
kick(struct queue *qu, uint16_t index)
{
	virtq_publish(&qu->q);
	if (virtq_kick_needed(&qu->q))
		*qu->notify = index;
}

/* Every receive buffer to the device; every transmit buffer free. */
static void
fill(void)
{
	for (uint16_t b = 0; b < rxq.q.size; b++) {
		int id = virtq_add(&rxq.q, rxq.buf_dev[b], NIC_BUF, 1);

		if (id >= 0)
			rxq.buf_of[id] = b;
	}
	ntx_free = 0;
	for (uint16_t b = 0; b < txq.q.size; b++)
		tx_free[ntx_free++] = b;
}

/* Reset, negotiation, queues, DRIVER_OK (§3.1.1); 0, or the reason. */
static const char *
start_device(void)
{
	const char *why;
	uint8_t s = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;

	if ((why = virtio_negotiate(common, 1u << NET_F_MAC | 1u << NET_F_STATUS,
	    &features)) != NULL)
		return why;
	if ((why = setup_queue(RXQ, &rxq)) != NULL || (why = setup_queue(TXQ, &txq)) != NULL)
		return why;
	fill();
	virtq_interrupts(&txq.q, 0);	/* see tx_buf */
	w8(VIRTIO_COMMON_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
	kick(&rxq, RXQ);
	return NULL;
}

static void
fail(const char *why)
{
	w8(VIRTIO_COMMON_STATUS, r8(VIRTIO_COMMON_STATUS) | VIRTIO_STATUS_FAILED);
	printf("virtionet: %s\n", why);
}

/* A device that broke a queue or asks for a reset: start it again, a few times. */
static int
recover(void)
{
	const char *why, *what = rxq.q.broken || txq.q.broken ?
	    "returned an impossible used index" : "needs a reset";

	if (resets == MAX_RESETS) {
		w8(VIRTIO_COMMON_STATUS, 0);	/* reset: no more DMA from it */
		printf("virtionet: the device %s again; giving up\n", what);
		return -1;
	}
	printf("virtionet: the device %s; resetting it (%u of %u)\n", what,
	    ++resets, MAX_RESETS);
	if ((why = start_device()) != NULL) {
		fail(why);
		return -1;
	}
	return 0;
}

/* Sent buffers back to the free list; no transmit interrupts while some are free. */
static void
reclaim_tx(void)
{
	uint16_t id;
	uint32_t len;
	int r;

	while ((r = virtq_get(&txq.q, &id, &len)) != 0 && !txq.q.broken) {
		if (r > 0 && ntx_free < QSIZE)
			tx_free[ntx_free++] = txq.buf_of[id];
	}
	if (ntx_free > 0)
		virtq_interrupts(&txq.q, 0);	/* see tx_buf */
}

static int
poll(void)
{
	uint16_t id;
	uint32_t len;
	int r, got = 0;

	if (rxq.q.broken || txq.q.broken ||
	    (r8(VIRTIO_COMMON_STATUS) & VIRTIO_STATUS_NEEDS_RESET)) {
		if (recover() != 0)
			return -1;
	}
	while (nic_rx_room() && (r = virtq_get(&rxq.q, &id, &len)) != 0) {
		uint16_t b;

		if (r < 0) {
			if (rxq.q.broken)
				break;
			continue;	/* a bad entry, counted by virtq */
		}
		b = rxq.buf_of[id];
		if (len < NET_HDR + PKT_MIN)
			nic_rx_dropped();
		else
			nic_rx(rxq.buf[b] + NET_HDR, len - NET_HDR);
		if ((r = virtq_add(&rxq.q, rxq.buf_dev[b], NIC_BUF, 1)) >= 0)
			rxq.buf_of[r] = b;
		got = 1;
	}
	if (got)
		kick(&rxq, RXQ);
	reclaim_tx();
	if (rxq.q.broken || txq.q.broken)	/* now, not at the next event */
		return recover();
	return 0;
}

static uint8_t *
tx_buf(void)
{
	if (ntx_free == 0 && !txq.q.broken) {
		/*
		 * Sent buffers are reclaimed on every poll without an
		 * interrupt each; only when all are out does the driver ask
		 * for one, then looks again (one may have come back before).
		 */
		virtq_interrupts(&txq.q, 1);
		reclaim_tx();
	}
	if (ntx_free == 0 || txq.q.nfree == 0 || txq.q.broken)
		return NULL;
	return txq.buf[tx_free[ntx_free - 1]] + NET_HDR;
}

static void
tx_queue(uint32_t len)
{
	uint16_t b = tx_free[--ntx_free];
	int id;

	memset(txq.buf[b], 0, NET_HDR);
	if ((id = virtq_add(&txq.q, txq.buf_dev[b], NET_HDR + len, 0)) >= 0)
		txq.buf_of[id] = b;
	else
		tx_free[ntx_free++] = b;
}

static void
tx_kick(void)
{
	kick(&txq, TXQ);
}

static int
link_up(void)
{
	if (!(features & 1u << NET_F_STATUS) || devcfg == NULL)
		return 1;
	return (*(volatile uint16_t *)(devcfg + 6) & NET_S_LINK_UP) != 0;
}

static int
set_mac(void)
{
	return 0;	/* filtered in software (see the top of this file) */
}

static uint32_t
dev_errors(void)
{
	return rxq.q.errors + txq.q.errors;
}

/* The device's MAC, read consistently across a configuration change (§4.1.4.3.1). */
static void
read_mac(void)
{
	uint8_t gen;

	if (!(features & 1u << NET_F_MAC) || devcfg == NULL)
		return;
	for (int tries = 0; tries < 10; tries++) {
		gen = r8(VIRTIO_COMMON_CFGGEN);
		for (int i = 0; i < 6; i++)
			nic.mac[i] = devcfg[i];
		if (r8(VIRTIO_COMMON_CFGGEN) == gen)
			return;
	}
}

/* The buffers of one direction and its queue memory. */
static int
make_buffers(struct queue *qu)
{
	if ((qu->mem = nic_dma(QMEM_PAGES, &qu->mem_dev)) == NULL)
		return -1;
	return nic_dma_bufs(QSIZE, qu->buf, qu->buf_dev);
}

/* The function, its structures and BARs; 0, or -1 (logged). */
static int
find_device(void)
{
	struct pci_info info;
	const char *why;
	const struct virtio_pci_region *need[4] = { &lay.common, &lay.notify, &lay.isr, &lay.device };
	uint64_t bar_size[6];
	int64_t cmd;

	if (pci_info(NIC_SLOT_PCI, 0, &info) != E_OK || info.vendor != VIRTIO_VENDOR ||
	    (info.device != VIRTIO_DEV_NET_MODERN && info.device != VIRTIO_DEV_NET_LEGACY)) {
		printf("virtionet: slot %d holds no virtio-net function\n", NIC_SLOT_PCI);
		return -1;
	}
	for (int b = 0; b < 6; b++)	/* the structures must be in memory BARs */
		bar_size[b] = info.bar_io[b] ? 0 : info.bar_size[b];
	if ((why = virtio_pci_find(cfg_read, NULL, bar_size, &lay)) != NULL) {
		printf("virtionet: %02x:%02x.%x: %s\n", info.bdf >> 8, (info.bdf >> 3) & 31,
		    info.bdf & 7, why);
		return -1;
	}
	for (int k = 0; k < 4; k++) {
		unsigned b = need[k]->bar;

		if (need[k]->present && bars[b] == NULL &&
		    (bars[b] = nic_map_bar(b, bar_size[b])) == NULL)
			return -1;
	}
	common = bars[lay.common.bar] + lay.common.offset;
	if (lay.device.present && lay.device.length >= 8)
		devcfg = bars[lay.device.bar] + lay.device.offset;
	if ((cmd = pci_config_read(NIC_SLOT_PCI, PCI_COMMAND, 2)) < 0 ||
	    pci_config_write(NIC_SLOT_PCI, PCI_COMMAND, 2,
	    (uint64_t)cmd | CMD_MEM | CMD_MASTER) != E_OK) {
		printf("virtionet: cannot enable the function\n");
		return -1;
	}
	printf("virtionet: %02x:%02x.%x, %s, IOMMU %s\n", info.bdf >> 8, (info.bdf >> 3) & 31,
	    info.bdf & 7, info.msix ? "MSI-X" : info.msi ? "MSI" : "no MSI",
	    info.iommu ? "on" : "off");
	return 0;
}

int
main(uint64_t arg)
{
	const char *why;

	(void)arg;
	nic.name = "virtionet";
	nic.link_up = link_up;
	nic.set_mac = set_mac;
	nic.poll = poll;
	nic.tx_buf = tx_buf;
	nic.tx_queue = tx_queue;
	nic.tx_kick = tx_kick;
	nic.dev_errors = dev_errors;
	if (nic_setup("virtionet") != 0 || find_device() != 0 ||
	    make_buffers(&rxq) != 0 || make_buffers(&txq) != 0)
		return 1;
	nic_irq(&nic, 0);
	if ((why = start_device()) != NULL) {
		fail(why);
		return 1;
	}
	read_mac();
	return nic_serve(&nic);
}
