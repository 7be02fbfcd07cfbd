/*
 * Constant-product pools (Uniswap V2's rules in integers): liquidity in,
 * liquidity out, swaps with a fee, every rounding against the trader or
 * the liquidity provider who acts, and x*y never falling, checked on the
 * 256-bit products.
 */
#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

static uint32_t
find_pool(const struct ledger *l, uint32_t a, uint32_t b)
{
	for (uint32_t i = 0; i < l->npools; i++)
		if (l->pools[i].a == a && l->pools[i].b == b)
			return i;
	return L_NONE;
}

static int
pool_create(struct ledger *l, uint32_t a, uint32_t b, uint32_t *pool)
{
	struct ledger_asset *lp;

	if (l->npools == L_MAX_POOLS)
		return L_EFULL;
	if (l->nassets == L_MAX_ASSETS)
		return L_EFULL;
	*pool = l->npools++;
	l->pools[*pool].a = a;
	l->pools[*pool].b = b;
	l->pools[*pool].lp = l->nassets;
	l->pools[*pool].ra = l->pools[*pool].rb = 0;
	lp = &l->assets[l->nassets++];
	lp->kind = ASSET_LP;
	lp->issuer = *pool;
	lp->supply = 0;
	lp->cap = U128_MAX;
	return L_OK;
}

/*
 * floor(sqrt(a * b)) without forming a*b in 128 bits: Newton's iteration
 * from max(a, b), which is at least the root, with the quotient taken
 * through mul_div's 256-bit product; it decreases to the floor.
 */
static u128
sqrt_product(u128 a, u128 b)
{
	u128 x = a > b ? a : b, q, y;

	if (a == 0 || b == 0)
		return 0;
	for (;;) {
		(void)mul_div(a, b, x, ROUND_DOWN, &q);	/* q <= min(a, b) */
		y = x / 2 + q / 2 + (x & q & 1);
		if (y >= x)
			return x;
		x = y;
	}
}

/* Body: i, j the two assets; a, b their amounts; c the least LP shares. */
static int
pool_add(struct ledger *l, const struct tx_body *bd, uint32_t payer)
{
	uint32_t x = bd->id, y = bd->id2, pool;
	u128 ax = bd->a, ay = bd->b, shares, s2;
	struct ledger_pool *p;
	struct ledger_asset *lp;
	int err;

	if (x >= l->nassets || y >= l->nassets)
		return L_ENOENT;
	if (x == y || ax == 0 || ay == 0)
		return L_EPARAM;
	if (x > y) {
		uint32_t t = x; x = y; y = t;
		u128 ta = ax; ax = ay; ay = ta;
	}
	if ((pool = find_pool(l, x, y)) == L_NONE &&
	    (err = pool_create(l, x, y, &pool)) != L_OK)
		return err;
	p = &l->pools[pool];
	lp = &l->assets[p->lp];
	if ((err = debit(l, payer, x, ax)) != L_OK ||
	    (err = debit(l, payer, y, ay)) != L_OK)
		return err;
	if (lp->supply == 0) {
		shares = sqrt_product(ax, ay);
		if (shares <= l->p.amm_min_liquidity)
			return L_EPARAM;
		shares -= l->p.amm_min_liquidity;
		lp->supply = l->p.amm_min_liquidity;
		if ((err = credit(l, L_LOCKED, p->lp, lp->supply)) != L_OK)
			return err;
	} else {
		if (mul_div(ax, lp->supply, p->ra, ROUND_DOWN, &shares) ||
		    mul_div(ay, lp->supply, p->rb, ROUND_DOWN, &s2))
			return L_EOVERFLOW;
		if (s2 < shares)
			shares = s2;
	}
	if (shares == 0 || shares < bd->c)
		return L_ESLIPPAGE;
	if (add_ok(p->ra, ax, &p->ra) || add_ok(p->rb, ay, &p->rb) ||
	    add_ok(lp->supply, shares, &lp->supply))
		return L_EOVERFLOW;
	return credit(l, payer, p->lp, shares);
}

/* Body: i the pool; a the LP shares returned; b, c the least of each asset. */
static int
pool_remove(struct ledger *l, const struct tx_body *bd, uint32_t payer)
{
	struct ledger_pool *p;
	u128 outa, outb, supply;
	int err;

	if (bd->id >= l->npools)
		return L_ENOENT;
	p = &l->pools[bd->id];
	supply = l->assets[p->lp].supply;
	if (bd->a == 0 || bd->a > supply)
		return L_EPARAM;
	if (mul_div(bd->a, p->ra, supply, ROUND_DOWN, &outa) ||
	    mul_div(bd->a, p->rb, supply, ROUND_DOWN, &outb))
		return L_EOVERFLOW;
	if (outa < bd->b || outb < bd->c)
		return L_ESLIPPAGE;
	if ((err = debit(l, payer, p->lp, bd->a)) != L_OK ||
	    (err = burn(l, p->lp, bd->a)) != L_OK)
		return err;
	p->ra -= outa;
	p->rb -= outb;
	if ((err = credit(l, payer, p->a, outa)) != L_OK)
		return err;
	return credit(l, payer, p->b, outb);
}

/*
 * The output for amount_in, Uniswap V2's getAmountOut with the fee in
 * basis points: in' = in * (10000 - fee); out = floor(in' * r_out /
 * (r_in * 10000 + in')). L_EOVERFLOW or L_ESLIPPAGE (nothing out).
 */
int
amm_amount_out(u128 in, u128 r_in, u128 r_out, uint16_t fee_bps, u128 *out)
{
	u128 in_fee, den;

	if (r_in == 0 || r_out == 0)
		return L_ESTATE;
	if (mul_ok(in, L_BPS - fee_bps, &in_fee) ||
	    mul_ok(r_in, L_BPS, &den) || add_ok(den, in_fee, &den))
		return L_EOVERFLOW;
	if (mul_div(in_fee, r_out, den, ROUND_DOWN, out))
		return L_EOVERFLOW;
	return *out == 0 ? L_ESLIPPAGE : L_OK;
}

/*
 * The k check, as the pair contract does it: with the fee taken off the
 * input side, (r_in' * 10000 - in * fee) * r_out' * 10000 must be at
 * least r_in * r_out * 10000^2, products in 256 bits.
 */
int
amm_k_holds(u128 r_in, u128 r_out, u128 nin, u128 nout, u128 in,
    uint16_t fee)
{
	u128 adj_in, adj_out, fee_in, old_in, old_out;

	if (mul_ok(nin, L_BPS, &adj_in) || mul_ok(in, fee, &fee_in) ||
	    sub_ok(adj_in, fee_in, &adj_in) || mul_ok(nout, L_BPS, &adj_out) ||
	    mul_ok(r_in, L_BPS, &old_in) || mul_ok(r_out, L_BPS, &old_out))
		return 0;
	return cmp_wide(mul_wide(adj_in, adj_out), mul_wide(old_in, old_out)) >= 0;
}

/* Body: i the pool; j the asset paid in; a the amount in; b the least out. */
static int
swap(struct ledger *l, const struct tx_body *bd, uint32_t payer)
{
	struct ledger_pool *p;
	u128 *r_in, *r_out, out, nin;
	uint32_t asset_out;
	int err;

	if (bd->id >= l->npools)
		return L_ENOENT;
	p = &l->pools[bd->id];
	if (bd->id2 == p->a) {
		r_in = &p->ra, r_out = &p->rb, asset_out = p->b;
	} else if (bd->id2 == p->b) {
		r_in = &p->rb, r_out = &p->ra, asset_out = p->a;
	} else {
		return L_ENOENT;
	}
	if ((err = amm_amount_out(bd->a, *r_in, *r_out, l->p.amm_fee_bps,
	    &out)) != L_OK)
		return err;
	if (out < bd->b || out >= *r_out)
		return L_ESLIPPAGE;
	if (add_ok(*r_in, bd->a, &nin) ||
	    !amm_k_holds(*r_in, *r_out, nin, *r_out - out, bd->a,
	    l->p.amm_fee_bps))
		return L_EOVERFLOW;
	if ((err = debit(l, payer, bd->id2, bd->a)) != L_OK)
		return err;
	*r_in = nin;
	*r_out -= out;
	return credit(l, payer, asset_out, out);
}

int
apply_amm(struct ledger *l, const struct ledger_tx *tx, uint32_t payer)
{
	switch (tx->type) {
	case TX_POOL_ADD:
		return pool_add(l, &tx->body, payer);
	case TX_POOL_REMOVE:
		return pool_remove(l, &tx->body, payer);
	case TX_SWAP:
		return swap(l, &tx->body, payer);
	}
	return L_EFORMAT;
}
