/*
 * libsodium's random source for NØNOS: a fast-key-erasure generator over
 * ChaCha20 (the scheme of libsodium's own internal generator and of
 * OpenBSD's arc4random), seeded from nonos_platform_random().
 *
 * Each draw takes its output from the keystream of the current key, from
 * block 1 on, and replaces the key by the first half of block 0, so a key
 * that has produced output is never kept: a later compromise of the state
 * reveals nothing of what was drawn before. Fresh platform entropy is
 * hashed into the key at the first draw, every NONOS_RANDOM_RESEED_BYTES
 * of output, on randombytes_stir(), and (host) after a fork.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <sodium/core.h>
#include <sodium/crypto_generichash_blake2b.h>
#include <sodium/crypto_stream_chacha20.h>
#include <sodium/utils.h>

#include "lib/crypto/port/nonos_random.h"

#ifdef NONOS_HOST
#include <unistd.h>
#endif

#define KEY_BYTES	crypto_stream_chacha20_ietf_KEYBYTES
/* Output per key, so the 32-bit block counter can never wrap. */
#define CHUNK_BYTES	(64u * 1024u)

static struct {
	uint8_t key[KEY_BYTES];
	size_t since_reseed;	/* bytes drawn since the last reseed */
	int seeded;
#ifdef NONOS_HOST
	pid_t pid;		/* the process that last reseeded */
#endif
} st;

static atomic_flag lock = ATOMIC_FLAG_INIT;

static void
lock_take(void)
{
	while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
		;
}

static void
lock_give(void)
{
	atomic_flag_clear_explicit(&lock, memory_order_release);
}

/* key = BLAKE2b-256(fresh entropy, keyed with the old key if seeded). */
static int
reseed(void)
{
	uint8_t fresh[32];

	if (nonos_platform_random(fresh, sizeof fresh) != 0)
		return -1;
	crypto_generichash_blake2b(st.key, sizeof st.key, fresh, sizeof fresh,
	    st.seeded ? st.key : NULL, st.seeded ? sizeof st.key : 0);
	sodium_memzero(fresh, sizeof fresh);
	st.seeded = 1;
	st.since_reseed = 0;
#ifdef NONOS_HOST
	st.pid = getpid();
#endif
	return 0;
}

static int
reseed_due(void)
{
	if (!st.seeded || st.since_reseed >= NONOS_RANDOM_RESEED_BYTES)
		return 1;
#ifdef NONOS_HOST
	if (st.pid != getpid())
		return 1;
#endif
	return 0;
}

static void
generate(uint8_t *out, size_t len)
{
	static const uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES];
	uint8_t block0[64];

	while (len > 0) {
		size_t n = len < CHUNK_BYTES ? len : CHUNK_BYTES;

		memset(out, 0, n);
		crypto_stream_chacha20_ietf_xor_ic(out, out, n, nonce, 1, st.key);
		crypto_stream_chacha20_ietf(block0, sizeof block0, nonce, st.key);
		memcpy(st.key, block0, sizeof st.key);
		sodium_memzero(block0, sizeof block0);
		out += n;
		len -= n;
		st.since_reseed += n;
	}
}

static void
nonos_buf(void *const buf, const size_t len)
{
	lock_take();
	if (reseed_due() && reseed() != 0 && !st.seeded) {
		/* Never hand out bytes from an unseeded generator. */
		lock_give();
		sodium_misuse();
	}
	/* A failed reseed of a seeded generator keeps the (secure) old key. */
	generate(buf, len);
	lock_give();
}

static uint32_t
nonos_random(void)
{
	uint32_t r;

	nonos_buf(&r, sizeof r);
	return r;
}

static void
nonos_stir(void)
{
	lock_take();
	(void)reseed();
	lock_give();
}

static int
nonos_close(void)
{
	lock_take();
	sodium_memzero(&st, sizeof st);
	lock_give();
	return 0;
}

static const char *
nonos_name(void)
{
	return "nonos-chacha20-fke";
}

int
nonos_random_seed(void)
{
	int r = 0;

	lock_take();
	if (!st.seeded)
		r = reseed();
	lock_give();
	return r;
}

randombytes_implementation nonos_randombytes_implementation = {
	.implementation_name = nonos_name,
	.random = nonos_random,
	.stir = nonos_stir,
	.uniform = NULL,	/* libsodium derives it from .random */
	.buf = nonos_buf,
	.close = nonos_close,
};
