/* nc_aead_seal / nc_aead_open: XChaCha20-Poly1305 (IETF) over libsodium. */
#include <stdint.h>

#include <sodium/crypto_aead_xchacha20poly1305.h>
#include <sodium/utils.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_AEAD_KEYBYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "key size");
_Static_assert(NC_AEAD_NONCEBYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
    "nonce size");
_Static_assert(NC_AEAD_TAGBYTES == crypto_aead_xchacha20poly1305_ietf_ABYTES,
    "tag size");

/* Stands in for a NULL pointer with a zero length. */
static const uint8_t empty[1];

/* Whether [a, a+alen) and [b, b+blen) share a byte. */
static int
overlap(const void *a, size_t alen, const void *b, size_t blen)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	if (alen == 0 || blen == 0)
		return 0;
	return x < y + blen && y < x + alen;
}

int
nc_aead_seal(uint8_t *out, size_t outcap, const uint8_t *msg, size_t msglen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[NC_AEAD_NONCEBYTES],
    const uint8_t key[NC_AEAD_KEYBYTES])
{
	if (out == NULL || nonce == NULL || key == NULL ||
	    (msg == NULL && msglen > 0) || (ad == NULL && adlen > 0))
		return NC_EINVAL;
	if (msglen > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    outcap < msglen + NC_AEAD_TAGBYTES)
		return NC_EINVAL;
	/* In place (out == msg) is fine; any other overlap is not. */
	if ((out != msg && overlap(out, msglen + NC_AEAD_TAGBYTES, msg, msglen)) ||
	    overlap(out, msglen + NC_AEAD_TAGBYTES, ad, adlen))
		return NC_EINVAL;
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(out, NULL,
	    msglen > 0 ? msg : empty, msglen, adlen > 0 ? ad : empty, adlen,
	    NULL, nonce, key) != 0)
		return NC_EINTERNAL;
	return NC_OK;
}

int
nc_aead_open(uint8_t *out, size_t outcap, const uint8_t *ct, size_t ctlen,
    const uint8_t *ad, size_t adlen, const uint8_t nonce[NC_AEAD_NONCEBYTES],
    const uint8_t key[NC_AEAD_KEYBYTES])
{
	uint8_t spare[1];
	size_t mlen;

	if ((out == NULL && outcap > 0) || ct == NULL || nonce == NULL ||
	    key == NULL || (ad == NULL && adlen > 0))
		return NC_EINVAL;
	/* Too short to hold a tag: not a message we ever sealed. */
	if (ctlen < NC_AEAD_TAGBYTES)
		return NC_EAUTH;
	mlen = ctlen - NC_AEAD_TAGBYTES;
	if (outcap < mlen)
		return NC_EINVAL;
	if ((out != ct && overlap(out, mlen, ct, ctlen)) ||
	    overlap(out, mlen, ad, adlen))
		return NC_EINVAL;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(mlen > 0 ? out : spare,
	    NULL, NULL, ct, ctlen, adlen > 0 ? ad : empty, adlen, nonce,
	    key) != 0) {
		if (mlen > 0)
			sodium_memzero(out, mlen);
		return NC_EAUTH;
	}
	return NC_OK;
}
