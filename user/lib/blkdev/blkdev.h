/*
 * The driver side of the block protocol (user/lib/blk.h), shared by the
 * disk drivers (user/virtioblk, user/nvme): finding the NONOS PERSIST
 * partition with lib/gpt, and serving that partition's byte range and
 * nothing else. A driver describes its disk and gives two operations on
 * the whole disk through its bounce buffer (DMA memory of BLK_MAX bytes:
 * a client's frame is never given to the device); everything a client
 * sends is checked here before a driver sees it.
 */
#ifndef USER_LIB_BLKDEV_BLKDEV_H
#define USER_LIB_BLKDEV_BLKDEV_H

#include <stdint.h>

/* What blkdev_serve uses: drivers keep these slots and addresses free. */
#define BLKDEV_SLOT_SERVE	16	/* our endpoint, from init */
#define BLKDEV_SLOT_RECV	24	/* a capability arriving from a client */
#define BLKDEV_SLOT_BUF0	100	/* client b's frame: BLKDEV_SLOT_BUF0 + b */
#define BLKDEV_CLIENTS		16	/* badges 1..15 (init: the holder's index + 1) */
#define BLKDEV_CLIENT_VA	0x0000700000000000ULL	/* + b * BLK_MAX: client b's frame */

struct blkdev {
	const char *name;	/* the driver, for messages */
	uint64_t disk_bytes;	/* the whole disk */
	uint32_t sector;	/* bytes per sector: 512 .. 4096, a power of two */
	uint8_t *bounce;	/* BLK_MAX bytes of DMA memory */
	/*
	 * Reads (write 0) or writes (write 1) len bytes of bounce at byte
	 * off of the disk; off and len are multiples of sector, len is
	 * 1..BLK_MAX bytes and the range lies inside the disk. 0, or a
	 * BLK_E* error.
	 */
	int64_t (*transfer)(int write, uint64_t off, uint32_t len);
	/* Every write completed so far to stable storage: 0, or a BLK_E* error. */
	int64_t (*flush)(void);
	/* Set by blkdev_find_partition. */
	uint64_t part_off, part_bytes;
};

/* Reads the GPT and finds the first NONOS PERSIST partition: 0, or -1 (logged). */
int blkdev_find_partition(struct blkdev *d);

/* Serves clients forever; returns only when receiving fails (logged). */
void blkdev_serve(struct blkdev *d);

#endif
