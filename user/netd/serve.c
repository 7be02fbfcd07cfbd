/*
 * netd's client protocol (user/lib/netd.h). The badge names the client
 * (init gives holder index + 1); NET_BADGE_STATUS marks a status-only
 * capability. Every length, handle and capability a client sends is
 * checked here or by lib/net/conn.c before it is used; connections are
 * looked up by (client, handle), so no client can touch another's.
 *
 * Fail closed: the door (NET_BADGE_DOOR, oniond) connects only to the
 * address:ports of its last NET_ALLOW (relays' ORPorts), and never
 * listens; anything else it asks is refused and counted (NET_ST_DOOR).
 */
#include "lib/net/conn.h"
#include "lwip/def.h"
#include "lwip/dhcp.h"
#include "lwip/stats.h"
#include "user/lib/netd.h"
#include "user/lib/netdev.h"
#include "user/netd/netd.h"

#define TIMEOUT_MAX	600000u	/* ms: ten minutes */

struct client {
	uint8_t *buf;		/* the shared frame, NULL until NET_SETBUF */
	int note;		/* a notification was given */
};

static struct client clients[CLIENTS];
volatile int serving_started, serving_busy;
static struct net_allow allowed[NET_ALLOW_MAX];
static unsigned nallowed;
static uint64_t allow_owner;	/* the door client whose set it is */
static uint64_t door_refused, door_opened;

/* Whether door client b may connect to ip:port: only within its own set. */
static int
door_allows(uint64_t b, uint64_t ip, uint64_t port)
{
	if (b != allow_owner)
		return 0;
	for (unsigned i = 0; i < nallowed; i++)
		if (allowed[i].ip == ip && allowed[i].port == port)
			return 1;
	return 0;
}

/* NET_ALLOW: n entries from the door's buffer replace the set. */
static int64_t
do_allow(uint64_t b, uint64_t n)
{
	const struct net_allow *a = (const struct net_allow *)clients[b].buf;

	if (clients[b].buf == NULL)
		return NET_ENOBUF;
	if (n > NET_ALLOW_MAX)
		return NET_EINVAL;
	for (uint64_t i = 0; i < n; i++)
		if (a[i].port == 0 || a[i].zero != 0)
			return NET_EINVAL;
	memcpy(allowed, a, (size_t)n * sizeof(*a));
	nallowed = (unsigned)n;
	allow_owner = b;
	return 0;
}

void
client_wake(uint32_t owner)
{
	if (owner < CLIENTS && clients[owner].note)
		notify_signal(SLOT_NOTE0 + owner);
}

static int64_t
do_setbuf(uint64_t b, const struct msg *m)
{
	struct client *c = &clients[b];
	int mapped = c->buf != NULL;

	if (!cap_offered(m, SLOT_RECV, CAP_FRAME, RIGHT_READ | RIGHT_WRITE, NET_BUF))
		return NET_EBADOP;
	/* A new session: whatever the client had open before is closed. */
	stack_take();
	net_conn_drop_owner((uint32_t)b);
	net_eth_flush(&eth);
	stack_give();
	c->buf = NULL;
	if (frame_take(SLOT_RECV, SLOT_BUF0 + b, BUF_VA + b * NET_BUF, &mapped) != 0)
		return NET_ENOMEM;
	c->buf = (uint8_t *)(uintptr_t)(BUF_VA + b * NET_BUF);
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

static uint32_t
host_ip(uint32_t net)
{
	return lwip_ntohl(net);
}

static void
status(uint64_t item, uint64_t w[3])
{
	struct netif *nif = &eth.netif;
	struct dhcp *d = netif_dhcp_data(nif);
	const struct net_conn_stats *cs = net_conn_stats();
	uint64_t mac = 0;

	for (int i = 5; i >= 0; i--)
		mac = mac << 8 | our_mac[i];
	switch (item) {
	case NET_ST_LINK:
		w[0] = (have_driver ? NET_F_DRIVER : 0) |
		    (netif_is_link_up(nif) ? NET_F_LINK : 0) |
		    (dhcp_supplied_address(nif) ? NET_F_BOUND : 0);
		w[1] = mac;
		w[2] = nif->mtu;
		break;
	case NET_ST_ADDR:
		w[0] = host_ip(ip4_addr_get_u32(netif_ip4_addr(nif)));
		w[1] = host_ip(ip4_addr_get_u32(netif_ip4_netmask(nif)));
		w[2] = host_ip(ip4_addr_get_u32(netif_ip4_gw(nif)));
		break;
	case NET_ST_LEASE:
		w[0] = d != NULL ? d->state : 0;
		w[1] = d != NULL ? d->offered_t0_lease : 0;
		w[2] = d != NULL ? (uint64_t)d->lease_used * DHCP_COARSE_TIMER_SECS : 0;
		break;
	case NET_ST_RX:
		w[0] = eth.c.rx_frames;
		w[1] = eth.c.rx_bytes;
		w[2] = eth.c.rx_nobuf;
		break;
	case NET_ST_TX:
		w[0] = eth.c.tx_frames;
		w[1] = eth.c.tx_bytes;
		w[2] = eth.c.tx_full;
		break;
	case NET_ST_TCP:
		w[0] = cs->active;
		w[1] = cs->opened;
		w[2] = cs->accepted;
		break;
	case NET_ST_ERR:
		w[0] = cs->refused;
		w[1] = cs->timed_out;
		w[2] = cs->reset;
		break;
	case NET_ST_DRIVER:
		w[0] = eth.c.ring_bad;
		w[1] = drv_stats[2];
		w[2] = drv_stats[3];
		break;
	case NET_ST_DOOR:
		w[0] = nallowed;
		w[1] = door_refused;
		w[2] = door_opened;
		break;
	}
}

/* A TCP operation, under the stack lock. */
static int64_t
tcp_op(uint64_t b, int door, uint64_t op, const struct msg *m, struct msg *r)
{
	struct client *c = &clients[b];
	uint32_t ip;
	uint16_t port;
	int h = m->w[0] < NET_CONN_MAX ? (int)m->w[0] : -1;
	int64_t v;

	switch (op) {
	case NET_CONNECT:
		if (m->w[0] > 0xffffffffu || m->w[1] == 0 || m->w[1] > 0xffff ||
		    m->w[2] > TIMEOUT_MAX)
			return NET_EINVAL;
		if (door && !door_allows(b, m->w[0], m->w[1])) {
			door_refused++;
			printf("netd: refused the door's connection to %llu.%llu.%llu.%llu:%llu"
			    " (not a relay's ORPort)\n", (unsigned long long)(m->w[0] >> 24),
			    (unsigned long long)(m->w[0] >> 16 & 255),
			    (unsigned long long)(m->w[0] >> 8 & 255),
			    (unsigned long long)(m->w[0] & 255), (unsigned long long)m->w[1]);
			return NET_EPERM;
		}
		v = net_tcp_connect((uint32_t)b, lwip_htonl((uint32_t)m->w[0]),
		    (uint16_t)m->w[1], (uint32_t)m->w[2]);
		if (door && v >= 0)
			door_opened++;
		return v;
	case NET_LISTEN:
		if (door) {
			door_refused++;
			return NET_EPERM;	/* the door only dials out */
		}
		if (m->w[0] == 0 || m->w[0] > 0xffff || m->w[1] > NET_BACKLOG_MAX)
			return NET_EINVAL;
		return net_tcp_listen((uint32_t)b, (uint16_t)m->w[0], (uint32_t)m->w[1]);
	case NET_ACCEPT:
		h = net_tcp_accept((uint32_t)b, h, &ip, &port);
		if (h >= 0) {
			r->w[1] = host_ip(ip);
			r->w[2] = port;
		}
		return h;
	case NET_SEND:
		if (m->w[1] > NET_BUF)
			return NET_EINVAL;
		return net_tcp_send((uint32_t)b, h, c->buf, (size_t)m->w[1]);
	case NET_RECV:
		if (m->w[1] > NET_BUF)
			return NET_EINVAL;
		return net_tcp_recv((uint32_t)b, h, c->buf, (size_t)m->w[1]);
	case NET_CLOSE:
		return net_tcp_close((uint32_t)b, h);
	}
	return NET_EBADOP;
}

/* Serves one request; the reply goes into *r. */
static void
serve(const struct msg *m, struct msg *r)
{
	uint64_t badge = m->badge, op = TAG_LABEL(m->tag);
	uint64_t b = badge & ~(uint64_t)(NET_BADGE_STATUS | NET_BADGE_DOOR);
	int door = (badge & NET_BADGE_DOOR) != 0;
	int64_t v = NET_EBADOP;

	memset(r, 0, sizeof(*r));
	if (badge == 0) {
		return;			/* the stack thread's look (main.c): no reply */
	} else if (b == 0 || b >= CLIENTS) {
		v = NET_EPERM;
	} else if (op == NET_STATUS) {
		uint64_t w[3] = { 0, 0, 0 };

		if (m->w[0] < NET_ST_ITEMS) {
			stack_take();
			status(m->w[0], w);
			stack_give();
			r->w[1] = w[0];
			r->w[2] = w[1];
			r->w[3] = w[2];
			v = 0;
		} else {
			v = NET_EINVAL;
		}
	} else if (badge & NET_BADGE_STATUS) {
		v = NET_EPERM;		/* status only: no connections */
	} else if (op == NET_SETBUF) {
		v = do_setbuf(b, m);
		if (door && b == allow_owner)
			nallowed = 0;	/* a new door session says anew where it goes */
	} else if (op == NET_SETNOTE) {
		v = do_setnote(b, m);
	} else if (op == NET_ALLOW) {
		v = door ? do_allow(b, m->w[0]) : NET_EPERM;
	} else if (op >= NET_CONNECT && op <= NET_CLOSE) {
		if (clients[b].buf == NULL) {
			v = NET_ENOBUF;
		} else {
			stack_take();
			v = tcp_op(b, door, op, m, r);
			net_eth_flush(&eth);	/* what it sent goes now, not at the next tick */
			stack_give();
		}
	}
	/* A capability offered with anything else is not kept. */
	cap_delete(SLOT_RECV);
	r->w[0] = (uint64_t)v;
}

_Noreturn void
serve_forever(void)
{
	struct msg m, r;
	int64_t err;

	printf("netd: serving\n");
	serving_started = 1;
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("netd: receive failed: %s\n", err_name(err));
			thread_kill(SLOT_STACK_THR, 0);
			thread_exit();
		}
		serving_busy = 1;
		serve(&m, &r);
		serving_busy = 0;
		err = ipc_reply_recv4(SLOT_SERVE, r.tag | ((uint64_t)SLOT_RECV << 48),
		    r.w[0], r.w[1], r.w[2], r.w[3], &m);
	}
}
