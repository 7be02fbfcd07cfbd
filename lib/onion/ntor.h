/*
 * The ntor handshake (tor-spec §5.1.4) over curve25519 and HMAC-SHA256,
 * and the RFC 5869 key expansion (§5.2.2) that turns its KEY_SEED into
 * relay-cell keys. Both sides are here; relays run the server side, we
 * run it only in tests.
 */
#ifndef LIB_ONION_NTOR_H
#define LIB_ONION_NTOR_H

#include "lib/onion/cell.h"

/* Df | Db | Kf | Kb, the key material a circuit hop needs. */
#define ONION_HOP_KEYS		(20 + 20 + 16 + 16)

struct onion_ntor_client {
	uint8_t	x[32];		/* our ephemeral secret */
	uint8_t	X[32];
	uint8_t	id[ONION_ID_LEN];
	uint8_t	B[ONION_KEY_LEN];
};

/*
 * HKDF-SHA256 expand step with prk as the key (Tor's KDF-RFC5869).
 * Returns ONION_OK, or ONION_ECRYPTO with out wiped.
 */
int	onion_hkdf_expand(const uint8_t prk[32], const void *info,
	    size_t infolen, uint8_t *out, size_t outlen);

/*
 * Starts a handshake with the relay whose identity digest is id and
 * ntor onion key is B. x is 32 random bytes (NULL: drawn here). Writes
 * the 84-byte onion skin for CREATE2/EXTEND2.
 */
int	onion_ntor_client_start(struct onion_ntor_client *st,
	    const uint8_t id[ONION_ID_LEN], const uint8_t B[ONION_KEY_LEN],
	    const uint8_t *x, uint8_t skin[ONION_NTOR_ONIONSKIN]);

/*
 * Checks the relay's reply Y | AUTH and derives keylen bytes of key
 * material. ONION_EAUTH if AUTH is wrong or a DH result is zero. The
 * state is wiped either way.
 */
int	onion_ntor_client_finish(struct onion_ntor_client *st,
	    const uint8_t reply[ONION_NTOR_REPLY], uint8_t *keys,
	    size_t keylen);

/*
 * The relay's side: with onion key pair (b, B), identity id and fresh
 * secret y, answers skin and derives the same keys. ONION_EIDENTITY if
 * the skin names another relay or key.
 */
int	onion_ntor_server(const uint8_t b[32], const uint8_t B[32],
	    const uint8_t id[ONION_ID_LEN], const uint8_t y[32],
	    const uint8_t skin[ONION_NTOR_ONIONSKIN],
	    uint8_t reply[ONION_NTOR_REPLY], uint8_t *keys, size_t keylen);

#endif
