/*
 * The randomness glue between libsodium and the platform (ours, not
 * libsodium's). libsodium's randombytes_*() draw from
 * nonos_randombytes_implementation: a ChaCha20 fast-key-erasure generator
 * seeded, and reseeded every NONOS_RANDOM_RESEED_BYTES of output, from the
 * platform's entropy hook below. mk/sodium.mk builds it into libsodium.a and
 * makes it libsodium's default implementation, so no call order matters.
 *
 * Locking is a spin lock: do not draw random bytes from an interrupt
 * handler that may have interrupted a draw on the same CPU.
 */
#ifndef LIB_CRYPTO_PORT_NONOS_RANDOM_H
#define LIB_CRYPTO_PORT_NONOS_RANDOM_H

#include <stddef.h>
#include <sodium/randombytes.h>

#include "lib/crypto/port/platform_random.h"

#define NONOS_RANDOM_RESEED_BYTES (1u << 20)

extern randombytes_implementation nonos_randombytes_implementation;

/*
 * Seeds the generator now if it is not seeded. Returns 0 once seeded, or
 * a negative value if the platform gave no entropy. A draw from an
 * unseeded generator whose platform fails aborts: it never returns
 * predictable bytes.
 */
int nonos_random_seed(void);

#endif
