/*
 * Conflux sequencing (lib/onion/conflux.c): cells from two legs handed
 * on in the exit's order; SWITCH moving a leg's count; numbers already
 * delivered, given twice or too far ahead refused; the LINK body's
 * layout and LINKED's checks. A property test plays an exit that
 * spreads 5000 numbered cells over both legs in runs, announces each
 * change of leg with a SWITCH as tor does, and lets the legs' cells
 * arrive interleaved at random: what comes out must be 1..5000 in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/onion/conflux.h"

static struct onion_cfx_cell ring[64];

static struct onion_relay_msg
data_msg(uint8_t *buf, uint32_t n)
{
	struct onion_relay_msg m = { RELAY_DATA, 7, 4, buf };

	onion_put32(buf, n);
	return m;
}

static struct onion_relay_msg
switch_msg(uint8_t *buf, uint32_t rel)
{
	struct onion_relay_msg m = { RELAY_CONFLUX_SWITCH, 0, 4, buf };

	onion_put32(buf, rel);
	return m;
}

static void
test_sequenced(void **state)
{
	(void)state;
	assert_true(onion_cfx_sequenced(RELAY_DATA));
	assert_true(onion_cfx_sequenced(RELAY_BEGIN));
	assert_true(onion_cfx_sequenced(RELAY_END));
	assert_true(onion_cfx_sequenced(RELAY_CONNECTED));
	assert_true(onion_cfx_sequenced(RELAY_RESOLVED));
	assert_true(onion_cfx_sequenced(RELAY_XOFF));
	assert_false(onion_cfx_sequenced(RELAY_SENDME));
	assert_false(onion_cfx_sequenced(RELAY_CONFLUX_SWITCH));
	assert_false(onion_cfx_sequenced(RELAY_CONFLUX_LINKED));
	assert_false(onion_cfx_sequenced(RELAY_BEGIN_DIR));
	assert_false(onion_cfx_sequenced(200));
}

/* Cells 1..3 on leg 0, then a SWITCH to leg 1 and 4, 5 there; leg 1's
 * cells arrive first and wait. */
static void
test_reorder(void **state)
{
	struct onion_cfx_seq q;
	struct onion_cfx_cell c;
	struct onion_relay_msg m;
	uint8_t b[4];
	uint32_t i;

	(void)state;
	onion_cfx_seq_init(&q, ring, 64);
	m = switch_msg(b, 3);
	assert_int_equal(onion_cfx_switch(&q, 1, &m), ONION_OK);
	m = data_msg(b, 4);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), 0);
	m = data_msg(b, 5);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), 0);
	assert_int_equal(q.queued, 2);
	assert_int_equal(onion_cfx_next(&q, &c), 0);	/* 1 not here yet */
	for (i = 1; i <= 3; i++) {
		m = data_msg(b, i);
		assert_int_equal(onion_cfx_arrive(&q, 0, &m), 1);
	}
	for (i = 4; i <= 5; i++) {
		assert_int_equal(onion_cfx_next(&q, &c), 1);
		assert_int_equal(c.cmd, RELAY_DATA);
		assert_int_equal(c.stream, 7);
		assert_int_equal(c.len, 4);
		assert_int_equal(onion_be32(c.data), i);
	}
	assert_int_equal(onion_cfx_next(&q, &c), 0);
	assert_int_equal(q.delivered, 5);
	assert_int_equal(q.queued, 0);
	assert_int_equal(q.queued_max, 2);
}

static void
test_refused(void **state)
{
	struct onion_cfx_seq q;
	struct onion_relay_msg m;
	uint8_t b[4];

	(void)state;
	/* A number already delivered: leg 1 claims 1 after leg 0 gave 1, 2. */
	onion_cfx_seq_init(&q, ring, 64);
	m = data_msg(b, 1);
	assert_int_equal(onion_cfx_arrive(&q, 0, &m), 1);
	assert_int_equal(onion_cfx_arrive(&q, 0, &m), 1);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), ONION_EPROTO);

	/* One number on both legs, both early. */
	onion_cfx_seq_init(&q, ring, 64);
	m = switch_msg(b, 1);
	assert_int_equal(onion_cfx_switch(&q, 0, &m), ONION_OK);
	assert_int_equal(onion_cfx_switch(&q, 1, &m), ONION_OK);
	m = data_msg(b, 2);
	assert_int_equal(onion_cfx_arrive(&q, 0, &m), 0);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), ONION_EPROTO);

	/* Further ahead than the ring: 64 fits, 65 does not. */
	onion_cfx_seq_init(&q, ring, 64);
	m = switch_msg(b, 63);
	assert_int_equal(onion_cfx_switch(&q, 1, &m), ONION_OK);
	m = data_msg(b, 64);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), 0);
	assert_int_equal(onion_cfx_arrive(&q, 1, &m), ONION_EFULL);

	/* A SWITCH without its number, a leg that does not exist, a body
	 * longer than a relay cell's, a count that would wrap. */
	onion_cfx_seq_init(&q, ring, 64);
	m = switch_msg(b, 1);
	m.len = 3;
	assert_int_equal(onion_cfx_switch(&q, 0, &m), ONION_EPROTO);
	m.len = 4;
	assert_int_equal(onion_cfx_switch(&q, 2, &m), ONION_EPROTO);
	m = data_msg(b, 1);
	assert_int_equal(onion_cfx_arrive(&q, 2, &m), ONION_EINVAL);
	m.len = ONION_RELAY_DATA_MAX + 1;
	assert_int_equal(onion_cfx_arrive(&q, 0, &m), ONION_EINVAL);
	q.recv[0] = UINT64_MAX / 2 - 5;
	m = switch_msg(b, 10);
	assert_int_equal(onion_cfx_switch(&q, 0, &m), ONION_EPROTO);
	assert_int_equal(q.recv[0], UINT64_MAX / 2 - 5);
}

static void
test_link_cells(void **state)
{
	uint8_t nonce[ONION_CFX_NONCE], body[ONION_CFX_LINK_LEN + 4];
	struct onion_relay_msg m = { RELAY_CONFLUX_LINKED, 0,
	    ONION_CFX_LINK_LEN, body };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof nonce; i++)
		nonce[i] = (uint8_t)(0xa0 + i);
	memset(body, 0xee, sizeof body);
	onion_cfx_link_pack(body, nonce);
	/* version 1, nonce, last_seqno_sent 0, last_seqno_recv 0, ux 3. */
	assert_int_equal(body[0], 1);
	assert_memory_equal(body + 1, nonce, 32);
	for (i = 33; i < 49; i++)
		assert_int_equal(body[i], 0);
	assert_int_equal(body[49], 3);
	assert_int_equal(body[50], 0xee);	/* nothing past 50 bytes */

	/* The exit's LINKED has the same layout (its own UX byte). */
	body[49] = 1;
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_OK);
	m.len = ONION_CFX_LINK_LEN - 1;
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_EPROTO);
	m.len = ONION_CFX_LINK_LEN;
	body[0] = 2;
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_EPROTO);
	body[0] = 1;
	body[32] ^= 1;				/* another set's nonce */
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_EPROTO);
	body[32] ^= 1;
	body[40] = 1;				/* data sent before linking */
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_EPROTO);
	body[40] = 0;
	body[48] = 1;				/* data received before */
	assert_int_equal(onion_cfx_linked_ok(&m, nonce), ONION_EPROTO);
}

/* What the exit sends on one leg, in order: a SWITCH (rel > 0) or a cell. */
struct item {
	uint32_t	val;
	int		is_switch;
};

#define N	5000

static void
test_spread(void **state)
{
	static struct onion_cfx_cell big[N];
	static struct item legq[2][2 * N];
	size_t nq[2] = { 0, 0 }, pos[2] = { 0, 0 };
	uint64_t last_on[2] = { 0, 0 };
	struct onion_cfx_seq q;
	struct onion_cfx_cell c;
	struct onion_relay_msg m;
	uint32_t seq = 0, expect = 1;
	uint8_t b[4];
	int leg = 0, r, run;

	(void)state;
	srand(329);
	/* The exit: runs of 1..200 cells on a leg, a SWITCH before each run
	 * on the other leg carrying how far the numbers moved meanwhile. */
	while (seq < N) {
		run = 1 + rand() % 200;
		if (seq > 0 && rand() % 2) {
			leg = 1 - leg;
			legq[leg][nq[leg]++] = (struct item){
			    (uint32_t)(seq - last_on[leg]), 1 };
		}
		while (run-- > 0 && seq < N) {
			seq++;
			legq[leg][nq[leg]++] = (struct item){ seq, 0 };
			last_on[leg] = seq;
		}
	}
	/* The client: the legs' items interleaved at random. */
	onion_cfx_seq_init(&q, big, N);
	while (pos[0] < nq[0] || pos[1] < nq[1]) {
		int l = pos[0] == nq[0] ? 1 : pos[1] == nq[1] ? 0 : rand() % 2;
		struct item it = legq[l][pos[l]++];

		if (it.is_switch) {
			m = switch_msg(b, it.val);
			assert_int_equal(onion_cfx_switch(&q, (unsigned)l, &m),
			    ONION_OK);
			continue;
		}
		m = data_msg(b, it.val);
		r = onion_cfx_arrive(&q, (unsigned)l, &m);
		assert_true(r == 0 || r == 1);
		if (r == 1)
			assert_int_equal(it.val, expect++);
		while (onion_cfx_next(&q, &c))
			assert_int_equal(onion_be32(c.data), expect++);
	}
	assert_int_equal(expect, N + 1);
	assert_int_equal(q.delivered, N);
	assert_int_equal(q.queued, 0);
	assert_true(q.queued_max > 0);		/* the legs did cross */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sequenced),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_link_cells),
		cmocka_unit_test(test_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
