/*
 * The client protocol of nonos-ledgerd (docs/ledger.md, "Client
 * protocol"): length-prefixed frames over TCP, every field bounded. A
 * frame is `length u32 | type u8 | payload`, the length counting the
 * type and the payload; integers little-endian, every field always
 * present, so each message has one encoding. Portable: the host tools
 * and (later) the in-guest wallet use it unchanged. No allocation: a
 * decoded transaction or block points into the caller's frame.
 */
#ifndef LIB_LEDGER_PROTO_H
#define LIB_LEDGER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/ledger.h"

/* Requests. */
#define P_SUBMIT	1	/* tx: commit it; answer P_COMMITTED or P_ERROR */
#define P_ACCOUNT	2	/* key: nonce and NØN balance */
#define P_BLOCK		3	/* height: the block and its replica signatures */
#define P_STATUS	4	/* nothing: height, state hash, role, leader */
#define P_SIGN		5	/* replica to replica: its signature for a height */
#define P_MEMBER	6	/* add or remove a node, signed by the admin key */
/* Answers. */
#define P_ERROR		0x80	/* code: an L_* error or a P_E* below */
#define P_COMMITTED	0x81	/* height the transaction was committed in */
#define P_REDIRECT	0x82	/* not the leader: the leader's client address */
#define P_ACCOUNT_R	0x83
#define P_BLOCK_R	0x84
#define P_STATUS_R	0x85
#define P_DONE		0x86	/* P_SIGN or P_MEMBER accepted */

/* Protocol errors (beside the ledger's L_* codes). */
#define P_EAGAIN	(-100)	/* no leader, or leadership lost: retry */
#define P_ENOTFOUND	(-101)	/* no such block here (not yet, or pruned) */
#define P_EREFUSED	(-102)	/* a bad signature, an unknown replica */

/* Membership operations. */
#define P_OP_ADD	1
#define P_OP_REMOVE	2

#define P_MAX_ADDR	64	/* "host:port" */
#define P_MAX_SIGS	16	/* replica signatures carried with a block */
#define LEDGER_BLOCK_MAX \
	((size_t)L_MAX_BLOCK_TXS * TX_MAX_LEN + BLOCK_HEADER_LEN)
/* The largest frame: a block answer with every signature, and the prefix. */
#define P_MAX_FRAME	(4 + 1 + 8 + L_HASH + 4 + LEDGER_BLOCK_MAX + 1 + \
	P_MAX_SIGS * (L_KEY + L_SIG))

/* Roles in P_STATUS_R, as the engine reports them. */
#define P_ROLE_NONE	0
#define P_ROLE_FOLLOWER	1
#define P_ROLE_CANDIDATE 2
#define P_ROLE_LEADER	3

struct proto_sig {
	uint8_t key[L_KEY];
	uint8_t sig[L_SIG];
};

/*
 * One message; each type uses the fields its encoding names (proto.c),
 * the others are zero. data points into the decoded frame (a
 * transaction for P_SUBMIT, a block for P_BLOCK_R).
 */
struct proto_msg {
	uint8_t type;
	int32_t code;			/* P_ERROR */
	uint64_t height;		/* P_BLOCK, P_SIGN, P_*_R, P_COMMITTED */
	uint64_t id;			/* P_MEMBER, P_STATUS_R: a node id */
	uint64_t nonce;			/* P_ACCOUNT_R */
	u128 balance;			/* P_ACCOUNT_R */
	uint8_t exists;			/* P_ACCOUNT_R: 0 or 1 */
	uint8_t role;			/* P_STATUS_R */
	uint8_t op;			/* P_MEMBER */
	uint8_t key[L_KEY];		/* P_ACCOUNT, P_SIGN */
	uint8_t hash[L_HASH];		/* P_SIGN, P_BLOCK_R, P_STATUS_R: state */
	uint8_t sig[L_SIG];		/* P_SIGN, P_MEMBER */
	char addr[P_MAX_ADDR + 1];	/* P_REDIRECT, P_MEMBER, P_STATUS_R */
	const uint8_t *data;
	size_t datalen;
	uint32_t nsig;			/* P_BLOCK_R */
	struct proto_sig sigs[P_MAX_SIGS];
};

/*
 * Writes m as one frame (with its length prefix) into buf. Returns its
 * length, or 0 if cap is too small or a field is out of its bounds.
 */
size_t proto_encode(const struct proto_msg *m, uint8_t *buf, size_t cap);

/*
 * How long the frame starting at buf is, from its first 4 bytes: sets
 * *frame (prefix included) and returns L_OK; L_EFORMAT if the length is
 * 0 or more than P_MAX_FRAME. Needs len >= 4 (else L_EFORMAT).
 */
int proto_frame_len(const uint8_t *buf, size_t len, size_t *frame);

/*
 * Decodes exactly one whole frame (prefix included; len must be its
 * length). L_OK, or L_EFORMAT for anything not a canonical message.
 */
int proto_decode(struct proto_msg *m, const uint8_t *buf, size_t len);

/* The message for a P_ERROR code: P_E* or the ledger's L_* errors. */
const char *proto_strerror(int32_t code);

/* What the admin key signs for a P_MEMBER request. */
void proto_member_hash(const uint8_t chain_id[L_HASH], uint8_t op,
    uint64_t id, const char *addr, uint8_t out[L_HASH]);

#endif
