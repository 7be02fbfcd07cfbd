/*
 * Helpers for the ledger tests: deterministic keys, signed transactions,
 * one-transaction blocks, and blocks applied step by step with the
 * supply invariants checked after every transaction.
 */
#ifndef TESTS_UNIT_LEDGER_HARNESS_H
#define TESTS_UNIT_LEDGER_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"

#define NKEYS	8
#define UNIT	((u128)1000000000000000000ull)	/* one NØN */

struct harness {
	struct ledger *l, *scratch;
	uint8_t pk[NKEYS][32], sk[NKEYS][64];
	uint8_t proposer[32];
	uint8_t block[1 << 20];
	size_t blen;
	uint32_t ntx;
};

/* Key i is the Ed25519 key of the seed (tag, i, 0, 0, ...). */
static inline void
h_keys(struct harness *h, uint8_t tag)
{
	for (int i = 0; i < NKEYS; i++) {
		uint8_t seed[32] = { tag, (uint8_t)i };

		if (nc_sign_ed25519_seed_keypair(h->pk[i], h->sk[i], seed) != NC_OK)
			abort();
	}
	memset(h->proposer, 0xee, 32);
}

/* A ledger whose keys 0..NKEYS-1 each hold `each` NØN base units. */
static inline struct harness *
h_new(const struct ledger_params *p, u128 each, uint8_t tag)
{
	struct harness *h = calloc(1, sizeof *h);
	struct genesis_alloc a[NKEYS];

	h->l = malloc(sizeof *h->l);
	h->scratch = malloc(sizeof *h->scratch);
	h_keys(h, tag);
	for (int i = 0; i < NKEYS; i++) {
		memcpy(a[i].key, h->pk[i], 32);
		a[i].amount = each;
	}
	if (ledger_genesis(h->l, p, a, NKEYS) != L_OK)
		abort();
	return h;
}

static inline void
h_free(struct harness *h)
{
	free(h->l);
	free(h->scratch);
	free(h);
}

/* A signed transaction from key i with its next nonce and the base fee. */
static inline struct ledger_tx
h_tx(struct harness *h, int i, enum tx_type type, const struct tx_body *b)
{
	struct ledger_tx tx;
	uint32_t a = ledger_find_account(h->l, h->pk[i]);

	memset(&tx, 0, sizeof tx);
	tx.type = (uint8_t)type;
	memcpy(tx.payer, h->pk[i], 32);
	tx.nonce = a == L_NONE ? 0 : h->l->accounts[a].nonce;
	tx.fee = h->l->base_fee;
	if (b != NULL)
		tx.body = *b;
	if (ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[i]) != L_OK)
		abort();
	return tx;
}

/* Starts a block on the current ledger. */
static inline void
h_begin(struct harness *h)
{
	h->blen = BLOCK_HEADER_LEN;
	h->ntx = 0;
}

static inline void
h_add(struct harness *h, const struct ledger_tx *tx)
{
	size_t n = ledger_tx_encode(tx, h->block + h->blen,
	    sizeof h->block - h->blen);

	if (n == 0)
		abort();
	h->blen += n;
	h->ntx++;
}

/* Writes the header and applies the block; returns its error. */
static inline int
h_commit(struct harness *h)
{
	struct ledger_block_header hd;

	hd.height = h->l->height + 1;
	memcpy(hd.parent, h->l->last_block, 32);
	memcpy(hd.proposer, h->proposer, 32);
	hd.ntx = h->ntx;
	ledger_block_header_encode(&hd, h->block);
	return ledger_apply_block(h->l, h->scratch, h->block, h->blen, NULL);
}

/* A block of one transaction; the invariants must hold afterwards. */
static inline int
h_apply(struct harness *h, const struct ledger_tx *tx)
{
	int err;

	h_begin(h);
	h_add(h, tx);
	err = h_commit(h);
	if (ledger_check_invariants(h->l) != L_OK)
		abort();
	return err;
}

/* h_tx then h_apply. */
static inline int
h_do(struct harness *h, int i, enum tx_type type, const struct tx_body *b)
{
	struct ledger_tx tx = h_tx(h, i, type, b);

	return h_apply(h, &tx);
}

/* An empty block. */
static inline int
h_empty(struct harness *h)
{
	h_begin(h);
	return h_commit(h);
}

static inline u128
h_bal(struct harness *h, int i, uint32_t asset)
{
	return ledger_balance(h->l, ledger_find_account(h->l, h->pk[i]), asset);
}

#endif
