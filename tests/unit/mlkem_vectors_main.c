/*
 * Host driver for tests/unit/mlkem_vs_noble.py: the same computation as
 * tests/oracles/mlkem_vectors.mjs, on lib/crypto/mlkem, printing the same
 * line format so that the two outputs can be compared field by field.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto/mlkem.h"
#include "lib/fmt/hex.h"

static void
puthex(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

static void
put(const char *name, const uint8_t *b, size_t n)
{
	printf("%s=", name);
	puthex(b, n);
}

/* Set 12-bit coefficient coef of the encoded t^ to value. */
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
vector(const uint8_t seed[64], const uint8_t m[32], unsigned int flip,
    unsigned int coef, unsigned int value)
{
	static uint8_t pk[MLKEM1024_PUBLICKEYBYTES], sk[MLKEM1024_SECRETKEYBYTES];
	static uint8_t ct[MLKEM1024_CIPHERTEXTBYTES], ss[32], dec[32], rej[32];
	static uint8_t pk2[MLKEM1024_PUBLICKEYBYTES], ct2[MLKEM1024_CIPHERTEXTBYTES];
	static uint8_t sk2[MLKEM1024_SECRETKEYBYTES], ss2[32];

	if (flip >= 8 * MLKEM1024_CIPHERTEXTBYTES || coef >= 1024 || value > 4095)
		return -1;
	if (mlkem1024_keypair_derand(pk, sk, seed) != 0 ||
	    mlkem1024_encaps_derand(ct, ss, pk, m) != 0 ||
	    mlkem1024_decaps(dec, ct, sk) != 0)
		return -1;
	memcpy(ct2, ct, sizeof ct2);
	ct2[flip >> 3] ^= (uint8_t)(1U << (flip & 7));
	if (mlkem1024_decaps(rej, ct2, sk) != 0)
		return -1;
	put("pk", pk, sizeof pk);
	put(" sk", sk, sizeof sk);
	put(" ct", ct, sizeof ct);
	put(" ss", ss, sizeof ss);
	put(" dec", dec, sizeof dec);
	put(" rej", rej, sizeof rej);

	memcpy(pk2, pk, sizeof pk2);
	set_coef(pk2, coef, value);
	if (mlkem1024_encaps_derand(ct2, ss2, pk2, m) == MLKEM_EBADKEY)
		printf(" badek=reject");
	else {
		printf(" badek=accept:");
		puthex(ct2, sizeof ct2);
		printf(":");
		puthex(ss2, sizeof ss2);
	}

	/* Corrupt one byte of H(ek) inside dk (offset 768k + 32 = 3104). */
	memcpy(sk2, sk, sizeof sk2);
	sk2[3104 + coef % 32] ^= 0x01;
	if (mlkem1024_decaps(ss2, ct, sk2) == MLKEM_EBADDK)
		printf(" baddk=reject");
	else {
		printf(" baddk=accept:");
		puthex(ss2, sizeof ss2);
	}
	printf("\n");
	return 0;
}

int
main(void)
{
	char line[512], seedhex[130], mhex[66];
	uint8_t seed[64], m[32];
	unsigned int flip, coef, value;

	while (fgets(line, sizeof line, stdin) != NULL) {
		if (line[0] == '\n')
			continue;
		if (sscanf(line, "%129s %65s %u %u %u", seedhex, mhex, &flip,
		    &coef, &value) != 5 || hex_decode(seed, sizeof seed, seedhex, strlen(seedhex)) ||
		    hex_decode(m, sizeof m, mhex, strlen(mhex)) ||
		    vector(seed, m, flip, coef, value) != 0) {
			fprintf(stderr, "bad input line or failure: %s", line);
			return 1;
		}
	}
	return 0;
}
