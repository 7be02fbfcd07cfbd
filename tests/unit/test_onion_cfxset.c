/*
 * Conflux sets over circuits (lib/onion/cfxset.c): the life of a set,
 * played against relays simulated at the relay-cell level (two 3-hop
 * circuits on one open link, keys known to both sides, so the test
 * reads what the client sends and seals what the exit answers). LINK
 * goes out only once both legs are open; the owner hears of the first
 * leg once both answered LINKED, and never of the second; streams wait
 * for that. A second leg that fails, or a leg without congestion
 * control, leaves the first as a plain circuit; a first leg that fails,
 * a wrong nonce, a LINKED twice, a leg destroyed after linking, or an
 * exit that never answers closes both, and the owner hears of it once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/cell.h"
#include "lib/onion/client.h"
#include "tests/unit/onion_sim.h"

#define ID(leg)	ONION_SIM_ID(leg)

static struct onion_client cl;
static struct onion_relay relays[3];
static struct onion_consensus cons = { .relays = relays, .nrelays = 3 };
static struct onion_hop_crypto relay[2][3];	/* the relays' side, per leg */
static struct onion_cfx_cell ring[ONION_MAX_CFX * ONION_CFX_RING_MIN];
static size_t seen;				/* bytes of link 0's queue read */
static int built[2], closed[2], closed_err[2], ended;

static void
ev_built(void *ctx, int circ)
{
	(void)ctx;
	built[circ]++;
}

static void
ev_closed(void *ctx, int circ, int err)
{
	(void)ctx;
	closed[circ]++;
	closed_err[circ] = err;
}

static void
ev_end(void *ctx, int s, int err, int reason)
{
	(void)ctx, (void)s, (void)err, (void)reason;
	ended++;
}

/* Circuit leg, built through three simulated relays, with or without
 * CC, for port 80; still building until leg_opens(). */
static void
open_leg(int leg, int cc)
{
	struct onion_circ *c = &cl.circs[leg];

	onion_sim_open(&cl, leg, cc, relay[leg]);
	c->state = CIRC_BUILDING;
	c->want_hops = 3;
	c->exit_port = 80;
	c->started_ms = c->last_cell_ms = cl.now_ms;
}

/* A client with circuits 0 and 1 being built as set 0. */
static int
setup(void **state)
{
	static const struct onion_events ev = { .circ_built = ev_built,
	    .circ_closed = ev_closed, .stream_end = ev_end };
	struct onion_cfx_set *x = &cl.cfx[0];

	(void)state;
	memset(&cl, 0, sizeof cl);
	cons.cc.alg = 2;
	cons.cc.sendme_inc = 31;
	cons.cc.cwnd_init = 124;
	cons.cc.xoff_client = 500;
	cons.cc.cfx_enabled = 1;
	cl.cons = &cons;
	cl.ev = ev;
	cl.guard = -1;
	cl.stall_ms = 5000;
	cl.build_timeout_ms = 60000;
	cl.now_ms = 1000;
	cl.links[0].used = 1;
	cl.links[0].link.state = LINK_OPEN;
	assert_int_equal(onion_client_set_conflux(&cl, ring, 64), ONION_EINVAL);
	assert_int_equal(onion_client_set_conflux(&cl, ring,
	    sizeof ring / sizeof ring[0]), ONION_OK);
	open_leg(0, 1);
	open_leg(1, 1);
	x->state = CFX_BUILDING;
	x->legs[0] = 0;
	x->legs[1] = 1;
	memset(x->nonce, 0x5a, sizeof x->nonce);
	onion_cfx_seq_init(&x->seq, ring, ONION_CFX_RING_MIN);
	cl.circs[0].cfx = cl.circs[1].cfx = 1;
	cl.circs[1].cfx_leg = 1;
	cl.circs[1].hidden = 1;
	seen = 0;
	memset(built, 0, sizeof built);
	memset(closed, 0, sizeof closed);
	ended = 0;
	return 0;
}

/* A leg still being built: two hops done, extending to the exit. */
static void
building(int leg)
{
	cl.circs[leg].state = CIRC_BUILDING;
	cl.circs[leg].nhops = 2;
}

/* What circ.c's circ_opened does for a conflux leg. */
static void
leg_opens(int leg)
{
	cl.circs[leg].state = CIRC_OPEN;
	onion__cfx_leg_open(&cl, &cl.circs[leg]);
}

/*
 * The next cell the client sent: its circuit's leg, its command, and
 * for RELAY cells the relay message as the exit reads it.
 */
static int
next_sent(int *leg, uint8_t *cmd, struct onion_relay_msg *m,
    uint8_t p[ONION_PAYLOAD_LEN])
{
	struct onion_link *l = &cl.links[0].link;
	const uint8_t *cell;
	uint32_t id;
	int i;

	if (seen + ONION_CELL_LEN > l->outlen)
		return 0;
	cell = l->out + seen;
	seen += ONION_CELL_LEN;
	id = onion_be32(cell);
	assert_true(id == ID(0) || id == ID(1));
	*leg = (int)(id - ID(0));
	*cmd = cell[4];
	memcpy(p, cell + 5, ONION_PAYLOAD_LEN);
	if (*cmd != CELL_RELAY)
		return 1;
	for (i = 0; i < 3; i++)
		assert_int_equal(onion_ctr_xor(&relay[*leg][i].kb, p,
		    ONION_PAYLOAD_LEN), 0);
	assert_int_equal(onion_relay_unpack(p, m), 0);
	return 1;
}

/* The exit of leg sends cmd with body on stream. */
static void
exit_sends(int leg, uint8_t cmd, uint16_t stream, const uint8_t *body,
    size_t len)
{
	uint8_t p[ONION_PAYLOAD_LEN], cell[ONION_CELL_LEN];
	struct onion_cell in;
	size_t used;

	assert_int_equal(onion_relay_pack(p, cmd, stream, body, len), 0);
	assert_int_equal(onion_sim_seal(relay[leg], 2, p), 0);
	onion_cell_pack(cell, ID(leg), CELL_RELAY, p, sizeof p);
	assert_int_equal(onion_cell_parse(cell, sizeof cell, 4, &in, &used), 0);
	onion__circ_cell(&cl, 0, &in);
}

static void
send_linked(int leg, uint8_t nonce_byte)
{
	uint8_t body[ONION_CFX_LINK_LEN], nonce[ONION_CFX_NONCE];

	memset(nonce, nonce_byte, sizeof nonce);
	onion_cfx_link_pack(body, nonce);
	body[ONION_CFX_LINK_LEN - 1] = 1;	/* the exit's own UX */
	exit_sends(leg, RELAY_CONFLUX_LINKED, 0, body, sizeof body);
}

/* The relay commands sent since the last look, per leg. */
static void
sent_cmds(uint8_t out[2][8], int n[2])
{
	struct onion_relay_msg m;
	uint8_t p[ONION_PAYLOAD_LEN], cmd;
	int leg;

	n[0] = n[1] = 0;
	while (next_sent(&leg, &cmd, &m, p)) {
		assert_true(n[leg] < 8);
		out[leg][n[leg]++] = cmd == CELL_RELAY ? m.cmd : 0xd0 | cmd;
		if (cmd == CELL_RELAY && m.cmd == RELAY_CONFLUX_LINK) {
			uint8_t want[ONION_CFX_LINK_LEN];

			onion_cfx_link_pack(want, cl.cfx[0].nonce);
			assert_int_equal(m.len, ONION_CFX_LINK_LEN);
			assert_memory_equal(m.data, want, sizeof want);
		}
	}
}

static void
test_link(void **state)
{
	uint8_t cmds[2][8];
	int n[2];

	(void)state;
	leg_opens(0);
	sent_cmds(cmds, n);
	assert_int_equal(n[0] + n[1], 0);	/* waits for the other leg */
	assert_int_equal(onion_circ_find(&cl, 80, 0, 0), ONION_ENOPATH);
	assert_int_equal(onion_circ_find(&cl, 80, 0, 1), 0);
	leg_opens(1);
	sent_cmds(cmds, n);
	assert_int_equal(n[0], 1);
	assert_int_equal(n[1], 1);
	assert_int_equal(cmds[0][0], RELAY_CONFLUX_LINK);
	assert_int_equal(cmds[1][0], RELAY_CONFLUX_LINK);
	assert_int_equal(cl.cfx[0].state, CFX_LINKING);

	send_linked(1, 0x5a);
	sent_cmds(cmds, n);
	assert_int_equal(n[1], 1);
	assert_int_equal(cmds[1][0], RELAY_CONFLUX_LINKED_ACK);
	assert_int_equal(built[0] + built[1], 0);
	assert_int_equal(onion_stream_begin(&cl, 0, "example.com", 80, NULL),
	    ONION_EINVAL);			/* not linked yet */

	send_linked(0, 0x5a);
	sent_cmds(cmds, n);
	assert_int_equal(n[0], 1);
	assert_int_equal(cmds[0][0], RELAY_CONFLUX_LINKED_ACK);
	assert_int_equal(cl.cfx[0].state, CFX_LINKED);
	assert_int_equal(built[0], 1);
	assert_int_equal(built[1], 0);		/* the owner never sees leg 1 */
	assert_int_equal(cl.stats.cfx_linked, 1);
	assert_int_equal(onion_circ_find(&cl, 80, 0, 0), 0);
	assert_true(onion_stream_begin(&cl, 1, "example.com", 80, NULL) < 0);
	assert_int_equal(onion_stream_begin(&cl, 0, "example.com", 80, NULL),
	    0);
	sent_cmds(cmds, n);
	assert_int_equal(n[0], 1);		/* BEGIN on the first leg */
	assert_int_equal(cmds[0][0], RELAY_BEGIN);
	assert_int_equal(n[1], 0);
	/* Refused: a truncation of either leg. */
	assert_int_equal(onion_circ_truncate(&cl, 0, 0), ONION_EINVAL);
	assert_int_equal(onion_circ_truncate(&cl, 1, 0), ONION_EINVAL);

	/* A second LINKED is a protocol error: the whole set goes, its
	 * stream ends, the owner hears once, DESTROY on both legs. */
	send_linked(0, 0x5a);
	sent_cmds(cmds, n);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
	assert_int_equal(closed_err[0], ONION_EPROTO);
	assert_int_equal(closed[1], 0);
	assert_int_equal(ended, 1);
	assert_int_equal(cl.cfx[0].state, CFX_FREE);
	assert_int_equal(n[0], 1);
	assert_int_equal(n[1], 1);
	assert_int_equal(cmds[0][0], 0xd0 | CELL_DESTROY);
	assert_int_equal(cmds[1][0], 0xd0 | CELL_DESTROY);
}

/* After linking, a leg the relays destroy takes the other with it. */
static void
test_destroyed_leg(void **state)
{
	uint8_t cell[ONION_CELL_LEN], reason = 0, cmds[2][8];
	struct onion_cell in;
	size_t used;
	int n[2];

	(void)state;
	leg_opens(0);
	leg_opens(1);
	send_linked(0, 0x5a);
	send_linked(1, 0x5a);
	assert_int_equal(built[0], 1);
	assert_true(onion_stream_begin(&cl, 0, "example.com", 80, NULL) >= 0);
	sent_cmds(cmds, n);
	onion_cell_pack(cell, ID(1), CELL_DESTROY, &reason, 1);
	assert_int_equal(onion_cell_parse(cell, sizeof cell, 4, &in, &used), 0);
	onion__circ_cell(&cl, 0, &in);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
	assert_int_equal(closed_err[0], ONION_EDESTROYED);
	assert_int_equal(closed[1], 0);
	assert_int_equal(ended, 1);
	sent_cmds(cmds, n);
	assert_int_equal(n[0], 1);		/* DESTROY for the survivor */
	assert_int_equal(cmds[0][0], 0xd0 | CELL_DESTROY);
	assert_int_equal(n[1], 0);		/* it was destroyed already */
}

/* The second leg fails while building: the first goes on alone. */
static void
test_second_fails(void **state)
{
	(void)state;
	leg_opens(0);
	building(1);
	onion__circ_fail(&cl, 1, ONION_ETIMEOUT);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(cl.circs[0].state, CIRC_OPEN);
	assert_int_equal(cl.circs[0].cfx, 0);
	assert_int_equal(cl.cfx[0].state, CFX_FREE);
	assert_int_equal(built[0], 1);
	assert_int_equal(closed[0] + closed[1], 0);
	assert_int_equal(cl.stats.cfx_fallback, 1);
	assert_int_equal(onion_stream_begin(&cl, 0, "example.com", 80, NULL),
	    0);
}

/* The same before the first leg is even open: reported when it opens. */
static void
test_second_fails_first(void **state)
{
	(void)state;
	building(0);
	building(1);
	onion__circ_fail(&cl, 1, ONION_EDESTROYED);
	assert_int_equal(built[0], 0);
	assert_int_equal(closed[0], 0);
	assert_int_equal(cl.circs[0].state, CIRC_BUILDING);
	assert_int_equal(cl.circs[0].cfx, 0);
	cl.circs[0].state = CIRC_OPEN;	/* as circ_opened on a plain circuit */
	cl.circs[0].nhops = 3;
	onion__circ_report_built(&cl, &cl.circs[0]);
	assert_int_equal(built[0], 1);
	assert_int_equal(closed[1], 0);
}

/* A leg without congestion control cannot be linked. */
static void
test_no_cc(void **state)
{
	uint8_t cmds[2][8];
	int n[2];

	(void)state;
	cl.circs[0].cc = 0;
	leg_opens(0);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(built[0], 1);
	assert_int_equal(cl.stats.cfx_fallback, 1);
	sent_cmds(cmds, n);
	assert_int_equal(n[0], 0);		/* no LINK anywhere */
	assert_int_equal(n[1], 1);
	assert_int_equal(cmds[1][0], 0xd0 | CELL_DESTROY);
}

/* The first leg fails: the second, which the owner never saw, goes too. */
static void
test_first_fails(void **state)
{
	(void)state;
	leg_opens(1);
	building(0);
	onion__circ_fail(&cl, 0, ONION_ETIMEOUT);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
	assert_int_equal(closed[1], 0);
	assert_int_equal(built[0] + built[1], 0);
	assert_int_equal(cl.cfx[0].state, CFX_FREE);
}

/* LINKED with another set's nonce, or never: both legs close. */
static void
test_bad_or_no_linked(void **state)
{
	(void)state;
	leg_opens(0);
	leg_opens(1);
	send_linked(1, 0xa5);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
	assert_int_equal(closed_err[0], ONION_EPROTO);
	assert_int_equal(built[0], 0);

	setup(state);
	leg_opens(0);
	leg_opens(1);
	send_linked(0, 0x5a);
	cl.now_ms += cl.build_timeout_ms;
	onion__cfx_check(&cl);
	assert_int_equal(cl.circs[0].state, CIRC_OPEN);	/* not yet */
	cl.now_ms++;
	onion__cfx_check(&cl);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
	assert_int_equal(closed_err[0], ONION_ETIMEOUT);
	assert_int_equal(built[0], 0);
}

/* Stream cells from the exit before the set linked, or a SWITCH: both
 * break the protocol. */
static void
test_early_cells(void **state)
{
	static const uint8_t one[4] = { 0, 0, 0, 1 };

	(void)state;
	leg_opens(0);
	leg_opens(1);
	exit_sends(1, RELAY_CONFLUX_SWITCH, 0, one, sizeof one);
	assert_int_equal(cl.circs[0].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);

	setup(state);
	leg_opens(0);
	leg_opens(1);
	exit_sends(0, RELAY_DATA, 1, one, sizeof one);
	assert_int_equal(cl.circs[1].state, CIRC_FREE);
	assert_int_equal(closed[0], 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_link, setup),
		cmocka_unit_test_setup(test_destroyed_leg, setup),
		cmocka_unit_test_setup(test_second_fails, setup),
		cmocka_unit_test_setup(test_second_fails_first, setup),
		cmocka_unit_test_setup(test_no_cc, setup),
		cmocka_unit_test_setup(test_first_fails, setup),
		cmocka_unit_test_setup(test_bad_or_no_linked, setup),
		cmocka_unit_test_setup(test_early_cells, setup),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
