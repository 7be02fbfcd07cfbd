/*
 * libFuzzer target for what relays send a client: link-level cells and
 * CERTS, and relay messages arriving on an open 3-hop circuit with a
 * stream (sealed with the hops' known keys, so the fuzzer controls the
 * plaintext that circuit.c and stream.c must handle), or on a one-hop
 * directory circuit with a BEGIN_DIR stream whose data goes to the
 * directory client's buffer (dirclient.c) and its HTTP head parser.
 * Some inputs run on a linked conflux set instead (cfxset.c and
 * conflux.c): a second circuit to the same exit, each cell's selector
 * byte choosing the leg it comes on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/certs.h"
#include "lib/onion/client.h"
#include "lib/onion/dirclient.h"
#include "tests/unit/onion_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct onion_client cl;
static struct onion_relay relays[3];
static struct onion_consensus cons = { .relays = relays, .nrelays = 3 };
static struct onion_dirclient dirc;
static char dirbuf[2048];
/* A ring of 4 cells, so that inputs of a few cells can fill it (XOFF at
 * 3 waiting, the set closed at 5 ahead). */
#define FUZZ_RING	4
static struct onion_cfx_cell cfx_ring[FUZZ_RING];
static struct onion_hop_crypto relay[2][3];	/* each leg's relays' state */

static void
link_level(const uint8_t *data, size_t size)
{
	struct onion_cell c;
	struct onion_peer_ids ids;
	struct onion_edcert e;
	uint8_t reply[ONION_NTOR_REPLY], hash[32] = { 0 };
	uint32_t ts, me;
	size_t off = 0, used;

	while (off < size && onion_cell_parse(data + off, size - off,
	    (size & 1) ? 2 : 4, &c, &used) == ONION_OK) {
		if (c.body + c.len > data + size)
			abort();
		(void)onion_versions_pick(&c);
		(void)onion_netinfo_parse(&c, &ts, &me);
		(void)onion_created2_parse(c.body, c.len, reply);
		off += used;
	}
	(void)onion_certs_check(data, size, hash, 1795677181, &ids);
	if (onion_edcert_parse(data, size, &e) == ONION_OK &&
	    e.body + e.bodylen + 64 != data + size)
		abort();
}

/* Circuits 0 and 1 as a conflux set, 0 the streams' leg: linked, or
 * waiting for LINKED (with a nonce of zeros the input can match). */
static void
link_set(int linking)
{
	struct onion_cfx_set *x = &cl.cfx[0];

	cl.cfx_ring = cfx_ring;
	cl.cfx_ring_len = FUZZ_RING;
	x->state = linking ? CFX_LINKING : CFX_LINKED;
	x->open = 3;
	x->legs[0] = 0;
	x->legs[1] = 1;
	onion_cfx_seq_init(&x->seq, cfx_ring, FUZZ_RING);
	cl.circs[0].cfx = cl.circs[1].cfx = 1;
	cl.circs[1].cfx_leg = 1;
	cl.circs[1].hidden = 1;
}

/* The set's ring agrees with its count of waiting cells. */
static void
check_set(void)
{
	const struct onion_cfx_seq *q = &cl.cfx[0].seq;
	size_t i, used = 0;

	if (cl.cfx[0].state == CFX_FREE)
		return;
	for (i = 0; i < q->ring_len; i++)
		used += q->ring[i].used;
	if (used != q->queued || q->queued > q->ring_len ||
	    q->queued > q->queued_max)
		abort();
}

/* An open circuit (or conflux set) with streams, fed relay messages. */
static void
circuit_level(const uint8_t *data, size_t size)
{
	uint8_t cell[ONION_CELL_LEN], p[ONION_PAYLOAD_LEN];
	struct onion_cell in;
	size_t used, off;
	int i, dir, cfx, linking, status;

	memset(&cl, 0, sizeof cl);
	cons.cc.alg = 2;
	cons.cc.sendme_inc = 31;
	cons.cc.cwnd_init = 124;
	cons.cc.xoff_client = 500;
	cl.cons = &cons;
	cl.guard = -1;
	cl.stall_ms = 1000;
	cl.links[0].used = 1;
	cl.links[0].link.state = LINK_OPEN;
	/* Half the inputs run under congestion control (prop 324); a
	 * quarter on a one-hop BEGIN_DIR circuit instead; of the others
	 * with congestion control, half on a conflux set (0x08: one that
	 * waits for LINKED). */
	dir = size > 0 && (data[0] & 0x40);
	cfx = size > 0 && !dir && (data[0] & 0xa0) == 0xa0;
	linking = cfx && (data[0] & 0x08);
	onion_sim_open(&cl, 0, size > 0 && (data[0] & 0x80), relay[0]);
	if (cfx) {
		onion_sim_open(&cl, 1, 1, relay[1]);
		link_set(linking);
	}
	if (dir) {
		cl.circs[0].dir = 1;
		cl.circs[0].nhops = cl.circs[0].want_hops = 1;
		onion_dir_init(&dirc, &cl, NULL, 0, NULL, NULL, 0, dirbuf,
		    sizeof dirbuf, 0);
		cl.dir_ev = onion_dir_events(&dirc);
	}
	if (linking) {
		/* No stream until the set is linked. */
		if (onion_stream_begin(&cl, 0, "x", 80, NULL) != ONION_EINVAL)
			abort();
	} else if (dir) {
		if ((dirc.stream = onion_stream_begin_dir(&cl, 0, &dirc)) < 0 ||
		    onion_stream_begin(&cl, 0, "x", 80, NULL) != ONION_EINVAL)
			abort();	/* a directory circuit carries only those */
	} else if (onion_stream_begin(&cl, 0, "example.com", 80, NULL) < 0 ||
	    onion_stream_resolve(&cl, 0, "example.com", NULL) < 0)
		abort();
	/* A large backlog, so XOFF/XON and SENDME paths run too. */
	onion_stream_backlog(&cl, 0, size > 1 && (data[1] & 1) ? 1 << 20 : 0);
	while (size >= 1 + 12 && cl.circs[0].state == CIRC_OPEN) {
		size_t n = size - 1 < ONION_PAYLOAD_LEN ? size - 1 :
		    ONION_PAYLOAD_LEN;
		int hop = dir ? 0 : data[0] % 3;
		int leg = cfx && (data[0] & 0x10) ? 1 : 0;

		memset(p, 0, sizeof p);
		memcpy(p, data + 1, n);
		data += 1 + n, size -= 1 + n;
		if (onion_sim_seal(relay[leg], hop, p) != 0)
			abort();
		onion_cell_pack(cell, ONION_SIM_ID(leg), CELL_RELAY, p,
		    sizeof p);
		if (onion_cell_parse(cell, sizeof cell, 4, &in, &used) != 0)
			abort();
		onion__circ_cell(&cl, 0, &in);
		cl.links[0].link.outlen = 0;	/* the relay read it all */
		if (cl.streams[0].state == STREAM_OPEN) {
			static const uint8_t up[600];

			(void)onion_stream_write(&cl, 0, up, sizeof up);
			onion_stream_backlog(&cl, 0, 0);
		}
		check_set();
	}
	/* A set stands or falls whole. */
	if (cfx && (cl.circs[0].state == CIRC_OPEN) !=
	    (cl.circs[1].state == CIRC_OPEN))
		abort();
	for (i = 0; i < ONION_MAX_STREAMS; i++)
		if (cl.streams[i].state != STREAM_FREE &&
		    cl.streams[i].deliver_window > ONION_STREAMWINDOW)
			abort();
	if (dir) {
		if (dirc.len > sizeof dirbuf)
			abort();
		if (onion_http_response(dirbuf, dirc.len, &status, &off) ==
		    ONION_OK && off > dirc.len)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;

	if (!init) {
		if (nc_init() != NC_OK)
			abort();
		init = 1;
	}
	if (size == 0)
		return 0;
	if (data[0] & 1)
		link_level(data + 1, size - 1);
	else
		circuit_level(data + 1, size - 1);
	return 0;
}
