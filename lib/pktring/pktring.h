/*
 * A one-way ring of Ethernet frames in one shared frame object (16 pages),
 * between a NIC driver and netd: one producer, one consumer, each in its
 * own process. The peer is not trusted: every index and length it writes
 * is checked before use, and a bad one is dropped and counted, never
 * followed.
 *
 * Layout of the 64 KiB region:
 *   0      uint32_t head   slots produced (free-running); only the producer writes it
 *   64     uint32_t tail   slots consumed (free-running); only the consumer writes it
 *   4096   PKT_SLOTS slots of PKT_SLOT bytes: uint16_t len, uint16_t flags (0),
 *          then len bytes of frame (no FCS)
 *
 * The producer writes a slot, then publishes it with a store-release of
 * head; the consumer reads head with a load-acquire, then the slot, then
 * frees it with a store-release of tail. docs/net.md has the whole
 * driver protocol (user/lib/netdev.h).
 */
#ifndef LIB_PKTRING_PKTRING_H
#define LIB_PKTRING_PKTRING_H

#include <stdint.h>

#define PKT_RING_BYTES	65536u	/* one frame object of FRAME_MAX_PAGES pages */
#define PKT_SLOT	2048u
#define PKT_SLOTS	30u	/* (65536 - 4096) / 2048 */
#define PKT_MIN		14u	/* an Ethernet header */
#define PKT_MAX		1514u	/* header + 1500-byte MTU, no FCS */

struct pkt_ring {
	uint8_t *base;		/* the mapped region */
	uint32_t bad;		/* malformed slots or indices seen from the peer */
};

/* The creator zeroes head and tail; the other side attaches. */
void pkt_ring_init(struct pkt_ring *r, void *base);
void pkt_ring_attach(struct pkt_ring *r, void *base);

/* Producer: 0, or -1 when the ring is full or len is not PKT_MIN..PKT_MAX. */
int pkt_put(struct pkt_ring *r, const void *frame, uint32_t len);
/* Producer: free slots (0 when the consumer's tail is out of range). */
uint32_t pkt_space(struct pkt_ring *r);

/*
 * Consumer: 0 when empty, the length copied into buf (at most cap bytes
 * are written; a longer frame is dropped), or -1 when the slot or the
 * producer's head was malformed (the slot is skipped, r->bad counted).
 */
int pkt_get(struct pkt_ring *r, void *buf, uint32_t cap);
/* Consumer: slots ready, clamped to PKT_SLOTS. */
uint32_t pkt_pending(struct pkt_ring *r);

#endif
