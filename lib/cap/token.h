/*
 * Sealed capability tokens: a capability turned into 80 bytes that can
 * travel through any channel (a file, a pipe, another process) and be
 * turned back into a capability by whoever presents it.
 *
 * Token layout (little-endian): version (1), type (1), rights (2),
 * reserved (4, zero), object id (8), badge (8), expiry tick (8; 0 = never),
 * nonce (8), then a 32-byte BLAKE3 keyed hash of the 48 bytes before it
 * under a per-boot secret key. BLAKE3 in keyed mode is a PRF and so a MAC;
 * nothing here is a new construction.
 *
 * Sealing derives a hidden "anchor" capability from the source and keeps
 * it in the seal table under the token's nonce; unsealing derives from the
 * anchor. Revoking the source deletes the anchor (it is a descendant), so
 * a token presented after a revoke finds no anchor and is refused, and
 * every capability unsealed from it was deleted by the same revoke.
 */
#ifndef LIB_CAP_TOKEN_H
#define LIB_CAP_TOKEN_H

#include <stdint.h>

#include "lib/cap/cap.h"

#define CAP_TOKEN_LEN		80
#define CAP_TOKEN_VERSION	1
#define CAP_TOKEN_KEY_LEN	32

/*
 * A live seal: the anchor it derives from, under its nonce. Records are
 * supplied by the caller of cap_seal (the kernel charges each to the
 * sealing process's quota) and handed back by seal_table_reap once they
 * seal nothing any more, so the table has no size of its own.
 */
struct seal_rec {
	struct cap anchor;	/* empty: revoked, or deleted at expiry */
	uint64_t nonce;
	uint64_t expiry;
	struct seal_rec *next;
};

struct seal_table {
	struct seal_rec *head;
	uint64_t next_nonce;
	uint8_t key[CAP_TOKEN_KEY_LEN];
};

void seal_table_init(struct seal_table *t, const uint8_t key[CAP_TOKEN_KEY_LEN],
    uint64_t first_nonce);

/*
 * Seals src with rights (a subset of src's; src needs RIGHT_GRANT) until
 * tick expiry (0: no expiry) into rec, a zeroed record the caller owns
 * until seal_table_reap returns it. Writes the token to out. On an error
 * rec is not linked and stays the caller's.
 */
int cap_seal(struct seal_table *t, struct seal_rec *rec, struct cap *src,
    uint32_t rights, uint64_t expiry, uint64_t now, uint8_t out[CAP_TOKEN_LEN]);

/*
 * Unlinks every record that seals nothing any more (its anchor was
 * revoked, or its expiry has passed: the anchor is deleted then, and
 * what was unsealed from it lives on) and gives each to release.
 */
void seal_table_reap(struct seal_table *t, uint64_t now, const struct cap_ops *ops,
    void (*release)(void *ctx, struct seal_rec *rec), void *ctx);

/*
 * Checks a token and installs its capability in the empty slot dst.
 * E_FORGED (bad MAC), E_INVAL (unknown version), E_EXPIRED, E_REVOKED,
 * E_BUSY (dst occupied).
 */
int cap_unseal(struct seal_table *t, const uint8_t in[CAP_TOKEN_LEN],
    uint64_t now, struct cap *dst);

/*
 * The checks of cap_unseal without the derive: the anchor a valid token
 * names, for a caller with checks of its own to make (the kernel checks
 * the receiving module's ceiling) before it derives from it.
 */
int cap_unseal_anchor(struct seal_table *t, const uint8_t in[CAP_TOKEN_LEN],
    uint64_t now, struct cap **anchor);

#endif
