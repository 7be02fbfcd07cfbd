/*
 * The wallet's shared declarations (docs/ledger.md, "The wallet"): its
 * capability slots, the output going back to the shell, the files it
 * keeps in the RAM file system, and the client of the ledger nodes it
 * reaches through oniond.
 */
#ifndef USER_WALLET_WALLET_H
#define USER_WALLET_WALLET_H

#include "lib/ledger/proto.h"
#include "user/lib/net.h"
#include "user/lib/nonos.h"
#include "user/lib/rfs.h"

#define SLOT_SERVE	16	/* our endpoint (init: serve:wallet) */
#define SLOT_FS		17	/* the shell's wallet/ (WALLET_SETFS) */
#define SLOT_ONIOND	18	/* oniond (init: client:oniond): the way out */
#define SLOT_FSBUF	19	/* the frame shared with ramfs */
#define SLOT_NETBUF	20	/* the frame shared with oniond */
#define SLOT_NETNOTE	21	/* our notification for oniond */
#define SLOT_RECV	22	/* a capability arriving with a request */
#define SLOT_SHELLBUF	23	/* the frame the shell shares with us */
#define SLOT_SLEEP	24	/* a notification for timed waits */
#define FSBUF_VA	0x0000100000000000ULL
#define NETBUF_VA	0x0000180000000000ULL
#define SHELLBUF_VA	0x0000200000000000ULL

/* In our directory (the shell's wallet/). */
#define KEY_FILE	"key"		/* the secret key, 64 bytes */
#define NODES_FILE	"nodes"		/* HOST:PORT[,HOST:PORT...] */
#define CHAIN_FILE	"chain"		/* chain name, fee, replica keys */
#define MAX_NODES	8

extern struct rfs fs;

/* Output to the shell (bounded: what does not fit is cut, with a note). */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Waits n ticks (10 ms each). */
void sleep_ticks(uint64_t n);

/* What the wallet trusts about the chain: /wallet/chain. */
struct chain {
	char name[65];
	uint8_t id[L_HASH];		/* BLAKE3 of the name */
	u128 fee;			/* paid with each transaction */
	uint8_t keys[P_MAX_SIGS][L_KEY];	/* the replica keys */
	uint32_t nkeys;
};

/*
 * A session with the nodes: one stream through oniond at a time, to the
 * node named addr. Every function returns 0, or 1 after a message.
 */
struct session {
	char nodes[MAX_NODES][P_MAX_ADDR + 1];
	int nnodes;
	char addr[P_MAX_ADDR + 1];	/* the node the stream goes to */
	int64_t stream;			/* -1: none */
	uint64_t ms;			/* time spent in Tor streams */
};

/* HOST:PORT (port 1..65535) into host and port; 0 or -1. */
int split_addr(const char *addr, char host[P_MAX_ADDR + 1], uint16_t *port);
/* Attaches to oniond and opens a stream to the first node that answers. */
int session_open(struct session *s);
void session_close(struct session *s);
/* One request and its answer on the open stream. */
int session_call(struct session *s, const struct proto_msg *q,
    struct proto_msg *r);
/* session_call, following redirects to the leader, waiting out "no leader". */
int session_call_leader(struct session *s, const struct proto_msg *q,
    struct proto_msg *r);
/*
 * Fetches block height and accepts it only if a quorum of c's replica
 * keys signed its state; waits a little for signatures still on their
 * way. r holds the block's answer.
 */
int session_verified_block(struct session *s, const struct chain *c,
    uint64_t height, struct proto_msg *r);
/* The `wallet` command: argv[0] is "wallet". 0, or 1 after a message. */
int wallet_run(int argc, char **argv);

#endif
