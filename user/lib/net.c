/*
 * Client side of oniond's protocol (net.h): each call is one SYS_CALL,
 * names and bytes through the shared buffer; on NET_EAGAIN the wrapper
 * waits on its notification and asks again. If oniond dies the calls
 * fail (NET_EIPC, or NET_ENOBUF/NET_EBADF from a restarted oniond that
 * has lost our session) and nothing is sent.
 */
#include "user/lib/net.h"
#include "user/lib/netd.h"
#include "user/lib/nonos.h"

#define WAKE_TICKS	100	/* 1 s */

static int64_t
call(struct net_conn *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d,
    struct msg *r)
{
	if (ipc_call4(c->slot, op, a, b, d, 0, r) < 0)
		return NET_EIPC;
	return (int64_t)r->w[0];
}

static int64_t
call_wait(struct net_conn *c, uint64_t op, uint64_t a, uint64_t b, uint64_t d,
    struct msg *r)
{
	int64_t v;

	while ((v = call(c, op, a, b, d, r)) == NET_EAGAIN) {
		/* A timer wakes us now and then: an oniond that died cannot
		   signal, and the next call learns from its successor. */
		if (ticks() >= c->due && timer_notify(c->note, WAKE_TICKS) == 0)
			c->due = ticks() + WAKE_TICKS;
		if (notify_wait(c->note) < 0)
			return NET_EIPC;
	}
	return v;
}

static int64_t
give(struct net_conn *c, uint64_t op, uint64_t cap)
{
	struct msg r;

	if (ipc_call(c->slot, op | TAG_CAP | (cap << 40), 0, 0, &r) < 0)
		return NET_EIPC;
	return (int64_t)r.w[0];
}

int64_t
net_attach(struct net_conn *c, uint64_t slot, uint64_t frame, uint64_t note,
    uint64_t va)
{
	int64_t err;

	c->slot = slot;
	c->frame = frame;
	c->note = note;
	c->buf = (uint8_t *)(uintptr_t)va;
	c->due = 0;
	if (frame_create(SLOT_MEMORY, frame, NETS_BUF / USER_PAGE) < 0 ||
	    map(frame, va, RIGHT_READ | RIGHT_WRITE) < 0 ||
	    notification_create(SLOT_MEMORY, note) < 0)
		return NET_ENOMEM;
	if ((err = give(c, NETS_SETBUF, frame)) < 0)
		return err;
	return give(c, NETS_SETNOTE, note);
}

/* Puts name in the buffer; its length, or NET_EINVAL. */
static int64_t
put_name(struct net_conn *c, const char *name)
{
	size_t n = strnlen(name, NETS_NAME_MAX + 1);

	if (n == 0 || n > NETS_NAME_MAX)
		return NET_EINVAL;
	memcpy(c->buf, name, n);
	return (int64_t)n;
}

int64_t
net_open(struct net_conn *c, const char *host, uint16_t port, uint32_t tag)
{
	struct msg r;
	int64_t n = put_name(c, host), s, v;

	if (n < 0)
		return n;
	/* EAGAIN: oniond is taking its guard back first (docs/onion.md). */
	if ((s = call_wait(c, NETS_OPEN, tag, port, (uint64_t)n, &r)) < 0)
		return s;
	if ((v = call_wait(c, NETS_WRITE, (uint64_t)s, 0, 0, &r)) < 0) {
		call(c, NETS_CLOSE, (uint64_t)s, 0, 0, &r);
		return v;
	}
	return s;
}

int64_t
net_read(struct net_conn *c, int64_t s, void *buf, uint64_t n)
{
	struct msg r;
	int64_t v;

	if (n > NETS_BUF)
		n = NETS_BUF;
	v = call_wait(c, NETS_READ, (uint64_t)s, n, 0, &r);
	if (v > 0) {
		if ((uint64_t)v > n)
			return NET_EIPC;
		memcpy(buf, c->buf, (size_t)v);
	}
	return v;
}

int64_t
net_write(struct net_conn *c, int64_t s, const void *buf, uint64_t n)
{
	const uint8_t *p = buf;
	uint64_t done = 0;
	struct msg r;

	while (done < n) {
		uint64_t part = n - done < NETS_BUF ? n - done : NETS_BUF;
		int64_t v;

		memcpy(c->buf, p + done, (size_t)part);
		if ((v = call_wait(c, NETS_WRITE, (uint64_t)s, part, 0, &r)) < 0)
			return v;
		if (v == 0 || (uint64_t)v > part)
			return NET_EIPC;
		done += (uint64_t)v;
	}
	return (int64_t)n;
}

int64_t
net_close(struct net_conn *c, int64_t s)
{
	struct msg r;

	return call(c, NETS_CLOSE, (uint64_t)s, 0, 0, &r);
}

int64_t
net_resolve(struct net_conn *c, const char *name, uint32_t tag, uint32_t *ipv4)
{
	struct msg r;
	int64_t n = put_name(c, name), s, v;

	if (n < 0)
		return n;
	if ((s = call_wait(c, NETS_RESOLVE, tag, 0, (uint64_t)n, &r)) < 0)
		return s;
	v = call_wait(c, NETS_READ, (uint64_t)s, 4, 0, &r);
	call(c, NETS_CLOSE, (uint64_t)s, 0, 0, &r);
	if (v < 0)
		return v;
	if (v != 4)
		return NET_EHOSTUNREACH;
	*ipv4 = (uint32_t)c->buf[0] << 24 | (uint32_t)c->buf[1] << 16 |
	    (uint32_t)c->buf[2] << 8 | c->buf[3];
	return 0;
}

int64_t
net_status(struct net_conn *c, uint64_t item, uint64_t out[3])
{
	struct msg r;

	if (ipc_call(c->slot, NETS_STATUS, item, 0, &r) < 0)
		return NET_EIPC;
	if ((int64_t)r.w[0] >= 0) {
		out[0] = r.w[1];
		out[1] = r.w[2];
		out[2] = r.w[3];
	}
	return (int64_t)r.w[0];
}

const char *
net_strerror(int64_t err)
{
	return netd_strerror(err);
}

int64_t
net_statedir(uint64_t slot, uint64_t dir)
{
	struct net_conn c = { .slot = slot };

	return give(&c, NETS_STATEDIR, dir);
}
