/*
 * libFuzzer target for lib/virtio/virtq.c with a hostile device: the
 * input is a script of driver steps (add, publish, kick, take) and device
 * writes to anything in the shared region (used index, used entries,
 * flags, descriptors). Whatever the device writes, what the driver takes
 * back must be an id it gave out and still had outstanding, with a length
 * no larger than that buffer, and its private bookkeeping must stay
 * consistent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/virtio/virtq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t region[8192] __attribute__((aligned(4096)));

struct input {
	const uint8_t *p;
	size_t n;
};

static uint32_t
take(struct input *in, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes && in->n > 0; i++, in->n--)
		v |= (uint32_t)*in->p++ << (8 * i);
	return v;
}

static void
check(const struct virtq *q, const uint32_t *given_len, const uint8_t *mine)
{
	unsigned out = 0;

	for (unsigned i = 0; i < q->size; i++) {
		if (q->outstanding[i] != mine[i] || q->buf_len[i] != given_len[i])
			abort();
		out += mine[i];
	}
	if (q->nfree + out != q->size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	static struct virtq q;
	uint32_t given_len[VIRTQ_MAX] = { 0 };
	uint8_t mine[VIRTQ_MAX] = { 0 };
	uint16_t qsize = (uint16_t)(1u << (take(&in, 1) % 9));	/* 1..256 */

	if (virtq_init(&q, qsize, region, 0x10000, sizeof(region)) != 0)
		abort();
	while (in.n > 0) {
		uint32_t op = take(&in, 1), v = take(&in, 4);
		uint16_t id;
		uint32_t len;
		int r;

		switch (op % 8) {
		case 0:		/* the driver offers a buffer */
			r = virtq_add(&q, 0x100000 + v, v % 4096, (int)(v & 1));
			if (r >= 0) {
				if (r >= qsize || mine[r])
					abort();
				mine[r] = 1;
				given_len[r] = v % 4096;
			}
			break;
		case 1:
			virtq_publish(&q);
			break;
		case 2:
			(void)virtq_kick_needed(&q);
			break;
		case 3:		/* the driver takes what the device returned */
			r = virtq_get(&q, &id, &len);
			if (r == 1) {
				if (id >= qsize || !mine[id] || len > given_len[id])
					abort();
				mine[id] = 0;
			}
			break;
		case 4:		/* the device moves used.idx anywhere */
			q.used_hdr[1] = (uint16_t)v;
			break;
		case 5:		/* the device writes a used entry */
			q.used_ring[(v >> 16) % qsize].id = take(&in, 4);
			q.used_ring[(v >> 16) % qsize].len = take(&in, 4);
			break;
		case 6:		/* the device scribbles on the region */
			region[v % virtq_bytes(qsize)] = (uint8_t)(v >> 24);
			break;
		case 7:		/* a device that behaves: returns what it was given */
			for (unsigned i = 0; i < qsize; i++) {
				if (mine[(i + v) % qsize]) {
					uint16_t u = q.used_hdr[1];

					q.used_ring[u % qsize].id = (i + v) % qsize;
					q.used_ring[u % qsize].len = v >> 20;
					q.used_hdr[1] = (uint16_t)(u + 1);
					break;
				}
			}
			(void)virtq_pending(&q);
			break;
		}
		check(&q, given_len, mine);
	}
	return 0;
}
