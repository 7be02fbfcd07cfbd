/*
 * The ledger's state: genesis, account and balance tables with their
 * lookup indexes, the state hash and the supply invariants.
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/ledger/codec.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

static const char *const errors[] = {
	"ok", "not a canonical encoding", "bad signature", "wrong nonce",
	"insufficient funds", "amount overflow or cap exceeded",
	"no such entry", "not permitted", "state table full",
	"parameter out of range", "not allowed in this state",
	"fee below the base fee", "result beyond the given limit",
	"bad block header",
};

const char *
ledger_strerror(int err)
{
	if (err > 0 || -err >= (int)(sizeof errors / sizeof errors[0]))
		return "unknown error";
	return errors[-err];
}

void
ledger_default_params(struct ledger_params *p)
{
	memset(p, 0, sizeof *p);
	/* 21e6 NØN of 10^18 base units each. */
	p->supply_cap = (u128)21000000 * (u128)1000000000000000000ull;
	p->emission_per_block = (u128)5 * (u128)1000000000000000000ull;
	p->halving_interval = 2100000;
	p->emission_validator_bps = 2000;
	p->burn_bps = 10000;
	p->max_block_txs = 1000;
	p->base_fee_min = 1000;
	p->amm_fee_bps = 30;
	p->amm_min_liquidity = 1000;
	p->min_self_bond = (u128)1000000000000000000ull;
	p->unbonding_period = 100;
	p->slash_bps = 500;
	p->jail_blocks = 100;
	p->nreviewers = 0;
	p->review_quorum = 1;
	p->rep_divisor = (u128)1000000000000000000ull;
	p->epoch_blocks = 100;
	p->rep_half_life = 10;
	p->credits_base = 10;
	p->credits_cap = 90;
	p->kappa_num = 1;
	p->kappa_den = 1;
	p->voting_period = 100;
	p->quorum_votes = 10;
	p->qf_period = 100;
}

/* The system accounts' keys: hashes, so nobody knows a secret key. */
static void
system_key(const char *name, uint8_t key[L_KEY])
{
	struct blake3 h;

	blake3_init_derive_key(&h, "NONOS ledger 2026-12 system account v1");
	blake3_update(&h, name, strlen(name));
	blake3_final(&h, key, L_KEY);
}

/* Mixes the bytes of a key into an index slot (tables are bounded, so
 * even keys ground to collide cost at most a full probe). */
static uint32_t
slot_of(const uint8_t *k, size_t n, uint32_t size)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i < n; i++)
		x = (x ^ k[i]) * 0x100000001b3ull;
	return (uint32_t)(x ^ x >> 29) & (size - 1);
}

uint32_t
ledger_find_account(const struct ledger *l, const uint8_t key[L_KEY])
{
	uint32_t size = 2 * L_MAX_ACCOUNTS;

	for (uint32_t s = slot_of(key, L_KEY, size);; s = (s + 1) & (size - 1)) {
		uint32_t v = l->account_index[s];

		if (v == 0)
			return L_NONE;
		if (memcmp(l->accounts[v - 1].key, key, L_KEY) == 0)
			return v - 1;
	}
}

uint32_t
account_get(struct ledger *l, const uint8_t key[L_KEY])
{
	uint32_t size = 2 * L_MAX_ACCOUNTS, s, i = ledger_find_account(l, key);

	if (i != L_NONE)
		return i;
	if (l->naccounts == L_MAX_ACCOUNTS)
		return L_NONE;
	i = l->naccounts++;
	memcpy(l->accounts[i].key, key, L_KEY);
	l->accounts[i].nonce = 0;
	for (s = slot_of(key, L_KEY, size); l->account_index[s] != 0;
	    s = (s + 1) & (size - 1))
		;
	l->account_index[s] = i + 1;
	return i;
}

static uint32_t
balance_slot(const struct ledger *l, uint32_t account, uint32_t asset,
    uint32_t *found)
{
	uint32_t size = 2 * L_MAX_BALANCES;
	uint8_t k[8];
	uint32_t s;

	memcpy(k, &account, 4);
	memcpy(k + 4, &asset, 4);
	for (s = slot_of(k, 8, size);; s = (s + 1) & (size - 1)) {
		uint32_t v = l->balance_index[s];

		if (v == 0) {
			*found = L_NONE;
			return s;
		}
		if (l->balances[v - 1].account == account &&
		    l->balances[v - 1].asset == asset) {
			*found = v - 1;
			return s;
		}
	}
}

u128
ledger_balance(const struct ledger *l, uint32_t account, uint32_t asset)
{
	uint32_t i;

	balance_slot(l, account, asset, &i);
	return i == L_NONE ? 0 : l->balances[i].amount;
}

int
credit(struct ledger *l, uint32_t account, uint32_t asset, u128 amount)
{
	uint32_t i, s = balance_slot(l, account, asset, &i);

	if (i == L_NONE) {
		if (amount == 0)
			return L_OK;
		if (l->nbalances == L_MAX_BALANCES)
			return L_EFULL;
		i = l->nbalances++;
		l->balances[i].account = account;
		l->balances[i].asset = asset;
		l->balances[i].amount = 0;
		l->balance_index[s] = i + 1;
	}
	if (add_ok(l->balances[i].amount, amount, &l->balances[i].amount))
		return L_EOVERFLOW;
	return L_OK;
}

int
debit(struct ledger *l, uint32_t account, uint32_t asset, u128 amount)
{
	uint32_t i;

	if (amount == 0)
		return L_OK;
	balance_slot(l, account, asset, &i);
	if (i == L_NONE || sub_ok(l->balances[i].amount, amount,
	    &l->balances[i].amount))
		return L_EFUNDS;
	return L_OK;
}

int
move(struct ledger *l, uint32_t from, uint32_t to, uint32_t asset, u128 amount)
{
	int err = debit(l, from, asset, amount);

	return err != L_OK ? err : credit(l, to, asset, amount);
}

int
burn(struct ledger *l, uint32_t asset, u128 amount)
{
	struct ledger_asset *a = &l->assets[asset];

	if (sub_ok(a->supply, amount, &a->supply))
		return L_EOVERFLOW;
	if (asset == L_NATIVE && add_ok(l->burned, amount, &l->burned))
		return L_EOVERFLOW;
	return L_OK;
}

int
ledger_genesis(struct ledger *l, const struct ledger_params *p,
    const struct genesis_alloc *alloc, size_t n)
{
	uint8_t key[L_KEY];
	u128 total = 0;

	if (p->max_block_txs == 0 || p->max_block_txs > L_MAX_BLOCK_TXS ||
	    p->emission_validator_bps > L_BPS || p->burn_bps > L_BPS ||
	    p->amm_fee_bps >= L_BPS || p->base_fee_min == 0 ||
	    p->halving_interval == 0 || n > L_MAX_ACCOUNTS - 3 ||
	    p->slash_bps > L_BPS || p->nreviewers > L_MAX_REVIEWERS ||
	    p->review_quorum == 0 || p->review_quorum > L_MAX_REVIEWERS ||
	    p->rep_divisor == 0 || p->epoch_blocks == 0 ||
	    p->rep_half_life == 0 || p->kappa_den == 0 || p->min_self_bond == 0 ||
	    p->credits_base > ((u128)1 << 64) || p->credits_cap > ((u128)1 << 64))
		return L_EPARAM;
	for (size_t i = 0; i < n; i++)
		if (add_ok(total, alloc[i].amount, &total))
			return L_EOVERFLOW;
	if (total > p->supply_cap)
		return L_EOVERFLOW;
	memset(l, 0, sizeof *l);
	l->p = *p;
	l->base_fee = p->base_fee_min;
	l->genesis_supply = total;
	l->nassets = 1;
	l->assets[L_NATIVE].kind = ASSET_NATIVE;
	l->assets[L_NATIVE].supply = total;
	l->assets[L_NATIVE].cap = p->supply_cap;
	system_key("treasury", key);
	account_get(l, key);
	system_key("contributor rewards", key);
	account_get(l, key);
	system_key("locked liquidity", key);
	account_get(l, key);
	for (size_t i = 0; i < n; i++) {
		uint32_t a = account_get(l, alloc[i].key);

		if (a == L_NONE)
			return L_EFULL;
		if (credit(l, a, L_NATIVE, alloc[i].amount) != L_OK)
			return L_EFULL;
	}
	return L_OK;
}

/*
 * The state hash: a binary Merkle tree over one leaf per record, leaves in
 * the canonical order (the header, then each table in creation order).
 * leaf = BLAKE3(0x00 || record), node = BLAKE3(0x01 || left || right); the
 * tree is shaped as BLAKE3's own: the left subtree of a node holds the
 * largest power of two of its leaves.
 */
struct merkle {
	uint8_t stack[64][L_HASH];
	uint64_t count;			/* leaves pushed */
	int depth;
};

static void
node_hash(const uint8_t l[L_HASH], const uint8_t r[L_HASH], uint8_t out[L_HASH])
{
	uint8_t buf[1 + 2 * L_HASH];

	buf[0] = 1;
	memcpy(buf + 1, l, L_HASH);
	memcpy(buf + 1 + L_HASH, r, L_HASH);
	blake3(buf, sizeof buf, out);
}

static void
merkle_push(struct merkle *m, const uint8_t *rec, size_t len)
{
	uint8_t buf[256];
	uint64_t total;

	buf[0] = 0;
	memcpy(buf + 1, rec, len);
	blake3(buf, len + 1, m->stack[m->depth++]);
	/* Merge completed subtrees: one per trailing 1 bit of the count. */
	for (total = ++m->count; (total & 1) == 0; total >>= 1) {
		m->depth--;
		node_hash(m->stack[m->depth - 1], m->stack[m->depth],
		    m->stack[m->depth - 1]);
	}
}

static void
merkle_root(struct merkle *m, uint8_t out[L_HASH])
{
	while (m->depth > 1) {
		m->depth--;
		node_hash(m->stack[m->depth - 1], m->stack[m->depth],
		    m->stack[m->depth - 1]);
	}
	memcpy(out, m->stack[0], L_HASH);
}

static void
leaf(struct merkle *m, struct enc *e)
{
	merkle_push(m, e->p, e->len);
	e->len = 0;
}

static void
hash_staking(struct merkle *m, struct enc *e, const struct ledger *l)
{
	for (uint32_t i = 0; i < l->nvalidators; i++) {
		const struct ledger_validator *v = &l->validators[i];

		put_u8(e, 'V');
		put_u32(e, v->account);
		put_u16(e, v->commission_bps);
		put_u16(e, v->jailed);
		put_u128(e, v->tokens);
		put_u128(e, v->shares);
		put_u128(e, v->acc);
		put_u128(e, v->outstanding);
		put_u64(e, v->jailed_until);
		put_u64(e, v->slashed_height);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->ndelegations; i++) {
		const struct ledger_delegation *d = &l->delegations[i];

		put_u8(e, 'D');
		put_u32(e, d->delegator);
		put_u32(e, d->validator);
		put_u128(e, d->shares);
		put_u128(e, d->acc_start);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->nunbondings; i++) {
		const struct ledger_unbonding *u = &l->unbondings[i];

		put_u8(e, 'U');
		put_u32(e, u->delegator);
		put_u32(e, u->validator);
		put_u32(e, u->state);
		put_u128(e, u->amount);
		put_u64(e, u->complete);
		leaf(m, e);
	}
}

static void
hash_governance(struct merkle *m, struct enc *e, const struct ledger *l)
{
	for (uint32_t i = 0; i < l->nreceipts; i++) {
		const struct ledger_receipt *r = &l->receipts[i];

		put_u8(e, 'W');
		put_u32(e, r->contributor);
		put_u32(e, r->approvals);
		put_u32(e, r->paid);
		put_u128(e, r->reward);
		put_bytes(e, r->hash, L_HASH);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->nproposals; i++) {
		const struct ledger_proposal *p = &l->proposals[i];

		put_u8(e, 'G');
		put_u32(e, p->kind);
		put_u32(e, p->param);
		put_u32(e, p->recipient);
		put_u32(e, p->state);
		put_u128(e, p->value);
		put_u64(e, p->end);
		put_u128(e, p->yes);
		put_u128(e, p->no);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->nvotes; i++) {
		put_u8(e, 'Q');
		put_u32(e, l->votes[i].account);
		put_u32(e, l->votes[i].proposal);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->nrounds; i++) {
		put_u8(e, 'F');
		put_u128(e, l->rounds[i].matching);
		put_u64(e, l->rounds[i].end);
		put_u32(e, l->rounds[i].state);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->nprojects; i++) {
		const struct ledger_project *p = &l->projects[i];

		put_u8(e, 'J');
		put_u32(e, p->round);
		put_u32(e, p->account);
		put_u128(e, p->total);
		put_u128(e, p->sum_sqrt);
		leaf(m, e);
	}
	for (uint32_t i = 0; i < l->ngifts; i++) {
		put_u8(e, 'K');
		put_u32(e, l->gifts[i].project);
		put_u32(e, l->gifts[i].contributor);
		put_u128(e, l->gifts[i].amount);
		leaf(m, e);
	}
}

void
ledger_state_hash(const struct ledger *l, uint8_t out[L_HASH])
{
	struct merkle m = { .count = 0, .depth = 0 };
	uint8_t buf[200];
	struct enc e = { buf, 0, sizeof buf, 0 };
	uint8_t params[1024];
	struct enc pe = { params, 0, sizeof params, 0 };

	/* Header: the parameters hashed, then the scalars and counts. */
	put_u8(&e, 'H');
	genesis_params_put(&pe, &l->p);
	blake3(params, pe.len, buf + 1);
	e.len += L_HASH;
	put_u64(&e, l->height);
	put_bytes(&e, l->last_block, L_HASH);
	put_u128(&e, l->base_fee);
	put_u128(&e, l->genesis_supply);
	put_u128(&e, l->burned);
	put_u128(&e, l->emitted);
	put_u128(&e, l->staker_pot);
	leaf(&m, &e);
	for (uint32_t i = 0; i < l->naccounts; i++) {
		put_u8(&e, 'A');
		put_bytes(&e, l->accounts[i].key, L_KEY);
		put_u64(&e, l->accounts[i].nonce);
		put_u128(&e, l->accounts[i].rep);
		put_u64(&e, l->accounts[i].rep_epoch);
		put_u64(&e, l->accounts[i].credits_epoch);
		put_u128(&e, l->accounts[i].credits_spent);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->nbalances; i++) {
		put_u8(&e, 'B');
		put_u32(&e, l->balances[i].account);
		put_u32(&e, l->balances[i].asset);
		put_u128(&e, l->balances[i].amount);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->nassets; i++) {
		const struct ledger_asset *a = &l->assets[i];

		put_u8(&e, 'S');
		put_u32(&e, a->kind);
		put_u32(&e, a->issuer);
		put_u128(&e, a->supply);
		put_u128(&e, a->cap);
		put_bytes(&e, a->meta, L_HASH);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->npools; i++) {
		const struct ledger_pool *p = &l->pools[i];

		put_u8(&e, 'P');
		put_u32(&e, p->a);
		put_u32(&e, p->b);
		put_u32(&e, p->lp);
		put_u128(&e, p->ra);
		put_u128(&e, p->rb);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->nhtlcs; i++) {
		const struct ledger_htlc *h = &l->htlcs[i];

		put_u8(&e, 'L');
		put_u32(&e, h->sender);
		put_u32(&e, h->receiver);
		put_u32(&e, h->asset);
		put_u32(&e, h->state);
		put_u128(&e, h->amount);
		put_bytes(&e, h->hashlock, L_HASH);
		put_u64(&e, h->timeout);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->nchannels; i++) {
		const struct ledger_channel *c = &l->channels[i];

		put_u8(&e, 'C');
		put_u32(&e, c->payer);
		put_u32(&e, c->payee);
		put_u32(&e, c->asset);
		put_u32(&e, c->state);
		put_u128(&e, c->deposit);
		put_u64(&e, c->expiry);
		leaf(&m, &e);
	}
	for (uint32_t i = 0; i < l->nprofiles; i++) {
		put_u8(&e, 'R');
		put_u32(&e, l->profiles[i].publisher);
		for (int j = 0; j < 4; j++)
			put_u16(&e, l->profiles[i].bps[j]);
		leaf(&m, &e);
	}
	hash_staking(&m, &e, l);
	hash_governance(&m, &e, l);
	merkle_root(&m, out);
}

/* Adds v to sums[asset], reporting overflow (which is itself a break). */
static int
tally(u128 *sums, uint32_t asset, u128 v, uint32_t nassets)
{
	if (asset >= nassets)
		return -1;
	return add_ok(sums[asset], v, &sums[asset]);
}

int
ledger_check_invariants(const struct ledger *l)
{
	u128 sums[L_MAX_ASSETS] = { 0 };
	uint32_t n = l->nassets;
	int bad = 0;
	u128 native;

	for (uint32_t i = 0; i < l->nbalances; i++)
		bad |= tally(sums, l->balances[i].asset, l->balances[i].amount, n);
	for (uint32_t i = 0; i < l->npools; i++) {
		bad |= tally(sums, l->pools[i].a, l->pools[i].ra, n);
		bad |= tally(sums, l->pools[i].b, l->pools[i].rb, n);
	}
	for (uint32_t i = 0; i < l->nhtlcs; i++)
		if (l->htlcs[i].state == 0)
			bad |= tally(sums, l->htlcs[i].asset, l->htlcs[i].amount, n);
	for (uint32_t i = 0; i < l->nchannels; i++)
		if (l->channels[i].state == 0)
			bad |= tally(sums, l->channels[i].asset,
			    l->channels[i].deposit, n);
	bad |= tally(sums, L_NATIVE, l->staker_pot, n);
	/* Staking: bonded, owed rewards, unbonding; funding rounds. */
	for (uint32_t i = 0; i < l->nvalidators; i++) {
		bad |= tally(sums, L_NATIVE, l->validators[i].tokens, n);
		bad |= tally(sums, L_NATIVE, l->validators[i].outstanding, n);
	}
	for (uint32_t i = 0; i < l->nunbondings; i++)
		if (l->unbondings[i].state == 0)
			bad |= tally(sums, L_NATIVE, l->unbondings[i].amount, n);
	for (uint32_t i = 0; i < l->nrounds; i++)
		if (l->rounds[i].state == 0)
			bad |= tally(sums, L_NATIVE, l->rounds[i].matching, n);
	for (uint32_t i = 0; i < l->nprojects; i++)
		if (l->rounds[l->projects[i].round].state == 0)
			bad |= tally(sums, L_NATIVE, l->projects[i].total, n);
	for (uint32_t i = 0; i < n; i++)
		if (sums[i] != l->assets[i].supply ||
		    l->assets[i].supply > l->assets[i].cap)
			bad = 1;
	/* NØN: what genesis gave and emission minted, less what burned. */
	if (add_ok(l->genesis_supply, l->emitted, &native) ||
	    native - l->burned != l->assets[L_NATIVE].supply ||
	    l->burned > native)
		bad = 1;
	return bad ? L_ESTATE : L_OK;
}
