/*
 * Client side of netd's protocol (netd.h): each call is one SYS_CALL,
 * bytes through the shared buffer; on NET_EAGAIN the wrapper waits on its
 * notification and asks again. A netd restarted by init has lost our
 * buffer and connections: the calls then fail with NET_ENOBUF or
 * NET_EBADF, and netd_attach starts over.
 */
#include "user/lib/netd.h"
#include "user/lib/nonos.h"

static int64_t
call(struct netd_client *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d, struct msg *r)
{
	if (ipc_call4(c->slot, op, a, b, d, 0, r) < 0)
		return NET_EIPC;
	return (int64_t)r->w[0];
}

/* Calls op until it stops saying NET_EAGAIN, waiting in between. */
static int64_t
call_wait(struct netd_client *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d,
    struct msg *r)
{
	int64_t v;

	while ((v = call(c, op, a, b, d, r)) == NET_EAGAIN) {
		if (notify_wait(c->note) < 0)
			return NET_EIPC;
	}
	return v;
}

static int64_t
give(struct netd_client *c, uint64_t op, uint64_t cap)
{
	struct msg r;

	if (ipc_call(c->slot, op | TAG_CAP | (cap << 40), 0, 0, &r) < 0)
		return NET_EIPC;
	return (int64_t)r.w[0];
}

int64_t
netd_attach(struct netd_client *c, uint64_t slot, uint64_t frame, uint64_t note, uint64_t va)
{
	int64_t err;

	c->slot = slot;
	c->frame = frame;
	c->note = note;
	c->buf = (uint8_t *)(uintptr_t)va;
	if (frame_create(SLOT_MEMORY, frame, NET_BUF / USER_PAGE) < 0 ||
	    map(frame, va, RIGHT_READ | RIGHT_WRITE) < 0 ||
	    notification_create(SLOT_MEMORY, note) < 0)
		return NET_ENOMEM;
	if ((err = give(c, NET_SETBUF, frame)) < 0)
		return err;
	return give(c, NET_SETNOTE, note);
}

int64_t
netd_connect(struct netd_client *c, uint32_t ip, uint16_t port, uint32_t timeout_ms)
{
	struct msg r;
	int64_t h = call(c, NET_CONNECT, ip, port, timeout_ms, &r), v;

	if (h < 0)
		return h;
	/* An empty send reports the connection's state: wait for the end of
	   the handshake. */
	if ((v = call_wait(c, NET_SEND, (uint64_t)h, 0, 0, &r)) < 0) {
		call(c, NET_CLOSE, (uint64_t)h, 0, 0, &r);
		return v;
	}
	return h;
}

int64_t
netd_listen(struct netd_client *c, uint16_t port, uint32_t backlog)
{
	struct msg r;

	return call(c, NET_LISTEN, port, backlog, 0, &r);
}

int64_t
netd_accept(struct netd_client *c, int64_t h, uint32_t *ip, uint16_t *port)
{
	struct msg r;
	int64_t v = call_wait(c, NET_ACCEPT, (uint64_t)h, 0, 0, &r);

	if (v >= 0) {
		*ip = (uint32_t)r.w[1];
		*port = (uint16_t)r.w[2];
	}
	return v;
}

int64_t
netd_send(struct netd_client *c, int64_t h, const void *buf, uint64_t n)
{
	const uint8_t *p = buf;
	uint64_t done = 0;
	struct msg r;

	while (done < n) {
		uint64_t part = n - done < NET_BUF ? n - done : NET_BUF;
		int64_t v;

		memcpy(c->buf, p + done, (size_t)part);
		/* Whatever was queued came from the buffer's start: send the
		   rest of this part again from there. */
		while (part > 0) {
			if ((v = call_wait(c, NET_SEND, (uint64_t)h, part, 0, &r)) < 0)
				return v;
			if (v == 0 || (uint64_t)v > part)
				return NET_EIPC;
			done += (uint64_t)v;
			part -= (uint64_t)v;
			if (part > 0)
				memmove(c->buf, c->buf + v, (size_t)part);
		}
	}
	return (int64_t)n;
}

int64_t
netd_recv(struct netd_client *c, int64_t h, void *buf, uint64_t n)
{
	struct msg r;
	int64_t v;

	if (n > NET_BUF)
		n = NET_BUF;
	v = call_wait(c, NET_RECV, (uint64_t)h, n, 0, &r);
	if (v > 0) {
		if ((uint64_t)v > n)
			return NET_EIPC;
		memcpy(buf, c->buf, (size_t)v);
	}
	return v;
}

int64_t
netd_close(struct netd_client *c, int64_t h)
{
	struct msg r;

	return call(c, NET_CLOSE, (uint64_t)h, 0, 0, &r);
}

int64_t
netd_status(uint64_t slot, uint64_t item, uint64_t out[3])
{
	struct msg r;

	if (ipc_call(slot, NET_STATUS, item, 0, &r) < 0)
		return NET_EIPC;
	if ((int64_t)r.w[0] >= 0) {
		out[0] = r.w[1];
		out[1] = r.w[2];
		out[2] = r.w[3];
	}
	return (int64_t)r.w[0];
}

const char *
netd_strerror(int64_t err)
{
	static const char *const names[NET_ERRORS + 1] = {
		"no error", "invalid argument", "no such connection",
		"would block", "out of connections or memory", "connection refused",
		"timed out", "connection reset by peer", "not connected",
		"port in use", "network down (no link or no address)",
		"connection closed", "connection aborted", "no shared buffer",
		"bad operation", "not permitted", "service unreachable",
		"host unreachable through the exit", "Tor not ready (no directory)",
	};

	if (err > 0 || -err > NET_ERRORS)
		return "unknown error";
	return names[-err];
}
