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

#define BLOCKS	300

static uint64_t rng = 0x243f6a8885a308d3ull;
static int kinds[TX_NTYPES];	/* types that applied at least once */

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

/* The harness key whose account is a (for signing on its behalf). */
static int
key_of(struct harness *h, const struct ledger *l, uint32_t a)
{
	for (int k = 0; k < NKEYS; k++)
		if (memcmp(l->accounts[a].key, h->pk[k], 32) == 0)
			return k;
	return -1;
}

static void
sign_with(struct harness *h, int k, const uint8_t msg[32], uint8_t sig[64])
{
	assert_int_equal(nc_sign_ed25519(sig, msg, 32, h->sk[k]), NC_OK);
}

/* Fields that need the state: vouchers, evidence, reviewers' receipts. */
static void
fix_body(struct harness *h, const struct ledger *l, int *who, uint8_t type,
    struct tx_body *b)
{
	uint8_t msg[32];
	int k;

	switch (type) {
	case TX_CHAN_CLOSE:
		b->id = l->nchannels - 1 - (uint32_t)(rnd() % 2);
		if (b->id < l->nchannels &&
		    (k = key_of(h, l, l->channels[b->id].payer)) >= 0) {
			b->a = rnd() % 2 ? l->channels[b->id].deposit / 3 :
			    l->channels[b->id].deposit + rnd() % 2;
			ledger_voucher_hash(l->p.chain_id, b->id, b->a, msg);
			sign_with(h, k, msg, b->sig);
			if ((k = key_of(h, l, l->channels[b->id].payee)) >= 0)
				*who = k;
		}
		break;
	case TX_EVIDENCE:
		memcpy(b->key, h->pk[0], 32);
		b->height = 1 + rnd() % (l->height + 1);
		memset(b->hash2, 2 + (int)(rnd() % 2), 32);
		ledger_vote_hash(l->p.chain_id, b->height, b->hash, msg);
		sign_with(h, 0, msg, b->sig);
		ledger_vote_hash(l->p.chain_id, b->height, b->hash2, msg);
		sign_with(h, rnd() % 4 == 0 ? 1 : 0, msg, b->sig2);
		break;
	case TX_RECEIPT_APPROVE:
		*who = 6 + (int)(rnd() % 2);
		b->a = (u128)(rnd() % 100) * UNIT;
		break;
	case TX_PROPOSE:
		b->id = rnd() % 2 ? PROP_ROUND : 1 + (uint32_t)(rnd() % 3);
		b->id2 = 1 + (uint32_t)(rnd() % 7);
		b->a = rnd() % 3 ? rnd() % 20000 : b->a;
		break;
	case TX_VOTE:
	case TX_EXECUTE:
		b->id = l->nproposals - 1 - (uint32_t)(rnd() % 3);
		b->a = rnd() % 5;
		break;
	case TX_QF_CONTRIBUTE:
	case TX_QF_FINALIZE:
		b->id = l->nrounds - 1 - (uint32_t)(rnd() % 2);
		b->a = rnd() % 3 ? rnd() % 10000 : b->a;
		break;
	case TX_HTLC_LOCK:
		/* The hashlock of the preimage b->hash (all 0s or all 1s). */
		assert_int_equal(nc_sha256(b->hash, b->hash, 32), NC_OK);
		break;
	case TX_HTLC_CLAIM:
		b->id = l->nhtlcs - 1 - (uint32_t)(rnd() % 2);
		break;
	}
}

static void
random_body(struct harness *h, const struct ledger *l, int *who,
    uint8_t *type, struct tx_body *b)
{
	static const uint8_t types[] = {
		TX_TRANSFER, TX_TRANSFER, TX_SWAP, TX_SWAP, TX_POOL_ADD,
		TX_POOL_REMOVE, TX_CAPSULE_PAY, TX_DELEGATE, TX_UNDELEGATE,
		TX_REWARD_WITHDRAW, TX_UNBOND_CLAIM, TX_CHAN_OPEN,
		TX_CHAN_CLOSE, TX_CHAN_REFUND, TX_HTLC_LOCK, TX_HTLC_REFUND,
		TX_HTLC_CLAIM, TX_ASSET_CREATE, TX_ASSET_BURN, TX_ASSET_MINT,
		TX_PROFILE_CREATE, TX_VALIDATOR_CREATE, TX_UNJAIL, TX_EVIDENCE,
		TX_RECEIPT_APPROVE, TX_PROPOSE, TX_VOTE, TX_VOTE, TX_EXECUTE,
		TX_QF_CONTRIBUTE, TX_QF_CONTRIBUTE, TX_QF_FINALIZE,
	};
	int other = (int)(rnd() % NKEYS);
	u128 bal = ledger_balance(l, ledger_find_account(l, h->pk[*who]), 0);

	memset(b, 0, sizeof *b);
	*type = types[rnd() % sizeof types];
	memcpy(b->key, h->pk[other], 32);
	b->id = (uint32_t)(rnd() % 3);
	b->id2 = (uint32_t)(rnd() % 2);
	b->a = amount(bal);
	b->b = rnd() % 3 == 0 ? amount(bal) : 0;
	b->height = l->height + 1 + rnd() % 8;
	memset(b->hash, (int)(rnd() % 2), 32);
	b->bps[0] = (uint16_t)(rnd() % 2 ? 10000 : rnd() % 10001);
	if (*type == TX_DELEGATE || *type == TX_UNDELEGATE ||
	    *type == TX_REWARD_WITHDRAW)
		memcpy(b->key, h->pk[rnd() % 4 ? 0 : other], 32);
	fix_body(h, l, who, *type, b);
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
	hd.ntx = 0;	/* counted below, then written into the header */
	assert_int_equal(ledger_block_begin(work, &hd, &proposer), L_OK);
	h_begin(h);
	for (int i = 0; i < 8; i++) {
		int who = (int)(rnd() % NKEYS);
		struct tx_body b;
		struct ledger_tx tx;
		uint8_t type;
		struct ledger *saved = h->l;

		random_body(h, work, &who, &type, &b);
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
		kinds[type] = 1;
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
	int txs = 0, atomic = 0, nkinds = 0;

	(void)state;
	ledger_default_params(&p);
	memset(p.chain_id, 0x70, 32);
	p.max_block_txs = 16;
	p.unbonding_period = 3;
	p.jail_blocks = 2;
	p.epoch_blocks = 5;
	p.rep_half_life = 4;
	p.emission_per_block = 100 * UNIT;
	p.voting_period = 4;
	p.qf_period = 8;
	p.burn_bps = 5000;	/* half of each base fee funds the treasury */
	p.quorum_votes = 2;
	p.nreviewers = 2;
	p.review_quorum = 1;
	h = calloc(1, sizeof *h);
	h_keys(h, 11);
	memcpy(p.reviewers[0], h->pk[6], 32);
	memcpy(p.reviewers[1], h->pk[7], 32);
	free(h);
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
	for (int blk = 0; blk < BLOCKS; blk++) {
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
	for (int t = 0; t < TX_NTYPES; t++)
		nkinds += kinds[t];
	print_message("%d transactions of %d kinds kept in %d blocks, %d "
	    "all-or-nothing checks\n", txs, nkinds, BLOCKS, atomic);
	for (int t = 1; t < TX_NTYPES; t++)
		if (!kinds[t])
			print_message("never applied: type %d\n", t);
	assert_int_equal(nkinds, TX_NTYPES - 1);
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
