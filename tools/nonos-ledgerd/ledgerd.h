/*
 * nonos-ledgerd: a ledger node for Linux hosts (docs/ledger.md, "The
 * replicated ledger"). lib/ledger is the replicated state machine; the
 * consensus engine is Canonical's C Raft library with its libuv I/O.
 * The two meet at a small interface shaped like CometBFT's ABCI
 * (app.c): check a transaction, finalise a batch into the next block,
 * commit (the state hash, signed), snapshot and restore, so that a
 * Byzantine-tolerant engine could replace engine.c without touching the
 * application. server.c speaks the client protocol (lib/ledger/proto.h).
 * Everything runs on one libuv loop, one thread.
 */
#ifndef TOOLS_NONOS_LEDGERD_LEDGERD_H
#define TOOLS_NONOS_LEDGERD_LEDGERD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <raft.h>
#include <raft/uv.h>
#include <uv.h>

#include "lib/ledger/ledger.h"
#include "lib/ledger/proto.h"

#define MAX_REPLICAS	P_MAX_SIGS
#define MEMPOOL_MAX	8192		/* pending transactions */
#define INFLIGHT_MAX	4		/* batches proposed, not yet applied */

/*
 * A batch, the entry Raft replicates: proposer key[32] | ntx u32 |
 * txlen u32 | ntx transactions (txlen bytes) | zeros to a multiple of 8
 * bytes (libraft stores entries in 8-byte units and needs lengths that
 * fill them).
 */
#define BATCH_HEAD	(L_KEY + 4 + 4)

static inline uint32_t
batch_txlen(const uint8_t *batch)
{
	return (uint32_t)batch[36] | (uint32_t)batch[37] << 8 |
	    (uint32_t)batch[38] << 16 | (uint32_t)batch[39] << 24;
}

/* --- The application (ABCI-shaped) ----------------------------------------- */

/* One replica's signature of a state hash at a height. */
struct sig_slot {
	uint8_t have;
	uint8_t hash[L_HASH];
	uint8_t sig[L_SIG];
};

/* What a replica keeps per committed height, beside the block file. */
struct height_info {
	uint8_t state[L_HASH];
	struct sig_slot *sigs;		/* one per configured replica */
};

struct app {
	struct ledger *l, *scratch;
	uint8_t sk[64], pk[L_KEY];	/* this replica's signing key */
	uint8_t replicas[MAX_REPLICAS][L_KEY];	/* the keys clients trust */
	uint32_t nreplicas;
	char dir[1024];			/* DIR/chain: genesis and blocks */
	uint8_t *genesis;		/* the genesis file's bytes */
	size_t genesis_len;
	/* Heights 1..nheights; a restored snapshot leaves earlier ones empty. */
	struct height_info *heights;
	uint64_t nheights, cap_heights;
	/* Committed transactions: hash -> height (open addressing). */
	struct tx_seen { uint8_t hash[L_HASH]; uint64_t height; } *seen;
	size_t nseen, cap_seen;
	uint8_t *block;			/* LEDGER_BLOCK_MAX bytes of work space */
	FILE *sigs;			/* DIR/chain/sigs: every signature kept */
};

int app_init(struct app *a, const char *dir, const char *genesis,
    const char *key, const char *replicas);
/*
 * CheckTx: whether tx could enter a batch now (canonical, known payer,
 * signature, a nonce not yet used and at most 64 ahead). L_OK; L_ENONCE
 * with *height set when the transaction is already committed (at that
 * height, *height != 0) or its nonce is used; another L_* error.
 */
int app_check_tx(struct app *a, const uint8_t *tx, size_t len,
    uint8_t hash[L_HASH], uint64_t *height);
/*
 * FinalizeBlock and Commit: applies one replicated batch (BATCH_HEAD),
 * writes the block, records its transactions, signs the new state hash
 * (*sig). Sets *ntx (0 for a malformed batch) and results[i] per
 * transaction; returns the new height, or 0 if no block was made.
 */
uint64_t app_finalize(struct app *a, const uint8_t *batch, size_t len,
    int32_t *results, uint32_t *ntx, uint8_t sig[L_SIG]);
/* The height a committed transaction is in, or 0. */
uint64_t app_tx_height(const struct app *a, const uint8_t hash[L_HASH]);
/*
 * Records a replica's signature for a height, and appends it to
 * DIR/chain/sigs (key, height, hash, signature), which app_init reads
 * back, so a restarted replica still serves the others' signatures. 0;
 * -1 if it does not verify or the key is no replica; 1 if that replica
 * had signed another hash for the height (the evidence is written to
 * DIR/evidence-*).
 */
int app_add_sig(struct app *a, const uint8_t key[L_KEY], uint64_t height,
    const uint8_t hash[L_HASH], const uint8_t sig[L_SIG]);
/* The state hash at a height and the signatures on it; -1 if unknown. */
int app_height(const struct app *a, uint64_t height, uint8_t state[L_HASH],
    struct proto_sig *sigs, uint32_t *nsig);
/* Reads block `height` from DIR/blocks into a->block; its length or 0. */
size_t app_read_block(struct app *a, uint64_t height);
/* Snapshot: the state as a buffer (malloc'd); restore checks and loads it. */
int app_snapshot(struct app *a, uint8_t **buf, size_t *len);
int app_restore(struct app *a, const uint8_t *buf, size_t len);

/* --- The consensus engine (Raft) ------------------------------------------- */

struct conn;

struct node {
	uv_loop_t loop;
	struct app app;
	struct raft raft;
	struct raft_io io;
	struct raft_uv_transport transport;
	struct raft_fsm fsm;
	raft_id id;
	char raft_addr[P_MAX_ADDR + 1], client_addr[P_MAX_ADDR + 1];
	uint8_t admin[L_KEY];
	int have_admin;
	/* Pending transactions, in arrival order. */
	struct pending { uint8_t tx[TX_MAX_LEN]; size_t len; } *mempool;
	size_t npending;
	unsigned inflight;
	uv_timer_t propose_timer;
	uv_signal_t sigterm, sigint;
	uv_tcp_t listener;
	struct conn *conns;		/* open client connections */
	uint64_t next_serial;
	struct peer *peers;		/* outgoing connections for P_SIGN */
	int closing;
};

int engine_start(struct node *n, const char *dir, unsigned election_ms,
    unsigned snapshot_every, const char *bootstrap);
/* Queues a checked transaction for the next batch. L_OK or P_EAGAIN. */
int engine_submit(struct node *n, const uint8_t *tx, size_t len);
int engine_is_leader(struct node *n);
/* The leader's client address ("" if none known). */
void engine_leader(struct node *n, char addr[P_MAX_ADDR + 1]);
/*
 * A P_MEMBER request from connection `serial`: checks the admin's
 * signature and starts the change. L_OK (answered when it is done)
 * or the error to answer now.
 */
int engine_member(struct node *n, uint64_t serial, const struct proto_msg *m);
/* Sends this replica's signature for a height to every other member. */
void engine_push_sig(struct node *n, uint64_t height,
    const uint8_t state[L_HASH], const uint8_t sig[L_SIG]);
void engine_stop(struct node *n);

/* --- The client protocol server -------------------------------------------- */

int server_start(struct node *n);
/* Tells the connection waiting for tx `hash`, if any, how it ended. */
void server_tx_done(struct node *n, const uint8_t hash[L_HASH], int32_t code,
    uint64_t height);
/* Answers connection `serial`'s request (P_DONE, or P_ERROR with code). */
void server_reply_code(struct node *n, uint64_t serial, int32_t code);
void server_stop(struct node *n);

/* The client address of a raft address: the same host, the next port. */
int client_addr_of(const char *raft_addr, char out[P_MAX_ADDR + 1]);
/* Splits "host:port" for libuv. 0, or -1. */
int parse_addr(const char *addr, struct sockaddr_storage *ss);

#endif
