/*
 * oniontest: a second program with a capability to oniond (slot 16),
 * started only by the onion test's manifest (init's argument 3) for
 * tests/onion/test_guest.py, and holding nothing else. It waits until
 * oniond has carried the shell's first three streams (the test's page,
 * 10 MiB and tagged fetches: oniond's NETS_ST_STREAMS), then reads
 * http://127.0.0.1:TEST_PORT/big (tornet.py's test port for the test's
 * BASE) slowly, a reader the test can interrupt, printing progress; when oniond is killed under it the read
 * fails with an error, which it prints, and it tries again on a new
 * session until the whole body has come, then prints its length and
 * BLAKE3. Its streams are its own: oniond isolates them from the shell's.
 * First it asks oniond, as any client may not, which relay the guard is
 * and to keep the guard in a directory it hands over: both refused.
 */
#include "lib/crypto/blake3.h"
#include "lib/fmt/fmt.h"
#include "user/lib/net.h"
#include "user/lib/nonos.h"

#define SLOT_ONIOND	16
#define SLOT_BUF	19
#define SLOT_NOTE	20
#define SLOT_SLEEP	21
#define NET_VA		0x0000180000000000ULL
#define TEST_PORT	26180	/* tests/onion/test_guest.py: BASE 23100 + 3080 */
#define PATH		"/big"
#define AFTER_STREAMS	3
#define CHUNK		16384
#define TRIES		20

static struct net_conn nc;
static char buf[CHUNK];

static void
sleep_ticks(uint64_t n)
{
	timer_notify(SLOT_SLEEP, n);
	notify_wait(SLOT_SLEEP);
}

/* A new session with oniond (the old one's frame and notification go). */
static int64_t
attach(void)
{
	unmap(SLOT_BUF, NET_VA);
	cap_delete(SLOT_BUF);
	cap_delete(SLOT_NOTE);
	return net_attach(&nc, SLOT_ONIOND, SLOT_BUF, SLOT_NOTE, NET_VA);
}

/* Waits until oniond has opened AFTER_STREAMS streams (for the shell). */
static void
wait_turn(void)
{
	uint64_t w[3];

	while (attach() != 0)
		sleep_ticks(100);
	/* Not the owner: which relay is the guard, and where it is kept,
	   are the shell's alone (docs/onion.md, "Guards"). */
	printf("oniontest: asking the guard: %s; handing oniond a directory: %s\n",
	    net_strerror(net_status(&nc, NETS_ST_GUARD, w)),
	    net_strerror(net_statedir(SLOT_ONIOND, SLOT_ONIOND)));
	for (;;) {
		int64_t v = net_status(&nc, NETS_ST_STREAMS, w);

		if (v == 0 && w[1] >= AFTER_STREAMS)
			return;
		if (v < 0)
			(void)attach();
		sleep_ticks(50);
	}
}

/* One try: the whole body into the hash; its length, or an error. */
static int64_t
fetch(unsigned port, const char *path, struct blake3 *h)
{
	char req[512];
	int64_t s, n, body = -1, got = 0, next = 1 << 20;
	int len;

	if ((s = net_open(&nc, "127.0.0.1", (uint16_t)port, 0)) < 0)
		return s;
	len = (int)fmt_snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n\r\n", path);
	if ((n = net_write(&nc, s, req, (uint64_t)len)) < 0)
		return n;
	printf("oniontest: reading %s slowly\n", path);
	blake3_init(h);
	while ((n = net_read(&nc, s, buf, sizeof(buf))) > 0) {
		int64_t off = 0;

		if (body < 0) {		/* the head fits in the first chunk */
			for (off = 0; off + 3 < n; off++)
				if (memcmp(buf + off, "\r\n\r\n", 4) == 0)
					break;
			if (off + 3 >= n)
				return NET_EINVAL;
			off += 4;
			body = 0;
		}
		blake3_update(h, buf + off, (size_t)(n - off));
		got += n - off;
		if (got >= next) {
			printf("oniontest: %lld KiB\n", (long long)(got >> 10));
			next += 1 << 20;
		}
		sleep_ticks(2);
	}
	net_close(&nc, s);
	return n < 0 ? n : got;
}

int
main(uint64_t arg)
{
	struct blake3 h;
	uint8_t d[32];
	char hex[65];
	int64_t r = NET_EIPC;

	(void)arg;
	if (notification_create(SLOT_MEMORY, SLOT_SLEEP) < 0) {
		printf("oniontest: cannot start\n");
		return 1;
	}
	wait_turn();
	for (int i = 0; i < TRIES; i++) {
		if ((i == 0 || (r = attach()) == 0) &&
		    (r = fetch(TEST_PORT, PATH, &h)) >= 0)
			break;
		printf("oniontest: stream failed: %s\n", net_strerror(r));
		sleep_ticks(100);
	}
	if (r < 0)
		return 1;
	blake3_final(&h, d, sizeof(d));
	for (int i = 0; i < 32; i++)
		fmt_snprintf(hex + 2 * i, 3, "%02x", d[i]);
	/* One printf, one console write: other lines cannot split it. */
	printf("oniontest: fetched %lld bytes, blake3 %s\n", (long long)r, hex);
	return 0;
}
