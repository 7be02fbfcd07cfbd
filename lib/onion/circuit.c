/*
 * Circuits (tor-spec §5): CREATE2 to the guard, EXTEND2 through it hop
 * by hop with ntor or ntor v3 (which also negotiates congestion control
 * with the exit, prop 324), relay cells sealed and opened with each
 * hop's keys, circuit-level authenticated SENDMEs (§7.3), stall probes,
 * and teardown with DESTROY or TRUNCATE (then extended again).
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/client.h"

#define DESTROY_NONE	0

static int
circ_index(struct onion_client *cl, const struct onion_circ *c)
{
	return (int)(c - cl->circs);
}

static void
avoid_relay(struct onion_client *cl, int idx)
{
	if (idx >= 0 && cl->avoid != NULL && (size_t)idx < cl->cons->nrelays)
		cl->avoid[idx] = 1;
	if (idx == cl->guard)
		cl->guard = -1;
}

int
onion__send_relay(struct onion_client *cl, struct onion_circ *c, unsigned hop,
    uint8_t cmd, uint16_t stream, const uint8_t *data, size_t len,
    uint8_t *digest20)
{
	struct onion_link *l = &cl->links[c->link].link;
	uint8_t payload[ONION_PAYLOAD_LEN], cell[ONION_CELL_LEN];
	uint8_t cellcmd = CELL_RELAY;
	int r;

	if (hop >= c->nhops || !onion_link_is_open(l))
		return ONION_EINVAL;
	if (onion_link_room(l) == 0)
		return ONION_EAGAIN;
	if (cmd == RELAY_EXTEND2) {
		if (c->early_left == 0)
			return ONION_EPROTO;
		c->early_left--;
		cellcmd = CELL_RELAY_EARLY;
	}
	if ((r = onion_relay_pack(payload, cmd, stream, data, len)) != 0 ||
	    (r = onion_relay_seal(c->hops, hop, payload, digest20)) != 0)
		return r;
	onion_cell_pack(cell, c->id, cellcmd, payload, sizeof payload);
	return onion_link_send(l, cell);
}

/*
 * ntor v3 messages are tor's trunnel "extension" lists: a count, then
 * (type, length, data) fields. Exits may be asked for congestion control
 * (type 1, empty); other hops get an empty list. Circuit extension uses
 * the verification string below.
 */
static const uint8_t cc_request[] = { 1, 0x01, 0x00 };
static const uint8_t no_extensions[] = { 0 };
static const uint8_t ntor3_ver[] = "circuit extend";
#define NTOR3_VER_LEN	(sizeof ntor3_ver - 1)

/*
 * Congestion control is asked of the exit only, when the owner wants it,
 * the consensus enables it and the exit offers it (prop 324 §10.1).
 */
static int
want_cc(struct onion_client *cl, const struct onion_circ *c)
{
	const struct onion_relay *r =
	    &cl->cons->relays[c->path[c->nhops].relay_index];

	return cl->request_cc && c->want_hops == ONION_HOPS &&
	    c->nhops == ONION_HOPS - 1 &&
	    cl->cons->cc.alg != 0 && (r->flags & RF_FLOWCTRL2);
}

/*
 * The onion skin for hop nhops: ntor v3 when the relay offers it (and we
 * know its Ed25519 identity), else ntor. Returns its length.
 */
static int
onion_skin(struct onion_client *cl, struct onion_circ *c, uint8_t *out,
    size_t cap, uint16_t *htype)
{
	const struct onion_hop_info *h = &c->path[c->nhops];
	const struct onion_relay *r = h->relay_index >= 0 ?
	    &cl->cons->relays[h->relay_index] : NULL;
	int cc, n;

	c->v3 = h->have_ed && r != NULL && (r->flags & RF_NTOR3);
	c->asked_cc = 0;
	if (!c->v3) {
		*htype = ONION_HTYPE_NTOR;
		if (cap < ONION_NTOR_ONIONSKIN)
			return ONION_EINVAL;
		n = onion_ntor_client_start(&c->ntor, h->rsa_id, h->ntor, NULL,
		    out);
		return n < 0 ? n : ONION_NTOR_ONIONSKIN;
	}
	*htype = ONION_HTYPE_NTOR3;
	cc = want_cc(cl, c);
	c->asked_cc = cc;
	return onion_ntor3_client_start(&c->ntor3, h->ed_id, h->ntor, NULL,
	    cc ? cc_request : no_extensions,
	    cc ? sizeof cc_request : sizeof no_extensions, ntor3_ver,
	    NTOR3_VER_LEN, out, cap);
}

/*
 * CREATE2 to the first hop once its link is open; CREATE_FAST with a
 * random X if we know no onion key for it (tor-spec §5.1.3: the TLS
 * link already authenticated the relay).
 */
static int
send_create(struct onion_client *cl, struct onion_circ *c)
{
	uint8_t skin[ONION_NTOR3_SKIN_MAX], cell[ONION_CELL_LEN];
	uint16_t htype;
	int r, n;

	if (!c->path[0].have_ntor) {
		if (nc_random_bytes(c->fast_x, sizeof c->fast_x) != NC_OK)
			return ONION_ECRYPTO;
		onion_cell_pack(cell, c->id, CELL_CREATE_FAST, c->fast_x,
		    sizeof c->fast_x);
		if ((r = onion_link_send(&cl->links[c->link].link, cell)) != 0)
			return r;
		c->state = CIRC_BUILDING;
		return ONION_OK;
	}
	if ((n = onion_skin(cl, c, skin, sizeof skin, &htype)) < 0)
		return n;
	if ((r = onion_create2_pack_any(cell, c->id, htype, skin,
	    (size_t)n)) < 0)
		return r;
	if ((r = onion_link_send(&cl->links[c->link].link, cell)) != 0)
		return r;
	c->state = CIRC_BUILDING;
	return ONION_OK;
}

/* EXTEND2 (§5.1.2) from the last hop to path[nhops]. */
static int
send_extend(struct onion_client *cl, struct onion_circ *c)
{
	const struct onion_hop_info *h = &c->path[c->nhops];
	uint8_t body[1 + 8 + 22 + 34 + 4 + ONION_NTOR3_SKIN_MAX], *p = body;
	uint16_t htype;
	int r;

	*p++ = h->have_ed ? 3 : 2;
	*p++ = 0, *p++ = 6;				/* IPv4 + ORPort */
	onion_put32(p, h->ipv4), p += 4;
	onion_put16(p, h->orport), p += 2;
	*p++ = 2, *p++ = ONION_ID_LEN;			/* legacy identity */
	memcpy(p, h->rsa_id, ONION_ID_LEN), p += ONION_ID_LEN;
	if (h->have_ed) {
		*p++ = 3, *p++ = ONION_ED_LEN;		/* Ed25519 identity */
		memcpy(p, h->ed_id, ONION_ED_LEN), p += ONION_ED_LEN;
	}
	if ((r = onion_skin(cl, c, p + 4, ONION_NTOR3_SKIN_MAX, &htype)) < 0)
		return r;
	onion_put16(p, htype);
	onion_put16(p + 2, (uint16_t)r);
	p += 4 + r;
	return onion__send_relay(cl, c, c->nhops - 1, RELAY_EXTEND2, 0, body,
	    (size_t)(p - body), NULL);
}

/*
 * The exit's ntor v3 message: extension 2 carries its sendme_inc, which
 * must be within a factor of two of the consensus value (prop 324 §10.5).
 */
static int
cc_response(struct onion_client *cl, struct onion_circ *c, const uint8_t *sm,
    size_t n)
{
	uint32_t want = cl->cons->cc.sendme_inc, inc, cwnd;
	size_t off = 1, i, count;

	if (n == 0)
		return ONION_OK;		/* no extensions: no CC */
	count = sm[0];
	for (i = 0; i < count; i++) {
		if (n - off < 2)
			return ONION_EPROTO;
		if (n - off - 2 < sm[off + 1])
			return ONION_EPROTO;
		if (sm[off] == 2 && !c->cc) {
			/* An answer to a question we did not ask (§10.5). */
			if (!c->asked_cc || sm[off + 1] != 1)
				return ONION_EPROTO;
			inc = sm[off + 2];
			if (inc == 0 || inc > 2 * want || 2 * inc < want)
				return ONION_EPROTO;
			cwnd = cl->cons->cc.cwnd_init / inc;
			c->cc = 1;
			c->sendme_inc = (int)inc;
			c->package_max = (int)((cwnd > 0 ? cwnd : 1) * inc);
			if (c->package_max / c->sendme_inc > ONION_SENDME_FIFO)
				c->package_max = ONION_SENDME_FIFO * c->sendme_inc;
			c->package_window = c->package_max;
		}
		off += 2 + sm[off + 1];
	}
	return ONION_OK;	/* trailing bytes are ignored, as tor does */
}

void
onion__circ_report_built(struct onion_client *cl, struct onion_circ *c)
{
	if (cl->ev.circ_built != NULL && !c->dir && !c->hidden)
		cl->ev.circ_built(cl->ev.ctx, circ_index(cl, c));
}

/* The circuit has all its hops: open, and tell the owner (for a conflux
 * leg, once its set is linked). */
static int
circ_opened(struct onion_client *cl, struct onion_circ *c)
{
	c->state = CIRC_OPEN;
	c->built_ms = cl->now_ms;
	if (c->cfx != 0)
		onion__cfx_leg_open(cl, c);
	else
		onion__circ_report_built(cl, c);
	return ONION_OK;
}

/* CREATED_FAST: Y | KH; keys from KDF-TOR(X | Y), KH checked. */
static int
add_fast_hop(struct onion_client *cl, struct onion_circ *c,
    const uint8_t *body)
{
	uint8_t k0[2 * ONION_ID_LEN], k[ONION_ID_LEN + ONION_HOP_KEYS];
	int r;

	memcpy(k0, c->fast_x, ONION_ID_LEN);
	memcpy(k0 + ONION_ID_LEN, body, ONION_ID_LEN);
	r = onion_kdf_tor(k0, sizeof k0, k, sizeof k);
	if (r == ONION_OK && nc_ct_equal(k, body + ONION_ID_LEN,
	    ONION_ID_LEN) != NC_OK)
		r = ONION_EAUTH;
	if (r == ONION_OK) {
		onion_hop_init(&c->hops[0], k + ONION_ID_LEN);
		c->nhops = 1;
	}
	nc_wipe(k0, sizeof k0);
	nc_wipe(k, sizeof k);
	nc_wipe(c->fast_x, sizeof c->fast_x);
	if (r != ONION_OK)
		return r;
	return c->nhops < c->want_hops ? send_extend(cl, c) :
	    circ_opened(cl, c);
}

/* A handshake reply for the hop being added. */
static int
add_hop(struct onion_client *cl, struct onion_circ *c, const uint8_t *body,
    size_t len)
{
	uint8_t keys[ONION_HOP_KEYS], sm[ONION_NTOR3_MSG_MAX];
	const uint8_t *d;
	size_t dlen, smlen;
	int r;

	if ((r = onion_created2_data(body, len, &d, &dlen)) != 0)
		return r;
	if (c->v3) {
		if ((r = onion_ntor3_client_finish(&c->ntor3, ntor3_ver,
		    NTOR3_VER_LEN, d, dlen,
		    sm, sizeof sm, &smlen, keys, sizeof keys)) != 0)
			return r;
		if ((r = cc_response(cl, c, sm, smlen)) != 0)
			return r;
	} else {
		if (dlen != ONION_NTOR_REPLY)
			return ONION_EPROTO;
		if ((r = onion_ntor_client_finish(&c->ntor, d, keys,
		    sizeof keys)) != 0)
			return r;
	}
	onion_hop_init(&c->hops[c->nhops], keys);
	nc_wipe(keys, sizeof keys);
	c->nhops++;
	if (c->nhops < c->want_hops)
		return send_extend(cl, c);
	return circ_opened(cl, c);
}

static uint32_t
new_circ_id(struct onion_client *cl, int link)
{
	uint32_t id;
	int i, tries;

	for (tries = 0; tries < 64; tries++) {
		if (nc_random_bytes(&id, sizeof id) != NC_OK)
			return 0;
		id |= 0x80000000u;	/* we opened the link (§5.1.1) */
		for (i = 0; i < ONION_MAX_CIRCS; i++)
			if (cl->circs[i].state != CIRC_FREE &&
			    cl->circs[i].link == link && cl->circs[i].id == id)
				break;
		if (i == ONION_MAX_CIRCS)
			return id;
	}
	return 0;
}

void
onion_hop_from_relay(struct onion_hop_info *h, const struct onion_consensus *c,
    int idx)
{
	const struct onion_relay *rel = &c->relays[idx];

	memset(h, 0, sizeof *h);
	memcpy(h->nick, rel->nick, sizeof h->nick);
	memcpy(h->rsa_id, rel->rsa_id, ONION_ID_LEN);
	memcpy(h->ed_id, rel->ed_id, ONION_ED_LEN);
	memcpy(h->ntor, rel->ntor, ONION_KEY_LEN);
	h->have_ed = rel->have_ed;
	h->have_ntor = rel->have_md;
	h->ipv4 = rel->ipv4;
	h->orport = rel->orport;
	h->relay_index = idx;
}

void
onion_hop_from_authority(struct onion_hop_info *h,
    const struct onion_authority *a)
{
	memset(h, 0, sizeof *h);
	memcpy(h->nick, a->nick, sizeof h->nick);
	memcpy(h->rsa_id, a->rsa_id, ONION_ID_LEN);
	h->ipv4 = a->ipv4;
	h->orport = a->orport;
	h->relay_index = -1;
}

static struct onion_circ *
free_circ(struct onion_client *cl)
{
	int i;

	for (i = 0; i < ONION_MAX_CIRCS; i++)
		if (cl->circs[i].state == CIRC_FREE)
			return &cl->circs[i];
	return NULL;
}

/* Links c (its path filled) to its first hop and starts it. */
static int
circ_start(struct onion_client *cl, struct onion_circ *c, unsigned hops)
{
	int r;

	if ((r = onion__link_for(cl, &c->path[0])) < 0) {
		avoid_relay(cl, c->path[0].relay_index);
		return r;
	}
	c->link = r;
	if ((c->id = new_circ_id(cl, c->link)) == 0)
		return ONION_EFULL;
	c->want_hops = hops;
	c->state = CIRC_WAIT_LINK;
	c->early_left = 8;
	c->package_window = c->deliver_window = ONION_CIRCWINDOW;
	c->package_max = ONION_CIRCWINDOW;
	c->sendme_inc = ONION_CIRC_INC;
	c->next_stream = 1;
	c->started_ms = cl->now_ms;
	c->last_cell_ms = cl->now_ms;
	if (onion_link_is_open(&cl->links[c->link].link) &&
	    (r = send_create(cl, c)) != 0) {
		onion_circ_close(cl, circ_index(cl, c), r);
		return r;
	}
	return circ_index(cl, c);
}

/* Starts a 3-hop circuit on relays idx (guard, middle, exit); a hidden
 * one (a conflux set's second leg) is never reported to the owner. */
int
onion__circ_start_path(struct onion_client *cl, const int idx[3],
    uint16_t port, uint64_t iso, int hidden)
{
	struct onion_circ *c = free_circ(cl);
	int i, r;

	if (c == NULL)
		return ONION_EFULL;
	memset(c, 0, sizeof *c);
	for (i = 0; i < ONION_HOPS; i++)
		onion_hop_from_relay(&c->path[i], cl->cons, idx[i]);
	c->isolation = iso;
	c->exit_port = port;
	c->hidden = hidden;
	if ((r = circ_start(cl, c, ONION_HOPS)) >= 0)
		onion__link_used(cl, c->link, CHAN_FULL_CIRCS);
	return r;
}

int
onion_circ_build(struct onion_client *cl, uint16_t port, uint64_t iso)
{
	struct onion_path_rules rules = cl->rules;
	int idx[ONION_HOPS], r;

	if (free_circ(cl) == NULL)
		return ONION_EFULL;
	rules.exit_port = port;
	rules.avoid = cl->avoid;
	if ((r = onion_path_build(cl->cons, &cl->guard, &rules, idx)) != 0)
		return r;
	if ((r = onion__circ_start_path(cl, idx, port, iso, 0)) >= 0)
		onion__cfx_start(cl, r, idx);
	return r;
}

int
onion_circ_build_dir(struct onion_client *cl, const struct onion_hop_info *h)
{
	struct onion_circ *c = free_circ(cl);

	if (c == NULL)
		return ONION_EFULL;
	memset(c, 0, sizeof *c);
	c->path[0] = *h;
	c->dir = 1;
	return circ_start(cl, c, 1);
}

int
onion_circ_find(struct onion_client *cl, uint16_t port, uint64_t iso,
    int building_ok)
{
	const struct onion_circ *c;
	const struct onion_relay *exit;
	int i;

	for (i = 0; i < ONION_MAX_CIRCS; i++) {
		c = &cl->circs[i];
		if (c->isolation != iso || c->dir || c->hidden)
			continue;
		if (c->state == CIRC_OPEN && onion__cfx_ready(cl, c)) {
			int ei = c->path[ONION_HOPS - 1].relay_index;

			/* An exit gone from a newer consensus: its policy is
			 * unknown, so only the port it was built for. */
			exit = ei >= 0 ? &cl->cons->relays[ei] : NULL;
			if (port == 0 || c->exit_port == port ||
			    (exit != NULL && onion_relay_allows_port(exit, port)))
				return i;
		} else if (building_ok && (c->state == CIRC_WAIT_LINK ||
		    c->state == CIRC_BUILDING ||
		    c->state == CIRC_OPEN /* a set still linking */) &&
		    (port == 0 ||
		    c->exit_port == port))
			return i;
	}
	return ONION_ENOPATH;
}

/* Frees the circuit; sends DESTROY if it may still exist upstream. */
static void
circ_free(struct onion_client *cl, struct onion_circ *c, int err, int destroy)
{
	struct onion_link *l = &cl->links[c->link].link;
	uint8_t cell[ONION_CELL_LEN], reason = DESTROY_NONE;
	int ci = circ_index(cl, c);
	unsigned i;

	if (c->state == CIRC_FREE || c->state == CIRC_CLOSED)
		return;
	if (destroy && c->state != CIRC_WAIT_LINK && onion_link_is_open(l)) {
		onion_cell_pack(cell, c->id, CELL_DESTROY, &reason, 1);
		(void)onion_link_send(l, cell);
	}
	c->state = CIRC_CLOSED;
	c->err = err;
	onion__cfx_leg_closed(cl, c);
	onion__streams_end(cl, ci, err);
	if (cl->ev.circ_closed != NULL && !c->dir && !c->hidden)
		cl->ev.circ_closed(cl->ev.ctx, ci, err);
	for (i = 0; i < ONION_HOPS; i++)
		onion_hop_wipe(&c->hops[i]);
	nc_wipe(&c->ntor, sizeof c->ntor);
	nc_wipe(&c->ntor3, sizeof c->ntor3);
	nc_wipe(c->fast_x, sizeof c->fast_x);
	c->state = CIRC_FREE;
}

void
onion_circ_close(struct onion_client *cl, int circ, int err)
{
	if (circ < 0 || circ >= ONION_MAX_CIRCS)
		return;
	circ_free(cl, &cl->circs[circ], err, 1);
}

int
onion_circ_truncate(struct onion_client *cl, int circ, unsigned hop)
{
	static const uint8_t reason = DESTROY_NONE;
	struct onion_circ *c;
	int r;

	if (circ < 0 || circ >= ONION_MAX_CIRCS)
		return ONION_EINVAL;
	c = &cl->circs[circ];
	/* A conflux leg's exit is the set's: it cannot be swapped. */
	if (c->state != CIRC_OPEN || hop + 1 >= c->nhops || c->cfx != 0 ||
	    c->hidden)
		return ONION_EINVAL;
	/* The body is one reason byte, as for DESTROY: NONE from a client
	 * (tor 0.4.9 relays treat an empty TRUNCATE as a protocol error). */
	if ((r = onion__send_relay(cl, c, hop, RELAY_TRUNCATE, 0, &reason, 1,
	    NULL)) != 0)
		return r;
	/* Streams ride on the exit, which is gone. */
	onion__streams_end(cl, circ, ONION_EDESTROYED);
	c->nold = 0;
	while (c->nhops > hop + 1) {
		onion_hop_wipe(&c->hops[--c->nhops]);
		c->old_tail[c->nold++] = c->path[c->nhops].relay_index;
	}
	/* Windows, SENDME state and congestion control were the exit's. */
	c->cc = c->v3 = c->asked_cc = 0;
	c->sendme_inc = ONION_CIRC_INC;
	c->package_max = ONION_CIRCWINDOW;
	c->package_window = c->deliver_window = ONION_CIRCWINDOW;
	c->sendme_head = c->sendme_count = 0;
	c->probe_stream = 0;
	c->truncating = 1;
	c->started_ms = cl->now_ms;
	c->state = CIRC_BUILDING;	/* usable again only once re-extended */
	return ONION_OK;
}

/* After TRUNCATED: new relays for the dropped positions, then EXTEND2. */
static int
retail(struct onion_client *cl, struct onion_circ *c)
{
	struct onion_path_rules rules = cl->rules;
	int chosen[2 * ONION_HOPS], n = 0, idx, pos;
	unsigned i;
	uint64_t rnd;

	rules.exit_port = c->exit_port;
	rules.avoid = cl->avoid;
	/* Relays gone from a newer consensus (-1) cannot be picked anyway. */
	for (i = 0; i < c->nhops; i++)
		if (c->path[i].relay_index >= 0)
			chosen[n++] = c->path[i].relay_index;
	for (i = 0; i < c->nold; i++)
		if (c->old_tail[i] >= 0)
			chosen[n++] = c->old_tail[i];
	for (i = c->nhops; i < ONION_HOPS; i++) {
		pos = i == ONION_HOPS - 1 ? POS_EXIT : POS_MIDDLE;
		if (nc_random_bytes(&rnd, sizeof rnd) != NC_OK)
			return ONION_ECRYPTO;
		if ((idx = onion_path_pick(cl->cons, pos, chosen, (size_t)n,
		    &rules, rnd)) < 0)
			return idx;
		chosen[n++] = idx;
		onion_hop_from_relay(&c->path[i], cl->cons, idx);
	}
	return send_extend(cl, c);
}

/* A circuit-level SENDME from the exit (§7.3.1). */
static int
circ_sendme(struct onion_circ *c, const struct onion_relay_msg *m)
{
	const uint8_t *want;

	if (c->sendme_count == 0)
		return ONION_EPROTO;		/* nothing outstanding */
	want = c->sendme_fifo[c->sendme_head];
	if (m->len >= 1 && m->data[0] == 1) {
		if (m->len < 3 || onion_be16(m->data + 1) < 20 ||
		    m->len < 3 + 20)
			return ONION_EPROTO;
		if (nc_ct_equal(m->data + 3, want, 20) != NC_OK)
			return ONION_EAUTH;
	} else if (m->len >= 1 && m->data[0] != 0)
		return ONION_EPROTO;		/* unknown version */
	c->sendme_head = (c->sendme_head + 1) % ONION_SENDME_FIFO;
	c->sendme_count--;
	c->package_window += c->sendme_inc;
	return c->package_window > c->package_max ? ONION_EPROTO : ONION_OK;
}

/*
 * A DATA cell arrived for us: count it, and ack every sendme_inc cells
 * (100, or what congestion control negotiated) with the digest of the
 * cell that completed the increment (§7.3). Without congestion control
 * the exit may never have more than the window in flight; with it, its
 * own congestion window limits it.
 */
static int
circ_deliver(struct onion_client *cl, struct onion_circ *c,
    const uint8_t digest[20])
{
	uint8_t body[3 + 20];

	if (--c->deliver_window < 0 && !c->cc)
		return ONION_EPROTO;
	if (c->deliver_window > ONION_CIRCWINDOW - c->sendme_inc)
		return ONION_OK;
	body[0] = 1;
	onion_put16(body + 1, 20);
	memcpy(body + 3, digest, 20);
	c->deliver_window += c->sendme_inc;
	cl->stats.circ_sendmes++;
	return onion__send_relay(cl, c, c->nhops - 1, RELAY_SENDME, 0, body,
	    sizeof body, NULL);
}

static int
relay_cell(struct onion_client *cl, struct onion_circ *c,
    const struct onion_cell *cell)
{
	uint8_t payload[ONION_PAYLOAD_LEN], digest[20];
	struct onion_relay_msg m;
	int hop, r, last;

	if (c->nhops == 0)
		return ONION_EPROTO;
	memcpy(payload, cell->body, sizeof payload);
	if ((hop = onion_relay_open(c->hops, c->nhops, payload, digest)) < 0)
		return hop;
	if ((r = onion_relay_unpack(payload, &m)) != 0)
		return r;
	last = (unsigned)hop == c->nhops - 1;
	if (m.stream == 0) {
		switch (m.cmd) {
		case RELAY_EXTENDED2:
			if (c->state != CIRC_BUILDING || !last)
				return ONION_EPROTO;
			return add_hop(cl, c, m.data, m.len);
		case RELAY_TRUNCATED:
			if (c->truncating && last) {
				c->truncating = 0;
				return retail(cl, c);
			}
			avoid_relay(cl, c->nhops < ONION_HOPS ?
			    c->path[c->nhops].relay_index : -1);
			return ONION_EDESTROYED;
		case RELAY_SENDME:
			return last ? circ_sendme(c, &m) : ONION_EPROTO;
		case RELAY_CONFLUX_LINKED:
		case RELAY_CONFLUX_SWITCH:
			return last ? onion__cfx_ctl(cl, c, &m) : ONION_EPROTO;
		default:
			return ONION_OK;	/* DROP, padding, unknown */
		}
	}
	if (c->state != CIRC_OPEN || !last)
		return ONION_EPROTO;
	/* SENDMEs count the cells of each circuit, conflux leg or not. */
	if (m.cmd == RELAY_DATA && (r = circ_deliver(cl, c, digest)) != 0)
		return r;
	if (c->cfx != 0 && onion_cfx_sequenced(m.cmd))
		return onion__cfx_cell(cl, c, &m);
	onion__circ_msg(cl, c, &m);
	return ONION_OK;
}

/* A stream-level cell for c, in order: the stall probe's answer, or a
 * stream's. */
void
onion__circ_msg(struct onion_client *cl, struct onion_circ *c,
    const struct onion_relay_msg *m)
{
	if (c->probe_stream != 0 && m->stream == c->probe_stream) {
		c->probe_stream = 0;	/* the exit answered: alive */
		return;
	}
	onion__stream_cell(cl, c, m);
}

void
onion__circ_cell(struct onion_client *cl, int link,
    const struct onion_cell *cell)
{
	struct onion_circ *c = NULL;
	int i, r;

	for (i = 0; i < ONION_MAX_CIRCS; i++)
		if ((cl->circs[i].state == CIRC_BUILDING ||
		    cl->circs[i].state == CIRC_OPEN) &&
		    cl->circs[i].link == link && cl->circs[i].id == cell->circid) {
			c = &cl->circs[i];
			break;
		}
	if (c == NULL)
		return;		/* a circuit we already closed */
	c->last_cell_ms = cl->now_ms;
	switch (cell->cmd) {
	case CELL_CREATED2:
		r = c->state == CIRC_BUILDING && c->nhops == 0 &&
		    c->path[0].have_ntor ?
		    add_hop(cl, c, cell->body, cell->len) : ONION_EPROTO;
		break;
	case CELL_CREATED_FAST:
		r = c->state == CIRC_BUILDING && c->nhops == 0 &&
		    !c->path[0].have_ntor ?
		    add_fast_hop(cl, c, cell->body) : ONION_EPROTO;
		break;
	case CELL_RELAY:
		r = relay_cell(cl, c, cell);
		break;
	case CELL_DESTROY:
		if (c->state == CIRC_BUILDING)
			avoid_relay(cl, c->path[c->nhops < ONION_HOPS ?
			    c->nhops : ONION_HOPS - 1].relay_index);
		circ_free(cl, c, ONION_EDESTROYED, 0);
		return;
	default:
		r = ONION_EPROTO;	/* RELAY_EARLY inbound, CREATED, ... */
		break;
	}
	if (r != ONION_OK && r != ONION_EAGAIN) {
		if (r == ONION_EAUTH && c->state == CIRC_BUILDING)
			avoid_relay(cl, c->path[c->nhops].relay_index);
		circ_free(cl, c, r, 1);
	}
}

/* Called by the client when a link opens: start waiting circuits. */
void
onion__link_opened(struct onion_client *cl, int link)
{
	struct onion_circ *c;
	int i, r;

	for (i = 0; i < ONION_MAX_CIRCS; i++) {
		c = &cl->circs[i];
		if (c->state == CIRC_WAIT_LINK && c->link == link &&
		    (r = send_create(cl, c)) != 0)
			circ_free(cl, c, r, 0);
	}
}

/*
 * Stall detection: tor relays do not always send DESTROY when a later hop
 * dies, so an open circuit with streams that has been silent for
 * stall_ms gets a RELAY_RESOLVE of an address literal (answered by the
 * exit itself, no DNS); no answer within stall_ms more means it is dead.
 */
void
onion__circ_check_stall(struct onion_client *cl, int circ)
{
	struct onion_circ *c = &cl->circs[circ];
	static const uint8_t probe[] = "127.0.0.1";

	if (c->state != CIRC_OPEN || c->nstreams == 0 || c->dir) {
		c->probe_stream = 0;
		return;
	}
	if (c->probe_stream != 0) {
		if (cl->now_ms - c->probe_sent_ms > cl->stall_ms)
			circ_free(cl, c, ONION_ETIMEOUT, 1);
		return;
	}
	if (cl->now_ms - c->last_cell_ms < cl->stall_ms)
		return;
	if (c->next_stream == 0)
		c->next_stream = 1;
	c->probe_stream = c->next_stream++;
	c->probe_sent_ms = cl->now_ms;
	cl->stats.probes++;
	if (onion__send_relay(cl, c, c->nhops - 1, RELAY_RESOLVE,
	    c->probe_stream, probe, sizeof probe, NULL) != ONION_OK)
		c->probe_stream = 0;
}

/* Called by the client when a link dies or a build takes too long. */
void
onion__circ_fail(struct onion_client *cl, int circ, int err)
{
	struct onion_circ *c = &cl->circs[circ];

	if (c->state == CIRC_BUILDING && err == ONION_ETIMEOUT)
		avoid_relay(cl, c->path[c->nhops].relay_index);
	circ_free(cl, c, err, 1);
}
