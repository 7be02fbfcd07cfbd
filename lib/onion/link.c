/*
 * The link handshake as an event-driven state machine (tor-spec §4):
 * each pump moves bytes through TLS, advances the handshake on whole
 * cells, and once open passes circuit cells to the owner's callback.
 */
#include <string.h>

#include "lib/onion/link.h"

/* Marks the link dead with err (for the owner to clean up). */
static void
onion_link_kill(struct onion_link *l, int err)
{
	if (l->state != LINK_DEAD) {
		l->state = LINK_DEAD;
		l->err = err;
	}
}

int
onion_link_start(struct onion_link *l, const struct onion_transport *tr,
    const uint8_t rsa_id[ONION_ID_LEN], const uint8_t *ed_id,
    uint32_t peer_ipv4, int64_t now, onion_cell_fn *on_cell, void *cb_ctx)
{
	int r;

	l->state = LINK_TLS;
	l->version = 0;
	l->err = 0;
	memcpy(l->want_rsa, rsa_id, ONION_ID_LEN);
	l->check_ed = ed_id != NULL;
	if (ed_id != NULL)
		memcpy(l->want_ed, ed_id, ONION_ED_LEN);
	l->peer_ipv4 = peer_ipv4;
	l->now = now;
	l->on_cell = on_cell;
	l->cb_ctx = cb_ctx;
	l->inlen = l->outlen = 0;
	l->cells_out = l->cells_in = 0;
	if ((r = onion_tls_init(&l->tls, tr)) != ONION_OK)
		onion_link_kill(l, r);
	return r;
}

int
onion_link_is_open(const struct onion_link *l)
{
	return l->state == LINK_OPEN;
}

size_t
onion_link_room(const struct onion_link *l)
{
	return (sizeof l->out - l->outlen) / ONION_CELL_LEN;
}

static int
queue(struct onion_link *l, const uint8_t *p, size_t n)
{
	if (sizeof l->out - l->outlen < n)
		return ONION_EAGAIN;
	memcpy(l->out + l->outlen, p, n);
	l->outlen += n;
	l->cells_out++;
	return ONION_OK;
}

int
onion_link_send(struct onion_link *l, const uint8_t cell[ONION_CELL_LEN])
{
	if (l->state != LINK_OPEN)
		return l->state == LINK_DEAD ? l->err : ONION_EAGAIN;
	return queue(l, cell, ONION_CELL_LEN);
}

/* One cell during or after the handshake. */
static int
handle(struct onion_link *l, const struct onion_cell *c)
{
	uint8_t cell[ONION_CELL_LEN];
	uint32_t ts, me;
	int r;

	if (c->cmd == CELL_PADDING || c->cmd == CELL_VPADDING)
		return ONION_OK;
	switch (l->state) {
	case LINK_VERSIONS:
		if (c->cmd != CELL_VERSIONS)
			return ONION_EPROTO;
		if ((r = onion_versions_pick(c)) < 0)
			return r;
		l->version = r;
		l->state = LINK_CERTS;
		return ONION_OK;
	case LINK_CERTS:
		if (c->cmd != CELL_CERTS)
			return ONION_EPROTO;
		r = onion_certs_check(c->body, c->len,
		    onion_tls_peer_cert_hash(&l->tls), l->now, &l->ids);
		if (r != ONION_OK)
			return r;
		if (memcmp(l->ids.rsa_id, l->want_rsa, ONION_ID_LEN) != 0 ||
		    (l->check_ed &&
		    memcmp(l->ids.ed_id, l->want_ed, ONION_ED_LEN) != 0))
			return ONION_EIDENTITY;
		l->state = LINK_NETINFO;
		return ONION_OK;
	case LINK_NETINFO:
		if (c->cmd == CELL_AUTH_CHALLENGE)
			return ONION_OK;	/* we do not authenticate */
		if (c->cmd != CELL_NETINFO)
			return ONION_EPROTO;
		if ((r = onion_netinfo_parse(c, &ts, &me)) != ONION_OK)
			return r;
		onion_netinfo_pack(cell, l->peer_ipv4);
		if ((r = queue(l, cell, ONION_CELL_LEN)) != ONION_OK)
			return r;
		l->state = LINK_OPEN;
		return ONION_OK;
	case LINK_OPEN:
		l->cells_in++;
		switch (c->cmd) {
		case CELL_VERSIONS:
		case CELL_CERTS:
		case CELL_AUTH_CHALLENGE:
		case CELL_NETINFO:
			return ONION_EPROTO;
		default:
			if (l->on_cell != NULL)
				l->on_cell(l->cb_ctx, l, c);
			return ONION_OK;
		}
	default:
		return ONION_EPROTO;
	}
}

/* Parses and handles every whole cell in the input buffer. */
static int
drain_input(struct onion_link *l)
{
	struct onion_cell c;
	size_t off = 0, used;
	int r;

	while (l->state != LINK_DEAD) {
		r = onion_cell_parse(l->in + off, l->inlen - off,
		    l->state == LINK_VERSIONS ? 2 : 4, &c, &used);
		if (r == ONION_EAGAIN) {
			if (used > sizeof l->in)
				return ONION_EPROTO;	/* cell too large */
			break;
		}
		if (r != ONION_OK)
			return r;
		if ((r = handle(l, &c)) != ONION_OK)
			return r;
		off += used;
	}
	memmove(l->in, l->in + off, l->inlen - off);
	l->inlen -= off;
	return ONION_OK;
}

int
onion_link_pump(struct onion_link *l)
{
	int r, n, progress;

	if (l->state == LINK_DEAD)
		return l->err;
	/*
	 * Until nothing moves: a record received by the last TLS pump must
	 * be read now, or it would wait in BearSSL while we wait on a socket
	 * that has nothing more to say.
	 */
	do {
		progress = 0;
		if ((r = onion_tls_pump(&l->tls)) < 0)
			goto dead;
		progress = r > 0;
		if (l->state == LINK_TLS && onion_tls_ready(&l->tls)) {
			uint8_t v[16];

			n = onion_versions_pack(v, sizeof v);
			if ((r = queue(l, v, (size_t)n)) != ONION_OK)
				goto dead;
			l->state = LINK_VERSIONS;
		}
		if (l->outlen > 0 && l->state != LINK_TLS) {
			n = onion_tls_write(&l->tls, l->out, l->outlen);
			if (n > 0) {
				memmove(l->out, l->out + n, l->outlen - (size_t)n);
				l->outlen -= (size_t)n;
				onion_tls_flush(&l->tls);
				progress = 1;
			}
		}
		if (l->state != LINK_TLS && l->inlen < sizeof l->in) {
			n = onion_tls_read(&l->tls, l->in + l->inlen,
			    sizeof l->in - l->inlen);
			if (n > 0) {
				l->inlen += (size_t)n;
				progress = 1;
				if ((r = drain_input(l)) != ONION_OK)
					goto dead;
			}
		}
		if (l->state == LINK_DEAD)
			return l->err;
	} while (progress);
	return ONION_OK;
dead:
	onion_link_kill(l, r);
	return l->err;
}
