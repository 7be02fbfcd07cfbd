/*
 * lib/crypto/mlkem: round trips, implicit rejection, the FIPS 203 input
 * checks, and known answers from @noble/post-quantum 0.7.1 (the full
 * differential run is tests/unit/mlkem_vs_noble.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/mlkem.h"
#include "lib/crypto/sha3.h"
#include "tests/unit/unhex.h"

#define PK	MLKEM1024_PUBLICKEYBYTES
#define SK	MLKEM1024_SECRETKEYBYTES
#define CT	MLKEM1024_CIPHERTEXTBYTES
#define SS	MLKEM1024_SHAREDBYTES

/* dk = dk_pke || ek || H(ek) || z */
#define DK_EK	1536
#define DK_H	(DK_EK + PK)
#define DK_Z	(DK_H + 32)
#define C2_OFF	1408		/* c2 starts after k * 32 * du bytes */

struct kem {
	uint8_t	seed[MLKEM1024_KEYPAIRSEEDBYTES];
	uint8_t	m[MLKEM1024_ENCAPSSEEDBYTES];
	uint8_t	pk[PK];
	uint8_t	sk[SK];
	uint8_t	ct[CT];
	uint8_t	ss[SS];
};

/* Deterministic seeds: SHAKE128("mlkem test" || i). */
static void
derive_inputs(struct kem *k, uint8_t i)
{
	uint8_t in[11], out[96];

	memcpy(in, "mlkem test", 10);
	in[10] = i;
	shake128(out, sizeof out, in, sizeof in);
	memcpy(k->seed, out, 64);
	memcpy(k->m, out + 64, 32);
}

static void
make(struct kem *k)
{
	assert_int_equal(mlkem1024_keypair_derand(k->pk, k->sk, k->seed), MLKEM_OK);
	assert_int_equal(mlkem1024_encaps_derand(k->ct, k->ss, k->pk, k->m), MLKEM_OK);
}

/* J(z || c) computed over one buffer, apart from the library's own path. */
static void
j_ref(uint8_t out[SS], const uint8_t z[32], const uint8_t *c)
{
	static uint8_t buf[32 + CT];

	memcpy(buf, z, 32);
	memcpy(buf + 32, c, CT);
	shake256(out, SS, buf, sizeof buf);
}

static void
set_coef(uint8_t *ek, unsigned int coef, unsigned int value)
{
	unsigned int o = 3 * (coef >> 1);

	if ((coef & 1) == 0) {
		ek[o] = (uint8_t)value;
		ek[o + 1] = (uint8_t)((ek[o + 1] & 0xf0) | (value >> 8));
	} else {
		ek[o + 1] = (uint8_t)((ek[o + 1] & 0x0f) | ((value & 0x0f) << 4));
		ek[o + 2] = (uint8_t)(value >> 4);
	}
}

static int
all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n-- > 0)
		acc |= *p++;
	return acc == 0;
}

static void
test_sizes(void **state)
{
	assert_int_equal(PK, 1568);
	assert_int_equal(SK, 3168);
	assert_int_equal(CT, 1568);
	assert_int_equal(SS, 32);
	assert_int_equal(MLKEM1024_KEYPAIRSEEDBYTES, 64);
	assert_int_equal(MLKEM1024_ENCAPSSEEDBYTES, 32);
}

/* keypair -> encaps -> decaps agrees, and dk has the layout of Algorithm 16. */
static void
test_roundtrip(void **state)
{
	static struct kem k;
	uint8_t ss[SS], h[32];
	uint8_t i;

	for (i = 0; i < 8; i++) {
		derive_inputs(&k, i);
		make(&k);
		assert_int_equal(mlkem1024_decaps(ss, k.ct, k.sk), MLKEM_OK);
		assert_memory_equal(ss, k.ss, SS);
		assert_memory_equal(k.sk + DK_EK, k.pk, PK);
		sha3_256(h, k.pk, PK);
		assert_memory_equal(k.sk + DK_H, h, 32);
		assert_memory_equal(k.sk + DK_Z, k.seed + 32, 32);
	}
}

/* No hidden state: the same inputs give the same bytes; other m, other ct. */
static void
test_deterministic(void **state)
{
	static struct kem a, b;

	derive_inputs(&a, 42);
	make(&a);
	memcpy(&b, &a, sizeof b);
	memset(b.pk, 0, PK);
	memset(b.ct, 0, CT);
	make(&b);
	assert_memory_equal(&a, &b, sizeof a);
	b.m[0] ^= 1;
	make(&b);
	assert_memory_not_equal(a.ct, b.ct, CT);
	assert_memory_not_equal(a.ss, b.ss, SS);
}

/* A modified ciphertext decapsulates to J(z || c'), not to an error. */
static void
test_implicit_rejection(void **state)
{
	static const unsigned int bits[] = {
		0, 7, 8 * C2_OFF - 1, 8 * C2_OFF, 8 * CT - 1, 5000,
	};
	static struct kem k;
	static uint8_t c[CT];
	uint8_t ss[SS], want[SS];
	size_t i;

	derive_inputs(&k, 100);
	make(&k);
	for (i = 0; i < sizeof bits / sizeof bits[0]; i++) {
		memcpy(c, k.ct, CT);
		c[bits[i] / 8] ^= (uint8_t)(1U << (bits[i] % 8));
		assert_int_equal(mlkem1024_decaps(ss, c, k.sk), MLKEM_OK);
		j_ref(want, k.sk + DK_Z, c);
		assert_memory_equal(ss, want, SS);
		assert_memory_not_equal(ss, k.ss, SS);
	}
	/* Ciphertexts unrelated to any encapsulation. */
	for (i = 0; i < 2; i++) {
		memset(c, i ? 0xff : 0x00, CT);
		assert_int_equal(mlkem1024_decaps(ss, c, k.sk), MLKEM_OK);
		j_ref(want, k.sk + DK_Z, c);
		assert_memory_equal(ss, want, SS);
	}
}

/* Modulus check: any coefficient of t^ at or above q rejects the ek. */
static void
test_bad_ek(void **state)
{
	static const unsigned int coefs[] = { 0, 1, 2, 255, 256, 511, 1022, 1023 };
	static const unsigned int values[] = { 3329, 3330, 4095 };
	static struct kem k;
	static uint8_t pk[PK];
	uint8_t ss[SS];
	static uint8_t ct[CT];
	size_t i, j;

	derive_inputs(&k, 7);
	make(&k);
	for (i = 0; i < sizeof coefs / sizeof coefs[0]; i++) {
		for (j = 0; j < sizeof values / sizeof values[0]; j++) {
			memcpy(pk, k.pk, PK);
			set_coef(pk, coefs[i], values[j]);
			memset(ct, 0xaa, CT);
			memset(ss, 0xaa, SS);
			assert_int_equal(mlkem1024_encaps_derand(ct, ss, pk, k.m),
			    MLKEM_EBADKEY);
			assert_true(all_zero(ct, CT));
			assert_true(all_zero(ss, SS));
		}
		/* q - 1 is a valid coefficient. */
		memcpy(pk, k.pk, PK);
		set_coef(pk, coefs[i], 3328);
		assert_int_equal(mlkem1024_encaps_derand(ct, ss, pk, k.m), MLKEM_OK);
	}
	/* rho is not range checked: any 32 bytes are a valid seed. */
	memcpy(pk, k.pk, PK);
	memset(pk + PK - 32, 0xff, 32);
	assert_int_equal(mlkem1024_encaps_derand(ct, ss, pk, k.m), MLKEM_OK);
}

/* Hash check: the ek and H(ek) inside dk must agree. */
static void
test_bad_dk(void **state)
{
	static const size_t offs[] = { DK_EK, DK_EK + 700, DK_H - 1, DK_H, DK_H + 31 };
	static struct kem k;
	static uint8_t sk[SK];
	uint8_t ss[SS], want[SS];
	size_t i;

	derive_inputs(&k, 9);
	make(&k);
	for (i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		memcpy(sk, k.sk, SK);
		sk[offs[i]] ^= 0x10;
		memset(ss, 0xaa, SS);
		assert_int_equal(mlkem1024_decaps(ss, k.ct, sk), MLKEM_EBADDK);
		assert_true(all_zero(ss, SS));
	}
	/* Another z only changes the rejection key. */
	memcpy(sk, k.sk, SK);
	sk[DK_Z] ^= 1;
	assert_int_equal(mlkem1024_decaps(ss, k.ct, sk), MLKEM_OK);
	assert_memory_equal(ss, k.ss, SS);
	/* A damaged dk_pke passes the check but decrypts wrongly: rejection. */
	memcpy(sk, k.sk, SK);
	sk[10] ^= 0x40;
	assert_int_equal(mlkem1024_decaps(ss, k.ct, sk), MLKEM_OK);
	j_ref(want, sk + DK_Z, k.ct);
	assert_memory_equal(ss, want, SS);
}

static void
test_null_arguments(void **state)
{
	static struct kem k;

	derive_inputs(&k, 1);
	make(&k);
	assert_int_equal(mlkem1024_keypair_derand(NULL, k.sk, k.seed), MLKEM_EINVAL);
	assert_int_equal(mlkem1024_keypair_derand(k.pk, k.sk, NULL), MLKEM_EINVAL);
	assert_int_equal(mlkem1024_encaps_derand(k.ct, NULL, k.pk, k.m), MLKEM_EINVAL);
	assert_int_equal(mlkem1024_encaps_derand(k.ct, k.ss, NULL, k.m), MLKEM_EINVAL);
	assert_int_equal(mlkem1024_decaps(k.ss, NULL, k.sk), MLKEM_EINVAL);
	assert_int_equal(mlkem1024_decaps(k.ss, k.ct, NULL), MLKEM_EINVAL);
}

/*
 * Known answers from @noble/post-quantum 0.7.1 (ml_kem1024.keygen(seed),
 * encapsulate(pk, m), decapsulate(ct with bit 0 flipped, sk)); pk, sk and
 * ct are given by their SHA3-256 to keep this file short.
 */
static void
test_noble_vectors(void **state)
{
	static const struct {
		int		fill;	/* -1: seed[i] = i, m[i] = 0x80 + i */
		const char	*pk, *sk, *ct, *ss, *rej;
	} v[] = {
		{ -1,
		  "61349e5c131a7e116a0463861d7d18663c5627c38c7147ddaadfd48acd7a4535",
		  "f0db5d938027fcd9bad87847d52c14cf0c4abcf0703b749793f212111ffb303b",
		  "280d42c04e2853d74a9072cd0e304b62ee7efb8b4014ff6e3bd44da675efa248",
		  "7d9404fdb9a12fafe778c3cec2c017de229fdb1c8564964830db5541970e8079",
		  "d35f7dfb8f0945bf574a3b2ae51630bb7766e769b68cb6983bab3e337f4b97dc" },
		{ 0x00,
		  "9f62e8c88195d7ad50b14514fbe94a887554204da7a40dafbe72c5e15d39e969",
		  "ed78c8ae08ce4952cb6626fc14dfb008362ff13a92c9ea5afb09f47841908bb4",
		  "ecccadf704142d9c85715cb7a2390216a2e0a01728c28c825f2396be88766a03",
		  "760a9793cd6c81c3cdeb8c679ae7f5741caaa97452898345fc081fef29069885",
		  "83ef28a83983270ec78f3919f42edb9994edeb37602bc77667096b52ce610a54" },
		{ 0xff,
		  "68140bb2d1871dd621c2decf2b4f6edea1a74c66fe2e74a3c154a0f141fc520e",
		  "ce5c51633b85548c8df4b8ca28933564fdf8b7c2586effd6f4d657444ebcbb36",
		  "50093a63c3d2ca67cada071fbdf00dc426d9ae662d54c6bd285a683666e4199c",
		  "566844e174c7b4751e7987f72a229a4dee1842a7e03d0e86a669865ff9855128",
		  "cd0a42cc46de0fc28c475412a8d3e1491c4459b9df838ee745b67a42d4dc280c" },
	};
	static struct kem k;
	uint8_t h[32], want[32], ss[SS];
	size_t i, j;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (j = 0; j < sizeof k.seed; j++)
			k.seed[j] = v[i].fill < 0 ? (uint8_t)j : (uint8_t)v[i].fill;
		for (j = 0; j < sizeof k.m; j++)
			k.m[j] = v[i].fill < 0 ? (uint8_t)(0x80 + j) : (uint8_t)v[i].fill;
		make(&k);
		sha3_256(h, k.pk, PK);
		unhex(want, 32, v[i].pk);
		assert_memory_equal(h, want, 32);
		sha3_256(h, k.sk, SK);
		unhex(want, 32, v[i].sk);
		assert_memory_equal(h, want, 32);
		sha3_256(h, k.ct, CT);
		unhex(want, 32, v[i].ct);
		assert_memory_equal(h, want, 32);
		unhex(want, 32, v[i].ss);
		assert_memory_equal(k.ss, want, 32);
		k.ct[0] ^= 1;
		assert_int_equal(mlkem1024_decaps(ss, k.ct, k.sk), MLKEM_OK);
		unhex(want, 32, v[i].rej);
		assert_memory_equal(ss, want, 32);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_implicit_rejection),
		cmocka_unit_test(test_bad_ek),
		cmocka_unit_test(test_bad_dk),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_noble_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
