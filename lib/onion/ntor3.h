/*
 * The ntor v3 handshake (proposal 332, CREATE2 type 3): ntor over
 * curve25519 with SHA3-256 / SHAKE-256, carrying an encrypted message each
 * way. Tor uses the messages to negotiate congestion control (proposal
 * 324 §10). Both sides are here; relays run the server side, we run it
 * only in tests.
 */
#ifndef LIB_ONION_NTOR3_H
#define LIB_ONION_NTOR3_H

#include "lib/onion/onion.h"

#define ONION_HTYPE_NTOR3	3
#define ONION_NTOR3_MSG_MAX	64	/* our client/server messages */
#define ONION_NTOR3_SKIN_MAX	(32 * 4 + ONION_NTOR3_MSG_MAX)

struct onion_ntor3_client {
	uint8_t	x[32], X[32];
	uint8_t	id[ONION_ED_LEN], B[32];
	uint8_t	Bx[32];
	uint8_t	mac[32];	/* msg_mac, bound into AUTH */
};

/*
 * Starts a handshake with the relay whose Ed25519 identity is id and
 * ntor onion key is B, sending message cm (cmlen <= ONION_NTOR3_MSG_MAX)
 * and verification string ver. x: 32 random bytes, or NULL to draw them.
 * Writes the onion skin; returns its length or an error.
 */
int	onion_ntor3_client_start(struct onion_ntor3_client *st,
	    const uint8_t id[ONION_ED_LEN], const uint8_t B[32],
	    const uint8_t *x, const uint8_t *cm, size_t cmlen,
	    const uint8_t *ver, size_t verlen, uint8_t *skin, size_t cap);

/*
 * Checks the reply Y | AUTH | MSG, decrypts the relay's message into sm
 * (*smlen bytes, at most smcap) and derives keylen bytes of keys.
 * ONION_EAUTH if AUTH is wrong. The state is wiped either way.
 */
int	onion_ntor3_client_finish(struct onion_ntor3_client *st,
	    const uint8_t *ver, size_t verlen, const uint8_t *reply,
	    size_t replylen, uint8_t *sm, size_t smcap, size_t *smlen,
	    uint8_t *keys, size_t keylen);

/*
 * The relay's side, for tests: with onion key pair (b, B), identity id
 * and fresh secret y, checks the skin, returns the client's message in
 * cm, answers with sm, and derives the keys. Returns the reply length.
 */
int	onion_ntor3_server(const uint8_t b[32], const uint8_t B[32],
	    const uint8_t id[ONION_ED_LEN], const uint8_t y[32],
	    const uint8_t *ver, size_t verlen, const uint8_t *skin,
	    size_t skinlen, uint8_t *cm, size_t cmcap, size_t *cmlen,
	    const uint8_t *sm, size_t smlen, uint8_t *reply, size_t replycap,
	    uint8_t *keys, size_t keylen);

#endif
