/*
 * Packet rings between a NIC driver and netd (pktring.h has the layout).
 * A minimal version written on branch drivers so that the drivers build;
 * branch net has the reference one with its host tests.
 */
#include "lib/pktring/pktring.h"

#include <stddef.h>

#include "lib/libc/string.h"

#define HEAD	0
#define TAIL	64
#define SLOTS	4096

static volatile uint32_t *
word(struct pkt_ring *r, unsigned off)
{
	return (volatile uint32_t *)(r->base + off);
}

static uint8_t *
slot(struct pkt_ring *r, uint32_t i)
{
	return r->base + SLOTS + (i % PKT_SLOTS) * PKT_SLOT;
}

void
pkt_ring_init(struct pkt_ring *r, void *base)
{
	r->base = base;
	r->bad = 0;
	*word(r, HEAD) = 0;
	*word(r, TAIL) = 0;
}

void
pkt_ring_attach(struct pkt_ring *r, void *base)
{
	r->base = base;
	r->bad = 0;
}

uint32_t
pkt_space(struct pkt_ring *r)
{
	uint32_t used = *word(r, HEAD) - __atomic_load_n(word(r, TAIL), __ATOMIC_ACQUIRE);

	return used > PKT_SLOTS ? 0 : PKT_SLOTS - used;
}

int
pkt_put(struct pkt_ring *r, const void *frame, uint32_t len)
{
	uint32_t head = *word(r, HEAD);
	uint32_t used = head - __atomic_load_n(word(r, TAIL), __ATOMIC_ACQUIRE);
	uint8_t *s;
	uint16_t l = (uint16_t)len, flags = 0;

	if (len < PKT_MIN || len > PKT_MAX)
		return -1;
	if (used > PKT_SLOTS) {
		r->bad++;
		return -1;
	}
	if (used == PKT_SLOTS)
		return -1;
	s = slot(r, head);
	memcpy(s, &l, 2);
	memcpy(s + 2, &flags, 2);
	memcpy(s + 4, frame, len);
	__atomic_store_n(word(r, HEAD), head + 1, __ATOMIC_RELEASE);
	return 0;
}

uint32_t
pkt_pending(struct pkt_ring *r)
{
	uint32_t n = __atomic_load_n(word(r, HEAD), __ATOMIC_ACQUIRE) - *word(r, TAIL);

	return n > PKT_SLOTS ? PKT_SLOTS : n;
}

int
pkt_get(struct pkt_ring *r, void *buf, uint32_t cap)
{
	uint32_t head = __atomic_load_n(word(r, HEAD), __ATOMIC_ACQUIRE);
	uint32_t tail = *word(r, TAIL);
	uint16_t len;

	if (head == tail)
		return 0;
	if (head - tail > PKT_SLOTS) {	/* the producer's head is impossible: drop all */
		r->bad++;
		__atomic_store_n(word(r, TAIL), head, __ATOMIC_RELEASE);
		return -1;
	}
	memcpy(&len, slot(r, tail), 2);
	if (len < PKT_MIN || len > PKT_MAX || len > cap) {
		if (len < PKT_MIN || len > PKT_MAX)
			r->bad++;
		__atomic_store_n(word(r, TAIL), tail + 1, __ATOMIC_RELEASE);
		return -1;
	}
	memcpy(buf, slot(r, tail) + 4, len);
	__atomic_store_n(word(r, TAIL), tail + 1, __ATOMIC_RELEASE);
	return len;
}
