/*
 * The directory over BEGIN_DIR (lib/onion/dirclient.c) and channel
 * padding (padding.c), against a fake relay that speaks relay cells:
 * the test reads the cells the client queues on its link and answers
 * with cells sealed by the relay's half of the circuit keys, serving the
 * documents real tor 0.4.9 relays served (tests/unit/data/onion). No
 * TLS: links are declared open by hand. Also the HTTP head parser,
 * KDF-TOR, the refresh schedule, padding parameters and timeouts, and a
 * consensus switch that keeps the guard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/dirclient.h"
#include "tests/unit/unhex.h"

#define DATA		"tests/unit/data/onion/"
#define NREL		16
#define END_DONE	6

static char *authorities, *keys, *consensus, *microdescs;
static size_t authorities_len, keys_len, consensus_len, microdescs_len;

static struct onion_authority auth[ONION_MAX_AUTHORITIES];
static size_t nauth;
static struct onion_client cl;
static struct onion_dirclient d;
static struct onion_relay t0[NREL], t1[NREL];
static uint8_t avoid[NREL];
static char buf[1 << 16];

/* What the fake network saw. */
static int connects;
static uint16_t connect_port[16];

/* The relay's end of a one-hop circuit. */
struct fake {
	struct onion_hop_crypto	hop;
	uint32_t		circid;
	int			li;
	uint16_t		stream;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

static int
setup(void **state)
{
	(void)state;
	authorities = slurp(DATA "authorities", &authorities_len);
	keys = slurp(DATA "keys", &keys_len);
	consensus = slurp(DATA "consensus", &consensus_len);
	microdescs = slurp(DATA "microdescs", &microdescs_len);
	assert_int_equal(onion_authorities_parse(authorities, authorities_len,
	    auth, ONION_MAX_AUTHORITIES, &nauth), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(authorities);
	free(keys);
	free(consensus);
	free(microdescs);
	return 0;
}

/* --- the fake network ---------------------------------------------------- */

static int
fake_send(void *ctx, const void *b, size_t n)
{
	(void)ctx;
	(void)b;
	return (int)n;
}

static int
fake_recv(void *ctx, void *b, size_t n)
{
	(void)ctx;
	(void)b;
	(void)n;
	return 0;
}

static int
fake_connect(void *ctx, int link, uint32_t ip, uint16_t port,
    struct onion_transport *tr)
{
	(void)ctx;
	(void)link;
	assert_int_equal(ip, 0x7f000001);
	if (connects < 16)
		connect_port[connects] = port;
	connects++;
	tr->ctx = NULL;
	tr->send = fake_send;
	tr->recv = fake_recv;
	return 0;
}

static const struct onion_events net_events = {
	.connect = fake_connect,
};

/* The consensus's valid-after, 2026-11-26 07:12:50. */
static int64_t
cons_time(void)
{
	struct onion_relay r[NREL];
	struct onion_consensus c = { .relays = r, .cap = NREL };

	assert_int_equal(onion_consensus_parse(consensus, consensus_len, &c), 0);
	return c.valid_after;
}

static void
start(void)
{
	connects = 0;
	onion_dir_init(&d, &cl, auth, nauth, t0, t1, NREL, buf, sizeof buf, 0);
	onion_client_init(&cl, onion_dir_consensus(&d), avoid, &net_events, 0);
	cl.dir_ev = onion_dir_events(&d);
}

/* The link the last circuit was built on, declared open (no TLS here). */
static int
open_link(void)
{
	int li;

	for (li = ONION_MAX_LINKS - 1; li >= 0; li--)
		if (cl.links[li].used && cl.links[li].link.state == LINK_TLS)
			break;
	assert_true(li >= 0);
	cl.links[li].link.state = LINK_OPEN;
	cl.links[li].link.version = 5;
	onion__link_opened(&cl, li);
	return li;
}

/* Takes the oldest cell the client queued on link li. */
static void
take_cell(int li, uint8_t cell[ONION_CELL_LEN])
{
	struct onion_link *l = &cl.links[li].link;

	assert_true(l->outlen >= ONION_CELL_LEN);
	memcpy(cell, l->out, ONION_CELL_LEN);
	memmove(l->out, l->out + ONION_CELL_LEN, l->outlen - ONION_CELL_LEN);
	l->outlen -= ONION_CELL_LEN;
}

/* CREATE_FAST in, CREATED_FAST out; the relay keeps its half of the keys. */
static void
accept_fast(struct fake *f, int li)
{
	uint8_t cell[ONION_CELL_LEN], k0[40], k[20 + ONION_HOP_KEYS];
	uint8_t swapped[ONION_HOP_KEYS], reply[ONION_PAYLOAD_LEN];
	struct onion_cell c;

	take_cell(li, cell);
	assert_int_equal(cell[4], CELL_CREATE_FAST);
	f->circid = onion_be32(cell);
	f->li = li;
	memcpy(k0, cell + 5, 20);
	memset(k0 + 20, 0x5a, 20);			/* Y */
	assert_int_equal(onion_kdf_tor(k0, sizeof k0, k, sizeof k), 0);
	/* Df Db Kf Kb for the client is Db Df Kb Kf for the relay. */
	memcpy(swapped, k + 20 + 20, 20);
	memcpy(swapped + 20, k + 20, 20);
	memcpy(swapped + 40, k + 20 + 56, 16);
	memcpy(swapped + 56, k + 20 + 40, 16);
	onion_hop_init(&f->hop, swapped);
	memset(reply, 0, sizeof reply);
	memcpy(reply, k0 + 20, 20);
	memcpy(reply + 20, k, 20);			/* KH */
	c.circid = f->circid;
	c.cmd = CELL_CREATED_FAST;
	c.len = ONION_PAYLOAD_LEN;
	c.body = reply;
	onion__circ_cell(&cl, li, &c);
}

/* Reads the next relay message from the client; returns its command. */
static int
relay_in(struct fake *f, struct onion_relay_msg *m, uint8_t *payload)
{
	uint8_t cell[ONION_CELL_LEN];

	take_cell(f->li, cell);
	assert_int_equal(onion_be32(cell), f->circid);
	assert_int_equal(cell[4], CELL_RELAY);
	memcpy(payload, cell + 5, ONION_PAYLOAD_LEN);
	assert_int_equal(onion_relay_open(&f->hop, 1, payload, NULL), 0);
	assert_int_equal(onion_relay_unpack(payload, m), 0);
	return m->cmd;
}

static void
relay_out(struct fake *f, uint8_t cmd, uint16_t stream, const void *data,
    size_t len)
{
	uint8_t payload[ONION_PAYLOAD_LEN];
	struct onion_cell c;

	assert_int_equal(onion_relay_pack(payload, cmd, stream, data, len), 0);
	assert_int_equal(onion_relay_seal(&f->hop, 0, payload, NULL), 0);
	c.circid = f->circid;
	c.cmd = CELL_RELAY;
	c.len = ONION_PAYLOAD_LEN;
	c.body = payload;
	onion__circ_cell(&cl, f->li, &c);
}

/* The next relay message that is not a SENDME (the fake has no windows). */
static int
relay_in_skip(struct fake *f, struct onion_relay_msg *m, uint8_t *payload)
{
	int cmd;

	while ((cmd = relay_in(f, m, payload)) == RELAY_SENDME)
		;
	return cmd;
}

/*
 * Drops the client's SENDMEs; nothing else may be queued but the END of
 * a stream the client gave up on.
 */
static void
drain_sendmes(struct fake *f)
{
	struct onion_relay_msg m;
	uint8_t p[ONION_PAYLOAD_LEN];

	while (cl.links[f->li].link.outlen > 0)
		if (relay_in(f, &m, p) != RELAY_SENDME) {
			assert_int_equal(m.cmd, RELAY_END);
			assert_int_equal(d.stream, -1);
		}
}

/*
 * One BEGIN_DIR request: the client opens the stream and sends its GET,
 * which must start with path; the relay answers with head and body and
 * ends the stream with reason DONE. Returns onion_dir_pump's result.
 */
static int
serve(struct fake *f, int64_t now, const char *path, const char *head,
    const char *body, size_t blen, char *got, size_t gotcap)
{
	struct onion_relay_msg m;
	uint8_t p[ONION_PAYLOAD_LEN], reason = END_DONE;
	char req[ONION_DIR_REQ_MAX + 1];
	size_t rl = 0, off, n;
	int r;

	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	assert_int_equal(relay_in_skip(f, &m, p), RELAY_BEGIN_DIR);
	assert_int_equal(m.len, 0);
	f->stream = m.stream;
	relay_out(f, RELAY_CONNECTED, f->stream, NULL, 0);
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	while (cl.links[f->li].link.outlen > 0) {
		assert_int_equal(relay_in(f, &m, p), RELAY_DATA);
		assert_int_equal(m.stream, f->stream);
		assert_true(rl + m.len <= ONION_DIR_REQ_MAX);
		memcpy(req + rl, m.data, m.len);
		rl += m.len;
	}
	req[rl] = '\0';
	assert_true(rl > 4 + strlen(path));
	assert_memory_equal(req, "GET ", 4);
	assert_memory_equal(req + 4, path, strlen(path));
	assert_string_equal(req + rl - 13, " HTTP/1.0\r\n\r\n");
	if (got != NULL)
		snprintf(got, gotcap, "%s", req);
	relay_out(f, RELAY_DATA, f->stream, head, strlen(head));
	for (off = 0; off < blen; off += n) {
		n = blen - off < ONION_RELAY_DATA_MAX ? blen - off :
		    ONION_RELAY_DATA_MAX;
		relay_out(f, RELAY_DATA, f->stream, body + off, n);
		drain_sendmes(f);
	}
	relay_out(f, RELAY_END, f->stream, &reason, 1);
	/* This pump may already send the next request's BEGIN_DIR. */
	r = onion_dir_pump(&d, 1000, now);
	return r;
}

static const char ok[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
    "Content-Encoding: identity\r\n\r\n";

/* Bootstrap through one authority: keys, consensus, microdescriptors. */
static void
bootstrap(struct fake *f, int64_t now)
{
	char get[ONION_DIR_REQ_MAX + 1];

	assert_int_equal(serve(f, now, "/tor/keys/all ", ok, keys, keys_len,
	    NULL, 0), 0);
	assert_int_equal(d.phase, DIR_CONSENSUS);
	assert_int_equal(serve(f, now,
	    "/tor/status-vote/current/consensus-microdesc ", ok, consensus,
	    consensus_len, NULL, 0), 0);
	assert_int_equal(d.phase, DIR_MICRODESCS);
	assert_int_equal(serve(f, now, "/tor/micro/d/", ok, microdescs,
	    microdescs_len, get, sizeof get), 1);
	/* Five digests of 43 base64 characters, joined by '-'. */
	assert_int_equal(strlen(get), 4 + 13 + 5 * 43 + 4 + 13);
}

static void
test_bootstrap(void **state)
{
	struct fake f;
	int64_t now = cons_time() + 1;
	size_t i;

	(void)state;
	start();
	assert_false(onion_dir_ready(&d));
	assert_int_equal(onion_dir_consensus(&d)->nrelays, 0);
	/* The first pump builds a one-hop circuit to an authority's ORPort. */
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	assert_int_equal(connects, 1);
	assert_true(connect_port[0] >= 25000 && connect_port[0] <= 25002);
	assert_true(cl.circs[d.circ].dir);
	accept_fast(&f, open_link());
	assert_int_equal(cl.circs[d.circ].state, CIRC_OPEN);
	/* A one-hop circuit carries directory streams, nothing else. */
	assert_int_equal(onion_stream_begin(&cl, d.circ, "example.com", 80,
	    NULL), ONION_EINVAL);
	assert_int_equal(onion_stream_resolve(&cl, d.circ, "example.com",
	    NULL), ONION_EINVAL);
	assert_int_equal(onion_circ_find(&cl, 0, 0, 1), ONION_ENOPATH);
	bootstrap(&f, now);
	assert_true(onion_dir_ready(&d));
	assert_ptr_equal(cl.cons, onion_dir_consensus(&d));
	assert_int_equal(cl.cons->nrelays, 5);
	for (i = 0; i < 5; i++)
		assert_true(cl.cons->relays[i].have_md);
	assert_int_equal(d.ncerts, 3);
	/* Done: the circuit is gone, and the authority's link with it. */
	assert_int_equal(d.circ, -1);
	for (i = 0; i < ONION_MAX_LINKS; i++)
		assert_false(cl.links[i].used);
	for (i = 0; i < ONION_MAX_CIRCS; i++)
		assert_int_equal(cl.circs[i].state, CIRC_FREE);
	assert_int_equal(connects, 1);
	assert_int_equal(d.stats.requests, 3);
	assert_int_equal(d.stats.failures, 0);
	/* Nothing to do until the refresh time. */
	assert_int_equal(onion_dir_pump(&d, 2000, now), 0);
	assert_int_equal(connects, 1);
}

/* A consensus changed in one byte is refused; the next authority serves. */
static void
test_tampered(void **state)
{
	struct fake f, g;
	int64_t now = cons_time() + 1;
	static char bad[1 << 16];
	char *p;

	(void)state;
	assert_true(consensus_len < sizeof bad);
	memcpy(bad, consensus, consensus_len);
	p = strstr(bad, "\nr ");
	assert_non_null(p);
	p = strstr(p, " 127.0.0.1 ");
	assert_non_null(p);
	p[9] = '2';
	start();
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	accept_fast(&f, open_link());
	assert_int_equal(serve(&f, now, "/tor/keys/all ", ok, keys, keys_len,
	    NULL, 0), 0);
	/* Refused: the next authority is tried on a new circuit. */
	assert_int_equal(serve(&f, now, "/tor/status-vote/", ok, bad,
	    consensus_len, NULL, 0), 0);
	assert_int_equal(d.err, ONION_ESIG);
	assert_int_equal(d.stats.failures, 1);
	assert_false(onion_dir_ready(&d));
	assert_int_equal(connects, 2);
	assert_int_not_equal(connect_port[1], connect_port[0]);
	accept_fast(&g, open_link());
	/* Too few good signatures may mean keys we lack: asked for again. */
	assert_int_equal(serve(&g, now, "/tor/keys/all ", ok, keys, keys_len,
	    NULL, 0), 0);
	assert_int_equal(serve(&g, now, "/tor/status-vote/", ok, consensus,
	    consensus_len, NULL, 0), 0);
	assert_int_equal(serve(&g, now, "/tor/micro/d/", ok, microdescs,
	    microdescs_len, NULL, 0), 1);
	assert_true(onion_dir_ready(&d));
}

/* Every authority failing is final, with the reason. */
static void
test_all_fail(void **state)
{
	struct fake f;
	int64_t now = cons_time() + 1;
	size_t i;
	int r = 0;

	(void)state;
	start();
	for (i = 0; i < nauth; i++) {
		assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
		accept_fast(&f, open_link());
		r = serve(&f, now, "/tor/keys/all ",
		    "HTTP/1.0 404 Not found\r\n\r\n", "", 0, NULL, 0);
	}
	assert_int_equal(r, ONION_ESTREAM);
	assert_int_equal(d.phase, DIR_FAILED);
	assert_int_equal(onion_dir_pump(&d, 1000, now), ONION_ESTREAM);
	assert_int_equal(connects, (int)nauth);
}

/* A response larger than the buffer is refused, not overrun. */
static void
test_too_big(void **state)
{
	struct fake f;
	int64_t now = cons_time() + 1;

	(void)state;
	start();
	d.cap = 100;
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	accept_fast(&f, open_link());
	assert_int_equal(serve(&f, now, "/tor/keys/all ", ok, keys, 400,
	    NULL, 0), 0);
	assert_int_equal(d.err, ONION_EFULL);
	assert_int_equal(d.stats.failures, 1);
	assert_true(d.len <= 100);
}

/* A request that takes too long moves on to the next source. */
static void
test_timeout(void **state)
{
	int64_t now = cons_time() + 1;

	(void)state;
	start();
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	assert_int_equal(connects, 1);
	assert_int_equal(onion_dir_pump(&d, 1000 + ONION_DIR_TIMEOUT_MS + 1,
	    now), 0);
	assert_int_equal(d.err, ONION_ETIMEOUT);
	assert_int_equal(d.stats.failures, 1);
	assert_int_equal(d.circ, -1);
	/* The next pump tries the next authority. */
	assert_int_equal(onion_dir_pump(&d, 1000 + ONION_DIR_TIMEOUT_MS + 2,
	    now), 0);
	assert_int_equal(connects, 2);
	assert_int_not_equal(connect_port[1], connect_port[0]);
}

/* A refresh at its time; an answer no newer is retried later. */
static void
test_refresh(void **state)
{
	struct fake f;
	const struct onion_consensus *c;
	int64_t now = cons_time() + 1, at;
	size_t i;

	(void)state;
	start();
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	accept_fast(&f, open_link());
	bootstrap(&f, now);
	c = onion_dir_consensus(&d);
	/* dir-spec 5.1: after fresh-until + 3/4 interval, before valid-until. */
	at = d.refresh_at;
	assert_true(at >= c->fresh_until + (c->fresh_until - c->valid_after) *
	    3 / 4);
	assert_true(at < c->valid_until);
	assert_false(onion_dir_refresh_due(&d, at - 1));
	assert_true(onion_dir_refresh_due(&d, at));
	/* No directory caches: the authorities serve the refresh. */
	for (i = 0; i < c->nrelays; i++)
		((struct onion_relay *)c->relays)[i].flags &= ~RF_V2DIR;
	assert_int_equal(onion_dir_pump(&d, 5000, at), 0);
	assert_int_equal(d.phase, DIR_CONSENSUS);
	assert_int_equal(connects, 2);
	accept_fast(&f, open_link());
	assert_int_equal(serve(&f, at, "/tor/status-vote/", ok, consensus,
	    consensus_len, NULL, 0), 0);
	/* The same consensus: kept, and asked for again a little later. */
	assert_int_equal(d.err, ONION_EAGAIN);
	assert_int_equal(d.phase, DIR_IDLE);
	assert_ptr_equal(cl.cons, c);
	assert_true(d.refresh_at >= at + 2 && d.refresh_at <= at + 60);
	assert_int_equal(d.stats.refreshes, 0);
}

/* A refresh goes to the guard when it is a directory cache, over ntor. */
static void
test_refresh_guard(void **state)
{
	struct fake f;
	const struct onion_consensus *c;
	const struct onion_circ *circ;
	uint8_t cell[ONION_CELL_LEN];
	int64_t now = cons_time() + 1;
	int g;

	(void)state;
	start();
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	accept_fast(&f, open_link());
	bootstrap(&f, now);
	c = onion_dir_consensus(&d);
	for (g = (int)c->nrelays - 1; g >= 0; g--)
		if ((c->relays[g].flags & RF_V2DIR) && c->relays[g].have_md)
			break;
	assert_true(g >= 0);
	cl.guard = g;
	assert_int_equal(onion_dir_pump(&d, 5000, d.refresh_at), 0);
	assert_int_equal(connects, 2);
	assert_int_equal(connect_port[1], c->relays[g].orport);
	circ = &cl.circs[d.circ];
	assert_true(circ->dir);
	assert_int_equal(circ->path[0].relay_index, g);
	assert_true(circ->path[0].have_ntor);
	assert_memory_equal(circ->path[0].rsa_id, c->relays[g].rsa_id,
	    ONION_ID_LEN);
	/* ntor (or ntor v3), not CREATE_FAST: we know its onion key now. */
	take_cell(open_link(), cell);
	assert_int_equal(cell[4], CELL_CREATE2);
}

/* A consensus given in advance is used instead of a fetch. */
static void
test_preset(void **state)
{
	struct fake f;
	int64_t now = cons_time() + 1;

	(void)state;
	start();
	onion_dir_preset_consensus(&d, consensus, consensus_len);
	assert_int_equal(onion_dir_pump(&d, 1000, now), 0);
	accept_fast(&f, open_link());
	assert_int_equal(serve(&f, now, "/tor/keys/all ", ok, keys, keys_len,
	    NULL, 0), 0);
	/* Straight to the microdescriptors. */
	assert_int_equal(serve(&f, now, "/tor/micro/d/", ok, microdescs,
	    microdescs_len, NULL, 0), 1);
	assert_true(onion_dir_ready(&d));
}

/* --- consensus switch ---------------------------------------------------- */

static void
relay(struct onion_relay *r, uint8_t id)
{
	memset(r, 0, sizeof *r);
	r->rsa_id[0] = id;
	r->nick[0] = (char)('a' + id);
	r->ipv4 = 0x0a000000u | id;
	r->orport = 9000;
	r->flags = RF_GUARD | RF_RUNNING | RF_VALID | RF_FAST | RF_EXIT;
	r->bw = 100;
	r->have_md = 1;
}

static void
test_switch_keeps_guard(void **state)
{
	static struct onion_relay a[4], b[4];
	struct onion_consensus ca = { .relays = a, .nrelays = 3, .cap = 4 };
	struct onion_consensus cb = { .relays = b, .nrelays = 4, .cap = 4 };

	(void)state;
	relay(&a[0], 1), relay(&a[1], 2), relay(&a[2], 3);
	/* The next consensus lists them in another place, and one more. */
	relay(&b[0], 0), relay(&b[1], 3), relay(&b[2], 2), relay(&b[3], 1);
	onion_client_init(&cl, &ca, avoid, NULL, 0);
	cl.guard = 1;				/* identity 2 */
	avoid[2] = 1;
	onion_client_set_consensus(&cl, &cb);
	assert_ptr_equal(cl.cons, &cb);
	assert_int_equal(cl.guard, 2);
	assert_int_equal(cb.relays[cl.guard].rsa_id[0], 2);
	assert_int_equal(avoid[2], 0);		/* a fresh chance */
	/* A guard that left: chosen again later. */
	onion_client_set_consensus(&cl, &ca);
	cl.guard = 0;				/* identity 1 */
	b[3].rsa_id[0] = 9;
	onion_client_set_consensus(&cl, &cb);
	assert_int_equal(cl.guard, -1);
}

/* --- pieces -------------------------------------------------------------- */

static void
test_http(void **state)
{
	static const char good[] = "HTTP/1.0 200 OK\r\nX: y\r\n\r\nbody";
	static const char low[] = "HTTP/1.1 404 Not found\r\n"
	    "content-encoding:  identity \r\n\r\n";
	static const char z[] = "HTTP/1.0 200 OK\r\nContent-Encoding: deflate\r\n"
	    "\r\nxx";
	char big[9000];
	size_t off;
	int st;

	(void)state;
	assert_int_equal(onion_http_response(good, sizeof good - 1, &st, &off),
	    0);
	assert_int_equal(st, 200);
	assert_string_equal(good + off, "body");
	assert_int_equal(onion_http_response(low, sizeof low - 1, &st, &off), 0);
	assert_int_equal(st, 404);
	assert_int_equal(off, sizeof low - 1);
	assert_int_equal(onion_http_response(z, sizeof z - 1, &st, &off),
	    ONION_EPROTO);
	assert_int_equal(onion_http_response(good, 20, &st, &off), ONION_ETRUNC);
	assert_int_equal(onion_http_response("HTTP/2 200 OK\r\n\r\n", 17, &st,
	    &off), ONION_EPARSE);
	assert_int_equal(onion_http_response("HTTP/1.0 2x0 OK\r\n\r\n", 19,
	    &st, &off), ONION_EPARSE);
	assert_int_equal(onion_http_response("HTTP/1.0 2000\r\n\r\n", 17, &st,
	    &off), ONION_EPARSE);
	assert_int_equal(onion_http_response("", 0, &st, &off), ONION_ETRUNC);
	/* A head that never ends is refused, not waited for. */
	memset(big, 'a', sizeof big);
	memcpy(big, "HTTP/1.0 200 OK\r\n", 17);
	assert_int_equal(onion_http_response(big, sizeof big, &st, &off),
	    ONION_EPARSE);
}

static void
test_kdf_tor(void **state)
{
	uint8_t k0[40], out[92], want[92];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof k0; i++)
		k0[i] = (uint8_t)i;
	/* SHA-1(k0 | 00) | SHA-1(k0 | 01) | ..., by Python's hashlib. */
	unhex(want, sizeof want,
	    "ee4290b7cadc050642954479851159fd567f8cf39e917161fbf90a6e0016f447"
	    "e7b0c384fea2312acdb67f371199aade028288f642c193300a48d9e169024d75"
	    "bc21fa80d52349328e7d0ce219337e74a980c2672535f15661c9aa31");
	assert_int_equal(onion_kdf_tor(k0, sizeof k0, out, sizeof out), 0);
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(onion_kdf_tor(k0, sizeof k0, out, 256 * 20),
	    ONION_EINVAL);
}

static void
test_refresh_time(void **state)
{
	struct onion_consensus c = { .valid_after = 3600, .fresh_until = 7200,
	    .valid_until = 14400 };

	(void)state;
	/* start = 7200 + 2700 = 9900; window = 7/8 of 4500 = 3937. */
	assert_int_equal(onion_dir_refresh_time(&c, 0), 9900);
	assert_int_equal(onion_dir_refresh_time(&c, 3936), 9900 + 3936);
	assert_int_equal(onion_dir_refresh_time(&c, 3937), 9900);
	c.valid_until = 9000;			/* no window: at start */
	assert_int_equal(onion_dir_refresh_time(&c, 77), 9900);
}

/* The "params" line: padding and congestion parameters, tor's bounds. */
static void
test_pad_params(void **state)
{
	static struct onion_relay r[NREL];
	struct onion_consensus c = { .relays = r, .cap = NREL };
	const char *at = strstr(consensus, "\nvoting-delay");
	char *doc = malloc(consensus_len + 200);
	size_t head;

	(void)state;
	assert_non_null(at);
	assert_non_null(doc);
	assert_int_equal(onion_consensus_parse(consensus, consensus_len, &c), 0);
	assert_int_equal(c.pad.ito_low_ms, 1500);	/* tor's defaults */
	assert_int_equal(c.pad.ito_high_ms, 9500);
	assert_int_equal(c.pad.pad_before_usage, 1);
	head = (size_t)(at - consensus) + 1;
	memcpy(doc, consensus, head);
	strcpy(doc + head, "params cc_alg=0 nf_conntimeout_clients=7 "
	    "nf_ito_high=1000 nf_ito_low=2000 nf_pad_before_usage=0 "
	    "nf_pad_relays=1 x=y =5 nf_ito_low\n");
	strcat(doc + head, at + 1);
	assert_int_equal(onion_consensus_parse(doc, strlen(doc), &c), 0);
	assert_int_equal(c.cc.alg, 0);
	assert_int_equal(c.pad.ito_low_ms, 2000);
	assert_int_equal(c.pad.ito_high_ms, 2000);	/* raised to low */
	assert_int_equal(c.pad.pad_before_usage, 0);
	strcpy(doc + head, "params nf_ito_low=60001 nf_ito_high=-1 "
	    "nf_pad_before_usage=2 nf_conntimeout_clients=86400\n");
	strcat(doc + head, at + 1);
	assert_int_equal(onion_consensus_parse(doc, strlen(doc), &c), 0);
	assert_int_equal(c.pad.ito_low_ms, 1500);
	assert_int_equal(c.pad.ito_high_ms, 9500);
	assert_int_equal(c.pad.pad_before_usage, 1);
	free(doc);
}

static void
test_pad_timeout(void **state)
{
	struct onion_pad_params p;
	uint64_t i;
	uint32_t t, lo = 99999, hi = 0, sum = 0;

	(void)state;
	onion_pad_defaults(&p);
	/* low + max(X1, X2), X uniform in [0, 8000). */
	assert_int_equal(onion_pad_timeout(&p, 0, 0), 1500);
	assert_int_equal(onion_pad_timeout(&p, 7999, 3), 9499);
	assert_int_equal(onion_pad_timeout(&p, 3, 8000 + 100), 1600);
	for (i = 0; i < 8000; i++) {
		t = onion_pad_timeout(&p, i * 7919, i * 104729 + 17);
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		sum += t - 1500;
	}
	assert_true(lo >= 1500 && hi < 9500);
	/* max of two uniforms averages 2/3 of the range (5333). */
	assert_true(sum / 8000 > 4800 && sum / 8000 < 5900);
	p.ito_low_ms = p.ito_high_ms = 3000;
	assert_int_equal(onion_pad_timeout(&p, 12345, 678), 3000);
	p.ito_low_ms = p.ito_high_ms = 0;
	assert_int_equal(onion_pad_timeout(&p, 12345, 678), 0);	/* off */
	for (i = 0; i < 1000; i++) {
		t = onion_pad_idle_timeout(i * 2654435761u);
		assert_true(t >= 180 && t < 270);
	}
}

static void
test_pad_wanted(void **state)
{
	struct onion_pad_params p;

	(void)state;
	onion_pad_defaults(&p);
	assert_false(onion_pad_wanted(&p, 4, CHAN_USER_TRAFFIC));
	assert_true(onion_pad_wanted(&p, 5, CHAN_USER_TRAFFIC));
	assert_true(onion_pad_wanted(&p, 5, CHAN_FULL_CIRCS));
	assert_false(onion_pad_wanted(&p, 5, CHAN_UNUSED));
	p.pad_before_usage = 0;
	assert_false(onion_pad_wanted(&p, 5, CHAN_FULL_CIRCS));
	assert_true(onion_pad_wanted(&p, 5, CHAN_USER_TRAFFIC));
}

static uint64_t draws;

/* A "random" source that counts its draws: 1000, 3000, 1000, 3000... */
static uint64_t
fixed_rnd(void)
{
	return draws++ % 2 ? 3000 : 1000;
}

/*
 * The padding timer: nothing before the sampled timeout (low + max of
 * the two draws), one PADDING when it is reached, a new draw after it
 * and after any activity, nothing when unwanted or turned off.
 */
static void
test_pad_tick(void **state)
{
	struct onion_pad_params p;
	struct onion_pad_timer t = { 0, 0 };

	(void)state;
	onion_pad_defaults(&p);			/* 1500 + max(1000, 3000) */
	draws = 0;
	assert_int_equal(onion_pad_tick(&t, &p, 1, 1, 10000, fixed_rnd), 0);
	assert_int_equal(t.pad_at, 10000 + 4500);
	assert_int_equal(draws, 2);
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 14499, fixed_rnd), 0);
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 14500, fixed_rnd), 1);
	/* The next wait counts from the padding. */
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 14501, fixed_rnd), 0);
	assert_int_equal(t.pad_at, 14500 + 4500);
	/* Traffic restarts the wait. */
	assert_int_equal(onion_pad_tick(&t, &p, 1, 1, 18000, fixed_rnd), 0);
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 19000, fixed_rnd), 0);
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 22499, fixed_rnd), 0);
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 22500, fixed_rnd), 1);
	/* Not wanted (directory-only link, or cells queued): nothing. */
	assert_int_equal(onion_pad_tick(&t, &p, 0, 0, 90000, fixed_rnd), 0);
	/* Off in the consensus: nothing, ever. */
	p.ito_low_ms = p.ito_high_ms = 0;
	t.pad_at = 0;
	assert_int_equal(onion_pad_tick(&t, &p, 1, 0, 900000, fixed_rnd), 0);
	assert_int_equal(t.pad_at, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_all_fail),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_refresh),
		cmocka_unit_test(test_refresh_guard),
		cmocka_unit_test(test_preset),
		cmocka_unit_test(test_switch_keeps_guard),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_kdf_tor),
		cmocka_unit_test(test_refresh_time),
		cmocka_unit_test(test_pad_params),
		cmocka_unit_test(test_pad_timeout),
		cmocka_unit_test(test_pad_wanted),
		cmocka_unit_test(test_pad_tick),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
