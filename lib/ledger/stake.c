/*
 * Staking: validators, delegation by shares, rewards accounted per share
 * without visiting delegators (Cosmos F1's cumulative reward per unit of
 * stake; a delegation is paid shares * (acc - acc_start) when it
 * changes or withdraws), unbonding, slashing on double-sign evidence,
 * jailing.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

uint32_t
ledger_find_validator(const struct ledger *l, uint32_t account)
{
	for (uint32_t i = 0; i < l->nvalidators; i++)
		if (l->validators[i].account == account)
			return i;
	return L_NONE;
}

static uint32_t
find_delegation(const struct ledger *l, uint32_t delegator, uint32_t v)
{
	for (uint32_t i = 0; i < l->ndelegations; i++)
		if (l->delegations[i].delegator == delegator &&
		    l->delegations[i].validator == v)
			return i;
	return L_NONE;
}

static uint32_t
new_delegation(struct ledger *l, uint32_t delegator, uint32_t v)
{
	struct ledger_delegation *d;

	if (l->ndelegations == L_MAX_DELEGATIONS)
		return L_NONE;
	d = &l->delegations[l->ndelegations];
	d->delegator = delegator;
	d->validator = v;
	d->shares = 0;
	d->acc_start = l->validators[v].acc;
	return l->ndelegations++;
}

/* Pays a delegation what it has earned since acc_start, rounded down. */
static int
pay_rewards(struct ledger *l, struct ledger_delegation *d)
{
	struct ledger_validator *v = &l->validators[d->validator];
	u128 owed;

	if (mul_div(d->shares, v->acc - d->acc_start, L_REWARD_SCALE,
	    ROUND_DOWN, &owed) || sub_ok(v->outstanding, owed, &v->outstanding))
		return L_EOVERFLOW;
	d->acc_start = v->acc;
	return credit(l, d->delegator, L_NATIVE, owed);
}

/*
 * Block rewards for the proposer's validator: commission to its account,
 * the rest to the accumulator. Returns 0 when it took the amount, -1 when
 * the proposer is no active validator (the caller pays the account).
 */
int
validator_reward(struct ledger *l, uint32_t account, u128 amount)
{
	uint32_t i = ledger_find_validator(l, account);
	struct ledger_validator *v;
	u128 commission, rest, inc, acc, out;

	if (i == L_NONE)
		return -1;
	v = &l->validators[i];
	if (v->jailed || v->shares < l->p.min_self_bond)
		return -1;
	if (mul_div(amount, v->commission_bps, L_BPS, ROUND_DOWN, &commission))
		return -1;
	rest = amount - commission;
	if (mul_div(rest, L_REWARD_SCALE, v->shares, ROUND_DOWN, &inc) ||
	    add_ok(v->acc, inc, &acc) || add_ok(v->outstanding, rest, &out))
		return -1;
	if (credit(l, account, L_NATIVE, commission) != L_OK)
		return -1;
	v->acc = acc;
	v->outstanding = out;
	return 0;
}

/* Body: a self-bond, p[0] commission in basis points. */
static int
validator_create(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_validator *v;
	uint32_t d;
	int err;

	if (ledger_find_validator(l, payer) != L_NONE)
		return L_ESTATE;
	if (b->bps[0] > L_BPS || b->a < l->p.min_self_bond)
		return L_EPARAM;
	if (l->nvalidators == L_MAX_VALIDATORS)
		return L_EFULL;
	if ((err = debit(l, payer, L_NATIVE, b->a)) != L_OK)
		return err;
	v = &l->validators[l->nvalidators++];
	memset(v, 0, sizeof *v);
	v->account = payer;
	v->commission_bps = b->bps[0];
	v->tokens = v->shares = b->a;
	if ((d = new_delegation(l, payer, l->nvalidators - 1)) == L_NONE)
		return L_EFULL;
	l->delegations[d].shares = b->a;
	return L_OK;
}

static uint32_t
validator_of_key(struct ledger *l, const uint8_t key[L_KEY])
{
	uint32_t a = ledger_find_account(l, key);

	return a == L_NONE ? L_NONE : ledger_find_validator(l, a);
}

/* Body: k validator, a amount. Shares at the current tokens per share. */
static int
delegate(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t vi = validator_of_key(l, b->key), di;
	struct ledger_validator *v;
	struct ledger_delegation *d;
	u128 shares;
	int err;

	if (vi == L_NONE)
		return L_ENOENT;
	v = &l->validators[vi];
	if (v->shares == 0) {
		shares = b->a;		/* everyone left: start afresh, 1:1 */
	} else if (v->tokens == 0) {
		return L_ESTATE;	/* slashed to nothing */
	} else if (mul_div(b->a, v->shares, v->tokens, ROUND_DOWN, &shares)) {
		return L_EOVERFLOW;
	}
	if (shares == 0)
		return L_EPARAM;
	if ((di = find_delegation(l, payer, vi)) == L_NONE &&
	    (di = new_delegation(l, payer, vi)) == L_NONE)
		return L_EFULL;
	d = &l->delegations[di];
	if ((err = pay_rewards(l, d)) != L_OK ||
	    (err = debit(l, payer, L_NATIVE, b->a)) != L_OK)
		return err;
	if (add_ok(v->tokens, b->a, &v->tokens) ||
	    add_ok(v->shares, shares, &v->shares) ||
	    add_ok(d->shares, shares, &d->shares))
		return L_EOVERFLOW;
	return L_OK;
}

/* Body: k validator, a shares. Tokens rounded down, paid after the period. */
static int
undelegate(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t vi = validator_of_key(l, b->key), di;
	struct ledger_validator *v;
	struct ledger_delegation *d;
	struct ledger_unbonding *u;
	u128 out;
	int err;

	if (vi == L_NONE || (di = find_delegation(l, payer, vi)) == L_NONE)
		return L_ENOENT;
	v = &l->validators[vi];
	d = &l->delegations[di];
	if (b->a == 0)
		return L_EPARAM;
	if (b->a > d->shares)
		return L_EFUNDS;
	if (l->nunbondings == L_MAX_UNBONDINGS)
		return L_EFULL;
	if ((err = pay_rewards(l, d)) != L_OK)
		return err;
	if (mul_div(b->a, v->tokens, v->shares, ROUND_DOWN, &out))
		return L_EOVERFLOW;
	v->tokens -= out;
	v->shares -= b->a;
	d->shares -= b->a;
	u = &l->unbondings[l->nunbondings++];
	u->delegator = payer;
	u->validator = vi;
	u->state = 0;
	u->amount = out;
	u->complete = l->height + l->p.unbonding_period;
	return L_OK;
}

static int
unbond_claim(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_unbonding *u;

	if (b->id >= l->nunbondings)
		return L_ENOENT;
	u = &l->unbondings[b->id];
	if (u->delegator != payer)
		return L_EPERM;
	if (u->state != 0 || l->height < u->complete)
		return L_ESTATE;
	u->state = 1;
	return credit(l, payer, L_NATIVE, u->amount);
}

static int
reward_withdraw(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t vi = validator_of_key(l, b->key), di;

	if (vi == L_NONE || (di = find_delegation(l, payer, vi)) == L_NONE)
		return L_ENOENT;
	return pay_rewards(l, &l->delegations[di]);
}

static int
unjail(struct ledger *l, uint32_t payer)
{
	uint32_t vi = ledger_find_validator(l, payer);

	if (vi == L_NONE)
		return L_ENOENT;
	if (!l->validators[vi].jailed || l->height < l->validators[vi].jailed_until)
		return L_ESTATE;
	l->validators[vi].jailed = 0;
	return L_OK;
}

/* Takes slash_bps of amount, rounded up (against the offender), burned. */
static int
slash_amount(struct ledger *l, u128 *amount)
{
	u128 cut;

	if (mul_div(*amount, l->p.slash_bps, L_BPS, ROUND_UP, &cut))
		return L_EOVERFLOW;
	*amount -= cut;
	return burn(l, L_NATIVE, cut);
}

/*
 * Body: k validator, n height, h and s one signed state hash, H and S
 * another. Two different hashes signed for one height: the validator's
 * bonded and unbonding stake is slashed and it is jailed. Anyone may
 * submit it, once per height.
 */
static int
evidence(struct ledger *l, const struct tx_body *b)
{
	uint32_t vi = validator_of_key(l, b->key);
	struct ledger_validator *v;
	uint8_t h1[L_HASH], h2[L_HASH];
	int err;

	if (vi == L_NONE)
		return L_ENOENT;
	v = &l->validators[vi];
	if (memcmp(b->hash, b->hash2, L_HASH) == 0 || b->height == 0 ||
	    b->height > l->height)
		return L_EPARAM;
	if (b->height <= v->slashed_height)
		return L_ESTATE;
	ledger_vote_hash(l->p.chain_id, b->height, b->hash, h1);
	ledger_vote_hash(l->p.chain_id, b->height, b->hash2, h2);
	if (nc_verify_ed25519(b->sig, h1, L_HASH, b->key) != NC_OK ||
	    nc_verify_ed25519(b->sig2, h2, L_HASH, b->key) != NC_OK)
		return L_ESIG;
	if ((err = slash_amount(l, &v->tokens)) != L_OK)
		return err;
	for (uint32_t i = 0; i < l->nunbondings; i++)
		if (l->unbondings[i].validator == vi &&
		    l->unbondings[i].state == 0 &&
		    (err = slash_amount(l, &l->unbondings[i].amount)) != L_OK)
			return err;
	v->jailed = 1;
	v->jailed_until = l->height + l->p.jail_blocks;
	v->slashed_height = b->height;
	return L_OK;
}

int
apply_stake(struct ledger *l, const struct ledger_tx *tx, uint32_t payer)
{
	switch (tx->type) {
	case TX_VALIDATOR_CREATE:
		return validator_create(l, &tx->body, payer);
	case TX_DELEGATE:
		return delegate(l, &tx->body, payer);
	case TX_UNDELEGATE:
		return undelegate(l, &tx->body, payer);
	case TX_UNBOND_CLAIM:
		return unbond_claim(l, &tx->body, payer);
	case TX_REWARD_WITHDRAW:
		return reward_withdraw(l, &tx->body, payer);
	case TX_UNJAIL:
		return unjail(l, payer);
	case TX_EVIDENCE:
		return evidence(l, &tx->body);
	}
	return L_EFORMAT;
}
