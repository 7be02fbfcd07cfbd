/*
 * The block protocol's serving loop and partition checks, shared by the
 * disk drivers (blkdev.h). One request is with the driver at a time (a
 * client's call waits for its completion), so FLUSH is a barrier by
 * construction: every write replied to has completed before it.
 */
#include "lib/gpt/gpt.h"
#include "user/lib/blk.h"
#include "user/lib/blkdev/blkdev.h"
#include "user/lib/nonos.h"

static struct gpt gpt;
static int have_buf[BLKDEV_CLIENTS];

/* gpt_read's reader: sectors of the whole disk through the bounce buffer. */
static int
disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct blkdev *d = ctx;

	if (len == 0 || len > BLK_MAX || off % d->sector != 0 || len % d->sector != 0 ||
	    off > d->disk_bytes || len > d->disk_bytes - off)
		return -1;
	if (d->transfer(0, off, (uint32_t)len) != 0)
		return -1;
	memcpy(buf, d->bounce, len);
	return 0;
}

int
blkdev_find_partition(struct blkdev *d)
{
	struct gpt_disk disk = { disk_read, d, d->disk_bytes, d->sector };
	const struct gpt_part *p;
	const char *why;

	if ((why = gpt_read(&disk, &gpt)) != NULL) {
		printf("%s: the disk's GPT: %s\n", d->name, why);
		return -1;
	}
	if ((p = gpt_find(&gpt, gpt_type_nonos_persist)) == NULL) {
		printf("%s: no NONOS PERSIST partition\n", d->name);
		return -1;
	}
	/* gpt_read checked first <= last inside the usable range of the disk. */
	d->part_off = p->first * d->sector;
	d->part_bytes = (p->last - p->first + 1) * d->sector;
	printf("%s: ready, persistence partition %llu MiB at sector %llu, %u-byte sectors\n",
	    d->name, (unsigned long long)(d->part_bytes >> 20), (unsigned long long)p->first,
	    d->sector);
	return 0;
}

/* The buffer of the client with badge b. */
static uint8_t *
client_buf(uint64_t b)
{
	return (uint8_t *)(BLKDEV_CLIENT_VA + b * BLK_MAX);
}

/*
 * Client b's frame: read-write and BLK_MAX bytes. Each client (badge)
 * has its own, so that two clients (persistd, and blktest in the tests'
 * manifest) never read or write through each other's buffer.
 */
static int64_t
take_buffer(const struct msg *m, uint64_t b)
{
	if (!cap_offered(m, BLKDEV_SLOT_RECV, CAP_FRAME, RIGHT_READ | RIGHT_WRITE, BLK_MAX) ||
	    frame_take(BLKDEV_SLOT_RECV, BLKDEV_SLOT_BUF0 + b, (uint64_t)client_buf(b),
	    &have_buf[b]) != 0)
		return BLK_EINVAL;
	return 0;
}

/* READ or WRITE of [off, off + len) of the partition, checked without overflow. */
static int64_t
transfer(struct blkdev *d, uint64_t b, int write, uint64_t off, uint64_t len)
{
	int64_t v;

	if (!have_buf[b])
		return BLK_ESTATE;
	if (len == 0 || len > BLK_MAX || off % d->sector != 0 || len % d->sector != 0)
		return BLK_EINVAL;
	if (off > d->part_bytes || len > d->part_bytes - off)
		return BLK_ERANGE;
	if (write)
		memcpy(d->bounce, client_buf(b), len);
	if ((v = d->transfer(write, d->part_off + off, (uint32_t)len)) == 0 && !write)
		memcpy(client_buf(b), d->bounce, len);
	return v;
}

static int64_t
serve(struct blkdev *d, const struct msg *m, uint64_t *w1)
{
	uint64_t b = m->badge;

	*w1 = 0;
	if (b == 0 || b >= BLKDEV_CLIENTS)
		return BLK_EINVAL;
	switch (TAG_LABEL(m->tag)) {
	case BLK_INFO:
		*w1 = d->sector;
		return (int64_t)(d->part_bytes / d->sector);
	case BLK_BUFFER:
		return take_buffer(m, b);
	case BLK_READ:
		return transfer(d, b, 0, m->w[0], m->w[1]);
	case BLK_WRITE:
		return transfer(d, b, 1, m->w[0], m->w[1]);
	case BLK_FLUSH:
		return d->flush();
	default:
		return BLK_EBADOP;
	}
}

void
blkdev_serve(struct blkdev *d)
{
	struct msg m;
	uint64_t w1;
	int64_t err, v;

	err = ipc_recv(BLKDEV_SLOT_SERVE, BLKDEV_SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("%s: receive failed: %s\n", d->name, err_name(err));
			return;
		}
		v = serve(d, &m, &w1);
		cap_delete(BLKDEV_SLOT_RECV);	/* an offered capability not taken is not kept */
		err = ipc_reply_recv4(BLKDEV_SLOT_SERVE, (uint64_t)BLKDEV_SLOT_RECV << 48,
		    (uint64_t)v, w1, 0, 0, &m);
	}
}
