/*
 * Host tests for lib/nvme: CAP decoding, command layouts (the byte
 * positions the specification gives), PRP entries for one page, two and
 * a list, and the completion queue against a device model that behaves
 * (phase flips across many wraps) and one that does not (unknown command
 * ids, another queue's id, submission heads it cannot have reached, a
 * completion with nothing outstanding), then Identify parsing of good
 * and hostile data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/nvme/nvme.h"

/* CAP as QEMU's controller reports it: MQES 2047, CQR, TO 15, DSTRD 0, NVM, MPS 4K..64K. */
#define QEMU_CAP	(0x7ffULL | 1ULL << 16 | 15ULL << 24 | 1ULL << 37 | 4ULL << 52)

static void
cap_decoding(void **state)
{
	struct nvme_cap c;

	(void)state;
	assert_null(nvme_cap_parse(QEMU_CAP, &c));
	assert_int_equal(c.max_entries, 2048);
	assert_int_equal(c.timeout_ms, 7500);
	assert_int_equal(c.stride, 4);
	assert_int_equal(c.contiguous, 1);
	assert_int_equal(nvme_doorbell(&c, 0, 0), 0x1000);
	assert_int_equal(nvme_doorbell(&c, 0, 1), 0x1004);
	assert_int_equal(nvme_doorbell(&c, 1, 0), 0x1008);
	assert_int_equal(nvme_doorbell(&c, 1, 1), 0x100c);
	/* A stride of 2^(2+3) bytes. */
	assert_null(nvme_cap_parse(QEMU_CAP | 3ULL << 32, &c));
	assert_int_equal(nvme_doorbell(&c, 1, 1), 0x1000 + 3 * 32);
	/* TO 0 still waits one unit. */
	assert_null(nvme_cap_parse(QEMU_CAP & ~(0xffULL << 24), &c));
	assert_int_equal(c.timeout_ms, 500);
	assert_non_null(nvme_cap_parse(QEMU_CAP & ~(1ULL << 37), &c));	/* no NVM set */
	assert_non_null(nvme_cap_parse(QEMU_CAP | 1ULL << 48, &c));	/* 8 KiB pages at least */
	assert_non_null(nvme_cap_parse(QEMU_CAP & ~0xffffULL, &c));	/* one-entry queues */
}

static void
command_layout(void **state)
{
	struct nvme_sqe c;
	const uint8_t *b = (const uint8_t *)&c;

	(void)state;
	assert_int_equal(sizeof(struct nvme_sqe), 64);
	assert_int_equal(sizeof(struct nvme_cqe), 16);
	memset(&c, 0xee, sizeof(c));
	nvme_cmd_rw(&c, NVME_CMD_WRITE, 1, 0x123456789aULL, 128, 0x1000, 0x2000);
	assert_int_equal(b[0], NVME_CMD_WRITE);
	assert_int_equal(b[1], 0);
	assert_int_equal(b[4], 1);				/* NSID at byte 4 */
	assert_int_equal(*(uint64_t *)(b + 24), 0x1000);	/* PRP1 at 24 */
	assert_int_equal(*(uint64_t *)(b + 32), 0x2000);	/* PRP2 at 32 */
	assert_int_equal(*(uint32_t *)(b + 40), 0x3456789a);	/* CDW10: SLBA low */
	assert_int_equal(*(uint32_t *)(b + 44), 0x12);		/* CDW11: SLBA high */
	assert_int_equal(*(uint32_t *)(b + 48), 127);		/* CDW12: zero-based count */
	assert_int_equal(*(uint64_t *)(b + 16), 0);		/* no metadata pointer */
	nvme_cmd_create_cq(&c, 1, 16, 0x5000, 0);
	assert_int_equal(c.opcode, NVME_ADMIN_CREATE_CQ);
	assert_int_equal(c.cdw10, 15u << 16 | 1);
	assert_int_equal(c.cdw11, 3);			/* contiguous, interrupts on vector 0 */
	nvme_cmd_create_cq(&c, 1, 16, 0x5000, -1);
	assert_int_equal(c.cdw11, 1);			/* polled */
	nvme_cmd_create_sq(&c, 1, 16, 0x6000, 1);
	assert_int_equal(c.opcode, NVME_ADMIN_CREATE_SQ);
	assert_int_equal(c.cdw11, 1u << 16 | 1);
	nvme_cmd_identify(&c, NVME_ID_NS, 1, 0x7000);
	assert_int_equal(c.cdw10, NVME_ID_NS);
	assert_int_equal(c.nsid, 1);
	nvme_cmd_set_queues(&c, 1);
	assert_int_equal(c.cdw10, NVME_FEAT_QUEUES);
	assert_int_equal(c.cdw11, 0);
	nvme_cmd_flush(&c, 1);
	assert_int_equal(c.opcode, NVME_CMD_FLUSH);
	assert_int_equal(c.prp1, 0);
}

static void
prp_entries(void **state)
{
	uint64_t list[512], p1, p2;

	(void)state;
	memset(list, 0, sizeof(list));
	assert_int_equal(nvme_prp(0x10000, 4096, list, 0x90000, 512, &p1, &p2), 0);
	assert_int_equal(p1, 0x10000);
	assert_int_equal(p2, 0);
	assert_int_equal(nvme_prp(0x10000, 8192, list, 0x90000, 512, &p1, &p2), 0);
	assert_int_equal(p2, 0x11000);
	/* 512 bytes ending exactly at a page boundary: one page. */
	assert_int_equal(nvme_prp(0x10e00, 512, list, 0x90000, 512, &p1, &p2), 0);
	assert_int_equal(p2, 0);
	/* An offset that spills into the next page: two. */
	assert_int_equal(nvme_prp(0x10e00, 1024, list, 0x90000, 512, &p1, &p2), 0);
	assert_int_equal(p2, 0x11000);
	/* 64 KiB: PRP1 and a list of 15 pages. */
	assert_int_equal(nvme_prp(0x20000, 65536, list, 0x90000, 512, &p1, &p2), 0);
	assert_int_equal(p1, 0x20000);
	assert_int_equal(p2, 0x90000);
	for (int i = 0; i < 15; i++)
		assert_int_equal(list[i], 0x21000 + 0x1000 * (uint64_t)i);
	assert_int_equal(list[15], 0);
	/* Refusals. */
	assert_int_equal(nvme_prp(0x20000, 0, list, 0x90000, 512, &p1, &p2), -1);
	assert_int_equal(nvme_prp(0x20002, 512, list, 0x90000, 512, &p1, &p2), -1);
	assert_int_equal(nvme_prp(0x20000, 65536, list, 0x90004, 512, &p1, &p2), -1);
	assert_int_equal(nvme_prp(0x20000, 65536, list, 0x90000, 14, &p1, &p2), -1);
	assert_int_equal(nvme_prp(0x20000, 65536, list, 0x90f90, 512, &p1, &p2), -1);
	assert_int_equal(nvme_prp(UINT64_MAX - 4095, 8192, list, 0x90000, 512, &p1, &p2), -1);
}

/* The device side: the completion queue and what it has read. */
static struct nvme_sqe sq[8];
static struct nvme_cqe cq[8];
static unsigned dev_cq, dev_phase = 1;

static void
dev_complete(uint16_t cid, uint16_t sqid, uint16_t head, uint16_t sc)
{
	cq[dev_cq].cid = cid;
	cq[dev_cq].sq_id = sqid;
	cq[dev_cq].sq_head = head;
	cq[dev_cq].dw0 = 0x1234;
	cq[dev_cq].status = (uint16_t)(sc << 1 | dev_phase);
	if (++dev_cq == 8) {
		dev_cq = 0;
		dev_phase ^= 1;
	}
}

static void
dev_reset(void)
{
	memset(sq, 0, sizeof(sq));
	memset(cq, 0, sizeof(cq));
	dev_cq = 0;
	dev_phase = 1;
}

static void
queue_behaving(void **state)
{
	struct nvme_qp q;
	struct nvme_sqe c;
	struct nvme_cqe e;
	int tail;

	(void)state;
	dev_reset();
	assert_int_equal(nvme_qp_init(&q, 1, 1), -1);
	assert_int_equal(nvme_qp_init(&q, 1, 8), 0);
	assert_int_equal(nvme_qp_complete(&q, cq, &e), 0);	/* empty */
	/* 40 commands: the queue wraps five times, the phase flips each time. */
	for (int i = 0; i < 40; i++) {
		nvme_cmd_flush(&c, 1);
		tail = nvme_qp_submit(&q, sq, &c);
		assert_int_equal(tail, (i + 1) % 8);
		assert_int_equal(nvme_qp_submit(&q, sq, &c), -1);	/* one at a time */
		assert_int_equal(sq[i % 8].cid, q.cid);
		assert_int_equal(nvme_qp_complete(&q, cq, &e), 0);	/* not yet */
		dev_complete(sq[i % 8].cid, 1, (uint16_t)tail, i == 7 ? 0x81 : 0);
		assert_int_equal(nvme_qp_complete(&q, cq, &e), 1);
		assert_int_equal(e.dw0, 0x1234);
		assert_int_equal(nvme_status(&e), i == 7 ? 0x81 : 0);
		assert_int_equal(q.cq_head, (i + 1) % 8);
		assert_int_equal(nvme_qp_complete(&q, cq, &e), 0);	/* the old entry stays old */
	}
}

/* One command outstanding, the device answers with (cid + dcid, sqid, head): the result. */
static int
answer(int dcid, uint16_t sqid, int dhead)
{
	struct nvme_qp q;
	struct nvme_sqe c;
	struct nvme_cqe e;
	int tail, r;

	dev_reset();
	nvme_qp_init(&q, 1, 8);
	nvme_cmd_flush(&c, 1);
	/* Two good commands first, so the head is not at 0. */
	for (int i = 0; i < 2; i++) {
		tail = nvme_qp_submit(&q, sq, &c);
		dev_complete(q.cid, 1, (uint16_t)tail, 0);
		assert_int_equal(nvme_qp_complete(&q, cq, &e), 1);
	}
	tail = nvme_qp_submit(&q, sq, &c);
	dev_complete((uint16_t)(q.cid + dcid), sqid, (uint16_t)(tail + dhead), 0);
	r = nvme_qp_complete(&q, cq, &e);
	if (r < 0) {	/* nothing moved */
		assert_int_equal(q.cq_head, 2);
		assert_int_equal(q.sq_head, 2);
		assert_int_equal(q.outstanding, 1);
	}
	return r;
}

static void
queue_hostile(void **state)
{
	struct nvme_qp q;
	struct nvme_cqe e;

	(void)state;
	assert_int_equal(answer(0, 1, 0), 1);
	assert_int_equal(answer(1, 1, 0), NVME_BAD_CID);
	assert_int_equal(answer(-1, 1, 0), NVME_BAD_CID);	/* an earlier, finished one */
	assert_int_equal(answer(0, 0, 0), NVME_BAD_SQID);
	assert_int_equal(answer(0, 1, 1), NVME_BAD_HEAD);	/* read past the tail */
	assert_int_equal(answer(0, 1, -1), NVME_BAD_HEAD);	/* did not fetch the command */
	assert_int_equal(answer(0, 1, -2), NVME_BAD_HEAD);	/* went backwards */
	assert_int_equal(answer(0, 1, 100), NVME_BAD_HEAD);	/* beyond the queue */
	/* A completion with nothing outstanding. */
	dev_reset();
	nvme_qp_init(&q, 0, 8);
	dev_complete(0, 0, 0, 0);
	assert_int_equal(nvme_qp_complete(&q, cq, &e), NVME_BAD_CID);
}

/* Identify Controller as QEMU fills it (the fields we read). */
static void
ctrl_page(uint8_t *id)
{
	memset(id, 0, NVME_ID_BYTES);
	id[0] = 0x36;
	id[1] = 0x1b;
	memcpy(id + 4, "nonos-test          ", 20);
	memcpy(id + 24, "QEMU NVMe Ctrl                          ", 40);
	id[77] = 7;
	id[512] = 0x66;
	id[513] = 0x44;
	id[516] = 1;
	id[525] = 1;
}

static void
identify_controller(void **state)
{
	static uint8_t id[NVME_ID_BYTES];
	struct nvme_ctrl_id c;

	(void)state;
	ctrl_page(id);
	assert_null(nvme_ctrl_parse(id, &c));
	assert_int_equal(c.vendor, 0x1b36);
	assert_string_equal(c.serial, "nonos-test");
	assert_string_equal(c.model, "QEMU NVMe Ctrl");
	assert_int_equal(c.max_transfer, 4096u << 7);
	assert_int_equal(c.namespaces, 1);
	assert_int_equal(c.volatile_cache, 1);
	id[77] = 0;
	id[525] = 0;
	id[10] = 0x07;	/* a control character in the serial */
	assert_null(nvme_ctrl_parse(id, &c));
	assert_int_equal(c.max_transfer, 1u << 31);
	assert_int_equal(c.volatile_cache, 0);
	assert_string_equal(c.serial, "nonos-?est");
	id[77] = 1;
	assert_null(nvme_ctrl_parse(id, &c));
	assert_int_equal(c.max_transfer, 8192);	/* the driver splits 64 KiB into 8 */
	ctrl_page(id);
	id[512] = 0x67;		/* requires 128-byte entries */
	assert_non_null(nvme_ctrl_parse(id, &c));
	ctrl_page(id);
	id[512] = 0x55;		/* at most 32 bytes */
	assert_non_null(nvme_ctrl_parse(id, &c));
	ctrl_page(id);
	id[513] = 0x33;
	assert_non_null(nvme_ctrl_parse(id, &c));
	ctrl_page(id);
	id[516] = 0;
	assert_non_null(nvme_ctrl_parse(id, &c));
}

static void
ns_page(uint8_t *id, uint64_t blocks, unsigned nlbaf, unsigned flbas, unsigned fmt_lbads)
{
	memset(id, 0, NVME_ID_BYTES);
	memcpy(id, &blocks, 8);
	id[25] = (uint8_t)nlbaf;
	id[26] = (uint8_t)flbas;
	for (unsigned i = 0; i <= nlbaf && i < 64; i++)
		id[128 + 4 * i + 2] = 9;
	id[128 + 4 * ((flbas & 0xf) | (nlbaf >= 16 ? (flbas >> 5 & 3) << 4 : 0)) + 2] =
	    (uint8_t)fmt_lbads;
}

static void
identify_namespace(void **state)
{
	static uint8_t id[NVME_ID_BYTES];
	struct nvme_ns_id n;

	(void)state;
	ns_page(id, 1 << 20, 0, 0, 9);
	assert_null(nvme_ns_parse(id, &n));
	assert_int_equal(n.blocks, 1 << 20);
	assert_int_equal(n.block_size, 512);
	ns_page(id, 1000, 7, 4, 12);	/* format 4 of 8: 4 KiB */
	assert_null(nvme_ns_parse(id, &n));
	assert_int_equal(n.block_size, 4096);
	ns_page(id, 1000, 20, 0x21, 12);	/* format 17 of 21: index bits 5..6 */
	assert_null(nvme_ns_parse(id, &n));
	assert_int_equal(n.block_size, 4096);
	ns_page(id, 0, 0, 0, 9);
	assert_non_null(nvme_ns_parse(id, &n));		/* inactive */
	ns_page(id, 1000, 3, 4, 9);
	assert_non_null(nvme_ns_parse(id, &n));		/* index beyond the list */
	ns_page(id, 1000, 64, 0, 9);
	assert_non_null(nvme_ns_parse(id, &n));		/* a list longer than 64 */
	ns_page(id, 1000, 0, 0, 8);
	assert_non_null(nvme_ns_parse(id, &n));		/* 256-byte blocks */
	ns_page(id, 1000, 0, 0, 13);
	assert_non_null(nvme_ns_parse(id, &n));		/* 8 KiB blocks */
	ns_page(id, 1000, 0, 0, 9);
	id[128] = 8;					/* 8 bytes of metadata */
	assert_non_null(nvme_ns_parse(id, &n));
	ns_page(id, 1ULL << 55, 0, 0, 9);
	assert_non_null(nvme_ns_parse(id, &n));		/* 2^64 bytes */
	ns_page(id, (1ULL << 55) - 1, 0, 0, 9);
	assert_null(nvme_ns_parse(id, &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cap_decoding),
		cmocka_unit_test(command_layout),
		cmocka_unit_test(prp_entries),
		cmocka_unit_test(queue_behaving),
		cmocka_unit_test(queue_hostile),
		cmocka_unit_test(identify_controller),
		cmocka_unit_test(identify_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
