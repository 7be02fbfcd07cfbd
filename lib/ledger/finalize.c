/*
 * The next block from an ordered batch (finalize.h): trial-apply the
 * whole block, leave out the transaction that failed, try again. The
 * trials depend only on the state and the batch, so every replica
 * leaves out the same transactions and reaches the same block.
 */
#include <string.h>

#include "lib/ledger/finalize.h"

/*
 * The length of the batch's transaction at txs[pos], or 0 if it is
 * malformed (which ends the batch: the rest cannot be found).
 */
static size_t
tx_len(const uint8_t *txs, size_t txlen, size_t pos)
{
	struct ledger_tx tx;
	size_t used;

	if (pos >= txlen ||
	    ledger_tx_decode(&tx, txs + pos, txlen - pos, &used) != L_OK)
		return 0;
	return used;
}

/* Marks the malformed transactions (and all after one) L_EFORMAT. */
static void
check_format(const uint8_t *txs, size_t txlen, uint32_t ntx, int32_t *results)
{
	size_t pos = 0, n;

	for (uint32_t i = 0; i < ntx; i++) {
		n = tx_len(txs, txlen, pos);
		results[i] = n ? L_OK : L_EFORMAT;
		pos += n;
		if (n == 0)
			pos = txlen;
	}
}

/* Writes the header and the included transactions; returns the length. */
static size_t
assemble(const struct ledger *l, const uint8_t proposer[L_KEY],
    const uint8_t *txs, size_t txlen, const int32_t *results, uint32_t ntx,
    uint8_t *block, uint32_t *count)
{
	struct ledger_block_header h;
	size_t out = BLOCK_HEADER_LEN, pos = 0, n;

	*count = 0;
	for (uint32_t i = 0; i < ntx && results[i] != L_EFORMAT; i++) {
		n = tx_len(txs, txlen, pos);
		if (results[i] == L_OK) {
			memcpy(block + out, txs + pos, n);
			out += n;
			(*count)++;
		}
		pos += n;
	}
	h.height = l->height + 1;
	memcpy(h.parent, l->last_block, L_HASH);
	memcpy(h.proposer, proposer, L_KEY);
	h.ntx = *count;
	ledger_block_header_encode(&h, block);
	return out;
}

/* The index in the batch of the k-th included transaction. */
static uint32_t
included(const int32_t *results, uint32_t ntx, uint32_t k)
{
	for (uint32_t i = 0; i < ntx; i++)
		if (results[i] == L_OK && k-- == 0)
			return i;
	return ntx;
}

int
ledger_finalize(struct ledger *l, struct ledger *scratch,
    const uint8_t proposer[L_KEY], const uint8_t *txs, size_t txlen,
    uint32_t ntx, int32_t *results, uint8_t *block, size_t cap, size_t *blen)
{
	uint32_t count, bad, failures = 0, at;
	int err;

	if (ntx > L_MAX_BLOCK_TXS || ntx > l->p.max_block_txs ||
	    cap < BLOCK_HEADER_LEN || cap - BLOCK_HEADER_LEN < txlen) {
		for (uint32_t i = 0; i < ntx; i++)
			results[i] = L_EBLOCK;
		return L_EBLOCK;
	}
	check_format(txs, txlen, ntx, results);
	for (;;) {
		*blen = assemble(l, proposer, txs, txlen, results, ntx, block,
		    &count);
		if (count == 0)
			return L_ESTATE;
		err = ledger_apply_block(l, scratch, block, *blen, &bad);
		if (err == L_OK)
			return L_OK;
		if (bad >= count) {
			/* The header or the block's end: nothing applies. */
			for (uint32_t i = 0; i < ntx; i++)
				if (results[i] == L_OK)
					results[i] = err;
			return err;
		}
		at = included(results, ntx, bad);
		results[at] = err;
		if (++failures == FINALIZE_MAX_FAILURES)
			for (uint32_t i = at + 1; i < ntx; i++)
				if (results[i] == L_OK)
					results[i] = L_EBLOCK;
	}
}
