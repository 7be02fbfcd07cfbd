/*
 * NØNOS cryptography: one small, uniform API over libsodium (built from
 * Debian's source package by mk/sodium.mk, for the host and the kernel).
 *
 * Names: every function and constant here starts with nc_ / NC_ ("NØNOS
 * crypto"). libsodium owns crypto_*, sodium_* and randombytes_*, and its
 * internals use plain names like blake2b(), so ours never take those.
 *
 * Results: every function returns NC_OK (0) or one of the negative NC_E*
 * codes below; none aborts on bad input. Lengths are checked before any
 * work, and an output is written only when the call succeeds, except that
 * a failed nc_aead_open() wipes its output buffer.
 *
 * Constant time: nc_aead_open, nc_verify_ed25519 and nc_ct_equal compare
 * in constant time; nothing branches on secret data.
 *
 * Randomness: nc_random_bytes() and the key generators draw from a
 * ChaCha20 generator seeded from the platform's nonos_platform_random()
 * (lib/crypto/port/nonos_random.h): getrandom(2) on the host; the kernel
 * must define it. nc_init() seeds it and fails if there is no entropy.
 *
 * Freestanding use needs, besides libsodium.a: malloc, calloc, free, abort,
 * errno, memcpy, memmove, memset, memcmp, strlen, strncmp and
 * nonos_platform_random (see lib/crypto/shim/README). Only
 * nc_pwhash_argon2id allocates.
 */
#ifndef LIB_CRYPTO_CRYPTO_H
#define LIB_CRYPTO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define NC_OK		0
#define NC_EINVAL	(-1)	/* NULL pointer, bad length, overlapping buffers */
#define NC_EAUTH	(-2)	/* forged or damaged data; values differ */
#define NC_ELIMIT	(-3)	/* a cost parameter outside the policy bounds */
#define NC_ENOMEM	(-4)	/* allocation failed */
#define NC_EWEAK	(-5)	/* X25519 result is all zero (low-order point) */
#define NC_EENTROPY	(-6)	/* the platform gave no entropy */
#define NC_EINTERNAL	(-7)	/* libsodium failed where it cannot */

#define NC_WARN_UNUSED __attribute__((warn_unused_result))

/* A short name for an error code, for logs ("EAUTH"); never NULL. */
const char *nc_strerror(int err);

/*
 * Initialises libsodium and seeds the random generator. Idempotent and
 * thread-safe; call it once at start-up. Returns NC_EENTROPY if the
 * platform has no entropy. Functions that need randomness call it
 * themselves; the others work without it.
 */
int nc_init(void) NC_WARN_UNUSED;

/* --- Random bytes, comparison, wiping ------------------------------------ */

/* Fills buf with len bytes from the CSPRNG. */
int nc_random_bytes(void *buf, size_t len) NC_WARN_UNUSED;

/*
 * Compares n bytes of a and b in time that depends on n only. Returns NC_OK
 * if they are equal, NC_EAUTH if not (so `if (nc_ct_equal(...) != 0)` means
 * "differ"). n == 0 compares equal.
 */
int nc_ct_equal(const void *a, const void *b, size_t n) NC_WARN_UNUSED;

/* Zeroes n bytes at p with stores the compiler cannot remove. */
int nc_wipe(void *p, size_t n);

/* --- AEAD: XChaCha20-Poly1305 (IETF variant) ------------------------------
 * Sealed form: ciphertext (msglen bytes) followed by the 16-byte tag. The
 * 24-byte nonce is large enough to be chosen at random for every message.
 * out may be exactly msg (in place) but must not overlap it otherwise;
 * ad may be NULL when adlen is 0, msg when msglen is 0.
 */
#define NC_AEAD_KEYBYTES	32
#define NC_AEAD_NONCEBYTES	24
#define NC_AEAD_TAGBYTES	16

/* Writes msglen + NC_AEAD_TAGBYTES bytes; outcap is the room at out. */
int nc_aead_seal(uint8_t *out, size_t outcap, const uint8_t *msg,
    size_t msglen, const uint8_t *ad, size_t adlen,
    const uint8_t nonce[NC_AEAD_NONCEBYTES],
    const uint8_t key[NC_AEAD_KEYBYTES]) NC_WARN_UNUSED;

/*
 * Checks the tag and writes ctlen - NC_AEAD_TAGBYTES bytes of plaintext.
 * NC_EAUTH if the ciphertext, tag, ad, nonce or key is wrong; the output
 * is then wiped (outcap bytes at most, only what would have been written).
 */
int nc_aead_open(uint8_t *out, size_t outcap, const uint8_t *ct,
    size_t ctlen, const uint8_t *ad, size_t adlen,
    const uint8_t nonce[NC_AEAD_NONCEBYTES],
    const uint8_t key[NC_AEAD_KEYBYTES]) NC_WARN_UNUSED;

/* --- Password hashing: Argon2id v1.3, one lane (libsodium's) -------------
 * Our policy bounds, checked before libsodium's (NC_ELIMIT outside them):
 * 1 <= opslimit <= 16 passes, 8 KiB <= memlimit <= 1 GiB, memlimit a
 * multiple of 1 KiB (NC_EINVAL otherwise), 16 <= outlen <= 1024, passlen
 * <= 4096. memlimit is in bytes, as in libsodium. The NC_PWHASH_*_DEFAULT
 * pair is RFC 9106's second recommended option (t=3, 64 MiB).
 */
#define NC_PWHASH_SALTBYTES	16
#define NC_PWHASH_OUT_MIN	16
#define NC_PWHASH_OUT_MAX	1024
#define NC_PWHASH_PASS_MAX	4096
#define NC_PWHASH_OPS_MIN	1
#define NC_PWHASH_OPS_MAX	16
#define NC_PWHASH_MEM_MIN	((size_t)8 << 10)
#define NC_PWHASH_MEM_MAX	((size_t)1 << 30)
#define NC_PWHASH_OPS_DEFAULT	3
#define NC_PWHASH_MEM_DEFAULT	((size_t)64 << 20)

/* NC_ENOMEM if the memlimit bytes cannot be allocated. */
int nc_pwhash_argon2id(uint8_t *out, size_t outlen, const void *pass,
    size_t passlen, const uint8_t salt[NC_PWHASH_SALTBYTES],
    uint64_t opslimit, size_t memlimit) NC_WARN_UNUSED;

/* --- Signatures: Ed25519 (RFC 8032, pure, detached) -----------------------
 * The secret key is libsodium's 64 bytes: the 32-byte seed, then the public
 * key. Verification rejects non-canonical encodings and small-order keys.
 */
#define NC_SIGN_PUBLICKEYBYTES	32
#define NC_SIGN_SECRETKEYBYTES	64
#define NC_SIGN_SEEDBYTES	32
#define NC_SIGN_BYTES		64

int nc_sign_ed25519_keypair(uint8_t pk[NC_SIGN_PUBLICKEYBYTES],
    uint8_t sk[NC_SIGN_SECRETKEYBYTES]) NC_WARN_UNUSED;
int nc_sign_ed25519_seed_keypair(uint8_t pk[NC_SIGN_PUBLICKEYBYTES],
    uint8_t sk[NC_SIGN_SECRETKEYBYTES],
    const uint8_t seed[NC_SIGN_SEEDBYTES]) NC_WARN_UNUSED;
int nc_sign_ed25519(uint8_t sig[NC_SIGN_BYTES], const uint8_t *msg,
    size_t msglen, const uint8_t sk[NC_SIGN_SECRETKEYBYTES]) NC_WARN_UNUSED;
/* NC_OK for a valid signature, NC_EAUTH otherwise. */
int nc_verify_ed25519(const uint8_t sig[NC_SIGN_BYTES], const uint8_t *msg,
    size_t msglen, const uint8_t pk[NC_SIGN_PUBLICKEYBYTES]) NC_WARN_UNUSED;

/* --- Key agreement: X25519 (RFC 7748) ------------------------------------- */
#define NC_X25519_BYTES		32

/* pub = X25519(secret, 9): the public key of a 32-byte random secret. */
int nc_x25519_base(uint8_t pub[NC_X25519_BYTES],
    const uint8_t secret[NC_X25519_BYTES]) NC_WARN_UNUSED;
/*
 * shared = X25519(secret, peer). NC_EWEAK (shared wiped) if the result is
 * all zero, as a low-order peer key gives; hash shared before using it.
 */
int nc_x25519(uint8_t shared[NC_X25519_BYTES],
    const uint8_t secret[NC_X25519_BYTES],
    const uint8_t peer[NC_X25519_BYTES]) NC_WARN_UNUSED;

/* --- Hashes ----------------------------------------------------------------- */
#define NC_BLAKE2B_OUT_MAX	64
#define NC_BLAKE2B_KEY_MAX	64
#define NC_SHA256_BYTES		32
#define NC_SHA512_BYTES		64

/*
 * BLAKE2b (RFC 7693): 1 <= outlen <= 64, 0 <= keylen <= 64 (key may be
 * NULL when keylen is 0; keylen 0 is the unkeyed hash).
 */
int nc_blake2b(uint8_t *out, size_t outlen, const uint8_t *key,
    size_t keylen, const void *in, size_t inlen) NC_WARN_UNUSED;
int nc_sha256(uint8_t out[NC_SHA256_BYTES], const void *in,
    size_t inlen) NC_WARN_UNUSED;
int nc_sha512(uint8_t out[NC_SHA512_BYTES], const void *in,
    size_t inlen) NC_WARN_UNUSED;

/* --- Incremental SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) ----------
 * A state is plain data holding libsodium's: assigning one state to another
 * forks the computation (an HKDF keys one HMAC and copies it per block).
 * init and update fail only on a NULL pointer (in may be NULL when inlen is
 * 0); a failed update is remembered and makes final fail, so a caller may
 * check final alone. final writes the 32-byte result and wipes the state,
 * on success or not; init it again to reuse it. An HMAC key longer than 64
 * bytes is hashed first, as RFC 2104 says; key may be NULL when keylen is 0.
 */
#define NC_HMAC_SHA256_BYTES	32

struct nc_sha256_state {
	uint64_t	opaque[13];	/* crypto_hash_sha256_state */
	int		failed;
};

struct nc_hmac_sha256_state {
	uint64_t	opaque[26];	/* crypto_auth_hmacsha256_state */
	int		failed;
};

int nc_sha256_init(struct nc_sha256_state *st);
int nc_sha256_update(struct nc_sha256_state *st, const void *in,
    size_t inlen);
int nc_sha256_final(struct nc_sha256_state *st,
    uint8_t out[NC_SHA256_BYTES]) NC_WARN_UNUSED;

int nc_hmac_sha256_init(struct nc_hmac_sha256_state *st, const void *key,
    size_t keylen);
int nc_hmac_sha256_update(struct nc_hmac_sha256_state *st, const void *in,
    size_t inlen);
int nc_hmac_sha256_final(struct nc_hmac_sha256_state *st,
    uint8_t out[NC_HMAC_SHA256_BYTES]) NC_WARN_UNUSED;
/* The three steps in one call. */
int nc_hmac_sha256(uint8_t out[NC_HMAC_SHA256_BYTES], const void *key,
    size_t keylen, const void *in, size_t inlen) NC_WARN_UNUSED;

#endif
