/*
 * A deterministic random generator with fast key erasure (Bernstein,
 * "Fast-key-erasure random-number generators", 2017), on BLAKE3 in keyed
 * mode as the extendable-output function: each draw reads 32 + n bytes
 * of the keystream under the current key, keeps the first 32 as the next
 * key and returns the rest, so the state never reveals earlier output.
 * Used by the kernel (SYS_RANDOM) and by netd's lwIP port.
 */
#ifndef LIB_CRYPTO_FKRNG_H
#define LIB_CRYPTO_FKRNG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/blake3.h"

#define FKRNG_BLOCK	64	/* output bytes per keystream read */

struct fkrng {
	uint8_t key[BLAKE3_KEY_LEN];
};

/* The key is BLAKE3's derive_key(context, seed). */
void fkrng_init(struct fkrng *g, const char *context, const void *seed, size_t len);
/* Folds more entropy into the key: key = derive_key(context, key || data). */
void fkrng_mix(struct fkrng *g, const char *context, const void *data, size_t len);
void fkrng_bytes(struct fkrng *g, void *out, size_t n);

#endif
