/*
 * Canonical encodings: the bounded writer and reader (codec.h), and the
 * transaction, block header and genesis formats of docs/ledger.md. Every
 * integer is fixed-width little-endian, every field is always present,
 * so a value has exactly one encoding.
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/ledger/codec.h"
#include "lib/ledger/ledger.h"

void
put_bytes(struct enc *e, const void *v, size_t n)
{
	if (e->bad || e->cap - e->len < n) {
		e->bad = 1;
		return;
	}
	memcpy(e->p + e->len, v, n);
	e->len += n;
}

void
put_u8(struct enc *e, uint8_t v)
{
	put_bytes(e, &v, 1);
}

void
put_u16(struct enc *e, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	put_bytes(e, b, 2);
}

void
put_u32(struct enc *e, uint32_t v)
{
	put_u16(e, (uint16_t)v);
	put_u16(e, (uint16_t)(v >> 16));
}

void
put_u64(struct enc *e, uint64_t v)
{
	put_u32(e, (uint32_t)v);
	put_u32(e, (uint32_t)(v >> 32));
}

void
put_u128(struct enc *e, u128 v)
{
	put_u64(e, (uint64_t)v);
	put_u64(e, (uint64_t)(v >> 64));
}

void
get_bytes(struct dec *d, void *v, size_t n)
{
	if (d->bad || d->len - d->off < n) {
		d->bad = 1;
		memset(v, 0, n);
		return;
	}
	memcpy(v, d->p + d->off, n);
	d->off += n;
}

uint8_t
get_u8(struct dec *d)
{
	uint8_t v;

	get_bytes(d, &v, 1);
	return v;
}

uint16_t
get_u16(struct dec *d)
{
	uint8_t b[2];

	get_bytes(d, b, 2);
	return (uint16_t)(b[0] | b[1] << 8);
}

uint32_t
get_u32(struct dec *d)
{
	uint32_t lo = get_u16(d);

	return lo | (uint32_t)get_u16(d) << 16;
}

uint64_t
get_u64(struct dec *d)
{
	uint64_t lo = get_u32(d);

	return lo | (uint64_t)get_u32(d) << 32;
}

u128
get_u128(struct dec *d)
{
	u128 lo = get_u64(d);

	return lo | (u128)get_u64(d) << 64;
}

/*
 * Each type's body: its fields in order. k key (32 bytes), i and j u32
 * ids, a b c u128 amounts, n u64 height, h 32-byte hash, s 64-byte
 * signature, H and S a second hash and signature, p four u16 basis
 * points.
 */
static const char *const layouts[TX_NTYPES] = {
	[TX_TRANSFER] = "kia",
	[TX_ASSET_CREATE] = "ah",
	[TX_ASSET_MINT] = "kia",
	[TX_ASSET_BURN] = "ia",
	[TX_POOL_ADD] = "ijabc",
	[TX_POOL_REMOVE] = "iabc",
	[TX_SWAP] = "ijab",
	[TX_HTLC_LOCK] = "kiahn",
	[TX_HTLC_CLAIM] = "ih",
	[TX_HTLC_REFUND] = "i",
	[TX_CHAN_OPEN] = "kian",
	[TX_CHAN_CLOSE] = "ias",
	[TX_CHAN_REFUND] = "i",
	[TX_PROFILE_CREATE] = "p",
	[TX_CAPSULE_PAY] = "ia",
	[TX_VALIDATOR_CREATE] = "ap",
	[TX_DELEGATE] = "ka",
	[TX_UNDELEGATE] = "ka",
	[TX_UNBOND_CLAIM] = "i",
	[TX_REWARD_WITHDRAW] = "k",
	[TX_UNJAIL] = "",
	[TX_EVIDENCE] = "knhsHS",
	[TX_RECEIPT_APPROVE] = "kha",
	[TX_PROPOSE] = "ijak",
	[TX_VOTE] = "ija",
	[TX_EXECUTE] = "i",
	[TX_QF_CONTRIBUTE] = "ika",
	[TX_QF_FINALIZE] = "i",
};

static const char *
layout(uint8_t type)
{
	if (type == 0 || type >= TX_NTYPES)
		return NULL;
	return layouts[type];
}

static void
put_body(struct enc *e, const char *lay, const struct tx_body *b)
{
	for (; *lay != '\0'; lay++) {
		switch (*lay) {
		case 'k': put_bytes(e, b->key, L_KEY); break;
		case 'i': put_u32(e, b->id); break;
		case 'j': put_u32(e, b->id2); break;
		case 'a': put_u128(e, b->a); break;
		case 'b': put_u128(e, b->b); break;
		case 'c': put_u128(e, b->c); break;
		case 'n': put_u64(e, b->height); break;
		case 'h': put_bytes(e, b->hash, L_HASH); break;
		case 's': put_bytes(e, b->sig, L_SIG); break;
		case 'H': put_bytes(e, b->hash2, L_HASH); break;
		case 'S': put_bytes(e, b->sig2, L_SIG); break;
		case 'p':
			for (int i = 0; i < 4; i++)
				put_u16(e, b->bps[i]);
			break;
		}
	}
}

static void
get_body(struct dec *d, const char *lay, struct tx_body *b)
{
	memset(b, 0, sizeof *b);
	for (; *lay != '\0'; lay++) {
		switch (*lay) {
		case 'k': get_bytes(d, b->key, L_KEY); break;
		case 'i': b->id = get_u32(d); break;
		case 'j': b->id2 = get_u32(d); break;
		case 'a': b->a = get_u128(d); break;
		case 'b': b->b = get_u128(d); break;
		case 'c': b->c = get_u128(d); break;
		case 'n': b->height = get_u64(d); break;
		case 'h': get_bytes(d, b->hash, L_HASH); break;
		case 's': get_bytes(d, b->sig, L_SIG); break;
		case 'H': get_bytes(d, b->hash2, L_HASH); break;
		case 'S': get_bytes(d, b->sig2, L_SIG); break;
		case 'p':
			for (int i = 0; i < 4; i++)
				b->bps[i] = get_u16(d);
			break;
		}
	}
}

/* Everything but the signature: what the hash covers. */
static void
put_unsigned(struct enc *e, const struct ledger_tx *tx, const char *lay)
{
	put_u8(e, tx->type);
	put_bytes(e, tx->payer, L_KEY);
	put_u64(e, tx->nonce);
	put_u128(e, tx->fee);
	put_body(e, lay, &tx->body);
}

size_t
ledger_tx_encode(const struct ledger_tx *tx, uint8_t *buf, size_t cap)
{
	struct enc e = { buf, 0, cap, 0 };
	const char *lay = layout(tx->type);

	if (lay == NULL)
		return 0;
	put_unsigned(&e, tx, lay);
	put_bytes(&e, tx->sig, L_SIG);
	return e.bad ? 0 : e.len;
}

int
ledger_tx_decode(struct ledger_tx *tx, const uint8_t *buf, size_t len,
    size_t *used)
{
	struct dec d = { buf, len, 0, 0 };
	const char *lay;

	memset(tx, 0, sizeof *tx);
	tx->type = get_u8(&d);
	lay = layout(tx->type);
	if (d.bad || lay == NULL)
		return L_EFORMAT;
	get_bytes(&d, tx->payer, L_KEY);
	tx->nonce = get_u64(&d);
	tx->fee = get_u128(&d);
	get_body(&d, lay, &tx->body);
	get_bytes(&d, tx->sig, L_SIG);
	if (d.bad)
		return L_EFORMAT;
	*used = d.off;
	return L_OK;
}

void
ledger_tx_hash(const struct ledger_tx *tx, const uint8_t chain_id[L_HASH],
    uint8_t out[L_HASH])
{
	uint8_t buf[TX_MAX_LEN];
	struct enc e = { buf, 0, sizeof buf, 0 };
	struct blake3 h;
	const char *lay = layout(tx->type);

	if (lay != NULL)
		put_unsigned(&e, tx, lay);
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 transaction v1");
	blake3_update(&h, chain_id, L_HASH);
	blake3_update(&h, buf, e.bad ? 0 : e.len);
	blake3_final(&h, out, L_HASH);
}

int
ledger_tx_sign(struct ledger_tx *tx, const uint8_t chain_id[L_HASH],
    const uint8_t sk[64])
{
	uint8_t hash[L_HASH];

	if (layout(tx->type) == NULL)
		return L_EFORMAT;
	ledger_tx_hash(tx, chain_id, hash);
	return nc_sign_ed25519(tx->sig, hash, L_HASH, sk) == NC_OK ? L_OK :
	    L_ESIG;
}

void
ledger_voucher_hash(const uint8_t chain_id[L_HASH], uint32_t channel,
    u128 cumulative, uint8_t out[L_HASH])
{
	uint8_t buf[4 + 16];
	struct enc e = { buf, 0, sizeof buf, 0 };
	struct blake3 h;

	put_u32(&e, channel);
	put_u128(&e, cumulative);
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 channel voucher v1");
	blake3_update(&h, chain_id, L_HASH);
	blake3_update(&h, buf, e.len);
	blake3_final(&h, out, L_HASH);
}

void
ledger_vote_hash(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], uint8_t out[L_HASH])
{
	uint8_t buf[8 + L_HASH];
	struct enc e = { buf, 0, sizeof buf, 0 };
	struct blake3 h;

	put_u64(&e, height);
	put_bytes(&e, state, L_HASH);
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 validator vote v1");
	blake3_update(&h, chain_id, L_HASH);
	blake3_update(&h, buf, e.len);
	blake3_final(&h, out, L_HASH);
}

size_t
ledger_block_header_encode(const struct ledger_block_header *hd,
    uint8_t out[BLOCK_HEADER_LEN])
{
	struct enc e = { out, 0, BLOCK_HEADER_LEN, 0 };

	put_u64(&e, hd->height);
	put_bytes(&e, hd->parent, L_HASH);
	put_bytes(&e, hd->proposer, L_KEY);
	put_u32(&e, hd->ntx);
	return e.len;
}

int
ledger_block_header_decode(struct ledger_block_header *hd,
    const uint8_t *buf, size_t len)
{
	struct dec d = { buf, len, 0, 0 };

	hd->height = get_u64(&d);
	get_bytes(&d, hd->parent, L_HASH);
	get_bytes(&d, hd->proposer, L_KEY);
	hd->ntx = get_u32(&d);
	return d.bad ? L_EFORMAT : L_OK;
}

void
ledger_block_hash(const struct ledger_block_header *hd, const uint8_t *txs,
    size_t txlen, uint8_t out[L_HASH])
{
	uint8_t buf[BLOCK_HEADER_LEN];
	struct blake3 h;

	ledger_block_header_encode(hd, buf);
	blake3_init_derive_key(&h, "NONOS ledger 2026-12 block v1");
	blake3_update(&h, buf, sizeof buf);
	blake3_update(&h, txs, txlen);
	blake3_final(&h, out, L_HASH);
}

#define GENESIS_MAGIC	"NONLGEN1"

void
genesis_params_put(struct enc *e, const struct ledger_params *p)
{
	put_bytes(e, p->chain_id, L_HASH);
	put_u128(e, p->supply_cap);
	put_u128(e, p->emission_per_block);
	put_u64(e, p->halving_interval);
	put_u16(e, p->emission_validator_bps);
	put_u16(e, p->burn_bps);
	put_u32(e, p->max_block_txs);
	put_u128(e, p->base_fee_min);
	put_u16(e, p->amm_fee_bps);
	put_u128(e, p->amm_min_liquidity);
	put_u128(e, p->min_self_bond);
	put_u64(e, p->unbonding_period);
	put_u16(e, p->slash_bps);
	put_u64(e, p->jail_blocks);
	put_u32(e, p->nreviewers);
	put_u32(e, p->review_quorum);
	for (uint32_t i = 0; i < p->nreviewers && i < L_MAX_REVIEWERS; i++)
		put_bytes(e, p->reviewers[i], L_KEY);
	put_u128(e, p->rep_divisor);
	put_u64(e, p->epoch_blocks);
	put_u64(e, p->rep_half_life);
	put_u128(e, p->credits_base);
	put_u128(e, p->credits_cap);
	put_u128(e, p->kappa_num);
	put_u128(e, p->kappa_den);
	put_u64(e, p->voting_period);
	put_u128(e, p->quorum_votes);
	put_u64(e, p->qf_period);
}

static void
get_params(struct dec *d, struct ledger_params *p)
{
	get_bytes(d, p->chain_id, L_HASH);
	p->supply_cap = get_u128(d);
	p->emission_per_block = get_u128(d);
	p->halving_interval = get_u64(d);
	p->emission_validator_bps = get_u16(d);
	p->burn_bps = get_u16(d);
	p->max_block_txs = get_u32(d);
	p->base_fee_min = get_u128(d);
	p->amm_fee_bps = get_u16(d);
	p->amm_min_liquidity = get_u128(d);
	p->min_self_bond = get_u128(d);
	p->unbonding_period = get_u64(d);
	p->slash_bps = get_u16(d);
	p->jail_blocks = get_u64(d);
	p->nreviewers = get_u32(d);
	p->review_quorum = get_u32(d);
	if (p->nreviewers > L_MAX_REVIEWERS) {
		d->bad = 1;
		return;
	}
	for (uint32_t i = 0; i < p->nreviewers; i++)
		get_bytes(d, p->reviewers[i], L_KEY);
	p->rep_divisor = get_u128(d);
	p->epoch_blocks = get_u64(d);
	p->rep_half_life = get_u64(d);
	p->credits_base = get_u128(d);
	p->credits_cap = get_u128(d);
	p->kappa_num = get_u128(d);
	p->kappa_den = get_u128(d);
	p->voting_period = get_u64(d);
	p->quorum_votes = get_u128(d);
	p->qf_period = get_u64(d);
}

size_t
ledger_genesis_encode(const struct ledger_params *p,
    const struct genesis_alloc *alloc, size_t n, uint8_t *buf, size_t cap)
{
	struct enc e = { buf, 0, cap, 0 };

	if (n > L_MAX_ACCOUNTS)
		return 0;
	put_bytes(&e, GENESIS_MAGIC, 8);
	genesis_params_put(&e, p);
	put_u32(&e, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		put_bytes(&e, alloc[i].key, L_KEY);
		put_u128(&e, alloc[i].amount);
	}
	return e.bad ? 0 : e.len;
}

int
ledger_genesis_decode(struct ledger_params *p, struct genesis_alloc *alloc,
    size_t max, size_t *n, const uint8_t *buf, size_t len)
{
	struct dec d = { buf, len, 0, 0 };
	uint8_t magic[8];
	uint32_t count;

	memset(p, 0, sizeof *p);
	get_bytes(&d, magic, 8);
	if (d.bad || memcmp(magic, GENESIS_MAGIC, 8) != 0)
		return L_EFORMAT;
	get_params(&d, p);
	count = get_u32(&d);
	if (d.bad || count > max)
		return L_EFORMAT;
	for (uint32_t i = 0; i < count; i++) {
		get_bytes(&d, alloc[i].key, L_KEY);
		alloc[i].amount = get_u128(&d);
	}
	if (d.bad || d.off != len)
		return L_EFORMAT;
	*n = count;
	return L_OK;
}
