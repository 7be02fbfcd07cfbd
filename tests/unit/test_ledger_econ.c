/*
 * Tests of lib/ledger's staking (F1-style rewards, unbonding, slashing
 * on double-sign evidence, jailing) and governance (k-of-n contribution
 * receipts, reputation and its decay, quadratic voting, quadratic
 * funding). The harness checks the supply invariants after every block.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/unit/ledger_harness.h"

static struct harness *
staking_chain(void)
{
	struct ledger_params p;

	ledger_default_params(&p);
	memset(p.chain_id, 0x5a, 32);
	p.emission_per_block = 100 * UNIT;
	p.emission_validator_bps = 5000;
	p.unbonding_period = 5;
	p.slash_bps = 1000;
	p.jail_blocks = 3;
	return h_new(&p, 1000 * UNIT, 7);
}

static void
vote_sig(struct harness *h, int who, uint64_t height, uint8_t fill,
    uint8_t hash[32], uint8_t sig[64])
{
	uint8_t msg[32];

	memset(hash, fill, 32);
	ledger_vote_hash(h->l->p.chain_id, height, hash, msg);
	assert_int_equal(nc_sign_ed25519(sig, msg, 32, h->sk[who]), NC_OK);
}

static void
test_staking_rewards(void **state)
{
	struct harness *h = staking_chain();
	struct tx_body b;
	struct ledger_validator *v;
	u128 before;

	(void)state;
	memset(&b, 0, sizeof b);
	b.a = UNIT - 1;
	b.bps[0] = 1000;
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_EPARAM);
	b.a = 100 * UNIT;
	b.bps[0] = 10001;
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_EPARAM);
	b.bps[0] = 1000;
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_OK);
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_ESTATE);
	memcpy(h->proposer, h->pk[0], 32);
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[3], 32);
	b.a = UNIT;
	assert_int_equal(h_do(h, 1, TX_DELEGATE, &b), L_ENOENT);
	memcpy(b.key, h->pk[0], 32);
	b.a = 100 * UNIT;
	assert_int_equal(h_do(h, 1, TX_DELEGATE, &b), L_OK);
	v = &h->l->validators[0];
	assert_true(v->tokens == 200 * UNIT && v->shares == 200 * UNIT);
	/* That block's 50 NØN: 5 commission, 45 over 200 shares. */
	assert_true(v->acc == 45 * L_REWARD_SCALE / 200);
	before = h_bal(h, 1, 0);
	assert_int_equal(h_do(h, 1, TX_REWARD_WITHDRAW, &b), L_OK);
	assert_true(h_bal(h, 1, 0) == before + 45 * UNIT / 2 - h->l->base_fee);
	/* Delegator 1 earned the same per share as the operator since. */
	before = h_bal(h, 0, 0);
	assert_int_equal(h_do(h, 0, TX_REWARD_WITHDRAW, &b), L_OK);
	/* The operator: its 100 shares' part of two blocks (45), and this
	 * block's commission (5). */
	assert_true(h_bal(h, 0, 0) == before + 50 * UNIT - h->l->base_fee);
	memcpy(b.key, h->pk[2], 32);
	assert_int_equal(h_do(h, 1, TX_REWARD_WITHDRAW, &b), L_ENOENT);
	h_free(h);
}

static void
test_unbonding_and_slashing(void **state)
{
	struct harness *h = staking_chain();
	struct tx_body b;
	struct ledger_validator *v;
	u128 before, acc;

	(void)state;
	memset(&b, 0, sizeof b);
	b.a = 100 * UNIT;
	assert_int_equal(h_do(h, 0, TX_VALIDATOR_CREATE, &b), L_OK);
	memcpy(h->proposer, h->pk[0], 32);
	memcpy(b.key, h->pk[0], 32);
	b.a = 100 * UNIT;
	assert_int_equal(h_do(h, 1, TX_DELEGATE, &b), L_OK);
	v = &h->l->validators[0];
	/* Undelegate half: 50 NØN, paid after 5 blocks. */
	b.a = 101 * UNIT;
	assert_int_equal(h_do(h, 1, TX_UNDELEGATE, &b), L_EFUNDS);
	b.a = 0;
	assert_int_equal(h_do(h, 1, TX_UNDELEGATE, &b), L_EPARAM);
	b.a = 50 * UNIT;
	assert_int_equal(h_do(h, 1, TX_UNDELEGATE, &b), L_OK);
	assert_true(h->l->unbondings[0].amount == 50 * UNIT);
	memset(&b, 0, sizeof b);
	assert_int_equal(h_do(h, 1, TX_UNBOND_CLAIM, &b), L_ESTATE);
	assert_int_equal(h_do(h, 2, TX_UNBOND_CLAIM, &b), L_EPERM);
	/* Double signing at height 2: slashed 10 %, rounded up, burned. */
	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[0], 32);
	b.height = 2;
	vote_sig(h, 0, 2, 0xa1, b.hash, b.sig);
	vote_sig(h, 0, 2, 0xa1, b.hash2, b.sig2);
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_EPARAM);
	vote_sig(h, 0, 2, 0xa2, b.hash2, b.sig2);
	b.sig2[0] ^= 1;
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_ESIG);
	vote_sig(h, 1, 2, 0xa2, b.hash2, b.sig2);	/* someone else's */
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_ESIG);
	vote_sig(h, 0, 2, 0xa2, b.hash2, b.sig2);
	b.height = 99;
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_EPARAM);
	b.height = 2;
	before = h->l->burned;
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_OK);
	assert_true(v->jailed);
	assert_true(v->tokens == 150 * UNIT - 15 * UNIT);
	assert_true(h->l->unbondings[0].amount == 45 * UNIT);
	assert_true(h->l->burned - before == 20 * UNIT + h->l->base_fee);
	assert_int_equal(h_do(h, 2, TX_EVIDENCE, &b), L_ESTATE);
	/* Jailed: no rewards accrue; the proposer's account gets them. */
	acc = v->acc;
	assert_int_equal(h_empty(h), L_OK);
	assert_true(v->acc == acc);
	memset(&b, 0, sizeof b);
	assert_int_equal(h_do(h, 0, TX_UNJAIL, &b), L_ESTATE);
	assert_int_equal(h_do(h, 1, TX_UNJAIL, &b), L_ENOENT);
	assert_int_equal(h_empty(h), L_OK);
	assert_int_equal(h_do(h, 0, TX_UNJAIL, &b), L_OK);
	assert_false(v->jailed);
	assert_int_equal(h_empty(h), L_OK);
	assert_true(v->acc > acc);
	/* The unbonding, slashed, is paid once. */
	before = h_bal(h, 1, 0);
	assert_int_equal(h_do(h, 1, TX_UNBOND_CLAIM, &b), L_OK);
	assert_true(h_bal(h, 1, 0) == before + 45 * UNIT - h->l->base_fee);
	assert_int_equal(h_do(h, 1, TX_UNBOND_CLAIM, &b), L_ESTATE);
	b.id = 5;
	assert_int_equal(h_do(h, 1, TX_UNBOND_CLAIM, &b), L_ENOENT);
	/* Shares now buy 135/150 of a token each: delegating 90 NØN gives
	 * 100 shares. */
	memcpy(b.key, h->pk[0], 32);
	b.a = 90 * UNIT;
	assert_int_equal(h_do(h, 3, TX_DELEGATE, &b), L_OK);
	assert_true(h->l->delegations[2].shares == 100 * UNIT);
	/* Everyone leaves; a new delegation starts again at one share per
	 * token. */
	memcpy(h->proposer, h->pk[7], 32);
	b.a = h->l->delegations[0].shares;
	assert_int_equal(h_do(h, 0, TX_UNDELEGATE, &b), L_OK);
	b.a = h->l->delegations[1].shares;
	assert_int_equal(h_do(h, 1, TX_UNDELEGATE, &b), L_OK);
	b.a = h->l->delegations[2].shares;
	assert_int_equal(h_do(h, 3, TX_UNDELEGATE, &b), L_OK);
	assert_true(v->shares == 0 && v->tokens == 0);
	b.a = 7 * UNIT;
	assert_int_equal(h_do(h, 4, TX_DELEGATE, &b), L_OK);
	assert_true(v->shares == 7 * UNIT && v->tokens == 7 * UNIT);
	h_free(h);
}

static struct harness *
gov_chain(void)
{
	struct ledger_params p;
	struct harness *h;

	ledger_default_params(&p);
	memset(p.chain_id, 0x6b, 32);
	p.emission_per_block = 100 * UNIT;
	p.burn_bps = 5000;
	p.epoch_blocks = 10;
	p.rep_half_life = 2;
	p.voting_period = 5;
	p.quorum_votes = 5;
	p.qf_period = 20;
	p.review_quorum = 2;
	p.nreviewers = 3;
	h = calloc(1, sizeof *h);
	h_keys(h, 9);
	for (int r = 0; r < 3; r++)
		memcpy(p.reviewers[r], h->pk[5 + r], 32);
	free(h);
	return h_new(&p, 1000 * UNIT, 9);
}

static void
approve(struct harness *h, int reviewer, int who, uint8_t tag, u128 reward,
    int want)
{
	struct tx_body b;

	memset(&b, 0, sizeof b);
	memcpy(b.key, h->pk[who], 32);
	memset(b.hash, tag, 32);
	b.a = reward;
	assert_int_equal(h_do(h, reviewer, TX_RECEIPT_APPROVE, &b), want);
}

static uint32_t
acct(struct harness *h, int i)
{
	return ledger_find_account(h->l, h->pk[i]);
}

static void
test_receipts_and_reputation(void **state)
{
	struct harness *h = gov_chain();
	u128 before = h_bal(h, 0, 0);
	uint64_t e;

	(void)state;
	assert_int_equal(h_empty(h), L_OK);	/* fills the reward pool */
	approve(h, 1, 0, 1, 40 * UNIT, L_EPERM);
	approve(h, 5, 0, 1, 0, L_EPARAM);
	approve(h, 5, 0, 1, 40 * UNIT, L_OK);
	assert_true(h_bal(h, 0, 0) == before);
	approve(h, 5, 0, 1, 40 * UNIT, L_ESTATE);
	approve(h, 6, 0, 1, 41 * UNIT, L_EPARAM);
	approve(h, 6, 0, 1, 40 * UNIT, L_OK);
	assert_true(h_bal(h, 0, 0) == before + 40 * UNIT);
	approve(h, 7, 0, 1, 40 * UNIT, L_ESTATE);
	/* A reward larger than the pool waits until the pool has it. */
	approve(h, 5, 1, 2, 900 * UNIT, L_OK);
	approve(h, 6, 1, 2, 900 * UNIT, L_EFUNDS);
	e = h->l->height / 10;
	assert_true(ledger_reputation(h->l, acct(h, 0), e) == 40);
	assert_true(ledger_reputation(h->l, acct(h, 0), e + 1) == 40);
	assert_true(ledger_reputation(h->l, acct(h, 0), e + 2) == 20);
	assert_true(ledger_reputation(h->l, acct(h, 0), e + 5) == 10);
	assert_true(ledger_reputation(h->l, acct(h, 0), e + 400) == 0);
	assert_true(ledger_voice_credits(&h->l->p, 40) == 50);
	assert_true(ledger_voice_credits(&h->l->p, 400) == 100);
	assert_true(ledger_voice_credits(&h->l->p, 0) == 10);
	/* Reputation cannot be sent: there is no transaction for it. */
	h_free(h);
}

static void
test_quadratic_voting(void **state)
{
	struct harness *h = gov_chain();
	struct tx_body b;

	(void)state;
	assert_int_equal(h_empty(h), L_OK);
	memset(&b, 0, sizeof b);
	b.id = PROP_PARAM;
	b.id2 = 2;	/* burn_bps */
	b.a = 1234;
	assert_int_equal(h_do(h, 0, TX_PROPOSE, &b), L_EPERM);	/* no rep */
	approve(h, 5, 0, 1, 40 * UNIT, L_OK);
	approve(h, 6, 0, 1, 40 * UNIT, L_OK);
	approve(h, 5, 1, 2, 10 * UNIT, L_OK);
	approve(h, 6, 1, 2, 10 * UNIT, L_OK);
	b.a = 10001;
	assert_int_equal(h_do(h, 0, TX_PROPOSE, &b), L_EPARAM);
	b.id2 = 99;
	assert_int_equal(h_do(h, 0, TX_PROPOSE, &b), L_EPARAM);
	b.id2 = 2;
	b.a = 1234;
	assert_int_equal(h_do(h, 0, TX_PROPOSE, &b), L_OK);
	/* Credits: key 0 has 10 + 40 = 50, key 1 has 10 + 10 = 20. */
	memset(&b, 0, sizeof b);
	b.id2 = 1;
	b.a = 8;	/* 64 > 50 */
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_EFUNDS);
	b.a = 7;	/* 49 */
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_OK);
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_ESTATE);
	b.id2 = 0;
	b.a = 5;	/* 25 > 20 */
	assert_int_equal(h_do(h, 1, TX_VOTE, &b), L_EFUNDS);
	b.a = 4;
	assert_int_equal(h_do(h, 1, TX_VOTE, &b), L_OK);
	assert_int_equal(h_do(h, 2, TX_VOTE, &b), L_EPERM);
	b.id2 = 2;
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_EPARAM);
	b.id = 1;
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_ENOENT);
	assert_true(h->l->proposals[0].yes == 7 && h->l->proposals[0].no == 4);
	memset(&b, 0, sizeof b);
	assert_int_equal(h_do(h, 2, TX_EXECUTE, &b), L_ESTATE);
	while (h->l->height < h->l->proposals[0].end - 1)
		assert_int_equal(h_empty(h), L_OK);
	assert_int_equal(h->l->nvotes, 2);
	assert_int_equal(h_do(h, 2, TX_EXECUTE, &b), L_OK);
	assert_int_equal(h->l->proposals[0].state, PROP_PASSED);
	assert_int_equal(h->l->nvotes, 0);	/* decided: ballots dropped */
	assert_int_equal(h->l->p.burn_bps, 1234);
	assert_int_equal(h_do(h, 2, TX_EXECUTE, &b), L_ESTATE);
	/* Without quorum: rejected. A treasury spend. */
	memset(&b, 0, sizeof b);
	b.id = PROP_SPEND;
	b.a = 1000;
	memcpy(b.key, h->pk[4], 32);
	assert_int_equal(h_do(h, 1, TX_PROPOSE, &b), L_OK);
	memset(&b, 0, sizeof b);
	b.id = 1;
	b.id2 = 1;
	b.a = 2;
	assert_int_equal(h_do(h, 1, TX_VOTE, &b), L_OK);
	while (h->l->height < h->l->proposals[1].end - 1)
		assert_int_equal(h_empty(h), L_OK);
	assert_int_equal(h_do(h, 1, TX_VOTE, &b), L_ESTATE);	/* closed */
	assert_int_equal(h_do(h, 2, TX_EXECUTE, &b), L_OK);
	assert_int_equal(h->l->proposals[1].state, PROP_REJECTED);
	h_free(h);
}

static void
pass(struct harness *h, uint32_t kind, u128 value)
{
	struct tx_body b;
	uint32_t id = h->l->nproposals;

	memset(&b, 0, sizeof b);
	b.id = kind;
	b.a = value;
	assert_int_equal(h_do(h, 0, TX_PROPOSE, &b), L_OK);
	memset(&b, 0, sizeof b);
	b.id = id;
	b.id2 = 1;
	b.a = 5;
	assert_int_equal(h_do(h, 0, TX_VOTE, &b), L_OK);
	while (h->l->height < h->l->proposals[id].end - 1)
		assert_int_equal(h_empty(h), L_OK);
	assert_int_equal(h_do(h, 2, TX_EXECUTE, &b), L_OK);
}

static void
give(struct harness *h, int from, uint32_t round, int project, u128 amount,
    int want)
{
	struct tx_body b;

	memset(&b, 0, sizeof b);
	b.id = round;
	memcpy(b.key, h->pk[project], 32);
	b.a = amount;
	assert_int_equal(h_do(h, from, TX_QF_CONTRIBUTE, &b), want);
}

static void
test_quadratic_funding(void **state)
{
	struct harness *h = gov_chain();
	struct tx_body b;
	u128 a0, c0, t0;

	(void)state;
	assert_int_equal(h_empty(h), L_OK);
	approve(h, 5, 0, 1, 40 * UNIT, L_OK);
	approve(h, 6, 0, 1, 40 * UNIT, L_OK);
	/* Matching 7 base units, from the treasury. */
	pass(h, PROP_ROUND, 7);
	assert_int_equal(h->l->proposals[0].state, PROP_PASSED);
	assert_int_equal(h->l->nrounds, 1);
	/* Project 3: 4 + 4 (ideal match (2+2)^2 - 8 = 8); project 4: 16
	 * from one (ideal 0); project 5: 1 + 1 + 1 (ideal 9 - 3 = 6). */
	give(h, 0, 0, 3, 4, L_OK);
	give(h, 1, 0, 3, 4, L_OK);
	give(h, 0, 0, 4, 16, L_OK);
	give(h, 0, 0, 5, 1, L_OK);
	give(h, 1, 0, 5, 1, L_OK);
	give(h, 2, 0, 5, 1, L_OK);
	give(h, 2, 1, 5, 1, L_ENOENT);
	give(h, 2, 0, 5, 0, L_EPARAM);
	a0 = h_bal(h, 3, 0);
	c0 = h_bal(h, 5, 0);
	t0 = ledger_balance(h->l, L_TREASURY, 0);
	memset(&b, 0, sizeof b);
	assert_int_equal(h_do(h, 6, TX_QF_FINALIZE, &b), L_ESTATE);
	while (h->l->height < h->l->rounds[0].end - 1)
		assert_int_equal(h_empty(h), L_OK);
	give(h, 2, 0, 5, 1, L_ESTATE);
	assert_int_equal(h_do(h, 6, TX_QF_FINALIZE, &b), L_OK);
	/* Σ ideal 14 > 7: matches 8*7/14 = 4 and 6*7/14 = 3. */
	assert_true(h_bal(h, 3, 0) == a0 + 8 + 4);
	assert_true(h_bal(h, 5, 0) == c0 + 3 + 3);
	assert_int_equal(h_do(h, 6, TX_QF_FINALIZE, &b), L_ESTATE);
	/* The matching pool was used up: the treasury only got its fees. */
	assert_true(ledger_balance(h->l, L_TREASURY, 0) > t0);
	/* A spend the treasury cannot pay passes the vote but fails. */
	pass(h, PROP_SPEND, 1000000 * UNIT);
	assert_int_equal(h->l->proposals[1].state, PROP_FAILED);
	assert_int_equal(ledger_check_invariants(h->l), L_OK);
	h_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_staking_rewards),
		cmocka_unit_test(test_unbonding_and_slashing),
		cmocka_unit_test(test_receipts_and_reputation),
		cmocka_unit_test(test_quadratic_voting),
		cmocka_unit_test(test_quadratic_funding),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
