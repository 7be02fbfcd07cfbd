/*
 * Applying transactions and blocks: the checks every transaction passes
 * (signature, nonce, fee), fee burn and tips, emission, the base fee's
 * adjustment to block fullness, and the all-or-nothing block.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

/*
 * Charges the fee: the base fee is split burn_bps burned (rounded down)
 * and the rest to the treasury; anything above it is the proposer's tip.
 */
static int
charge_fee(struct ledger *l, uint32_t payer, u128 fee, uint32_t proposer)
{
	u128 burnt, rest;
	int err;

	if (fee < l->base_fee)
		return L_EFEE;
	if ((err = debit(l, payer, L_NATIVE, fee)) != L_OK)
		return err;
	if (mul_div(l->base_fee, l->p.burn_bps, L_BPS, ROUND_DOWN, &burnt))
		return L_EOVERFLOW;
	if ((err = burn(l, L_NATIVE, burnt)) != L_OK ||
	    (err = credit(l, L_TREASURY, L_NATIVE, l->base_fee - burnt)) != L_OK)
		return err;
	rest = fee - l->base_fee;
	return credit(l, proposer, L_NATIVE, rest);
}

int
ledger_apply_tx(struct ledger *l, const struct ledger_tx *tx, uint32_t proposer)
{
	uint8_t hash[L_HASH];
	uint32_t payer;
	int err;

	payer = ledger_find_account(l, tx->payer);
	if (payer == L_NONE || payer <= L_LOCKED)
		return L_ENOENT;
	if (tx->nonce != l->accounts[payer].nonce)
		return L_ENONCE;
	ledger_tx_hash(tx, l->p.chain_id, hash);
	if (nc_verify_ed25519(tx->sig, hash, L_HASH, tx->payer) != NC_OK)
		return L_ESIG;
	if ((err = charge_fee(l, payer, tx->fee, proposer)) != L_OK)
		return err;
	l->accounts[payer].nonce++;
	switch (tx->type) {
	case TX_TRANSFER:
	case TX_ASSET_CREATE:
	case TX_ASSET_MINT:
	case TX_ASSET_BURN:
	case TX_PROFILE_CREATE:
	case TX_CAPSULE_PAY:
		return apply_asset(l, tx, payer);
	case TX_POOL_ADD:
	case TX_POOL_REMOVE:
	case TX_SWAP:
		return apply_amm(l, tx, payer);
	case TX_HTLC_LOCK:
	case TX_HTLC_CLAIM:
	case TX_HTLC_REFUND:
	case TX_CHAN_OPEN:
	case TX_CHAN_CLOSE:
	case TX_CHAN_REFUND:
		return apply_contract(l, tx, payer);
	case TX_VALIDATOR_CREATE:
	case TX_DELEGATE:
	case TX_UNDELEGATE:
	case TX_UNBOND_CLAIM:
	case TX_REWARD_WITHDRAW:
	case TX_UNJAIL:
	case TX_EVIDENCE:
		return apply_stake(l, tx, payer);
	case TX_RECEIPT_APPROVE:
	case TX_PROPOSE:
	case TX_VOTE:
	case TX_EXECUTE:
	case TX_QF_CONTRIBUTE:
	case TX_QF_FINALIZE:
		return apply_gov(l, tx, payer);
	}
	return L_EFORMAT;
}

int
ledger_block_begin(struct ledger *l, const struct ledger_block_header *h,
    uint32_t *proposer)
{
	if (h->height != l->height + 1 ||
	    memcmp(h->parent, l->last_block, L_HASH) != 0 ||
	    h->ntx > l->p.max_block_txs)
		return L_EBLOCK;
	*proposer = account_get(l, h->proposer);
	if (*proposer == L_NONE)
		return L_EFULL;
	l->height = h->height;
	return L_OK;
}

/*
 * Emission for the current height: emission_per_block halved once per
 * halving_interval, clipped so the supply never passes the cap.
 */
static u128
emission(const struct ledger *l)
{
	uint64_t halvings = (l->height - 1) / l->p.halving_interval;
	u128 e, room;

	if (halvings >= 128)
		return 0;
	e = l->p.emission_per_block >> halvings;
	room = l->assets[L_NATIVE].cap - l->assets[L_NATIVE].supply;
	return e < room ? e : room;
}

/*
 * EIP-1559's rule in integers: the base fee moves by at most 1/8 per
 * block, in proportion to how far the block was from half full; a
 * fuller-than-target block raises it by at least 1.
 */
static int
adjust_base_fee(struct ledger *l, uint32_t ntx)
{
	u128 target = l->p.max_block_txs / 2, delta;

	if (target == 0)
		target = 1;
	if (ntx > target) {
		if (mul_div(l->base_fee, ntx - target, target * 8, ROUND_DOWN,
		    &delta))
			return L_EOVERFLOW;
		if (add_ok(l->base_fee, delta ? delta : 1, &l->base_fee))
			return L_EOVERFLOW;
	} else if (ntx < target) {
		if (mul_div(l->base_fee, target - ntx, target * 8, ROUND_DOWN,
		    &delta))
			return L_EOVERFLOW;
		l->base_fee -= delta;
		if (l->base_fee < l->p.base_fee_min)
			l->base_fee = l->p.base_fee_min;
	}
	return L_OK;
}

/*
 * The block's rewards: emission (emission_validator_bps of it) and the
 * capsule revenue collected for stakers go to the proposer's validator,
 * shared with its delegators; a proposer that is no active validator (a
 * chain without staking) gets them itself. The rest of the emission goes
 * to the contributor reward pool.
 */
int
ledger_block_end(struct ledger *l, uint32_t ntx, uint32_t proposer)
{
	u128 e = emission(l), to_val, stakers;
	int err;

	if (mul_div(e, l->p.emission_validator_bps, L_BPS, ROUND_DOWN, &to_val) ||
	    add_ok(to_val, l->staker_pot, &stakers))
		return L_EOVERFLOW;
	l->assets[L_NATIVE].supply += e;	/* e <= cap - supply */
	l->emitted += e;
	l->staker_pot = 0;
	if (validator_reward(l, proposer, stakers) != 0 &&
	    (err = credit(l, proposer, L_NATIVE, stakers)) != L_OK)
		return err;
	if ((err = credit(l, L_REWARDS, L_NATIVE, e - to_val)) != L_OK)
		return err;
	return adjust_base_fee(l, ntx);
}

static int
apply_block_to(struct ledger *l, const uint8_t *block, size_t len,
    uint32_t *bad_tx)
{
	struct ledger_block_header h;
	struct ledger_tx tx;
	size_t off = BLOCK_HEADER_LEN, used;
	uint32_t proposer;
	int err;

	*bad_tx = 0;
	if (ledger_block_header_decode(&h, block, len) != L_OK)
		return L_EFORMAT;
	*bad_tx = h.ntx;
	if ((err = ledger_block_begin(l, &h, &proposer)) != L_OK)
		return err;
	for (uint32_t i = 0; i < h.ntx; i++) {
		*bad_tx = i;
		if (ledger_tx_decode(&tx, block + off, len - off, &used) != L_OK)
			return L_EFORMAT;
		off += used;
		if ((err = ledger_apply_tx(l, &tx, proposer)) != L_OK)
			return err;
	}
	*bad_tx = h.ntx;
	if (off != len)
		return L_EFORMAT;
	if ((err = ledger_block_end(l, h.ntx, proposer)) != L_OK)
		return err;
	ledger_block_hash(&h, block + BLOCK_HEADER_LEN, len - BLOCK_HEADER_LEN,
	    l->last_block);
	return L_OK;
}

int
ledger_apply_block(struct ledger *l, struct ledger *scratch,
    const uint8_t *block, size_t len, uint32_t *bad_tx)
{
	uint32_t bad;
	int err;

	memcpy(scratch, l, sizeof *l);
	err = apply_block_to(scratch, block, len, &bad);
	if (bad_tx != NULL)
		*bad_tx = bad;
	if (err == L_OK)
		memcpy(l, scratch, sizeof *l);
	return err;
}
