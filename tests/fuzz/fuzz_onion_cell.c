/*
 * libFuzzer target for what relays send a client: link-level cells and
 * CERTS, and relay messages arriving on an open 3-hop circuit with a
 * stream (sealed with the hops' known keys, so the fuzzer controls the
 * plaintext that circuit.c and stream.c must handle), or on a one-hop
 * directory circuit with a BEGIN_DIR stream whose data goes to the
 * directory client's buffer (dirclient.c) and its HTTP head parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/certs.h"
#include "lib/onion/client.h"
#include "lib/onion/dirclient.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct onion_client cl;
static struct onion_relay relays[3];
static struct onion_consensus cons = { .relays = relays, .nrelays = 3 };
static struct onion_dirclient dirc;
static char dirbuf[2048];

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

/* An open circuit whose relays use keys[i] = i repeated. */
static void
circuit_level(const uint8_t *data, size_t size)
{
	struct onion_hop_crypto relay[3];
	struct onion_circ *c = &cl.circs[0];
	uint8_t keys[ONION_HOP_KEYS], rk[ONION_HOP_KEYS];
	uint8_t cell[ONION_CELL_LEN], p[ONION_PAYLOAD_LEN];
	struct onion_cell in;
	size_t used, off;
	int i, dir, status;

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
	c->state = CIRC_OPEN;
	c->id = 0x80000001u;
	c->nhops = 3;
	c->package_window = c->deliver_window = ONION_CIRCWINDOW;
	c->package_max = ONION_CIRCWINDOW;
	c->sendme_inc = ONION_CIRC_INC;
	/* Half the inputs run under congestion control (prop 324). */
	if (size > 0 && (data[0] & 0x80)) {
		c->cc = 1;
		c->sendme_inc = 31;
		c->package_max = c->package_window = 124;
	}
	c->early_left = 8;
	c->next_stream = 1;
	/* A quarter of them on a one-hop BEGIN_DIR circuit instead. */
	dir = size > 0 && (data[0] & 0x40);
	if (dir) {
		c->dir = 1;
		c->nhops = c->want_hops = 1;
		onion_dir_init(&dirc, &cl, NULL, 0, NULL, NULL, 0, dirbuf,
		    sizeof dirbuf, 0);
		cl.dir_ev = onion_dir_events(&dirc);
	}
	for (i = 0; i < 3; i++) {
		memset(keys, i + 1, sizeof keys);
		onion_hop_init(&c->hops[i], keys);
		memcpy(rk, keys + 20, 20), memcpy(rk + 20, keys, 20);
		memcpy(rk + 40, keys + 56, 16), memcpy(rk + 56, keys + 40, 16);
		onion_hop_init(&relay[i], rk);
		c->path[i].relay_index = i;
	}
	if (dir) {
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

		memset(p, 0, sizeof p);
		memcpy(p, data + 1, n);
		data += 1 + n, size -= 1 + n;
		if (onion_relay_seal(&relay[hop], 0, p, NULL) != 0)
			abort();
		for (i = hop - 1; i >= 0; i--)
			(void)onion_ctr_xor(&relay[i].kf, p, sizeof p);
		onion_cell_pack(cell, 0x80000001u, CELL_RELAY, p, sizeof p);
		if (onion_cell_parse(cell, sizeof cell, 4, &in, &used) != 0)
			abort();
		onion__circ_cell(&cl, 0, &in);
		cl.links[0].link.outlen = 0;	/* the relay read it all */
		if (cl.streams[0].state == STREAM_OPEN) {
			static const uint8_t up[600];

			(void)onion_stream_write(&cl, 0, up, sizeof up);
			onion_stream_backlog(&cl, 0, 0);
		}
	}
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
