/*
 * virtioblk: the virtio-blk driver (virtio 1.x, modern PCI transport,
 * one split virtqueue; spec §5.2) as a process, serving the block
 * protocol (user/lib/blk.h) for the NONOS PERSIST partition only.
 *
 * It negotiates VERSION_1, FLUSH, BLK_SIZE (when offered) and
 * ACCESS_PLATFORM (when offered), reads the disk's GPT with lib/gpt and
 * serves the persistence partition's byte range and nothing else: the
 * ESP and the tables are out of every client's reach. One request is
 * with the device at a time (a client's call waits for its completion),
 * so FLUSH is a barrier by construction: every write replied to has
 * completed before the flush is sent.
 *
 * The device is not trusted: its capability list is checked by
 * lib/virtio/pci.c, its queue by lib/virtio/virtq.c, the used id must be
 * the request's head and the status byte one the spec defines. A device
 * that does not answer within TIMEOUT ticks is reset (no more DMA) and
 * every later request fails.
 *
 * Data goes through a bounce buffer in DMA memory: the client's frame is
 * never given to the device.
 */
#include "lib/gpt/gpt.h"
#include "lib/virtio/pci.h"
#include "lib/virtio/virtq.h"
#include "user/lib/blk.h"
#include "user/lib/nonos.h"

#define SLOT_SERVE	16	/* our endpoint, from init */
#define SLOT_FN	17	/* the PCI function, from init */
#define SLOT_EVENTS	20
#define SLOT_DEV_BADGE	21	/* our notification badged for the device's interrupt */
#define SLOT_TIMER_BADGE 22	/* ... for our timer */
#define SLOT_RECV	24	/* a capability arriving from a client */
#define SLOT_BUF0	100	/* client b's frame: SLOT_BUF0 + b */
#define CLIENTS		16	/* badges 1..15 (init: the holder's index + 1) */
#define SLOT_BAR0	32
#define SLOT_DMA0	40

#define BAR_VA		0x0000500000000000ULL
#define BAR_SPAN	0x0000000010000000ULL
#define DMA_VA		0x0000600000000000ULL
#define CLIENT_VA	0x0000700000000000ULL

#define BLK_F_BLK_SIZE	6
#define BLK_F_FLUSH	9
#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define S_OK		0
#define BIT_TIMER	2
#define QSIZE		16
#define TIMEOUT		500	/* ticks: 5 s */
#define PCI_COMMAND	0x04
#define CMD_MEM		0x02
#define CMD_MASTER	0x04

struct req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;	/* always 512-byte units */
};

static struct virtio_pci_layout lay;
static volatile uint8_t *bars[6];
static volatile uint8_t *common, *devcfg;
static volatile uint16_t *notify;
static struct virtq q;
static uint8_t *data, *ctl;		/* bounce buffer; header + status page */
static uint64_t data_dev, ctl_dev;
static uint64_t features, disk_bytes, part_off, part_bytes, dma_va = DMA_VA;
static uint32_t sector = 512;
static unsigned dma_slots;
static int polled, dead, timer_pending;
static int have_buf[CLIENTS];

static uint8_t r8(unsigned o) { return *(volatile uint8_t *)(common + o); }
static uint16_t r16(unsigned o) { return *(volatile uint16_t *)(common + o); }
static void w8(unsigned o, uint8_t v) { *(volatile uint8_t *)(common + o) = v; }
static void w16(unsigned o, uint16_t v) { *(volatile uint16_t *)(common + o) = v; }
static void w32(unsigned o, uint32_t v) { *(volatile uint32_t *)(common + o) = v; }

static void
w64(unsigned o, uint64_t v)
{
	w32(o, (uint32_t)v);
	w32(o + 4, (uint32_t)(v >> 32));
}

static uint32_t
cfg_read(void *ctx, uint32_t off, unsigned width)
{
	int64_t v = pci_config_read(SLOT_FN, off, width);

	(void)ctx;
	return v < 0 ? 0xffffffffu : (uint32_t)v;
}

static volatile uint8_t *
map_bar(unsigned bar, uint64_t size)
{
	uint64_t va = BAR_VA + bar * BAR_SPAN;
	int64_t err;

	if (size == 0 || size > BAR_SPAN) {
		printf("virtioblk: BAR %u cannot be mapped\n", bar);
		return NULL;
	}
	if ((err = pci_bar(SLOT_FN, SLOT_MEMORY, SLOT_BAR0 + bar, bar)) != E_OK ||
	    (err = map(SLOT_BAR0 + bar, va, RIGHT_READ | RIGHT_WRITE)) != E_OK) {
		printf("virtioblk: cannot map BAR %u: %s\n", bar, err_name(err));
		return NULL;
	}
	return (volatile uint8_t *)va;
}

static uint8_t *
dma(unsigned pages, uint64_t *devaddr)
{
	uint64_t slot = SLOT_DMA0 + dma_slots, va = dma_va;
	int64_t a, err;

	if ((a = dma_create(SLOT_FN, SLOT_MEMORY, slot, pages)) < 0 ||
	    (err = map(slot, va, RIGHT_READ | RIGHT_WRITE)) != E_OK) {
		printf("virtioblk: cannot make DMA memory: %s\n", err_name(a < 0 ? a : err));
		return NULL;
	}
	dma_slots++;
	dma_va += (uint64_t)(pages + 1) * USER_PAGE;
	*devaddr = (uint64_t)a;
	return (uint8_t *)va;
}

/* The function, its structures, BARs and memory; 0, or -1 (logged). */
static int
find_device(void)
{
	struct pci_info info;
	const char *why;
	const struct virtio_pci_region *need[4] = { &lay.common, &lay.notify, &lay.isr, &lay.device };
	uint64_t bar_size[6];
	int64_t cmd;

	if (pci_info(SLOT_FN, 0, &info) != E_OK || info.vendor != VIRTIO_VENDOR ||
	    (info.device != VIRTIO_DEV_BLK_MODERN && info.device != VIRTIO_DEV_BLK_LEGACY)) {
		printf("virtioblk: slot %d holds no virtio-blk function\n", SLOT_FN);
		return -1;
	}
	for (int b = 0; b < 6; b++)
		bar_size[b] = info.bar_io[b] ? 0 : info.bar_size[b];
	if ((why = virtio_pci_find(cfg_read, NULL, bar_size, &lay)) != NULL) {
		printf("virtioblk: %s\n", why);
		return -1;
	}
	if (!lay.device.present || lay.device.length < 24) {
		printf("virtioblk: no device configuration structure\n");
		return -1;
	}
	for (int k = 0; k < 4; k++) {
		unsigned b = need[k]->bar;

		if (need[k]->present && bars[b] == NULL && (bars[b] = map_bar(b, bar_size[b])) == NULL)
			return -1;
	}
	common = bars[lay.common.bar] + lay.common.offset;
	devcfg = bars[lay.device.bar] + lay.device.offset;
	if ((cmd = pci_config_read(SLOT_FN, PCI_COMMAND, 2)) < 0 ||
	    pci_config_write(SLOT_FN, PCI_COMMAND, 2, (uint64_t)cmd | CMD_MEM | CMD_MASTER) != E_OK) {
		printf("virtioblk: cannot enable the function\n");
		return -1;
	}
	if (notification_create(SLOT_MEMORY, SLOT_EVENTS) != E_OK ||
	    cap_derive(SLOT_EVENTS, SLOT_DEV_BADGE, RIGHT_WRITE, 1) != E_OK ||
	    cap_derive(SLOT_EVENTS, SLOT_TIMER_BADGE, RIGHT_WRITE, BIT_TIMER) != E_OK) {
		printf("virtioblk: cannot make its notification\n");
		return -1;
	}
	polled = pci_msi(SLOT_FN, 0, SLOT_DEV_BADGE) != E_OK;
	printf("virtioblk: %02x:%02x.%x, %s, IOMMU %s\n", info.bdf >> 8, (info.bdf >> 3) & 31,
	    info.bdf & 7, polled ? "polled" : "MSI", info.iommu ? "on" : "off");
	if ((data = dma(BLK_MAX / USER_PAGE, &data_dev)) == NULL ||
	    (ctl = dma(2, &ctl_dev)) == NULL)
		return -1;
	return 0;
}

/* The capacity and block size, read consistently (§2.4.1). */
static void
read_config(void)
{
	uint64_t cap;
	uint32_t bs;
	uint8_t gen;

	for (int tries = 0; tries < 10; tries++) {
		gen = r8(VIRTIO_COMMON_CFGGEN);
		cap = *(volatile uint32_t *)devcfg | (uint64_t)*(volatile uint32_t *)(devcfg + 4) << 32;
		bs = *(volatile uint32_t *)(devcfg + 20);
		if (r8(VIRTIO_COMMON_CFGGEN) == gen)
			break;
	}
	/* 512-byte sectors; anything that would overflow a byte count is refused below. */
	disk_bytes = cap < (1ULL << 54) ? cap * 512 : 0;
	if ((features & 1u << BLK_F_BLK_SIZE) && (bs == 512 || bs == 1024 || bs == 2048 || bs == 4096))
		sector = bs;
}

/* Reset, negotiation, the queue, DRIVER_OK (§3.1.1); 0, or the reason. */
static const char *
start_device(void)
{
	uint32_t off;
	uint16_t max, n = QSIZE;
	uint8_t s = VIRTIO_STATUS_ACK | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
	const char *why;

	if ((why = virtio_negotiate(common, 1u << BLK_F_FLUSH | 1u << BLK_F_BLK_SIZE,
	    &features)) != NULL)
		return why;
	w16(VIRTIO_COMMON_Q_SELECT, 0);
	if ((max = r16(VIRTIO_COMMON_Q_SIZE)) == 0)
		return "the request queue is missing";
	while (n > max)
		n >>= 1;
	if (virtq_init(&q, n, ctl, ctl_dev, USER_PAGE) != 0)
		return "the device's queue size is unusable";
	w16(VIRTIO_COMMON_Q_SIZE, n);
	w16(VIRTIO_COMMON_Q_MSIX, polled ? VIRTIO_MSI_NO_VECTOR : 0);
	if (!polled && r16(VIRTIO_COMMON_Q_MSIX) != 0)
		return "the device refused MSI-X vector 0";
	w64(VIRTIO_COMMON_Q_DESC, q.desc_dev);
	w64(VIRTIO_COMMON_Q_DRIVER, q.avail_dev);
	w64(VIRTIO_COMMON_Q_DEVICE, q.used_dev);
	if (virtio_pci_notify_at(&lay, r16(VIRTIO_COMMON_Q_NOFF), &off) != 0)
		return "the queue's notify offset lies outside the notify structure";
	notify = (volatile uint16_t *)(bars[lay.notify.bar] + off);
	w16(VIRTIO_COMMON_Q_ENABLE, 1);
	w8(VIRTIO_COMMON_STATUS, s | VIRTIO_STATUS_DRIVER_OK);
	read_config();
	return NULL;
}

/* The device stopped answering or broke its queue: reset it, no more DMA. */
static int64_t
give_up(const char *why)
{
	w8(VIRTIO_COMMON_STATUS, 0);
	dead = 1;
	printf("virtioblk: the device %s; stopped\n", why);
	return BLK_EIO;
}

/*
 * Sleeps until the device's interrupt or our timer: every tick when
 * polled, else a watchdog for a device that never answers. One timer at
 * most is pending (each costs quota until it fires). 0, or -1 when the
 * timer cannot be armed.
 */
static int
wait_device(void)
{
	if (!timer_pending) {
		if (timer_notify(SLOT_TIMER_BADGE, polled ? 1 : TIMEOUT / 10) != E_OK)
			return -1;
		timer_pending = 1;
	}
	if (notify_wait(SLOT_EVENTS) & BIT_TIMER)
		timer_pending = 0;
	return 0;
}

/*
 * One request on the whole disk: type, byte offset off (sector-aligned),
 * len bytes of the bounce buffer (0 for FLUSH). Waits for its completion.
 */
static int64_t
request(uint32_t type, uint64_t off, uint32_t len)
{
	volatile struct req_hdr *h = (volatile struct req_hdr *)(ctl + USER_PAGE);
	volatile uint8_t *status = ctl + USER_PAGE + 64;
	struct virtq_seg seg[3];
	uint64_t start = ticks();
	unsigned n = 0;
	uint16_t id;
	uint32_t used;
	int head, r;

	if (dead)
		return BLK_ESTATE;
	h->type = type;
	h->reserved = 0;
	h->sector = off / 512;
	*status = 0xff;
	seg[n++] = (struct virtq_seg){ ctl_dev + USER_PAGE, sizeof(struct req_hdr), 0 };
	if (len > 0)
		seg[n++] = (struct virtq_seg){ data_dev, len, type == T_IN };
	seg[n++] = (struct virtq_seg){ ctl_dev + USER_PAGE + 64, 1, 1 };
	if ((head = virtq_add_chain(&q, seg, n)) < 0)
		return give_up("left no room in its queue");
	virtq_publish(&q);
	if (virtq_kick_needed(&q))
		*notify = 0;
	for (;;) {
		r = virtq_get(&q, &id, &used);
		if (r > 0 && id == head)
			break;
		if (r < 0 && q.broken)
			return give_up("returned an impossible used index");
		if (r != 0)
			return give_up("completed a request it was not given");
		if (ticks() - start > TIMEOUT)
			return give_up("did not answer");
		if (wait_device() != 0)
			return give_up("cannot be waited for (no timer)");
	}
	/* The device wrote the status byte (at least 1 byte used) and it is one we know. */
	if (used < 1 || (type == T_IN && used != len + 1)) {
		q.errors++;
		return BLK_EIO;
	}
	return *status == S_OK ? 0 : BLK_EIO;
}

/* gpt_read's reader: one sector of the whole disk through the bounce buffer. */
static int
disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	(void)ctx;
	if (len > BLK_MAX || off % 512 != 0 || len % 512 != 0 ||
	    off > disk_bytes || len > disk_bytes - off)
		return -1;
	if (request(T_IN, off, (uint32_t)len) != 0)
		return -1;
	memcpy(buf, data, len);
	return 0;
}

static struct gpt gpt;

static int
find_partition(void)
{
	struct gpt_disk d = { disk_read, NULL, disk_bytes, sector };
	const struct gpt_part *p;
	const char *why;

	if ((why = gpt_read(&d, &gpt)) != NULL) {
		printf("virtioblk: the disk's GPT: %s\n", why);
		return -1;
	}
	if ((p = gpt_find(&gpt, gpt_type_nonos_persist)) == NULL) {
		printf("virtioblk: no NONOS PERSIST partition\n");
		return -1;
	}
	/* gpt_read checked first <= last inside the usable range of the disk. */
	part_off = p->first * sector;
	part_bytes = (p->last - p->first + 1) * sector;
	printf("virtioblk: ready, persistence partition %llu MiB at sector %llu, %u-byte sectors\n",
	    (unsigned long long)(part_bytes >> 20), (unsigned long long)p->first, sector);
	return 0;
}

/* The buffer of the client with badge b. */
static uint8_t *
client_buf(uint64_t b)
{
	return (uint8_t *)(CLIENT_VA + b * BLK_MAX);
}

/*
 * Client b's frame: read-write and at least BLK_MAX bytes. Each client
 * (badge) has its own, so that two clients (persistd, and blktest in the
 * tests' manifest) never read or write through each other's buffer.
 */
static int64_t
take_buffer(const struct msg *m, uint64_t b)
{
	struct cap_info ci;

	if (!(m->tag & TAG_CAP) || (m->tag & TAG_CAP_DROPPED) ||
	    cap_info(SLOT_RECV, &ci) != E_OK || ci.type != CAP_FRAME ||
	    (ci.rights & (RIGHT_READ | RIGHT_WRITE)) != (RIGHT_READ | RIGHT_WRITE) ||
	    ci.size < BLK_MAX)
		return BLK_EINVAL;
	if (have_buf[b]) {
		unmap(SLOT_BUF0 + b, (uint64_t)client_buf(b));
		cap_delete(SLOT_BUF0 + b);
		have_buf[b] = 0;
	}
	if (cap_move(SLOT_RECV, SLOT_BUF0 + b) != E_OK)
		return BLK_EINVAL;
	if (map(SLOT_BUF0 + b, (uint64_t)client_buf(b), RIGHT_READ | RIGHT_WRITE) != E_OK) {
		cap_delete(SLOT_BUF0 + b);
		return BLK_EINVAL;
	}
	have_buf[b] = 1;
	return 0;
}

/* READ or WRITE of [off, off + len) of the partition. */
static int64_t
transfer(uint64_t b, uint32_t type, uint64_t off, uint64_t len)
{
	int64_t v;

	if (!have_buf[b])
		return BLK_ESTATE;
	if (len == 0 || len > BLK_MAX || off % sector != 0 || len % sector != 0)
		return BLK_EINVAL;
	if (off > part_bytes || len > part_bytes - off)
		return BLK_ERANGE;
	if (type == T_OUT)
		memcpy(data, client_buf(b), len);
	if ((v = request(type, part_off + off, (uint32_t)len)) == 0 && type == T_IN)
		memcpy(client_buf(b), data, len);
	return v;
}

static int64_t
serve(const struct msg *m, uint64_t *w1)
{
	uint64_t b = m->badge;

	*w1 = 0;
	if (b == 0 || b >= CLIENTS)
		return BLK_EINVAL;
	switch (TAG_LABEL(m->tag)) {
	case BLK_INFO:
		*w1 = sector;
		return (int64_t)(part_bytes / sector);
	case BLK_BUFFER:
		return take_buffer(m, b);
	case BLK_READ:
		return transfer(b, T_IN, m->w[0], m->w[1]);
	case BLK_WRITE:
		return transfer(b, T_OUT, m->w[0], m->w[1]);
	case BLK_FLUSH:
		/* Writes are done when replied to; without FLUSH the device has no cache to flush. */
		return (features & 1u << BLK_F_FLUSH) ? request(T_FLUSH, 0, 0) : 0;
	default:
		return BLK_EBADOP;
	}
}

int
main(uint64_t arg)
{
	struct msg m;
	uint64_t w1;
	int64_t err, v;
	const char *why;

	(void)arg;
	if (find_device() != 0)
		return 1;
	if ((why = start_device()) != NULL) {
		w8(VIRTIO_COMMON_STATUS, r8(VIRTIO_COMMON_STATUS) | VIRTIO_STATUS_FAILED);
		printf("virtioblk: %s\n", why);
		return 1;
	}
	if (find_partition() != 0)
		return 1;
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("virtioblk: receive failed: %s\n", err_name(err));
			return 1;
		}
		v = serve(&m, &w1);
		cap_delete(SLOT_RECV);	/* an offered capability not taken is not kept */
		err = ipc_reply_recv4(SLOT_SERVE, (uint64_t)SLOT_RECV << 48, (uint64_t)v, w1, 0, 0, &m);
	}
}
