/*
 * NVMe (NVM Express base specification 2.0, NVM command set) for a driver
 * that trusts its controller with nothing: the register and queue-entry
 * layouts, command building, Physical Region Page (PRP) construction,
 * completion-queue validation and Identify parsing. No I/O happens here:
 * the driver (user/nvme) owns the registers and the DMA memory, these
 * functions only read and write the memory they are given, so the same
 * code runs in host tests and fuzzers.
 *
 * Everything the device writes (completion entries, Identify data, the
 * CAP register) is copied once and checked before it is used. A
 * completion that names a command that is not outstanding, another
 * queue, or a submission-queue head the device cannot have reached is an
 * error the driver answers by resetting the controller.
 */
#ifndef LIB_NVME_NVME_H
#define LIB_NVME_NVME_H

#include <stdint.h>

/* Controller registers (BAR 0), byte offsets. */
#define NVME_REG_CAP	0x00	/* 64-bit capabilities */
#define NVME_REG_CC	0x14	/* controller configuration */
#define NVME_REG_CSTS	0x1c	/* controller status */
#define NVME_REG_AQA	0x24	/* admin queue sizes */
#define NVME_REG_ASQ	0x28	/* admin submission queue base (64-bit) */
#define NVME_REG_ACQ	0x30	/* admin completion queue base (64-bit) */
#define NVME_REG_DOORBELLS 0x1000

#define NVME_CC_EN		0x1u
#define NVME_CC_MPS_SHIFT	7	/* host page size 2^(12 + MPS) */
#define NVME_CC_IOSQES_SHIFT	16	/* 2^6 = 64-byte submission entries */
#define NVME_CC_IOCQES_SHIFT	20	/* 2^4 = 16-byte completion entries */
#define NVME_CSTS_RDY		0x1u
#define NVME_CSTS_CFS		0x2u	/* controller fatal status */

/* Admin opcodes. */
#define NVME_ADMIN_CREATE_SQ	0x01
#define NVME_ADMIN_CREATE_CQ	0x05
#define NVME_ADMIN_IDENTIFY	0x06
#define NVME_ADMIN_SET_FEATURES	0x09
/* NVM command set opcodes. */
#define NVME_CMD_FLUSH		0x00
#define NVME_CMD_WRITE		0x01
#define NVME_CMD_READ		0x02

#define NVME_ID_NS		0x00	/* Identify CNS values */
#define NVME_ID_CTRL		0x01
#define NVME_FEAT_QUEUES	0x07	/* Set Features: number of queues */

#define NVME_ID_BYTES		4096	/* an Identify data structure */
#define NVME_PAGE		4096u	/* the only host page size the driver uses */

/* Shared entry layouts (little-endian, as x86 is). */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;		/* 0: no fused operation, PRPs */
	uint16_t cid;		/* command id, echoed in the completion */
	uint32_t nsid;
	uint64_t reserved;
	uint64_t mptr;		/* metadata pointer: never used (no metadata) */
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t dw0;		/* command-specific result */
	uint32_t dw1;
	uint16_t sq_head;	/* how far the device has read the submission queue */
	uint16_t sq_id;
	uint16_t cid;
	uint16_t status;	/* bit 0 phase, bits 1..8 status code, 9..11 type */
};

/* The CAP register, decoded and checked. */
struct nvme_cap {
	uint32_t max_entries;	/* per queue (MQES + 1), at least 2 */
	uint32_t timeout_ms;	/* worst case for CSTS.RDY to follow CC.EN */
	uint32_t stride;	/* bytes between doorbells (4 << DSTRD) */
	int contiguous;		/* CQR: queues must be physically contiguous */
};

/*
 * Decodes CAP: NULL, or why the controller cannot be driven (no NVM
 * command set, 4 KiB pages outside [MPSMIN, MPSMAX], queues of one entry).
 */
const char *nvme_cap_parse(uint64_t reg, struct nvme_cap *cap);

/* Byte offset in BAR 0 of queue qid's submission (cq 0) or completion (cq 1) doorbell. */
uint64_t nvme_doorbell(const struct nvme_cap *cap, uint16_t qid, int cq);

/* Command building: c is cleared first; the command id is set at submission. */
void nvme_cmd_identify(struct nvme_sqe *c, uint8_t cns, uint32_t nsid, uint64_t prp1);
void nvme_cmd_set_queues(struct nvme_sqe *c, uint16_t pairs);
/* vector < 0: no interrupts for this queue (polled). */
void nvme_cmd_create_cq(struct nvme_sqe *c, uint16_t qid, uint16_t entries, uint64_t base,
    int vector);
void nvme_cmd_create_sq(struct nvme_sqe *c, uint16_t qid, uint16_t entries, uint64_t base,
    uint16_t cqid);
/* READ or WRITE of blocks (1..65536) logical blocks from slba. */
void nvme_cmd_rw(struct nvme_sqe *c, uint8_t opcode, uint32_t nsid, uint64_t slba,
    uint32_t blocks, uint64_t prp1, uint64_t prp2);
void nvme_cmd_flush(struct nvme_sqe *c, uint32_t nsid);

/*
 * The PRP entries for len bytes at device address dev (one contiguous
 * DMA range) in NVME_PAGE pages: prp1, prp2 and, for more than two
 * pages, the list at list (device address list_dev, room for list_max
 * entries, all in one page: no chaining). 0, or -1 when len is 0, dev is
 * not 4-byte aligned, list_dev is not 8-byte aligned, the list would
 * need more than list_max entries or cross its page, or an address
 * would overflow.
 */
int nvme_prp(uint64_t dev, uint32_t len, uint64_t *list, uint64_t list_dev, uint32_t list_max,
    uint64_t *prp1, uint64_t *prp2);

/*
 * One submission/completion queue pair (the admin queue, or one I/O
 * pair) of the same number of entries, with at most one command
 * outstanding: the driver waits for each command's completion. All of
 * it is private driver state; the entries themselves live in DMA memory.
 */
struct nvme_qp {
	uint16_t qid;
	uint16_t entries;	/* 2 .. 4096 */
	uint16_t sq_tail;	/* the next submission slot we fill */
	uint16_t sq_head;	/* the device's last reported head */
	uint16_t cq_head;	/* the next completion entry we look at */
	uint8_t phase;		/* the phase bit a new completion carries */
	uint8_t outstanding;	/* a command is with the device */
	uint16_t cid;		/* the outstanding command's id */
	uint16_t slot;		/* ... and its submission slot */
	uint16_t next_cid;
};

/* Errors from nvme_qp_complete: the device broke the protocol. */
#define NVME_BAD_CID	(-1)	/* a command id not outstanding, or nothing outstanding */
#define NVME_BAD_SQID	(-2)	/* a completion for another submission queue */
#define NVME_BAD_HEAD	(-3)	/* a submission head the device cannot have reached */

/* An empty pair: the device's queues start with every phase bit 0. -1 for bad sizes. */
int nvme_qp_init(struct nvme_qp *q, uint16_t qid, uint16_t entries);

/*
 * Copies c into the submission queue sq at the tail with a fresh command
 * id; the new tail, for the doorbell. -1 when a command is outstanding.
 */
int nvme_qp_submit(struct nvme_qp *q, volatile struct nvme_sqe *sq, const struct nvme_sqe *c);

/*
 * Looks at the completion queue cq's head entry once. 0: nothing new.
 * 1: the outstanding command completed, *out is the entry as read, and
 * q->cq_head moved on (write it to the completion doorbell). < 0: an
 * NVME_BAD_* error; nothing in q changed.
 */
int nvme_qp_complete(struct nvme_qp *q, const volatile struct nvme_cqe *cq, struct nvme_cqe *out);

/* Status code and type of a completion: 0 is success. */
static inline unsigned
nvme_status(const struct nvme_cqe *e)
{
	return (unsigned)(e->status >> 1) & 0x7ff;
}

/* Identify Controller, checked. */
struct nvme_ctrl_id {
	uint16_t vendor;
	char serial[21];	/* printable ASCII, trailing spaces removed */
	char model[41];
	uint32_t max_transfer;	/* bytes per command (MDTS), at least one page */
	uint32_t namespaces;	/* NN, at least 1 */
	int volatile_cache;	/* VWC: FLUSH is needed for durability */
};

/* Identify Namespace, checked. */
struct nvme_ns_id {
	uint64_t blocks;	/* NSZE */
	uint32_t block_size;	/* 512 .. 4096, a power of two */
};

/*
 * Parses a copy of the Identify Controller data (NVME_ID_BYTES): NULL, or
 * why it is unusable (64-byte submission or 16-byte completion entries
 * not supported, no namespaces).
 */
const char *nvme_ctrl_parse(const uint8_t *id, struct nvme_ctrl_id *out);

/*
 * Parses a copy of the Identify Namespace data: NULL, or why the
 * namespace is unusable (inactive, a format index beyond the list,
 * metadata, a block size outside 512..4096, a size whose byte count
 * overflows 64 bits).
 */
const char *nvme_ns_parse(const uint8_t *id, struct nvme_ns_id *out);

#endif
