/*
 * The client runtime's driver: owns the links, routes their cells to
 * circuits, notices links that die and circuits that take too long,
 * and reports all of it through the owner's callbacks.
 */
#include <stddef.h>
#include <string.h>

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
	cli->seen_out = 0;
	cli->quiet_since = cl->now_ms;
	memcpy(cli->rsa_id, h->rsa_id, ONION_ID_LEN);
	r = onion_link_start(&cli->link, &cli->tr, h->rsa_id,
	    h->have_ed ? h->ed_id : NULL, h->ipv4, cl->now, link_cell, cl);
	return r < 0 ? r : free_slot;
}

/* Ends every circuit on a dead link and frees the slot. */
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
	if (!was_open || err == ONION_EIDENTITY)
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
	/* A link we have sent nothing on for a while gets a PADDING cell,
	 * so that neither end nor a middlebox takes it for dead (§7.2). */
	for (i = 0; i < ONION_MAX_LINKS; i++) {
		uint8_t pad[ONION_CELL_LEN];

		cli = &cl->links[i];
		if (!cli->used || !onion_link_is_open(&cli->link))
			continue;
		if (cli->link.cells_out != cli->seen_out) {
			cli->seen_out = cli->link.cells_out;
			cli->quiet_since = now_ms;
		} else if (now_ms - cli->quiet_since >= cl->keepalive_ms) {
			onion_cell_pack(pad, 0, CELL_PADDING, NULL, 0);
			(void)onion_link_send(&cli->link, pad);
			cl->stats.keepalives++;
		}
	}
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
