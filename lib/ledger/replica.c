/*
 * Replica signatures on the state hash per height: signing, verifying,
 * counting a quorum, and turning two conflicting signatures into the
 * evidence transaction's body (replica.h).
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/ledger/replica.h"

int
replica_sign(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t sk[64], uint8_t sig[L_SIG])
{
	uint8_t h[L_HASH];

	ledger_vote_hash(chain_id, height, state, h);
	return nc_sign_ed25519(sig, h, L_HASH, sk) == NC_OK ? L_OK : L_ESIG;
}

int
replica_verify(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t key[L_KEY],
    const uint8_t sig[L_SIG])
{
	uint8_t h[L_HASH];

	ledger_vote_hash(chain_id, height, state, h);
	return nc_verify_ed25519(sig, h, L_HASH, key) == NC_OK ? L_OK : L_ESIG;
}

uint32_t
replica_count(const uint8_t chain_id[L_HASH], uint64_t height,
    const uint8_t state[L_HASH], const uint8_t (*keys)[L_KEY], uint32_t nkeys,
    const struct proto_sig *sigs, uint32_t nsig)
{
	uint32_t count = 0;

	for (uint32_t k = 0; k < nkeys; k++) {
		for (uint32_t i = 0; i < nsig; i++) {
			if (memcmp(sigs[i].key, keys[k], L_KEY) != 0 ||
			    replica_verify(chain_id, height, state, keys[k],
			    sigs[i].sig) != L_OK)
				continue;
			count++;
			break;		/* one vote per replica */
		}
	}
	return count;
}

uint32_t
replica_quorum(uint32_t nkeys)
{
	return nkeys / 2 + 1;
}

int
replica_evidence(const uint8_t chain_id[L_HASH], const uint8_t key[L_KEY],
    uint64_t height, const uint8_t h1[L_HASH], const uint8_t s1[L_SIG],
    const uint8_t h2[L_HASH], const uint8_t s2[L_SIG], struct tx_body *body)
{
	if (memcmp(h1, h2, L_HASH) == 0)
		return L_EPARAM;
	if (replica_verify(chain_id, height, h1, key, s1) != L_OK ||
	    replica_verify(chain_id, height, h2, key, s2) != L_OK)
		return L_ESIG;
	memset(body, 0, sizeof *body);
	memcpy(body->key, key, L_KEY);
	body->height = height;
	memcpy(body->hash, h1, L_HASH);
	memcpy(body->sig, s1, L_SIG);
	memcpy(body->hash2, h2, L_HASH);
	memcpy(body->sig2, s2, L_SIG);
	return L_OK;
}
