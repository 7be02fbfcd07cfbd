/*
 * The wallet's client of nonos-ledgerd: lib/ledger/proto.h frames over
 * streams through oniond, so the node sees a Tor exit and never this
 * machine, and names are resolved at the exit. A follower's redirect is
 * followed to the leader; a state is believed only with a quorum of the
 * replicas' signatures (lib/ledger/replica.h), as nonos-ledger's `block`.
 */
#include "lib/ledger/replica.h"
#include "user/wallet/wallet.h"

#define HOPS		8	/* redirects followed */
#define NO_LEADER_TRIES	20	/* 0.5 s apart: an election takes ~1 s */
#define SIG_TRIES	20	/* 0.25 s apart: signatures on their way */

static struct net_conn oniond;
static int attached;
static uint8_t frame[P_MAX_FRAME];	/* the largest answer: a full block */

/* A new session with oniond (a restarted one has forgotten the old). */
static int
attach(void)
{
	int64_t err;

	if (attached)
		return 0;
	unmap(SLOT_NETBUF, NETBUF_VA);
	cap_delete(SLOT_NETBUF);
	cap_delete(SLOT_NETNOTE);
	if ((err = net_attach(&oniond, SLOT_ONIOND, SLOT_NETBUF, SLOT_NETNOTE,
	    NETBUF_VA)) < 0) {
		out("wallet: oniond is not reachable (%s); 'tor' shows its "
		    "state\n", net_strerror(err));
		return 1;
	}
	attached = 1;
	return 0;
}

/* A call failed: after these, oniond may be new, so attach anew next time. */
static void
net_failed(int64_t err)
{
	if (err == NET_EIPC || err == NET_ENOBUF || err == NET_EBADF)
		attached = 0;
}

int
split_addr(const char *addr, char host[P_MAX_ADDR + 1], uint16_t *port)
{
	const char *colon = NULL;
	unsigned v = 0;
	size_t n;

	for (const char *p = addr; *p; p++)
		if (*p == ':')
			colon = p;
	if (colon == NULL || colon[1] == '\0')
		return -1;
	n = (size_t)(colon - addr);
	if (n == 0 || n > P_MAX_ADDR)
		return -1;
	for (const char *p = colon + 1; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if ((v = v * 10 + (unsigned)(*p - '0')) > 65535)
			return -1;
	}
	if (v == 0)
		return -1;
	memcpy(host, addr, n);
	host[n] = '\0';
	*port = (uint16_t)v;
	return 0;
}

/* A stream to addr; 0, or after a message 1 (this node), 2 (oniond or Tor). */
static int
node_connect(struct session *s, const char *addr)
{
	char host[P_MAX_ADDR + 1];
	uint16_t port;
	uint64_t t0 = ticks();
	int64_t st;

	session_close(s);
	if (split_addr(addr, host, &port) < 0) {
		out("wallet: %s: not HOST:PORT\n", addr);
		return 1;
	}
	if (attach() != 0)
		return 2;
	st = net_open(&oniond, host, port, 0);
	if (st == NET_ENOBUF || st == NET_EBADF || st == NET_EIPC) {
		/* oniond restarted since our last command: a new session. */
		attached = 0;
		if (attach() != 0)
			return 2;
		st = net_open(&oniond, host, port, 0);
	}
	s->ms += (ticks() - t0) * 10;
	if (st < 0) {
		net_failed(st);
		if (st == NET_ENOTREADY || !attached) {
			out("wallet: Tor is not usable yet (%s); 'tor' shows "
			    "its state\n", net_strerror(st));
			return 2;
		}
		out("wallet: node %s unreachable through Tor (%s)\n", addr,
		    net_strerror(st));
		return 1;
	}
	s->stream = st;
	memcpy(s->addr, addr, strlen(addr) + 1);
	return 0;
}

int
session_open(struct session *s)
{
	s->stream = -1;
	s->ms = 0;
	for (int i = 0; i < s->nnodes; i++) {
		int r = node_connect(s, s->nodes[i]);

		if (r == 0)
			return 0;
		if (r == 2 || !attached)
			return 1;	/* oniond or Tor failed: said so */
	}
	out("wallet: none of the %d configured nodes is reachable\n",
	    s->nnodes);
	return 1;
}

void
session_close(struct session *s)
{
	if (s->stream >= 0)
		net_close(&oniond, s->stream);
	s->stream = -1;
}

/* Reads exactly n bytes into p; 0 or an error (NET_ECONNRESET at the end). */
static int64_t
read_full(struct session *s, uint8_t *p, size_t n)
{
	while (n > 0) {
		int64_t k = net_read(&oniond, s->stream, p, n);

		if (k <= 0)
			return k < 0 ? k : NET_ECONNRESET;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int
session_call(struct session *s, const struct proto_msg *q, struct proto_msg *r)
{
	uint8_t req[1024];
	size_t n, len;
	uint64_t t0 = ticks();
	int64_t err;

	if (s->stream < 0) {
		out("wallet: no stream to a node\n");
		return 1;
	}
	if ((n = proto_encode(q, req, sizeof(req))) == 0) {
		out("wallet: the request does not encode\n");
		return 1;
	}
	if ((err = net_write(&oniond, s->stream, req, n)) < 0 ||
	    (err = read_full(s, frame, 4)) < 0) {
		s->ms += (ticks() - t0) * 10;
		net_failed(err);
		session_close(s);
		out("wallet: node %s: the stream failed (%s)\n", s->addr,
		    net_strerror(err));
		return 1;
	}
	if (proto_frame_len(frame, 4, &len) != L_OK ||
	    (err = read_full(s, frame + 4, len - 4)) < 0 ||
	    proto_decode(r, frame, len) != L_OK) {
		s->ms += (ticks() - t0) * 10;
		session_close(s);
		out("wallet: node %s: not a valid answer\n", s->addr);
		return 1;
	}
	s->ms += (ticks() - t0) * 10;
	return 0;
}

int
session_call_leader(struct session *s, const struct proto_msg *q,
    struct proto_msg *r)
{
	char next[P_MAX_ADDR + 1];
	int hops = 0, waits = 0;

	for (;;) {
		if (session_call(s, q, r) != 0)
			return 1;
		if (r->type == P_ERROR && r->code == P_EAGAIN &&
		    waits++ < NO_LEADER_TRIES) {
			sleep_ticks(50);
			continue;
		}
		if (r->type != P_REDIRECT)
			return 0;
		if (hops++ == HOPS) {
			out("wallet: more than %d redirects; no leader found\n",
			    HOPS);
			return 1;
		}
		memcpy(next, r->addr, sizeof(next));
		if (node_connect(s, next) != 0)
			return 1;
	}
}

int
session_verified_block(struct session *s, const struct chain *c,
    uint64_t height, struct proto_msg *r)
{
	struct proto_msg q;
	uint32_t count = 0, need = replica_quorum(c->nkeys);

	memset(&q, 0, sizeof(q));
	q.type = P_BLOCK;
	q.height = height;
	for (int tries = 0; tries < SIG_TRIES; tries++) {
		if (tries > 0)
			sleep_ticks(25);
		if (session_call(s, &q, r) != 0)
			return 1;
		if (r->type == P_ERROR && r->code == P_ENOTFOUND)
			continue;
		if (r->type != P_BLOCK_R || r->height != height) {
			out("wallet: node %s: no block %llu (%s)\n", s->addr,
			    (unsigned long long)height, r->type == P_ERROR ?
			    proto_strerror(r->code) : "unexpected answer");
			return 1;
		}
		count = replica_count(c->id, r->height, r->hash,
		    (const uint8_t (*)[L_KEY])c->keys, c->nkeys, r->sigs,
		    r->nsig);
		if (count >= need)
			return 0;
	}
	out("wallet: rejected: the state at height %llu is signed by %u of "
	    "the %u replicas (a quorum is %u)\n", (unsigned long long)height,
	    count, c->nkeys, need);
	return 1;
}
