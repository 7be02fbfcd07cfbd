/*
 * netbench: NØNOS's half of bench/net, started by init's benchmark
 * manifest (argument 2) with netd's TCP capability. The same script as
 * bench/net/linux_bench.c; the host (bench/net/run) times every phase:
 *   1. 64 MiB to the host's sink (10.0.2.2:17209), then close;
 *   2. 200 connections to 10.0.2.2:17210, each closed at once;
 *   3. listen on 5001 (the host sends 64 MiB; read to the end, close)
 *      and 5002 (200 connections: answer one byte each, close).
 */
#include "user/lib/netd.h"
#include "user/lib/nonos.h"

#define SLOT_NETD	16
#define SLOT_FRAME	17
#define SLOT_NOTE	18
#define BUF_VA		0x0000100000000000ULL
#define HOST		0x0a000202u	/* 10.0.2.2 */
#define BULK		(64u << 20)
#define CONNS		200

static struct netd_client nc;
static uint8_t buf[NET_BUF];

static int
fail(const char *what, int64_t err)
{
	printf("netbench: error: %s: %s\n", what, netd_strerror(err));
	return 1;
}

int
main(uint64_t arg)
{
	uint64_t w[3], sent = 0;
	int64_t h, l, err;
	uint32_t ip;
	uint16_t port;

	(void)arg;
	if ((err = netd_attach(&nc, SLOT_NETD, SLOT_FRAME, SLOT_NOTE, BUF_VA)) < 0)
		return fail("attach", err);
	for (int i = 0; netd_status(SLOT_NETD, NET_ST_LINK, w) == 0 && !(w[0] & NET_F_BOUND); i++) {
		if (i == 600)
			return fail("no DHCP lease", NET_ETIMEDOUT);
		timer_notify(SLOT_NOTE, 10);
		notify_wait(SLOT_NOTE);
	}
	printf("netbench: start\n");
	if ((h = netd_connect(&nc, HOST, 17209, 5000)) < 0)
		return fail("connect to the sink", h);
	for (; sent < BULK; sent += sizeof(buf)) {
		if ((err = netd_send(&nc, h, buf, sizeof(buf))) < 0)
			return fail("send", err);
	}
	netd_close(&nc, h);
	for (int i = 0; i < CONNS; i++) {
		if ((h = netd_connect(&nc, HOST, 17210, 5000)) < 0)
			return fail("connect", h);
		netd_close(&nc, h);
	}
	if ((l = netd_listen(&nc, 5001, 1)) < 0 || (h = netd_listen(&nc, 5002, 8)) < 0)
		return fail("listen", l < 0 ? l : h);
	printf("netbench: listening\n");
	if ((err = netd_accept(&nc, l, &ip, &port)) < 0)
		return fail("accept", err);
	for (int64_t got = 1; got > 0; )
		got = netd_recv(&nc, err, buf, sizeof(buf));
	netd_close(&nc, err);
	for (int i = 0; i < CONNS; i++) {
		int64_t c = netd_accept(&nc, h, &ip, &port);

		if (c < 0)
			return fail("accept", c);
		buf[0] = 'x';
		netd_send(&nc, c, buf, 1);
		netd_close(&nc, c);
	}
	printf("netbench: done\n");
	return 0;
}
