/*
 * Turning an ordered batch of transactions into the next block, the same
 * way on every replica (ABCI's FinalizeBlock): the replicated log orders
 * batches, not blocks, so a batch proposed on a state that has since
 * moved on (a new leader, a retried transaction) still gives one block,
 * and a transaction that does not apply is left out with its error
 * instead of voiding the others.
 */
#ifndef LIB_LEDGER_FINALIZE_H
#define LIB_LEDGER_FINALIZE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/ledger.h"

/* Failures after which the rest of a batch is refused with L_EBLOCK. */
#define FINALIZE_MAX_FAILURES	8

/*
 * Applies the batch txs (ntx encoded transactions back to back, txlen
 * bytes) as block l->height + 1 with parent l->last_block and proposer:
 * each transaction that does not apply is left out, results[i] its
 * error (L_OK for the ones in the block). Each leaving-out costs one
 * more trial of the whole block, so after FINALIZE_MAX_FAILURES the
 * rest are refused with L_EBLOCK (no room in this block: retry). The block applied is
 * written to block (cap >= BLOCK_HEADER_LEN + txlen), its length to
 * *blen. Returns L_OK; L_ESTATE if no transaction applied (no block,
 * *l unchanged); or the header's error for all (*l unchanged).
 * scratch is working space, as for ledger_apply_block.
 */
int ledger_finalize(struct ledger *l, struct ledger *scratch,
    const uint8_t proposer[L_KEY], const uint8_t *txs, size_t txlen,
    uint32_t ntx, int32_t *results, uint8_t *block, size_t cap, size_t *blen);

#endif
