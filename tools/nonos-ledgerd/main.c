/*
 * nonos-ledgerd: a NØN ledger node (ledgerd.h, docs/ledger.md). Options,
 * the libuv loop, and a clean stop on SIGTERM or SIGINT (SIGKILL is the
 * crash the tests use; the Raft log makes it safe).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/common/cli.h"
#include "tools/nonos-ledger/ledger_tool.h"
#include "tools/nonos-ledgerd/ledgerd.h"

static const char usage[] =
    "usage: nonos-ledgerd run -d DIR -g GENESIS -K KEY -r REPLICAS --id N\n"
    "           --listen HOST:PORT [--bootstrap ID=HOST:PORT,...]\n"
    "           [--admin KEY.pub] [--election-ms MS] [--snapshot-every N]\n"
    "\n"
    "Runs a ledger node: Raft (libraft) on HOST:PORT, the client protocol on\n"
    "HOST:PORT+1. DIR keeps the Raft log and snapshots, and DIR/chain the\n"
    "blocks (a chain directory of nonos-ledger). KEY signs the state hash\n"
    "after every block; REPLICAS lists the replica keys clients trust, one\n"
    "per line. --bootstrap starts a new cluster with those members (a node\n"
    "that has a log ignores it); without it a new node waits to be added\n"
    "(P_MEMBER, signed by the --admin key: `nonos-ledger --node ... member`).\n";

int
client_addr_of(const char *raft_addr, char out[P_MAX_ADDR + 1])
{
	const char *colon = strrchr(raft_addr, ':');
	unsigned long port;
	char *end;
	int n;

	if (colon == NULL)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port >= 65535)
		return -1;
	n = snprintf(out, P_MAX_ADDR + 1, "%.*s:%lu", (int)(colon - raft_addr),
	    raft_addr, port + 1);
	return n > 0 && n <= P_MAX_ADDR ? 0 : -1;
}

int
parse_addr(const char *addr, struct sockaddr_storage *ss)
{
	char host[P_MAX_ADDR + 1];
	const char *colon = strrchr(addr, ':');
	unsigned long port;
	char *end;
	size_t hl;

	if (colon == NULL || (hl = (size_t)(colon - addr)) > P_MAX_ADDR)
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port == 0 || port > 65535)
		return -1;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	if (uv_ip4_addr(host, (int)port, (struct sockaddr_in *)ss) == 0)
		return 0;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		return uv_ip6_addr(host + 1, (int)port,
		    (struct sockaddr_in6 *)ss) == 0 ? 0 : -1;
	}
	return -1;
}

static struct node node;

static void
on_signal(uv_signal_t *s, int signum)
{
	struct node *n = s->data;

	(void)signum;
	if (n->closing)
		return;
	uv_signal_stop(&n->sigterm);
	uv_signal_stop(&n->sigint);
	uv_close((uv_handle_t *)&n->sigterm, NULL);
	uv_close((uv_handle_t *)&n->sigint, NULL);
	server_stop(n);
	engine_stop(n);
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "listen", required_argument, NULL, 'l' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "admin", required_argument, NULL, 'a' },
		{ "election-ms", required_argument, NULL, 'e' },
		{ "snapshot-every", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *gen = NULL, *key = NULL, *reps = NULL,
	    *boot = NULL;
	struct node *n = &node;
	uint32_t election = 1000, snap = 1024;
	uint64_t id = 0;
	int c;

	if (cli_want_help(argc, argv, usage))
		return 0;
	while ((c = getopt_long(argc, argv, "d:g:K:r:", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'g': gen = optarg; break;
		case 'K': key = optarg; break;
		case 'r': reps = optarg; break;
		case 'b': boot = optarg; break;
		case 'i':
			if (parse_u64("--id", optarg, &id) < 0)
				return 1;
			break;
		case 'l':
			if (strlen(optarg) > P_MAX_ADDR) {
				warnx_("--listen: too long");
				return 1;
			}
			strcpy(n->raft_addr, optarg);
			break;
		case 'a':
			if (parse_key("--admin", optarg, n->admin) < 0)
				return 1;
			n->have_admin = 1;
			break;
		case 'e':
			if (parse_u32("--election-ms", optarg, &election) < 0)
				return 1;
			break;
		case 's':
			if (parse_u32("--snapshot-every", optarg, &snap) < 0)
				return 1;
			break;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (dir == NULL || gen == NULL || key == NULL || reps == NULL ||
	    id == 0 || n->raft_addr[0] == '\0' || optind != argc ||
	    election < 50 || snap < 4) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (client_addr_of(n->raft_addr, n->client_addr) < 0) {
		warnx_("--listen: not HOST:PORT (and PORT+1 free for clients)");
		return EXIT_USAGE;
	}
	n->id = id;
	/* A peer gone mid-write is an error to handle, not a reason to die. */
	signal(SIGPIPE, SIG_IGN);
	if (uv_loop_init(&n->loop) != 0 || app_init(&n->app, dir, gen, key,
	    reps) < 0 || engine_start(n, dir, election, snap, boot) < 0 ||
	    server_start(n) < 0)
		return 1;
	uv_signal_init(&n->loop, &n->sigterm);
	uv_signal_init(&n->loop, &n->sigint);
	n->sigterm.data = n->sigint.data = n;
	uv_signal_start(&n->sigterm, on_signal, SIGTERM);
	uv_signal_start(&n->sigint, on_signal, SIGINT);
	fprintf(stderr, "nonos-ledgerd: node %llu, raft %s, clients %s\n",
	    (unsigned long long)id, n->raft_addr, n->client_addr);
	uv_run(&n->loop, UV_RUN_DEFAULT);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct cli_command cmds[] = {
		{ "run", cmd_run },
	};

	return cli_main("nonos-ledgerd", usage, cmds, 1, argc, argv);
}
