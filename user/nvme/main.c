/*
 * nvme: the NVMe driver (NVM Express 2.0, PCI class 01:08:02) as a
 * process, serving the block protocol (user/lib/blk.h) for the NONOS
 * PERSIST partition only, exactly as virtioblk does: user/lib/blkdev
 * reads the GPT and checks every client request.
 *
 * It resets and enables the controller (CC.EN and CSTS.RDY, within the
 * time CAP.TO allows), sets up the admin queue, reads Identify
 * Controller and Identify Namespace 1, asks for one I/O queue pair and
 * creates it, all in DMA memory of its own. Transfers go through a
 * 64 KiB bounce buffer (a client's frame is never given to the device)
 * described by PRP entries, split at the controller's largest transfer
 * (MDTS). FLUSH is sent only when the controller has a volatile write
 * cache (Identify VWC); without one a write is durable when it completes.
 *
 * The device is not trusted: CAP and the Identify data are checked by
 * lib/nvme before use, and each completion entry must carry the phase
 * bit expected, the outstanding command's id, its own queue's id and a
 * submission-queue head the device can have reached. A device that
 * breaks this, reports a fatal status or does not answer within TIMEOUT
 * ticks is reset (CC.EN cleared, bus mastering off: no more DMA) and
 * every later request gets BLK_ESTATE.
 *
 * One command is with the device at a time. Interrupts come as MSI-X
 * (or MSI) vector 0, shared by both completion queues; without either
 * the driver polls every tick.
 */
#include "lib/nvme/nvme.h"
#include "user/lib/blk.h"
#include "user/lib/blkdev/blkdev.h"
#include "user/lib/nonos.h"

#define SLOT_FN		17	/* the PCI function, from init */
#define SLOT_EVENTS	20
#define SLOT_DEV_BADGE	21	/* our notification badged for the device's interrupt */
#define SLOT_TIMER_BADGE 22	/* ... for our timer */
#define SLOT_BAR0	32
#define SLOT_CTL	40	/* DMA: queues, Identify data, the PRP list */
#define SLOT_DATA	41	/* DMA: the bounce buffer */

#define BAR_VA		0x0000500000000000ULL
#define CTL_VA		0x0000600000000000ULL
#define DATA_VA		0x0000600000100000ULL

/* Pages of the control frame. */
#define PG_ASQ		0
#define PG_ACQ		1
#define PG_IOSQ		2
#define PG_IOCQ		3
#define PG_ID		4
#define PG_PRP		5
#define CTL_PAGES	6

#define QUEUE_ENTRIES	16	/* each queue; at most CAP.MQES + 1 */
#define NSID		1
#define IO_QID		1
#define BIT_TIMER	2
#define TIMEOUT		500	/* ticks: 5 s for a command */
#define PCI_CLASS_NVME	0x010802
#define PCI_COMMAND	0x04
#define CMD_MEM		0x02
#define CMD_MASTER	0x04
#define CMD_INTX_OFF	0x400

/* A queue pair: its private state, its entries in DMA memory, its doorbells. */
struct queue {
	struct nvme_qp qp;
	volatile struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	volatile uint32_t *sq_bell, *cq_bell;
};

static volatile uint8_t *regs;
static uint64_t bar_bytes;
static uint8_t *ctl, *data;
static uint64_t ctl_dev, data_dev;
static struct nvme_cap cap;
static struct nvme_ctrl_id ctrl;
static struct nvme_ns_id ns;
static struct queue adminq, ioq;
static uint8_t id_copy[NVME_ID_BYTES];
static uint32_t max_chunk;
static int polled, dead, timer_pending;

static uint32_t r32(unsigned o) { return *(volatile uint32_t *)(regs + o); }
static void w32(unsigned o, uint32_t v) { *(volatile uint32_t *)(regs + o) = v; }

static uint64_t
r64(unsigned o)
{
	return (uint64_t)r32(o) | (uint64_t)r32(o + 4) << 32;
}

static void
w64(unsigned o, uint64_t v)
{
	w32(o, (uint32_t)v);
	w32(o + 4, (uint32_t)(v >> 32));
}

static int
command_bits(uint64_t set, uint64_t clear)
{
	int64_t cmd = pci_config_read(SLOT_FN, PCI_COMMAND, 2);

	if (cmd < 0)
		return -1;
	return pci_config_write(SLOT_FN, PCI_COMMAND, 2, ((uint64_t)cmd | set) & ~clear) == E_OK ?
	    0 : -1;
}

/* DMA memory of pages pages at va; its device address in *dev. */
static uint8_t *
dma(uint64_t slot, uint64_t va, unsigned pages, uint64_t *dev)
{
	int64_t a, err;

	if ((a = dma_create(SLOT_FN, SLOT_MEMORY, slot, pages)) < 0 ||
	    (err = map(slot, va, RIGHT_READ | RIGHT_WRITE)) != E_OK) {
		printf("nvme: cannot make DMA memory: %s\n", err_name(a < 0 ? a : err));
		return NULL;
	}
	*dev = (uint64_t)a;
	return (uint8_t *)va;
}

/* The function, its registers, interrupt and memory; 0, or -1 (logged). */
static int
find_device(void)
{
	struct pci_info info;
	struct cap_info ci;
	int64_t err;

	if (pci_info(SLOT_FN, 0, &info) != E_OK ||
	    ((uint32_t)info.class_code << 16 | (uint32_t)info.subclass << 8 | info.prog_if) !=
	    PCI_CLASS_NVME || info.bar_io[0] || info.bar_size[0] == 0) {
		printf("nvme: slot %d holds no NVMe function with a memory BAR 0\n", SLOT_FN);
		return -1;
	}
	if ((err = pci_bar(SLOT_FN, SLOT_MEMORY, SLOT_BAR0, 0)) != E_OK ||
	    (err = map(SLOT_BAR0, BAR_VA, RIGHT_READ | RIGHT_WRITE)) != E_OK ||
	    (err = cap_info(SLOT_BAR0, &ci)) != E_OK) {
		printf("nvme: cannot map BAR 0: %s%s\n", err_name(err), err == E_RIGHTS ?
		    " (it holds the MSI-X table, which only the kernel may reach)" : "");
		return -1;
	}
	regs = (volatile uint8_t *)BAR_VA;
	bar_bytes = ci.size;
	/* Memory, bus mastering; never INTx (MSI-X, MSI or polling). */
	if (command_bits(CMD_MEM | CMD_MASTER | CMD_INTX_OFF, 0) != 0) {
		printf("nvme: cannot enable the function\n");
		return -1;
	}
	if (notification_create(SLOT_MEMORY, SLOT_EVENTS) != E_OK ||
	    cap_derive(SLOT_EVENTS, SLOT_DEV_BADGE, RIGHT_WRITE, 1) != E_OK ||
	    cap_derive(SLOT_EVENTS, SLOT_TIMER_BADGE, RIGHT_WRITE, BIT_TIMER) != E_OK) {
		printf("nvme: cannot make its notification\n");
		return -1;
	}
	polled = pci_msi(SLOT_FN, 0, SLOT_DEV_BADGE) != E_OK;
	printf("nvme: %02x:%02x.%x, %s, IOMMU %s\n", info.bdf >> 8, (info.bdf >> 3) & 31,
	    info.bdf & 7, polled ? "polled" : "MSI", info.iommu ? "on" : "off");
	if ((ctl = dma(SLOT_CTL, CTL_VA, CTL_PAGES, &ctl_dev)) == NULL ||
	    (data = dma(SLOT_DATA, DATA_VA, BLK_MAX / USER_PAGE, &data_dev)) == NULL)
		return -1;
	return 0;
}

/*
 * Sleeps until the device's interrupt or our timer, armed for n ticks. One timer at most is pending (each costs quota until it
 * fires). 0, or -1 when the timer cannot be armed.
 */
static int
wait_event(uint64_t n)
{
	if (!timer_pending) {
		if (timer_notify(SLOT_TIMER_BADGE, n) != E_OK)
			return -1;
		timer_pending = 1;
	}
	if (notify_wait(SLOT_EVENTS) & BIT_TIMER)
		timer_pending = 0;
	return 0;
}

/* Resets the controller and turns its bus mastering off: no more DMA, for good. */
static void
stop(void)
{
	w32(NVME_REG_CC, r32(NVME_REG_CC) & ~NVME_CC_EN);
	command_bits(0, CMD_MASTER);
	dead = 1;
}

/* The device misbehaved: the request fails, every later one gets BLK_ESTATE. */
static int64_t
give_up(const char *why)
{
	stop();
	printf("nvme: the device %s; reset and stopped\n", why);
	return BLK_EIO;
}

/* Waits until CSTS.RDY is ready (0 or 1) within CAP.TO: 0, or the reason. */
static const char *
wait_ready(uint32_t ready)
{
	uint64_t start = ticks();
	uint32_t csts;

	for (;;) {
		csts = r32(NVME_REG_CSTS);
		if (csts == 0xffffffffu)
			return "the controller no longer answers (CSTS reads all ones)";
		if ((csts & NVME_CSTS_CFS) && ready)
			return "the controller reports a fatal status";
		if ((csts & NVME_CSTS_RDY) == ready)
			return NULL;
		if ((ticks() - start) * 10 > cap.timeout_ms)
			return ready ? "the controller did not become ready in time" :
			    "the controller did not stop in time";
		if (wait_event(1) != 0)
			return "no timer to wait with";
	}
}

static void
queue_init(struct queue *q, uint16_t qid, unsigned sq_page, unsigned cq_page, uint16_t entries)
{
	nvme_qp_init(&q->qp, qid, entries);
	q->sq = (volatile struct nvme_sqe *)(ctl + sq_page * USER_PAGE);
	q->cq = (volatile struct nvme_cqe *)(ctl + cq_page * USER_PAGE);
	q->sq_bell = (volatile uint32_t *)(regs + nvme_doorbell(&cap, qid, 0));
	q->cq_bell = (volatile uint32_t *)(regs + nvme_doorbell(&cap, qid, 1));
}

/* Reset, the admin queue, enable (spec 3.5.1): 0, or the reason. */
static const char *
enable(void)
{
	const char *why;
	uint16_t entries;

	if ((why = nvme_cap_parse(r64(NVME_REG_CAP), &cap)) != NULL)
		return why;
	/* Both queue pairs' doorbells must lie inside what we could map. */
	if (nvme_doorbell(&cap, IO_QID, 1) + 4 > bar_bytes)
		return "the doorbells lie beyond BAR 0";
	entries = cap.max_entries < QUEUE_ENTRIES ? (uint16_t)cap.max_entries : QUEUE_ENTRIES;
	/* A controller left enabled must finish becoming ready before it is reset. */
	if (r32(NVME_REG_CC) & NVME_CC_EN) {
		wait_ready(1);
		w32(NVME_REG_CC, r32(NVME_REG_CC) & ~NVME_CC_EN);
	}
	if ((why = wait_ready(0)) != NULL)
		return why;
	queue_init(&adminq, 0, PG_ASQ, PG_ACQ, entries);
	queue_init(&ioq, IO_QID, PG_IOSQ, PG_IOCQ, entries);
	w32(NVME_REG_AQA, (uint32_t)(entries - 1) << 16 | (uint32_t)(entries - 1));
	w64(NVME_REG_ASQ, ctl_dev + PG_ASQ * USER_PAGE);
	w64(NVME_REG_ACQ, ctl_dev + PG_ACQ * USER_PAGE);
	w32(NVME_REG_CC, 4u << NVME_CC_IOCQES_SHIFT | 6u << NVME_CC_IOSQES_SHIFT |
	    0u << NVME_CC_MPS_SHIFT | NVME_CC_EN);
	return wait_ready(1);
}

/*
 * Runs one command on queue q and waits for its completion (in *e): 0,
 * BLK_EIO when the device failed it or broke the protocol (then it is
 * reset), or BLK_ESTATE when it was reset before.
 */
static int64_t
run(struct queue *q, const struct nvme_sqe *c, struct nvme_cqe *e)
{
	uint64_t start = ticks();
	int tail, r;

	if (dead)
		return BLK_ESTATE;
	if ((tail = nvme_qp_submit(&q->qp, q->sq, c)) < 0)
		return give_up("still holds a command");
	__atomic_thread_fence(__ATOMIC_RELEASE);	/* the entry before the doorbell */
	*q->sq_bell = (uint32_t)tail;
	for (;;) {
		r = nvme_qp_complete(&q->qp, q->cq, e);
		if (r == 1)
			break;
		if (r == NVME_BAD_CID)
			return give_up("completed a command it was not given");
		if (r == NVME_BAD_SQID)
			return give_up("completed a command of another queue");
		if (r == NVME_BAD_HEAD)
			return give_up("reported an impossible submission queue head");
		if (r32(NVME_REG_CSTS) & NVME_CSTS_CFS)
			return give_up("reports a fatal status");
		if (ticks() - start > TIMEOUT)
			return give_up("did not answer");
		if (wait_event(polled ? 1 : TIMEOUT / 10) != 0)
			return give_up("cannot be waited for (no timer)");
	}
	*q->cq_bell = q->qp.cq_head;
	return nvme_status(e) == 0 ? 0 : BLK_EIO;
}

/* An admin command; 0, or -1 (logged with what). */
static int
admin(const struct nvme_sqe *c, const char *what, struct nvme_cqe *e)
{
	int64_t v = run(&adminq, c, e);

	if (v == BLK_EIO && !dead)
		printf("nvme: %s failed: status 0x%x\n", what, nvme_status(e));
	return v == 0 ? 0 : -1;
}

/* Identify CNS cns into id_copy (a private copy: the device cannot change it afterwards). */
static int
identify(uint8_t cns, uint32_t nsid, const char *what)
{
	struct nvme_sqe c;
	struct nvme_cqe e;

	nvme_cmd_identify(&c, cns, nsid, ctl_dev + PG_ID * USER_PAGE);
	if (admin(&c, what, &e) != 0)
		return -1;
	memcpy(id_copy, ctl + PG_ID * USER_PAGE, NVME_ID_BYTES);
	return 0;
}

/* Identify, one I/O queue pair: 0, or the reason. */
static const char *
set_up(void)
{
	struct nvme_sqe c;
	struct nvme_cqe e;
	const char *why;

	if (identify(NVME_ID_CTRL, 0, "Identify Controller") != 0)
		return "Identify Controller failed";
	if ((why = nvme_ctrl_parse(id_copy, &ctrl)) != NULL)
		return why;
	if (identify(NVME_ID_NS, NSID, "Identify Namespace") != 0)
		return "Identify Namespace failed";
	if ((why = nvme_ns_parse(id_copy, &ns)) != NULL)
		return why;
	max_chunk = ctrl.max_transfer < BLK_MAX ? ctrl.max_transfer : BLK_MAX;
	nvme_cmd_set_queues(&c, 1);
	if (admin(&c, "Set Features (number of queues)", &e) != 0)
		return "the controller gives no I/O queues";
	nvme_cmd_create_cq(&c, IO_QID, ioq.qp.entries, ctl_dev + PG_IOCQ * USER_PAGE,
	    polled ? -1 : 0);
	if (admin(&c, "Create I/O Completion Queue", &e) != 0)
		return "cannot create the I/O completion queue";
	nvme_cmd_create_sq(&c, IO_QID, ioq.qp.entries, ctl_dev + PG_IOSQ * USER_PAGE, IO_QID);
	if (admin(&c, "Create I/O Submission Queue", &e) != 0)
		return "cannot create the I/O submission queue";
	printf("nvme: %s (serial %s), namespace %d: %llu blocks of %u bytes, %s, "
	    "%u KiB per command\n", ctrl.model, ctrl.serial, NSID,
	    (unsigned long long)ns.blocks, ns.block_size,
	    ctrl.volatile_cache ? "volatile write cache" : "no volatile write cache",
	    max_chunk / 1024);
	return NULL;
}

/* blkdev's transfer: [off, off + len) of the disk through the bounce buffer, in chunks. */
static int64_t
disk_transfer(int write, uint64_t off, uint32_t len)
{
	uint64_t *list = (uint64_t *)(ctl + PG_PRP * USER_PAGE);
	uint64_t prp1, prp2;
	struct nvme_sqe c;
	struct nvme_cqe e;
	int64_t v;

	for (uint32_t done = 0; done < len; done += max_chunk) {
		uint32_t n = len - done < max_chunk ? len - done : max_chunk;

		if (nvme_prp(data_dev + done, n, list, ctl_dev + PG_PRP * USER_PAGE,
		    USER_PAGE / 8, &prp1, &prp2) != 0)
			return BLK_EINVAL;
		nvme_cmd_rw(&c, write ? NVME_CMD_WRITE : NVME_CMD_READ, NSID,
		    (off + done) / ns.block_size, n / ns.block_size, prp1, prp2);
		if ((v = run(&ioq, &c, &e)) != 0)
			return v;
	}
	return 0;
}

/* Without a volatile write cache a completed write is already durable. */
static int64_t
disk_flush(void)
{
	struct nvme_sqe c;
	struct nvme_cqe e;

	if (!ctrl.volatile_cache)
		return dead ? BLK_ESTATE : 0;
	nvme_cmd_flush(&c, NSID);
	return run(&ioq, &c, &e);
}

int
main(uint64_t arg)
{
	struct blkdev d = { "nvme", 0, 0, NULL, disk_transfer, disk_flush, 0, 0 };
	const char *why;

	(void)arg;
	if (find_device() != 0)
		return 1;
	if ((why = enable()) != NULL || (why = set_up()) != NULL) {
		printf("nvme: %s; stopped\n", why);
		if (!dead)
			stop();
		return 1;
	}
	d.disk_bytes = ns.blocks * ns.block_size;
	d.sector = ns.block_size;
	d.bounce = data;
	if (blkdev_find_partition(&d) != 0)
		return 1;
	blkdev_serve(&d);
	return 1;
}
