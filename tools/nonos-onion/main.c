/*
 * nonos-onion: a Tor client on lib/onion, exposed as a SOCKS5 proxy.
 * It bootstraps from the authorities in --authorities, then runs one
 * poll loop over the SOCKS listener, its clients and the relay links.
 * --cc asks exits for congestion control (proposal 324) over ntor v3.
 * Test modes: --check-dir (bootstrap only), --probe (one link handshake),
 * --bench-circuits N (build N circuits, print their times) and
 * --test-truncate (build a circuit, TRUNCATE it after the guard, and
 * have it extended again through other relays).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/onion/text.h"
#include "tools/nonos-onion/onion-tool.h"

int verbose;
static struct dirstate dir;
static struct onion_client client;
static uint8_t avoid[MAX_RELAYS];
static volatile sig_atomic_t stop;

void
logf_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nonos-onion: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: nonos-onion --authorities FILE [--listen PORT]\n"
	    "         [--consensus FILE] [--max-age SECONDS] [--same-subnet-ok]\n"
	    "         [--cc] [--keepalive SECONDS]\n"
	    "         [--check-dir | --bench-circuits N | --test-truncate]\n"
	    "       nonos-onion --probe IP:PORT FINGERPRINT\n");
	exit(2);
}

/* Pumps the client and waits on its link sockets for up to ms. */
static void
step(int lfd, int ms)
{
	struct pollfd pfd[1 + ONION_MAX_LINKS + MAX_CONNS];
	int map[1 + ONION_MAX_LINKS + MAX_CONNS];
	int n = 0, i, first_conn;

	if (lfd >= 0) {
		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		n++;
	}
	for (i = 0; i < ONION_MAX_LINKS; i++)
		if (link_fds[i] >= 0) {
			pfd[n].fd = link_fds[i];
			pfd[n].events = POLLIN;
			if (onion_client_wants_write(&client, i))
				pfd[n].events |= POLLOUT;
			n++;
		}
	first_conn = n;
	socks_poll_fds(pfd, &n, map);
	if (poll(pfd, (nfds_t)n, ms) < 0 && errno != EINTR)
		return;
	if (lfd >= 0 && (pfd[0].revents & POLLIN))
		socks_accept(lfd);
	for (i = first_conn; i < n; i++)
		if (pfd[i].revents != 0)
			socks_io(map[i], pfd[i].revents);
	onion_client_pump(&client, now_ms(), time(NULL));
	socks_retry();
	socks_tick();
	onion_client_pump(&client, now_ms(), time(NULL));
}

static int
probe(const char *addr, const char *fp)
{
	struct onion_span s;
	struct onion_link *l;
	const char *colon = strchr(addr, ':');
	uint8_t id[ONION_ID_LEN];
	uint32_t ip, port;
	int fd, r = ONION_ETIMEOUT, i;
	struct onion_transport tr;

	l = calloc(1, sizeof *l);
	if (colon == NULL || l == NULL)
		usage();
	s.p = addr, s.len = (size_t)(colon - addr);
	if (onion_parse_ipv4(s, &ip) != 0)
		usage();
	s.p = colon + 1, s.len = strlen(colon + 1);
	if (onion_parse_uint(s, 65535, &port) != 0 ||
	    hex_decode(id, sizeof id, fp, strlen(fp)) != 0)
		usage();
	if ((fd = tcp_connect(ip, (uint16_t)port, 5000)) < 0) {
		logf_("probe: cannot connect");
		return 1;
	}
	fd_transport(&fd, &tr);
	onion_link_start(l, &tr, id, NULL, ip, time(NULL), NULL, NULL);
	for (i = 0; i < 100; i++) {
		struct pollfd p = { fd, POLLIN, 0 };

		if ((r = onion_link_pump(l)) != ONION_OK)
			break;
		if (onion_link_is_open(l))
			break;
		poll(&p, 1, 100);
	}
	close(fd);
	i = r == ONION_OK && onion_link_is_open(l);
	free(l);
	if (i) {
		printf("probe: identity proven\n");
		return 0;
	}
	printf("probe: refused: %s\n", onion_strerror(r));
	return 1;
}

static int
wait_open(int ci)
{
	uint64_t t0 = now_ms();

	while (client.circs[ci].state != CIRC_OPEN &&
	    client.circs[ci].state != CIRC_FREE && !stop &&
	    now_ms() - t0 < 60000)
		step(-1, 20);
	return client.circs[ci].state == CIRC_OPEN ? 0 : -1;
}

/* TRUNCATE after the guard; the circuit must come back with a new tail. */
static int
test_truncate(void)
{
	const struct onion_circ *c;
	char before[3][ONION_NICK_MAX + 1];
	int ci, i;

	if ((ci = onion_circ_build(&client, 0, 1)) < 0 || wait_open(ci) != 0) {
		printf("truncate: no circuit\n");
		return 1;
	}
	c = &client.circs[ci];
	for (i = 0; i < 3; i++)
		memcpy(before[i], c->path[i].nick, sizeof before[i]);
	if (onion_circ_truncate(&client, ci, 0) != ONION_OK ||
	    wait_open(ci) != 0) {
		printf("truncate: circuit not re-extended (%s)\n",
		    onion_strerror(client.circs[ci].err));
		return 1;
	}
	printf("truncate: %s %s %s -> %s %s %s\n", before[0], before[1],
	    before[2], c->path[0].nick, c->path[1].nick, c->path[2].nick);
	return strcmp(before[0], c->path[0].nick) != 0 ||
	    !strcmp(before[1], c->path[1].nick) ||
	    !strcmp(before[2], c->path[2].nick);
}

/* Builds n circuits one after another; prints each build time. */
static int
bench_circuits(int n)
{
	int i, ci;
	uint64_t t0;

	for (i = 0; i < n; i++) {
		t0 = now_ms();
		if ((ci = onion_circ_build(&client, 0, (uint64_t)i + 1)) < 0) {
			logf_("bench: build failed: %s", onion_strerror(ci));
			return 1;
		}
		while (client.circs[ci].state != CIRC_OPEN &&
		    client.circs[ci].state != CIRC_FREE && !stop)
			step(-1, 20);
		if (client.circs[ci].state != CIRC_OPEN) {
			logf_("bench: circuit failed");
			return 1;
		}
		printf("circuit %d %llu ms\n", i,
		    (unsigned long long)(now_ms() - t0));
		fflush(stdout);
		onion_circ_close(&client, ci, ONION_OK);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *authfile = NULL, *consfile = NULL;
	int port = 9150, check = 0, nbench = 0, subnets = 1, lfd = -1, i;
	int cc = 0, truncate_test = 0;
	long keepalive = 0;
	int64_t max_age = 24 * 3600;
	uint64_t t0 = now_ms();

	setvbuf(stderr, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--authorities") && i + 1 < argc)
			authfile = argv[++i];
		else if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--consensus") && i + 1 < argc)
			consfile = argv[++i];
		else if (!strcmp(argv[i], "--max-age") && i + 1 < argc)
			max_age = atol(argv[++i]);
		else if (!strcmp(argv[i], "--same-subnet-ok"))
			subnets = 0;
		else if (!strcmp(argv[i], "--cc"))
			cc = 1;
		else if (!strcmp(argv[i], "--keepalive") && i + 1 < argc)
			keepalive = atol(argv[++i]);
		else if (!strcmp(argv[i], "--test-truncate"))
			truncate_test = 1;
		else if (!strcmp(argv[i], "--check-dir"))
			check = 1;
		else if (!strcmp(argv[i], "--bench-circuits") && i + 1 < argc)
			nbench = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--probe") && i + 2 < argc) {
			if (nc_init() != NC_OK)
				return 1;
			return probe(argv[i + 1], argv[i + 2]);
		} else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else
			usage();
	}
	if (authfile == NULL || port <= 0 || port > 65535)
		usage();
	if (nc_init() != NC_OK) {
		logf_("no entropy");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (load_authorities(&dir, authfile) != 0 ||
	    bootstrap_dir(&dir, consfile, max_age) != 0)
		return 1;
	logf_("directory ready in %llu ms",
	    (unsigned long long)(now_ms() - t0));
	if (check)
		return 0;
	onion_client_init(&client, &dir.cons, avoid, &socks_events, subnets);
	client.request_cc = cc;
	if (keepalive > 0)
		client.keepalive_ms = (uint64_t)keepalive * 1000;
	onion_client_pump(&client, now_ms(), time(NULL));
	socks_init(&client, port);
	if (nbench > 0)
		return bench_circuits(nbench);
	if (truncate_test)
		return test_truncate();
	if ((lfd = tcp_listen(0x7f000001, (uint16_t)port)) < 0) {
		logf_("cannot listen on 127.0.0.1:%d", port);
		return 1;
	}
	logf_("SOCKS5 on 127.0.0.1:%d", port);
	while (!stop)
		step(lfd, 50);
	logf_("stopping; sent %llu circuit and %llu stream SENDMEs, %llu XOFF, "
	    "%llu XON, %llu stall probes, %llu keepalives; received %llu XOFF",
	    (unsigned long long)client.stats.circ_sendmes,
	    (unsigned long long)client.stats.stream_sendmes,
	    (unsigned long long)client.stats.xoff_sent,
	    (unsigned long long)client.stats.xon_sent,
	    (unsigned long long)client.stats.probes,
	    (unsigned long long)client.stats.keepalives,
	    (unsigned long long)client.stats.xoff_recv);
	return 0;
}
