/*
 * oniond's programs (user/lib/net.h): their streams and what lib/onion
 * tells us about them. The badge names the program (init: holder index
 * + 1); a stream is looked up by (program, handle), so no program can
 * touch another's. Circuits are isolated by (program, tag), as tor's
 * IsolateSOCKSAuth does for SOCKS users. Received bytes wait in the
 * stream's own buffer, and lib/onion is told how many beyond SOCKBUF (its
 * backlog), so it stops asking the exit for more while a program is slow.
 */
#include "user/lib/initctl.h"
#include "user/lib/net.h"
#include "user/oniond/oniond.h"

#define STREAMS		32
/*
 * The first SOCKBUF bytes waiting for a program count as delivered, as
 * bytes in a socket's receive buffer do for a stock tor client, whose
 * stream SENDMEs wait only on its own outbuf (connection_outbuf_too_full):
 * lib/onion withholds SENDMEs while the rest, the backlog, is over 10
 * cells. Without it the exit waited for the program (its hash and its
 * file write) before each new 50 cells. rbuf holds SOCKBUF, the backlog
 * limit and a stream window: 256 KiB + 10 * 498 + 500 * 498 bytes.
 */
#define SOCKBUF		(256 * 1024)
#define RBUF		(SOCKBUF + 256 * 1024)
#define MAX_TRIES	3		/* circuits tried for one stream */

enum st_state { S_FREE, S_WAITCIRC, S_CONNECTING, S_OPEN, S_DONE };

struct stream {
	enum st_state	state;
	uint32_t	owner;		/* badge */
	int		resolve;	/* RELAY_RESOLVE, not BEGIN */
	uint64_t	iso;		/* isolation class: owner, tag */
	int		circ;		/* waited for, or carrying it */
	int		os;		/* lib/onion's stream, -1 */
	int		tries;
	uint16_t	port;
	char		host[NETS_NAME_MAX + 1];
	uint8_t		*rbuf;
	size_t		rhead;		/* the first byte not yet read */
	size_t		rlen;		/* bytes from rbuf + rhead */
	int		err;		/* after the buffered bytes: 0 end, < 0 error */
};

struct client {
	uint8_t	*buf;		/* the shared frame, NULL until NETS_SETBUF */
	int	note;		/* a notification was given */
	int	waiting;	/* told NET_EAGAIN: signal it when things move */
};

static struct client clients[CLIENTS];
static struct stream streams[STREAMS];
static uint64_t bytes_read, bytes_written, opened, failed, circs_built;
volatile int serving_started, serving_busy;

static void
wake(uint32_t owner)
{
	if (owner < CLIENTS)
		clients[owner].waiting = 1;
}

void
serve_wake(void)
{
	for (uint32_t b = 1; b < CLIENTS; b++)
		if (clients[b].waiting && clients[b].note) {
			clients[b].waiting = 0;
			notify_signal(SLOT_NOTE0 + b);
		}
}

static void
finish(struct stream *st, int err)
{
	if (st->state == S_DONE)
		return;
	if (err < 0 && st->state != S_OPEN)
		failed++;
	st->state = S_DONE;
	st->err = err;
	st->os = -1;
	wake(st->owner);
}

static void
release(struct stream *st)
{
	if (st->os >= 0)
		onion_stream_close(&client, st->os);
	free(st->rbuf);
	memset(st, 0, sizeof(*st));
	st->os = -1;
}

/* Sends BEGIN or RESOLVE on open circuit ci. */
static void
attach(struct stream *st, int ci)
{
	int s;

	st->circ = ci;
	if (st->resolve)
		s = onion_stream_resolve(&client, ci, st->host, st);
	else
		s = onion_stream_begin(&client, ci, st->host, st->port, st);
	if (s < 0) {
		finish(st, NET_ENOMEM);
		return;
	}
	st->os = s;
	st->state = S_CONNECTING;
	printf("oniond: stream for program %u tag %u on circuit %d\n", st->owner,
	    (unsigned)(st->iso & 0xffffffffu), ci);
}

/* Finds or builds a circuit of st's class whose exit allows its port. */
static void
start(struct stream *st)
{
	uint16_t port = st->resolve ? 0 : st->port;
	int ci;

	if ((ci = onion_circ_find(&client, port, st->iso, 0)) >= 0) {
		attach(st, ci);
		return;
	}
	st->state = S_WAITCIRC;
	if ((ci = onion_circ_find(&client, port, st->iso, 1)) >= 0) {
		st->circ = ci;
		return;
	}
	while (st->tries++ < MAX_TRIES) {
		if ((ci = onion_circ_build(&client, port, st->iso)) >= 0) {
			st->circ = ci;
			return;
		}
		printf("oniond: circuit build failed: %s\n", onion_strerror(ci));
		if (ci == ONION_ENOPATH || ci == ONION_EFULL)
			break;
	}
	finish(st, NET_EHOSTUNREACH);
}

static void
ev_circ_built(void *ctx, int ci)
{
	const struct onion_circ *c = &client.circs[ci];

	(void)ctx;
	circs_built++;
	printf("oniond: circuit %d built in %llu ms: %s %s %s\n", ci,
	    (unsigned long long)(c->built_ms - c->started_ms), c->path[0].nick,
	    c->path[1].nick, c->path[2].nick);
	for (int i = 0; i < STREAMS; i++) {
		struct stream *st = &streams[i];

		if (st->state == S_WAITCIRC && (st->circ == ci ||
		    (st->iso == c->isolation && (st->resolve ||
		    onion_relay_allows_port(&client.cons->relays[
		    c->path[ONION_HOPS - 1].relay_index], st->port)))))
			attach(st, ci);
	}
}

static void
ev_circ_closed(void *ctx, int ci, int err)
{
	(void)ctx;
	printf("oniond: circuit %d closed: %s\n", ci, onion_strerror(err));
	for (int i = 0; i < STREAMS; i++)
		if (streams[i].state == S_WAITCIRC && streams[i].circ == ci)
			start(&streams[i]);
}

static void
ev_stream_connected(void *ctx, int s)
{
	struct stream *st = onion_stream_user(&client, s);

	(void)ctx;
	if (st == NULL)
		return;
	st->state = S_OPEN;
	opened++;
	wake(st->owner);
}

/* What lib/onion is told the program has yet to take (see SOCKBUF). */
static size_t
backlog(const struct stream *st)
{
	return st->rlen > SOCKBUF ? st->rlen - SOCKBUF : 0;
}

static void
ev_stream_data(void *ctx, int s, const uint8_t *d, size_t n)
{
	struct stream *st = onion_stream_user(&client, s);

	(void)ctx;
	if (st == NULL || st->state != S_OPEN)
		return;
	if (n > RBUF - st->rlen) {	/* the exit broke the window */
		onion_stream_close(&client, s);
		finish(st, NET_ECONNRESET);
		return;
	}
	if (n > RBUF - st->rhead - st->rlen) {	/* to the front: reads leave it */
		memmove(st->rbuf, st->rbuf + st->rhead, st->rlen);
		st->rhead = 0;
	}
	memcpy(st->rbuf + st->rhead + st->rlen, d, n);
	st->rlen += n;
	onion_stream_backlog(&client, s, backlog(st));
	wake(st->owner);
}

static void
ev_stream_end(void *ctx, int s, int err, int reason)
{
	struct stream *st = onion_stream_user(&client, s);

	(void)ctx;
	if (st == NULL)
		return;
	st->os = -1;
	if (st->state == S_CONNECTING)
		finish(st, NET_EHOSTUNREACH);
	else if (err == ONION_ESTREAM && reason == 6)	/* END_REASON_DONE */
		finish(st, 0);
	else
		finish(st, NET_ECONNRESET);
}

static void
ev_stream_resolved(void *ctx, int s, int type, const uint8_t *addr, size_t len)
{
	struct stream *st = onion_stream_user(&client, s);

	(void)ctx;
	if (st == NULL || st->state == S_DONE)
		return;
	st->os = -1;		/* lib/onion frees a resolve once answered */
	if (type == 4 && len == 4) {
		memcpy(st->rbuf, addr, 4);
		st->rlen = 4;
		finish(st, 0);
	} else {
		finish(st, NET_EHOSTUNREACH);
	}
}

const struct onion_events events = {
	NULL, link_connect, link_disconnect, ev_circ_built, ev_circ_closed,
	ev_stream_connected, ev_stream_data, ev_stream_end, ev_stream_resolved,
};

static int64_t
do_setbuf(uint64_t b, const struct msg *m)
{
	struct client *c = &clients[b];
	int mapped = c->buf != NULL;

	if (!cap_offered(m, SLOT_RECV, CAP_FRAME, RIGHT_READ | RIGHT_WRITE, NETS_BUF))
		return NET_EBADOP;
	for (int i = 0; i < STREAMS; i++)	/* a new session */
		if (streams[i].state != S_FREE && streams[i].owner == b)
			release(&streams[i]);
	c->buf = NULL;
	if (frame_take(SLOT_RECV, SLOT_BUF0 + b, BUF_VA + b * NETS_BUF, &mapped) != 0)
		return NET_ENOMEM;
	c->buf = (uint8_t *)(uintptr_t)(BUF_VA + b * NETS_BUF);
	return 0;
}

static int64_t
do_setnote(uint64_t b, const struct msg *m)
{
	if (!cap_offered(m, SLOT_RECV, CAP_NOTIFICATION, RIGHT_WRITE, 0))
		return NET_EBADOP;
	clients[b].note = 0;	/* no signal to it meanwhile */
	if (cap_replace(SLOT_RECV, SLOT_NOTE0 + b) != 0)
		return NET_ENOMEM;
	clients[b].note = 1;
	return 0;
}

/* A host name as RELAY_BEGIN carries it: printable, no ':' or space. */
static int
name_ok(const uint8_t *p, uint64_t n)
{
	if (n == 0 || n > NETS_NAME_MAX)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] >= 0x7f || p[i] == ':')
			return 0;
	return 1;
}

/* NETS_OPEN and NETS_RESOLVE: a new stream of program b. */
static int64_t
do_open(uint64_t b, int resolve, uint64_t tag, uint64_t port, uint64_t n)
{
	struct stream *st = NULL;
	int i;

	if (tag > 0xffffffffu || (!resolve && (port == 0 || port > 0xffff)) ||
	    !name_ok(clients[b].buf, n))
		return NET_EINVAL;
	if (dir.percent < 100)
		return NET_ENOTREADY;
	if (guard_settling())
		return NET_EAGAIN;	/* the owner's tor/ first: guard.c */
	for (i = 0; i < STREAMS && st == NULL; i++)
		if (streams[i].state == S_FREE)
			st = &streams[i];
	if (st == NULL || (st->rbuf = malloc(RBUF)) == NULL)
		return NET_ENOMEM;
	st->owner = (uint32_t)b;
	st->resolve = resolve;
	st->iso = b << 32 | tag;
	st->port = (uint16_t)port;
	st->os = -1;
	st->circ = -1;
	memcpy(st->host, clients[b].buf, (size_t)n);
	st->host[n] = '\0';
	start(st);
	if (st->state == S_DONE && st->err < 0) {
		int64_t err = st->err;

		release(st);
		return err;
	}
	return st - streams;
}

static struct stream *
lookup(uint64_t b, uint64_t h)
{
	if (h >= STREAMS || streams[h].state == S_FREE || streams[h].owner != b)
		return NULL;
	return &streams[h];
}

static int64_t
do_read(uint64_t b, struct stream *st, uint64_t n)
{
	if (n > NETS_BUF)
		return NET_EINVAL;
	if (st->rlen == 0) {
		if (st->state == S_DONE)
			return st->err;
		return NET_EAGAIN;
	}
	if (n > st->rlen)
		n = st->rlen;
	memcpy(clients[b].buf, st->rbuf + st->rhead, (size_t)n);
	st->rhead = st->rlen == n ? 0 : st->rhead + (size_t)n;
	st->rlen -= (size_t)n;
	bytes_read += n;
	if (st->os >= 0)
		onion_stream_backlog(&client, st->os, backlog(st));
	return (int64_t)n;
}

static int64_t
do_write(uint64_t b, struct stream *st, uint64_t n)
{
	int v;

	if (n > NETS_BUF)
		return NET_EINVAL;
	if (st->state == S_WAITCIRC || st->state == S_CONNECTING)
		return NET_EAGAIN;
	if (st->state == S_DONE)
		return st->err < 0 ? st->err : NET_EPIPE;
	if (n == 0)
		return 0;
	v = onion_stream_write(&client, st->os, clients[b].buf, (size_t)n);
	if (v == 0)
		return NET_EAGAIN;
	if (v < 0)
		return NET_ECONNRESET;
	bytes_written += (uint64_t)v;
	return v;
}

static void
status(uint64_t item, uint64_t w[3])
{
	int i;

	switch (item) {
	case NETS_ST_BOOT:
		w[0] = (uint64_t)dir.percent;
		w[1] = dir.percent == 100 ? client.cons->nrelays : 0;
		w[2] = dir.with_md;
		break;
	case NETS_ST_CIRCS:
		for (i = 0; i < ONION_MAX_CIRCS; i++) {
			w[0] += client.circs[i].state == CIRC_OPEN;
			w[1] += client.circs[i].state == CIRC_BUILDING ||
			    client.circs[i].state == CIRC_WAIT_LINK;
		}
		w[2] = circs_built;
		break;
	case NETS_ST_STREAMS:
		for (i = 0; i < STREAMS; i++)
			w[0] += streams[i].state == S_OPEN;
		w[1] = opened;
		w[2] = failed;
		break;
	case NETS_ST_BYTES:
		w[0] = bytes_read;
		w[1] = bytes_written;
		w[2] = links_open;
		break;
	case NETS_ST_GUARD:
		if (dir.percent == 100 && client.guard >= 0)
			memcpy(w, client.cons->relays[client.guard].nick,
			    ONION_NICK_MAX);
		break;
	}
}

/* NETS_STATUS's answer in r's words 1..3: 0, or NET_EINVAL. */
static int64_t
status_reply(uint64_t item, struct msg *r)
{
	uint64_t w[3] = { 0, 0, 0 };

	if (item >= NETS_ST_ITEMS)
		return NET_EINVAL;
	onion_take();
	status(item, w);
	onion_give();
	r->w[1] = w[0];
	r->w[2] = w[1];
	r->w[3] = w[2];
	return 0;
}

/* A stream operation, under the lock. */
static int64_t
stream_op(uint64_t b, uint64_t op, const struct msg *m)
{
	struct stream *st;
	int64_t v;

	if (op == NETS_OPEN || op == NETS_RESOLVE)
		v = do_open(b, op == NETS_RESOLVE, m->w[0], m->w[1], m->w[2]);
	else if ((st = lookup(b, m->w[0])) == NULL)
		v = NET_EBADF;
	else if (op == NETS_READ)
		v = do_read(b, st, m->w[1]);
	else if (op == NETS_WRITE)
		v = do_write(b, st, m->w[1]);
	else {
		release(st);
		v = 0;
	}
	if (v == NET_EAGAIN)
		clients[b].waiting = 1;
	return v;
}

static void
serve(const struct msg *m, struct msg *r)
{
	int owner = (m->badge & INITCTL_BADGE_OWNER) != 0;
	uint64_t b = m->badge & ~(uint64_t)INITCTL_BADGE_OWNER;
	uint64_t op = TAG_LABEL(m->tag);
	int64_t v = NET_EBADOP;

	memset(r, 0, sizeof(*r));
	if (b == 0) {
		return;			/* the pump thread's look: no reply */
	} else if (b >= CLIENTS) {
		v = NET_EPERM;
	} else if (op == NETS_STATEDIR || (op == NETS_STATUS &&
	    m->w[0] == NETS_ST_GUARD)) {
		/* Who our guard is marks the user: only the owner learns it
		   or says where it is kept. */
		if (!owner)
			v = NET_EPERM;
		else if (op == NETS_STATEDIR && dir.nauth == 0)
			v = NET_ENOTREADY;	/* no authorities: never a guard */
		else if (op == NETS_STATEDIR && (v = guard_dir_offered(m)) == 0)
			notify_signal(SLOT_KICK);
		else if (op == NETS_STATUS)
			v = status_reply(m->w[0], r);
	} else if (op == NETS_STATUS) {
		v = status_reply(m->w[0], r);
	} else if (op == NETS_SETBUF) {
		onion_take();
		v = do_setbuf(b, m);
		onion_give();
	} else if (op == NETS_SETNOTE) {
		v = do_setnote(b, m);
	} else if (op >= NETS_OPEN && op <= NETS_RESOLVE) {
		if (clients[b].buf == NULL) {
			v = NET_ENOBUF;
		} else {
			onion_take();
			v = stream_op(b, op, m);
			onion_give();
			/*
			 * What it queued goes now. A read or write told to
			 * wait queued nothing: a pump for it would find
			 * nothing new and wake the program only to be told
			 * the same (a loop between us while the network is
			 * slower than the reader); netd's signal or the
			 * timer runs the pump that has news for it.
			 */
			if (v != NET_EAGAIN || (op != NETS_READ && op != NETS_WRITE))
				notify_signal(SLOT_KICK);
		}
	}
	cap_delete(SLOT_RECV);
	r->w[0] = (uint64_t)v;
}

_Noreturn void
serve_forever(void)
{
	struct msg m, r;
	int64_t err;

	printf("oniond: serving\n");
	serving_started = 1;
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("oniond: receive failed: %s\n", err_name(err));
			thread_kill(SLOT_PUMP_THR, 0);
			thread_exit();
		}
		serving_busy = 1;
		serve(&m, &r);
		serving_busy = 0;
		err = ipc_reply_recv4(SLOT_SERVE, r.tag | ((uint64_t)SLOT_RECV << 48),
		    r.w[0], r.w[1], r.w[2], r.w[3], &m);
	}
}
