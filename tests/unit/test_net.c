/*
 * Host tests of netd's stack: lwIP (from Debian's source, configured by
 * lib/net/lwipopts.h) with our glue (lib/net: the ring interface, the
 * connection layer, the random source and RFC 6528 sequence numbers).
 *
 * Each test forks two processes, each running its own lwIP (lwIP keeps
 * its state in globals), joined by packet rings in shared memory through
 * a "wire" that the parent runs: it moves frames between the rings, may
 * drop and reorder them, and records the first SYN of each side. Checks:
 * TCP echo, bulk transfers both ways checked by BLAKE3, a lossy link
 * (1% dropped, some reordered) that delivers every byte, connection
 * refused and timed out, and the privacy settings (no TCP timestamps,
 * MSS 1460 and window scaling on the SYN, keyed sequence numbers, no host
 * name in DHCP, a random locally administered MAC, LWIP_RAND seeded).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lib/crypto/blake3.h"
#include "lib/net/conn.h"
#include "lib/net/eth.h"
#include "lib/net/hooks.h"
#include "lib/net/port.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"

#define IP_A	0x0100000au	/* 10.0.0.1 in network byte order */
#define IP_B	0x0200000au	/* 10.0.0.2 */
#define MASK	0x00ffffffu
#define PORT_ECHO	7
#define PORT_SINK	9
#define PORT_SOURCE	19
#define PORT_CLOSED	4444

/* Shared between the wire (parent) and the two stacks (children). */
struct shared {
	uint8_t ring[4][PKT_RING_BYTES];	/* A rx, A tx, B rx, B tx */
	volatile int done[2];			/* a stack finished its part */
	uint8_t hash[2][32];			/* what each side sent or received */
	uint64_t bytes[2];
	volatile uint32_t syn_seq[2];		/* first SYN seen from A, from B */
	volatile uint16_t syn_sport[2];
	uint8_t syn_opts[2][40];
	volatile uint32_t syn_optlen[2];
	uint64_t dropped, reordered;
	uint8_t first_frame[2][PKT_MAX];	/* DHCP test: each side's first frame */
	volatile uint32_t first_len[2];
};

enum { A_RX, A_TX, B_RX, B_TX };

static struct shared *sh;
static uint8_t seed_a[32] = { 1 }, seed_b[32] = { 2 };

/* --- A stack in a child ------------------------------------------------------ */

static uint32_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void
plat_log(const char *m)
{
	fprintf(stderr, "lwip: %s\n", m);
}

static void
plat_fatal(const char *m)
{
	fprintf(stderr, "lwip assertion: %s\n", m);
	abort();
}

static const struct net_platform plat = { now_ms, plat_log, plat_fatal };

static void
nowake(uint32_t owner)
{
}

static const struct net_conn_env cenv = { malloc, free, nowake };
static struct net_eth eth;

static void
stack_up(int side, uint32_t ip)
{
	uint8_t mac[6];

	net_port_init(&plat, side == 0 ? seed_a : seed_b);
	lwip_init();
	net_conn_init(&cenv);
	net_random_mac(mac);
	if (net_eth_add(&eth, mac, sh->ring[side == 0 ? A_RX : B_RX],
	    sh->ring[side == 0 ? A_TX : B_TX], ip, ip ? MASK : 0, 0) != 0)
		_exit(90);
	net_eth_link(&eth, 1);
}

static void
stack_run(void)
{
	if (net_eth_poll(&eth) == 0)
		usleep(50);
	sys_check_timeouts();
	net_conn_tick(now_ms());
	net_eth_flush(&eth);
}

/* Runs the stack for ms milliseconds. */
static void
stack_idle(uint32_t ms)
{
	uint32_t end = now_ms() + ms;

	while ((int32_t)(now_ms() - end) < 0)
		stack_run();
}

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)(i * 2654435761u >> 13);
}

/* Server behaviours. */
enum server { S_ECHO, S_SINK, S_SOURCE, S_NONE };

static int
accept_one(int l)
{
	uint32_t ip;
	uint16_t port;
	int h;

	while ((h = net_tcp_accept(1, l, &ip, &port)) == NET_EAGAIN)
		stack_run();
	return h;
}

static void
server(enum server what, uint64_t nbytes)
{
	static uint8_t buf[65536];
	struct blake3 hh;
	uint64_t total = 0;
	int l, h;
	long n;

	stack_up(1, IP_B);
	blake3_init(&hh);
	if (what == S_NONE) {
		while (!sh->done[0])
			stack_run();
		_exit(0);
	}
	l = net_tcp_listen(1, what == S_ECHO ? PORT_ECHO : what == S_SINK ? PORT_SINK :
	    PORT_SOURCE, 4);
	if (l < 0 || (h = accept_one(l)) < 0)
		_exit(91);
	if (what == S_SOURCE) {
		while (total < nbytes) {
			size_t want = sizeof(buf);

			if (want > nbytes - total)
				want = (size_t)(nbytes - total);
			for (size_t i = 0; i < want; i++)
				buf[i] = pattern(total + i);
			n = net_tcp_send(1, h, buf, want);
			if (n == NET_EAGAIN) {
				stack_run();
				continue;
			}
			if (n <= 0)
				_exit(92);
			blake3_update(&hh, buf, (size_t)n);
			total += (uint64_t)n;
		}
	} else {
		for (;;) {
			n = net_tcp_recv(1, h, buf, sizeof(buf));
			if (n == NET_EAGAIN) {
				stack_run();
				continue;
			}
			if (n == 0)
				break;
			if (n < 0)
				_exit(93);
			blake3_update(&hh, buf, (size_t)n);
			total += (uint64_t)n;
			for (long off = 0; what == S_ECHO && off < n; ) {
				long s = net_tcp_send(1, h, buf + off, (size_t)(n - off));

				if (s == NET_EAGAIN)
					stack_run();
				else if (s < 0)
					_exit(94);
				else
					off += s;
			}
		}
	}
	blake3_final(&hh, sh->hash[1], 32);
	sh->bytes[1] = total;
	net_tcp_close(1, h);
	net_tcp_close(1, l);
	stack_idle(300);	/* let the FIN and the last data out */
	sh->done[1] = 1;
	while (!sh->done[0])
		stack_run();
	_exit(0);
}

/* --- The wire ------------------------------------------------------------------ */

struct wire {
	double loss;			/* fraction of frames dropped */
	int reorder;			/* hold back every 50th frame by one */
	int silent_b;			/* B never hears anything */
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
wire_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Records the first SYN a side sends: sequence number, port and options. */
static void
note_syn(int side, const uint8_t *f, int n)
{
	const uint8_t *ip = f + 14, *tcp;
	uint32_t ihl, doff, seq;

	if (sh->syn_seq[side] != 0 || n < 54 || f[12] != 0x08 || f[13] != 0 || ip[9] != 6)
		return;
	ihl = (ip[0] & 15u) * 4;
	tcp = ip + ihl;
	if ((tcp[13] & 0x12) != 0x02 || 14 + ihl + 20 > (uint32_t)n)
		return;
	doff = (uint32_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || 14 + ihl + doff > (uint32_t)n)
		return;
	seq = (uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7];
	sh->syn_sport[side] = (uint16_t)(tcp[0] << 8 | tcp[1]);
	memcpy(sh->syn_opts[side], tcp + 20, doff - 20);
	sh->syn_optlen[side] = doff - 20;
	sh->syn_seq[side] = seq ? seq : 1;
}

/* Moves frames from ring `from` to ring `to` (side: who sent them). */
static int
wire_move(struct wire *w, struct pkt_ring *from, struct pkt_ring *to, int side,
    uint8_t *held, int *held_len)
{
	uint8_t f[PKT_MAX];
	int moved = 0, n;

	while (pkt_space(to) > 1 && (n = pkt_get(from, f, sizeof(f))) != 0) {
		moved++;
		if (n < 0)
			continue;
		if (sh->first_len[side] == 0) {
			memcpy(sh->first_frame[side], f, (size_t)n);
			sh->first_len[side] = (uint32_t)n;
		}
		note_syn(side, f, n);
		if ((side == 0 && w->silent_b) ||
		    (w->loss > 0 && wire_rand() % 10000 < (uint32_t)(w->loss * 10000))) {
			sh->dropped++;
			continue;
		}
		if (w->reorder && *held_len == 0 && wire_rand() % 50 == 0) {
			memcpy(held, f, (size_t)n);
			*held_len = n;
			sh->reordered++;
			continue;
		}
		pkt_put(to, f, (uint32_t)n);
		if (*held_len > 0) {
			pkt_put(to, held, (uint32_t)*held_len);
			*held_len = 0;
		}
	}
	return moved;
}

/* Runs the wire until both children exit; their exit statuses. */
static void
wire_run(struct wire *w, pid_t a, pid_t b, int *sa, int *sb)
{
	struct pkt_ring atx, arx, btx, brx;
	uint8_t held[2][PKT_MAX];
	int held_len[2] = { 0, 0 }, left = 2;
	time_t start = time(NULL);

	pkt_ring_attach(&atx, sh->ring[A_TX]);
	pkt_ring_attach(&arx, sh->ring[A_RX]);
	pkt_ring_attach(&btx, sh->ring[B_TX]);
	pkt_ring_attach(&brx, sh->ring[B_RX]);
	*sa = *sb = -1;
	while (left > 0) {
		int st, moved;
		pid_t p;

		moved = wire_move(w, &atx, &brx, 0, held[0], &held_len[0]);
		moved += wire_move(w, &btx, &arx, 1, held[1], &held_len[1]);
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			left--;
			if (p == a)
				*sa = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			else if (p == b)
				*sb = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		if (time(NULL) - start > 240) {
			kill(a, SIGKILL);
			kill(b, SIGKILL);
		}
		if (!moved)
			usleep(50);
	}
}

static void
fresh_shared(void)
{
	memset(sh, 0, sizeof(*sh));
	for (int i = 0; i < 4; i++) {
		struct pkt_ring r;

		pkt_ring_init(&r, sh->ring[i]);
	}
}

/* Forks stack A running fn and stack B running server(what), runs the wire. */
static void
run_pair(void (*fn)(void), enum server what, uint64_t nbytes, struct wire *w)
{
	int sa, sb;
	pid_t a, b;

	fresh_shared();
	if ((b = fork()) == 0)
		server(what, nbytes);
	if ((a = fork()) == 0) {
		stack_up(0, IP_A);
		fn();
		sh->done[0] = 1;
		while (what != S_NONE && !sh->done[1])
			stack_run();
		_exit(0);
	}
	wire_run(w, a, b, &sa, &sb);
	assert_int_equal(sa, 0);
	assert_int_equal(sb, 0);
}

/* --- Client behaviours (stack A) ------------------------------------------------ */

static uint64_t bulk_bytes;

static int
connect_wait(uint16_t port, uint32_t timeout)
{
	uint8_t b;
	int h = net_tcp_connect(1, IP_B, port, timeout);
	long n;

	if (h < 0)
		_exit(10);
	/* A zero-byte send reports the connection's state. */
	while ((n = net_tcp_send(1, h, &b, 0)) == NET_EAGAIN)
		stack_run();
	if (n < 0) {
		net_tcp_close(1, h);
		return (int)n;
	}
	return h;
}

static void
client_echo(void)
{
	static uint8_t out[100000], in[100000];
	uint64_t sent = 0, got = 0;
	int h = connect_wait(PORT_ECHO, 0);

	if (h < 0)
		_exit(11);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = pattern(i * 7);
	while (got < sizeof(in)) {
		long n;

		if (sent < sizeof(out)) {
			n = net_tcp_send(1, h, out + sent, sizeof(out) - sent);
			if (n > 0)
				sent += (uint64_t)n;
			else if (n != NET_EAGAIN)
				_exit(12);
		}
		n = net_tcp_recv(1, h, in + got, sizeof(in) - got);
		if (n > 0)
			got += (uint64_t)n;
		else if (n != NET_EAGAIN)
			_exit(13);
		stack_run();
	}
	if (memcmp(in, out, sizeof(in)) != 0)
		_exit(14);
	net_tcp_close(1, h);
	stack_idle(200);
}

static void
client_send_bulk(void)
{
	static uint8_t buf[65536];
	struct blake3 hh;
	uint64_t total = 0;
	int h = connect_wait(PORT_SINK, 0);

	if (h < 0)
		_exit(21);
	blake3_init(&hh);
	while (total < bulk_bytes) {
		size_t want = sizeof(buf);
		long n;

		if (want > bulk_bytes - total)
			want = (size_t)(bulk_bytes - total);
		for (size_t i = 0; i < want; i++)
			buf[i] = pattern(total + i);
		n = net_tcp_send(1, h, buf, want);
		if (n == NET_EAGAIN) {
			stack_run();
			continue;
		}
		if (n <= 0)
			_exit(22);
		blake3_update(&hh, buf, (size_t)n);
		total += (uint64_t)n;
	}
	blake3_final(&hh, sh->hash[0], 32);
	sh->bytes[0] = total;
	net_tcp_close(1, h);
	while (!sh->done[1])
		stack_run();
}

static void
client_recv_bulk(void)
{
	static uint8_t buf[65536];
	struct blake3 hh;
	uint64_t total = 0;
	int h = connect_wait(PORT_SOURCE, 0);

	if (h < 0)
		_exit(31);
	blake3_init(&hh);
	for (;;) {
		long n = net_tcp_recv(1, h, buf, sizeof(buf));

		if (n == NET_EAGAIN) {
			stack_run();
			continue;
		}
		if (n == 0)
			break;
		if (n < 0)
			_exit(32);
		for (long i = 0; i < n; i++) {
			if (buf[i] != pattern(total + (uint64_t)i))
				_exit(33);
		}
		blake3_update(&hh, buf, (size_t)n);
		total += (uint64_t)n;
	}
	blake3_final(&hh, sh->hash[0], 32);
	sh->bytes[0] = total;
	net_tcp_close(1, h);
}

static void
client_refused(void)
{
	if (connect_wait(PORT_CLOSED, 0) != NET_ECONNREFUSED)
		_exit(41);
}

static void
client_timeout(void)
{
	uint32_t start = now_ms();

	if (connect_wait(PORT_ECHO, 1500) != NET_ETIMEDOUT)
		_exit(51);
	if (now_ms() - start < 1400 || now_ms() - start > 5000)
		_exit(52);
}

/* --- Tests ------------------------------------------------------------------------ */

static struct wire clean = { 0, 0, 0 };

static void
test_echo(void **state)
{
	run_pair(client_echo, S_ECHO, 0, &clean);
	assert_int_equal(sh->bytes[1], 100000);
}

static void
test_bulk_a_to_b(void **state)
{
	bulk_bytes = 16u << 20;
	run_pair(client_send_bulk, S_SINK, 0, &clean);
	assert_int_equal(sh->bytes[0], bulk_bytes);
	assert_int_equal(sh->bytes[1], bulk_bytes);
	assert_memory_equal(sh->hash[0], sh->hash[1], 32);
}

static void
test_bulk_b_to_a(void **state)
{
	run_pair(client_recv_bulk, S_SOURCE, 16u << 20, &clean);
	assert_int_equal(sh->bytes[0], 16u << 20);
	assert_memory_equal(sh->hash[0], sh->hash[1], 32);
}

static void
test_lossy(void **state)
{
	struct wire lossy = { 0.01, 1, 0 };

	bulk_bytes = 4u << 20;
	run_pair(client_send_bulk, S_SINK, 0, &lossy);
	assert_int_equal(sh->bytes[1], bulk_bytes);
	assert_memory_equal(sh->hash[0], sh->hash[1], 32);
	assert_true(sh->dropped > 10);
	assert_true(sh->reordered > 10);
	run_pair(client_recv_bulk, S_SOURCE, 4u << 20, &lossy);
	assert_int_equal(sh->bytes[0], 4u << 20);
	assert_memory_equal(sh->hash[0], sh->hash[1], 32);
}

static void
test_refused(void **state)
{
	run_pair(client_refused, S_NONE, 0, &clean);
}

static void
test_timeout(void **state)
{
	struct wire silent = { 0, 0, 1 };

	run_pair(client_timeout, S_NONE, 0, &silent);
}

/* The SYN offers MSS 1460 and window scaling, and carries no timestamp
   option (kind 8), which would tell the peer our uptime. */
static void
test_syn_options(void **state)
{
	int mss = 0, wscale = -1, ts = 0;
	uint32_t len;
	uint8_t *o;

	run_pair(client_echo, S_ECHO, 0, &clean);
	len = sh->syn_optlen[0];
	o = sh->syn_opts[0];
	for (uint32_t i = 0; i < len; ) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= len || o[i + 1] < 2)
			break;
		if (o[i] == 2 && o[i + 1] == 4)
			mss = o[i + 2] << 8 | o[i + 3];
		if (o[i] == 3 && o[i + 1] == 3)
			wscale = o[i + 2];
		if (o[i] == 8)
			ts = 1;
		i += o[i + 1];
	}
	assert_int_equal(mss, 1460);
	assert_int_equal(wscale, 3);
	assert_int_equal(ts, 0);
}

/* The SYN's sequence number is F(tuple, key) + 250 * ms (RFC 6528): the
   wire, keyed with A's seed, finds it within a few ms of its own. */
static void
test_isn_on_the_wire(void **state)
{
	ip_addr_t a, b;
	uint32_t want;
	int32_t diff;

	run_pair(client_echo, S_ECHO, 0, &clean);
	net_port_init(&plat, seed_a);
	ip_addr_set_ip4_u32(&a, IP_A);
	ip_addr_set_ip4_u32(&b, IP_B);
	want = net_tcp_isn(&a, sh->syn_sport[0], &b, PORT_ECHO);
	diff = (int32_t)(want - sh->syn_seq[0]);
	/* The test ran for well under 20 s: 250 per ms. */
	assert_true(diff >= 0 && diff < 250 * 20000);
	/* Keyed: another boot's key gives an unrelated number. */
	net_port_init(&plat, seed_b);
	diff = (int32_t)(net_tcp_isn(&a, sh->syn_sport[0], &b, PORT_ECHO) - sh->syn_seq[0]);
	assert_false(diff >= 0 && diff < 250 * 20000);
}

static void
test_isn_function(void **state)
{
	ip_addr_t a, b;
	uint32_t i1, i2, i3;

	net_port_init(&plat, seed_a);
	ip_addr_set_ip4_u32(&a, IP_A);
	ip_addr_set_ip4_u32(&b, IP_B);
	i1 = net_tcp_isn(&a, 40000, &b, 80);
	i2 = net_tcp_isn(&a, 40001, &b, 80);
	usleep(20000);
	i3 = net_tcp_isn(&a, 40000, &b, 80);
	/* Neighbouring ports give unrelated numbers; one tuple's grow with time. */
	assert_true(i2 - i1 > 1000000u && i1 - i2 > 1000000u);
	assert_true(i3 - i1 >= 250 * 15 && i3 - i1 < 250 * 2000);
}

/* DHCP: the DISCOVER carries no host name (option 12); its transaction
   id comes from the seeded generator (the same seed gives the same id,
   another seed another); the MAC is unicast, locally administered, and
   differs between boots. */
static uint32_t
dhcp_discover(const uint8_t *seed, uint8_t mac[6], int *has_hostname)
{
	pid_t p;
	int st;
	uint8_t *f;
	uint32_t xid, len;
	struct pkt_ring tx;

	fresh_shared();
	if ((p = fork()) == 0) {
		memcpy(seed_a, seed, 32);
		stack_up(0, 0);
		stack_idle(300);
		_exit(0);
	}
	waitpid(p, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pkt_ring_attach(&tx, sh->ring[A_TX]);
	f = sh->first_frame[0];
	len = (uint32_t)pkt_get(&tx, f, PKT_MAX);
	assert_true(len > 42 + 240 && len <= PKT_MAX);
	/* Ethernet, IPv4 (20), UDP 68 -> 67, BOOTP: xid at 4, options at 240. */
	assert_int_equal(f[12] << 8 | f[13], 0x0800);
	assert_int_equal(f[14 + 9], 17);
	assert_int_equal(f[34] << 8 | f[35], 68);
	memcpy(mac, f + 6, 6);
	memcpy(&xid, f + 42 + 4, 4);
	assert_memory_equal(f + 42 + 236, "\x63\x82\x53\x63", 4);
	*has_hostname = 0;
	for (uint32_t i = 42 + 240; i + 1 < len && f[i] != 255; ) {
		if (f[i] == 0) {
			i++;
			continue;
		}
		if (f[i] == 12)
			*has_hostname = 1;
		i += 2u + f[i + 1];
	}
	return xid;
}

static void
test_dhcp_and_mac(void **state)
{
	uint8_t s1[32] = { 7 }, s2[32] = { 8 }, m1[6], m2[6], m3[6];
	int hn;
	uint32_t x1 = dhcp_discover(s1, m1, &hn), x2, x3;

	assert_int_equal(hn, 0);
	x2 = dhcp_discover(s1, m2, &hn);
	x3 = dhcp_discover(s2, m3, &hn);
	assert_int_equal(x1, x2);
	assert_memory_equal(m1, m2, 6);
	assert_int_not_equal(x1, x3);
	assert_memory_not_equal(m1, m3, 6);
	assert_int_equal(m1[0] & 3, 2);
	assert_int_equal(m3[0] & 3, 2);
}

/* The options that no test on the wire could catch if they came back
   unused (a host name is sent only when one is set). */
static void
test_privacy_options(void **state)
{
	assert_int_equal(LWIP_NETIF_HOSTNAME, 0);
	assert_int_equal(LWIP_TCP_TIMESTAMPS, 0);
	assert_true(TCP_WND >= 256 * 1024);
	assert_int_equal(LWIP_WND_SCALE, 1);
}

static void
test_random_mac_bits(void **state)
{
	uint8_t mac[6], seed[32] = { 0 };

	for (int i = 0; i < 64; i++) {
		seed[0] = (uint8_t)i;
		net_port_init(&plat, seed);
		net_random_mac(mac);
		assert_int_equal(mac[0] & 1, 0);	/* unicast */
		assert_int_equal(mac[0] & 2, 2);	/* locally administered */
	}
}

static int
group_setup(void **state)
{
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return sh == MAP_FAILED ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_privacy_options),
		cmocka_unit_test(test_random_mac_bits),
		cmocka_unit_test(test_isn_function),
		cmocka_unit_test(test_dhcp_and_mac),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_syn_options),
		cmocka_unit_test(test_isn_on_the_wire),
		cmocka_unit_test(test_bulk_a_to_b),
		cmocka_unit_test(test_bulk_b_to_a),
		cmocka_unit_test(test_lossy),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
