/*
 * The vault header (docs/vault-format.md, "Header"): parsing with every
 * length checked, building from a lock, and the header MAC.
 */
#ifndef LIB_VAULT_HEADER_H
#define LIB_VAULT_HEADER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/vault.h"

#define VAULT_MAGIC		"NONOSVLT"
#define VAULT_FIXED_BYTES	16	/* magic .. header length */
/* The smallest possible header: one empty stanza of an unknown type. */
#define VAULT_HEADER_MIN	\
	(VAULT_FIXED_BYTES + VAULT_NONCEBYTES + 1 + 3 + VAULT_MAC_BYTES)
#define VAULT_HEADER_MAX	65536
#define VAULT_MAC_BYTES		32
/* The trailer: the body length, then the signature if any. */
#define VAULT_TRAILER_BYTES	8

/*
 * Checks the first VAULT_FIXED_BYTES (or fewer, if the input is shorter)
 * and returns the header length in *hlen. VAULT_ETRUNC for a short
 * prefix of a vault, VAULT_EMAGIC, VAULT_EVERSION, VAULT_EALG, or
 * VAULT_EHEADER for a length out of bounds.
 */
int vault_header_peek(const uint8_t *buf, size_t len, uint32_t *hlen);

/* Parses a whole header of len bytes (as peeked); no secrets needed. */
int vault_header_parse(struct vault_header *h, const uint8_t *raw, size_t len);

/* The signature trailer's length for h (0 or VAULT_SIG_BYTES). */
size_t vault_sig_len(const struct vault_header *h);

/*
 * Builds a header for file key k and payload nonce: stanzas for every
 * passphrase and recipient in lock, the signer's public key, the MAC.
 * *raw is allocated (free it); compression is VAULT_COMP_*.
 */
int vault_header_make(uint8_t **raw, size_t *len,
    const uint8_t k[VAULT_KEYBYTES], const uint8_t nonce[VAULT_NONCEBYTES],
    uint8_t compression, const struct vault_lock *lock);

/* VAULT_OK if the MAC at the end of raw matches file key k, else EHMAC. */
int vault_header_check_mac(const uint8_t *raw, size_t len,
    const uint8_t k[VAULT_KEYBYTES]);

/* The message an Ed25519 vault signature covers, from the hash. */
#define VAULT_SIGMSG_BYTES	57
void vault_sig_message(
    uint8_t msg[VAULT_SIGMSG_BYTES], const uint8_t digest[32]);

#endif
