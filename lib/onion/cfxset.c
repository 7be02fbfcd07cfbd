/*
 * Conflux sets over circuits (proposal 329): a second leg to the same
 * exit, through the same guard (we keep one) and another middle; LINK
 * on both legs once both are open with congestion control, LINKED_ACK
 * for each LINKED (the exit times it to learn the leg's RTT), and then
 * the exit's stream cells are put back in order whatever leg they came
 * on. We send on legs[0] only, which the protocol allows: a sender
 * chooses its own legs. A set stands or falls whole: once linked, a leg
 * that dies closes the other (cells in flight on it would leave a hole
 * in the sequence); before that, a second leg that fails leaves the
 * first as a plain circuit.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/client.h"

int
onion_client_set_conflux(struct onion_client *cl, struct onion_cfx_cell *ring,
    size_t n)
{
	if (ring == NULL || n / ONION_MAX_CFX < ONION_CFX_RING_MIN)
		return ONION_EINVAL;
	cl->cfx_ring = ring;
	cl->cfx_ring_len = n / ONION_MAX_CFX;
	return ONION_OK;
}

static struct onion_cfx_set *
set_of(struct onion_client *cl, const struct onion_circ *c)
{
	return c->cfx > 0 ? &cl->cfx[c->cfx - 1] : NULL;
}

/* Whether a circuit to exit idx should be a set. */
static int
wanted(const struct onion_client *cl, int exit)
{
	const struct onion_relay *r = &cl->cons->relays[exit];
	const unsigned need = RF_CONFLUX | RF_FLOWCTRL2 | RF_NTOR3;

	return cl->cfx_ring != NULL && cl->request_cc &&
	    cl->cons->cc.alg != 0 && cl->cons->cc.cfx_enabled &&
	    (r->flags & need) == need && r->have_ed;
}

/* Another middle for the second leg; the first's if none other fits. */
static int
second_middle(struct onion_client *cl, const int idx[3])
{
	struct onion_path_rules rules = cl->rules;
	uint64_t rnd;
	int m;

	rules.avoid = cl->avoid;
	if (nc_random_bytes(&rnd, sizeof rnd) != NC_OK)
		return ONION_ECRYPTO;
	m = onion_path_pick(cl->cons, POS_MIDDLE, idx, 3, &rules, rnd);
	return m >= 0 ? m : idx[1];
}

/*
 * circ was just started on path idx (guard, middle, exit): makes it the
 * first leg of a set and starts the second, when conflux is wanted and
 * there is room; otherwise it stays a plain circuit.
 */
void
onion__cfx_start(struct onion_client *cl, int circ, const int idx[3])
{
	struct onion_circ *a = &cl->circs[circ], *b;
	struct onion_cfx_set *x = NULL;
	int path[3], si, bi;

	if (!wanted(cl, idx[2]))
		return;
	for (si = 0; si < ONION_MAX_CFX && x == NULL; si++)
		if (cl->cfx[si].state == CFX_FREE)
			x = &cl->cfx[si];
	if (x == NULL)
		return;
	path[0] = idx[0];
	path[2] = idx[2];
	if ((path[1] = second_middle(cl, idx)) < 0)
		return;
	if ((bi = onion__circ_start_path(cl, path, a->exit_port,
	    a->isolation, 1)) < 0)
		return;
	b = &cl->circs[bi];
	memset(x, 0, sizeof *x);
	if (nc_random_bytes(x->nonce, sizeof x->nonce) != NC_OK) {
		onion_circ_close(cl, bi, ONION_ECRYPTO);
		return;
	}
	x->state = CFX_BUILDING;
	x->legs[0] = circ;
	x->legs[1] = bi;
	onion_cfx_seq_init(&x->seq, cl->cfx_ring + (x - cl->cfx) *
	    cl->cfx_ring_len, cl->cfx_ring_len);
	a->cfx = b->cfx = (int)(x - cl->cfx) + 1;
	a->cfx_leg = 0;
	b->cfx_leg = 1;
}

static void
set_free(struct onion_client *cl, struct onion_cfx_set *x)
{
	unsigned i;

	for (i = 0; i < ONION_CFX_LEGS; i++)
		cl->circs[x->legs[i]].cfx = 0;
	nc_wipe(x->nonce, sizeof x->nonce);
	nc_wipe(x->seq.ring, x->seq.ring_len * sizeof *x->seq.ring);
	x->state = CFX_FREE;
}

/*
 * The set gives up on conflux before it linked: the second leg closes,
 * the first goes on alone, and the owner hears of it if it is open.
 */
static void
fall_back(struct onion_client *cl, struct onion_cfx_set *x)
{
	struct onion_circ *a = &cl->circs[x->legs[0]];
	int b = x->legs[1];

	set_free(cl, x);
	cl->stats.cfx_fallback++;
	onion_circ_close(cl, b, ONION_OK);
	if (a->state == CIRC_OPEN)
		onion__circ_report_built(cl, a);
}

static int
send_link(struct onion_client *cl, struct onion_cfx_set *x)
{
	uint8_t body[ONION_CFX_LINK_LEN];
	struct onion_circ *c;
	unsigned i;
	int r;

	onion_cfx_link_pack(body, x->nonce);
	for (i = 0; i < ONION_CFX_LEGS; i++) {
		c = &cl->circs[x->legs[i]];
		r = onion__send_relay(cl, c, c->nhops - 1, RELAY_CONFLUX_LINK,
		    0, body, sizeof body, NULL);
		if (r != ONION_OK)
			return r;
	}
	x->state = CFX_LINKING;
	x->link_ms = cl->now_ms;
	return ONION_OK;
}

/* Leg c finished building. Both open with congestion control: LINK. */
void
onion__cfx_leg_open(struct onion_client *cl, struct onion_circ *c)
{
	struct onion_cfx_set *x = set_of(cl, c);
	int r;

	if (x == NULL || x->state != CFX_BUILDING)
		return;
	if (!c->cc) {
		/* An exit that did not agree to congestion control cannot
		 * be linked (tor requires it on every leg). */
		fall_back(cl, x);
		return;
	}
	x->open |= 1u << c->cfx_leg;
	if (x->open != (1u << ONION_CFX_LEGS) - 1)
		return;
	if ((r = send_link(cl, x)) != ONION_OK)
		onion_circ_close(cl, x->legs[0], r);
}

/* LINKED or SWITCH from the exit, on leg c. */
int
onion__cfx_ctl(struct onion_client *cl, struct onion_circ *c,
    const struct onion_relay_msg *m)
{
	struct onion_cfx_set *x = set_of(cl, c);
	unsigned bit;
	int r;

	if (x == NULL)
		return ONION_EPROTO;	/* never asked for */
	if (m->cmd == RELAY_CONFLUX_SWITCH) {
		if (x->state != CFX_LINKED)
			return ONION_EPROTO;
		cl->stats.cfx_switches++;
		return onion_cfx_switch(&x->seq, c->cfx_leg, m);
	}
	bit = 1u << c->cfx_leg;
	if (x->state != CFX_LINKING || (x->linked & bit))
		return ONION_EPROTO;
	if ((r = onion_cfx_linked_ok(m, x->nonce)) != ONION_OK)
		return r;
	if ((r = onion__send_relay(cl, c, c->nhops - 1,
	    RELAY_CONFLUX_LINKED_ACK, 0, NULL, 0, NULL)) != ONION_OK)
		return r;
	x->linked |= bit;
	if (x->linked == (1u << ONION_CFX_LEGS) - 1) {
		x->state = CFX_LINKED;
		cl->stats.cfx_linked++;
		onion__circ_report_built(cl, &cl->circs[x->legs[0]]);
	}
	return ONION_OK;
}

/*
 * A stream-level cell from the exit on leg c: put in order, then this
 * and every waiting cell that is now next go to the streams, which all
 * live on legs[0]. A stream's handling may close the set; stop then.
 */
int
onion__cfx_cell(struct onion_client *cl, struct onion_circ *c,
    const struct onion_relay_msg *m)
{
	struct onion_cfx_set *x = set_of(cl, c);
	struct onion_cfx_cell cell;
	struct onion_relay_msg next;
	struct onion_circ *a;
	int r, si;

	if (x == NULL || x->state != CFX_LINKED)
		return ONION_EPROTO;
	si = c->cfx;
	a = &cl->circs[x->legs[0]];
	cl->stats.cfx_cells[c->cfx_leg]++;
	if ((r = onion_cfx_arrive(&x->seq, c->cfx_leg, m)) < 0)
		return r;
	if (x->seq.queued_max > cl->stats.cfx_queued_max)
		cl->stats.cfx_queued_max = x->seq.queued_max;
	if (r == 0 && x->seq.queued == x->seq.ring_len / 2 + 1)
		onion__streams_flow(cl, x->legs[0]);	/* XOFF now */
	if (r == 1)
		onion__circ_msg(cl, a, m);
	while (a->cfx == si && a->state == CIRC_OPEN &&
	    onion_cfx_next(&x->seq, &cell)) {
		next.cmd = cell.cmd;
		next.stream = cell.stream;
		next.len = cell.len;
		next.data = cell.data;
		onion__circ_msg(cl, a, &next);
		nc_wipe(&cell, sizeof cell);
	}
	return ONION_OK;
}

/*
 * Leg c is being freed. Before the set linked, a lost second leg leaves
 * the first alone; otherwise the other leg goes too.
 */
void
onion__cfx_leg_closed(struct onion_client *cl, struct onion_circ *c)
{
	struct onion_cfx_set *x = set_of(cl, c);
	int other;

	if (x == NULL)
		return;
	if (x->state == CFX_BUILDING && c->cfx_leg == 1) {
		c->cfx = 0;
		fall_back(cl, x);
		return;
	}
	other = x->legs[1 - c->cfx_leg];
	set_free(cl, x);
	onion_circ_close(cl, other, c->err);
}

/* A set whose exit did not answer LINK within the build timeout. */
void
onion__cfx_check(struct onion_client *cl)
{
	struct onion_cfx_set *x;
	int i;

	for (i = 0; i < ONION_MAX_CFX; i++) {
		x = &cl->cfx[i];
		if (x->state == CFX_LINKING &&
		    cl->now_ms - x->link_ms > cl->build_timeout_ms)
			onion_circ_close(cl, x->legs[0], ONION_ETIMEOUT);
	}
}

/* Whether c may carry new streams: not a second leg, and linked if a set. */
int
onion__cfx_ready(const struct onion_client *cl, const struct onion_circ *c)
{
	if (c->hidden)
		return 0;
	return c->cfx == 0 || cl->cfx[c->cfx - 1].state == CFX_LINKED;
}

/*
 * Whether c's set holds more than half its ring in early cells: its
 * streams are then paused with XOFF, so an exit racing ahead on one leg
 * while the other lags cannot overflow the ring and end the set.
 */
int
onion__cfx_crowded(const struct onion_client *cl, const struct onion_circ *c)
{
	const struct onion_cfx_set *x;

	if (c->cfx == 0)
		return 0;
	x = &cl->cfx[c->cfx - 1];
	return x->seq.queued > x->seq.ring_len / 2;
}
