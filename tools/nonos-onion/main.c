/*
 * nonos-onion: a Tor client on lib/onion, exposed as a SOCKS5 proxy.
 * `proxy` bootstraps from the authorities in --authorities, then runs one
 * poll loop over the SOCKS listener, its clients and the relay links.
 * --cc asks exits for congestion control (proposal 324) over ntor v3;
 * --conflux (which implies --cc) bonds two circuits to one exit for each
 * (proposal 329), as the stock client does by default.
 * Test commands: check-dir (bootstrap only), probe (one link handshake),
 * bench-circuits N (build N circuits, print their times) and
 * test-truncate (build a circuit, TRUNCATE it after the guard, and have
 * it extended again through other relays). tools/common/cli.c dispatches
 * the commands and prints the messages.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/onion/text.h"
#include "tools/common/cli.h"
#include "tools/nonos-onion/onion-tool.h"

static const char usage[] =
    "usage: nonos-onion proxy --authorities FILE [--listen PORT] [OPTIONS]\n"
    "       nonos-onion check-dir --authorities FILE [OPTIONS]\n"
    "       nonos-onion bench-circuits --authorities FILE [OPTIONS] N\n"
    "       nonos-onion test-truncate --authorities FILE [OPTIONS]\n"
    "       nonos-onion probe IP:PORT FINGERPRINT\n"
    "options: [--consensus FILE] [--max-age SECONDS] [--same-subnet-ok]\n"
    "         [--cc] [--conflux] [--keepalive SECONDS] [-v]\n";

/* The options every command but probe takes. */
struct opts {
	const char	*authfile;
	const char	*consfile;
	long		port;
	long		keepalive;
	long		max_age;
	int		subnets;
	int		cc;
	int		conflux;
};

int verbose;
static struct dirstate dir;
static struct onion_client client;
static uint8_t avoid[MAX_RELAYS];
/* Cells that came early on a conflux leg: 4096 (2 MiB) per set. */
static struct onion_cfx_cell cfx_ring[ONION_MAX_CFX * 4096];
static volatile sig_atomic_t stop;
static int dir_failed;		/* onion_dir_pump's error, once it gave up */

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

/* A decimal number in [min, max] into *v; 0, or -1 after a message. */
static int
number(const char *opt, const char *s, long min, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		warnx_("%s: '%s' is not a number from %ld to %ld", opt, s, min,
		    max);
		return -1;
	}
	return 0;
}

/*
 * Reads the options after argv[0] (the command) and returns the index of
 * the first operand, or -1 after a message; --authorities is required.
 */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	const char *a, *v;
	int i;

	memset(o, 0, sizeof *o);
	o->port = 9150;
	o->max_age = 24 * 3600;
	o->subnets = 1;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		a = argv[i];
		v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--same-subnet-ok"))
			o->subnets = 0;
		else if (!strcmp(a, "--cc"))
			o->cc = 1;
		else if (!strcmp(a, "--conflux"))
			o->cc = o->conflux = 1;
		else if (!strcmp(a, "-v"))
			verbose = 1;
		else if (v == NULL) {
			warnx_("%s: unknown option '%s', or it needs a value",
			    argv[0], a);
			return -1;
		} else if (!strcmp(a, "--authorities"))
			o->authfile = argv[++i];
		else if (!strcmp(a, "--consensus"))
			o->consfile = argv[++i];
		else if (!strcmp(a, "--listen")) {
			if (number(a, argv[++i], 1, 65535, &o->port) != 0)
				return -1;
		} else if (!strcmp(a, "--max-age")) {
			if (number(a, argv[++i], 0, 365L * 24 * 3600,
			    &o->max_age) != 0)
				return -1;
		} else if (!strcmp(a, "--keepalive")) {
			if (number(a, argv[++i], 0, 24 * 3600,
			    &o->keepalive) != 0)
				return -1;
		} else {
			warnx_("%s: unknown option '%s'", argv[0], a);
			return -1;
		}
	}
	if (o->authfile == NULL) {
		warnx_("%s: --authorities FILE is required", argv[0]);
		return -1;
	}
	return i;
}

static void step(int lfd, int ms);
static void pump(void);

/*
 * Starts the client with no consensus and its directory client, and runs
 * the loop until the directory is fetched over BEGIN_DIR and verified;
 * 0, or -1 after a message.
 */
static int
start(const struct opts *o)
{
	uint64_t t0 = now_ms();

	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	socks_init(&client, (int)o->port);
	if (load_authorities(&dir, o->authfile) != 0 ||
	    dir_setup(&dir, &client, o->consfile, o->max_age) != 0)
		return -1;
	onion_client_init(&client, onion_dir_consensus(&dir.dc), avoid,
	    &socks_events, o->subnets);
	client.dir_ev = onion_dir_events(&dir.dc);
	client.request_cc = o->cc;
	if (o->conflux && onion_client_set_conflux(&client, cfx_ring,
	    sizeof cfx_ring / sizeof cfx_ring[0]) != ONION_OK)
		return -1;
	if (o->keepalive > 0)
		client.keepalive_ms = (uint64_t)o->keepalive * 1000;
	pump();		/* the first connection now, not after a poll */
	while (!onion_dir_ready(&dir.dc) && !dir_failed && !stop)
		step(-1, 20);
	if (!onion_dir_ready(&dir.dc))
		return -1;
	warnx_("directory ready in %llu ms",
	    (unsigned long long)(now_ms() - t0));
	return 0;
}

/* The client, then the directory client (bootstrap or refresh). */
static void
pump(void)
{
	static uint64_t failures;
	int r;

	onion_client_pump(&client, now_ms(), time(NULL));
	if (dir_failed)
		return;
	r = onion_dir_pump(&dir.dc, now_ms(), time(NULL));
	if (dir.dc.stats.failures != failures) {
		failures = dir.dc.stats.failures;
		if (verbose)
			warnx_("directory request to %s failed: %s (END reason "
			    "%d, %zu bytes: %.40s)", dir.dc.source,
			    onion_strerror(dir.dc.err), dir.dc.end_reason,
			    dir.dc.len, dir.dc.len > 0 ? dir.dc.buf : "");
	}
	if (r != 0)
		dir_report(&dir, r);
	if (r < 0)
		dir_failed = r;
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
	pump();
}

static int
cmd_probe(int argc, char **argv)
{
	struct onion_span s;
	struct onion_link *l;
	const char *addr, *fp, *colon;
	uint8_t id[ONION_ID_LEN];
	uint32_t ip, port;
	int fd, r = ONION_ETIMEOUT, i;
	struct onion_transport tr;

	if (argc != 3) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	addr = argv[1], fp = argv[2];
	if ((colon = strchr(addr, ':')) == NULL)
		goto bad;
	s.p = addr, s.len = (size_t)(colon - addr);
	if (onion_parse_ipv4(s, &ip) != 0)
		goto bad;
	s.p = colon + 1, s.len = strlen(colon + 1);
	if (onion_parse_uint(s, 65535, &port) != 0)
		goto bad;
	if (hex_decode(id, sizeof id, fp, strlen(fp)) != 0) {
		warnx_("probe: '%s' is not a 40-digit fingerprint", fp);
		return EXIT_USAGE;
	}
	if ((l = calloc(1, sizeof *l)) == NULL) {
		warnx_("probe: out of memory");
		return 1;
	}
	if ((fd = tcp_connect(ip, (uint16_t)port, 5000)) < 0) {
		warnx_("probe: cannot connect");
		free(l);
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
bad:
	warnx_("probe: '%s' is not IP:PORT", addr);
	return EXIT_USAGE;
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
			warnx_("bench: build failed: %s", onion_strerror(ci));
			return 1;
		}
		while (client.circs[ci].state != CIRC_OPEN &&
		    client.circs[ci].state != CIRC_FREE && !stop)
			step(-1, 20);
		if (client.circs[ci].state != CIRC_OPEN) {
			warnx_("bench: circuit failed");
			return 1;
		}
		printf("circuit %d %llu ms\n", i,
		    (unsigned long long)(now_ms() - t0));
		fflush(stdout);
		onion_circ_close(&client, ci, ONION_OK);
	}
	return 0;
}

static int
cmd_check_dir(int argc, char **argv)
{
	struct opts o;

	if (parse_opts(argc, argv, &o) != argc)
		return EXIT_USAGE;
	return start(&o) == 0 ? 0 : 1;
}

static int
cmd_bench_circuits(int argc, char **argv)
{
	struct opts o;
	long n;
	int i;

	if ((i = parse_opts(argc, argv, &o)) != argc - 1 ||
	    number("bench-circuits", argv[i], 1, 100000, &n) != 0)
		return EXIT_USAGE;
	if (start(&o) != 0)
		return 1;
	return bench_circuits((int)n);
}

static int
cmd_test_truncate(int argc, char **argv)
{
	struct opts o;

	if (parse_opts(argc, argv, &o) != argc)
		return EXIT_USAGE;
	if (start(&o) != 0)
		return 1;
	return test_truncate();
}

static int
cmd_proxy(int argc, char **argv)
{
	struct opts o;
	int lfd;

	if (parse_opts(argc, argv, &o) != argc)
		return EXIT_USAGE;
	if (start(&o) != 0)
		return 1;
	if ((lfd = tcp_listen(0x7f000001, (uint16_t)o.port)) < 0) {
		warnx_("cannot listen on 127.0.0.1:%ld", o.port);
		return 1;
	}
	warnx_("SOCKS5 on 127.0.0.1:%ld", o.port);
	while (!stop)
		step(lfd, 50);
	warnx_("stopping; sent %llu circuit and %llu stream SENDMEs, %llu XOFF, "
	    "%llu XON, %llu stall probes, %llu keepalives, %llu padding; "
	    "received %llu XOFF",
	    (unsigned long long)client.stats.circ_sendmes,
	    (unsigned long long)client.stats.stream_sendmes,
	    (unsigned long long)client.stats.xoff_sent,
	    (unsigned long long)client.stats.xon_sent,
	    (unsigned long long)client.stats.probes,
	    (unsigned long long)client.stats.keepalives,
	    (unsigned long long)client.stats.padding,
	    (unsigned long long)client.stats.xoff_recv);
	if (o.conflux)
		warnx_("conflux: %llu sets linked, %llu built as one circuit; "
		    "%llu and %llu stream cells on the two legs, %llu SWITCH, "
		    "at most %llu cells early",
		    (unsigned long long)client.stats.cfx_linked,
		    (unsigned long long)client.stats.cfx_fallback,
		    (unsigned long long)client.stats.cfx_cells[0],
		    (unsigned long long)client.stats.cfx_cells[1],
		    (unsigned long long)client.stats.cfx_switches,
		    (unsigned long long)client.stats.cfx_queued_max);
	warnx_("directory: %llu BEGIN_DIR requests, %llu bytes, %llu failures, "
	    "%llu refreshes",
	    (unsigned long long)dir.dc.stats.requests,
	    (unsigned long long)dir.dc.stats.bytes,
	    (unsigned long long)dir.dc.stats.failures,
	    (unsigned long long)dir.dc.stats.refreshes);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "proxy", cmd_proxy },
		{ "check-dir", cmd_check_dir },
		{ "bench-circuits", cmd_bench_circuits },
		{ "test-truncate", cmd_test_truncate },
		{ "probe", cmd_probe },
	};

	setvbuf(stderr, NULL, _IOLBF, 0);
	return cli_main("nonos-onion", usage, cmds, sizeof cmds / sizeof cmds[0],
	    argc, argv);
}
