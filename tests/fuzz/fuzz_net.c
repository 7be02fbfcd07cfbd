/*
 * libFuzzer target for netd's packet input: arbitrary Ethernet frames
 * (ARP, IPv4, ICMP, which is dropped, UDP, DHCP, TCP) through the packet
 * ring, our glue (lib/net/eth.c) and lwIP, with the connection layer
 * (lib/net/conn.c) serving a listener and an outgoing connection as
 * netd does.
 *
 * The input is a list of records: flags (1 byte), length (2, little
 * endian), frame. So that short runs get past the checks a real peer
 * would pass, flags may ask the harness to fix a frame up first:
 *   1  a DHCP reply gets the transaction id of the client's request
 *   2  a TCP segment goes to the connection with its source port as the
 *      peer's port, acknowledging what that sent (ack = snd_nxt)
 *      and, with 4, carries the sequence number it expects (seq = rcv_nxt)
 *   8  the IPv4 header and UDP/TCP checksums are recomputed
 * The clock advances half a second per record, so timers run too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/net/conn.h"
#include "lib/net/eth.h"
#include "lib/net/port.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/dhcp.h"
#include "lwip/timeouts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OWNER	1
#define IP_US	0x0f02000au	/* 10.0.2.15 */
#define IP_GW	0x0202000au	/* 10.0.2.2 */

static uint32_t clock_ms;
static struct net_eth eth;
static uint8_t rings[2][PKT_RING_BYTES] __attribute__((aligned(64)));
static struct pkt_ring rx_prod, tx_cons;
static int handles[NET_CONN_MAX], nhandles;

static uint32_t
now_ms(void)
{
	return clock_ms;
}

static void
quiet(const char *m)
{
	(void)m;
}

static void
fatal(const char *m)
{
	(void)m;
	abort();	/* a failed lwIP assertion is a finding */
}

static void
nowake(uint32_t owner)
{
	(void)owner;
}

static const struct net_platform plat = { now_ms, quiet, fatal };
static const struct net_conn_env cenv = { malloc, free, nowake };

static void
setup(void)
{
	static const uint8_t seed[NET_SEED_LEN] = { 0x6e, 0x65, 0x74 };
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };
	int h;

	net_port_init(&plat, seed);
	lwip_init();
	net_conn_init(&cenv);
	pkt_ring_init(&rx_prod, rings[0]);
	pkt_ring_init(&tx_cons, rings[1]);
	if (net_eth_add(&eth, mac, rings[0], rings[1], IP_US, 0x00ffffffu, IP_GW) != 0)
		abort();
	net_eth_link(&eth, 1);
	dhcp_start(&eth.netif);		/* so that DHCP replies are parsed too */
	if ((h = net_tcp_listen(OWNER, 80, 4)) >= 0)
		handles[nhandles++] = h;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint32_t
sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Applies the fix-ups flags asks for to an IPv4 frame f of n bytes. */
static void
fixup(uint8_t *f, size_t n, uint8_t flags)
{
	uint8_t *ip = f + 14, *l4;
	size_t ihl, tot, l4len;

	if (n < 34 || get16(f + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return;
	ihl = (size_t)(ip[0] & 15) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || tot < ihl || 14 + tot > n)
		return;
	l4 = ip + ihl;
	l4len = tot - ihl;
	if ((flags & 1) && ip[9] == 17 && l4len >= 8 + 8 && get16(l4 + 2) == 68) {
		struct dhcp *d = netif_dhcp_data(&eth.netif);

		if (d != NULL)
			put32(l4 + 8 + 4, d->xid);
		put16(l4 + 6, 0);	/* no UDP checksum */
	}
	if ((flags & 2) && ip[9] == 6 && l4len >= 20) {
		for (struct tcp_pcb *p = tcp_active_pcbs; p != NULL; p = p->next) {
			/* Our side's port is random: match the peer's only. */
			if (p->remote_port != get16(l4))
				continue;
			put16(l4 + 2, p->local_port);
			put32(l4 + 8, p->snd_nxt);
			if (flags & 4)
				put32(l4 + 4, p->rcv_nxt);
			break;
		}
	}
	if (flags & 8) {
		put16(ip + 10, 0);
		put16(ip + 10, fold(sum(ip, ihl, 0)));
		if ((ip[9] == 6 && l4len >= 20) || (ip[9] == 17 && l4len >= 8)) {
			uint32_t s = sum(ip + 12, 8, 0) + ip[9] + (uint32_t)l4len;
			size_t at = ip[9] == 6 ? 16 : 6;

			put16(l4 + at, 0);
			put16(l4 + at, fold(sum(l4, l4len, s)));
		}
	}
}

/* What netd does between frames: accept, read, answer, drop the failed. */
static void
serve(void)
{
	static uint8_t buf[4096];
	uint32_t ip;
	uint16_t port;
	int h;

	if (nhandles > 0 && nhandles < NET_CONN_MAX &&
	    (h = net_tcp_accept(OWNER, handles[0], &ip, &port)) >= 0)
		handles[nhandles++] = h;
	for (int i = 1; i < nhandles; i++) {
		long n = net_tcp_recv(OWNER, handles[i], buf, sizeof(buf));

		if (n > 0)
			n = net_tcp_send(OWNER, handles[i], buf, (size_t)n);
		if (n == 0 || (n < 0 && n != NET_EAGAIN)) {
			net_tcp_close(OWNER, handles[i]);
			handles[i--] = handles[--nhandles];
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	uint8_t frame[PKT_MAX];

	if (!ready) {
		setup();
		ready = 1;
	}
	/* One outgoing connection attempt per input (to the gateway). */
	if (nhandles < NET_CONN_MAX) {
		int h = net_tcp_connect(OWNER, IP_GW, 8080, 3000);

		if (h >= 0)
			handles[nhandles++] = h;
	}
	while (size >= 3) {
		uint8_t flags = data[0];
		size_t len = (size_t)(data[1] | data[2] << 8);

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		if (len <= PKT_MAX) {
			memcpy(frame, data, len);
			fixup(frame, len, flags);
			/* Through the ring as the driver would; too short or long
			   frames are refused there, and fed directly to reach the
			   glue's own check. */
			if (pkt_put(&rx_prod, frame, (uint32_t)len) != 0)
				net_eth_input(&eth, frame, (uint32_t)len);
			net_eth_poll(&eth);
		}
		data += len;
		size -= len;
		clock_ms += 500;
		sys_check_timeouts();
		net_conn_tick(clock_ms);
		serve();
		while (pkt_get(&tx_cons, frame, sizeof(frame)) != 0)
			;
	}
	return 0;
}
