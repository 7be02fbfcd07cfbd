/*
 * bench/ledger's program: transactions applied per second by lib/ledger
 * (decode, Ed25519 verification, apply, the all-or-nothing block copy),
 * single-threaded, for transfers, swaps and quadratic votes, against the
 * physical limit of the same machine in the same run: libsodium's raw
 * Ed25519 verifications per second on the same messages (every
 * transaction needs one). Prints figures and ratios, never a verdict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium/core.h>
#include <sodium/crypto_sign_ed25519.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"

#define NKEYS	1000
#define UNIT	((u128)1000000000000000000ull)
#define BLOCK_TXS	1000
#define NVOTERS		250	/* L_MAX_RECEIPTS: voters need reputation */
#define NPROPOSALS	16

static uint8_t pk[NKEYS][32], sk[NKEYS][64];
static struct ledger *l, *scratch, *base;
static uint8_t *blocks[64];
static size_t blens[64];
static int nblocks;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct ledger_tx
make_tx(int k, enum tx_type type, const struct tx_body *b, uint64_t nonce)
{
	struct ledger_tx tx;

	memset(&tx, 0, sizeof tx);
	tx.type = (uint8_t)type;
	memcpy(tx.payer, pk[k], 32);
	tx.nonce = nonce;
	tx.fee = l->base_fee;	/* the block is built on l: its base fee */
	tx.body = *b;
	if (ledger_tx_sign(&tx, l->p.chain_id, sk[k]) != L_OK)
		exit(1);
	return tx;
}

/* Appends a block of txs (applied to l, so the next one chains on). */
static void
add_block(const struct ledger_tx *txs, int n)
{
	struct ledger_block_header h;
	uint8_t *b = malloc(BLOCK_HEADER_LEN + (size_t)n * TX_MAX_LEN);
	size_t off = BLOCK_HEADER_LEN;
	int err;

	h.height = l->height + 1;
	memcpy(h.parent, l->last_block, 32);
	memcpy(h.proposer, pk[0], 32);
	h.ntx = (uint32_t)n;
	ledger_block_header_encode(&h, b);
	for (int i = 0; i < n; i++)
		off += ledger_tx_encode(&txs[i], b + off, TX_MAX_LEN);
	if ((err = ledger_apply_block(l, scratch, b, off, NULL)) != L_OK) {
		fprintf(stderr, "bench: setup block refused: %s\n",
		    ledger_strerror(err));
		exit(1);
	}
	blocks[nblocks] = b;
	blens[nblocks++] = off;
}

static uint64_t
nonce_of(int k)
{
	uint32_t a = ledger_find_account(l, pk[k]);

	return a == L_NONE ? 0 : l->accounts[a].nonce;
}

static struct ledger_tx probe;
static uint8_t probe_hash[32];

/* Seconds for n raw libsodium verifications of one transaction's hash. */
static double
verify_time(int n)
{
	double t0 = now();

	for (int i = 0; i < n; i++)
		if (crypto_sign_ed25519_verify_detached(probe.sig, probe_hash, 32,
		    probe.payer) != 0)
			exit(1);
	return now() - t0;
}

/*
 * Runs one kind: the blocks built by fill() applied from the same start,
 * alternating with as many raw verifications, five times, so that load
 * from elsewhere on the machine falls on both alike; best times.
 */
static void
timed(void (*fill)(void), int *ntx, double *t_apply, double *t_verify)
{
	memcpy(base, l, sizeof *l);
	nblocks = 0;
	fill();
	*ntx = 0;
	for (int i = 0; i < nblocks; i++) {
		struct ledger_block_header h;

		ledger_block_header_decode(&h, blocks[i], blens[i]);
		*ntx += (int)h.ntx;
	}
	*t_apply = *t_verify = 1e9;
	for (int run = 0; run < 5; run++) {
		double t0, t;

		memcpy(l, base, sizeof *l);
		t0 = now();
		for (int i = 0; i < nblocks; i++)
			if (ledger_apply_block(l, scratch, blocks[i], blens[i],
			    NULL) != L_OK)
				exit(1);
		if ((t = now() - t0) < *t_apply)
			*t_apply = t;
		if ((t = verify_time(*ntx)) < *t_verify)
			*t_verify = t;
	}
	for (int i = 0; i < nblocks; i++)
		free(blocks[i]);
}

static void
report(const char *what, void (*fill)(void))
{
	double ta, tv;
	int n;

	timed(fill, &n, &ta, &tv);
	printf("%-18s %8.0f tx/s   verify %8.0f /s   ratio %.2f\n", what,
	    n / ta, n / tv, tv / ta);
}

static void
fill_transfers(void)
{
	static struct ledger_tx txs[BLOCK_TXS];
	struct tx_body b;

	for (int blk = 0; blk < 5; blk++) {
		for (int i = 0; i < BLOCK_TXS; i++) {
			memset(&b, 0, sizeof b);
			memcpy(b.key, pk[(i + 1) % NKEYS], 32);
			b.a = 1000 + (u128)blk;
			txs[i] = make_tx(i % NKEYS, TX_TRANSFER, &b,
			    nonce_of(i % NKEYS) + 0);
		}
		add_block(txs, BLOCK_TXS);
	}
}

static void
fill_swaps(void)
{
	static struct ledger_tx txs[BLOCK_TXS];
	struct tx_body b;

	for (int blk = 0; blk < 5; blk++) {
		for (int i = 0; i < BLOCK_TXS; i++) {
			memset(&b, 0, sizeof b);
			b.id = 0;
			b.id2 = (uint32_t)(i & 1);
			b.a = UNIT / 100;
			txs[i] = make_tx(i % NKEYS, TX_SWAP, &b, nonce_of(i % NKEYS));
		}
		add_block(txs, BLOCK_TXS);
	}
}

static void
fill_votes(void)
{
	static struct ledger_tx txs[BLOCK_TXS];
	struct tx_body b;

	/* Each voter once on each proposal, one vote (credits 10 + 30). */
	for (int blk = 0; blk < 4; blk++) {
		for (int i = 0; i < BLOCK_TXS; i++) {
			int k = i % NVOTERS;

			memset(&b, 0, sizeof b);
			b.id = (uint32_t)(4 * blk + i / NVOTERS);
			b.id2 = (uint32_t)(i & 1);
			b.a = 1;
			txs[i] = make_tx(k, TX_VOTE, &b, nonce_of(k) +
			    (uint64_t)(i / NVOTERS));
		}
		add_block(txs, BLOCK_TXS);
	}
}

/* Untimed: an asset and a pool, reputation for every key, proposals. */
static void
setup(void)
{
	static struct ledger_tx txs[BLOCK_TXS];
	struct tx_body b;

	memset(&b, 0, sizeof b);
	b.a = U128_MAX;
	txs[0] = make_tx(0, TX_ASSET_CREATE, &b, 0);
	add_block(txs, 1);
	for (int i = 0; i < NKEYS; i++) {
		memset(&b, 0, sizeof b);
		b.id = 1;
		b.a = 1000000 * UNIT;
		memcpy(b.key, pk[i], 32);
		txs[i] = make_tx(0, TX_ASSET_MINT, &b, nonce_of(0) + (uint64_t)i);
	}
	add_block(txs, NKEYS);
	memset(&b, 0, sizeof b);
	b.id = 0;
	b.id2 = 1;
	b.a = 5000 * UNIT;
	b.b = 5000 * UNIT;
	txs[0] = make_tx(1, TX_POOL_ADD, &b, nonce_of(1));
	add_block(txs, 1);
	for (int i = 0; i < NVOTERS; i++) {
		memset(&b, 0, sizeof b);
		memcpy(b.key, pk[i], 32);
		b.hash[0] = 1;
		b.a = 30 * UNIT;
		txs[i] = make_tx(0, TX_RECEIPT_APPROVE, &b, nonce_of(0) + (uint64_t)i);
	}
	add_block(txs, NVOTERS);
	for (int i = 0; i < NPROPOSALS; i++) {
		memset(&b, 0, sizeof b);
		b.id = PROP_PARAM;
		b.id2 = 1;
		b.a = 1000 + (u128)i;
		txs[i] = make_tx(1, TX_PROPOSE, &b, nonce_of(1) + (uint64_t)i);
	}
	add_block(txs, NPROPOSALS);
	for (int i = 0; i < nblocks; i++)
		free(blocks[i]);
	nblocks = 0;
}

int
main(void)
{
	struct ledger_params p;
	static struct genesis_alloc al[NKEYS];
	struct tx_body b;
	uint8_t state[32];
	double t_hash;

	if (nc_init() != NC_OK || sodium_init() < 0)
		return 1;
	l = malloc(sizeof *l);
	scratch = malloc(sizeof *scratch);
	base = malloc(sizeof *base);
	ledger_default_params(&p);
	memset(p.chain_id, 0xbe, 32);
	p.max_block_txs = BLOCK_TXS;
	p.emission_per_block = 100000 * UNIT;
	p.nreviewers = 1;
	p.voting_period = 1000;
	p.epoch_blocks = 1000;
	for (int k = 0; k < NKEYS; k++) {
		uint8_t seed[32] = { 0xbe, (uint8_t)k, (uint8_t)(k >> 8) };

		if (nc_sign_ed25519_seed_keypair(pk[k], sk[k], seed) != NC_OK)
			return 1;
		memcpy(al[k].key, pk[k], 32);
		al[k].amount = 10000 * UNIT;	/* 10^7 NØN in all, under the cap */
	}
	memcpy(p.reviewers[0], pk[0], 32);
	if (ledger_genesis(l, &p, al, NKEYS) != L_OK)
		return 1;
	setup();

	/* The peer: libsodium's verify on a transaction hash, directly. */
	memset(&b, 0, sizeof b);
	probe = make_tx(2, TX_TRANSFER, &b, 0);
	ledger_tx_hash(&probe, p.chain_id, probe_hash);
	t_hash = now();
	for (int i = 0; i < 20; i++)
		ledger_state_hash(l, state);
	t_hash = (now() - t_hash) / 20;

	printf("applied per second, against libsodium's Ed25519 verifications "
	    "per second (the peer)\n");
	report("transfers", fill_transfers);
	report("swaps", fill_swaps);
	report("quadratic votes", fill_votes);
	printf("state hash (%u accounts, %u balances): %.2f ms\n", l->naccounts,
	    l->nbalances, t_hash * 1000);
	printf("(blocks of %d transactions, one thread, best of 5 runs "
	    "alternating with the peer; the state hash is not in the rates)\n",
	    BLOCK_TXS);
	return 0;
}
