/*
 * NVMe commands and queues: building submission entries, PRP entries for
 * a transfer, and taking completions from a device that may lie. The
 * completion entry is read once into a local copy; every field the
 * driver acts on comes from that copy and is checked against private
 * state (the command id and slot given out, the tail written).
 */
#include "lib/libc/string.h"
#include "lib/nvme/nvme.h"

#define MAX_ENTRIES	4096u

static void
cmd(struct nvme_sqe *c, uint8_t opcode, uint32_t nsid)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = nsid;
}

void
nvme_cmd_identify(struct nvme_sqe *c, uint8_t cns, uint32_t nsid, uint64_t prp1)
{
	cmd(c, NVME_ADMIN_IDENTIFY, nsid);
	c->prp1 = prp1;		/* 4096 bytes in one page: no PRP2 */
	c->cdw10 = cns;
}

void
nvme_cmd_set_queues(struct nvme_sqe *c, uint16_t pairs)
{
	cmd(c, NVME_ADMIN_SET_FEATURES, 0);
	c->cdw10 = NVME_FEAT_QUEUES;
	/* Both counts are zero-based. */
	c->cdw11 = (uint32_t)(pairs - 1) << 16 | (uint32_t)(pairs - 1);
}

void
nvme_cmd_create_cq(struct nvme_sqe *c, uint16_t qid, uint16_t entries, uint64_t base,
    int vector)
{
	cmd(c, NVME_ADMIN_CREATE_CQ, 0);
	c->prp1 = base;
	c->cdw10 = (uint32_t)(entries - 1) << 16 | qid;
	/* Physically contiguous (bit 0); interrupts enabled (bit 1) on a vector. */
	c->cdw11 = 1u | (vector >= 0 ? 2u | (uint32_t)vector << 16 : 0);
}

void
nvme_cmd_create_sq(struct nvme_sqe *c, uint16_t qid, uint16_t entries, uint64_t base,
    uint16_t cqid)
{
	cmd(c, NVME_ADMIN_CREATE_SQ, 0);
	c->prp1 = base;
	c->cdw10 = (uint32_t)(entries - 1) << 16 | qid;
	c->cdw11 = (uint32_t)cqid << 16 | 1u;	/* contiguous, medium priority */
}

void
nvme_cmd_rw(struct nvme_sqe *c, uint8_t opcode, uint32_t nsid, uint64_t slba,
    uint32_t blocks, uint64_t prp1, uint64_t prp2)
{
	cmd(c, opcode, nsid);
	c->prp1 = prp1;
	c->prp2 = prp2;
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = (uint32_t)(slba >> 32);
	c->cdw12 = (blocks - 1) & 0xffff;	/* zero-based count */
}

void
nvme_cmd_flush(struct nvme_sqe *c, uint32_t nsid)
{
	cmd(c, NVME_CMD_FLUSH, nsid);
}

int
nvme_prp(uint64_t dev, uint32_t len, uint64_t *list, uint64_t list_dev, uint32_t list_max,
    uint64_t *prp1, uint64_t *prp2)
{
	uint64_t first = dev & ~(uint64_t)(NVME_PAGE - 1);
	uint64_t pages;

	if (len == 0 || dev % 4 != 0 || list_dev % 8 != 0 || dev > UINT64_MAX - len)
		return -1;
	pages = (dev - first + len + NVME_PAGE - 1) / NVME_PAGE;
	*prp1 = dev;
	*prp2 = 0;
	if (pages == 2)
		*prp2 = first + NVME_PAGE;
	if (pages <= 2)
		return 0;
	/* Entries 2..pages go in the list, which must not cross its page. */
	if (pages - 1 > list_max ||
	    list_dev % NVME_PAGE + (pages - 1) * 8 > NVME_PAGE)
		return -1;
	for (uint64_t i = 1; i < pages; i++)
		list[i - 1] = first + i * NVME_PAGE;
	*prp2 = list_dev;
	return 0;
}

int
nvme_qp_init(struct nvme_qp *q, uint16_t qid, uint16_t entries)
{
	if (entries < 2 || entries > MAX_ENTRIES)
		return -1;
	memset(q, 0, sizeof(*q));
	q->qid = qid;
	q->entries = entries;
	q->phase = 1;		/* the device's first pass writes phase 1 */
	return 0;
}

int
nvme_qp_submit(struct nvme_qp *q, volatile struct nvme_sqe *sq, const struct nvme_sqe *c)
{
	volatile struct nvme_sqe *e = &sq[q->sq_tail];

	if (q->outstanding)
		return -1;
	q->cid = q->next_cid++;
	q->slot = q->sq_tail;
	e->opcode = c->opcode;
	e->flags = c->flags;
	e->cid = q->cid;
	e->nsid = c->nsid;
	e->reserved = 0;
	e->mptr = c->mptr;
	e->prp1 = c->prp1;
	e->prp2 = c->prp2;
	e->cdw10 = c->cdw10;
	e->cdw11 = c->cdw11;
	e->cdw12 = c->cdw12;
	e->cdw13 = c->cdw13;
	e->cdw14 = c->cdw14;
	e->cdw15 = c->cdw15;
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->entries);
	q->outstanding = 1;
	return q->sq_tail;
}

/* Slots from a to b going forward around a queue of n entries. */
static unsigned
ahead(unsigned a, unsigned b, unsigned n)
{
	return (b + n - a) % n;
}

int
nvme_qp_complete(struct nvme_qp *q, const volatile struct nvme_cqe *cq, struct nvme_cqe *out)
{
	const volatile struct nvme_cqe *v = &cq[q->cq_head];
	struct nvme_cqe e;

	/* The phase bit first: the rest of the entry is only valid after it. */
	if ((v->status & 1u) != q->phase)
		return 0;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	e.dw0 = v->dw0;
	e.dw1 = v->dw1;
	e.sq_head = v->sq_head;
	e.sq_id = v->sq_id;
	e.cid = v->cid;
	e.status = v->status;
	if ((e.status & 1u) != q->phase)
		return 0;	/* changed under us: look again later */
	if (!q->outstanding || e.cid != q->cid)
		return NVME_BAD_CID;
	if (e.sq_id != q->qid)
		return NVME_BAD_SQID;
	/*
	 * The device fetched our command before completing it, and cannot
	 * have read past the tail: the new head lies in (slot, tail].
	 */
	if (e.sq_head >= q->entries ||
	    ahead(q->sq_head, e.sq_head, q->entries) <= ahead(q->sq_head, q->slot, q->entries) ||
	    ahead(q->sq_head, e.sq_head, q->entries) > ahead(q->sq_head, q->sq_tail, q->entries))
		return NVME_BAD_HEAD;
	q->sq_head = e.sq_head;
	q->outstanding = 0;
	if (++q->cq_head == q->entries) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	*out = e;
	return 1;
}
