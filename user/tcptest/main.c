/*
 * tcptest: netd's in-guest test client (tests/qemu/test_net.py), started
 * only by the tests' manifest (init's argument 1) with netd's TCP
 * capability in slot 16 and its status capability in slot 17.
 *
 * It shows the status capability cannot open connections, waits for a
 * DHCP lease, then talks to the test's servers on the host (10.0.2.2 in
 * QEMU's user network is the host's 127.0.0.1): an echo, 64 MiB each way
 * (a pattern both sides know, checked byte for byte here and by hash on
 * the host), a refused port and a connection that times out (an address
 * on the guest's network nobody answers ARP for: nothing leaves QEMU).
 * Each check prints a PASS or FAIL line.
 */
#include "user/lib/netd.h"
#include "user/lib/nonos.h"

#define SLOT_NETD	16
#define SLOT_STATUS	17
#define SLOT_FRAME	18
#define SLOT_NOTE	19
#define SLOT_DOOR	20	/* netd's door (door:netd) */
#define SLOT_DOOR_FRAME	21
#define SLOT_DOOR_NOTE	22
#define BUF_VA		0x0000100000000000ULL
#define DOOR_VA		0x0000180000000000ULL
#define HOST		0x0a000202u	/* 10.0.2.2 */
#define NOBODY		0x0a00024du	/* 10.0.2.77 */
#define PORT_ECHO	17007
#define PORT_SINK	17009
#define PORT_SOURCE	17019
#define PORT_CLOSED	17001
#define BULK		(64ull << 20)
#define PERIOD		65521	/* the pattern repeats every PERIOD bytes */

static struct netd_client nc;
static uint8_t pattern[PERIOD], buf[NET_BUF];
static int failed;

static void
check(const char *what, int ok, int64_t err)
{
	printf("tcptest: %s %s", ok ? "PASS" : "FAIL", what);
	if (err < 0)
		printf(" (%s)", netd_strerror(err));
	printf("\n");
	failed |= !ok;
}

/* The status capability may ask, never connect or give a buffer. */
static void
test_status_cap(void)
{
	struct msg r;
	uint64_t w[3];

	check("status capability reads the link", netd_status(SLOT_STATUS, NET_ST_LINK, w) == 0, 0);
	ipc_call4(SLOT_STATUS, NET_CONNECT, HOST, PORT_ECHO, 0, 0, &r);
	check("status capability cannot connect", (int64_t)r.w[0] == NET_EPERM,
	    (int64_t)r.w[0]);
	ipc_call4(SLOT_STATUS, NET_LISTEN, 80, 1, 0, 0, &r);
	check("status capability cannot listen", (int64_t)r.w[0] == NET_EPERM,
	    (int64_t)r.w[0]);
}

static int
wait_address(void)
{
	uint64_t w[3];

	for (int i = 0; i < 300; i++) {
		if (netd_status(SLOT_STATUS, NET_ST_LINK, w) == 0 && (w[0] & NET_F_BOUND))
			return 1;
		if (i == 0 && !(w[0] & NET_F_DRIVER))
			return 0;
		timer_notify(SLOT_NOTE, 10);	/* 100 ms */
		notify_wait(SLOT_NOTE);
	}
	return 0;
}

static void
test_echo(void)
{
	int64_t h = netd_connect(&nc, HOST, PORT_ECHO, 5000), n = 0;
	uint64_t got = 0;

	if (h < 0) {
		check("echo: connect", 0, h);
		return;
	}
	if ((n = netd_send(&nc, h, pattern, 60000)) != 60000) {
		check("echo: send", 0, n);
		netd_close(&nc, h);
		return;
	}
	while (got < 60000 && (n = netd_recv(&nc, h, buf + got, 60000 - got)) > 0)
		got += (uint64_t)n;
	check("echo: 60000 bytes back unchanged", got == 60000 && memcmp(buf, pattern, 60000) == 0,
	    n);
	netd_close(&nc, h);
}

static void
test_send_bulk(void)
{
	int64_t h = netd_connect(&nc, HOST, PORT_SINK, 5000), n = 0;
	uint64_t sent = 0, start = ticks();

	while (h >= 0 && sent < BULK) {
		uint64_t off = sent % PERIOD, part = PERIOD - off;

		if (part > BULK - sent)
			part = BULK - sent;
		if ((n = netd_send(&nc, h, pattern + off, part)) < 0)
			break;
		sent += part;
	}
	check("64 MiB sent to the host", h >= 0 && sent == BULK, h < 0 ? h : n);
	printf("tcptest: sent %llu bytes in %llu ticks\n", (unsigned long long)sent,
	    (unsigned long long)(ticks() - start));
	if (h >= 0)
		netd_close(&nc, h);
}

static void
test_recv_bulk(void)
{
	int64_t h = netd_connect(&nc, HOST, PORT_SOURCE, 5000), n = 0;
	uint64_t got = 0, bad = 0, start = ticks();

	while (h >= 0 && (n = netd_recv(&nc, h, buf, sizeof(buf))) > 0) {
		for (int64_t i = 0; i < n; i++)
			bad += buf[i] != pattern[(got + (uint64_t)i) % PERIOD];
		got += (uint64_t)n;
	}
	check("64 MiB received from the host, every byte right",
	    h >= 0 && n == 0 && got == BULK && bad == 0, h < 0 ? h : n);
	printf("tcptest: received %llu bytes in %llu ticks\n", (unsigned long long)got,
	    (unsigned long long)(ticks() - start));
	if (h >= 0)
		netd_close(&nc, h);
}

static void
test_errors(void)
{
	int64_t h = netd_connect(&nc, HOST, PORT_CLOSED, 5000);

	check("a closed port is refused", h == NET_ECONNREFUSED, h);
	h = netd_connect(&nc, NOBODY, 80, 3000);
	check("a silent address times out", h == NET_ETIMEDOUT, h);
	h = netd_connect(&nc, HOST, 0, 0);
	check("port 0 is invalid", h == NET_EINVAL, h);
}

/*
 * A door (init's door:netd, oniond's kind of capability) connects only
 * to what it listed with NET_ALLOW, never listens; netd counts each
 * refusal (NET_ST_DOOR).
 */
static void
test_door(void)
{
	struct netd_client door;
	struct net_allow *a;
	uint64_t before[3], after[3];
	int64_t err, h;
	struct msg r;

	if ((err = netd_attach(&door, SLOT_DOOR, SLOT_DOOR_FRAME, SLOT_DOOR_NOTE,
	    DOOR_VA)) < 0) {
		check("attach through the door", 0, err);
		return;
	}
	netd_status(SLOT_STATUS, NET_ST_DOOR, before);
	h = netd_connect(&door, HOST, PORT_ECHO, 2000);
	check("the door connects nowhere before it lists a destination",
	    h == NET_EPERM, h);
	a = (struct net_allow *)door.buf;
	a[0].ip = HOST;
	a[0].port = PORT_CLOSED;
	a[0].zero = 0;
	ipc_call4(SLOT_DOOR, NET_ALLOW, 1, 0, 0, 0, &r);
	check("the door lists one destination", (int64_t)r.w[0] == 0, (int64_t)r.w[0]);
	h = netd_connect(&door, HOST, PORT_ECHO, 2000);
	check("the door cannot reach another port of the same host",
	    h == NET_EPERM, h);
	h = netd_connect(&door, HOST, PORT_CLOSED, 10000);	/* the lossy link: retries */
	check("the door reaches what it listed (refused there: nobody listens)",
	    h == NET_ECONNREFUSED, h);
	check("the door cannot listen", netd_listen(&door, 80, 1) == NET_EPERM, 0);
	ipc_call4(SLOT_NETD, NET_ALLOW, 0, 0, 0, 0, &r);
	check("a plain client cannot set the door's list", (int64_t)r.w[0] == NET_EPERM,
	    (int64_t)r.w[0]);
	netd_status(SLOT_STATUS, NET_ST_DOOR, after);
	check("netd counted the door's three refusals", after[1] == before[1] + 3, 0);
}

int
main(uint64_t arg)
{
	int64_t err;

	(void)arg;
	for (uint32_t k = 0; k < PERIOD; k++)
		pattern[k] = (uint8_t)((k * 2654435761u) >> 13);
	test_status_cap();
	if ((err = netd_attach(&nc, SLOT_NETD, SLOT_FRAME, SLOT_NOTE, BUF_VA)) < 0) {
		check("attach to netd", 0, err);
		return 1;
	}
	if (!wait_address()) {
		printf("tcptest: no address (no NIC driver or no DHCP answer); done\n");
		return 0;
	}
	test_echo();
	test_send_bulk();
	test_recv_bulk();
	test_errors();
	test_door();
	printf("tcptest: done, %s\n", failed ? "some checks FAILED" : "all passed");
	return 0;
}
