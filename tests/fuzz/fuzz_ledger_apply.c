/*
 * libFuzzer target for applying transactions. A fixed chain (four keys,
 * an issued asset, a pool, a validator, a profile, a channel, an HTLC,
 * two reviewers) is built once; each input is a stream of records
 *   key index (1 byte), type (1 byte), fee extra (1 byte), body bytes
 * which the harness turns into transactions signed by that key with its
 * next nonce (a key field whose first byte is below 8 names one of the
 * four keys; a signature field whose first byte is 0xff is made valid),
 * each applied as a one-transaction block. After every block the supply
 * invariants must hold; after a refused one the state hash must be
 * unchanged. A record whose first byte is 0xfe instead applies the rest
 * of the input as raw block bytes behind a valid header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NK	4

static struct ledger *base, *l, *scratch;
static uint8_t pk[NK][32], sk[NK][64];
static uint8_t block_buf[BLOCK_HEADER_LEN + 8192];

static int
apply_raw(const uint8_t *txs, size_t len, const uint8_t proposer[32])
{
	struct ledger_block_header h;
	size_t off = BLOCK_HEADER_LEN, used;
	struct ledger_tx tx;

	if (len > sizeof block_buf - BLOCK_HEADER_LEN)
		len = sizeof block_buf - BLOCK_HEADER_LEN;
	h.height = l->height + 1;
	memcpy(h.parent, l->last_block, 32);
	memcpy(h.proposer, proposer, 32);
	/* Count the transactions that decode, so the header's ntx can match. */
	h.ntx = 0;
	while (off - BLOCK_HEADER_LEN < len && ledger_tx_decode(&tx,
	    txs + (off - BLOCK_HEADER_LEN), len - (off - BLOCK_HEADER_LEN),
	    &used) == L_OK) {
		off += used;
		h.ntx++;
	}
	ledger_block_header_encode(&h, block_buf);
	memcpy(block_buf + BLOCK_HEADER_LEN, txs, len);
	return ledger_apply_block(l, scratch, block_buf, BLOCK_HEADER_LEN + len,
	    NULL);
}

/* Applies and checks: invariants after, unchanged state if refused. */
static void
checked(const uint8_t *txs, size_t len, const uint8_t proposer[32])
{
	uint8_t before[32], after[32];

	ledger_state_hash(l, before);
	if (apply_raw(txs, len, proposer) != L_OK) {
		ledger_state_hash(l, after);
		if (memcmp(before, after, 32) != 0)
			abort();
	}
	if (ledger_check_invariants(l) != L_OK)
		abort();
}

static void
make_sigs(struct ledger_tx *tx)
{
	uint8_t h[32];

	if (tx->type == TX_CHAN_CLOSE && tx->body.sig[0] == 0xff &&
	    tx->body.id < l->nchannels) {
		uint32_t payer = l->channels[tx->body.id].payer;

		for (int k = 0; k < NK; k++)
			if (memcmp(l->accounts[payer].key, pk[k], 32) == 0) {
				ledger_voucher_hash(l->p.chain_id, tx->body.id,
				    tx->body.a, h);
				(void)nc_sign_ed25519(tx->body.sig, h, 32, sk[k]);
			}
	}
	if (tx->type == TX_EVIDENCE && tx->body.sig[0] == 0xff) {
		for (int k = 0; k < NK; k++)
			if (memcmp(tx->body.key, pk[k], 32) == 0) {
				ledger_vote_hash(l->p.chain_id, tx->body.height,
				    tx->body.hash, h);
				(void)nc_sign_ed25519(tx->body.sig, h, 32, sk[k]);
				ledger_vote_hash(l->p.chain_id, tx->body.height,
				    tx->body.hash2, h);
				(void)nc_sign_ed25519(tx->body.sig2, h, 32, sk[k]);
			}
	}
}

/* One record: returns the input bytes it used (0 to stop). */
static size_t
record(const uint8_t *data, size_t size)
{
	uint8_t raw[TX_MAX_LEN], out[TX_MAX_LEN];
	struct ledger_tx tx;
	size_t body, used, n;
	uint32_t a;
	int k;

	if (size < 3)
		return 0;
	k = data[0] % NK;
	memset(raw, 0, sizeof raw);
	raw[0] = data[1];
	memcpy(raw + 1, pk[k], 32);
	body = size - 3 < 200 ? size - 3 : 200;
	memcpy(raw + 57, data + 3, body);
	if (ledger_tx_decode(&tx, raw, 57 + body + L_SIG, &used) != L_OK)
		return 0;
	a = ledger_find_account(l, pk[k]);
	tx.nonce = a == L_NONE ? 0 : l->accounts[a].nonce;
	tx.fee = l->base_fee + data[2];
	if (tx.body.key[0] < 8)
		memcpy(tx.body.key, pk[tx.body.key[0] % NK], 32);
	make_sigs(&tx);
	if (ledger_tx_sign(&tx, l->p.chain_id, sk[k]) != L_OK)
		abort();
	n = ledger_tx_encode(&tx, out, sizeof out);
	checked(out, n, pk[data[2] % NK]);
	return 3 + (used - 57 - L_SIG);
}

static void
setup_tx(int k, enum tx_type type, const struct tx_body *b)
{
	struct ledger_tx tx;
	uint8_t out[TX_MAX_LEN];
	uint32_t a = ledger_find_account(l, pk[k]);
	size_t n;

	memset(&tx, 0, sizeof tx);
	tx.type = (uint8_t)type;
	memcpy(tx.payer, pk[k], 32);
	tx.nonce = a == L_NONE ? 0 : l->accounts[a].nonce;
	tx.fee = l->base_fee;
	tx.body = *b;
	if (ledger_tx_sign(&tx, l->p.chain_id, sk[k]) != L_OK)
		abort();
	n = ledger_tx_encode(&tx, out, sizeof out);
	if (apply_raw(out, n, pk[0]) != L_OK)
		abort();
}

static void
init(void)
{
	struct ledger_params p;
	struct genesis_alloc al[NK];
	struct tx_body b;

	if (nc_init() != NC_OK)
		abort();
	base = malloc(sizeof *base);
	l = malloc(sizeof *l);
	scratch = malloc(sizeof *scratch);
	ledger_default_params(&p);
	p.unbonding_period = 2;
	p.voting_period = 3;
	p.qf_period = 3;
	p.jail_blocks = 2;
	p.nreviewers = 2;
	p.review_quorum = 1;
	for (int k = 0; k < NK; k++) {
		uint8_t seed[32] = { 0xf0, (uint8_t)k };

		if (nc_sign_ed25519_seed_keypair(pk[k], sk[k], seed) != NC_OK)
			abort();
		memcpy(al[k].key, pk[k], 32);
		al[k].amount = (u128)1000000 * 1000000000000000000ull;
	}
	memcpy(p.reviewers[0], pk[2], 32);
	memcpy(p.reviewers[1], pk[3], 32);
	if (ledger_genesis(l, &p, al, NK) != L_OK)
		abort();
	memset(&b, 0, sizeof b);
	b.a = U128_MAX;
	setup_tx(0, TX_ASSET_CREATE, &b);
	b.id = 1;
	b.a = (u128)1 << 90;
	memcpy(b.key, pk[1], 32);
	setup_tx(0, TX_ASSET_MINT, &b);
	memset(&b, 0, sizeof b);
	b.id = 0;
	b.id2 = 1;
	b.a = (u128)1 << 70;
	b.b = (u128)1 << 72;
	setup_tx(1, TX_POOL_ADD, &b);
	memset(&b, 0, sizeof b);
	b.a = (u128)1 << 64;
	setup_tx(0, TX_VALIDATOR_CREATE, &b);
	b.bps[0] = 10000;
	setup_tx(1, TX_PROFILE_CREATE, &b);
	memset(&b, 0, sizeof b);
	memcpy(b.key, pk[1], 32);
	b.a = 1000000;
	b.height = 1000;
	setup_tx(0, TX_CHAN_OPEN, &b);
	setup_tx(2, TX_HTLC_LOCK, &b);
	memset(&b, 0, sizeof b);
	memcpy(b.key, pk[1], 32);
	b.a = 2000000000000000000ull;	/* reputation 2 for key 1 */
	setup_tx(2, TX_RECEIPT_APPROVE, &b);
	memcpy(base, l, sizeof *l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t used;

	if (base == NULL)
		init();
	memcpy(l, base, sizeof *l);
	while (size > 0) {
		if (data[0] == 0xfe) {
			checked(data + 1, size - 1, pk[0]);
			break;
		}
		if ((used = record(data, size)) == 0)
			break;
		data += used;
		size -= used;
	}
	return 0;
}
