/*
 * libFuzzer target for lib/pktring: the input is a script of producer,
 * consumer and hostile-peer operations on one ring. Whatever the peer
 * writes into the shared region, pkt_get never writes past the caller's
 * buffer or returns a length outside PKT_MIN..cap, the counts stay within
 * PKT_SLOTS, and while nobody has tampered with the region since the last
 * reset every frame comes out whole and in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/pktring/pktring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct model {
	uint32_t seq[PKT_SLOTS], len[PKT_SLOTS];
	uint32_t first, n, next;
	int tampered;
};

static void
fill(uint8_t *f, uint32_t len, uint32_t seq)
{
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)(seq ^ i);
}

/* The frame at the model's front: n bytes in f, or dropped (n < 0)
   because it is longer than cap. Anything else is a lost or invented frame. */
static void
check_frame(const uint8_t *f, int n, uint32_t cap, struct model *m)
{
	uint8_t want[PKT_MAX];
	uint32_t i = m->first;

	if (m->n == 0)
		abort();
	if (n < 0 && m->len[i] <= cap)
		abort();
	if (n > 0) {
		fill(want, m->len[i], m->seq[i]);
		if ((uint32_t)n != m->len[i] || memcmp(f, want, (size_t)n) != 0)
			abort();
	}
	m->first = (m->first + 1) % PKT_SLOTS;
	m->n--;
}

static void
do_put(struct pkt_ring *r, struct model *m, uint32_t len)
{
	uint8_t f[PKT_MAX];

	fill(f, len <= PKT_MAX ? len : 0, m->next);
	if (pkt_put(r, f, len) != 0)
		return;
	if (len < PKT_MIN || len > PKT_MAX)
		abort();
	if (!m->tampered) {
		if (m->n == PKT_SLOTS)
			abort();	/* accepted a frame into a full ring */
		m->seq[(m->first + m->n) % PKT_SLOTS] = m->next;
		m->len[(m->first + m->n) % PKT_SLOTS] = len;
		m->n++;
	}
	m->next++;
}

static void
do_get(struct pkt_ring *r, struct model *m, uint32_t cap)
{
	uint8_t *buf = malloc(cap ? cap : 1);	/* exactly cap: ASan sees overruns */
	int n = pkt_get(r, buf, cap);

	if (n > 0 && ((uint32_t)n < PKT_MIN || (uint32_t)n > cap || (uint32_t)n > PKT_MAX))
		abort();
	if (!m->tampered && n == 0 && m->n != 0)
		abort();
	if (!m->tampered && n != 0)
		check_frame(buf, n, cap, m);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *region;
	struct pkt_ring prod, cons;
	struct model m = { 0 };

	if (region == NULL)
		region = aligned_alloc(4096, PKT_RING_BYTES);
	pkt_ring_init(&prod, region);
	pkt_ring_attach(&cons, region);
	while (size >= 3) {
		uint8_t op = data[0] % 7;
		uint16_t arg = (uint16_t)(data[1] | data[2] << 8);
		uint32_t word;

		data += 3;
		size -= 3;
		switch (op) {
		case 0:
			do_put(&prod, &m, arg % (PKT_MAX + 40));
			break;
		case 1:
			do_get(&cons, &m, arg % 4096);	/* caps beyond a slot too */
			break;
		case 2:	/* the peer writes head or tail: a small step or any value */
		case 3:
			if (size < 4)
				return 0;
			memcpy(&word, data, 4);
			data += 4;
			size -= 4;
			memcpy(region + (op == 2 ? 0 : 64), &word, 4);
			m.tampered = 1;
			break;
		case 4:	/* the peer rewrites any two bytes of the region */
			memcpy(region + (arg % (PKT_RING_BYTES / 2)) * 2, data - 2, 2);
			m.tampered = 1;
			break;
		case 5:
			if (pkt_space(&prod) > PKT_SLOTS || pkt_pending(&cons) > PKT_SLOTS)
				abort();
			if (!m.tampered && (pkt_pending(&cons) != m.n ||
			    pkt_space(&prod) != PKT_SLOTS - m.n))
				abort();
			break;
		case 6:
			pkt_ring_init(&prod, region);
			pkt_ring_attach(&cons, region);
			memset(&m, 0, sizeof(m));
			break;
		}
	}
	return 0;
}
