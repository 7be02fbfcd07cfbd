/*
 * What an NVMe controller says about itself: the CAP register and the
 * Identify Controller and Identify Namespace data structures. The
 * driver copies Identify data out of DMA memory first, so these parse
 * private bytes; every field is checked before it is believed.
 */
#include "lib/libc/string.h"
#include "lib/nvme/nvme.h"

#define CAP_CSS_NVM	(1ULL << 37)
#define ID_SERIAL	4
#define ID_MODEL	24
#define ID_MDTS		77
#define ID_SQES		512
#define ID_CQES		513
#define ID_NN		516
#define ID_VWC		525
#define NS_NSZE		0
#define NS_NLBAF	25
#define NS_FLBAS	26
#define NS_LBAF		128
#define MAX_TRANSFER	(1u << 31)

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

const char *
nvme_cap_parse(uint64_t reg, struct nvme_cap *cap)
{
	uint32_t mqes = reg & 0xffff, to = (reg >> 24) & 0xff;
	uint32_t mpsmin = (reg >> 48) & 0xf, mpsmax = (reg >> 52) & 0xf;

	if (!(reg & CAP_CSS_NVM))
		return "the controller does not offer the NVM command set";
	if (mpsmin != 0 || mpsmax < mpsmin)
		return "the controller does not take 4 KiB pages";
	if (mqes == 0)
		return "the controller's queues hold one entry";
	cap->max_entries = mqes + 1;
	/* TO is in 500 ms units; 0 would be no time at all, so wait one unit. */
	cap->timeout_ms = (to == 0 ? 1 : to) * 500;
	cap->stride = 4u << ((reg >> 32) & 0xf);
	cap->contiguous = (reg >> 16) & 1;
	return NULL;
}

uint64_t
nvme_doorbell(const struct nvme_cap *cap, uint16_t qid, int cq)
{
	return NVME_REG_DOORBELLS + (2 * (uint64_t)qid + (cq ? 1 : 0)) * cap->stride;
}

/* An ASCII field of n bytes: printable characters kept, others '?', trailing spaces gone. */
static void
text(char *dst, const uint8_t *src, unsigned n)
{
	unsigned end = 0;

	for (unsigned i = 0; i < n; i++) {
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
		if (dst[i] != ' ')
			end = i + 1;
	}
	dst[end] = 0;
}

const char *
nvme_ctrl_parse(const uint8_t *id, struct nvme_ctrl_id *out)
{
	uint8_t sqes = id[ID_SQES], cqes = id[ID_CQES], mdts = id[ID_MDTS];

	/* Low nibble: the required entry size; high nibble: the largest (log2 bytes). */
	if ((sqes & 0xf) > 6 || sqes >> 4 < 6)
		return "the controller does not take 64-byte submission entries";
	if ((cqes & 0xf) > 4 || cqes >> 4 < 4)
		return "the controller does not take 16-byte completion entries";
	if ((out->namespaces = le32(id + ID_NN)) == 0)
		return "the controller has no namespaces";
	out->vendor = (uint16_t)(id[0] | id[1] << 8);
	text(out->serial, id + ID_SERIAL, 20);
	text(out->model, id + ID_MODEL, 40);
	/* MDTS is a power of two of the minimum page size (4 KiB here); 0: no limit. */
	out->max_transfer = mdts == 0 || mdts >= 19 ? MAX_TRANSFER : NVME_PAGE << mdts;
	out->volatile_cache = id[ID_VWC] & 1;
	return NULL;
}

const char *
nvme_ns_parse(const uint8_t *id, struct nvme_ns_id *out)
{
	uint64_t nsze = le64(id + NS_NSZE);
	uint8_t nlbaf = id[NS_NLBAF], flbas = id[NS_FLBAS];
	/* The format index: bits 0..3, and bits 5..6 above them when there are more than 16. */
	unsigned fmt = (flbas & 0xfu) | (nlbaf >= 16 ? (flbas >> 5 & 3u) << 4 : 0);
	const uint8_t *lbaf;
	unsigned lbads;

	if (nsze == 0)
		return "the namespace is not active";
	if (nlbaf > 63 || fmt > nlbaf)
		return "the namespace's format index lies beyond its format list";
	lbaf = id + NS_LBAF + 4 * fmt;
	if (lbaf[0] != 0 || lbaf[1] != 0)
		return "the namespace's format carries metadata";
	lbads = lbaf[2];
	if (lbads < 9 || lbads > 12)
		return "the namespace's block size is not 512..4096 bytes";
	if (nsze >> (64 - lbads) != 0)
		return "the namespace is too large to count in bytes";
	out->blocks = nsze;
	out->block_size = 1u << lbads;
	return NULL;
}
