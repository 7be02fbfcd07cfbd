/*
 * The SOCKS5 front end of nonos-onion (RFC 1928, RFC 1929, and tor's
 * RESOLVE command 0xF0): every CONNECT becomes a RELAY_BEGIN with the
 * name as given, so DNS happens at the exit; circuits are shared only
 * by requests with the same username/password and listener port.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/crypto/crypto.h"
#include "tools/nonos-onion/onion-tool.h"

/*
 * What the exit sends before our XOFF reaches it (congestion control) or
 * a full stream window (without) must fit; the buffer grows up to this.
 */
#define OUT_START	(64 * 1024)
#define OUT_MAX		(32 * 1024 * 1024)
#define MAX_TRIES	6

enum cstate { C_FREE, C_GREET, C_AUTH, C_REQ, C_WAITCIRC, C_CONNECTING,
	C_OPEN, C_RESOLVING, C_CLOSING };

struct conn {
	enum cstate	state;
	int		fd;
	int		stream, circ, tries, retry_fresh;
	uint64_t	iso;
	uint16_t	port;
	uint8_t		cmd;
	char		host[260];
	uint8_t		in[16384];
	size_t		inlen;
	uint8_t		*out;
	size_t		outlen, outoff, outcap;
};

static struct onion_client *cl;
static struct conn conns[MAX_CONNS];
static int listen_port;
int link_fds[ONION_MAX_LINKS] = { -1, -1, -1, -1 };

static void
conn_close(struct conn *c, int abort_)
{
	struct linger lg = { 1, 0 };

	if (c->state == C_FREE)
		return;
	if (c->stream >= 0 && c->state != C_CLOSING)
		onion_stream_close(cl, c->stream);
	if (abort_)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof *c);
	c->state = C_FREE;
	c->fd = -1;
}

static void
flush_out(struct conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL);
		if (n <= 0) {
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			conn_close(c, 1);
			return;
		}
		c->outoff += (size_t)n;
	}
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	if (c->stream >= 0 && c->state == C_OPEN)
		onion_stream_backlog(cl, c->stream, c->outlen - c->outoff);
}

static void
put(struct conn *c, const void *p, size_t n)
{
	if (c->outoff > 0 && c->outlen + n > c->outcap) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	while (c->outlen + n > c->outcap) {
		uint8_t *nb;

		if (c->outcap >= OUT_MAX ||
		    (nb = realloc(c->out, 2 * c->outcap)) == NULL) {
			warnx_("socks: client not reading; closing");
			conn_close(c, 1);
			return;
		}
		c->out = nb;
		c->outcap *= 2;
	}
	memcpy(c->out + c->outlen, p, n);
	c->outlen += n;
}

/* A SOCKS5 reply; rep 0 is success. */
static void
reply(struct conn *c, uint8_t rep, uint8_t atyp, const uint8_t *addr,
    size_t alen)
{
	uint8_t r[4 + 16 + 2] = { 5, rep, 0, atyp };

	if (atyp == 1 && alen != 4)
		alen = 4;
	memcpy(r + 4, addr != NULL ? addr : (const uint8_t *)"\0\0\0\0", alen);
	memset(r + 4 + alen, 0, 2);
	put(c, r, 4 + alen + 2);
	flush_out(c);
}

static void
fail(struct conn *c, uint8_t rep)
{
	reply(c, rep, 1, NULL, 4);
	if (c->state != C_FREE) {
		c->stream = -1;
		c->state = C_CLOSING;
	}
}

/* Starts the stream on open circuit ci. */
static void
attach(struct conn *c, int ci)
{
	int s;

	c->circ = ci;
	if (c->cmd == 1)
		s = onion_stream_begin(cl, ci, c->host, c->port, c);
	else
		s = onion_stream_resolve(cl, ci, c->host, c);
	if (s < 0) {
		warnx_("socks: stream to %s refused: %s", c->host,
		    onion_strerror(s));
		fail(c, 1);
		return;
	}
	c->stream = s;
	c->state = c->cmd == 1 ? C_CONNECTING : C_RESOLVING;
}

static void
start_request(struct conn *c, int fresh)
{
	uint16_t port = c->cmd == 1 ? c->port : 0;
	struct in_addr a;
	int ci;

	/* An address literal needs no lookup: answer it here. */
	if (c->cmd == 0xf0 && inet_pton(AF_INET, c->host, &a) == 1) {
		reply(c, 0, 1, (const uint8_t *)&a.s_addr, 4);
		if (c->state != C_FREE)
			c->state = C_CLOSING;
		return;
	}

	if (!fresh && (ci = onion_circ_find(cl, port, c->iso, 0)) >= 0) {
		attach(c, ci);
		return;
	}
	c->state = C_WAITCIRC;
	if (!fresh && (ci = onion_circ_find(cl, port, c->iso, 1)) >= 0) {
		c->circ = ci;
		return;
	}
	while (c->tries++ < MAX_TRIES) {
		if ((ci = onion_circ_build(cl, port, c->iso)) >= 0) {
			c->circ = ci;
			return;
		}
		warnx_("circuit build failed: %s", onion_strerror(ci));
		if (ci == ONION_ENOPATH || ci == ONION_EFULL)
			break;
	}
	fail(c, ci == ONION_ENOPATH ? 4 : 1);
}

static uint64_t
isolation(const uint8_t *user, size_t ulen, const uint8_t *pass, size_t plen)
{
	uint8_t buf[2 + 2 * 256], h[8];
	uint64_t v;
	size_t n = 0;

	buf[n++] = (uint8_t)(listen_port >> 8);
	buf[n++] = (uint8_t)listen_port;
	buf[n++] = (uint8_t)ulen;
	memcpy(buf + n, user, ulen), n += ulen;
	buf[n++] = (uint8_t)plen;
	memcpy(buf + n, pass, plen), n += plen;
	if (nc_blake2b(h, sizeof h, NULL, 0, buf, n) != NC_OK)
		return 0;
	memcpy(&v, h, sizeof v);
	return v;
}

/* Consumes what the handshake phases need from c->in. */
static void
parse(struct conn *c)
{
	size_t need, i, hl;
	uint8_t *p = c->in;

	for (;;) {
		switch (c->state) {
		case C_GREET:
			if (c->inlen < 2 || c->inlen < 2 + (size_t)p[1])
				return;
			if (p[0] != 5) {
				conn_close(c, 1);
				return;
			}
			need = 2 + p[1];
			{
				uint8_t m = 0xff, r[2] = { 5, 0xff };

				for (i = 2; i < need; i++)
					if (p[i] == 2 || (p[i] == 0 && m == 0xff))
						m = p[i];
				r[1] = m;
				put(c, r, 2);
				flush_out(c);
				if (m == 0xff) {
					c->state = C_CLOSING;
					return;
				}
				c->iso = isolation((const uint8_t *)"", 0,
				    (const uint8_t *)"", 0);
				c->state = m == 2 ? C_AUTH : C_REQ;
			}
			break;
		case C_AUTH:
			if (c->inlen < 2 || c->inlen < 3 + (size_t)p[1] ||
			    c->inlen < 3 + (size_t)p[1] + p[2 + p[1]])
				return;
			need = 3 + (size_t)p[1] + p[2 + p[1]];
			if (p[0] != 1) {
				conn_close(c, 1);
				return;
			}
			c->iso = isolation(p + 2, p[1], p + 3 + p[1], p[2 + p[1]]);
			put(c, "\x01\x00", 2);
			flush_out(c);
			c->state = C_REQ;
			break;
		case C_REQ:
			if (c->inlen < 5)
				return;
			if (p[0] != 5 || p[2] != 0) {
				conn_close(c, 1);
				return;
			}
			if (p[3] == 1)
				need = 4 + 4 + 2;
			else if (p[3] == 3)
				need = 4 + 1 + (size_t)p[4] + 2;
			else if (p[3] == 4)
				need = 4 + 16 + 2;
			else {
				fail(c, 8);
				return;
			}
			if (c->inlen < need)
				return;
			c->cmd = p[1];
			c->port = (uint16_t)(p[need - 2] << 8 | p[need - 1]);
			if (p[3] == 1)
				snprintf(c->host, sizeof c->host, "%u.%u.%u.%u",
				    p[4], p[5], p[6], p[7]);
			else if (p[3] == 3) {
				hl = p[4];
				memcpy(c->host, p + 5, hl);
				c->host[hl] = '\0';
				if (memchr(c->host, '\0', hl) != NULL) {
					fail(c, 1);
					return;
				}
			} else {
				char a[INET6_ADDRSTRLEN];

				inet_ntop(AF_INET6, p + 4, a, sizeof a);
				snprintf(c->host, sizeof c->host, "[%s]", a);
			}
			memmove(p, p + need, c->inlen - need);
			c->inlen -= need;
			if (c->cmd != 1 && c->cmd != 0xf0) {
				fail(c, 7);
				return;
			}
			if (c->cmd == 1 && c->port == 0) {
				fail(c, 1);
				return;
			}
			start_request(c, 0);
			return;
		default:
			return;
		}
		memmove(p, p + need, c->inlen - need);
		c->inlen -= need;
	}
}

/* Moves buffered client bytes into the stream. */
static void
pump_in(struct conn *c)
{
	int n;

	if (c->state != C_OPEN || c->inlen == 0)
		return;
	n = onion_stream_write(cl, c->stream, c->in, c->inlen);
	if (n < 0) {
		conn_close(c, 1);
		return;
	}
	memmove(c->in, c->in + n, c->inlen - (size_t)n);
	c->inlen -= (size_t)n;
}

void
socks_io(int idx, short revents)
{
	struct conn *c = &conns[idx];
	ssize_t n;

	if (c->state == C_FREE)
		return;
	if (revents & POLLOUT)
		flush_out(c);
	if (c->state == C_FREE)
		return;
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		if (c->inlen == sizeof c->in)
			return;
		n = recv(c->fd, c->in + c->inlen, sizeof c->in - c->inlen, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			conn_close(c, 0);
			return;
		}
		if (n > 0)
			c->inlen += (size_t)n;
		parse(c);
		if (c->state == C_OPEN)
			pump_in(c);
	}
}

int
socks_accept(int lfd)
{
	int fd, i;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0; i < MAX_CONNS && conns[i].state != C_FREE; i++)
			;
		if (i == MAX_CONNS) {
			close(fd);
			continue;
		}
		memset(&conns[i], 0, sizeof conns[i]);
		conns[i].outcap = OUT_START;
		if ((conns[i].out = malloc(OUT_START)) == NULL) {
			close(fd);
			continue;
		}
		conns[i].fd = fd;
		conns[i].stream = conns[i].circ = -1;
		conns[i].state = C_GREET;
	}
	return 0;
}

void
socks_poll_fds(struct pollfd *pfd, int *n, int *map)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->state == C_FREE)
			continue;
		pfd[*n].fd = c->fd;
		pfd[*n].events = 0;
		if (c->inlen < sizeof c->in && c->state != C_CLOSING &&
		    (c->state != C_OPEN || c->inlen == 0))
			pfd[*n].events |= POLLIN;
		if (c->outlen > c->outoff)
			pfd[*n].events |= POLLOUT;
		map[*n] = i;
		(*n)++;
	}
}

void
socks_tick(void)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->state == C_OPEN)
			pump_in(c);
		if (c->state != C_FREE && c->outlen > c->outoff)
			flush_out(c);
		if (c->state == C_CLOSING && c->outlen == c->outoff)
			conn_close(c, 0);
	}
}

void
socks_init(struct onion_client *client, int port)
{
	int i;

	cl = client;
	listen_port = port;
	for (i = 0; i < MAX_CONNS; i++) {
		conns[i].state = C_FREE;
		conns[i].fd = -1;
	}
}

/* --- lib/onion events ----------------------------------------------------- */

static int
ev_connect(void *ctx, int link, uint32_t ip, uint16_t port,
    struct onion_transport *tr)
{
	int fd = tcp_connect(ip, port, 5000);

	(void)ctx;
	if (fd < 0) {
		warnx_("cannot reach relay at %u.%u.%u.%u:%u", ip >> 24,
		    ip >> 16 & 255, ip >> 8 & 255, ip & 255, port);
		return ONION_EIO;
	}
	link_fds[link] = fd;
	fd_transport(&link_fds[link], tr);
	return ONION_OK;
}

static void
ev_disconnect(void *ctx, int link)
{
	(void)ctx;
	warnx_("link %d closed: %s", link, onion_strerror(cl->links[link].link.err));
	if (link_fds[link] >= 0)
		close(link_fds[link]);
	link_fds[link] = -1;
}

static void
ev_circ_built(void *ctx, int ci)
{
	const struct onion_circ *oc = &cl->circs[ci];
	char how[80] = "";
	int i;

	(void)ctx;
	/* A set is reported once linked, by its first leg. */
	if (oc->cfx > 0)
		snprintf(how, sizeof how, " (ntor v3, congestion control, "
		    "conflux with circuit %d)", cl->cfx[oc->cfx - 1].legs[1]);
	else if (oc->cc)
		snprintf(how, sizeof how, " (ntor v3, congestion control)");
	warnx_("circuit %d built in %llu ms: %s %s %s%s", ci,
	    (unsigned long long)(oc->built_ms - oc->started_ms),
	    oc->path[0].nick, oc->path[1].nick, oc->path[2].nick, how);
	for (i = 0; i < MAX_CONNS; i++) {
		struct conn *c = &conns[i];

		if (c->state != C_WAITCIRC)
			continue;
		if (c->circ == ci || (c->iso == oc->isolation && (c->cmd != 1 ||
		    onion_relay_allows_port(&cl->cons->relays[
		    oc->path[ONION_HOPS - 1].relay_index], c->port))))
			attach(c, ci);
	}
}

static void
ev_circ_closed(void *ctx, int ci, int err)
{
	int i;

	(void)ctx;
	warnx_("circuit %d closed: %s (%u hops)", ci, onion_strerror(err),
	    cl->circs[ci].nhops);
	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].state == C_WAITCIRC && conns[i].circ == ci) {
			conns[i].circ = -1;
			/* Rebuild after this callback returns (socks_retry). */
			conns[i].state = C_REQ;
		}
}

static void
ev_stream_connected(void *ctx, int s)
{
	struct conn *c = onion_stream_user(cl, s);

	(void)ctx;
	if (c == NULL)
		return;
	c->state = C_OPEN;
	reply(c, 0, 1, NULL, 4);
	pump_in(c);
}

static void
ev_stream_data(void *ctx, int s, const uint8_t *d, size_t n)
{
	struct conn *c = onion_stream_user(cl, s);

	(void)ctx;
	if (c == NULL || c->state != C_OPEN)
		return;
	put(c, d, n);		/* sent in one go by socks_tick() */
}

/* END reasons (tor-spec §6.3) that say nothing about the destination. */
static int
retryable(int err, int reason)
{
	if (err != ONION_ESTREAM)
		return 1;	/* the circuit died */
	switch (reason) {
	case 1: case 4: case 5: case 7: case 8: case 9: case 10: case 11:
		return 1;
	default:
		return 0;
	}
}

static void
ev_stream_end(void *ctx, int s, int err, int reason)
{
	struct conn *c = onion_stream_user(cl, s);

	(void)ctx;
	if (c == NULL)
		return;
	c->stream = -1;
	if (c->state == C_CONNECTING && retryable(err, reason) &&
	    c->tries < MAX_TRIES) {
		/* Like tor: try another exit on a fresh circuit. */
		warnx_("stream to %s:%u refused (reason %d); retrying", c->host,
		    c->port, reason);
		c->state = C_REQ;
		c->retry_fresh = 1;
		return;
	}
	if (c->state == C_CONNECTING || c->state == C_RESOLVING) {
		warnx_("stream to %s:%u refused: %s (reason %d)", c->host, c->port,
		    onion_strerror(err), reason);
		fail(c, reason == 4 ? 2 : reason == 3 ? 5 : 4);
		return;
	}
	if (err != ONION_ESTREAM) {
		warnx_("stream to %s:%u failed: %s", c->host, c->port,
		    onion_strerror(err));
		conn_close(c, 1);
		return;
	}
	c->state = C_CLOSING;
}

static void
ev_stream_resolved(void *ctx, int s, int type, const uint8_t *addr, size_t len)
{
	struct conn *c = onion_stream_user(cl, s);

	(void)ctx;
	if (c == NULL || c->state != C_RESOLVING)
		return;
	if (verbose)
		warnx_("resolve %s: answer type %d, %zu bytes", c->host, type, len);
	c->stream = -1;
	if (type == 4 && len == 4)
		reply(c, 0, 1, addr, 4);
	else if (type == 6 && len == 16)
		reply(c, 0, 4, addr, 16);
	else {
		fail(c, 4);
		return;
	}
	if (c->state != C_FREE)
		c->state = C_CLOSING;
}

const struct onion_events socks_events = {
	NULL, ev_connect, ev_disconnect, ev_circ_built, ev_circ_closed,
	ev_stream_connected, ev_stream_data, ev_stream_end, ev_stream_resolved,
};

/* Requests whose circuit died while building get another one. */
void
socks_retry(void)
{
	int i;

	for (i = 0; i < MAX_CONNS; i++)
		if (conns[i].state == C_REQ && conns[i].cmd != 0)
			start_request(&conns[i], conns[i].retry_fresh);
}
