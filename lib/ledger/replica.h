/*
 * Replica signatures on the state (docs/ledger.md, "Fault model"). After
 * every block each replica signs (height, state hash) with its Ed25519
 * key, in the validator-vote format of part 1 (ledger_vote_hash), so two
 * different hashes signed for one height are exactly the evidence that
 * the evidence transaction slashes. A client accepts a state only when a
 * quorum (a strict majority) of the configured replica keys signed it.
 */
#ifndef LIB_LEDGER_REPLICA_H
#define LIB_LEDGER_REPLICA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/ledger.h"
#include "lib/ledger/proto.h"

/* Signs (height, state) with sk (libsodium's 64 bytes). L_OK or L_ESIG. */
int replica_sign(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t sk[64], uint8_t sig[L_SIG]);

/* L_OK if key's signature on (height, state) verifies, else L_ESIG. */
int replica_verify(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t key[L_KEY],
    const uint8_t sig[L_SIG]);

/*
 * How many distinct replicas of keys[0..nkeys) signed (height, state)
 * among sigs[0..nsig): a signature by a key not in the set, a second
 * one by the same key, and one that does not verify count nothing.
 */
uint32_t replica_count(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t (*keys)[L_KEY], uint32_t nkeys,
    const struct proto_sig *sigs, uint32_t nsig);

/* The least number of signatures a client accepts: a strict majority. */
uint32_t replica_quorum(uint32_t nkeys);

/*
 * Double-signing evidence: if key signed two different state hashes h1
 * and h2 for one height (both signatures verify), fills *body as the
 * evidence transaction's body (layout knhsHS) and returns L_OK; else
 * L_EPARAM (the same hash) or L_ESIG.
 */
int replica_evidence(const uint8_t chain_id[L_HASH], const uint8_t key[L_KEY],
    uint64_t height, const uint8_t h1[L_HASH], const uint8_t s1[L_SIG],
    const uint8_t h2[L_HASH], const uint8_t s2[L_SIG], struct tx_body *body);

#endif
