/*
 * The NØN ledger: a deterministic, integer-only state machine. The same
 * blocks applied to the same genesis give the same state, bit for bit, on
 * every replica: no floats, no clock, no randomness, no allocation. The
 * whole state lives in one fixed-size struct ledger supplied by the
 * caller; tables are filled in creation order, which is the canonical
 * order hashed into the state root. docs/ledger.md gives the encodings,
 * every transaction, the economic rules and the invariants.
 */
#ifndef LIB_LEDGER_LEDGER_H
#define LIB_LEDGER_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/arith.h"

/* Errors: every one leaves the state as it was. */
#define L_OK		0
#define L_EFORMAT	(-1)	/* not a canonical encoding */
#define L_ESIG		(-2)	/* a signature does not verify */
#define L_ENONCE	(-3)	/* not the payer's next nonce */
#define L_EFUNDS	(-4)	/* balance too small */
#define L_EOVERFLOW	(-5)	/* an amount would overflow or exceed a cap */
#define L_ENOENT	(-6)	/* no such account, asset, pool, contract */
#define L_EPERM		(-7)	/* not the party allowed to do this */
#define L_EFULL		(-8)	/* a state table is full */
#define L_EPARAM	(-9)	/* a value outside its allowed range */
#define L_ESTATE	(-10)	/* not now: expired, too early, closed */
#define L_EFEE		(-11)	/* fee below the block's base fee */
#define L_ESLIPPAGE	(-12)	/* the result is worse than the caller's limit */
#define L_EBLOCK	(-13)	/* block header: height, parent, size */

const char *ledger_strerror(int err);

#define L_KEY		32
#define L_HASH		32
#define L_SIG		64
#define L_BPS		10000		/* basis points in a whole */
#define L_NATIVE	0		/* asset 0 is NØN */
#define L_NONE		UINT32_MAX	/* "no such entry" from the finders */

/* Table sizes: a full table refuses with L_EFULL, deterministically. */
#define L_MAX_ACCOUNTS	4096
#define L_MAX_BALANCES	8192
#define L_MAX_ASSETS	64
#define L_MAX_POOLS	32
#define L_MAX_HTLCS	256
#define L_MAX_CHANNELS	256
#define L_MAX_PROFILES	64
#define L_MAX_BLOCK_TXS	4096
#define L_MAX_VALIDATORS	64
#define L_MAX_DELEGATIONS	1024
#define L_MAX_UNBONDINGS	1024
#define L_MAX_REVIEWERS	8
#define L_MAX_RECEIPTS	256
#define L_MAX_PROPOSALS	64
#define L_MAX_VOTES	4096
#define L_MAX_ROUNDS	16
#define L_MAX_PROJECTS	256
#define L_MAX_GIFTS	1024

/* Fixed-point scale of the staking reward accumulators. */
#define L_REWARD_SCALE	((u128)1000000000000000000ull)

/* Accounts 0 to 2 exist from genesis; nobody holds their keys. */
#define L_TREASURY	0
#define L_REWARDS	1	/* the contributor reward pool */
#define L_LOCKED	2	/* AMM minimum liquidity, locked for ever */

/*
 * Parameters, set at genesis; passed proposals may change base_fee_min,
 * burn_bps, emission_validator_bps, quorum_votes, credits_base and
 * credits_cap (gov.c).
 */
struct ledger_params {
	uint8_t chain_id[L_HASH];
	u128 supply_cap;		/* NØN base units, never exceeded */
	u128 emission_per_block;	/* minted per block, halving ... */
	uint64_t halving_interval;	/* ... every this many blocks */
	uint16_t emission_validator_bps; /* the proposer's share; rest to L_REWARDS */
	uint16_t burn_bps;		/* of the base fee; the rest to the treasury */
	uint32_t max_block_txs;		/* <= L_MAX_BLOCK_TXS */
	u128 base_fee_min;		/* the base fee never falls below */
	uint16_t amm_fee_bps;		/* swap fee, 30 = 0.3 % */
	u128 amm_min_liquidity;		/* LP shares locked on a pool's first deposit */
	/* Staking. */
	u128 min_self_bond;		/* a validator below it earns nothing */
	uint64_t unbonding_period;	/* blocks from undelegation to payout */
	uint16_t slash_bps;		/* taken on double-sign evidence */
	uint64_t jail_blocks;		/* blocks a slashed validator sits out */
	/* Contributions and governance. */
	uint8_t reviewers[L_MAX_REVIEWERS][L_KEY];
	uint32_t nreviewers, review_quorum;	/* k of n approvals pay a receipt */
	u128 rep_divisor;		/* reputation earned = reward / rep_divisor */
	uint64_t epoch_blocks;		/* an epoch for credits and decay */
	uint64_t rep_half_life;		/* epochs for reputation to halve */
	u128 credits_base;		/* B0 */
	u128 credits_cap;		/* Bcap */
	u128 kappa_num, kappa_den;	/* κ = kappa_num / kappa_den */
	uint64_t voting_period;		/* blocks a proposal is open */
	u128 quorum_votes;		/* least yes + no votes to decide */
	uint64_t qf_period;		/* blocks a funding round is open */
};

struct ledger_account {
	uint8_t key[L_KEY];
	uint64_t nonce;			/* transactions applied so far */
	u128 rep;			/* reputation, as of rep_epoch */
	uint64_t rep_epoch;		/* a multiple of the half-life */
	uint64_t credits_epoch;		/* the epoch credits_spent counts */
	u128 credits_spent;
};

struct ledger_balance {
	uint32_t account, asset;
	u128 amount;
};

enum asset_kind { ASSET_NATIVE, ASSET_ISSUED, ASSET_LP };

struct ledger_asset {
	uint32_t kind;
	uint32_t issuer;		/* account; for ASSET_LP the pool */
	u128 supply, cap;
	uint8_t meta[L_HASH];		/* hash of its name and description */
};

/* A constant-product pool; its LP shares are asset `lp`. */
struct ledger_pool {
	uint32_t a, b;			/* assets, a < b */
	uint32_t lp;
	u128 ra, rb;			/* reserves */
};

struct ledger_htlc {
	uint32_t sender, receiver, asset;
	uint32_t state;			/* 0 open, 1 claimed, 2 refunded */
	u128 amount;
	uint8_t hashlock[L_HASH];	/* SHA-256 of the preimage */
	uint64_t timeout;		/* refundable from this height on */
};

struct ledger_channel {
	uint32_t payer, payee, asset;
	uint32_t state;			/* 0 open, 1 closed */
	u128 deposit;
	uint64_t expiry;		/* refundable to the payer from this height on */
};

/* Capsule payment split, in basis points summing to L_BPS. */
struct ledger_profile {
	uint32_t publisher;
	uint16_t bps[4];		/* publisher, stakers, treasury, burn */
};

/*
 * A validator (the account `account`). Delegations hold shares; tokens
 * per share fall when it is slashed. Rewards per share accumulate in
 * acc (scaled by L_REWARD_SCALE); `outstanding` holds what is owed.
 */
struct ledger_validator {
	uint32_t account;
	uint16_t commission_bps;
	uint16_t jailed;
	u128 tokens, shares;
	u128 acc;
	u128 outstanding;
	uint64_t jailed_until;
	uint64_t slashed_height;	/* the last height it was slashed for */
};

struct ledger_delegation {
	uint32_t delegator, validator;
	u128 shares;
	u128 acc_start;			/* the validator's acc when last paid */
};

struct ledger_unbonding {
	uint32_t delegator, validator;
	uint32_t state;			/* 0 pending, 1 paid */
	u128 amount;
	uint64_t complete;		/* payable from this height on */
};

/* A contribution receipt awaiting its k-of-n approvals. */
struct ledger_receipt {
	uint32_t contributor;
	uint32_t approvals;		/* bit r: reviewer r approved */
	uint32_t paid;
	u128 reward;
	uint8_t hash[L_HASH];		/* what was contributed */
};

enum proposal_kind { PROP_PARAM = 1, PROP_SPEND, PROP_ROUND };
enum proposal_state { PROP_OPEN, PROP_PASSED, PROP_REJECTED, PROP_FAILED };

struct ledger_proposal {
	uint32_t kind, param;
	uint32_t recipient, state;
	u128 value;			/* the new value, or the amount */
	uint64_t end;			/* decided from this height on */
	u128 yes, no;
};

struct ledger_vote {
	uint32_t account, proposal;
};

/* A quadratic funding round with its matching pool. */
struct ledger_round {
	u128 matching;
	uint64_t end;
	uint32_t state;			/* 0 open, 1 finalised */
};

struct ledger_project {
	uint32_t round, account;
	u128 total;			/* contributions, held until finalised */
	u128 sum_sqrt;			/* Σ isqrt(each contributor's total) */
};

struct ledger_gift {
	uint32_t project, contributor;
	u128 amount;
};

struct ledger {
	struct ledger_params p;
	uint64_t height;		/* blocks applied */
	uint8_t last_block[L_HASH];	/* hash of the last block header */
	u128 base_fee;
	u128 genesis_supply;		/* NØN allocated at genesis */
	u128 burned;			/* NØN burned, ever */
	u128 emitted;			/* NØN minted by emission, ever */
	u128 staker_pot;		/* capsule revenue for stakers, not yet paid */
	uint32_t naccounts, nbalances, nassets, npools, nhtlcs, nchannels;
	uint32_t nprofiles, nvalidators, ndelegations, nunbondings;
	uint32_t nreceipts, nproposals, nvotes, nrounds, nprojects, ngifts;
	struct ledger_account accounts[L_MAX_ACCOUNTS];
	struct ledger_balance balances[L_MAX_BALANCES];
	struct ledger_asset assets[L_MAX_ASSETS];
	struct ledger_pool pools[L_MAX_POOLS];
	struct ledger_htlc htlcs[L_MAX_HTLCS];
	struct ledger_channel channels[L_MAX_CHANNELS];
	struct ledger_profile profiles[L_MAX_PROFILES];
	struct ledger_validator validators[L_MAX_VALIDATORS];
	struct ledger_delegation delegations[L_MAX_DELEGATIONS];
	struct ledger_unbonding unbondings[L_MAX_UNBONDINGS];
	struct ledger_receipt receipts[L_MAX_RECEIPTS];
	struct ledger_proposal proposals[L_MAX_PROPOSALS];
	struct ledger_vote votes[L_MAX_VOTES];
	struct ledger_round rounds[L_MAX_ROUNDS];
	struct ledger_project projects[L_MAX_PROJECTS];
	struct ledger_gift gifts[L_MAX_GIFTS];
	/* Lookup indexes (open addressing), rebuilt from the tables. */
	uint32_t account_index[2 * L_MAX_ACCOUNTS];
	uint32_t balance_index[2 * L_MAX_BALANCES];
};

/* --- Transactions ---------------------------------------------------------- */

enum tx_type {
	TX_TRANSFER = 1,
	TX_ASSET_CREATE,
	TX_ASSET_MINT,
	TX_ASSET_BURN,
	TX_POOL_ADD,
	TX_POOL_REMOVE,
	TX_SWAP,
	TX_HTLC_LOCK,
	TX_HTLC_CLAIM,
	TX_HTLC_REFUND,
	TX_CHAN_OPEN,
	TX_CHAN_CLOSE,
	TX_CHAN_REFUND,
	TX_PROFILE_CREATE,
	TX_CAPSULE_PAY,
	TX_VALIDATOR_CREATE,
	TX_DELEGATE,
	TX_UNDELEGATE,
	TX_UNBOND_CLAIM,
	TX_REWARD_WITHDRAW,
	TX_UNJAIL,
	TX_EVIDENCE,
	TX_RECEIPT_APPROVE,
	TX_PROPOSE,
	TX_VOTE,
	TX_EXECUTE,
	TX_QF_CONTRIBUTE,
	TX_QF_FINALIZE,
	TX_NTYPES
};

/*
 * A transaction's body fields; each type uses the ones its layout names
 * (codec.c, docs/ledger.md), the others are zero.
 */
struct tx_body {
	uint8_t key[L_KEY];		/* k: a counterparty */
	uint32_t id, id2;		/* i, j: an asset, pool, contract... */
	u128 a, b, c;			/* a, b, c: amounts */
	uint64_t height;		/* n: a block height */
	uint8_t hash[L_HASH];		/* h: a hash or preimage */
	uint8_t sig[L_SIG];		/* s: an off-ledger signature */
	uint8_t hash2[L_HASH];		/* H, S: a second hash and signature */
	uint8_t sig2[L_SIG];
	uint16_t bps[4];		/* p: basis points */
};

struct ledger_tx {
	uint8_t type;
	uint8_t payer[L_KEY];
	uint64_t nonce;
	u128 fee;			/* NØN, at least the base fee */
	struct tx_body body;
	uint8_t sig[L_SIG];		/* payer's, over ledger_tx_hash() */
};

#define TX_MAX_LEN	512

/*
 * Canonical encoding. encode returns the length written (0 if cap is too
 * small); decode takes exactly one transaction from buf, sets *used, and
 * returns L_OK or L_EFORMAT.
 */
size_t ledger_tx_encode(const struct ledger_tx *tx, uint8_t *buf, size_t cap);
int ledger_tx_decode(struct ledger_tx *tx, const uint8_t *buf, size_t len,
    size_t *used);
/* The hash the payer signs: domain-separated, bound to the chain. */
void ledger_tx_hash(const struct ledger_tx *tx, const uint8_t chain_id[L_HASH],
    uint8_t out[L_HASH]);
/* Signs tx in place with sk (libsodium's 64 bytes). L_OK or L_ESIG. */
int ledger_tx_sign(struct ledger_tx *tx, const uint8_t chain_id[L_HASH],
    const uint8_t sk[64]);

/* --- Blocks ---------------------------------------------------------------- */

struct ledger_block_header {
	uint64_t height;		/* the ledger's height + 1 */
	uint8_t parent[L_HASH];		/* the previous header's hash */
	uint8_t proposer[L_KEY];	/* receives tips and its share of emission */
	uint32_t ntx;
};

#define BLOCK_HEADER_LEN	(8 + 32 + 32 + 4)

size_t ledger_block_header_encode(const struct ledger_block_header *h,
    uint8_t out[BLOCK_HEADER_LEN]);
int ledger_block_header_decode(struct ledger_block_header *h,
    const uint8_t *buf, size_t len);
void ledger_block_hash(const struct ledger_block_header *h,
    const uint8_t *txs, size_t txlen, uint8_t out[L_HASH]);

/*
 * Applies a block (header then ntx encoded transactions) all or nothing:
 * scratch is overwritten with a copy of *l, the block applied to it, and
 * on success copied back. On any error *l is unchanged and *bad_tx (if
 * not NULL) is the failing transaction's index (ntx for the header).
 */
int ledger_apply_block(struct ledger *l, struct ledger *scratch,
    const uint8_t *block, size_t len, uint32_t *bad_tx);

/*
 * Applies one decoded transaction in block context (the caller does
 * begin/end). On error the state may be partly changed: only
 * ledger_apply_block's copy makes it atomic. Exposed for tests, which
 * check the supply invariant after every transaction.
 */
int ledger_apply_tx(struct ledger *l, const struct ledger_tx *tx,
    uint32_t proposer);
int ledger_block_begin(struct ledger *l, const struct ledger_block_header *h,
    uint32_t *proposer);
int ledger_block_end(struct ledger *l, uint32_t ntx, uint32_t proposer);

/* --- Genesis, state -------------------------------------------------------- */

struct genesis_alloc {
	uint8_t key[L_KEY];
	u128 amount;
};

/* Sane defaults for a test or a new chain (chain_id zero). */
void ledger_default_params(struct ledger_params *p);
/* A fresh ledger with the given NØN allocations. L_EPARAM, L_EOVERFLOW. */
int ledger_genesis(struct ledger *l, const struct ledger_params *p,
    const struct genesis_alloc *alloc, size_t n);
/* Genesis file: params and allocations, canonically encoded. */
size_t ledger_genesis_encode(const struct ledger_params *p,
    const struct genesis_alloc *alloc, size_t n, uint8_t *buf, size_t cap);
int ledger_genesis_decode(struct ledger_params *p, struct genesis_alloc *alloc,
    size_t max, size_t *n, const uint8_t *buf, size_t len);

/* BLAKE3 Merkle root over the canonical state. */
void ledger_state_hash(const struct ledger *l, uint8_t out[L_HASH]);

/*
 * Checks the supply invariants: for every asset, Σ balances + pool
 * reserves + open HTLCs + open channel deposits (+ for NØN the staker
 * pot, validators' tokens and owed rewards, pending unbondings and open
 * funding rounds) = its supply <= its cap; and NØN's supply = genesis
 * + emitted - burned (docs/ledger.md). L_OK or L_ESTATE.
 */
int ledger_check_invariants(const struct ledger *l);

/* Lookups: the index, or L_NONE. */
uint32_t ledger_find_account(const struct ledger *l, const uint8_t key[L_KEY]);
u128 ledger_balance(const struct ledger *l, uint32_t account, uint32_t asset);

/*
 * A swap's output (Uniswap V2's getAmountOut, fee in basis points):
 * floor(in*(10000-fee)*r_out / (r_in*10000 + in*(10000-fee))). L_OK,
 * L_ESTATE (an empty pool), L_EOVERFLOW, or L_ESLIPPAGE if it is 0.
 */
int amm_amount_out(u128 in, u128 r_in, u128 r_out, uint16_t fee_bps,
    u128 *out);

/*
 * The pair contract's k check for a swap of `in` taking reserves (r_in,
 * r_out) to (nin, nout): (nin·10000 − in·fee)·nout·10000 >=
 * r_in·r_out·10000², in 256 bits. 1 if it holds, 0 if not (or on
 * overflow).
 */
int amm_k_holds(u128 r_in, u128 r_out, u128 nin, u128 nout, u128 in,
    uint16_t fee_bps);

/* What a validator signs for a height: (height, state hash). */
void ledger_vote_hash(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], uint8_t out[L_HASH]);

/* A validator's index for an account, or L_NONE. */
uint32_t ledger_find_validator(const struct ledger *l, uint32_t account);

/* Reputation of an account at epoch `epoch`, after decay. */
u128 ledger_reputation(const struct ledger *l, uint32_t account,
    uint64_t epoch);
/* Voice credits per epoch: B0 + min(Bcap, floor(κ · rep)). */
u128 ledger_voice_credits(const struct ledger_params *p, u128 rep);

/* Channel vouchers: the payer signs (channel, cumulative amount). */
void ledger_voucher_hash(const uint8_t chain_id[L_HASH], uint32_t channel,
    u128 cumulative, uint8_t out[L_HASH]);

#endif
