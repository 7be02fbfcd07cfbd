/*
 * The split virtqueue of virtio 1.x (spec §2.7), driver side, in memory
 * the caller provides (a DMA frame: the device reads and writes it). Each
 * buffer is one descriptor, which virtio-net and the NICs here need;
 * chains are not used.
 *
 * The device is not trusted. Everything it can write (the used ring, and
 * in principle the whole region) is read once into a local and checked
 * against the driver's own bookkeeping, which lives outside the shared
 * region: a used index that moved by more than the queue size, a used id
 * out of range or not outstanding, a used length beyond the buffer are
 * counted in errors and never followed. Descriptors are never read back.
 */
#ifndef LIB_VIRTIO_VIRTQ_H
#define LIB_VIRTIO_VIRTQ_H

#include <stdint.h>

#define VIRTQ_MAX		256u	/* largest queue this driver sets up */

#define VIRTQ_DESC_F_NEXT	1u
#define VIRTQ_DESC_F_WRITE	2u	/* the device writes this buffer */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY	1u

/* The shared layout (little-endian; x86 is). */
struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct virtq {
	uint16_t size;			/* entries, a power of two <= VIRTQ_MAX */
	/* The shared region, as the driver sees it. */
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail;	/* flags, idx, ring[size], used_event */
	volatile uint16_t *used_hdr;	/* flags, idx */
	volatile struct virtq_used_elem *used_ring;
	/* Device addresses of the three parts, for the transport. */
	uint64_t desc_dev, avail_dev, used_dev;
	/* Driver-private state: the device cannot reach it. */
	uint16_t avail_idx;		/* next avail slot (free-running) */
	uint16_t kicked_idx;		/* avail_idx at the last notification */
	uint16_t last_used;		/* next used entry to take (free-running) */
	uint16_t nfree;
	uint16_t free_ids[VIRTQ_MAX];	/* a stack of unused descriptor ids */
	uint8_t outstanding[VIRTQ_MAX];	/* id is with the device */
	uint32_t buf_len[VIRTQ_MAX];	/* the length the driver gave id */
	int broken;			/* the used index was impossible: stop */
	uint32_t errors;		/* bad values seen from the device */
};

/* Bytes the region of a queue of size entries needs (page-aligned base). */
uint32_t virtq_bytes(uint16_t size);

/*
 * Lays a queue of size entries out in region (virtual base va, device
 * address dev, len bytes), zeroed. -1 when size is not a power of two in
 * 1..VIRTQ_MAX or the region is too small or misaligned.
 */
int virtq_init(struct virtq *q, uint16_t size, void *va, uint64_t dev, uint32_t len);

/*
 * Offers one buffer (device address addr, len bytes; writable: the device
 * fills it) -> its id, or -1 when the queue is full or len is 0. The
 * device sees it after the next virtq_publish.
 */
int virtq_add(struct virtq *q, uint64_t addr, uint32_t len, int writable);

/* Makes the buffers added so far visible to the device (a release store). */
void virtq_publish(struct virtq *q);

/*
 * Whether the device wants a notification for what was published since
 * the last one (it may say it does not, through used.flags); records the
 * notification as sent when the answer is yes.
 */
int virtq_kick_needed(struct virtq *q);

/*
 * Takes the next used entry: 1 with *id and *len (<= the buffer's length)
 * set, the id free again; 0 when there is none; -1 when the entry was bad
 * (errors counted): an id out of range or not outstanding is skipped; a
 * length beyond the buffer gives the buffer back with *id and *len = 0
 * and returns 1 (the caller drops it). Once the used index is found
 * impossible the queue is broken and -1 is returned until it is set up
 * again.
 */
int virtq_get(struct virtq *q, uint16_t *id, uint32_t *len);

/* Interrupts from the device for this queue: wanted or not (a hint). */
void virtq_interrupts(struct virtq *q, int on);

/* Used entries waiting, or 0 when broken (same checks as virtq_get). */
uint16_t virtq_pending(struct virtq *q);

#endif
