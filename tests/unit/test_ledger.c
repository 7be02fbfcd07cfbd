/*
 * Tests of lib/ledger: arithmetic, encodings, every transaction type and
 * its errors, blocks (all or nothing), fees and emission, the AMM against
 * Uniswap V2's published swap cases, HTLC atomic swaps between two
 * ledgers, payment channels and revenue sharing. The harness checks the
 * supply invariants after every block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/ledger_harness.h"

static struct ledger_params
params(void)
{
	struct ledger_params p;

	ledger_default_params(&p);
	memset(p.chain_id, 0xc1, 32);
	return p;
}

static struct harness *
fresh(void)
{
	struct ledger_params p = params();

	return h_new(&p, 1000 * UNIT, 1);
}

static void
test_arith(void **state)
{
	u128 r, big = (u128)1 << 100;

	(void)state;
	assert_int_equal(add_ok(U128_MAX, 1, &r), -1);
	assert_int_equal(add_ok(U128_MAX - 1, 1, &r), 0);
	assert_true(r == U128_MAX);
	assert_int_equal(sub_ok(1, 2, &r), -1);
	assert_int_equal(mul_ok((u128)1 << 64, (u128)1 << 64, &r), -1);
	assert_int_equal(mul_ok((u128)1 << 63, (u128)1 << 64, &r), 0);
	/* 2^100 * 2^100 / 2^90 needs the 256-bit product. */
	assert_int_equal(mul_div(big, big, (u128)1 << 90, ROUND_DOWN, &r), 0);
	assert_true(r == (u128)1 << 110);
	assert_int_equal(mul_div(U128_MAX, U128_MAX, U128_MAX, ROUND_UP, &r), 0);
	assert_true(r == U128_MAX);
	assert_int_equal(mul_div(U128_MAX, 3, 2, ROUND_DOWN, &r), -1);
	assert_int_equal(mul_div(7, 3, 2, ROUND_DOWN, &r), 0);
	assert_true(r == 10);
	assert_int_equal(mul_div(7, 3, 2, ROUND_UP, &r), 0);
	assert_true(r == 11);
	assert_int_equal(mul_div(6, 3, 2, ROUND_UP, &r), 0);
	assert_true(r == 9);
	assert_int_equal(mul_div(1, 1, 0, ROUND_DOWN, &r), -1);
	/* (2^128 - 1)^2 / (2^128 - 2) rounds: 2^128 - 1 + 1/(2^128 - 2). */
	assert_int_equal(mul_div(U128_MAX, U128_MAX, U128_MAX - 1, ROUND_DOWN,
	    &r), -1);
	assert_int_equal(mul_div(U128_MAX - 1, U128_MAX, U128_MAX, ROUND_DOWN,
	    &r), 0);
	assert_true(r == U128_MAX - 1);
	/* A 256-bit quotient with a remainder, against the exact value:
	 * (2^127 + 1) * 3 / 2 = 3 * 2^126 + 1 rem 1. */
	assert_int_equal(mul_div(((u128)1 << 127) + 1, 3, 2, ROUND_DOWN, &r), 0);
	assert_true(r == ((u128)3 << 126) + 1);
	assert_int_equal(mul_div(((u128)1 << 127) + 1, 3, 2, ROUND_UP, &r), 0);
	assert_true(r == ((u128)3 << 126) + 2);
	assert_true(isqrt(0) == 0 && isqrt(1) == 1 && isqrt(3) == 1 &&
	    isqrt(4) == 2 && isqrt(99) == 9 && isqrt(100) == 10);
	assert_true(isqrt(U128_MAX) == UINT64_MAX);
	r = (u128)0xfffffffffull * 0xfffffffffull;
	assert_true(isqrt(r) == 0xfffffffffull && isqrt(r - 1) == 0xffffffffeull);
	assert_true(cmp_wide(mul_wide(U128_MAX, U128_MAX),
	    mul_wide(U128_MAX, U128_MAX - 1)) == 1);
	assert_true(mul_wide(U128_MAX, U128_MAX).hi == U128_MAX - 1);
	assert_true(mul_wide(U128_MAX, U128_MAX).lo == 1);
}

static void
test_codec(void **state)
{
	struct harness *h = fresh();
	uint8_t buf[TX_MAX_LEN];
	struct ledger_tx tx, back;
	struct tx_body b;
	size_t n, used;

	(void)state;
	memset(&b, 0, sizeof b);
	for (int t = 1; t < TX_NTYPES; t++) {
		tx = h_tx(h, 0, (enum tx_type)t, &b);
		n = ledger_tx_encode(&tx, buf, sizeof buf);
		assert_true(n > 0);
		assert_int_equal(ledger_tx_decode(&back, buf, n, &used), L_OK);
		assert_int_equal(used, n);
		assert_int_equal(back.type, t);
		/* Every shorter prefix is refused. */
		for (size_t k = 0; k < n; k++)
			assert_int_equal(ledger_tx_decode(&back, buf, k, &used),
			    L_EFORMAT);
	}
	b.id = 7;
	b.a = U128_MAX;
	memset(b.key, 0x55, 32);
	tx = h_tx(h, 1, TX_TRANSFER, &b);
	n = ledger_tx_encode(&tx, buf, sizeof buf);
	assert_int_equal(n, 1 + 32 + 8 + 16 + 32 + 4 + 16 + 64);
	assert_int_equal(ledger_tx_decode(&back, buf, n, &used), L_OK);
	assert_memory_equal(&back, &tx, sizeof tx);
	buf[0] = 0;
	assert_int_equal(ledger_tx_decode(&back, buf, n, &used), L_EFORMAT);
	buf[0] = TX_NTYPES;
	assert_int_equal(ledger_tx_decode(&back, buf, n, &used), L_EFORMAT);
	assert_int_equal(ledger_tx_encode(&tx, buf, 10), 0);
	h_free(h);
}

static void
test_genesis(void **state)
{
	struct ledger_params p = params(), q;
	struct genesis_alloc a[2], back[4];
	uint8_t buf[1024], h1[32], h2[32];
	struct ledger *l = malloc(sizeof *l), *m = malloc(sizeof *m);
	size_t n, count;

	(void)state;
	memset(a, 0, sizeof a);
	a[0].key[0] = 1;
	a[0].amount = 5;
	a[1].key[0] = 2;
	a[1].amount = p.supply_cap;
	assert_int_equal(ledger_genesis(l, &p, a, 2), L_EOVERFLOW);
	a[1].amount = 7;
	n = ledger_genesis_encode(&p, a, 2, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(ledger_genesis_decode(&q, back, 4, &count, buf, n), L_OK);
	assert_int_equal(count, 2);
	assert_memory_equal(&q, &p, sizeof p);
	assert_int_equal(ledger_genesis_decode(&q, back, 1, &count, buf, n),
	    L_EFORMAT);
	assert_int_equal(ledger_genesis_decode(&q, back, 4, &count, buf, n - 1),
	    L_EFORMAT);
	assert_int_equal(ledger_genesis(l, &q, back, count), L_OK);
	assert_int_equal(ledger_genesis(m, &p, a, 2), L_OK);
	assert_int_equal(ledger_check_invariants(l), L_OK);
	assert_true(l->assets[L_NATIVE].supply == 12);
	ledger_state_hash(l, h1);
	ledger_state_hash(m, h2);
	assert_memory_equal(h1, h2, 32);
	m->accounts[3].nonce = 1;
	ledger_state_hash(m, h2);
	assert_memory_not_equal(h1, h2, 32);
	p.amm_fee_bps = L_BPS;
	assert_int_equal(ledger_genesis(l, &p, a, 2), L_EPARAM);
	free(l);
	free(m);
}

static void
test_transfer_and_errors(void **state)
{
	struct harness *h = fresh();
	struct ledger_tx tx;
	struct tx_body b;
	uint8_t other[32];
	u128 fee = h->l->base_fee;

	(void)state;
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[1], 32);
	b.a = 10 * UNIT;
	assert_int_equal(h_do(h, 0, TX_TRANSFER, &b), L_OK);
	assert_true(h_bal(h, 0, 0) == 990 * UNIT - fee);
	assert_true(h_bal(h, 1, 0) == 1010 * UNIT);
	/* A replayed transaction: its nonce is spent. */
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	tx.nonce = 0;
	assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[0]), L_OK);
	assert_int_equal(h_apply(h, &tx), L_ENONCE);
	/* A nonce from the future. */
	tx.nonce = 5;
	assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[0]), L_OK);
	assert_int_equal(h_apply(h, &tx), L_ENONCE);
	/* Signed for another chain. */
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	memset(other, 0xc2, 32);
	assert_int_equal(ledger_tx_sign(&tx, other, h->sk[0]), L_OK);
	assert_int_equal(h_apply(h, &tx), L_ESIG);
	/* Tampered after signing; signed by someone else. */
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	tx.body.a++;
	assert_int_equal(h_apply(h, &tx), L_ESIG);
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[1]), L_OK);
	assert_int_equal(h_apply(h, &tx), L_ESIG);
	/* Fee below the base fee. */
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	tx.fee = h->l->base_fee - 1;
	assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[0]), L_OK);
	assert_int_equal(h_apply(h, &tx), L_EFEE);
	/* Insufficient funds, unknown asset, unknown payer. */
	b.a = 5000 * UNIT;
	assert_int_equal(h_do(h, 0, TX_TRANSFER, &b), L_EFUNDS);
	b.a = 1;
	b.id = 9;
	assert_int_equal(h_do(h, 0, TX_TRANSFER, &b), L_ENOENT);
	b.id = 0;
	tx = h_tx(h, 0, TX_TRANSFER, &b);
	memset(tx.payer, 0x77, 32);
	assert_int_equal(h_apply(h, &tx), L_ENOENT);
	/* None of the refused ones moved anything. */
	assert_true(h_bal(h, 0, 0) == 990 * UNIT - fee);
	assert_int_equal(h->l->accounts[ledger_find_account(h->l, h->pk[0])].nonce, 1);
	/* Nothing: refused (it could only fill the account table). */
	b.a = 0;
	assert_int_equal(h_do(h, 0, TX_TRANSFER, &b), L_EPARAM);
	/* A transfer to a new account creates it. */
	memset(b.key, 0x42, 32);
	b.a = 3;
	assert_int_equal(h_do(h, 0, TX_TRANSFER, &b), L_OK);
	assert_true(ledger_balance(h->l, ledger_find_account(h->l, b.key), 0) == 3);
	h_free(h);
}

static void
test_block_all_or_nothing(void **state)
{
	struct harness *h = fresh();
	struct ledger_tx t1, t2;
	struct tx_body b;
	uint8_t before[32], after[32];
	struct ledger_block_header hd;
	uint32_t bad;

	(void)state;
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[1], 32);
	b.a = UNIT;
	t1 = h_tx(h, 0, TX_TRANSFER, &b);
	b.a = 100000 * UNIT;
	t2 = h_tx(h, 2, TX_TRANSFER, &b);
	ledger_state_hash(h->l, before);
	h_begin(h);
	h_add(h, &t1);
	h_add(h, &t2);
	assert_int_equal(h_commit(h), L_EFUNDS);
	ledger_state_hash(h->l, after);
	assert_memory_equal(before, after, 32);
	assert_int_equal(h->l->height, 0);
	/* The bad transaction is named. */
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block, h->blen,
	    &bad), L_EFUNDS);
	assert_int_equal(bad, 1);
	/* Trailing bytes, a wrong count, height or parent: refused. */
	h_begin(h);
	h_add(h, &t1);
	h->block[h->blen++] = 0;
	assert_int_equal(h_commit(h), L_EFORMAT);
	h_begin(h);
	h_add(h, &t1);
	assert_int_equal(h_commit(h), L_OK);
	assert_int_equal(h->l->height, 1);
	hd.height = 1;
	memset(hd.parent, 0, 32);
	memset(hd.proposer, 1, 32);
	hd.ntx = 0;
	ledger_block_header_encode(&hd, h->block);
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block,
	    BLOCK_HEADER_LEN, NULL), L_EBLOCK);
	hd.height = 2;
	ledger_block_header_encode(&hd, h->block);
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block,
	    BLOCK_HEADER_LEN, NULL), L_EBLOCK);
	memcpy(hd.parent, h->l->last_block, 32);
	hd.ntx = h->l->p.max_block_txs + 1;
	ledger_block_header_encode(&hd, h->block);
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block,
	    BLOCK_HEADER_LEN, NULL), L_EBLOCK);
	hd.ntx = 0;
	ledger_block_header_encode(&hd, h->block);
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block,
	    BLOCK_HEADER_LEN - 1, NULL), L_EFORMAT);
	assert_int_equal(ledger_apply_block(h->l, h->scratch, h->block,
	    BLOCK_HEADER_LEN, NULL), L_OK);
	h_free(h);
}

static void
test_fees_and_emission(void **state)
{
	struct ledger_params p = params();
	struct harness *h;
	struct tx_body b;
	u128 base, prop_before;
	uint32_t prop;

	(void)state;
	p.max_block_txs = 4;
	p.burn_bps = 7000;
	p.emission_per_block = 4000;
	p.halving_interval = 1000;
	p.supply_cap = 8 * 1000 * UNIT + 4500;
	h = h_new(&p, 1000 * UNIT, 2);
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[1], 32);
	b.a = 1;
	/* A full block (4 > target 2) raises the base fee by 1/8. */
	base = h->l->base_fee;
	h_begin(h);
	for (int i = 0; i < 4; i++) {
		struct ledger_tx tx = h_tx(h, i, TX_TRANSFER, &b);

		tx.fee = base + 10;	/* a tip of 10 */
		assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[i]), L_OK);
		h_add(h, &tx);
	}
	assert_int_equal(h_commit(h), L_OK);
	assert_int_equal(ledger_check_invariants(h->l), L_OK);
	assert_true(h->l->base_fee == base + base / 8);
	/* 70 % of each base fee burned, 30 % to the treasury. */
	assert_true(h->l->burned == 4 * (base * 7 / 10));
	assert_true(ledger_balance(h->l, L_TREASURY, 0) == 4 * (base - base * 7 / 10));
	/* Proposer: tips 40 and 20 % of emission 4000. */
	prop = ledger_find_account(h->l, h->proposer);
	assert_true(ledger_balance(h->l, prop, 0) == 40 + 800);
	assert_true(ledger_balance(h->l, L_REWARDS, 0) == 3200);
	/* Empty blocks lower it back to the floor. */
	for (int i = 0; i < 40; i++)
		assert_int_equal(h_empty(h), L_OK);
	assert_true(h->l->base_fee == p.base_fee_min);
	/* Emission halved every 3 blocks and clipped at the cap, which
	 * what was burned makes room under again. */
	assert_true(h->l->emitted == 4500 + h->l->burned);
	assert_true(h->l->assets[0].supply == p.supply_cap);
	prop_before = ledger_balance(h->l, prop, 0);
	assert_int_equal(h_empty(h), L_OK);
	assert_true(ledger_balance(h->l, prop, 0) == prop_before);
	assert_int_equal(ledger_check_invariants(h->l), L_OK);
	h_free(h);
	/* Halving: 1000 for blocks 1-3, 500 for 4-6, 250 for 7. */
	p = params();
	p.emission_per_block = 1000;
	p.halving_interval = 3;
	h = h_new(&p, UNIT, 2);
	for (int i = 0; i < 7; i++)
		assert_int_equal(h_empty(h), L_OK);
	assert_true(h->l->emitted == 4750);
	h_free(h);
}

static void
test_assets(void **state)
{
	struct harness *h = fresh();
	struct tx_body b;

	(void)state;
	memset(&b, 0, sizeof b);
	assert_int_equal(h_do(h, 0, TX_ASSET_CREATE, &b), L_EPARAM);
	b.a = 1000;
	memset(b.hash, 0xab, 32);
	assert_int_equal(h_do(h, 0, TX_ASSET_CREATE, &b), L_OK);
	assert_int_equal(h->l->nassets, 2);
	memset(&b, 0, sizeof b);
	b.id = 1;
	b.a = 600;
	memcpy(b.key, h->pk[2], 32);
	assert_int_equal(h_do(h, 1, TX_ASSET_MINT, &b), L_EPERM);
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_OK);
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_EOVERFLOW);
	b.id = 0;
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_EPERM);
	b.id = 5;
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_ENOENT);
	assert_true(h_bal(h, 2, 1) == 600);
	b.id = 1;
	b.a = 100;
	assert_int_equal(h_do(h, 2, TX_ASSET_BURN, &b), L_OK);
	assert_true(h->l->assets[1].supply == 500);
	b.a = 501;
	assert_int_equal(h_do(h, 2, TX_ASSET_BURN, &b), L_EFUNDS);
	/* Burning NØN counts as burned. */
	b.id = 0;
	b.a = UNIT;
	assert_int_equal(h_do(h, 2, TX_ASSET_BURN, &b), L_OK);
	assert_true(h->l->burned >= UNIT);
	h_free(h);
}

/*
 * Uniswap V2's published swap cases (the getInputPrice table of its pair
 * contract's test suite, UniswapV2Pair.spec.ts): swap amount, reserve
 * in, reserve out (whole tokens of 10^18 units) and the output its 0.3 %
 * fee gives, in base units. The pair test also shows that output + 1
 * breaks its k check; here the same limit is refused as slippage.
 */
static const struct {
	uint64_t in, r_in, r_out;
	const char *out;
} uniswap_cases[] = {
	{ 1, 5, 10, "1662497915624478906" },
	{ 1, 10, 5, "453305446940074565" },
	{ 2, 5, 10, "2851015155847869602" },
	{ 2, 10, 5, "831248957812239453" },
	{ 1, 10, 10, "906610893880149131" },
	{ 1, 100, 100, "987158034397061298" },
	{ 1, 1000, 1000, "996006981039903216" },
};

static u128
dec128(const char *s)
{
	u128 v = 0;

	for (; *s != '\0'; s++)
		v = v * 10 + (u128)(*s - '0');
	return v;
}

static void
test_amm_uniswap_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof uniswap_cases / sizeof uniswap_cases[0];
	    i++) {
		struct ledger_params p = params();
		struct harness *h = h_new(&p, 100000 * UNIT, 3);
		struct tx_body b;
		u128 want = dec128(uniswap_cases[i].out), out, before;

		assert_int_equal(amm_amount_out(uniswap_cases[i].in * UNIT,
		    uniswap_cases[i].r_in * UNIT, uniswap_cases[i].r_out * UNIT,
		    30, &out), L_OK);
		assert_true(out == want);
		/* As the pair test: one unit more breaks k, the output keeps it. */
		{
			u128 in = uniswap_cases[i].in * UNIT;
			u128 ri = uniswap_cases[i].r_in * UNIT;
			u128 ro = uniswap_cases[i].r_out * UNIT;

			assert_true(amm_k_holds(ri, ro, ri + in, ro - want, in, 30));
			assert_false(amm_k_holds(ri, ro, ri + in, ro - want - 1,
			    in, 30));
		}
		/* The same through a pool: asset 1 against NØN. */
		memset(&b, 0, sizeof b);
		b.a = 1000000 * UNIT;
		assert_int_equal(h_do(h, 0, TX_ASSET_CREATE, &b), L_OK);
		b.id = 1;
		b.a = 100000 * UNIT;
		memcpy(b.key, h->pk[0], 32);
		assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_OK);
		memset(&b, 0, sizeof b);
		b.id = 1;
		b.id2 = 0;
		b.a = uniswap_cases[i].r_in * UNIT;
		b.b = uniswap_cases[i].r_out * UNIT;
		assert_int_equal(h_do(h, 0, TX_POOL_ADD, &b), L_OK);
		memset(&b, 0, sizeof b);
		b.id = 0;
		b.id2 = 1;
		b.a = uniswap_cases[i].in * UNIT;
		b.b = want + 1;		/* a limit the pool cannot meet */
		assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_ESLIPPAGE);
		b.b = want;
		before = h_bal(h, 0, 0);
		assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_OK);
		assert_true(h_bal(h, 0, 0) - before == want - h->l->base_fee ||
		    h_bal(h, 0, 0) + h->l->base_fee - before <= want);
		h_free(h);
	}
}

static void
test_amm_liquidity(void **state)
{
	struct harness *h = fresh();
	struct tx_body b;
	struct ledger_pool *p;
	u128 shares, lp_supply;

	(void)state;
	memset(&b, 0, sizeof b);
	b.a = U128_MAX;
	assert_int_equal(h_do(h, 0, TX_ASSET_CREATE, &b), L_OK);
	memset(&b, 0, sizeof b);
	b.id = 1;
	b.a = 500 * UNIT;
	memcpy(b.key, h->pk[0], 32);
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_OK);
	memcpy(b.key, h->pk[1], 32);
	assert_int_equal(h_do(h, 0, TX_ASSET_MINT, &b), L_OK);
	/* First deposit: sqrt(x*y) shares, 1000 of them locked. */
	memset(&b, 0, sizeof b);
	b.id = 0;
	b.id2 = 1;
	b.a = 400 * UNIT;
	b.b = 100 * UNIT;
	assert_int_equal(h_do(h, 0, TX_POOL_ADD, &b), L_OK);
	p = &h->l->pools[0];
	assert_int_equal(p->lp, 2);
	assert_true(p->ra == 400 * UNIT && p->rb == 100 * UNIT);
	shares = 200 * UNIT - 1000;
	assert_true(h_bal(h, 0, 2) == shares);
	assert_true(ledger_balance(h->l, L_LOCKED, 2) == 1000);
	/* Too little for the minimum liquidity. */
	b.id2 = 0;
	b.id = 0;
	assert_int_equal(h_do(h, 0, TX_POOL_ADD, &b), L_EPARAM);
	/* Second deposit in the pool's ratio, from the other side's order. */
	b.id = 1;
	b.id2 = 0;
	b.a = 50 * UNIT;
	b.b = 200 * UNIT;
	b.c = 100 * UNIT + 1;
	assert_int_equal(h_do(h, 1, TX_POOL_ADD, &b), L_ESLIPPAGE);
	b.c = 100 * UNIT;
	assert_int_equal(h_do(h, 1, TX_POOL_ADD, &b), L_OK);
	assert_true(h_bal(h, 1, 2) == 100 * UNIT);
	/* Removing: pro rata, rounded down. */
	lp_supply = h->l->assets[2].supply;
	memset(&b, 0, sizeof b);
	b.id = 0;
	b.a = 100 * UNIT;
	b.b = 200 * UNIT + 1;
	assert_int_equal(h_do(h, 1, TX_POOL_REMOVE, &b), L_ESLIPPAGE);
	b.b = 0;
	assert_int_equal(h_do(h, 1, TX_POOL_REMOVE, &b), L_OK);
	assert_true(h->l->assets[2].supply == lp_supply - 100 * UNIT);
	assert_true(h_bal(h, 1, 1) == 500 * UNIT);
	b.a = lp_supply;
	assert_int_equal(h_do(h, 0, TX_POOL_REMOVE, &b), L_EPARAM);
	/* A swap of an asset the pool does not hold; an unknown pool. */
	b.id = 0;
	b.id2 = 7;
	b.a = 5;
	assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_ENOENT);
	b.id = 3;
	assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_ENOENT);
	/* Dust swaps that give nothing are refused. */
	b.id = 0;
	b.id2 = 0;
	b.a = 1;
	b.b = 0;
	assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_ESLIPPAGE);
	b.id2 = 1;	/* 1 unit of the dearer asset buys 3 */
	assert_int_equal(h_do(h, 0, TX_SWAP, &b), L_OK);
	h_free(h);
}

/*
 * An atomic swap between two independent ledgers: Alice (key 0 on chain
 * A) pays Bob 5 NØN-A for 7 NØN-B. Alice picks the secret; Bob's lock on
 * B times out first, so Alice must reveal it on B before she could
 * refund on A.
 */
static void
test_htlc_atomic_swap(void **state)
{
	struct ledger_params pa = params(), pb = params();
	struct harness *a, *bb;
	struct tx_body t;
	uint8_t secret[32], lock[32];
	struct ledger_tx claim;

	(void)state;
	memset(pb.chain_id, 0xb2, 32);
	a = h_new(&pa, 100 * UNIT, 4);
	bb = h_new(&pb, 100 * UNIT, 4);	/* same keys on both chains */
	memset(secret, 0x5e, 32);
	assert_int_equal(nc_sha256(lock, secret, 32), NC_OK);
	memset(&t, 0, sizeof t);
	memcpy(t.key, a->pk[1], 32);
	t.a = 5 * UNIT;
	memcpy(t.hash, lock, 32);
	t.height = 20;
	assert_int_equal(h_do(a, 0, TX_HTLC_LOCK, &t), L_OK);
	/* Bob checks Alice's lock, then locks on B with an earlier timeout. */
	assert_true(a->l->htlcs[0].amount == 5 * UNIT);
	memcpy(t.key, bb->pk[0], 32);
	t.a = 7 * UNIT;
	t.height = 10;
	assert_int_equal(h_do(bb, 1, TX_HTLC_LOCK, &t), L_OK);
	/* A wrong preimage is refused; Alice claims on B with the secret. */
	memset(&t, 0, sizeof t);
	t.id = 0;
	memset(t.hash, 0x5f, 32);
	assert_int_equal(h_do(bb, 0, TX_HTLC_CLAIM, &t), L_EPERM);
	memcpy(t.hash, secret, 32);
	claim = h_tx(bb, 0, TX_HTLC_CLAIM, &t);
	assert_int_equal(h_apply(bb, &claim), L_OK);
	assert_true(h_bal(bb, 0, 0) > 106 * UNIT);
	/* Bob reads the secret from Alice's claim and claims on A. */
	memset(&t, 0, sizeof t);
	memcpy(t.hash, claim.body.hash, 32);
	assert_int_equal(h_do(a, 1, TX_HTLC_CLAIM, &t), L_OK);
	assert_true(h_bal(a, 1, 0) > 104 * UNIT);
	/* Both are spent: no second claim, no refund. */
	assert_int_equal(h_do(a, 1, TX_HTLC_CLAIM, &t), L_ESTATE);
	for (int i = 0; i < 20; i++)
		assert_int_equal(h_empty(a), L_OK);
	assert_int_equal(h_do(a, 0, TX_HTLC_REFUND, &t), L_ESTATE);
	h_free(a);
	h_free(bb);
}

static void
test_htlc_refund(void **state)
{
	struct harness *h = fresh();
	struct tx_body t;
	uint8_t secret[32] = { 1 };
	u128 before;

	(void)state;
	memset(&t, 0, sizeof t);
	memcpy(t.key, h->pk[1], 32);
	t.a = UNIT;
	assert_int_equal(nc_sha256(t.hash, secret, 32), NC_OK);
	t.height = 1;	/* not in the future */
	assert_int_equal(h_do(h, 0, TX_HTLC_LOCK, &t), L_EPARAM);
	t.height = 5;
	t.a = 0;
	assert_int_equal(h_do(h, 0, TX_HTLC_LOCK, &t), L_EPARAM);
	t.a = UNIT;
	/* Refused blocks leave the height alone: this is block 1. */
	assert_int_equal(h_do(h, 0, TX_HTLC_LOCK, &t), L_OK);
	memset(&t, 0, sizeof t);
	while (h->l->height < 3)
		assert_int_equal(h_empty(h), L_OK);
	assert_int_equal(h_do(h, 0, TX_HTLC_REFUND, &t), L_ESTATE);	/* 4 */
	assert_int_equal(h_empty(h), L_OK);				/* 4 */
	before = h_bal(h, 0, 0);
	assert_int_equal(h_do(h, 2, TX_HTLC_REFUND, &t), L_OK);	/* 5 */
	assert_true(h_bal(h, 0, 0) == before + UNIT);
	/* Expired: the secret no longer claims it. */
	memcpy(t.hash, secret, 32);
	assert_int_equal(h_do(h, 1, TX_HTLC_CLAIM, &t), L_ESTATE);
	t.id = 4;
	assert_int_equal(h_do(h, 1, TX_HTLC_CLAIM, &t), L_ENOENT);
	h_free(h);
}

static void
voucher(struct harness *h, int payer, uint32_t chan, u128 amount,
    uint8_t sig[64])
{
	uint8_t hash[32];

	ledger_voucher_hash(h->l->p.chain_id, chan, amount, hash);
	assert_int_equal(nc_sign_ed25519(sig, hash, 32, h->sk[payer]), NC_OK);
}

static void
test_channels(void **state)
{
	struct harness *h = fresh();
	struct tx_body t;
	u128 payer0, payee0;

	(void)state;
	memset(&t, 0, sizeof t);
	memcpy(t.key, h->pk[1], 32);
	t.a = 10 * UNIT;
	t.height = 50;
	t.id = 3;
	assert_int_equal(h_do(h, 0, TX_CHAN_OPEN, &t), L_ENOENT);
	t.id = 0;
	memcpy(t.key, h->pk[0], 32);
	assert_int_equal(h_do(h, 0, TX_CHAN_OPEN, &t), L_EPARAM);
	memcpy(t.key, h->pk[1], 32);
	assert_int_equal(h_do(h, 0, TX_CHAN_OPEN, &t), L_OK);
	assert_int_equal(h_do(h, 0, TX_CHAN_OPEN, &t), L_OK);
	/* Vouchers off-ledger: 1, 2, 3 NØN cumulative; the payee keeps the best. */
	memset(&t, 0, sizeof t);
	t.a = 3 * UNIT;
	voucher(h, 0, 0, 3 * UNIT, t.sig);
	assert_int_equal(h_do(h, 0, TX_CHAN_CLOSE, &t), L_EPERM);
	assert_int_equal(h_do(h, 2, TX_CHAN_CLOSE, &t), L_EPERM);
	t.a = 4 * UNIT;		/* more than signed */
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_ESIG);
	voucher(h, 0, 1, 3 * UNIT, t.sig);	/* another channel's voucher */
	t.a = 3 * UNIT;
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_ESIG);
	voucher(h, 1, 0, 3 * UNIT, t.sig);	/* signed by the payee */
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_ESIG);
	voucher(h, 0, 0, 11 * UNIT, t.sig);
	t.a = 11 * UNIT;
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_EFUNDS);
	voucher(h, 0, 0, 3 * UNIT, t.sig);
	t.a = 3 * UNIT;
	payer0 = h_bal(h, 0, 0);
	payee0 = h_bal(h, 1, 0);
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_OK);
	assert_true(h_bal(h, 0, 0) == payer0 + 7 * UNIT);
	assert_true(h_bal(h, 1, 0) == payee0 + 3 * UNIT - h->l->base_fee);
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_ESTATE);
	/* Channel 1: refund only by the payer, only from the expiry; from
	 * then on the payee can no longer close it. */
	t.id = 1;
	assert_int_equal(h_do(h, 0, TX_CHAN_REFUND, &t), L_ESTATE);
	while (h->l->height < 49)
		assert_int_equal(h_empty(h), L_OK);
	voucher(h, 0, 1, UNIT, t.sig);
	t.a = UNIT;
	assert_int_equal(h_do(h, 1, TX_CHAN_CLOSE, &t), L_ESTATE);	/* expired */
	assert_int_equal(h_do(h, 1, TX_CHAN_REFUND, &t), L_EPERM);
	payer0 = h_bal(h, 0, 0);
	assert_int_equal(h_do(h, 0, TX_CHAN_REFUND, &t), L_OK);
	assert_true(h_bal(h, 0, 0) == payer0 + 10 * UNIT - h->l->base_fee);
	t.id = 9;
	assert_int_equal(h_do(h, 0, TX_CHAN_REFUND, &t), L_ENOENT);
	h_free(h);
}

static void
test_revenue_sharing(void **state)
{
	struct harness *h = fresh();
	struct tx_body t;
	u128 pub0, tre0, burned0, prop0, amount = 1000003;
	uint32_t prop;

	(void)state;
	memset(&t, 0, sizeof t);
	t.bps[0] = 7000;
	t.bps[1] = 2000;
	t.bps[2] = 500;
	t.bps[3] = 499;
	assert_int_equal(h_do(h, 0, TX_PROFILE_CREATE, &t), L_EPARAM);
	t.bps[3] = 500;
	assert_int_equal(h_do(h, 0, TX_PROFILE_CREATE, &t), L_OK);
	t.bps[0] = 65535;
	assert_int_equal(h_do(h, 0, TX_PROFILE_CREATE, &t), L_EPARAM);
	assert_int_equal(h_empty(h), L_OK);
	prop = ledger_find_account(h->l, h->proposer);
	memset(&t, 0, sizeof t);
	t.a = amount;
	pub0 = h_bal(h, 0, 0);
	tre0 = ledger_balance(h->l, L_TREASURY, 0);
	burned0 = h->l->burned;
	prop0 = ledger_balance(h->l, prop, 0);
	assert_int_equal(h_do(h, 1, TX_CAPSULE_PAY, &t), L_OK);
	/* 700002 publisher, 200000 stakers (paid at block end), 50000
	 * burned, 50000 treasury + 1 dust. */
	assert_true(h_bal(h, 0, 0) == pub0 + 700002);
	assert_true(h->l->burned - burned0 == 50000 + h->l->base_fee);
	assert_true(ledger_balance(h->l, L_TREASURY, 0) - tre0 == 50001);
	assert_true(ledger_balance(h->l, prop, 0) - prop0 ==
	    200000 + h->l->p.emission_per_block / 5);
	t.id = 1;
	assert_int_equal(h_do(h, 1, TX_CAPSULE_PAY, &t), L_ENOENT);
	h_free(h);
}

/* Full tables refuse deterministically; pools need two known assets. */
static void
test_limits(void **state)
{
	struct harness *h = fresh();
	struct tx_body t;
	uint8_t before[32], after[32];

	(void)state;
	memset(&t, 0, sizeof t);
	t.bps[0] = L_BPS;
	h_begin(h);
	for (int i = 0; i < L_MAX_PROFILES; i++) {
		struct ledger_tx tx = h_tx(h, 0, TX_PROFILE_CREATE, &t);

		tx.nonce = (uint64_t)i;
		assert_int_equal(ledger_tx_sign(&tx, h->l->p.chain_id, h->sk[0]),
		    L_OK);
		h_add(h, &tx);
	}
	assert_int_equal(h_commit(h), L_OK);
	assert_int_equal(h->l->nprofiles, L_MAX_PROFILES);
	ledger_state_hash(h->l, before);
	assert_int_equal(h_do(h, 0, TX_PROFILE_CREATE, &t), L_EFULL);
	ledger_state_hash(h->l, after);
	assert_memory_equal(before, after, 32);
	memset(&t, 0, sizeof t);
	t.a = 10;
	t.b = 10;
	assert_int_equal(h_do(h, 0, TX_POOL_ADD, &t), L_EPARAM);	/* 0 and 0 */
	t.id2 = 4;
	assert_int_equal(h_do(h, 0, TX_POOL_ADD, &t), L_ENOENT);
	/* A transaction larger than the block's limit of transactions. */
	h->l->p.max_block_txs = 1;
	h_begin(h);
	{
		struct ledger_tx a = h_tx(h, 0, TX_PROFILE_CREATE, &t);
		struct ledger_tx b = a;

		b.nonce++;
		h_add(h, &a);
		h_add(h, &b);
	}
	assert_int_equal(h_commit(h), L_EBLOCK);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_codec),
		cmocka_unit_test(test_genesis),
		cmocka_unit_test(test_transfer_and_errors),
		cmocka_unit_test(test_block_all_or_nothing),
		cmocka_unit_test(test_fees_and_emission),
		cmocka_unit_test(test_assets),
		cmocka_unit_test(test_amm_uniswap_vectors),
		cmocka_unit_test(test_amm_liquidity),
		cmocka_unit_test(test_htlc_atomic_swap),
		cmocka_unit_test(test_htlc_refund),
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_revenue_sharing),
		cmocka_unit_test(test_limits),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
