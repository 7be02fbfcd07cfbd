/*
 * Ed25519 signature verification over libsodium, apart from sign.c: the
 * UEFI loader links this alone, without key generation's random numbers
 * or X25519.
 */
#include <stdint.h>

#include <sodium/crypto_sign_ed25519.h>

#include "lib/crypto/crypto.h"

int
nc_verify_ed25519(const uint8_t sig[NC_SIGN_BYTES], const uint8_t *msg,
    size_t msglen, const uint8_t pk[NC_SIGN_PUBLICKEYBYTES])
{
	static const uint8_t empty[1];

	if (sig == NULL || pk == NULL || (msg == NULL && msglen > 0))
		return NC_EINVAL;
	if (crypto_sign_ed25519_verify_detached(sig, msglen > 0 ? msg : empty,
	    msglen, pk) != 0)
		return NC_EAUTH;
	return NC_OK;
}
