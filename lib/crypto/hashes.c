/* BLAKE2b and SHA-512 over libsodium (SHA-256 is in sha256.c). */
#include <stdint.h>

#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_hash_sha512.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_SHA512_BYTES == crypto_hash_sha512_BYTES, "SHA-512 size");
_Static_assert(NC_BLAKE2B_OUT_MAX == crypto_generichash_blake2b_BYTES_MAX &&
    NC_BLAKE2B_KEY_MAX == crypto_generichash_blake2b_KEYBYTES_MAX,
    "BLAKE2b sizes");

static const uint8_t empty[1];

int
nc_blake2b(uint8_t *out, size_t outlen, const uint8_t *key, size_t keylen,
    const void *in, size_t inlen)
{
	if (out == NULL || (key == NULL && keylen > 0) ||
	    (in == NULL && inlen > 0))
		return NC_EINVAL;
	if (outlen < 1 || outlen > NC_BLAKE2B_OUT_MAX ||
	    keylen > NC_BLAKE2B_KEY_MAX)
		return NC_EINVAL;
	/* The one-shot call takes the whole RFC 7693 range (1..64 bytes). */
	if (crypto_generichash_blake2b(out, outlen, inlen > 0 ? in : empty,
	    inlen, keylen > 0 ? key : NULL, keylen) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}

int
nc_sha512(uint8_t out[NC_SHA512_BYTES], const void *in, size_t inlen)
{
	if (out == NULL || (in == NULL && inlen > 0))
		return NC_EINVAL;
	if (crypto_hash_sha512(out, inlen > 0 ? in : empty, inlen) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}
