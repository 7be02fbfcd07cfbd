/*
 * Streams (tor-spec §6): BEGIN with a hostname so the exit resolves it,
 * CONNECTED, DATA both ways within the stream (500/50) and circuit
 * (1000/100) windows, END, and RESOLVE/RESOLVED for DNS at the exit.
 */
#include <string.h>

#include "lib/onion/client.h"

#define END_REASON_MISC		1
#define SENDME_BACKLOG_MAX	(10 * ONION_RELAY_DATA_MAX)

static struct onion_stream *
get(struct onion_client *cl, int s)
{
	if (s < 0 || s >= ONION_MAX_STREAMS ||
	    cl->streams[s].state == STREAM_FREE)
		return NULL;
	return &cl->streams[s];
}

/* Whose callbacks hear of stream st: the directory fetcher's or the owner's. */
static const struct onion_events *
evs(const struct onion_client *cl, const struct onion_stream *st)
{
	return st->dir ? &cl->dir_ev : &cl->ev;
}

static void
release(struct onion_client *cl, struct onion_stream *st)
{
	struct onion_circ *c = &cl->circs[st->circ];

	if (c->nstreams > 0)
		c->nstreams--;
	memset(st, 0, sizeof *st);
}

/* A free slot and a stream id unused on the circuit. */
static int
new_stream(struct onion_client *cl, int circ, void *user)
{
	struct onion_circ *c = &cl->circs[circ];
	int i, s = -1, tries;
	uint16_t id = 0;

	if (c->state != CIRC_OPEN || !onion__cfx_ready(cl, c))
		return ONION_EINVAL;
	for (i = 0; i < ONION_MAX_STREAMS && s < 0; i++)
		if (cl->streams[i].state == STREAM_FREE)
			s = i;
	if (s < 0)
		return ONION_EFULL;
	for (tries = 0; tries < 65536 && id == 0; tries++) {
		id = c->next_stream++;
		if (id == 0 || id == c->probe_stream) {
			id = 0;
			continue;
		}
		for (i = 0; i < ONION_MAX_STREAMS; i++)
			if (cl->streams[i].state != STREAM_FREE &&
			    cl->streams[i].circ == circ && cl->streams[i].id == id)
				break;
		if (i < ONION_MAX_STREAMS)
			id = 0;
	}
	if (id == 0)
		return ONION_EFULL;
	memset(&cl->streams[s], 0, sizeof cl->streams[s]);
	cl->streams[s].id = id;
	cl->streams[s].circ = circ;
	cl->streams[s].package_window = ONION_STREAMWINDOW;
	cl->streams[s].deliver_window = ONION_STREAMWINDOW;
	cl->streams[s].user = user;
	c->nstreams++;
	return s;
}

/* Hostnames go to the exit as they are; refuse what would corrupt the
 * request: NUL, ':', spaces, control bytes, or an empty name. */
static int
host_ok(const char *host, size_t *len)
{
	size_t n = 0;

	while (host[n] != '\0') {
		unsigned char ch = (unsigned char)host[n];

		if (ch <= ' ' || ch == 0x7f || (ch == ':' && host[0] != '['))
			return 0;
		if (++n > 255)
			return 0;
	}
	*len = n;
	return n > 0;
}

int
onion_stream_begin(struct onion_client *cl, int circ, const char *host,
    uint16_t port, void *user)
{
	uint8_t body[255 + 1 + 6 + 4];
	size_t hl, n;
	int s, r;

	/* Never a stream to the Internet from a one-hop circuit. */
	if (circ < 0 || circ >= ONION_MAX_CIRCS || !host_ok(host, &hl) ||
	    port == 0 || cl->circs[circ].dir)
		return ONION_EINVAL;
	if ((s = new_stream(cl, circ, user)) < 0)
		return s;
	memcpy(body, host, hl);
	n = hl;
	body[n++] = ':';
	{
		char digits[6];
		int k = 0;
		uint16_t p = port;

		do
			digits[k++] = (char)('0' + p % 10);
		while ((p /= 10) != 0);
		while (k > 0)
			body[n++] = (uint8_t)digits[--k];
	}
	body[n++] = '\0';
	onion_put32(body + n, 0);		/* flags: IPv4 only */
	n += 4;
	r = onion__send_relay(cl, &cl->circs[circ], cl->circs[circ].nhops - 1,
	    RELAY_BEGIN, cl->streams[s].id, body, n, NULL);
	if (r != ONION_OK) {
		release(cl, &cl->streams[s]);
		return r;
	}
	cl->streams[s].state = STREAM_CONNECTING;
	onion__link_used(cl, cl->circs[circ].link, CHAN_USER_TRAFFIC);
	return s;
}

int
onion_stream_begin_dir(struct onion_client *cl, int circ, void *user)
{
	int s, r;

	if (circ < 0 || circ >= ONION_MAX_CIRCS || !cl->circs[circ].dir)
		return ONION_EINVAL;
	if ((s = new_stream(cl, circ, user)) < 0)
		return s;
	cl->streams[s].dir = 1;
	r = onion__send_relay(cl, &cl->circs[circ], cl->circs[circ].nhops - 1,
	    RELAY_BEGIN_DIR, cl->streams[s].id, NULL, 0, NULL);
	if (r != ONION_OK) {
		release(cl, &cl->streams[s]);
		return r;
	}
	cl->streams[s].state = STREAM_CONNECTING;
	return s;
}

int
onion_stream_resolve(struct onion_client *cl, int circ, const char *host,
    void *user)
{
	uint8_t body[256];
	size_t hl;
	int s, r;

	if (circ < 0 || circ >= ONION_MAX_CIRCS || !host_ok(host, &hl) ||
	    cl->circs[circ].dir)
		return ONION_EINVAL;
	if ((s = new_stream(cl, circ, user)) < 0)
		return s;
	memcpy(body, host, hl);
	body[hl] = '\0';
	r = onion__send_relay(cl, &cl->circs[circ], cl->circs[circ].nhops - 1,
	    RELAY_RESOLVE, cl->streams[s].id, body, hl + 1, NULL);
	if (r != ONION_OK) {
		release(cl, &cl->streams[s]);
		return r;
	}
	cl->streams[s].state = STREAM_RESOLVING;
	onion__link_used(cl, cl->circs[circ].link, CHAN_USER_TRAFFIC);
	return s;
}

int
onion_stream_write(struct onion_client *cl, int s, const uint8_t *d, size_t n)
{
	struct onion_stream *st = get(cl, s);
	struct onion_circ *c;
	uint8_t digest[20];
	size_t done = 0, k;
	int r;

	if (st == NULL)
		return ONION_EINVAL;
	if (st->state != STREAM_OPEN)
		return st->state == STREAM_CONNECTING ? 0 : ONION_ESTREAM;
	c = &cl->circs[st->circ];
	while (done < n && st->package_window > 0 && !st->xoff_recv &&
	    c->package_window > 0 &&
	    onion_link_room(&cl->links[c->link].link) > 2) {
		k = n - done < ONION_RELAY_DATA_MAX ? n - done :
		    ONION_RELAY_DATA_MAX;
		r = onion__send_relay(cl, c, c->nhops - 1, RELAY_DATA, st->id,
		    d + done, k, digest);
		if (r == ONION_EAGAIN)
			break;
		if (r != ONION_OK)
			return r;
		done += k;
		st->package_window -= !c->cc;	/* no stream windows with CC */
		/* The exit will echo this cell's digest in its SENDME. */
		if (--c->package_window % c->sendme_inc == 0 &&
		    c->sendme_count < ONION_SENDME_FIFO) {
			memcpy(c->sendme_fifo[(c->sendme_head + c->sendme_count) %
			    ONION_SENDME_FIFO], digest, 20);
			c->sendme_count++;
		}
	}
	return (int)done;
}

/*
 * Under congestion control streams have no windows: the exit is told to
 * pause (XOFF) when the app holds more than cc_xoff_client cells, and to
 * go on (XON, rate 0 = unlimited) once it has drained (prop 324 §4.1).
 * On a conflux set, also while cells that came early crowd its ring.
 */
static void
maybe_xon_xoff(struct onion_client *cl, struct onion_stream *st)
{
	struct onion_circ *c = &cl->circs[st->circ];
	size_t limit = (size_t)cl->cons->cc.xoff_client * ONION_RELAY_DATA_MAX;
	static const uint8_t xoff[1] = { 0 }, xon[5] = { 0 };
	int crowded = onion__cfx_crowded(cl, c);

	if (st->state != STREAM_OPEN)
		return;
	if (!st->xoff_sent && (st->backlog > limit || crowded)) {
		if (onion__send_relay(cl, c, c->nhops - 1, RELAY_XOFF, st->id,
		    xoff, sizeof xoff, NULL) == ONION_OK) {
			st->xoff_sent = 1;
			cl->stats.xoff_sent++;
		}
	} else if (st->xoff_sent && st->backlog < SENDME_BACKLOG_MAX &&
	    !crowded) {
		if (onion__send_relay(cl, c, c->nhops - 1, RELAY_XON, st->id,
		    xon, sizeof xon, NULL) == ONION_OK) {
			st->xoff_sent = 0;
			cl->stats.xon_sent++;
		}
	}
}

/* Stream-level SENDMEs once the app has drained what it was given. */
static void
maybe_sendme(struct onion_client *cl, struct onion_stream *st)
{
	struct onion_circ *c = &cl->circs[st->circ];

	if (c->cc) {
		maybe_xon_xoff(cl, st);
		return;
	}

	while (st->state == STREAM_OPEN &&
	    st->deliver_window <= ONION_STREAMWINDOW - ONION_STREAM_INC &&
	    st->backlog < SENDME_BACKLOG_MAX) {
		if (onion__send_relay(cl, c, c->nhops - 1, RELAY_SENDME, st->id,
		    NULL, 0, NULL) != ONION_OK)
			return;		/* retried on the next backlog report */
		st->deliver_window += ONION_STREAM_INC;
		cl->stats.stream_sendmes++;
	}
}

/* Flow control for every open stream on circ, after a change not
 * reported through any one of them. */
void
onion__streams_flow(struct onion_client *cl, int circ)
{
	int i;

	for (i = 0; i < ONION_MAX_STREAMS; i++)
		if (cl->streams[i].state == STREAM_OPEN &&
		    cl->streams[i].circ == circ)
			maybe_sendme(cl, &cl->streams[i]);
}

void
onion_stream_backlog(struct onion_client *cl, int s, size_t bytes)
{
	struct onion_stream *st = get(cl, s);

	if (st == NULL)
		return;
	st->backlog = bytes;
	maybe_sendme(cl, st);
}

void
onion_stream_close(struct onion_client *cl, int s)
{
	struct onion_stream *st = get(cl, s);
	struct onion_circ *c;
	uint8_t reason = END_REASON_MISC;

	if (st == NULL)
		return;
	c = &cl->circs[st->circ];
	if ((st->state == STREAM_OPEN || st->state == STREAM_CONNECTING) &&
	    c->state == CIRC_OPEN)
		(void)onion__send_relay(cl, c, c->nhops - 1, RELAY_END, st->id,
		    &reason, 1, NULL);
	release(cl, st);
}

void *
onion_stream_user(struct onion_client *cl, int s)
{
	struct onion_stream *st = get(cl, s);

	return st != NULL ? st->user : NULL;
}

static void
end(struct onion_client *cl, int s, int err, int reason)
{
	struct onion_stream *st = &cl->streams[s];
	const struct onion_events *ev = evs(cl, st);

	st->state = STREAM_CLOSED;
	if (ev->stream_end != NULL)
		ev->stream_end(ev->ctx, s, err, reason);
	release(cl, st);
}

void
onion__streams_end(struct onion_client *cl, int circ, int err)
{
	int i;

	for (i = 0; i < ONION_MAX_STREAMS; i++)
		if (cl->streams[i].state != STREAM_FREE &&
		    cl->streams[i].state != STREAM_CLOSED &&
		    cl->streams[i].circ == circ)
			end(cl, i, err, 0);
}

/* CONNECTED: empty, IPv4 + TTL, or zeros, 6, IPv6, TTL (§6.2). */
static int
connected_ok(const struct onion_relay_msg *m)
{
	if (m->len == 0 || m->len == 8)
		return 1;
	return m->len == 25 && onion_be32(m->data) == 0 && m->data[4] == 6;
}

/* RESOLVED: answers of type, length, value, TTL (§6.4). */
static void
resolved(struct onion_client *cl, int s, const struct onion_relay_msg *m)
{
	size_t off = 0, vlen;
	int any = 0;
	uint8_t type;

	while (m->len - off >= 2) {
		type = m->data[off];
		vlen = m->data[off + 1];
		if (m->len - off - 2 < vlen + 4)
			break;
		if ((type == 4 && vlen != 4) || (type == 6 && vlen != 16))
			break;
		if (cl->ev.stream_resolved != NULL)
			cl->ev.stream_resolved(cl->ev.ctx, s, type,
			    m->data + off + 2, vlen);
		any = 1;
		off += 2 + vlen + 4;
	}
	if (!any && cl->ev.stream_resolved != NULL)
		cl->ev.stream_resolved(cl->ev.ctx, s, 0xf1, NULL, 0);
	release(cl, &cl->streams[s]);
}

void
onion__stream_cell(struct onion_client *cl, struct onion_circ *c,
    const struct onion_relay_msg *m)
{
	struct onion_stream *st = NULL;
	int circ = (int)(c - cl->circs), s;

	for (s = 0; s < ONION_MAX_STREAMS; s++)
		if (cl->streams[s].state != STREAM_FREE &&
		    cl->streams[s].circ == circ && cl->streams[s].id == m->stream) {
			st = &cl->streams[s];
			break;
		}
	if (st == NULL)
		return;		/* a stream we closed; cells may still come */
	switch (m->cmd) {
	case RELAY_CONNECTED:
		if (st->state != STREAM_CONNECTING || !connected_ok(m)) {
			uint8_t reason = END_REASON_MISC;

			(void)onion__send_relay(cl, c, c->nhops - 1, RELAY_END,
			    st->id, &reason, 1, NULL);
			end(cl, s, ONION_EPROTO, 0);
			return;
		}
		st->state = STREAM_OPEN;
		if (evs(cl, st)->stream_connected != NULL)
			evs(cl, st)->stream_connected(evs(cl, st)->ctx, s);
		break;
	case RELAY_DATA:
		if (st->state != STREAM_OPEN ||
		    (!c->cc && --st->deliver_window < 0)) {
			onion_circ_close(cl, circ, ONION_EPROTO);
			return;
		}
		if (evs(cl, st)->stream_data != NULL && m->len > 0)
			evs(cl, st)->stream_data(evs(cl, st)->ctx, s, m->data,
			    m->len);
		if (cl->streams[s].state == STREAM_OPEN)
			maybe_sendme(cl, st);
		break;
	case RELAY_END:
		end(cl, s, ONION_ESTREAM, m->len > 0 ? m->data[0] : 1);
		break;
	case RELAY_RESOLVED:
		if (st->state != STREAM_RESOLVING) {
			onion_circ_close(cl, circ, ONION_EPROTO);
			return;
		}
		resolved(cl, s, m);
		break;
	case RELAY_SENDME:
		if (c->cc)
			break;		/* no stream windows under CC */
		st->package_window += ONION_STREAM_INC;
		if (st->package_window > ONION_STREAMWINDOW)
			onion_circ_close(cl, circ, ONION_EPROTO);
		break;
	case RELAY_XOFF:
	case RELAY_XON:
		/* Version 0 only; XON carries a 4-byte rate we ignore. */
		if (!c->cc || m->len < (m->cmd == RELAY_XON ? 5 : 1) ||
		    m->data[0] != 0) {
			onion_circ_close(cl, circ, ONION_EPROTO);
			return;
		}
		st->xoff_recv = m->cmd == RELAY_XOFF;
		cl->stats.xoff_recv += st->xoff_recv;
		break;
	default:
		break;		/* unknown commands are dropped (§6.1) */
	}
}
