/*
 * Conflux (proposal 329, tor-spec "Conflux"): two circuits to one exit
 * bonded into a set, so the exit may spread one stream's cells over
 * both. This part is the wire format of the four CONFLUX cells and the
 * receiving side's sequencing: every stream-level cell the exit sends
 * carries an implicit sequence number, counted per leg and moved on by
 * SWITCH cells, and cells are handed to streams in that order whatever
 * leg they came on. Cells that arrive early wait in a ring the owner
 * provides. No allocation; the set's circuits are circuit.c's business.
 */
#ifndef LIB_ONION_CONFLUX_H
#define LIB_ONION_CONFLUX_H

#include <stddef.h>
#include <stdint.h>

#include "lib/onion/relay.h"

#define ONION_CFX_LEGS		2
#define ONION_CFX_NONCE		32
#define ONION_CFX_LINK_LEN	50	/* version, nonce, two u64, ux */
#define ONION_CFX_VERSION	1
#define ONION_CFX_UX_THROUGHPUT	3	/* CONFLUX_UX_HIGH_THROUGHPUT */

/* A cell that came early, kept until its turn. */
struct onion_cfx_cell {
	uint8_t		used;
	uint8_t		cmd;
	uint16_t	stream;
	uint16_t	len;
	uint8_t		data[ONION_RELAY_DATA_MAX];
};

/* The receiving side of one set. */
struct onion_cfx_seq {
	uint64_t		recv[ONION_CFX_LEGS];	/* last seq per leg */
	uint64_t		delivered;	/* last handed to streams */
	struct onion_cfx_cell	*ring;		/* slot = seq % ring_len */
	size_t			ring_len;
	size_t			queued;		/* cells waiting in ring */
	size_t			queued_max;	/* the most ever waiting */
};

/* Whether cmd is sequenced across the set (tor's "multiplexed" cells). */
int	onion_cfx_sequenced(uint8_t cmd);

/* Starts sequencing with ring (ring_len slots, at least 1) all free. */
void	onion_cfx_seq_init(struct onion_cfx_seq *q, struct onion_cfx_cell *ring,
	    size_t ring_len);

/*
 * A sequenced cell m arrived on leg. Returns 1 when it is next: the
 * caller hands it to its stream now. 0 when it came early and waits in
 * the ring. ONION_EPROTO when its number was already delivered (the
 * exit lied), ONION_EFULL when it is further ahead than the ring holds.
 */
int	onion_cfx_arrive(struct onion_cfx_seq *q, unsigned leg,
	    const struct onion_relay_msg *m);

/*
 * The next cell in order if it is waiting: copied to *cell and its slot
 * freed; 1, or 0 when the next one has not come yet.
 */
int	onion_cfx_next(struct onion_cfx_seq *q, struct onion_cfx_cell *cell);

/* A SWITCH on leg: the leg's sequence number moves on by its value. */
int	onion_cfx_switch(struct onion_cfx_seq *q, unsigned leg,
	    const struct onion_relay_msg *m);

/* LINK's body for a new set: both sequence numbers 0. */
void	onion_cfx_link_pack(uint8_t out[ONION_CFX_LINK_LEN],
	    const uint8_t nonce[ONION_CFX_NONCE]);

/*
 * Checks a LINKED answer: version 1, our nonce, and no data sent or
 * received before (a new set). ONION_OK or ONION_EPROTO.
 */
int	onion_cfx_linked_ok(const struct onion_relay_msg *m,
	    const uint8_t nonce[ONION_CFX_NONCE]);

#endif
