/*
 * Conflux cells and sequencing (proposal 329). The numbers: each leg
 * counts the sequenced cells that arrive on it (recv[leg]); a SWITCH
 * adds its relative value to that count without being a cell of its
 * own; a cell's number is its leg's count after it. Cells are handed on
 * in number order, one after `delivered`. A cell numbered at most
 * `delivered` can only come from a lying exit and ends the set; one more
 * than ring_len ahead does not fit and ends it too, as tor's own limit
 * on its out-of-order queue does.
 */
#include <string.h>

#include "lib/onion/conflux.h"

int
onion_cfx_sequenced(uint8_t cmd)
{
	switch (cmd) {
	case RELAY_BEGIN:
	case RELAY_DATA:
	case RELAY_END:
	case RELAY_CONNECTED:
	case RELAY_RESOLVE:
	case RELAY_RESOLVED:
	case RELAY_XOFF:
	case RELAY_XON:
		return 1;
	default:
		return 0;	/* circuit-level, or unknown: not counted */
	}
}

void
onion_cfx_seq_init(struct onion_cfx_seq *q, struct onion_cfx_cell *ring,
    size_t ring_len)
{
	memset(q, 0, sizeof *q);
	q->ring = ring;
	q->ring_len = ring_len;
	memset(ring, 0, ring_len * sizeof *ring);
}

int
onion_cfx_arrive(struct onion_cfx_seq *q, unsigned leg,
    const struct onion_relay_msg *m)
{
	struct onion_cfx_cell *slot;
	uint64_t seq;

	if (leg >= ONION_CFX_LEGS || m->len > ONION_RELAY_DATA_MAX)
		return ONION_EINVAL;
	seq = ++q->recv[leg];
	if (seq <= q->delivered)
		return ONION_EPROTO;
	if (seq == q->delivered + 1) {
		q->delivered = seq;
		return 1;
	}
	if (seq - q->delivered > q->ring_len)
		return ONION_EFULL;
	/* Numbers in (delivered, delivered + ring_len] have distinct slots. */
	slot = &q->ring[seq % q->ring_len];
	if (slot->used)
		return ONION_EPROTO;	/* two cells with one number */
	slot->used = 1;
	slot->cmd = m->cmd;
	slot->stream = m->stream;
	slot->len = m->len;
	memcpy(slot->data, m->data, m->len);
	if (++q->queued > q->queued_max)
		q->queued_max = q->queued;
	return 0;
}

int
onion_cfx_next(struct onion_cfx_seq *q, struct onion_cfx_cell *cell)
{
	struct onion_cfx_cell *slot;

	if (q->queued == 0)
		return 0;
	slot = &q->ring[(q->delivered + 1) % q->ring_len];
	if (!slot->used)
		return 0;
	*cell = *slot;
	slot->used = 0;
	q->queued--;
	q->delivered++;
	return 1;
}

int
onion_cfx_switch(struct onion_cfx_seq *q, unsigned leg,
    const struct onion_relay_msg *m)
{
	uint32_t rel;

	if (leg >= ONION_CFX_LEGS || m->len < 4)
		return ONION_EPROTO;
	rel = onion_be32(m->data);
	/* Far enough ahead to wrap is far beyond any ring: refused. */
	if (rel > UINT64_MAX / 2 - q->recv[leg])
		return ONION_EPROTO;
	q->recv[leg] += rel;
	return ONION_OK;
}

static void
put64(uint8_t *p, uint64_t v)
{
	onion_put32(p, (uint32_t)(v >> 32));
	onion_put32(p + 4, (uint32_t)v);
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)onion_be32(p) << 32 | onion_be32(p + 4);
}

/* version | nonce[32] | last_seqno_sent u64 | last_seqno_recv u64 | ux */
void
onion_cfx_link_pack(uint8_t out[ONION_CFX_LINK_LEN],
    const uint8_t nonce[ONION_CFX_NONCE])
{
	out[0] = ONION_CFX_VERSION;
	memcpy(out + 1, nonce, ONION_CFX_NONCE);
	put64(out + 1 + ONION_CFX_NONCE, 0);
	put64(out + 9 + ONION_CFX_NONCE, 0);
	out[17 + ONION_CFX_NONCE] = ONION_CFX_UX_THROUGHPUT;
}

int
onion_cfx_linked_ok(const struct onion_relay_msg *m,
    const uint8_t nonce[ONION_CFX_NONCE])
{
	const uint8_t *d = m->data;

	if (m->len < ONION_CFX_LINK_LEN || d[0] != ONION_CFX_VERSION)
		return ONION_EPROTO;
	if (memcmp(d + 1, nonce, ONION_CFX_NONCE) != 0)
		return ONION_EPROTO;
	if (be64(d + 1 + ONION_CFX_NONCE) != 0 ||
	    be64(d + 9 + ONION_CFX_NONCE) != 0)
		return ONION_EPROTO;
	return ONION_OK;
}
