/*
 * Packet rings (see pktring.h): one producer and one consumer in two
 * processes sharing one 64 KiB frame. Neither trusts the other: every
 * index and slot header read from the region is checked before it is
 * used, and a bad one is counted in r->bad and never followed.
 *
 * head and tail count slots modulo PKT_WRAP, a multiple of PKT_SLOTS, so
 * that counter % PKT_SLOTS names the same slot before and after the
 * counters wrap (with a plain 2^32 wrap it would jump, since 2^32 is not
 * a multiple of 30, and two frames in flight could share a slot). A
 * value >= PKT_WRAP in either counter is malformed.
 */
#include "lib/pktring/pktring.h"
#include "lib/libc/string.h"

#define PKT_WRAP	(PKT_SLOTS * 0x8000000u)	/* 30 * 2^27 < 2^32 */
#define OFF_HEAD	0u
#define OFF_TAIL	64u
#define OFF_SLOTS	4096u
#define SLOT_HDR	4u	/* uint16_t len, uint16_t flags */

static uint32_t *
head_word(struct pkt_ring *r)
{
	return (uint32_t *)(void *)(r->base + OFF_HEAD);
}

static uint32_t *
tail_word(struct pkt_ring *r)
{
	return (uint32_t *)(void *)(r->base + OFF_TAIL);
}

static uint8_t *
slot(struct pkt_ring *r, uint32_t counter)
{
	return r->base + OFF_SLOTS + (counter % PKT_SLOTS) * PKT_SLOT;
}

/* Slots from tail to head, both < PKT_WRAP; may exceed PKT_SLOTS if the
   peer lied. */
static uint32_t
distance(uint32_t head, uint32_t tail)
{
	return (uint32_t)(((uint64_t)head + PKT_WRAP - tail) % PKT_WRAP);
}

/* The indices are sane: both in range and at most PKT_SLOTS apart. */
static int
indices_ok(uint32_t head, uint32_t tail)
{
	return head < PKT_WRAP && tail < PKT_WRAP && distance(head, tail) <= PKT_SLOTS;
}

void
pkt_ring_init(struct pkt_ring *r, void *base)
{
	r->base = base;
	r->bad = 0;
	__atomic_store_n(head_word(r), 0, __ATOMIC_RELEASE);
	__atomic_store_n(tail_word(r), 0, __ATOMIC_RELEASE);
}

void
pkt_ring_attach(struct pkt_ring *r, void *base)
{
	r->base = base;
	r->bad = 0;
}

/* --- Producer ------------------------------------------------------------- */

uint32_t
pkt_space(struct pkt_ring *r)
{
	uint32_t head = __atomic_load_n(head_word(r), __ATOMIC_RELAXED);
	uint32_t tail = __atomic_load_n(tail_word(r), __ATOMIC_ACQUIRE);

	if (!indices_ok(head, tail))
		return 0;
	return PKT_SLOTS - distance(head, tail);
}

int
pkt_put(struct pkt_ring *r, const void *frame, uint32_t len)
{
	uint32_t head = __atomic_load_n(head_word(r), __ATOMIC_RELAXED);
	uint32_t tail = __atomic_load_n(tail_word(r), __ATOMIC_ACQUIRE);
	uint8_t *s;
	uint16_t len16 = (uint16_t)len, flags = 0;

	if (len < PKT_MIN || len > PKT_MAX)
		return -1;
	if (!indices_ok(head, tail)) {
		r->bad++;	/* the consumer wrote a tail we cannot follow */
		return -1;
	}
	if (distance(head, tail) == PKT_SLOTS)
		return -1;
	s = slot(r, head);
	memcpy(s, &len16, sizeof(len16));
	memcpy(s + 2, &flags, sizeof(flags));
	memcpy(s + SLOT_HDR, frame, len);
	__atomic_store_n(head_word(r), (head + 1) % PKT_WRAP, __ATOMIC_RELEASE);
	return 0;
}

/* --- Consumer ------------------------------------------------------------- */

uint32_t
pkt_pending(struct pkt_ring *r)
{
	uint32_t head = __atomic_load_n(head_word(r), __ATOMIC_ACQUIRE);
	uint32_t tail = __atomic_load_n(tail_word(r), __ATOMIC_RELAXED);
	uint32_t n;

	/* An index out of range leaves nothing to read: pkt_get reports it. */
	if (head >= PKT_WRAP || tail >= PKT_WRAP)
		return 0;
	n = distance(head, tail);
	return n > PKT_SLOTS ? PKT_SLOTS : n;
}

/*
 * A head more than PKT_SLOTS ahead (or an index out of range) cannot be
 * followed: the slots it claims were never all ours to read. Drop what
 * the producer says is in flight by moving tail up to head, so that the
 * ring works again from the next frame on; a head out of range leaves
 * nothing to move to, and every call reports it until the producer
 * writes a sane one.
 */
static int
resync(struct pkt_ring *r, uint32_t head)
{
	r->bad++;
	if (head < PKT_WRAP)
		__atomic_store_n(tail_word(r), head, __ATOMIC_RELEASE);
	return -1;
}

int
pkt_get(struct pkt_ring *r, void *buf, uint32_t cap)
{
	uint32_t head = __atomic_load_n(head_word(r), __ATOMIC_ACQUIRE);
	uint32_t tail = __atomic_load_n(tail_word(r), __ATOMIC_RELAXED);
	uint16_t len, flags;
	const uint8_t *s;
	int ret;

	if (!indices_ok(head, tail))
		return resync(r, head);
	if (head == tail)
		return 0;
	/* Read the header once: the producer may rewrite it under us. */
	s = slot(r, tail);
	len = __atomic_load_n((const uint16_t *)(const void *)s, __ATOMIC_RELAXED);
	flags = __atomic_load_n((const uint16_t *)(const void *)(s + 2), __ATOMIC_RELAXED);
	if (len < PKT_MIN || len > PKT_MAX || flags != 0) {
		r->bad++;
		ret = -1;
	} else if (len > cap) {
		ret = -1;	/* well formed, but the caller has no room: dropped */
	} else {
		memcpy(buf, s + SLOT_HDR, len);
		ret = len;
	}
	__atomic_store_n(tail_word(r), (tail + 1) % PKT_WRAP, __ATOMIC_RELEASE);
	return ret;
}
