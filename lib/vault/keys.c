/*
 * Recipient key pairs: generation from the CSPRNG or from stored seeds, and
 * the fixed-size key files (magic, X25519 part, ML-KEM part).
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/vault/keys.h"
#include "lib/vault/vault.h"

static const char pubmagic[8] = "NVLTPUB1";
static const char secmagic[8] = "NVLTSEC1";

int
vault_seckey_derive(struct vault_seckey *sk,
    const uint8_t x25519[VAULT_X25519_BYTES],
    const uint8_t seed[MLKEM1024_KEYPAIRSEEDBYTES])
{
	if (sk == NULL || x25519 == NULL || seed == NULL)
		return VAULT_EINVAL;
	memcpy(sk->x25519, x25519, sizeof sk->x25519);
	memcpy(sk->seed, seed, sizeof sk->seed);
	if (nc_x25519_base(sk->pub.x25519, sk->x25519) != NC_OK ||
	    mlkem1024_keypair_derand(sk->pub.mlkem, sk->mlkem, sk->seed) !=
	    MLKEM_OK) {
		vault_seckey_wipe(sk);
		return VAULT_ECRYPTO;
	}
	return VAULT_OK;
}

int
vault_keygen(struct vault_seckey *sk)
{
	uint8_t x[VAULT_X25519_BYTES], seed[MLKEM1024_KEYPAIRSEEDBYTES];
	int r;

	if (sk == NULL)
		return VAULT_EINVAL;
	if (nc_random_bytes(x, sizeof x) != NC_OK ||
	    nc_random_bytes(seed, sizeof seed) != NC_OK)
		return VAULT_ECRYPTO;
	r = vault_seckey_derive(sk, x, seed);
	nc_wipe(x, sizeof x);
	nc_wipe(seed, sizeof seed);
	return r;
}

void
vault_seckey_wipe(struct vault_seckey *sk)
{
	if (sk != NULL)
		nc_wipe(sk, sizeof *sk);
}

void
vault_pubkey_encode(uint8_t out[VAULT_PUBFILE_BYTES],
    const struct vault_pubkey *pk)
{
	memcpy(out, pubmagic, 8);
	memcpy(out + 8, pk->x25519, VAULT_X25519_BYTES);
	memcpy(out + 8 + VAULT_X25519_BYTES, pk->mlkem,
	    MLKEM1024_PUBLICKEYBYTES);
}

int
vault_pubkey_parse(struct vault_pubkey *pk, const uint8_t *buf, size_t len)
{
	uint8_t ct[MLKEM1024_CIPHERTEXTBYTES], ss[MLKEM1024_SHAREDBYTES];
	uint8_t m[MLKEM1024_ENCAPSSEEDBYTES] = { 0 };
	int r;

	if (pk == NULL || buf == NULL)
		return VAULT_EINVAL;
	if (len != VAULT_PUBFILE_BYTES || memcmp(buf, pubmagic, 8) != 0)
		return VAULT_EKEYFILE;
	memcpy(pk->x25519, buf + 8, VAULT_X25519_BYTES);
	memcpy(pk->mlkem, buf + 8 + VAULT_X25519_BYTES,
	    MLKEM1024_PUBLICKEYBYTES);
	/* FIPS 203's input check (coefficients below q) runs in encaps. */
	r = mlkem1024_encaps_derand(ct, ss, pk->mlkem, m);
	nc_wipe(ss, sizeof ss);
	return r == MLKEM_OK ? VAULT_OK : VAULT_EKEYFILE;
}

void
vault_seckey_encode(uint8_t out[VAULT_SECFILE_BYTES],
    const struct vault_seckey *sk)
{
	memcpy(out, secmagic, 8);
	memcpy(out + 8, sk->x25519, VAULT_X25519_BYTES);
	memcpy(out + 8 + VAULT_X25519_BYTES, sk->seed,
	    MLKEM1024_KEYPAIRSEEDBYTES);
}

int
vault_seckey_parse(struct vault_seckey *sk, const uint8_t *buf, size_t len)
{
	if (sk == NULL || buf == NULL)
		return VAULT_EINVAL;
	if (len != VAULT_SECFILE_BYTES || memcmp(buf, secmagic, 8) != 0)
		return VAULT_EKEYFILE;
	return vault_seckey_derive(sk, buf + 8, buf + 8 + VAULT_X25519_BYTES);
}

void
vault_pubkey_fingerprint(uint8_t out[32], const struct vault_pubkey *pk)
{
	uint8_t file[VAULT_PUBFILE_BYTES];

	vault_pubkey_encode(file, pk);
	blake3(file, sizeof file, out);
}
