/*
 * The block protocol: how a client reaches the persistence partition
 * through the boot disk's driver (user/virtioblk or user/nvme, which
 * serve it alike through user/lib/blkdev). The client holds a
 * client capability to the driver's endpoint and sends each operation
 * with SYS_CALL; the label is the operation, the reply's w0 the result
 * (>= 0) or a BLK_E* error. Offsets are bytes from the start of the
 * NONOS PERSIST partition: nothing else on the disk can be reached.
 * Data travels through a frame the client hands over with BLK_BUFFER.
 * docs/storage.md describes it.
 */
#ifndef USER_LIB_BLK_H
#define USER_LIB_BLK_H

#include <stdint.h>

enum blk_op {
	BLK_INFO = 1,	/* -> w0 sectors of the partition, w1 bytes per sector */
	BLK_BUFFER,	/* TAG_CAP: a read-write frame of BLK_MAX bytes */
	BLK_READ,	/* w0 offset, w1 length: partition -> buffer[0, length) */
	BLK_WRITE,	/* w0 offset, w1 length: buffer[0, length) -> partition */
	BLK_FLUSH,	/* every write replied to is on stable storage after this */
	BLK_OPS
};

#define BLK_MAX		65536	/* bytes per READ or WRITE */

#define BLK_EINVAL	(-1)	/* malformed: unaligned, zero or too long, wrong cap */
#define BLK_ESTATE	(-2)	/* no buffer yet, or the device is gone */
#define BLK_EIO		(-3)	/* the device failed the request */
#define BLK_EBADOP	(-4)	/* unknown operation */
#define BLK_ERANGE	(-5)	/* beyond the partition */

/*
 * Which of n driver endpoints (slots, e.g. client:virtioblk and
 * client:nvme) has its driver serving: the index, or -1 when none
 * answers within tries ticks (a driver still starting reads the GPT
 * first). note is a notification of the caller's, timer a capability to
 * it that blk_find hands to the timer.
 */
int blk_find(const uint64_t *slots, int n, unsigned tries, uint64_t note, uint64_t timer);

#endif
