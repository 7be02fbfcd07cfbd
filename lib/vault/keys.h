/*
 * Recipient key pairs for hybrid stanzas (X25519 + ML-KEM-1024): key
 * generation and the binary key-file formats of docs/vault-format.md.
 */
#ifndef LIB_VAULT_KEYS_H
#define LIB_VAULT_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/mlkem.h"

#define VAULT_X25519_BYTES	32
/* Key files: magic, X25519 part, ML-KEM part (1608 and 104 bytes). */
#define VAULT_PUBFILE_BYTES	(8 + 32 + MLKEM1024_PUBLICKEYBYTES)
#define VAULT_SECFILE_BYTES	(8 + 32 + MLKEM1024_KEYPAIRSEEDBYTES)

struct vault_pubkey {
	uint8_t x25519[VAULT_X25519_BYTES];
	uint8_t mlkem[MLKEM1024_PUBLICKEYBYTES];
};

/* A secret key and everything derived from it. Wipe with vault_seckey_wipe. */
struct vault_seckey {
	uint8_t x25519[VAULT_X25519_BYTES];
	uint8_t seed[MLKEM1024_KEYPAIRSEEDBYTES];	/* ML-KEM d || z */
	uint8_t mlkem[MLKEM1024_SECRETKEYBYTES];
	struct vault_pubkey pub;
};

/* A fresh key pair from the CSPRNG. VAULT_ECRYPTO without entropy. */
int vault_keygen(struct vault_seckey *sk);
/* The key pair of the given secrets (for key files and tests). */
int vault_seckey_derive(struct vault_seckey *sk,
    const uint8_t x25519[VAULT_X25519_BYTES],
    const uint8_t seed[MLKEM1024_KEYPAIRSEEDBYTES]);
void vault_seckey_wipe(struct vault_seckey *sk);

void vault_pubkey_encode(uint8_t out[VAULT_PUBFILE_BYTES],
    const struct vault_pubkey *pk);
/* VAULT_EKEYFILE unless buf is exactly a public key file. */
int vault_pubkey_parse(struct vault_pubkey *pk, const uint8_t *buf, size_t len);
void vault_seckey_encode(uint8_t out[VAULT_SECFILE_BYTES],
    const struct vault_seckey *sk);
/* VAULT_EKEYFILE unless buf is exactly a secret key file. */
int vault_seckey_parse(struct vault_seckey *sk, const uint8_t *buf, size_t len);

/* A short public fingerprint: BLAKE3 of the public key file, 32 bytes. */
void vault_pubkey_fingerprint(uint8_t out[32], const struct vault_pubkey *pk);

#endif
