/*
 * Recipient stanzas (docs/vault-format.md, "Stanzas"): each wraps the file
 * key under a one-time wrap key, from a passphrase (Argon2id) or from a
 * hybrid X25519 + ML-KEM-1024 encapsulation. A stanza here is its whole
 * encoding: type (1) || length (2) || body.
 */
#ifndef LIB_VAULT_STANZA_H
#define LIB_VAULT_STANZA_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/vault.h"

#define VAULT_STANZA_HEAD	3
#define VAULT_WRAPPED_BYTES	48	/* file key || tag */
/* Body lengths: 73, 1648 and 8 bytes. */
#define VAULT_PASS_BODY		(16 + 4 + 4 + 1 + VAULT_WRAPPED_BYTES)
#define VAULT_HYBRID_BODY	\
	(32 + MLKEM1024_CIPHERTEXTBYTES + VAULT_WRAPPED_BYTES)
#define VAULT_GENERATION_BODY	8	/* big-endian, >= 1 */

/* Checks a passphrase stanza body's Argon2id parameters: VAULT_EKDF. */
int vault_stanza_pass_params(const uint8_t body[VAULT_PASS_BODY], uint32_t *t,
    uint32_t *m);

int vault_stanza_pass_wrap(uint8_t out[VAULT_STANZA_HEAD + VAULT_PASS_BODY],
    const uint8_t k[VAULT_KEYBYTES], const void *pass, size_t passlen,
    uint32_t t, uint32_t m);
/* VAULT_EPASS if the passphrase does not open the stanza. */
int vault_stanza_pass_unwrap(uint8_t k[VAULT_KEYBYTES], const uint8_t *stanza,
    const void *pass, size_t passlen);

int vault_stanza_hybrid_wrap(uint8_t out[VAULT_STANZA_HEAD + VAULT_HYBRID_BODY],
    const uint8_t k[VAULT_KEYBYTES], const struct vault_pubkey *pk);
/* VAULT_ENOKEY if the stanza is not for this key. */
int vault_stanza_hybrid_unwrap(uint8_t k[VAULT_KEYBYTES], const uint8_t *stanza,
    const struct vault_seckey *sk);

/*
 * Finds the file key with what u offers: the identity against every hybrid
 * stanza, then the passphrase. Errors: VAULT_ENOPASS, VAULT_EPASS,
 * VAULT_ENOKEY (the passphrase's error wins when both were tried).
 */
int vault_unlock_key(uint8_t k[VAULT_KEYBYTES], const struct vault_header *h,
    const uint8_t *raw, const struct vault_unlock *u);

#endif
