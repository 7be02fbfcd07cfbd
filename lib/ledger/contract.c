/*
 * Hash-time-locked contracts (SHA-256 hashlock, block-height timeout)
 * and unidirectional payment channels (a deposit, off-ledger vouchers
 * with a cumulative amount signed by the payer, closed by the payee,
 * refunded to the payer after the expiry height).
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

/* HTLC states; a channel is OPEN or CLAIMED (closed). */
enum { OPEN, CLAIMED, REFUNDED };

/* Body: k receiver, i asset, a amount, h SHA-256 hashlock, n timeout. */
static int
htlc_lock(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_htlc *h;
	uint32_t to;
	int err;

	if (b->id >= l->nassets)
		return L_ENOENT;
	if (b->a == 0 || b->height <= l->height)
		return L_EPARAM;
	if (l->nhtlcs == L_MAX_HTLCS)
		return L_EFULL;
	if ((to = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	if ((err = debit(l, payer, b->id, b->a)) != L_OK)
		return err;
	h = &l->htlcs[l->nhtlcs++];
	h->sender = payer;
	h->receiver = to;
	h->asset = b->id;
	h->state = OPEN;
	h->amount = b->a;
	memcpy(h->hashlock, b->hash, L_HASH);
	h->timeout = b->height;
	return L_OK;
}

/* Body: i the HTLC, h the preimage. Anyone may claim; the receiver gets it. */
static int
htlc_claim(struct ledger *l, const struct tx_body *b)
{
	struct ledger_htlc *h;
	uint8_t digest[NC_SHA256_BYTES];

	if (b->id >= l->nhtlcs)
		return L_ENOENT;
	h = &l->htlcs[b->id];
	if (h->state != OPEN || l->height >= h->timeout)
		return L_ESTATE;
	if (nc_sha256(digest, b->hash, L_HASH) != NC_OK ||
	    memcmp(digest, h->hashlock, L_HASH) != 0)
		return L_EPERM;
	h->state = CLAIMED;
	return credit(l, h->receiver, h->asset, h->amount);
}

/* Body: i the HTLC. From the timeout height on, back to the sender. */
static int
htlc_refund(struct ledger *l, const struct tx_body *b)
{
	struct ledger_htlc *h;

	if (b->id >= l->nhtlcs)
		return L_ENOENT;
	h = &l->htlcs[b->id];
	if (h->state != OPEN || l->height < h->timeout)
		return L_ESTATE;
	h->state = REFUNDED;
	return credit(l, h->sender, h->asset, h->amount);
}

/* Body: k payee, i asset, a deposit, n expiry height. */
static int
chan_open(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_channel *c;
	uint32_t to;
	int err;

	if (b->id >= l->nassets)
		return L_ENOENT;
	if (b->a == 0 || b->height <= l->height)
		return L_EPARAM;
	if (l->nchannels == L_MAX_CHANNELS)
		return L_EFULL;
	if ((to = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	if (to == payer)
		return L_EPARAM;
	if ((err = debit(l, payer, b->id, b->a)) != L_OK)
		return err;
	c = &l->channels[l->nchannels++];
	c->payer = payer;
	c->payee = to;
	c->asset = b->id;
	c->state = OPEN;
	c->deposit = b->a;
	c->expiry = b->height;
	return L_OK;
}

/*
 * Body: i channel, a cumulative amount, s the payer's voucher signature.
 * Only the payee closes, before the expiry height (from it on the
 * deposit is the payer's to refund, so the two never race); the payee
 * gets the voucher's amount and the payer the rest.
 */
static int
chan_close(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_channel *c;
	uint8_t hash[L_HASH];
	int err;

	if (b->id >= l->nchannels)
		return L_ENOENT;
	c = &l->channels[b->id];
	if (c->payee != payer)
		return L_EPERM;
	if (c->state != OPEN || l->height >= c->expiry)
		return L_ESTATE;
	if (b->a > c->deposit)
		return L_EFUNDS;
	ledger_voucher_hash(l->p.chain_id, b->id, b->a, hash);
	if (nc_verify_ed25519(b->sig, hash, L_HASH,
	    l->accounts[c->payer].key) != NC_OK)
		return L_ESIG;
	c->state = CLAIMED;
	if ((err = credit(l, c->payee, c->asset, b->a)) != L_OK)
		return err;
	return credit(l, c->payer, c->asset, c->deposit - b->a);
}

/* Body: i channel. The payer takes the deposit back from the expiry on. */
static int
chan_refund(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_channel *c;

	if (b->id >= l->nchannels)
		return L_ENOENT;
	c = &l->channels[b->id];
	if (c->payer != payer)
		return L_EPERM;
	if (c->state != OPEN || l->height < c->expiry)
		return L_ESTATE;
	c->state = CLAIMED;
	return credit(l, c->payer, c->asset, c->deposit);
}

int
apply_contract(struct ledger *l, const struct ledger_tx *tx, uint32_t payer)
{
	switch (tx->type) {
	case TX_HTLC_LOCK:
		return htlc_lock(l, &tx->body, payer);
	case TX_HTLC_CLAIM:
		return htlc_claim(l, &tx->body);
	case TX_HTLC_REFUND:
		return htlc_refund(l, &tx->body);
	case TX_CHAN_OPEN:
		return chan_open(l, &tx->body, payer);
	case TX_CHAN_CLOSE:
		return chan_close(l, &tx->body, payer);
	case TX_CHAN_REFUND:
		return chan_refund(l, &tx->body, payer);
	}
	return L_EFORMAT;
}
