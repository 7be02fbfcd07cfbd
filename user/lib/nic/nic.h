/*
 * The driver side of the NIC driver protocol (user/lib/netdev.h), shared
 * by the NIC drivers (user/virtionet, user/e1000e): it serves netd's
 * requests, checks the rings and capabilities netd hands over, and moves
 * frames between netd's packet rings and the device, which the driver
 * reaches through struct nic_dev. docs/net.md, "Drivers", describes it.
 *
 * Slots every NIC driver uses: init gives 16 (our endpoint) and 17 (the
 * PCI function); the rest are made here.
 */
#ifndef USER_LIB_NIC_NIC_H
#define USER_LIB_NIC_NIC_H

#include "lib/pktring/pktring.h"
#include "user/lib/nonos.h"

#define NIC_SLOT_SERVE		16	/* our endpoint (receive side), from init */
#define NIC_SLOT_PCI		17	/* the PCI function, from init */
#define NIC_SLOT_EVENTS		20	/* our notification: device, netd, timer */
#define NIC_SLOT_DEV_BADGE	21	/* ... badged for the device's interrupts */
#define NIC_SLOT_NETD_BADGE	22	/* ... badged for netd (given to it) */
#define NIC_SLOT_TIMER_BADGE	23	/* ... badged for the polling timer */
#define NIC_SLOT_RECV		24	/* a capability arriving from netd */
#define NIC_SLOT_RXRING		25
#define NIC_SLOT_TXRING		26
#define NIC_SLOT_NETD_NOTE	27	/* netd's notification */
#define NIC_SLOT_THREAD		28	/* the data thread */
#define NIC_SLOT_BAR0		32	/* BAR b's device frame: NIC_SLOT_BAR0 + b */
#define NIC_SLOT_DMA0		40	/* DMA frames the device uses, up to 64 */

#define NIC_BADGE_DEV		1
#define NIC_BADGE_NETD		2
#define NIC_BADGE_TIMER		4

#define NIC_MTU			1500

/* One device, as the protocol code drives it. Every call is made with the lock held. */
struct nic_dev {
	const char *name;
	uint8_t mac[6];		/* the address frames are sent with and received for */
	int polled;		/* no interrupt: poll every tick */
	int (*link_up)(void);
	/* Programs a new unicast address (mac above is already set); 0, or -1. */
	int (*set_mac)(void);
	/*
	 * Passes received frames to nic_rx while it accepts them and
	 * reclaims sent buffers; 0, or -1 when the device failed and could
	 * not be restarted.
	 */
	int (*poll)(void);
	/* The next free transmit buffer (room for PKT_MAX bytes), or NULL. */
	uint8_t *(*tx_buf)(void);
	/* Queues the frame written into the buffer tx_buf returned. */
	void (*tx_queue)(uint32_t len);
	/* Tells the device about the frames queued. */
	void (*tx_kick)(void);
	/* Bad values seen from the device (descriptors, lengths, indices). */
	uint32_t (*dev_errors)(void);
};

/*
 * One received frame (Ethernet header first, no FCS) for netd: 1 taken
 * (or filtered out: not for our address), 0 when netd's ring is full (the
 * device keeps the frame; call again after netd frees room), -1 when the
 * length is impossible (dropped and counted).
 */
int nic_rx(const void *frame, uint32_t len);

/* Whether netd's receive ring has room for a frame: take one from the device only then. */
int nic_rx_room(void);

/* Counts a device-side frame dropped for a reason the device code found. */
void nic_rx_dropped(void);

/* Maps a memory BAR at its own address range -> its base, or NULL (logged). */
volatile uint8_t *nic_map_bar(unsigned bar, uint64_t size);

/*
 * Makes pages of DMA memory for the device, mapped at the next free
 * address -> the virtual base, and *dev the device address; NULL (logged).
 */
uint8_t *nic_dma(unsigned pages, uint64_t *dev);

#define NIC_BUF		2048	/* bytes per packet buffer: a whole frame fits */

/*
 * n packet buffers (a multiple of NIC_BUFS_PER_DMA) in DMA frames of 16
 * pages: buf[i] where the driver sees buffer i, bufdev[i] where the
 * device does. 0, or -1 (logged).
 */
#define NIC_BUFS_PER_DMA	(FRAME_MAX_PAGES * USER_PAGE / NIC_BUF)
int nic_dma_bufs(unsigned n, uint8_t **buf, uint64_t *bufdev);

/*
 * Routes the device's interrupt to our notification: MSI-X entry or MSI
 * vector 0 of the function, else polling every tick (dev->polled). 0, or
 * the error of pci_msi when it fell back to polling.
 */
int64_t nic_irq(struct nic_dev *d, uint64_t vector);

/* Makes our notification and its badges; 0, or -1 (logged). Call first. */
int nic_setup(const char *name);

/* Serves netd and moves frames until a fatal error; the exit status. */
int nic_serve(struct nic_dev *d);

#endif
