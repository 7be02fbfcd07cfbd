/*
 * e1000e: the driver for Intel's 82574L (QEMU's -device e1000e) as a
 * process: reset, the MAC from the receive-address registers (or the
 * NVM), one receive and one transmit ring of legacy descriptors in DMA
 * memory, MSI-X vector 0 for every cause (IVAR) or polling, and netd
 * served through user/lib/nic (the netdev protocol). The hardware filter
 * takes netd's address (SETMAC programs RAL0/RAH0) and broadcast.
 *
 * The device is not trusted: the driver walks both rings with its own
 * indices (never the device's head registers), gives each descriptor a
 * buffer address again every time it recycles it, and takes a received
 * frame only when the descriptor is done, whole (EOP), free of errors and
 * no longer than its buffer; anything else is dropped and counted.
 */
#include "user/lib/nic/nic.h"

#define VENDOR_INTEL	0x8086
#define DEV_82574L	0x10d3

/* Registers (82574 datasheet, §10.2). */
#define CTRL		0x0000
#define STATUS		0x0008
#define EERD		0x0014
#define ICR		0x00c0
#define IMS		0x00d0
#define IMC		0x00d8
#define IVAR		0x00e4
#define RCTL		0x0100
#define TCTL		0x0400
#define TIPG		0x0410
#define RDBAL		0x2800
#define RDBAH		0x2804
#define RDLEN		0x2808
#define RDH		0x2810
#define RDT		0x2818
#define TDBAL		0x3800
#define TDBAH		0x3804
#define TDLEN		0x3808
#define TDH		0x3810
#define TDT		0x3818
#define MTA		0x5200	/* 128 words */
#define RAL0		0x5400
#define RAH0		0x5404

#define CTRL_SLU	(1u << 6)
#define CTRL_RST	(1u << 26)
#define STATUS_LU	(1u << 1)
#define EERD_START	1u
#define EERD_DONE	2u
#define RAH_AV		(1u << 31)
#define RCTL_EN		(1u << 1)
#define RCTL_BAM	(1u << 15)
#define RCTL_SECRC	(1u << 26)	/* strip the FCS; BSIZE 0: 2048-byte buffers */
#define TCTL_EN		(1u << 1)
#define TCTL_PSP	(1u << 3)
#define TCTL_CT		(0x0fu << 4)
#define TCTL_COLD	(0x3fu << 12)
#define TIPG_COPPER	(10u | 8u << 10 | 6u << 20)
#define ICR_TXDW	(1u << 0)
#define ICR_LSC		(1u << 2)
#define ICR_RXDMT0	(1u << 4)
#define ICR_RXO		(1u << 6)
#define ICR_RXT0	(1u << 7)
#define ICR_RXQ0	(1u << 20)
#define ICR_TXQ0	(1u << 22)
#define ICR_OTHER	(1u << 24)
#define IMS_WANTED	(ICR_TXDW | ICR_LSC | ICR_RXDMT0 | ICR_RXO | ICR_RXT0 | \
			 ICR_RXQ0 | ICR_TXQ0 | ICR_OTHER)
/* IVAR: receive queue 0, transmit queue 0 and other causes to vector 0, each valid. */
#define IVAR_ALL_TO_0	(1u << 3 | 1u << 11 | 1u << 19)

#define DESC_DD		0x01	/* status: descriptor done */
#define DESC_EOP	0x02	/* status (rx): end of packet */
#define CMD_EOP		0x01	/* cmd (tx): end of packet */
#define CMD_IFCS	0x02	/* insert the FCS */
#define CMD_RS		0x08	/* report status */

#define NDESC		128	/* per ring: a multiple of 8 (RDLEN in 128-byte units) */
#define PCI_COMMAND	0x04
#define CMD_MEM		0x02
#define CMD_MASTER	0x04

/* Legacy descriptors (§7.1.4, §7.2.10): 16 bytes, shared with the device. */
struct rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};

struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};

struct ring {
	uint8_t *buf[NDESC];
	uint64_t buf_dev[NDESC];
	uint64_t desc_dev;
	unsigned next;		/* rx: next to take; tx: next to fill */
	unsigned clean;		/* tx: oldest not yet done */
};

static volatile uint8_t *regs;
static volatile struct rx_desc *rxd;
static volatile struct tx_desc *txd;
static struct ring rxr, txr;
static uint32_t bad;		/* descriptors the device got wrong */
static struct nic_dev nic;

static uint32_t
rd(unsigned r)
{
	return *(volatile uint32_t *)(regs + r);
}

static void
wr(unsigned r, uint32_t v)
{
	*(volatile uint32_t *)(regs + r) = v;
}

/* One word of the NVM through EERD; -1 when it does not answer. */
static int32_t
nvm_word(unsigned addr)
{
	wr(EERD, addr << 2 | EERD_START);
	for (int i = 0; i < 100000; i++) {
		uint32_t v = rd(EERD);

		if (v & EERD_DONE)
			return (int32_t)(v >> 16);
	}
	return -1;
}

/* The address the NVM loaded into RAL0/RAH0 at reset, else the NVM's words 0..2. */
static int
read_mac(void)
{
	uint32_t lo = rd(RAL0), hi = rd(RAH0);

	if (!(hi & RAH_AV)) {
		int32_t w[3];

		for (int i = 0; i < 3; i++) {
			if ((w[i] = nvm_word((unsigned)i)) < 0)
				return -1;
		}
		lo = (uint32_t)w[0] | (uint32_t)w[1] << 16;
		hi = (uint32_t)w[2];
	}
	for (int i = 0; i < 4; i++)
		nic.mac[i] = (uint8_t)(lo >> (8 * i));
	nic.mac[4] = (uint8_t)hi;
	nic.mac[5] = (uint8_t)(hi >> 8);
	return 0;
}

static int
set_mac(void)
{
	const uint8_t *m = nic.mac;

	wr(RAH0, 0);		/* invalid while it changes */
	wr(RAL0, (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
	    (uint32_t)m[3] << 24);
	wr(RAH0, (uint32_t)m[4] | (uint32_t)m[5] << 8 | RAH_AV);
	return 0;
}

static int
link_up(void)
{
	return (rd(STATUS) & STATUS_LU) != 0;
}

/* Software reset, interrupts masked; 0, or -1 when the reset does not finish. */
static int
reset(void)
{
	wr(IMC, 0xffffffffu);
	wr(CTRL, rd(CTRL) | CTRL_RST);
	for (int i = 0; rd(CTRL) & CTRL_RST; i++) {
		if (i == 1000000)
			return -1;
	}
	wr(IMC, 0xffffffffu);
	(void)rd(ICR);
	return 0;
}

static void
rings(void)
{
	for (unsigned i = 0; i < NDESC; i++) {
		rxd[i].addr = rxr.buf_dev[i];
		rxd[i].status = 0;
		txd[i].addr = txr.buf_dev[i];
		txd[i].status = 0;
	}
	wr(RDBAL, (uint32_t)rxr.desc_dev);
	wr(RDBAH, (uint32_t)(rxr.desc_dev >> 32));
	wr(RDLEN, NDESC * sizeof(struct rx_desc));
	wr(RDH, 0);
	wr(RDT, NDESC - 1);	/* all but one: head == tail means empty */
	rxr.next = 0;
	wr(TDBAL, (uint32_t)txr.desc_dev);
	wr(TDBAH, (uint32_t)(txr.desc_dev >> 32));
	wr(TDLEN, NDESC * sizeof(struct tx_desc));
	wr(TDH, 0);
	wr(TDT, 0);
	txr.next = txr.clean = 0;
}

static void
start(void)
{
	wr(CTRL, rd(CTRL) | CTRL_SLU);
	for (unsigned i = 0; i < 128; i++)
		wr(MTA + 4 * i, 0);
	set_mac();
	rings();
	wr(TIPG, TIPG_COPPER);
	wr(TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	wr(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
	if (!nic.polled)
		wr(IVAR, IVAR_ALL_TO_0);
	wr(IMS, IMS_WANTED);
}

static void
take_rx(void)
{
	while (nic_rx_room()) {
		volatile struct rx_desc *d = &rxd[rxr.next];
		uint8_t status = d->status, errors = d->errors;
		uint16_t len = d->length;

		if (!(status & DESC_DD))
			break;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);	/* the buffer after DD */
		if (!(status & DESC_EOP) || len > NIC_BUF) {
			bad++;
			nic_rx_dropped();
		} else if (errors != 0) {
			nic_rx_dropped();
		} else {
			nic_rx(rxr.buf[rxr.next], len);
		}
		d->addr = rxr.buf_dev[rxr.next];
		d->status = 0;
		__atomic_thread_fence(__ATOMIC_RELEASE);
		wr(RDT, rxr.next);
		rxr.next = (rxr.next + 1) % NDESC;
	}
}

static int
poll(void)
{
	uint32_t icr = rd(ICR);

	wr(ICR, icr);		/* clear what we saw (MSI-X mode does not clear on read) */
	take_rx();
	while (txr.clean != txr.next && (txd[txr.clean].status & DESC_DD))
		txr.clean = (txr.clean + 1) % NDESC;
	return 0;
}

static uint8_t *
tx_buf(void)
{
	if ((txr.next + 1) % NDESC == txr.clean)
		return NULL;
	return txr.buf[txr.next];
}

static void
tx_queue(uint32_t len)
{
	volatile struct tx_desc *d = &txd[txr.next];

	d->addr = txr.buf_dev[txr.next];
	d->length = (uint16_t)len;
	d->cso = 0;
	d->cmd = CMD_EOP | CMD_IFCS | CMD_RS;
	d->status = 0;
	d->css = 0;
	d->special = 0;
	txr.next = (txr.next + 1) % NDESC;
}

static void
tx_kick(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	wr(TDT, txr.next);
}

static uint32_t
dev_errors(void)
{
	return bad;
}

/* Descriptors and buffers of one ring. */
static int
make_ring(struct ring *r, void **desc)
{
	if ((*desc = nic_dma(1, &r->desc_dev)) == NULL)
		return -1;
	return nic_dma_bufs(NDESC, r->buf, r->buf_dev);
}

static int
find_device(void)
{
	struct pci_info info;
	int64_t cmd;

	if (pci_info(NIC_SLOT_PCI, 0, &info) != E_OK || info.vendor != VENDOR_INTEL ||
	    info.device != DEV_82574L || info.bar_io[0] || info.bar_size[0] < 0x20000) {
		printf("e1000e: slot %d holds no 82574L\n", NIC_SLOT_PCI);
		return -1;
	}
	if ((regs = nic_map_bar(0, info.bar_size[0])) == NULL)
		return -1;
	if ((cmd = pci_config_read(NIC_SLOT_PCI, PCI_COMMAND, 2)) < 0 ||
	    pci_config_write(NIC_SLOT_PCI, PCI_COMMAND, 2,
	    (uint64_t)cmd | CMD_MEM | CMD_MASTER) != E_OK) {
		printf("e1000e: cannot enable the function\n");
		return -1;
	}
	printf("e1000e: %02x:%02x.%x, %s, IOMMU %s\n", info.bdf >> 8, (info.bdf >> 3) & 31,
	    info.bdf & 7, info.msix ? "MSI-X" : info.msi ? "MSI" : "no MSI",
	    info.iommu ? "on" : "off");
	return 0;
}

int
main(uint64_t arg)
{
	void *r, *t;

	(void)arg;
	nic.name = "e1000e";
	nic.link_up = link_up;
	nic.set_mac = set_mac;
	nic.poll = poll;
	nic.tx_buf = tx_buf;
	nic.tx_queue = tx_queue;
	nic.tx_kick = tx_kick;
	nic.dev_errors = dev_errors;
	if (nic_setup("e1000e") != 0 || find_device() != 0 ||
	    make_ring(&rxr, &r) != 0 || make_ring(&txr, &t) != 0)
		return 1;
	rxd = r;
	txd = t;
	if (reset() != 0) {
		printf("e1000e: the device does not come out of reset\n");
		return 1;
	}
	if (read_mac() != 0) {
		printf("e1000e: cannot read the address from the NVM\n");
		return 1;
	}
	nic_irq(&nic, 0);
	start();
	return nic_serve(&nic);
}
