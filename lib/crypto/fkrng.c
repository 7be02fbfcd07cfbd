/* The fast-key-erasure generator (fkrng.h). */
#include "lib/crypto/fkrng.h"

#include "lib/libc/string.h"

void
fkrng_init(struct fkrng *g, const char *context, const void *seed, size_t len)
{
	struct blake3 h;

	blake3_init_derive_key(&h, context);
	blake3_update(&h, seed, len);
	blake3_final(&h, g->key, sizeof(g->key));
	explicit_bzero(&h, sizeof(h));
}

void
fkrng_mix(struct fkrng *g, const char *context, const void *data, size_t len)
{
	struct blake3 h;

	blake3_init_derive_key(&h, context);
	blake3_update(&h, g->key, sizeof(g->key));
	blake3_update(&h, data, len);
	blake3_final(&h, g->key, sizeof(g->key));
	explicit_bzero(&h, sizeof(h));
}

void
fkrng_bytes(struct fkrng *g, void *out, size_t n)
{
	uint8_t block[BLAKE3_KEY_LEN + FKRNG_BLOCK];
	uint8_t *p = out;
	struct blake3 h;

	while (n > 0) {
		size_t take = n < FKRNG_BLOCK ? n : FKRNG_BLOCK;

		blake3_init_keyed(&h, g->key);
		blake3_final(&h, block, sizeof(block));
		memcpy(g->key, block, BLAKE3_KEY_LEN);
		memcpy(p, block + BLAKE3_KEY_LEN, take);
		p += take;
		n -= take;
	}
	explicit_bzero(block, sizeof(block));
	explicit_bzero(&h, sizeof(h));
}
