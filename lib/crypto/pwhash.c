/* nc_pwhash_argon2id: Argon2id over libsodium, within our policy bounds. */
#include <stdint.h>

#include <sodium/crypto_pwhash_argon2id.h>
#include <sodium/utils.h>

#include "lib/crypto/crypto.h"

_Static_assert(NC_PWHASH_SALTBYTES == crypto_pwhash_argon2id_SALTBYTES,
    "salt size");
/* The policy must sit inside what libsodium accepts. */
_Static_assert(NC_PWHASH_OUT_MIN >= crypto_pwhash_argon2id_BYTES_MIN &&
    NC_PWHASH_OUT_MAX <= crypto_pwhash_argon2id_BYTES_MAX, "outlen bounds");
_Static_assert(NC_PWHASH_PASS_MAX <= crypto_pwhash_argon2id_PASSWD_MAX,
    "passlen bound");
_Static_assert(NC_PWHASH_OPS_MIN >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
    NC_PWHASH_OPS_MAX <= crypto_pwhash_argon2id_OPSLIMIT_MAX, "ops bounds");
_Static_assert(NC_PWHASH_MEM_MIN >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
    NC_PWHASH_MEM_MAX <= crypto_pwhash_argon2id_MEMLIMIT_MAX, "mem bounds");

static const uint8_t empty[1];

int
nc_pwhash_argon2id(uint8_t *out, size_t outlen, const void *pass,
    size_t passlen, const uint8_t salt[NC_PWHASH_SALTBYTES], uint64_t opslimit,
    size_t memlimit)
{
	if (out == NULL || salt == NULL || (pass == NULL && passlen > 0))
		return NC_EINVAL;
	if (outlen < NC_PWHASH_OUT_MIN || outlen > NC_PWHASH_OUT_MAX ||
	    passlen > NC_PWHASH_PASS_MAX)
		return NC_EINVAL;
	if (opslimit < NC_PWHASH_OPS_MIN || opslimit > NC_PWHASH_OPS_MAX ||
	    memlimit < NC_PWHASH_MEM_MIN || memlimit > NC_PWHASH_MEM_MAX)
		return NC_ELIMIT;
	/* libsodium would silently round down to whole KiB blocks. */
	if (memlimit % 1024 != 0)
		return NC_EINVAL;
	/* Every parameter is valid now: only the allocation can fail. */
	if (crypto_pwhash_argon2id(out, outlen,
	    passlen > 0 ? (const char *)pass : (const char *)empty, passlen,
	    salt, opslimit, memlimit, crypto_pwhash_argon2id_ALG_ARGON2ID13) != 0) {
		sodium_memzero(out, outlen);
		return NC_ENOMEM;
	}
	return NC_OK;
}
