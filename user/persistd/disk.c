/*
 * The persistence partition as a lib/store device, over the block
 * protocol (user/lib/blk.h) to the driver in SLOT_BLK.
 *
 * lib/store and lib/vault read any byte range and write whole 4 KiB
 * blocks; the driver takes sector-aligned transfers of at most 64 KiB.
 * Reads go through a 64 KiB window kept here (the vault reader reads
 * 64 KiB + 16-byte chunks one after the other, so each window is read
 * once). Writes that follow each other are gathered into one transfer
 * of up to 64 KiB, sent when the next write does not follow, before any
 * read, and before a flush: lib/store's writes may land in any order
 * until flush returns, and flush sends what is gathered first, so the
 * barrier keeps its meaning.
 */
#include "user/lib/blk.h"
#include "user/persistd/persistd.h"

#define PROBE_TRIES	500	/* 10 ms apart: a driver still starting gets 5 s */

static uint8_t *blkbuf = (uint8_t *)BLKBUF_VA;
static uint64_t part_bytes, sector;
static uint8_t window[BLK_MAX];
static uint64_t win_off = UINT64_MAX, win_len;
static uint8_t pending[BLK_MAX];
static uint64_t pend_off, pend_len;
static uint64_t blk_slot = SLOT_BLK;

static int64_t
blk(uint64_t op, uint64_t w0, uint64_t w1, struct msg *r)
{
	int64_t err = ipc_call4(blk_slot, op, w0, w1, 0, 0, r);

	return err < 0 ? err : (int64_t)r->w[0];
}

/* Sends the gathered writes. */
static int
push(void)
{
	struct msg r;

	if (pend_len == 0)
		return 0;
	memcpy(blkbuf, pending, pend_len);
	if (blk(BLK_WRITE, pend_off, pend_len, &r) != 0)
		return -1;
	pend_len = 0;
	return 0;
}

static int
disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;
	struct msg r;

	(void)ctx;
	if (off > part_bytes || len > part_bytes - off || push() != 0)
		return -1;
	while (len > 0) {
		uint64_t base = off / BLK_MAX * BLK_MAX, n;

		if (base != win_off) {
			win_off = UINT64_MAX;
			win_len = part_bytes - base < BLK_MAX ? part_bytes - base : BLK_MAX;
			if (blk(BLK_READ, base, win_len, &r) != 0)
				return -1;
			memcpy(window, blkbuf, win_len);
			win_off = base;
		}
		n = win_off + win_len - off < len ? win_off + win_len - off : len;
		memcpy(p, window + (off - win_off), n);
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int
disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	(void)ctx;
	if (off > part_bytes || len > part_bytes - off || off % sector != 0 ||
	    len % sector != 0 || len > BLK_MAX)
		return -1;
	win_off = UINT64_MAX;		/* the window may hold the old bytes */
	if (pend_len != 0 && (off != pend_off + pend_len || pend_len + len > BLK_MAX) &&
	    push() != 0)
		return -1;
	if (pend_len == 0)
		pend_off = off;
	memcpy(pending + pend_len, buf, len);
	pend_len += len;
	return 0;
}

static int
disk_flush(void *ctx)
{
	struct msg r;

	(void)ctx;
	if (push() != 0 || blk(BLK_FLUSH, 0, 0, &r) != 0)
		return -1;
	return 0;
}

/*
 * Finds the driver: init does not start one without its device, and a
 * call nobody receives would wait forever, so a non-blocking send of no
 * operation (which a driver refuses, and nobody waits for) goes through
 * only when a driver waits for requests. Both driver slots are tried
 * (virtio-blk, and a second block driver speaking the same protocol,
 * e.g. NVMe, when the manifest gives one); the first that answers is used.
 */
static int
driver_present(void)
{
	static const uint64_t slots[] = { SLOT_BLK, SLOT_BLK2 };
	struct cap_info ci;
	int any = 0;

	for (size_t k = 0; k < 2; k++)
		any |= cap_info(slots[k], &ci) == E_OK && ci.type == CAP_ENDPOINT;
	for (int i = 0; any && i < PROBE_TRIES; i++) {
		for (size_t k = 0; k < 2; k++) {
			if (ipc_nbsend4(slots[k], BLK_OPS, 0, 0, 0, 0) == E_OK) {
				blk_slot = slots[k];
				return 1;
			}
		}
		timer_notify(SLOT_TIMER, 1);
		notify_wait(SLOT_EVENTS);
	}
	return 0;
}

int
disk_attach(struct store_dev *d)
{
	struct msg r;
	int64_t v;

	if (!driver_present()) {
		printf("persistd: no block driver answers; nothing can be saved\n");
		return -1;
	}
	if (frame_create(SLOT_MEMORY, SLOT_BLKBUF, BLK_MAX / USER_PAGE) != E_OK ||
	    map(SLOT_BLKBUF, BLKBUF_VA, RIGHT_READ | RIGHT_WRITE) != E_OK ||
	    blk(BLK_BUFFER | TAG_CAP | (uint64_t)SLOT_BLKBUF << 40, 0, 0, &r) != 0) {
		printf("persistd: cannot share a buffer with the block driver\n");
		return -1;
	}
	v = blk(BLK_INFO, 0, 0, &r);
	sector = r.w[1];
	if (v <= 0 || (sector != 512 && sector != 4096) ||
	    (uint64_t)v > UINT64_MAX / sector || STORE_BLOCK % sector != 0) {
		printf("persistd: the block driver reports no usable partition (%lld)\n",
		    (long long)v);
		return -1;
	}
	part_bytes = (uint64_t)v * sector;
	*d = (struct store_dev){ disk_read, disk_write, disk_flush, NULL, part_bytes };
	return 0;
}
