/*
 * SHA-256 over libsodium, apart from hashes.c: the UEFI loader measures
 * files with it (lib/manifest) and links this alone, without BLAKE2b.
 */
#include <stdint.h>

#include <sodium/crypto_hash_sha256.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_SHA256_BYTES == crypto_hash_sha256_BYTES, "SHA-256 size");

int
nc_sha256(uint8_t out[NC_SHA256_BYTES], const void *in, size_t inlen)
{
	static const uint8_t empty[1];

	if (out == NULL || (in == NULL && inlen > 0))
		return NC_EINVAL;
	if (crypto_hash_sha256(out, inlen > 0 ? in : empty, inlen) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}
