/*
 * nonos-ledger --node HOST:PORT: a client of nonos-ledgerd over the
 * client protocol (lib/ledger/proto.h). Blocking sockets, one request
 * at a time; a follower's redirect is followed to the leader. `block`
 * accepts a state only with a quorum of the replicas' signatures.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/replica.h"
#include "tools/common/cli.h"
#include "tools/common/fileio.h"
#include "tools/common/keyfile.h"
#include "tools/nonos-ledger/ledger_tool.h"
#include "tools/nonos-ledger/node.h"

int
node_connect(struct node_client *c, const char *addr)
{
	struct addrinfo hints, *res;
	struct timeval tv = { 10, 0 };
	char host[P_MAX_ADDR + 1];
	const char *colon = strrchr(addr, ':');
	size_t hl;
	int one = 1;

	node_close(c);
	if (colon == NULL || (hl = (size_t)(colon - addr)) > P_MAX_ADDR ||
	    strlen(addr) > P_MAX_ADDR)
		return -1;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	c->fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, res->ai_addr, res->ai_addrlen) < 0) {
		freeaddrinfo(res);
		node_close(c);
		return -1;
	}
	freeaddrinfo(res);
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	strcpy(c->addr, addr);
	return 0;
}

void
node_close(struct node_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int
full_io(int fd, uint8_t *p, size_t n, int wr)
{
	ssize_t k;

	while (n > 0) {
		k = wr ? send(fd, p, n, MSG_NOSIGNAL) : recv(fd, p, n, 0);
		if (k <= 0) {
			if (k < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
node_call(struct node_client *c, const struct proto_msg *req,
    struct proto_msg *resp)
{
	uint8_t out[1024];
	size_t n, frame;

	if (c->buf == NULL && (c->buf = malloc(P_MAX_FRAME)) == NULL)
		return -1;
	if (c->fd < 0 || (n = proto_encode(req, out, sizeof out)) == 0 ||
	    full_io(c->fd, out, n, 1) < 0 || full_io(c->fd, c->buf, 4, 0) < 0 ||
	    proto_frame_len(c->buf, 4, &frame) != L_OK ||
	    full_io(c->fd, c->buf + 4, frame - 4, 0) < 0 ||
	    proto_decode(resp, c->buf, frame) != L_OK) {
		node_close(c);
		return -1;
	}
	return 0;
}

int
node_call_leader(struct node_client *c, const struct proto_msg *req,
    struct proto_msg *resp)
{
	char next[P_MAX_ADDR + 1];

	for (int hop = 0; hop < 8; hop++) {
		if (node_call(c, req, resp) < 0)
			return -1;
		if (resp->type != P_REDIRECT)
			return 0;
		strcpy(next, resp->addr);
		if (node_connect(c, next) < 0)
			return -1;
	}
	return -1;
}

/* Connects or says why not. */
static int
open_node(struct node_client *c, const char *addr)
{
	c->fd = -1;
	c->buf = NULL;
	if (node_connect(c, addr) < 0) {
		warnx_("%s: cannot connect", addr);
		return -1;
	}
	return 0;
}

static int
answer_error(const struct proto_msg *r)
{
	if (r->type == P_ERROR)
		warnx_("refused: %s", proto_strerror(r->code));
	else
		warnx_("unexpected answer (type %u)", r->type);
	return 1;
}

static int
node_status(struct node_client *c)
{
	static const char *const roles[] = { "none", "follower", "candidate",
	    "leader" };
	struct proto_msg q, r;

	memset(&q, 0, sizeof q);
	q.type = P_STATUS;
	if (node_call(c, &q, &r) < 0 || r.type != P_STATUS_R)
		return r.type == P_STATUS_R ? 1 : answer_error(&r);
	printf("node %llu %s height %llu state ", (unsigned long long)r.id,
	    roles[r.role], (unsigned long long)r.height);
	print_hex(r.hash, 32);
	printf(" leader %s\n", r.addr[0] ? r.addr : "-");
	return 0;
}

static int
node_submit(struct node_client *c, int argc, char **argv)
{
	struct proto_msg q, r;
	uint8_t *tx;
	size_t len;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (read_small_file(argv[i], TX_MAX_LEN, &tx, &len) < 0) {
			warnx_("%s: %s", argv[i], strerror(errno));
			return 1;
		}
		memset(&q, 0, sizeof q);
		q.type = P_SUBMIT;
		q.data = tx;
		q.datalen = len;
		if (node_call_leader(c, &q, &r) < 0) {
			warnx_("%s: no answer (it may or may not commit)", argv[i]);
			free(tx);
			return 1;
		}
		free(tx);
		if (r.type == P_COMMITTED)
			printf("%s committed at height %llu\n", argv[i],
			    (unsigned long long)r.height);
		else
			status = answer_error(&r);
	}
	return status;
}

static int
node_account(struct node_client *c, const char *key)
{
	struct proto_msg q, r;
	char amount[41];

	memset(&q, 0, sizeof q);
	q.type = P_ACCOUNT;
	if (parse_key("account", key, q.key) < 0)
		return 1;
	if (node_call(c, &q, &r) < 0 || r.type != P_ACCOUNT_R)
		return answer_error(&r);
	if (!r.exists) {
		printf("no such account (height %llu)\n",
		    (unsigned long long)r.height);
		return 1;
	}
	u128_text(r.balance, amount);
	printf("height %llu nonce %llu balance %s\n",
	    (unsigned long long)r.height, (unsigned long long)r.nonce, amount);
	return 0;
}

/* The replica set file: one key per line (as nonos-ledgerd -r). */
static int
load_keys(const char *path, uint8_t (*keys)[L_KEY], uint32_t *n)
{
	char line[4200];
	FILE *f = fopen(path, "r");
	size_t len;

	*n = 0;
	if (f == NULL) {
		warnx_("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL && *n < P_MAX_SIGS) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (parse_key(path, line, keys[*n]) < 0) {
			fclose(f);
			return -1;
		}
		(*n)++;
	}
	fclose(f);
	return *n ? 0 : -1;
}

static int
node_block(struct node_client *c, int argc, char **argv)
{
	uint8_t keys[P_MAX_SIGS][L_KEY];
	const char *gen = NULL, *reps = NULL, *out = NULL;
	struct ledger_params p;
	struct proto_msg q, r;
	uint32_t nkeys, count;
	int ch;

	while ((ch = getopt(argc, argv, "g:r:o:")) != -1) {
		switch (ch) {
		case 'g': gen = optarg; break;
		case 'r': reps = optarg; break;
		case 'o': out = optarg; break;
		default: return EXIT_USAGE;
		}
	}
	memset(&q, 0, sizeof q);
	q.type = P_BLOCK;
	if (optind + 1 != argc || gen == NULL || reps == NULL ||
	    parse_u64("HEIGHT", argv[optind], &q.height) < 0) {
		fputs("usage: nonos-ledger --node HOST:PORT block -g GENESIS "
		    "-r REPLICAS [-o OUT] HEIGHT\n", stderr);
		return EXIT_USAGE;
	}
	if (load_genesis(gen, &p, NULL) < 0 || load_keys(reps, keys, &nkeys) < 0)
		return 1;
	if (node_call(c, &q, &r) < 0 || r.type != P_BLOCK_R)
		return answer_error(&r);
	count = replica_count(p.chain_id, r.height, r.hash,
	    (const uint8_t (*)[L_KEY])keys, nkeys, r.sigs, r.nsig);
	printf("block %llu state ", (unsigned long long)r.height);
	print_hex(r.hash, 32);
	printf(" signed by %u of %u replicas (quorum %u)\n", count, nkeys,
	    replica_quorum(nkeys));
	if (count < replica_quorum(nkeys)) {
		warnx_("rejected: fewer than a quorum of replicas signed this "
		    "state");
		return 3;
	}
	if (out != NULL && write_file_atomic(out, r.data, r.datalen, 0644,
	    0) < 0) {
		warnx_("%s: %s", out, strerror(errno));
		return 1;
	}
	return 0;
}

/* member add ID HOST:PORT | member remove ID, signed with the admin key. */
static int
node_member(struct node_client *c, int argc, char **argv)
{
	const char *gen = NULL, *key = NULL;
	struct ledger_params p;
	struct proto_msg q, r;
	uint8_t sk[64], hash[L_HASH];
	int ch;

	while ((ch = getopt(argc, argv, "g:K:")) != -1) {
		switch (ch) {
		case 'g': gen = optarg; break;
		case 'K': key = optarg; break;
		default: return EXIT_USAGE;
		}
	}
	memset(&q, 0, sizeof q);
	q.type = P_MEMBER;
	if (gen == NULL || key == NULL || optind + 2 > argc)
		goto usage;
	if (strcmp(argv[optind], "add") == 0 && optind + 3 == argc &&
	    strlen(argv[optind + 2]) <= P_MAX_ADDR) {
		q.op = P_OP_ADD;
		strcpy(q.addr, argv[optind + 2]);
	} else if (strcmp(argv[optind], "remove") == 0 && optind + 2 == argc) {
		q.op = P_OP_REMOVE;
		strcpy(q.addr, "-");
	} else
		goto usage;
	if (parse_u64("ID", argv[optind + 1], &q.id) < 0 ||
	    load_genesis(gen, &p, NULL) < 0 || signkey_load_secret(sk, key) < 0)
		return 1;
	proto_member_hash(p.chain_id, q.op, q.id, q.addr, hash);
	if (nc_sign_ed25519(q.sig, hash, L_HASH, sk) != NC_OK)
		return 1;
	nc_wipe(sk, sizeof sk);
	if (node_call_leader(c, &q, &r) < 0)
		return answer_error(&r);
	if (r.type != P_DONE)
		return answer_error(&r);
	printf("node %llu %s\n", (unsigned long long)q.id,
	    q.op == P_OP_ADD ? "added" : "removed");
	return 0;
usage:
	fputs("usage: nonos-ledger --node HOST:PORT member -g GENESIS -K ADMIN.key "
	    "add ID HOST:PORT | remove ID\n", stderr);
	return EXIT_USAGE;
}

static const char node_usage[] =
    "usage: nonos-ledger --node HOST:PORT COMMAND ...\n"
    "\n"
    "  status                         the node's height, state hash, role\n"
    "  submit TX...                   commit transactions (via the leader)\n"
    "  account KEY                    nonce and NØN balance\n"
    "  block -g GENESIS -r REPLICAS [-o OUT] HEIGHT\n"
    "                                 a block, accepted only with a quorum\n"
    "                                 of replica signatures (exit 3 if not)\n"
    "  member -g GENESIS -K ADMIN.key add ID HOST:PORT | remove ID\n"
    "  load ...                       a load of transfers (`load --help`)\n";

int
node_main(int argc, char **argv)
{
	struct node_client c;
	int ret;

	if (argc < 3) {
		fputs(node_usage, stderr);
		return EXIT_USAGE;
	}
	argc -= 2;
	argv += 2;
	if (strcmp(argv[0], "load") == 0)
		return node_load(argv[-1], argc, argv);
	if (open_node(&c, argv[-1]) < 0)
		return 1;
	if (strcmp(argv[0], "status") == 0 && argc == 1)
		ret = node_status(&c);
	else if (strcmp(argv[0], "submit") == 0 && argc >= 2)
		ret = node_submit(&c, argc, argv);
	else if (strcmp(argv[0], "account") == 0 && argc == 2)
		ret = node_account(&c, argv[1]);
	else if (strcmp(argv[0], "block") == 0)
		ret = node_block(&c, argc, argv);
	else if (strcmp(argv[0], "member") == 0)
		ret = node_member(&c, argc, argv);
	else {
		fputs(node_usage, stderr);
		ret = EXIT_USAGE;
	}
	node_close(&c);
	free(c.buf);
	return ret;
}
