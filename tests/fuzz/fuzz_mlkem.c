/*
 * lib/crypto/mlkem on hostile input: arbitrary bytes as ek for encaps and
 * as ct or dk for decaps. Besides not crashing, the FIPS 203 input checks
 * must agree with independent re-statements, and rejection must give J(z||c).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/mlkem.h"
#include "lib/crypto/sha3.h"

#define PK	MLKEM1024_PUBLICKEYBYTES
#define SK	MLKEM1024_SECRETKEYBYTES
#define CT	MLKEM1024_CIPHERTEXTBYTES
#define SS	MLKEM1024_SHAREDBYTES
#define DK_EK	1536
#define DK_H	(DK_EK + PK)
#define DK_Z	(DK_H + 32)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

/* Copy up to n bytes of input into out, zero-filling the rest. */
static void
take(uint8_t *out, size_t n, const uint8_t **p, size_t *len)
{
	size_t k = *len < n ? *len : n;

	memset(out, 0, n);
	if (k > 0)
		memcpy(out, *p, k);
	*p += k;
	*len -= k;
}

static int
is_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n-- > 0)
		acc |= *p++;
	return acc == 0;
}

/* Modulus check restated bit by bit: coefficient i is bits 12i..12i+11. */
static int
ref_ek_ok(const uint8_t *ek)
{
	unsigned int i, b, v, bit;

	for (i = 0; i < 1024; i++) {
		v = 0;
		for (b = 0; b < 12; b++) {
			bit = 12 * i + b;
			v |= (unsigned int)((ek[bit / 8] >> (bit % 8)) & 1) << b;
		}
		if (v >= 3329)
			return 0;
	}
	return 1;
}

static int
ref_dk_ok(const uint8_t *sk)
{
	uint8_t h[32];

	sha3_256(h, sk + DK_EK, PK);
	return memcmp(h, sk + DK_H, 32) == 0;
}

static void
ref_j(uint8_t out[SS], const uint8_t *z, const uint8_t *c)
{
	static uint8_t buf[32 + CT];

	memcpy(buf, z, 32);
	memcpy(buf + 32, c, CT);
	shake256(out, SS, buf, sizeof buf);
}

/*
 * Arbitrary ek: rejected exactly when a coefficient is >= q. Random bytes
 * almost never pass, so with the first input byte odd the ek is an honest
 * one with the input XORed in, which mostly does.
 */
static void
fuzz_ek(const uint8_t *p, size_t len)
{
	static uint8_t pk[PK], sk[SK], delta[PK], ct[CT], ct2[CT];
	uint8_t seed[64], m[32], ss[SS], ss2[SS], honest = 0;
	size_t i;
	int rc;

	if (len > 0) {
		honest = *p & 1;
		p++;
		len--;
	}
	take(m, sizeof m, &p, &len);
	if (honest) {
		take(seed, sizeof seed, &p, &len);
		check(mlkem1024_keypair_derand(pk, sk, seed) == MLKEM_OK);
		take(delta, sizeof delta, &p, &len);
		for (i = 0; i < PK; i++)
			pk[i] ^= delta[i];
	} else
		take(pk, sizeof pk, &p, &len);
	memset(ct, 0xaa, CT);
	memset(ss, 0xaa, SS);
	rc = mlkem1024_encaps_derand(ct, ss, pk, m);
	if (ref_ek_ok(pk)) {
		check(rc == MLKEM_OK);
		check(mlkem1024_encaps_derand(ct2, ss2, pk, m) == MLKEM_OK);
		check(memcmp(ct, ct2, CT) == 0 && memcmp(ss, ss2, SS) == 0);
	} else {
		check(rc == MLKEM_EBADKEY);
		check(is_zero(ct, CT) && is_zero(ss, SS));
	}
}

/*
 * A real key pair from the input's seed; the ciphertext is either taken
 * raw or as a difference from the honest one. Only the honest ciphertext
 * may decapsulate to the encapsulated key; anything else gives J(z || c).
 */
static void
fuzz_ct(const uint8_t *p, size_t len, int delta)
{
	static uint8_t pk[PK], sk[SK], ct[CT], c[CT];
	uint8_t seed[64], m[32], ss[SS], got[SS], want[SS];
	size_t i;

	take(seed, sizeof seed, &p, &len);
	take(m, sizeof m, &p, &len);
	take(c, sizeof c, &p, &len);
	check(mlkem1024_keypair_derand(pk, sk, seed) == MLKEM_OK);
	check(mlkem1024_encaps_derand(ct, ss, pk, m) == MLKEM_OK);
	check(mlkem1024_decaps(got, ct, sk) == MLKEM_OK);
	check(memcmp(got, ss, SS) == 0);
	if (delta)
		for (i = 0; i < CT; i++)
			c[i] ^= ct[i];
	check(mlkem1024_decaps(got, c, sk) == MLKEM_OK);
	if (memcmp(c, ct, CT) == 0) {
		check(memcmp(got, ss, SS) == 0);
	} else {
		ref_j(want, sk + DK_Z, c);
		check(memcmp(got, want, SS) == 0);
	}
}

/*
 * Arbitrary dk and ct. The hash check is restated here; with the first
 * input byte odd, H(ek) is fixed up so that the rest of decaps runs on
 * garbage keys, including ones whose ek is not reduced.
 */
static void
fuzz_dk(const uint8_t *p, size_t len)
{
	static uint8_t sk[SK], c[CT];
	uint8_t ss[SS], ss2[SS], fix = 0;
	int rc;

	if (len > 0) {
		fix = *p & 1;
		p++;
		len--;
	}
	take(c, sizeof c, &p, &len);
	take(sk, sizeof sk, &p, &len);
	if (fix)
		sha3_256(sk + DK_H, sk + DK_EK, PK);
	memset(ss, 0xaa, SS);
	rc = mlkem1024_decaps(ss, c, sk);
	if (ref_dk_ok(sk)) {
		check(rc == MLKEM_OK);
		check(mlkem1024_decaps(ss2, c, sk) == MLKEM_OK);
		check(memcmp(ss, ss2, SS) == 0);
	} else {
		check(rc == MLKEM_EBADDK);
		check(is_zero(ss, SS));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_ek(data + 1, size - 1);
		break;
	case 1:
		fuzz_ct(data + 1, size - 1, 0);
		break;
	case 2:
		fuzz_ct(data + 1, size - 1, 1);
		break;
	default:
		fuzz_dk(data + 1, size - 1);
		break;
	}
	return 0;
}
