/*
 * Property tests of lib/ledger over random transaction streams (a fixed
 * seed, so every run is the same): a producer keeps each random
 * transaction that applies and checks the supply invariants after every
 * one; two independent replicas apply the resulting blocks and must reach
 * the producer's state hash after every block; a block with one refused
 * transaction added must leave a replica unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/ledger_harness.h"

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random amount up to about max, often small, sometimes too big. */
static u128
amount(u128 max)
{
	switch (rnd() % 4) {
	case 0: return rnd() % 1000;
	case 1: return max / ((rnd() % 16) + 1);
	case 2: return max + 1;
	}
	return (u128)rnd() * (rnd() % 1000);
}

static void
random_body(struct harness *h, int who, uint8_t *type, struct tx_body *b)
{
	static const uint8_t types[] = {
		TX_TRANSFER, TX_TRANSFER, TX_SWAP, TX_SWAP, TX_POOL_ADD,
		TX_POOL_REMOVE, TX_CAPSULE_PAY, TX_DELEGATE, TX_UNDELEGATE,
		TX_REWARD_WITHDRAW, TX_UNBOND_CLAIM, TX_CHAN_OPEN,
		TX_CHAN_REFUND, TX_HTLC_LOCK, TX_HTLC_REFUND, TX_HTLC_CLAIM,
		TX_ASSET_BURN, TX_ASSET_MINT, TX_VOTE,
	};
	int other = (int)(rnd() % NKEYS);
	u128 bal = h_bal(h, who, 0);

	memset(b, 0, sizeof *b);
	*type = types[rnd() % sizeof types];
	memcpy(b->key, h->pk[other], 32);
	b->id = (uint32_t)(rnd() % 3);
	b->id2 = (uint32_t)(rnd() % 2);
	b->a = amount(bal);
	b->b = rnd() % 3 == 0 ? amount(bal) : 0;
	b->height = h->l->height + 1 + rnd() % 8;
	memset(b->hash, (int)(rnd() % 2), 32);
	if (*type == TX_DELEGATE || *type == TX_UNDELEGATE ||
	    *type == TX_REWARD_WITHDRAW)
		memcpy(b->key, h->pk[0], 32);
	if (*type == TX_VOTE)
		b->a = rnd() % 5;
}

/* Builds the next block: up to 8 transactions, each kept only if it
 * applies; the invariants are checked after every one. Returns one
 * refused transaction in *bad (if any was seen). */
static int
produce(struct harness *h, struct ledger *work, struct ledger *tmp,
    struct ledger_tx *bad)
{
	struct ledger_block_header hd;
	uint32_t proposer, kept = 0;
	int have_bad = 0;

	memcpy(work, h->l, sizeof *work);
	hd.height = work->height + 1;
	memcpy(hd.parent, work->last_block, 32);
	memcpy(hd.proposer, h->pk[rnd() % 2], 32);
	assert_int_equal(ledger_block_begin(work, &hd, &proposer), L_OK);
	h_begin(h);
	for (int i = 0; i < 8; i++) {
		int who = (int)(rnd() % NKEYS);
		struct tx_body b;
		struct ledger_tx tx;
		uint8_t type;
		struct ledger *saved = h->l;

		random_body(h, who, &type, &b);
		h->l = work;	/* nonces as of the block so far */
		tx = h_tx(h, who, (enum tx_type)type, &b);
		h->l = saved;
		memcpy(tmp, work, sizeof *tmp);
		if (ledger_apply_tx(tmp, &tx, proposer) != L_OK) {
			*bad = tx;
			have_bad = 1;
			continue;
		}
		assert_int_equal(ledger_check_invariants(tmp), L_OK);
		memcpy(work, tmp, sizeof *work);
		h_add(h, &tx);
		kept++;
	}
	assert_int_equal(ledger_block_end(work, kept, proposer), L_OK);
	assert_int_equal(ledger_check_invariants(work), L_OK);
	hd.ntx = kept;
	ledger_block_header_encode(&hd, h->block);
	ledger_block_hash(&hd, h->block + BLOCK_HEADER_LEN,
	    h->blen - BLOCK_HEADER_LEN, work->last_block);
	return have_bad;
}

/* h_do, and the same block applied to both replicas. */
static void
setup_do(struct harness *h, struct ledger *r[2], struct ledger *scratch,
    int who, enum tx_type type, const struct tx_body *b)
{
	assert_int_equal(h_do(h, who, type, b), L_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(ledger_apply_block(r[i], scratch, h->block,
		    h->blen, NULL), L_OK);
}

static void
setup(struct harness *h, struct ledger *r[2], struct ledger *scratch)
{
	struct tx_body b;

	memset(&b, 0, sizeof b);
	b.a = U128_MAX;
	setup_do(h, r, scratch, 0, TX_ASSET_CREATE, &b);
	for (int i = 0; i < NKEYS; i++) {
		memset(&b, 0, sizeof b);
		b.id = 1;
		b.a = 1000000 * UNIT;
		memcpy(b.key, h->pk[i], 32);
		setup_do(h, r, scratch, 0, TX_ASSET_MINT, &b);
	}
	memset(&b, 0, sizeof b);
	b.id = 0;
	b.id2 = 1;
	b.a = 1000 * UNIT;
	b.b = 3000 * UNIT;
	setup_do(h, r, scratch, 1, TX_POOL_ADD, &b);
	memset(&b, 0, sizeof b);
	b.a = 500 * UNIT;
	b.bps[0] = 500;
	setup_do(h, r, scratch, 0, TX_VALIDATOR_CREATE, &b);
	memset(&b, 0, sizeof b);
	b.bps[0] = 5000;
	b.bps[1] = 3000;
	b.bps[2] = 1999;
	b.bps[3] = 1;
	setup_do(h, r, scratch, 2, TX_PROFILE_CREATE, &b);
}

static void
test_random_streams(void **state)
{
	struct ledger_params p;
	struct harness *h;
	struct ledger *work = malloc(sizeof *work), *tmp = malloc(sizeof *tmp);
	struct ledger *r1 = malloc(sizeof *r1), *r2 = malloc(sizeof *r2);
	struct ledger *scratch = malloc(sizeof *scratch), *rs[2];
	struct genesis_alloc a[NKEYS];
	uint8_t hw[32], h1[32], h2[32], before[32];
	int txs = 0, atomic = 0;

	(void)state;
	ledger_default_params(&p);
	memset(p.chain_id, 0x70, 32);
	p.max_block_txs = 16;
	p.unbonding_period = 3;
	h = h_new(&p, 1000000 * UNIT, 11);
	for (int i = 0; i < NKEYS; i++) {
		memcpy(a[i].key, h->pk[i], 32);
		a[i].amount = 1000000 * UNIT;
	}
	/* Both replicas start from genesis and apply every block. */
	assert_int_equal(ledger_genesis(r1, &p, a, NKEYS), L_OK);
	assert_int_equal(ledger_genesis(r2, &p, a, NKEYS), L_OK);
	rs[0] = r1;
	rs[1] = r2;
	setup(h, rs, scratch);
	for (int blk = 0; blk < 150; blk++) {
		struct ledger_tx bad;
		int have_bad = produce(h, work, tmp, &bad);
		size_t len = h->blen;

		ledger_state_hash(work, hw);
		assert_int_equal(ledger_apply_block(r1, scratch, h->block, len,
		    NULL), L_OK);
		/* All or nothing: the block plus a refused transaction. */
		if (have_bad && len + TX_MAX_LEN < sizeof h->block) {
			struct ledger_block_header hd;
			uint8_t *copy = malloc(sizeof h->block);
			size_t n;

			memcpy(copy, h->block, len);
			n = ledger_tx_encode(&bad, copy + len, TX_MAX_LEN);
			assert_int_equal(ledger_block_header_decode(&hd, copy,
			    len), L_OK);
			hd.ntx++;
			ledger_block_header_encode(&hd, copy);
			ledger_state_hash(r2, before);
			assert_int_not_equal(ledger_apply_block(r2, scratch, copy,
			    len + n, NULL), L_OK);
			ledger_state_hash(r2, h2);
			assert_memory_equal(before, h2, 32);
			atomic++;
			free(copy);
		}
		assert_int_equal(ledger_apply_block(r2, scratch, h->block, len,
		    NULL), L_OK);
		ledger_state_hash(r1, h1);
		ledger_state_hash(r2, h2);
		assert_memory_equal(hw, h1, 32);
		assert_memory_equal(hw, h2, 32);
		assert_int_equal(ledger_check_invariants(r1), L_OK);
		memcpy(h->l, r1, sizeof *r1);
		txs += (int)(h->ntx);
	}
	print_message("%d transactions kept in 150 blocks, %d all-or-nothing "
	    "checks\n", txs, atomic);
	assert_true(txs > 150);
	assert_true(atomic > 50);
	free(work);
	free(tmp);
	free(r1);
	free(r2);
	free(scratch);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_streams),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
