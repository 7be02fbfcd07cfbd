/*
 * SHA-3 and SHAKE (FIPS 202) on the Keccak-f[1600] permutation: one-shot
 * and incremental hashing, and extendable output read in any chunk sizes.
 */
#ifndef LIB_CRYPTO_SHA3_H
#define LIB_CRYPTO_SHA3_H

#include <stddef.h>
#include <stdint.h>

/* Rates (bytes absorbed per permutation) are 200 minus twice the security. */
#define SHA3_256_RATE	136
#define SHA3_512_RATE	72
#define SHAKE128_RATE	168
#define SHAKE256_RATE	136

#define SHA3_256_BYTES	32
#define SHA3_512_BYTES	64

/*
 * One sponge. Callers treat the fields as opaque. Absorbing after the
 * first output has been read is ignored: the sponge cannot go back.
 */
struct sha3_ctx {
	uint64_t	st[25];		/* lane (x, y) at st[x + 5 * y] */
	uint32_t	rate;		/* bytes per block */
	uint32_t	pos;		/* next byte within the block */
	uint8_t		dsep;		/* domain bits and first pad bit */
	uint8_t		mdlen;		/* digest size; 0 for SHAKE */
	uint8_t		squeezing;
};

void	keccak_f1600(uint64_t st[25]);

void	sha3_256_init(struct sha3_ctx *ctx);
void	sha3_512_init(struct sha3_ctx *ctx);
void	shake128_init(struct sha3_ctx *ctx);
void	shake256_init(struct sha3_ctx *ctx);

void	sha3_update(struct sha3_ctx *ctx, const void *in, size_t len);
/* Writes the fixed-size digest (32 or 64 bytes) and wipes the context. */
void	sha3_final(struct sha3_ctx *ctx, uint8_t *out);
/* Pads on the first call; successive calls continue the output stream. */
void	shake_squeeze(struct sha3_ctx *ctx, uint8_t *out, size_t len);
void	sha3_wipe(struct sha3_ctx *ctx);

void	sha3_256(uint8_t out[SHA3_256_BYTES], const void *in, size_t len);
void	sha3_512(uint8_t out[SHA3_512_BYTES], const void *in, size_t len);
void	shake128(uint8_t *out, size_t outlen, const void *in, size_t len);
void	shake256(uint8_t *out, size_t outlen, const void *in, size_t len);

#endif
