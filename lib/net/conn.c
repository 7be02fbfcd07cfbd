/*
 * TCP connections over lwIP's raw API (see conn.h). Each table entry
 * holds its pcb (NULL once lwIP has freed it), its receive buffer (a ring
 * of TCP_WND bytes), and the error that ended it. lwIP's callbacks only
 * record what happened and wake the owner; the owner's next call sees it.
 */
#include "lib/libc/string.h"
#include "lib/net/conn.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"

enum state {
	C_FREE,
	C_CONNECTING,
	C_OPEN,		/* connected (maybe closed by the peer: eof) */
	C_LISTEN,
	C_FAILED,	/* err says why; the pcb is gone */
};

struct conn {
	int state;
	uint32_t owner;
	struct tcp_pcb *pcb;
	uint8_t *buf;		/* TCP_WND bytes; connections only */
	uint32_t head, len;	/* ring: bytes at buf[head..], len of them */
	int eof;		/* the peer sent FIN */
	int err;		/* NET_E*, for C_FAILED */
	int parent;		/* a listener's handle while waiting to be accepted, else -1 */
	uint32_t deadline;	/* connecting: ms by sys_now */
};

static struct conn conns[NET_CONN_MAX];
static const struct net_conn_env *env;
static struct net_conn_stats stats;

void
net_conn_init(const struct net_conn_env *e)
{
	env = e;
	memset(conns, 0, sizeof(conns));
	memset(&stats, 0, sizeof(stats));
}

const struct net_conn_stats *
net_conn_stats(void)
{
	return &stats;
}

static struct conn *
lookup(uint32_t owner, int h)
{
	if (h < 0 || h >= NET_CONN_MAX || conns[h].state == C_FREE ||
	    conns[h].owner != owner || conns[h].parent >= 0)
		return NULL;
	return &conns[h];
}

static int
conn_alloc(uint32_t owner, int with_buffer)
{
	for (int h = 0; h < NET_CONN_MAX; h++) {
		struct conn *c = &conns[h];

		if (c->state != C_FREE)
			continue;
		memset(c, 0, sizeof(*c));
		c->parent = -1;
		c->owner = owner;
		if (with_buffer && (c->buf = env->alloc(TCP_WND)) == NULL)
			return NET_ENOMEM;
		return h;
	}
	return NET_ENOMEM;
}

/* Frees the entry; its pcb must already be closed or detached. */
static void
conn_free(struct conn *c)
{
	if (c->buf != NULL)
		env->free(c->buf);
	memset(c, 0, sizeof(*c));
	c->state = C_FREE;
}

/* Stops lwIP from calling us about pcb. */
static void
detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static void
fail(struct conn *c, int err)
{
	c->state = C_FAILED;
	c->err = err;
	c->pcb = NULL;
	env->wake(c->owner);
}

/* --- lwIP's callbacks ------------------------------------------------------ */

static err_t
on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;
	uint32_t at, first;

	if (p == NULL) {
		c->eof = 1;
		env->wake(c->owner);
		return ERR_OK;
	}
	/* The window never offers more than the buffer holds; if a peer
	   sends past it anyway, lwIP keeps the data and offers it again. */
	if (p->tot_len > TCP_WND - c->len)
		return ERR_MEM;
	at = (c->head + c->len) % TCP_WND;
	first = TCP_WND - at < p->tot_len ? TCP_WND - at : p->tot_len;
	pbuf_copy_partial(p, c->buf + at, (u16_t)first, 0);
	if (first < p->tot_len)
		pbuf_copy_partial(p, c->buf, (u16_t)(p->tot_len - first), (u16_t)first);
	c->len += p->tot_len;
	pbuf_free(p);
	env->wake(c->owner);
	return ERR_OK;
}

static err_t
on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	env->wake(c->owner);
	return ERR_OK;
}

/* The pcb is already freed by lwIP when this is called. */
static void
on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	if (c == NULL)
		return;
	if (err == ERR_RST && c->state == C_CONNECTING) {
		stats.refused++;
		fail(c, NET_ECONNREFUSED);
	} else if (err == ERR_RST) {
		stats.reset++;
		fail(c, NET_ECONNRESET);
	} else {
		fail(c, NET_ECONNABORTED);
	}
}

static void
attach(struct conn *c, struct tcp_pcb *pcb)
{
	c->pcb = pcb;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_nagle_disable(pcb);
}

static err_t
on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c = arg;

	c->state = C_OPEN;
	env->wake(c->owner);
	return ERR_OK;
}

static int
pending_children(int listener)
{
	int n = 0;

	for (int h = 0; h < NET_CONN_MAX; h++)
		n += conns[h].state != C_FREE && conns[h].parent == listener;
	return n;
}

static err_t
on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *l = arg;
	int lh = (int)(l - conns), h = -1;

	if (err != ERR_OK || pcb == NULL)
		return ERR_VAL;
	/* l->deadline holds the backlog for a listener. */
	if ((uint32_t)pending_children(lh) >= l->deadline ||
	    (h = conn_alloc(l->owner, 1)) < 0) {
		if (h >= 0)
			conn_free(&conns[h]);
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	conns[h].state = C_OPEN;
	conns[h].parent = lh;
	attach(&conns[h], pcb);
	stats.accepted++;
	env->wake(l->owner);
	return ERR_OK;
}

/* --- Operations ------------------------------------------------------------ */

int
net_tcp_connect(uint32_t owner, uint32_t ip, uint16_t port, uint32_t timeout_ms)
{
	struct tcp_pcb *pcb;
	ip_addr_t addr;
	struct netif *nif = netif_default;
	int h;

	if (port == 0 || ip == 0 || ip == 0xffffffffu)
		return NET_EINVAL;
	if (nif == NULL || !netif_is_up(nif) || !netif_is_link_up(nif) ||
	    ip4_addr_isany_val(*netif_ip4_addr(nif)))
		return NET_ENETDOWN;
	if ((h = conn_alloc(owner, 1)) < 0)
		return h;
	if ((pcb = tcp_new()) == NULL) {
		conn_free(&conns[h]);
		return NET_ENOMEM;
	}
	ip_addr_set_ip4_u32(&addr, ip);
	conns[h].state = C_CONNECTING;
	conns[h].deadline = sys_now() + (timeout_ms ? timeout_ms : NET_CONNECT_TIMEOUT);
	attach(&conns[h], pcb);
	if (tcp_connect(pcb, &addr, port, on_connected) != ERR_OK) {
		detach(pcb);
		tcp_abort(pcb);
		conn_free(&conns[h]);
		return NET_ENOMEM;
	}
	stats.opened++;
	stats.active++;
	return h;
}

int
net_tcp_listen(uint32_t owner, uint16_t port, uint32_t backlog)
{
	struct tcp_pcb *pcb, *lpcb;
	err_t e;
	int h;

	if (port == 0 || backlog == 0 || backlog > NET_BACKLOG_MAX)
		return NET_EINVAL;
	if ((h = conn_alloc(owner, 0)) < 0)
		return h;
	if ((pcb = tcp_new()) == NULL) {
		conn_free(&conns[h]);
		return NET_ENOMEM;
	}
	if ((e = tcp_bind(pcb, IP_ADDR_ANY, port)) != ERR_OK) {
		tcp_abort(pcb);
		conn_free(&conns[h]);
		return e == ERR_USE ? NET_EADDRINUSE : NET_EINVAL;
	}
	if ((lpcb = tcp_listen_with_backlog(pcb, (u8_t)backlog)) == NULL) {
		tcp_abort(pcb);
		conn_free(&conns[h]);
		return NET_ENOMEM;
	}
	conns[h].state = C_LISTEN;
	conns[h].pcb = lpcb;
	conns[h].deadline = backlog;
	tcp_arg(lpcb, &conns[h]);
	tcp_accept(lpcb, on_accept);
	stats.active++;
	return h;
}

int
net_tcp_accept(uint32_t owner, int h, uint32_t *ip, uint16_t *port)
{
	struct conn *l = lookup(owner, h);

	if (l == NULL)
		return NET_EBADF;
	if (l->state != C_LISTEN)
		return NET_EINVAL;
	for (int k = 0; k < NET_CONN_MAX; k++) {
		struct conn *c = &conns[k];

		if (c->state == C_FREE || c->parent != h)
			continue;
		c->parent = -1;
		*ip = 0;
		*port = 0;
		if (c->pcb != NULL) {
			*ip = ip4_addr_get_u32(ip_2_ip4(&c->pcb->remote_ip));
			*port = c->pcb->remote_port;
		}
		stats.active++;
		return k;
	}
	return NET_EAGAIN;
}

long
net_tcp_send(uint32_t owner, int h, const void *buf, size_t n)
{
	struct conn *c = lookup(owner, h);
	size_t room;
	err_t e;

	if (c == NULL)
		return NET_EBADF;
	if (c->state == C_FAILED)
		return c->err;
	if (c->state == C_CONNECTING)
		return NET_EAGAIN;
	if (c->state != C_OPEN)
		return NET_ENOTCONN;
	if (n == 0)
		return 0;
	room = tcp_sndbuf(c->pcb);
	if (tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 2)
		room = 0;
	if (room == 0)
		return NET_EAGAIN;
	if (n > room)
		n = room;
	if (n > 0xffff)
		n = 0xffff;	/* tcp_write takes a u16_t length */
	/* Out of segments or heap: try a smaller piece before giving up. */
	while ((e = tcp_write(c->pcb, buf, (u16_t)n, TCP_WRITE_FLAG_COPY)) == ERR_MEM && n > TCP_MSS)
		n /= 2;
	if (e == ERR_MEM)
		return NET_EAGAIN;
	if (e != ERR_OK)
		return NET_EPIPE;
	tcp_output(c->pcb);
	return (long)n;
}

long
net_tcp_recv(uint32_t owner, int h, void *buf, size_t n)
{
	struct conn *c = lookup(owner, h);
	uint8_t *out = buf;
	size_t done = 0;

	if (c == NULL)
		return NET_EBADF;
	if (c->state == C_LISTEN)
		return NET_ENOTCONN;
	if (c->state == C_CONNECTING)
		return NET_EAGAIN;
	if (c->len == 0) {
		if (c->state == C_FAILED)
			return c->err;
		return c->eof ? 0 : NET_EAGAIN;
	}
	while (done < n && c->len > 0) {
		uint32_t run = TCP_WND - c->head < c->len ? TCP_WND - c->head : c->len;

		if (run > n - done)
			run = (uint32_t)(n - done);
		memcpy(out + done, c->buf + c->head, run);
		c->head = (c->head + run) % TCP_WND;
		c->len -= run;
		done += run;
	}
	/* Open the window by what was read (tcp_recved takes 16 bits). */
	for (size_t left = done; left > 0 && c->pcb != NULL; ) {
		u16_t step = left > 0xffff ? 0xffff : (u16_t)left;

		tcp_recved(c->pcb, step);
		left -= step;
	}
	return (long)done;
}

/* Closes c's pcb (politely if lwIP can, else with a reset). */
static void
close_pcb(struct conn *c)
{
	if (c->pcb == NULL)
		return;
	detach(c->pcb);
	if (tcp_close(c->pcb) != ERR_OK)
		tcp_abort(c->pcb);
	c->pcb = NULL;
}

static void
conn_close(int h)
{
	struct conn *c = &conns[h];

	if (c->state == C_LISTEN) {
		for (int k = 0; k < NET_CONN_MAX; k++) {
			if (conns[k].state != C_FREE && conns[k].parent == h) {
				close_pcb(&conns[k]);
				conn_free(&conns[k]);
			}
		}
	}
	close_pcb(c);
	conn_free(c);
	stats.active--;
}

int
net_tcp_close(uint32_t owner, int h)
{
	if (lookup(owner, h) == NULL)
		return NET_EBADF;
	conn_close(h);
	return 0;
}

void
net_conn_drop_owner(uint32_t owner)
{
	for (int h = 0; h < NET_CONN_MAX; h++) {
		if (conns[h].state != C_FREE && conns[h].owner == owner && conns[h].parent < 0)
			conn_close(h);
	}
}

void
net_conn_tick(uint32_t now_ms)
{
	for (int h = 0; h < NET_CONN_MAX; h++) {
		struct conn *c = &conns[h];

		if (c->state != C_CONNECTING || (int32_t)(now_ms - c->deadline) < 0)
			continue;
		detach(c->pcb);
		tcp_abort(c->pcb);
		stats.timed_out++;
		fail(c, NET_ETIMEDOUT);
	}
}
