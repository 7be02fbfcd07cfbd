/*
 * oniond's sockets: one session with netd through its door capability,
 * the set of address:ports netd lets us reach (relays' ORPorts, told to
 * netd before any connection), and lib/onion's transport over netd's
 * non-blocking TCP calls. Every call here runs under onion_lock, so the
 * one buffer shared with netd is never used twice at once.
 *
 * A receive asks netd for up to RX_AHEAD bytes whatever TLS asked for,
 * and keeps the rest for the next: BearSSL asks for each record's 5-byte
 * header and then its body, and tor's records under a bulk transfer are
 * a few KiB, so otherwise each took two calls to netd.
 */
#include "user/lib/netd.h"
#include "user/oniond/oniond.h"

#define CONNECT_MS	10000
#define RX_AHEAD	32768

struct link {
	int64_t	h;		/* netd's handle, -1 none */
	size_t	head, len;	/* bytes read ahead, at rx + head */
	uint8_t	rx[RX_AHEAD];
};

static struct link links[ONION_MAX_LINKS];
uint64_t links_open;

static uint8_t *const netd_buf = (uint8_t *)(uintptr_t)NETD_BUF_VA;

static int64_t
netd_call(uint64_t op, uint64_t a, uint64_t b, uint64_t c)
{
	struct msg r;

	if (ipc_call4(SLOT_NETD, op, a, b, c, 0, &r) < 0)
		return NET_EIPC;
	return (int64_t)r.w[0];
}

static int64_t
netd_give(uint64_t op, uint64_t cap)
{
	struct msg r;

	if (ipc_call(SLOT_NETD, op | TAG_CAP | (cap << 40), 0, 0, &r) < 0)
		return NET_EIPC;
	return (int64_t)r.w[0];
}

/*
 * Shares a buffer with netd and gives it our notification, badged so the
 * pump thread knows netd moved. A new session: netd forgets the earlier
 * allowed set and connections.
 */
int64_t
links_attach(void)
{
	int64_t err;

	for (int i = 0; i < ONION_MAX_LINKS; i++)
		links[i].h = -1;
	if (frame_create(SLOT_MEMORY, SLOT_NETD_BUF, NET_BUF / USER_PAGE) < 0 ||
	    map(SLOT_NETD_BUF, NETD_BUF_VA, RIGHT_READ | RIGHT_WRITE) < 0 ||
	    cap_derive(SLOT_EVENTS, SLOT_NETD_NOTE, RIGHT_WRITE | RIGHT_GRANT,
	    BIT_NETD) < 0)
		return NET_ENOMEM;
	if ((err = netd_give(NET_SETBUF, SLOT_NETD_BUF)) < 0)
		return err;
	return netd_give(NET_SETNOTE, SLOT_NETD_NOTE);
}

/* Where we dial relay address ip (make's ONIOND_LOOPBACK, mk/oniond.mk). */
static uint32_t
dial_address(uint32_t ip)
{
	if (oniond_loopback_as != 0 && ip >> 24 == 127)
		return oniond_loopback_as;
	return ip;
}

/* Adds ip:port to the set being built in netd's buffer, once. */
static void
allow_add(size_t *n, uint32_t ip, uint16_t port)
{
	struct net_allow *a = (struct net_allow *)netd_buf;

	ip = dial_address(ip);
	for (size_t i = 0; i < *n; i++)
		if (a[i].ip == ip && a[i].port == port)
			return;
	if (*n == NET_ALLOW_MAX || port == 0)
		return;
	a[*n].ip = ip;
	a[*n].port = port;
	a[*n].zero = 0;
	(*n)++;
}

int64_t
links_allow(const struct onion_consensus *cons)
{
	size_t n = 0;

	for (size_t i = 0; i < dir.nauth; i++)
		allow_add(&n, dir.auth[i].ipv4, dir.auth[i].orport);
	for (size_t i = 0; cons != NULL && i < cons->nrelays; i++)
		allow_add(&n, cons->relays[i].ipv4, cons->relays[i].orport);
	return netd_call(NET_ALLOW, n, 0, 0);
}

static int
tr_send(void *ctx, const void *buf, size_t len)
{
	int64_t h = ((struct link *)ctx)->h, v;

	if (len > NET_BUF)
		len = NET_BUF;
	memcpy(netd_buf, buf, len);
	v = netd_call(NET_SEND, (uint64_t)h, len, 0);
	if (v == NET_EAGAIN)
		return 0;
	if (v < 0 || (uint64_t)v > len)
		return ONION_EIO;
	return (int)v;
}

static int
tr_recv(void *ctx, void *buf, size_t len)
{
	struct link *l = ctx;
	int64_t v;

	if (len > RX_AHEAD)
		len = RX_AHEAD;
	if (len == 0)
		return 0;
	if (l->len > 0) {
		if (len > l->len)
			len = l->len;
		memcpy(buf, l->rx + l->head, len);
		l->head += len;
		l->len -= len;
		return (int)len;
	}
	v = netd_call(NET_RECV, (uint64_t)l->h, RX_AHEAD, 0);
	if (v == NET_EAGAIN)
		return 0;
	if (v == 0)
		return ONION_ECLOSED;
	if (v < 0 || (uint64_t)v > RX_AHEAD)
		return ONION_EIO;
	if (len > (size_t)v)
		len = (size_t)v;
	memcpy(buf, netd_buf, len);
	memcpy(l->rx, netd_buf + len, (size_t)v - len);
	l->head = 0;
	l->len = (size_t)v - len;
	return (int)len;
}

/* lib/onion's connect: a netd connection that completes later. */
int
link_connect(void *ctx, int link, uint32_t ip, uint16_t port,
    struct onion_transport *tr)
{
	int64_t h;

	(void)ctx;
	if (link < 0 || link >= ONION_MAX_LINKS)
		return ONION_EINVAL;
	if ((h = netd_call(NET_CONNECT, dial_address(ip), port, CONNECT_MS)) < 0) {
		printf("oniond: netd refused a connection to a relay: %s\n",
		    netd_strerror(h));
		return ONION_EIO;
	}
	links[link].h = h;
	links[link].head = links[link].len = 0;
	links_open++;
	tr->ctx = &links[link];
	tr->send = tr_send;
	tr->recv = tr_recv;
	return ONION_OK;
}

void
link_disconnect(void *ctx, int link)
{
	(void)ctx;
	if (link < 0 || link >= ONION_MAX_LINKS || links[link].h < 0)
		return;
	netd_call(NET_CLOSE, (uint64_t)links[link].h, 0, 0);
	links[link].h = -1;
	links[link].len = 0;
	links_open--;
}
