/*
 * Ed25519 signatures and X25519 key agreement over libsodium;
 * verification is verify.c's.
 */
#include <stdint.h>

#include <sodium/crypto_scalarmult_curve25519.h>
#include <sodium/crypto_sign_ed25519.h>
#include <sodium/utils.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_SIGN_PUBLICKEYBYTES == crypto_sign_ed25519_PUBLICKEYBYTES,
    "public key size");
_Static_assert(NC_SIGN_SECRETKEYBYTES == crypto_sign_ed25519_SECRETKEYBYTES,
    "secret key size");
_Static_assert(NC_SIGN_SEEDBYTES == crypto_sign_ed25519_SEEDBYTES, "seed size");
_Static_assert(NC_SIGN_BYTES == crypto_sign_ed25519_BYTES, "signature size");
_Static_assert(NC_X25519_BYTES == crypto_scalarmult_curve25519_BYTES &&
    NC_X25519_BYTES == crypto_scalarmult_curve25519_SCALARBYTES, "X25519 size");

static const uint8_t empty[1];

int
nc_sign_ed25519_keypair(uint8_t pk[NC_SIGN_PUBLICKEYBYTES],
    uint8_t sk[NC_SIGN_SECRETKEYBYTES])
{
	uint8_t seed[NC_SIGN_SEEDBYTES];
	int r;

	if (pk == NULL || sk == NULL)
		return NC_EINVAL;
	if ((r = nc_random_bytes(seed, sizeof seed)) != NC_OK)
		return r;
	r = nc_sign_ed25519_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof seed);
	return r;
}

int
nc_sign_ed25519_seed_keypair(uint8_t pk[NC_SIGN_PUBLICKEYBYTES],
    uint8_t sk[NC_SIGN_SECRETKEYBYTES], const uint8_t seed[NC_SIGN_SEEDBYTES])
{
	if (pk == NULL || sk == NULL || seed == NULL)
		return NC_EINVAL;
	if (crypto_sign_ed25519_seed_keypair(pk, sk, seed) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}

int
nc_sign_ed25519(uint8_t sig[NC_SIGN_BYTES], const uint8_t *msg, size_t msglen,
    const uint8_t sk[NC_SIGN_SECRETKEYBYTES])
{
	if (sig == NULL || sk == NULL || (msg == NULL && msglen > 0))
		return NC_EINVAL;
	if (crypto_sign_ed25519_detached(sig, NULL, msglen > 0 ? msg : empty,
	    msglen, sk) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}

int
nc_x25519_base(uint8_t pub[NC_X25519_BYTES],
    const uint8_t secret[NC_X25519_BYTES])
{
	if (pub == NULL || secret == NULL)
		return NC_EINVAL;
	if (crypto_scalarmult_curve25519_base(pub, secret) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}

int
nc_x25519(uint8_t shared[NC_X25519_BYTES], const uint8_t secret[NC_X25519_BYTES],
    const uint8_t peer[NC_X25519_BYTES])
{
	if (shared == NULL || secret == NULL || peer == NULL)
		return NC_EINVAL;
	/* libsodium fails exactly when the result is all zero. */
	if (crypto_scalarmult_curve25519(shared, secret, peer) != 0) {
		sodium_memzero(shared, NC_X25519_BYTES);
		return NC_EWEAK;
	}
	return NC_OK;
}
