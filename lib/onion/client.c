/*
 * The client runtime's driver: owns the links, routes their cells to
 * circuits, notices links that die and circuits that take too long,
 * and reports all of it through the owner's callbacks.
 */
#include <stddef.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/client.h"

#define BUILD_TIMEOUT_MS	60000
#define STALL_MS		5000
#define KEEPALIVE_MS		(5 * 60 * 1000)

void
onion_client_init(struct onion_client *cl, const struct onion_consensus *cons,
    uint8_t *avoid, const struct onion_events *ev, int distinct_subnets)
{
	memset(cl, 0, sizeof *cl);
	cl->cons = cons;
	cl->avoid = avoid;
	if (avoid != NULL)
		memset(avoid, 0, cons->nrelays);
	if (ev != NULL)
		cl->ev = *ev;
	cl->rules.distinct_subnets = distinct_subnets;
	cl->guard = -1;
	cl->build_timeout_ms = BUILD_TIMEOUT_MS;
	cl->stall_ms = STALL_MS;
	cl->keepalive_ms = KEEPALIVE_MS;
	cl->padding = 1;
}

/* A uniform 64-bit value; 0 if the generator fails (timers then use the
 * low ends of their ranges, which is safe). */
static uint64_t
rnd64(void)
{
	uint64_t v = 0;

	if (nc_random_bytes(&v, sizeof v) != NC_OK)
		v = 0;
	return v;
}

static void
link_cell(void *ctx, struct onion_link *l, const struct onion_cell *c)
{
	struct onion_client *cl = ctx;
	struct onion_client_link *cli = (struct onion_client_link *)
	    (void *)((char *)l - offsetof(struct onion_client_link, link));

	onion__circ_cell(cl, (int)(cli - cl->links), c);
}

int
onion__link_for(struct onion_client *cl, const struct onion_hop_info *h)
{
	struct onion_client_link *cli;
	int i, free_slot = -1, r;

	for (i = 0; i < ONION_MAX_LINKS; i++) {
		cli = &cl->links[i];
		if (!cli->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (cli->link.state != LINK_DEAD &&
		    memcmp(cli->rsa_id, h->rsa_id, ONION_ID_LEN) == 0)
			return i;
	}
	if (free_slot < 0)
		return ONION_EFULL;
	cli = &cl->links[free_slot];
	if (cl->ev.connect == NULL)
		return ONION_EIO;
	if ((r = cl->ev.connect(cl->ev.ctx, free_slot, h->ipv4, h->orport,
	    &cli->tr)) < 0)
		return r;
	cli->used = 1;
	cli->seen_out = cli->seen_in = 0;
	cli->quiet_since = cli->idle_since = cl->now_ms;
	cli->pad.active_ms = cl->now_ms;
	cli->pad.pad_at = 0;
	cli->usage = CHAN_UNUSED;
	cli->idle_limit_ms = onion_pad_idle_timeout(rnd64()) * 1000u;
	memcpy(cli->rsa_id, h->rsa_id, ONION_ID_LEN);
	r = onion_link_start(&cli->link, &cli->tr, h->rsa_id,
	    h->have_ed ? h->ed_id : NULL, h->ipv4, cl->now, link_cell, cl);
	return r < 0 ? r : free_slot;
}

void
onion__link_used(struct onion_client *cl, int link,
    enum onion_chan_usage usage)
{
	if (link >= 0 && link < ONION_MAX_LINKS &&
	    cl->links[link].usage < usage)
		cl->links[link].usage = usage;
}

/*
 * Ends every circuit on a dead link and frees the slot. A link that died
 * of err before carrying a circuit, or proved another identity, marks
 * its relay to be avoided; one we close ourselves (err ONION_OK) not.
 */
static void
link_dead(struct onion_client *cl, int li, int err)
{
	struct onion_client_link *cli = &cl->links[li];
	int i, was_open = 0;

	for (i = 0; i < ONION_MAX_CIRCS; i++) {
		struct onion_circ *c = &cl->circs[i];

		if (c->state == CIRC_FREE || c->link != li)
			continue;
		if (c->state == CIRC_OPEN || c->nhops > 0)
			was_open = 1;
		onion__circ_fail(cl, i, err);
	}
	/* A guard we could never use is avoided from now on. */
	if (err != ONION_OK && (!was_open || err == ONION_EIDENTITY))
		for (i = 0; (size_t)i < cl->cons->nrelays; i++)
			if (memcmp(cl->cons->relays[i].rsa_id, cli->rsa_id,
			    ONION_ID_LEN) == 0) {
				if (cl->avoid != NULL)
					cl->avoid[i] = 1;
				if (cl->guard == i)
					cl->guard = -1;
			}
	if (cl->ev.disconnect != NULL)
		cl->ev.disconnect(cl->ev.ctx, li);
	memset(&cli->tr, 0, sizeof cli->tr);
	cli->used = 0;
}

/* Whether any circuit uses link li. */
static int
link_has_circs(const struct onion_client *cl, int li)
{
	int i;

	for (i = 0; i < ONION_MAX_CIRCS; i++)
		if (cl->circs[i].state != CIRC_FREE && cl->circs[i].link == li)
			return 1;
	return 0;
}

/* Whether link li goes to the guard (kept for the session). */
static int
is_guard_link(const struct onion_client *cl, int li)
{
	return cl->guard >= 0 && (size_t)cl->guard < cl->cons->nrelays &&
	    memcmp(cl->cons->relays[cl->guard].rsa_id, cl->links[li].rsa_id,
	    ONION_ID_LEN) == 0;
}

void
onion_client_release_link(struct onion_client *cl, int li)
{
	if (li < 0 || li >= ONION_MAX_LINKS || !cl->links[li].used ||
	    link_has_circs(cl, li) || is_guard_link(cl, li))
		return;
	link_dead(cl, li, ONION_OK);
}

/* Relay index of identity id in cons, or -1. */
static int
find_relay(const struct onion_consensus *cons, const uint8_t *id)
{
	size_t i;

	for (i = 0; i < cons->nrelays; i++)
		if (memcmp(cons->relays[i].rsa_id, id, ONION_ID_LEN) == 0)
			return (int)i;
	return -1;
}

int
onion_client_set_guard(struct onion_client *cl, const uint8_t *rsa_id)
{
	struct onion_path_rules rules = cl->rules;
	int i = find_relay(cl->cons, rsa_id);

	rules.avoid = cl->avoid;
	if (!onion_path_guard_ok(cl->cons, i, &rules))
		return ONION_ENOPATH;
	cl->guard = i;
	return i;
}

void
onion_client_set_consensus(struct onion_client *cl,
    const struct onion_consensus *cons)
{
	const struct onion_consensus *old = cl->cons;
	uint8_t guard_id[ONION_ID_LEN];
	int i, have_guard = 0;
	unsigned h;

	if (cl->guard >= 0 && (size_t)cl->guard < old->nrelays) {
		memcpy(guard_id, old->relays[cl->guard].rsa_id, ONION_ID_LEN);
		have_guard = 1;
	}
	/* A new consensus gives every relay another chance. */
	if (cl->avoid != NULL)
		memset(cl->avoid, 0, cons->nrelays);
	cl->cons = cons;
	cl->guard = have_guard ? find_relay(cons, guard_id) : -1;
	for (i = 0; i < ONION_MAX_CIRCS; i++) {
		struct onion_circ *c = &cl->circs[i];
		int gone = 0;

		if (c->state == CIRC_FREE)
			continue;
		c->nold = 0;	/* indices into the old consensus */
		for (h = 0; h < ONION_HOPS; h++) {
			if (c->path[h].relay_index < 0)
				continue;
			c->path[h].relay_index = find_relay(cons,
			    c->path[h].rsa_id);
			if (c->path[h].relay_index < 0 && !c->dir &&
			    h >= c->nhops)
				gone = 1;
		}
		/* Open circuits live on: their keys do not depend on it. */
		if (gone)
			onion__circ_fail(cl, i, ONION_ENOPATH);
	}
}

/*
 * Channel padding (padding-spec §2): once the link has carried no cell
 * either way (padding received aside) for a timeout sampled from the
 * consensus's range, a PADDING cell (padding.c keeps the timer).
 */
static void
channel_padding(struct onion_client *cl, struct onion_client_link *cli,
    uint64_t now_ms)
{
	uint8_t pad[ONION_CELL_LEN];
	int active = 0, wanted;

	if (cli->link.cells_in != cli->seen_in ||
	    cli->link.cells_out != cli->seen_out) {
		cli->seen_in = cli->link.cells_in;
		cli->seen_out = cli->link.cells_out;
		cli->quiet_since = now_ms;
		active = 1;
	}
	wanted = cl->padding && cli->link.outlen == 0 &&
	    onion_pad_wanted(&cl->cons->pad, cli->link.version, cli->usage);
	if (!onion_pad_tick(&cli->pad, &cl->cons->pad, wanted, active, now_ms,
	    rnd64))
		return;
	onion_cell_pack(pad, 0, CELL_PADDING, NULL, 0);
	if (onion_link_send(&cli->link, pad) == ONION_OK)
		cl->stats.padding++;
}

/*
 * A link's timers: channel padding; the older keepalive (a PADDING cell
 * after keepalive_ms without a cell either way, so neither end nor a
 * middlebox takes the link for dead, §7.2); and the close of a link
 * that has had no circuit for its idle limit, unless it is the guard's,
 * which lives as long as the session (long-lived connections, as
 * padding-spec §2 wants).
 */
static void
link_timers(struct onion_client *cl, int li, uint64_t now_ms)
{
	struct onion_client_link *cli = &cl->links[li];
	uint8_t pad[ONION_CELL_LEN];

	if (!onion_link_is_open(&cli->link))
		return;
	channel_padding(cl, cli, now_ms);
	if (cli->link.cells_out == cli->seen_out &&
	    now_ms - cli->quiet_since >= cl->keepalive_ms) {
		onion_cell_pack(pad, 0, CELL_PADDING, NULL, 0);
		(void)onion_link_send(&cli->link, pad);
		cl->stats.keepalives++;
	}
	if (link_has_circs(cl, li) || is_guard_link(cl, li))
		cli->idle_since = now_ms;
	else if (now_ms - cli->idle_since >= cli->idle_limit_ms) {
		cl->stats.idle_closed++;
		link_dead(cl, li, ONION_OK);
	}
}

void
onion_client_pump(struct onion_client *cl, uint64_t now_ms, int64_t now)
{
	struct onion_client_link *cli;
	int i, was_open, r;

	cl->now_ms = now_ms;
	cl->now = now;
	for (i = 0; i < ONION_MAX_LINKS; i++) {
		cli = &cl->links[i];
		if (!cli->used)
			continue;
		was_open = onion_link_is_open(&cli->link);
		cli->link.now = now;
		r = onion_link_pump(&cli->link);
		if (!was_open && onion_link_is_open(&cli->link)) {
			onion__link_opened(cl, i);
			r = onion_link_pump(&cli->link);	/* send CREATE2 */
		}
		if (r != ONION_OK)
			link_dead(cl, i, r);
	}
	for (i = 0; i < ONION_MAX_CIRCS; i++) {
		struct onion_circ *c = &cl->circs[i];

		if ((c->state == CIRC_WAIT_LINK || c->state == CIRC_BUILDING) &&
		    now_ms - c->started_ms > cl->build_timeout_ms)
			onion__circ_fail(cl, i, ONION_ETIMEOUT);
		else
			onion__circ_check_stall(cl, i);
	}
	onion__cfx_check(cl);
	for (i = 0; i < ONION_MAX_LINKS; i++)
		if (cl->links[i].used)
			link_timers(cl, i, now_ms);
	/* Cells queued by callbacks go out now rather than next time. */
	for (i = 0; i < ONION_MAX_LINKS; i++) {
		cli = &cl->links[i];
		if (cli->used && cli->link.outlen > 0 &&
		    onion_link_pump(&cli->link) != ONION_OK)
			link_dead(cl, i, cli->link.err);
	}
}

int
onion_client_wants_write(const struct onion_client *cl, int li)
{
	const struct onion_client_link *cli = &cl->links[li];

	if (!cli->used || cli->link.state == LINK_DEAD)
		return 0;
	return cli->link.outlen > 0 ||
	    (br_ssl_engine_current_state(&cli->link.tls.cc.eng) &
	    BR_SSL_SENDREC) != 0;
}
