/*
 * libFuzzer target for lib/nvme with a hostile controller. The first
 * byte picks what the input is: Identify Controller or Identify
 * Namespace data, a CAP register and a PRP request, or a script of
 * driver steps (submit, poll) and device writes to the completion queue
 * (well-formed completions at the head, or any bytes at any entry).
 * Whatever the device writes, what the driver accepts must be the
 * completion of the command it has outstanding, its queue state must
 * stay inside the queue and be untouched by anything it refuses, and
 * every parsed value must lie in the range the header promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/nvme/nvme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t
take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && in->n > 0; i++, in->n--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static void
text_ok(const char *s, size_t max)
{
	const char *end = memchr(s, 0, max + 1);
	size_t n = end ? (size_t)(end - s) : max + 1;

	if (n > max || (n > 0 && s[n - 1] == ' '))
		abort();
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] >= 0x7f)
			abort();
	}
}

static void
identify(struct input *in, int ns)
{
	static uint8_t page[NVME_ID_BYTES];
	struct nvme_ctrl_id c;
	struct nvme_ns_id n;
	size_t len = in->n < sizeof(page) ? in->n : sizeof(page);

	memset(page, 0, sizeof(page));
	memcpy(page, in->p, len);
	if (ns) {
		if (nvme_ns_parse(page, &n) != NULL)
			return;
		if (n.blocks == 0 || n.block_size < 512 || n.block_size > 4096 ||
		    (n.block_size & (n.block_size - 1)) != 0 || n.blocks > UINT64_MAX / n.block_size)
			abort();
		return;
	}
	if (nvme_ctrl_parse(page, &c) != NULL)
		return;
	text_ok(c.serial, 20);
	text_ok(c.model, 40);
	if (c.namespaces == 0 || c.max_transfer < 2 * NVME_PAGE ||
	    (c.max_transfer & (c.max_transfer - 1)) != 0)
		abort();
}

static void
cap_and_prp(struct input *in)
{
	static uint64_t list[NVME_PAGE / 8 + 1];
	struct nvme_cap cap;
	uint64_t dev = take(in, 8), list_dev = take(in, 8), p1, p2, pages;
	uint32_t len = (uint32_t)take(in, 3), max = (uint32_t)take(in, 2) % (NVME_PAGE / 8 + 1);

	if (nvme_cap_parse(take(in, 8), &cap) == NULL) {
		if (cap.max_entries < 2 || cap.max_entries > 65536 || cap.stride < 4 ||
		    cap.stride > 4u << 15 || cap.timeout_ms < 500 || cap.timeout_ms > 255 * 500 ||
		    nvme_doorbell(&cap, 65535, 1) <= nvme_doorbell(&cap, 65535, 0))
			abort();
	}
	memset(list, 0xa5, sizeof(list));
	if (nvme_prp(dev, len, list, list_dev, max, &p1, &p2) != 0)
		return;
	pages = ((dev % NVME_PAGE) + len + NVME_PAGE - 1) / NVME_PAGE;
	if (len == 0 || p1 != dev || dev % 4 != 0 || dev > UINT64_MAX - len)
		abort();
	if (pages == 1 && p2 != 0)
		abort();
	if (pages == 2 && p2 != (dev & ~(uint64_t)(NVME_PAGE - 1)) + NVME_PAGE)
		abort();
	if (pages > 2) {
		if (p2 != list_dev || pages - 1 > max ||
		    list_dev % NVME_PAGE + (pages - 1) * 8 > NVME_PAGE)
			abort();
		for (uint64_t i = 0; i + 1 < pages; i++) {
			if (list[i] != (dev & ~(uint64_t)(NVME_PAGE - 1)) + (i + 1) * NVME_PAGE)
				abort();
		}
		if (list[pages - 1] != 0xa5a5a5a5a5a5a5a5ULL)	/* nothing past the list */
			abort();
	}
}

static void
queue(struct input *in)
{
	static struct nvme_sqe sq[64];
	static struct nvme_cqe cq[64];
	struct nvme_qp q, before;
	struct nvme_sqe c;
	struct nvme_cqe e;
	uint16_t entries = (uint16_t)(2 + take(in, 1) % 63), qid = (uint16_t)(take(in, 1) % 3);
	unsigned dev_at = 0, dev_phase = 1;	/* where a well-behaved device writes next */
	int r, was;

	memset(sq, 0, sizeof(sq));
	memset(cq, 0, sizeof(cq));
	if (nvme_qp_init(&q, qid, entries) != 0)
		abort();
	while (in->n > 0) {
		uint8_t op = (uint8_t)take(in, 1);

		switch (op % 4) {
		case 0:		/* the driver submits */
			nvme_cmd_flush(&c, 1);
			was = q.outstanding;
			r = nvme_qp_submit(&q, sq, &c);
			if ((r < 0) != was)	/* refused exactly when one is outstanding */
				abort();
			if (r >= 0 && (r != q.sq_tail || sq[q.slot].cid != q.cid || !q.outstanding))
				abort();
			break;
		case 1: {	/* the device writes anything anywhere in the queue */
			struct nvme_cqe *w = &cq[take(in, 1) % entries];

			w->dw0 = (uint32_t)take(in, 4);
			w->sq_head = (uint16_t)take(in, 2);
			w->sq_id = (uint16_t)take(in, 2);
			w->cid = (uint16_t)take(in, 2);
			w->status = (uint16_t)take(in, 2);
			break;
		}
		case 2:		/* the device completes the outstanding command properly */
			cq[dev_at].cid = q.cid;
			cq[dev_at].sq_id = qid;
			cq[dev_at].sq_head = q.sq_tail;
			cq[dev_at].status = (uint16_t)(take(in, 1) << 1 | dev_phase);
			if (++dev_at == entries) {
				dev_at = 0;
				dev_phase ^= 1;
			}
			break;
		case 3:		/* the driver looks */
			before = q;
			r = nvme_qp_complete(&q, cq, &e);
			if (r <= 0) {
				if (memcmp(&before, &q, sizeof(q)) != 0)
					abort();
				if (r < 0) {	/* the driver resets the controller: a fresh queue */
					memset(cq, 0, sizeof(cq));
					nvme_qp_init(&q, qid, entries);
					dev_at = 0;
					dev_phase = 1;
				}
				break;
			}
			if (r != 1 || !before.outstanding || q.outstanding || e.cid != before.cid ||
			    e.sq_id != qid || e.sq_head != before.sq_tail || q.sq_head != e.sq_head ||
			    q.cq_head != (before.cq_head + 1) % entries ||
			    q.phase != (q.cq_head == 0 ? before.phase ^ 1 : before.phase))
				abort();
			break;
		}
		if (q.cq_head >= entries || q.sq_tail >= entries || q.sq_head >= entries)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	switch (take(&in, 1) % 4) {
	case 0:
		identify(&in, 0);
		break;
	case 1:
		identify(&in, 1);
		break;
	case 2:
		cap_and_prp(&in);
		break;
	default:
		queue(&in);
		break;
	}
	return 0;
}
