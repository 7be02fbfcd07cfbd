/*
 * blktest: the block service's in-guest test client (tests/qemu/test_blk.py),
 * started only by the tests' manifest (init's argument 1) with client
 * capabilities to virtioblk (slot 16) and nvme (slot 20): it uses the one
 * whose driver is serving (init starts only the driver of the boot disk).
 *
 * Malformed requests first (each must be refused), then a pattern
 * written at several offsets of the persistence partition (its first
 * and last 64 KiB and one sector in the middle), a flush, and every
 * range read back into a cleared buffer and compared. The host checks
 * the same pattern in the image afterwards, and that nothing outside
 * the partition changed. Prints one line per check and
 * "blktest: N passed, M failed".
 */
#include "user/lib/blk.h"
#include "user/lib/nonos.h"

#define SLOT_VIRTIOBLK	16
#define SLOT_BUF	17
#define SLOT_SMALL	18
#define SLOT_NOTE	19
#define SLOT_NVME	20
#define SLOT_TIMER	21	/* SLOT_NOTE, badged for our timer */
#define PROBE_TICKS	1000	/* a driver still starting gets 10 s */
#define BUF_VA		0x0000100000000000ULL
#define MIDDLE		(1ULL << 20)

static int passed, failed;
static uint64_t blk_slot;
static uint8_t *buf = (uint8_t *)BUF_VA;

static void
check(const char *what, int ok, int64_t v)
{
	if (ok) {
		passed++;
		printf("blktest: %s ... ok\n", what);
	} else {
		failed++;
		printf("blktest: %s ... FAIL (%lld)\n", what, (long long)v);
	}
}

static int64_t
call(uint64_t tag, uint64_t w0, uint64_t w1, struct msg *r)
{
	struct msg m;
	int64_t err = ipc_call4(blk_slot, tag, w0, w1, 0, 0, r ? r : &m);

	return err < 0 ? err : (int64_t)(r ? r : &m)->w[0];
}

static uint64_t
with_cap(uint64_t op, uint64_t slot)
{
	return op | TAG_CAP | slot << 40;
}

/* The byte at partition offset x (tests/qemu/test_blk.py computes the same). */
static uint8_t
pattern(uint64_t x)
{
	return (uint8_t)(x + (x >> 9) * 7 + 0x5a);
}

static void
refusals(uint64_t bytes)
{
	int64_t v;

	v = call(BLK_READ, 0, 512, NULL);
	check("READ before a buffer is refused", v == BLK_ESTATE, v);
	v = call(BLK_BUFFER, 0, 0, NULL);
	check("BUFFER without a capability is refused", v == BLK_EINVAL, v);
	v = call(with_cap(BLK_BUFFER, SLOT_SMALL), 0, 0, NULL);
	check("BUFFER with a one-page frame is refused", v == BLK_EINVAL, v);
	v = call(with_cap(BLK_BUFFER, SLOT_NOTE), 0, 0, NULL);
	check("BUFFER with a notification is refused", v == BLK_EINVAL, v);
	v = call(with_cap(BLK_BUFFER, SLOT_BUF), 0, 0, NULL);
	check("BUFFER with a 64 KiB frame", v == 0, v);
	v = call(BLK_READ, bytes, 512, NULL);
	check("READ at the partition's end is refused", v == BLK_ERANGE, v);
	v = call(BLK_WRITE, bytes - 512, 1024, NULL);
	check("WRITE across the partition's end is refused", v == BLK_ERANGE, v);
	v = call(BLK_WRITE, 0xfffffffffffffe00ULL, 512, NULL);
	check("WRITE at an offset near 2^64 is refused", v == BLK_ERANGE, v);
	v = call(BLK_READ, 100, 512, NULL);
	check("READ at an unaligned offset is refused", v == BLK_EINVAL, v);
	v = call(BLK_READ, 0, 100, NULL);
	check("READ of an unaligned length is refused", v == BLK_EINVAL, v);
	v = call(BLK_READ, 0, 0, NULL);
	check("READ of nothing is refused", v == BLK_EINVAL, v);
	v = call(BLK_WRITE, 0, 2 * BLK_MAX, NULL);
	check("WRITE of 128 KiB is refused", v == BLK_EINVAL, v);
	v = call(77, 0, 0, NULL);
	check("an unknown operation is refused", v == BLK_EBADOP, v);
}

static void
write_at(uint64_t off, uint64_t len)
{
	int64_t v;
	uint64_t i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(off + i);
	v = call(BLK_WRITE, off, len, NULL);
	check("WRITE", v == 0, v);
}

static void
read_back(uint64_t off, uint64_t len)
{
	int64_t v;
	uint64_t i;

	memset(buf, 0, BLK_MAX);
	v = call(BLK_READ, off, len, NULL);
	for (i = 0; v == 0 && i < len && buf[i] == pattern(off + i); i++)
		;
	check("READ gives back what was written", v == 0 && i == len, v != 0 ? v : (int64_t)i);
}

int
main(uint64_t arg)
{
	struct msg r;
	uint64_t bytes, sec;
	static const uint64_t slots[2] = { SLOT_VIRTIOBLK, SLOT_NVME };
	static const char *const names[2] = { "virtioblk", "nvme" };
	int64_t v;
	int k;

	(void)arg;
	if (frame_create(SLOT_MEMORY, SLOT_BUF, BLK_MAX / USER_PAGE) < 0 ||
	    frame_create(SLOT_MEMORY, SLOT_SMALL, 1) < 0 ||
	    notification_create(SLOT_MEMORY, SLOT_NOTE) < 0 ||
	    cap_derive(SLOT_NOTE, SLOT_TIMER, RIGHT_WRITE, 1) < 0 ||
	    map(SLOT_BUF, BUF_VA, RIGHT_READ | RIGHT_WRITE) < 0) {
		printf("blktest: cannot set up\n");
		return 1;
	}
	k = blk_find(slots, 2, PROBE_TICKS, SLOT_NOTE, SLOT_TIMER);
	check("a block driver answers", k >= 0, k);
	if (k < 0)
		goto out;
	blk_slot = slots[k];
	printf("blktest: using %s\n", names[k]);
	v = call(BLK_INFO, 0, 0, &r);
	sec = r.w[1];
	bytes = (uint64_t)v * sec;
	check("INFO: a partition of at least 1 MiB, 512..4096-byte sectors",
	    v > 0 && (sec == 512 || sec == 4096) && bytes >= 2 * MIDDLE, v);
	if (v <= 0)
		goto out;
	printf("blktest: partition of %llu bytes, %llu-byte sectors\n",
	    (unsigned long long)bytes, (unsigned long long)sec);
	refusals(bytes);
	write_at(0, BLK_MAX);
	write_at(MIDDLE, sec);
	write_at(bytes - BLK_MAX, BLK_MAX);
	v = call(BLK_FLUSH, 0, 0, NULL);
	check("FLUSH", v == 0, v);
	read_back(0, BLK_MAX);
	read_back(MIDDLE, sec);
	read_back(bytes - BLK_MAX, BLK_MAX);
out:
	printf("blktest: %d passed, %d failed\n", passed, failed);
	printf("blktest: done\n");
	return 0;
}
