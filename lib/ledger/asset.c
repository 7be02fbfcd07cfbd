/*
 * Transfers, issued assets, revenue-sharing profiles and capsule
 * payments.
 */
#include <string.h>

#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

static int
transfer(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t to;

	if (b->id >= l->nassets)
		return L_ENOENT;
	if (b->a == 0)		/* would only make accounts, for the fee */
		return L_EPARAM;
	if ((to = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	return move(l, payer, to, b->id, b->a);
}

static int
asset_create(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_asset *a;

	if (b->a == 0)
		return L_EPARAM;
	if (l->nassets == L_MAX_ASSETS)
		return L_EFULL;
	a = &l->assets[l->nassets++];
	a->kind = ASSET_ISSUED;
	a->issuer = payer;
	a->supply = 0;
	a->cap = b->a;
	memcpy(a->meta, b->hash, L_HASH);
	return L_OK;
}

static int
asset_mint(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_asset *a;
	uint32_t to;

	if (b->id >= l->nassets)
		return L_ENOENT;
	a = &l->assets[b->id];
	if (a->kind != ASSET_ISSUED || a->issuer != payer)
		return L_EPERM;
	if (b->a == 0)
		return L_EPARAM;
	if (add_ok(a->supply, b->a, &a->supply) || a->supply > a->cap)
		return L_EOVERFLOW;
	if ((to = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	return credit(l, to, b->id, b->a);
}

static int
asset_burn(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	int err;

	if (b->id >= l->nassets)
		return L_ENOENT;
	if ((err = debit(l, payer, b->id, b->a)) != L_OK)
		return err;
	return burn(l, b->id, b->a);
}

static int
profile_create(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t sum = 0;

	for (int i = 0; i < 4; i++)
		sum += b->bps[i];
	if (sum != L_BPS)
		return L_EPARAM;
	if (l->nprofiles == L_MAX_PROFILES)
		return L_EFULL;
	l->profiles[l->nprofiles].publisher = payer;
	memcpy(l->profiles[l->nprofiles].bps, b->bps, sizeof b->bps);
	l->nprofiles++;
	return L_OK;
}

/*
 * A capsule payment in NØN, split by the profile: each share rounded
 * down, the dust (at most 3 base units) to the treasury.
 */
static int
capsule_pay(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	const struct ledger_profile *p;
	u128 share[4], dust = b->a;
	int err;

	if (b->id >= l->nprofiles)
		return L_ENOENT;
	p = &l->profiles[b->id];
	if ((err = debit(l, payer, L_NATIVE, b->a)) != L_OK)
		return err;
	for (int i = 0; i < 4; i++) {
		if (mul_div(b->a, p->bps[i], L_BPS, ROUND_DOWN, &share[i]))
			return L_EOVERFLOW;
		dust -= share[i];
	}
	if ((err = credit(l, p->publisher, L_NATIVE, share[0])) != L_OK ||
	    add_ok(l->staker_pot, share[1], &l->staker_pot) ||
	    (err = credit(l, L_TREASURY, L_NATIVE, share[2] + dust)) != L_OK ||
	    (err = burn(l, L_NATIVE, share[3])) != L_OK)
		return err != L_OK ? err : L_EOVERFLOW;
	return L_OK;
}

int
apply_asset(struct ledger *l, const struct ledger_tx *tx, uint32_t payer)
{
	switch (tx->type) {
	case TX_TRANSFER:
		return transfer(l, &tx->body, payer);
	case TX_ASSET_CREATE:
		return asset_create(l, &tx->body, payer);
	case TX_ASSET_MINT:
		return asset_mint(l, &tx->body, payer);
	case TX_ASSET_BURN:
		return asset_burn(l, &tx->body, payer);
	case TX_PROFILE_CREATE:
		return profile_create(l, &tx->body, payer);
	case TX_CAPSULE_PAY:
		return capsule_pay(l, &tx->body, payer);
	}
	return L_EFORMAT;
}
