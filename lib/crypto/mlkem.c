/*
 * ML-KEM-1024, written from FIPS 203. Coefficients are kept fully reduced
 * in [0, q); every reduction and division on secret data is done with
 * multiplications and masks so its time does not depend on the values.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/mlkem.h"
#include "lib/crypto/sha3.h"
#include "lib/libc/string.h"

/* FIPS 203 Table 2, ML-KEM-1024. */
#define N		256
#define Q		3329
#define K		4
#define DU		11
#define DV		5
/* eta1 = eta2 = 2 for this parameter set; only CBD_2 is needed. */
#define ETA_PRF_BYTES	(64 * 2)

#define SYMBYTES	32
#define POLYBYTES	384			/* ByteEncode12 of one polynomial */
#define POLYVECBYTES	(K * POLYBYTES)
#define C1_POLYBYTES	(32 * DU)
#define C1_BYTES	(K * C1_POLYBYTES)
#define C2_BYTES	(32 * DV)

/* dk = dk_pke || ek || H(ek) || z (FIPS 203 Algorithm 16). */
#define DK_EK_OFF	POLYVECBYTES
#define DK_H_OFF	(DK_EK_OFF + MLKEM1024_PUBLICKEYBYTES)
#define DK_Z_OFF	(DK_H_OFF + SYMBYTES)

#if C1_BYTES + C2_BYTES != MLKEM1024_CIPHERTEXTBYTES || \
    POLYVECBYTES + SYMBYTES != MLKEM1024_PUBLICKEYBYTES || \
    DK_Z_OFF + SYMBYTES != MLKEM1024_SECRETKEYBYTES
#error "ML-KEM-1024 sizes disagree with FIPS 203 Table 3"
#endif

#define NINV		3303		/* 128^-1 mod q, the scale of NTT^-1 */
#define BARRETT_M	20642678ULL	/* floor(2^36 / q) */
#define BARRETT_S	36
#define DIV2Q_M		165141429ULL	/* ceil(2^40 / 2q) */
#define DIV2Q_S		40

struct poly {
	uint16_t	c[N];
};

/* zeta^BitRev7(i) mod q for zeta = 17 (FIPS 203 Appendix A). */
static const uint16_t zetas[128] = {
	1, 1729, 2580, 3289, 2642, 630, 1897, 848,
	1062, 1919, 193, 797, 2786, 3260, 569, 1746,
	296, 2447, 1339, 1476, 3046, 56, 2240, 1333,
	1426, 2094, 535, 2882, 2393, 2879, 1974, 821,
	289, 331, 3253, 1756, 1197, 2304, 2277, 2055,
	650, 1977, 2513, 632, 2865, 33, 1320, 1915,
	2319, 1435, 807, 452, 1438, 2868, 1534, 2402,
	2647, 2617, 1481, 648, 2474, 3110, 1227, 910,
	17, 2761, 583, 2649, 1637, 723, 2288, 1100,
	1409, 2662, 3281, 233, 756, 2156, 3015, 3050,
	1703, 1651, 2789, 1789, 1847, 952, 1461, 2687,
	939, 2308, 2437, 2388, 733, 2337, 268, 641,
	1584, 2298, 2037, 3220, 375, 2549, 2090, 1645,
	1063, 319, 2773, 757, 2099, 561, 2466, 2594,
	2804, 1092, 403, 1026, 1143, 2150, 2775, 886,
	1722, 1212, 1874, 1029, 2110, 2935, 885, 2154,
};

/* zeta^(2 BitRev7(i) + 1) mod q, the moduli of the degree-2 factors. */
static const uint16_t gammas[128] = {
	17, 3312, 2761, 568, 583, 2746, 2649, 680,
	1637, 1692, 723, 2606, 2288, 1041, 1100, 2229,
	1409, 1920, 2662, 667, 3281, 48, 233, 3096,
	756, 2573, 2156, 1173, 3015, 314, 3050, 279,
	1703, 1626, 1651, 1678, 2789, 540, 1789, 1540,
	1847, 1482, 952, 2377, 1461, 1868, 2687, 642,
	939, 2390, 2308, 1021, 2437, 892, 2388, 941,
	733, 2596, 2337, 992, 268, 3061, 641, 2688,
	1584, 1745, 2298, 1031, 2037, 1292, 3220, 109,
	375, 2954, 2549, 780, 2090, 1239, 1645, 1684,
	1063, 2266, 319, 3010, 2773, 556, 757, 2572,
	2099, 1230, 561, 2768, 2466, 863, 2594, 735,
	2804, 525, 1092, 2237, 403, 2926, 1026, 2303,
	1143, 2186, 2150, 1179, 2775, 554, 886, 2443,
	1722, 1607, 1212, 2117, 1874, 1455, 1029, 2300,
	2110, 1219, 2935, 394, 885, 2444, 2154, 1175,
};

static void
wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/*
 * Hides a value from the optimiser so that mask arithmetic on it is not
 * turned back into a branch.
 */
static uint32_t
opaque(uint32_t v)
{
	volatile uint32_t b = v;

	return b;
}

/* --- Arithmetic modulo q ------------------------------------------------- */

/* r in [0, 2q) to [0, q): subtract q, add it back if that went negative. */
static uint16_t
csubq(uint32_t r)
{
	r -= Q;
	r += Q & (0U - (r >> 31));
	return (uint16_t)r;
}

/*
 * Barrett reduction of any 32-bit value. The estimated quotient is at
 * most one short because x * (2^36 / q - m) / 2^36 < 1.
 */
static uint16_t
reduce(uint32_t x)
{
	uint32_t qt = (uint32_t)(((uint64_t)x * BARRETT_M) >> BARRETT_S);

	return csubq(x - qt * Q);
}

static uint16_t
addq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + b);
}

static uint16_t
subq(uint16_t a, uint16_t b)
{
	return csubq((uint32_t)a + Q - b);
}

static uint16_t
mulq(uint16_t a, uint16_t b)
{
	return reduce((uint32_t)a * b);
}

/* --- NTT (FIPS 203 4.3) --------------------------------------------------- */

/* Algorithm 9. */
static void
ntt(struct poly *f)
{
	unsigned int len, start, j, i = 1;
	uint16_t z, t;

	for (len = 128; len >= 2; len >>= 1) {
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i++];
			for (j = start; j < start + len; j++) {
				t = mulq(z, f->c[j + len]);
				f->c[j + len] = subq(f->c[j], t);
				f->c[j] = addq(f->c[j], t);
			}
		}
	}
}

/* Algorithm 10. */
static void
invntt(struct poly *f)
{
	unsigned int len, start, j, i = 127;
	uint16_t z, t;

	for (len = 2; len <= 128; len <<= 1) {
		for (start = 0; start < N; start += 2 * len) {
			z = zetas[i--];
			for (j = start; j < start + len; j++) {
				t = f->c[j];
				f->c[j] = addq(t, f->c[j + len]);
				f->c[j + len] = mulq(z, subq(f->c[j + len], t));
			}
		}
	}
	for (j = 0; j < N; j++)
		f->c[j] = mulq(f->c[j], NINV);
}

/*
 * r += a * b in the NTT domain: 128 products of degree-one polynomials
 * modulo X^2 - gamma_i (Algorithms 11 and 12).
 */
static void
basemul_acc(struct poly *r, const struct poly *a, const struct poly *b)
{
	uint16_t a0, a1, b0, b1, c0, c1;
	unsigned int i;

	for (i = 0; i < N / 2; i++) {
		a0 = a->c[2 * i];
		a1 = a->c[2 * i + 1];
		b0 = b->c[2 * i];
		b1 = b->c[2 * i + 1];
		c0 = reduce((uint32_t)a0 * b0 +
		    (uint32_t)mulq(a1, b1) * gammas[i]);
		c1 = reduce((uint32_t)a0 * b1 + (uint32_t)a1 * b0);
		r->c[2 * i] = addq(r->c[2 * i], c0);
		r->c[2 * i + 1] = addq(r->c[2 * i + 1], c1);
	}
}

static void
poly_add(struct poly *r, const struct poly *a)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		r->c[i] = addq(r->c[i], a->c[i]);
}

static void
poly_sub(struct poly *r, const struct poly *a, const struct poly *b)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		r->c[i] = subq(a->c[i], b->c[i]);
}

/* --- Encoding and compression (FIPS 203 4.2.1) --------------------------- */

/* ByteEncode_d (Algorithm 5): d-bit fields packed little-endian. */
static void
byte_encode(uint8_t *out, const struct poly *f, unsigned int d)
{
	uint32_t acc = 0;
	unsigned int i, bits = 0;

	for (i = 0; i < N; i++) {
		acc |= (uint32_t)f->c[i] << bits;
		for (bits += d; bits >= 8; bits -= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
		}
	}
}

/* ByteDecode_d (Algorithm 6) without the final reduction modulo q. */
static void
byte_decode_raw(struct poly *f, const uint8_t *in, unsigned int d)
{
	uint32_t acc = 0;
	unsigned int i, bits = 0;

	for (i = 0; i < N; i++) {
		for (; bits < d; bits += 8)
			acc |= (uint32_t)*in++ << bits;
		f->c[i] = (uint16_t)(acc & ((1U << d) - 1));
		acc >>= d;
		bits -= d;
	}
}

/* ByteDecode_12: 12-bit fields are below 2q, so one csubq reduces them. */
static void
byte_decode12(struct poly *f, const uint8_t *in)
{
	unsigned int i;

	byte_decode_raw(f, in, 12);
	for (i = 0; i < N; i++)
		f->c[i] = csubq(f->c[i]);
}

/*
 * Compress_d(x) = round(2^d x / q) = floor((2^(d+1) x + q) / 2q). The
 * numerator is below 2^25 and the multiplier's error below 2^13, so the
 * shift by 40 gives the exact quotient without a division instruction.
 */
static uint16_t
compress(uint16_t x, unsigned int d)
{
	uint64_t num = ((uint64_t)x << (d + 1)) + Q;

	return (uint16_t)(((num * DIV2Q_M) >> DIV2Q_S) & ((1U << d) - 1));
}

/* Decompress_d(y) = round(q y / 2^d); ties round up, as in FIPS 203. */
static uint16_t
decompress(uint16_t y, unsigned int d)
{
	return (uint16_t)(((uint32_t)y * Q + (1U << (d - 1))) >> d);
}

static void
compress_encode(uint8_t *out, struct poly *f, unsigned int d)
{
	unsigned int i;

	for (i = 0; i < N; i++)
		f->c[i] = compress(f->c[i], d);
	byte_encode(out, f, d);
}

static void
decode_decompress(struct poly *f, const uint8_t *in, unsigned int d)
{
	unsigned int i;

	byte_decode_raw(f, in, d);
	for (i = 0; i < N; i++)
		f->c[i] = decompress(f->c[i], d);
}

/* Decompress_1(ByteDecode_1(m)): each bit of m becomes 0 or (q + 1) / 2. */
static void
poly_frommsg(struct poly *f, const uint8_t m[SYMBYTES])
{
	unsigned int i;

	for (i = 0; i < N; i++)
		f->c[i] = (uint16_t)(((Q + 1) / 2) &
		    (0U - ((m[i / 8] >> (i % 8)) & 1U)));
}

/* --- Sampling (FIPS 203 4.2.2) -------------------------------------------- */

/*
 * SampleNTT (Algorithm 7) on XOF(rho || j || i). The input is public, so
 * the data-dependent rejection loop leaks nothing. A SHAKE128 block is
 * 168 bytes, a multiple of 3, so squeezing whole blocks gives the same
 * stream as squeezing 3 bytes at a time.
 */
static void
sample_ntt(struct poly *a, const uint8_t rho[SYMBYTES], uint8_t j, uint8_t i)
{
	struct sha3_ctx xof;
	uint8_t buf[SHAKE128_RATE], ji[2] = { j, i };
	unsigned int n = 0, p;
	uint16_t d1, d2;

	shake128_init(&xof);
	sha3_update(&xof, rho, SYMBYTES);
	sha3_update(&xof, ji, sizeof ji);
	while (n < N) {
		shake_squeeze(&xof, buf, sizeof buf);
		for (p = 0; p < sizeof buf && n < N; p += 3) {
			d1 = (uint16_t)(buf[p] | ((buf[p + 1] & 0x0f) << 8));
			d2 = (uint16_t)((buf[p + 1] >> 4) | (buf[p + 2] << 4));
			if (d1 < Q)
				a->c[n++] = d1;
			if (d2 < Q && n < N)
				a->c[n++] = d2;
		}
	}
	sha3_wipe(&xof);
}

/*
 * SamplePolyCBD_2 (Algorithm 8) on PRF_2(s, b) = SHAKE256(s || b, 128):
 * each coefficient is (x0 + x1) - (y0 + y1) from one nibble, without a
 * branch, since s is secret.
 */
static void
sample_cbd2(struct poly *f, const uint8_t s[SYMBYTES], uint8_t b)
{
	struct sha3_ctx prf;
	uint8_t buf[ETA_PRF_BYTES];
	unsigned int i, nib, x, y;

	shake256_init(&prf);
	sha3_update(&prf, s, SYMBYTES);
	sha3_update(&prf, &b, 1);
	shake_squeeze(&prf, buf, sizeof buf);
	sha3_wipe(&prf);
	for (i = 0; i < N; i++) {
		nib = buf[i / 2] >> (4 * (i % 2));
		x = (nib & 1) + (nib >> 1 & 1);
		y = (nib >> 2 & 1) + (nib >> 3 & 1);
		f->c[i] = csubq(x + Q - y);
	}
	wipe(buf, sizeof buf);
}

/* --- K-PKE (FIPS 203 5) --------------------------------------------------- */

/* Algorithm 13. Â is generated one entry at a time to keep the stack small. */
static void
kpke_keygen(uint8_t ek[MLKEM1024_PUBLICKEYBYTES], uint8_t dk[POLYVECBYTES],
    const uint8_t d[SYMBYTES])
{
	uint8_t in[SYMBYTES + 1], g[2 * SYMBYTES];
	const uint8_t *rho = g, *sigma = g + SYMBYTES;
	struct poly s[K], t, e, a;
	unsigned int i, j;

	/* G(d || k): the k byte separates the parameter sets (Appendix C). */
	memcpy(in, d, SYMBYTES);
	in[SYMBYTES] = K;
	sha3_512(g, in, sizeof in);
	for (i = 0; i < K; i++) {
		sample_cbd2(&s[i], sigma, (uint8_t)i);
		ntt(&s[i]);
	}
	for (i = 0; i < K; i++) {
		memset(&t, 0, sizeof t);
		for (j = 0; j < K; j++) {
			sample_ntt(&a, rho, (uint8_t)j, (uint8_t)i);
			basemul_acc(&t, &a, &s[j]);
		}
		sample_cbd2(&e, sigma, (uint8_t)(K + i));
		ntt(&e);
		poly_add(&t, &e);
		byte_encode(ek + i * POLYBYTES, &t, 12);
		byte_encode(dk + i * POLYBYTES, &s[i], 12);
	}
	memcpy(ek + POLYVECBYTES, rho, SYMBYTES);
	wipe(in, sizeof in);
	wipe(g, sizeof g);
	wipe(s, sizeof s);
	wipe(&t, sizeof t);
	wipe(&e, sizeof e);
}

/*
 * Algorithm 14. ByteDecode12 reduces t^ modulo q, so an ek that skipped
 * the modulus check (the copy inside dk) still gives defined results.
 */
static void
kpke_encrypt(uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
    const uint8_t ek[MLKEM1024_PUBLICKEYBYTES], const uint8_t m[SYMBYTES],
    const uint8_t r[SYMBYTES])
{
	const uint8_t *rho = ek + POLYVECBYTES;
	struct poly y[K], u, a, e;
	unsigned int i, j;

	for (i = 0; i < K; i++) {
		sample_cbd2(&y[i], r, (uint8_t)i);
		ntt(&y[i]);
	}
	/* u = NTT^-1(Â^T y^) + e1, with Â^T[i][j] = Â[j][i]. */
	for (i = 0; i < K; i++) {
		memset(&u, 0, sizeof u);
		for (j = 0; j < K; j++) {
			sample_ntt(&a, rho, (uint8_t)i, (uint8_t)j);
			basemul_acc(&u, &a, &y[j]);
		}
		invntt(&u);
		sample_cbd2(&e, r, (uint8_t)(K + i));
		poly_add(&u, &e);
		compress_encode(c + i * C1_POLYBYTES, &u, DU);
	}
	/* v = NTT^-1(t^T y^) + e2 + Decompress_1(m). */
	memset(&u, 0, sizeof u);
	for (i = 0; i < K; i++) {
		byte_decode12(&a, ek + i * POLYBYTES);
		basemul_acc(&u, &a, &y[i]);
	}
	invntt(&u);
	sample_cbd2(&e, r, (uint8_t)(2 * K));
	poly_add(&u, &e);
	poly_frommsg(&e, m);
	poly_add(&u, &e);
	compress_encode(c + C1_BYTES, &u, DV);
	wipe(y, sizeof y);
	wipe(&u, sizeof u);
	wipe(&e, sizeof e);
}

/* Algorithm 15: m = ByteEncode_1(Compress_1(v' - NTT^-1(s^T NTT(u')))). */
static void
kpke_decrypt(uint8_t m[SYMBYTES], const uint8_t dk[POLYVECBYTES],
    const uint8_t c[MLKEM1024_CIPHERTEXTBYTES])
{
	struct poly w, u, s;
	unsigned int i;

	memset(&w, 0, sizeof w);
	for (i = 0; i < K; i++) {
		decode_decompress(&u, c + i * C1_POLYBYTES, DU);
		ntt(&u);
		byte_decode12(&s, dk + i * POLYBYTES);
		basemul_acc(&w, &s, &u);
	}
	invntt(&w);
	decode_decompress(&u, c + C1_BYTES, DV);
	poly_sub(&w, &u, &w);
	compress_encode(m, &w, 1);
	wipe(&w, sizeof w);
	wipe(&u, sizeof u);
	wipe(&s, sizeof s);
}

/* --- ML-KEM (FIPS 203 6 and 7) ------------------------------------------- */

/*
 * Modulus check (7.2): ByteEncode12(ByteDecode12(ek)) == ek holds exactly
 * when every 12-bit field is already below q.
 */
static int
ek_is_reduced(const uint8_t ek[MLKEM1024_PUBLICKEYBYTES])
{
	struct poly t;
	uint32_t bad = 0;
	unsigned int i, j;

	for (i = 0; i < K; i++) {
		byte_decode_raw(&t, ek + i * POLYBYTES, 12);
		for (j = 0; j < N; j++)
			bad |= (uint32_t)(Q - 1) - t.c[j];
	}
	return (bad >> 31) == 0;
}

/* All ones when the buffers are equal, zero otherwise, without a branch. */
static uint8_t
ct_eqmask(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint32_t diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= a[i] ^ b[i];
	return (uint8_t)((opaque(diff) - 1) >> 8);
}

/* r = mask ? a : b, bytewise; mask is 0x00 or 0xff. */
static void
ct_select(uint8_t *r, const uint8_t *a, const uint8_t *b, size_t n,
    uint8_t mask)
{
	size_t i;

	for (i = 0; i < n; i++)
		r[i] = b[i] ^ (mask & (a[i] ^ b[i]));
}

/* Algorithm 16. */
int
mlkem1024_keypair_derand(uint8_t pk[MLKEM1024_PUBLICKEYBYTES],
    uint8_t sk[MLKEM1024_SECRETKEYBYTES],
    const uint8_t seed[MLKEM1024_KEYPAIRSEEDBYTES])
{
	if (pk == NULL || sk == NULL || seed == NULL)
		return MLKEM_EINVAL;
	kpke_keygen(pk, sk, seed);
	memcpy(sk + DK_EK_OFF, pk, MLKEM1024_PUBLICKEYBYTES);
	sha3_256(sk + DK_H_OFF, pk, MLKEM1024_PUBLICKEYBYTES);
	memcpy(sk + DK_Z_OFF, seed + SYMBYTES, SYMBYTES);
	return MLKEM_OK;
}

/* Algorithm 17, preceded by the encapsulation key check of 7.2. */
int
mlkem1024_encaps_derand(uint8_t ct[MLKEM1024_CIPHERTEXTBYTES],
    uint8_t ss[MLKEM1024_SHAREDBYTES],
    const uint8_t pk[MLKEM1024_PUBLICKEYBYTES],
    const uint8_t m[MLKEM1024_ENCAPSSEEDBYTES])
{
	uint8_t in[2 * SYMBYTES], kr[2 * SYMBYTES];

	if (ct == NULL || ss == NULL || pk == NULL || m == NULL)
		return MLKEM_EINVAL;
	if (!ek_is_reduced(pk)) {
		memset(ct, 0, MLKEM1024_CIPHERTEXTBYTES);
		memset(ss, 0, MLKEM1024_SHAREDBYTES);
		return MLKEM_EBADKEY;
	}
	/* (K, r) = G(m || H(ek)) */
	memcpy(in, m, SYMBYTES);
	sha3_256(in + SYMBYTES, pk, MLKEM1024_PUBLICKEYBYTES);
	sha3_512(kr, in, sizeof in);
	kpke_encrypt(ct, pk, m, kr + SYMBYTES);
	memcpy(ss, kr, MLKEM1024_SHAREDBYTES);
	wipe(in, sizeof in);
	wipe(kr, sizeof kr);
	return MLKEM_OK;
}

/*
 * Hash check of 7.3: the ek and H(ek) stored in dk must agree. Both are
 * public, but the comparison costs nothing to do in constant time.
 */
static int
dk_hash_ok(const uint8_t sk[MLKEM1024_SECRETKEYBYTES])
{
	uint8_t h[SYMBYTES];

	sha3_256(h, sk + DK_EK_OFF, MLKEM1024_PUBLICKEYBYTES);
	return ct_eqmask(h, sk + DK_H_OFF, SYMBYTES) != 0;
}

/* J(z || c) = SHAKE256(z || c, 32), the implicit-rejection key. */
static void
rejection_key(uint8_t out[SYMBYTES], const uint8_t z[SYMBYTES],
    const uint8_t c[MLKEM1024_CIPHERTEXTBYTES])
{
	struct sha3_ctx j;

	shake256_init(&j);
	sha3_update(&j, z, SYMBYTES);
	sha3_update(&j, c, MLKEM1024_CIPHERTEXTBYTES);
	shake_squeeze(&j, out, SYMBYTES);
	sha3_wipe(&j);
}

/*
 * Algorithm 18. Whether the ciphertext re-encrypts to itself must not be
 * observable, or the FO transform gives a decryption oracle: both keys
 * are always computed and one is picked with a mask.
 */
int
mlkem1024_decaps(uint8_t ss[MLKEM1024_SHAREDBYTES],
    const uint8_t ct[MLKEM1024_CIPHERTEXTBYTES],
    const uint8_t sk[MLKEM1024_SECRETKEYBYTES])
{
	uint8_t in[2 * SYMBYTES], kr[2 * SYMBYTES], kbar[SYMBYTES];
	uint8_t cmp[MLKEM1024_CIPHERTEXTBYTES];
	uint8_t eq;

	if (ss == NULL || ct == NULL || sk == NULL)
		return MLKEM_EINVAL;
	if (!dk_hash_ok(sk)) {
		memset(ss, 0, MLKEM1024_SHAREDBYTES);
		return MLKEM_EBADDK;
	}
	/* (K', r') = G(m' || h) */
	kpke_decrypt(in, sk, ct);
	memcpy(in + SYMBYTES, sk + DK_H_OFF, SYMBYTES);
	sha3_512(kr, in, sizeof in);
	rejection_key(kbar, sk + DK_Z_OFF, ct);
	kpke_encrypt(cmp, sk + DK_EK_OFF, in, kr + SYMBYTES);
	eq = ct_eqmask(ct, cmp, MLKEM1024_CIPHERTEXTBYTES);
	ct_select(ss, kr, kbar, MLKEM1024_SHAREDBYTES, eq);
	wipe(in, sizeof in);
	wipe(kr, sizeof kr);
	wipe(kbar, sizeof kbar);
	wipe(cmp, sizeof cmp);
	return MLKEM_OK;
}
