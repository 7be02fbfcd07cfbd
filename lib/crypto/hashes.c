/*
 * BLAKE2b, SHA-512, incremental SHA-256 and HMAC-SHA256 over libsodium
 * (one-shot SHA-256 is in sha256.c, which the loader links alone).
 */
#include <stdint.h>

#include <sodium/crypto_auth_hmacsha256.h>
#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_hash_sha256.h>
#include <sodium/crypto_hash_sha512.h>
#include <sodium/utils.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_SHA512_BYTES == crypto_hash_sha512_BYTES, "SHA-512 size");
_Static_assert(NC_BLAKE2B_OUT_MAX == crypto_generichash_blake2b_BYTES_MAX &&
    NC_BLAKE2B_KEY_MAX == crypto_generichash_blake2b_KEYBYTES_MAX,
    "BLAKE2b sizes");
_Static_assert(NC_HMAC_SHA256_BYTES == crypto_auth_hmacsha256_BYTES,
    "HMAC-SHA256 size");

/*
 * Our states hold libsodium's in a uint64_t array, so that crypto.h needs
 * no libsodium header. Only libsodium reads or writes that storage, through
 * its own type; the size and alignment must fit.
 */
_Static_assert(sizeof ((struct nc_sha256_state *)0)->opaque ==
    sizeof(crypto_hash_sha256_state) &&
    _Alignof(crypto_hash_sha256_state) <= _Alignof(uint64_t),
    "SHA-256 state");
_Static_assert(sizeof ((struct nc_hmac_sha256_state *)0)->opaque ==
    sizeof(crypto_auth_hmacsha256_state) &&
    _Alignof(crypto_auth_hmacsha256_state) <= _Alignof(uint64_t),
    "HMAC-SHA256 state");

#define SHA256_STATE(st)	((crypto_hash_sha256_state *)(void *)(st)->opaque)
#define HMAC_STATE(st)	((crypto_auth_hmacsha256_state *)(void *)(st)->opaque)

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

/* The two kinds of incremental state, for the steps they share. */
enum inc_kind { INC_SHA256, INC_HMAC };

/* libsodium's update (out NULL) or final on s; 0 or -1, as libsodium. */
static int
inc_step(enum inc_kind k, void *s, const uint8_t *in, size_t inlen,
    uint8_t *out)
{
	if (k == INC_SHA256)
		return out == NULL ? crypto_hash_sha256_update(s, in, inlen) :
		    crypto_hash_sha256_final(s, out);
	return out == NULL ? crypto_auth_hmacsha256_update(s, in, inlen) :
	    crypto_auth_hmacsha256_final(s, out);
}

/* An update; a failure is remembered in *failed. */
static int
inc_update(enum inc_kind k, void *s, int *failed, const void *in,
    size_t inlen)
{
	if (*failed)
		return NC_EINVAL;
	if (in == NULL && inlen > 0) {
		*failed = 1;
		return NC_EINVAL;
	}
	if (inc_step(k, s, inlen > 0 ? in : empty, inlen, NULL) != 0) {
		*failed = 1;
		return NC_EINTERNAL;
	}
	return NC_OK;
}

/* The final step, unless an earlier one failed; wipes all n bytes at st. */
static int
inc_final(enum inc_kind k, void *st, size_t n, void *s, int failed,
    uint8_t *out)
{
	int r = NC_OK;

	if (out == NULL || failed)
		r = NC_EINVAL;
	else if (inc_step(k, s, NULL, 0, out) != 0)
		r = NC_EINTERNAL;
	sodium_memzero(st, n);
	return r;
}

int
nc_sha256_init(struct nc_sha256_state *st)
{
	if (st == NULL)
		return NC_EINVAL;
	st->failed = crypto_hash_sha256_init(SHA256_STATE(st)) != 0;
	return st->failed ? NC_EINTERNAL : NC_OK;
}

int
nc_sha256_update(struct nc_sha256_state *st, const void *in, size_t inlen)
{
	return st == NULL ? NC_EINVAL :
	    inc_update(INC_SHA256, SHA256_STATE(st), &st->failed, in, inlen);
}

int
nc_sha256_final(struct nc_sha256_state *st, uint8_t out[NC_SHA256_BYTES])
{
	return st == NULL ? NC_EINVAL : inc_final(INC_SHA256, st, sizeof *st,
	    SHA256_STATE(st), st->failed, out);
}

int
nc_hmac_sha256_init(struct nc_hmac_sha256_state *st, const void *key,
    size_t keylen)
{
	if (st == NULL)
		return NC_EINVAL;
	st->failed = 1;
	if (key == NULL && keylen > 0)
		return NC_EINVAL;
	if (crypto_auth_hmacsha256_init(HMAC_STATE(st),
	    keylen > 0 ? key : empty, keylen) != 0)
		return NC_EINTERNAL;
	st->failed = 0;
	return NC_OK;
}

int
nc_hmac_sha256_update(struct nc_hmac_sha256_state *st, const void *in,
    size_t inlen)
{
	return st == NULL ? NC_EINVAL :
	    inc_update(INC_HMAC, HMAC_STATE(st), &st->failed, in, inlen);
}

int
nc_hmac_sha256_final(struct nc_hmac_sha256_state *st,
    uint8_t out[NC_HMAC_SHA256_BYTES])
{
	return st == NULL ? NC_EINVAL : inc_final(INC_HMAC, st, sizeof *st,
	    HMAC_STATE(st), st->failed, out);
}

int
nc_hmac_sha256(uint8_t out[NC_HMAC_SHA256_BYTES], const void *key,
    size_t keylen, const void *in, size_t inlen)
{
	struct nc_hmac_sha256_state st;

	if (out == NULL)
		return NC_EINVAL;
	(void)nc_hmac_sha256_init(&st, key, keylen);
	(void)nc_hmac_sha256_update(&st, in, inlen);
	return nc_hmac_sha256_final(&st, out);
}
