/*
 * SHA-3 and SHAKE, written from FIPS 202. Bytes enter and leave the state
 * one at a time in little-endian lane order, so no alignment or host byte
 * order is assumed.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/sha3.h"
#include "lib/libc/string.h"

#define KECCAK_ROUNDS	24

/* Domain separation bits followed by the first bit of pad10*1 (FIPS 202 B.2). */
#define DSEP_SHA3	0x06
#define DSEP_SHAKE	0x1f

/* iota: RC[ir], each bit 2^j - 1 taken from rc(j + 7 ir) (FIPS 202 3.2.5). */
static const uint64_t keccak_rc[KECCAK_ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

static uint64_t
rol64(uint64_t v, unsigned int n)
{
	/* The mask keeps n == 0 defined without a branch. */
	return (v << n) | (v >> ((64 - n) & 63));
}

/*
 * Keccak-f[1600]: 24 rounds of theta, rho, pi, chi and iota (FIPS 202
 * 3.2) with every lane index worked out in advance. Lane (x, y) lives in
 * the local aXY, so the state stays in registers rather than memory. The
 * rotations are rho's offsets (t + 1)(t + 2) / 2 mod 64 (Table 2).
 */
void
keccak_f1600(uint64_t st[25])
{
	uint64_t a00, a10, a20, a30, a40, a01, a11, a21, a31, a41, a02, a12, a22,
	    a32, a42, a03, a13, a23, a33, a43, a04, a14, a24, a34, a44;
	uint64_t b00, b10, b20, b30, b40, b01, b11, b21, b31, b41, b02, b12, b22,
	    b32, b42, b03, b13, b23, b33, b43, b04, b14, b24, b34, b44;
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
	int ir;

	a00 = st[0];
	a10 = st[1];
	a20 = st[2];
	a30 = st[3];
	a40 = st[4];
	a01 = st[5];
	a11 = st[6];
	a21 = st[7];
	a31 = st[8];
	a41 = st[9];
	a02 = st[10];
	a12 = st[11];
	a22 = st[12];
	a32 = st[13];
	a42 = st[14];
	a03 = st[15];
	a13 = st[16];
	a23 = st[17];
	a33 = st[18];
	a43 = st[19];
	a04 = st[20];
	a14 = st[21];
	a24 = st[22];
	a34 = st[23];
	a44 = st[24];

	for (ir = 0; ir < KECCAK_ROUNDS; ir++) {
		/* theta: C[x] = xor of column x; D[x] = C[x-1] ^ rot(C[x+1], 1). */
		c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04;
		c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14;
		c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24;
		c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34;
		c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44;
		d0 = c4 ^ rol64(c1, 1);
		d1 = c0 ^ rol64(c2, 1);
		d2 = c1 ^ rol64(c3, 1);
		d3 = c2 ^ rol64(c4, 1);
		d4 = c3 ^ rol64(c0, 1);
		/* theta's xor, rho's rotation, and pi's move to (y, 2x + 3y). */
		b00 = rol64(a00 ^ d0, 0);
		b02 = rol64(a10 ^ d1, 1);
		b04 = rol64(a20 ^ d2, 62);
		b01 = rol64(a30 ^ d3, 28);
		b03 = rol64(a40 ^ d4, 27);
		b13 = rol64(a01 ^ d0, 36);
		b10 = rol64(a11 ^ d1, 44);
		b12 = rol64(a21 ^ d2, 6);
		b14 = rol64(a31 ^ d3, 55);
		b11 = rol64(a41 ^ d4, 20);
		b21 = rol64(a02 ^ d0, 3);
		b23 = rol64(a12 ^ d1, 10);
		b20 = rol64(a22 ^ d2, 43);
		b22 = rol64(a32 ^ d3, 25);
		b24 = rol64(a42 ^ d4, 39);
		b34 = rol64(a03 ^ d0, 41);
		b31 = rol64(a13 ^ d1, 45);
		b33 = rol64(a23 ^ d2, 15);
		b30 = rol64(a33 ^ d3, 21);
		b32 = rol64(a43 ^ d4, 8);
		b42 = rol64(a04 ^ d0, 18);
		b44 = rol64(a14 ^ d1, 2);
		b41 = rol64(a24 ^ d2, 61);
		b43 = rol64(a34 ^ d3, 56);
		b40 = rol64(a44 ^ d4, 14);
		/* chi, then iota. */
		a00 = b00 ^ (~b10 & b20);
		a10 = b10 ^ (~b20 & b30);
		a20 = b20 ^ (~b30 & b40);
		a30 = b30 ^ (~b40 & b00);
		a40 = b40 ^ (~b00 & b10);
		a01 = b01 ^ (~b11 & b21);
		a11 = b11 ^ (~b21 & b31);
		a21 = b21 ^ (~b31 & b41);
		a31 = b31 ^ (~b41 & b01);
		a41 = b41 ^ (~b01 & b11);
		a02 = b02 ^ (~b12 & b22);
		a12 = b12 ^ (~b22 & b32);
		a22 = b22 ^ (~b32 & b42);
		a32 = b32 ^ (~b42 & b02);
		a42 = b42 ^ (~b02 & b12);
		a03 = b03 ^ (~b13 & b23);
		a13 = b13 ^ (~b23 & b33);
		a23 = b23 ^ (~b33 & b43);
		a33 = b33 ^ (~b43 & b03);
		a43 = b43 ^ (~b03 & b13);
		a04 = b04 ^ (~b14 & b24);
		a14 = b14 ^ (~b24 & b34);
		a24 = b24 ^ (~b34 & b44);
		a34 = b34 ^ (~b44 & b04);
		a44 = b44 ^ (~b04 & b14);
		a00 ^= keccak_rc[ir];
	}

	st[0] = a00;
	st[1] = a10;
	st[2] = a20;
	st[3] = a30;
	st[4] = a40;
	st[5] = a01;
	st[6] = a11;
	st[7] = a21;
	st[8] = a31;
	st[9] = a41;
	st[10] = a02;
	st[11] = a12;
	st[12] = a22;
	st[13] = a32;
	st[14] = a42;
	st[15] = a03;
	st[16] = a13;
	st[17] = a23;
	st[18] = a33;
	st[19] = a43;
	st[20] = a04;
	st[21] = a14;
	st[22] = a24;
	st[23] = a34;
	st[24] = a44;
}

static void
sponge_init(struct sha3_ctx *ctx, uint32_t rate, uint8_t dsep, uint8_t mdlen)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->rate = rate;
	ctx->dsep = dsep;
	ctx->mdlen = mdlen;
}

void
sha3_256_init(struct sha3_ctx *ctx)
{
	sponge_init(ctx, SHA3_256_RATE, DSEP_SHA3, SHA3_256_BYTES);
}

void
sha3_512_init(struct sha3_ctx *ctx)
{
	sponge_init(ctx, SHA3_512_RATE, DSEP_SHA3, SHA3_512_BYTES);
}

void
shake128_init(struct sha3_ctx *ctx)
{
	sponge_init(ctx, SHAKE128_RATE, DSEP_SHAKE, 0);
}

void
shake256_init(struct sha3_ctx *ctx)
{
	sponge_init(ctx, SHAKE256_RATE, DSEP_SHAKE, 0);
}

static void
xor_byte(uint64_t st[25], uint32_t i, uint8_t v)
{
	st[i >> 3] ^= (uint64_t)v << (8 * (i & 7));
}

void
sha3_update(struct sha3_ctx *ctx, const void *in, size_t len)
{
	const uint8_t *p = in;

	if (ctx->squeezing)
		return;
	while (len-- > 0) {
		xor_byte(ctx->st, ctx->pos++, *p++);
		/* Permute as soon as a block fills, so pos < rate on exit. */
		if (ctx->pos == ctx->rate) {
			keccak_f1600(ctx->st);
			ctx->pos = 0;
		}
	}
}

static void
pad(struct sha3_ctx *ctx)
{
	xor_byte(ctx->st, ctx->pos, ctx->dsep);
	xor_byte(ctx->st, ctx->rate - 1, 0x80);
	keccak_f1600(ctx->st);
	ctx->pos = 0;
	ctx->squeezing = 1;
}

void
shake_squeeze(struct sha3_ctx *ctx, uint8_t *out, size_t len)
{
	if (!ctx->squeezing)
		pad(ctx);
	while (len-- > 0) {
		/* Permute lazily, only when more output is actually wanted. */
		if (ctx->pos == ctx->rate) {
			keccak_f1600(ctx->st);
			ctx->pos = 0;
		}
		*out++ = (uint8_t)(ctx->st[ctx->pos >> 3] >> (8 * (ctx->pos & 7)));
		ctx->pos++;
	}
}

void
sha3_final(struct sha3_ctx *ctx, uint8_t *out)
{
	shake_squeeze(ctx, out, ctx->mdlen);
	sha3_wipe(ctx);
}

void
sha3_wipe(struct sha3_ctx *ctx)
{
	wipe(ctx, sizeof *ctx);
}

void
sha3_256(uint8_t out[SHA3_256_BYTES], const void *in, size_t len)
{
	struct sha3_ctx ctx;

	sha3_256_init(&ctx);
	sha3_update(&ctx, in, len);
	sha3_final(&ctx, out);
}

void
sha3_512(uint8_t out[SHA3_512_BYTES], const void *in, size_t len)
{
	struct sha3_ctx ctx;

	sha3_512_init(&ctx);
	sha3_update(&ctx, in, len);
	sha3_final(&ctx, out);
}

void
shake128(uint8_t *out, size_t outlen, const void *in, size_t len)
{
	struct sha3_ctx ctx;

	shake128_init(&ctx);
	sha3_update(&ctx, in, len);
	shake_squeeze(&ctx, out, outlen);
	sha3_wipe(&ctx);
}

void
shake256(uint8_t *out, size_t outlen, const void *in, size_t len)
{
	struct sha3_ctx ctx;

	shake256_init(&ctx);
	sha3_update(&ctx, in, len);
	shake_squeeze(&ctx, out, outlen);
	sha3_wipe(&ctx);
}
