/*
 * ML-KEM-1024 (FIPS 203): deterministic key generation and encapsulation
 * from caller-supplied randomness, and decapsulation with implicit rejection.
 */
#ifndef LIB_CRYPTO_MLKEM_H
#define LIB_CRYPTO_MLKEM_H

#include <stdint.h>

#define MLKEM1024_PUBLICKEYBYTES	1568	/* ek: ByteEncode12(t^) || rho */
#define MLKEM1024_SECRETKEYBYTES	3168	/* dk: dk_pke || ek || H(ek) || z */
#define MLKEM1024_CIPHERTEXTBYTES	1568	/* c1 (du = 11) || c2 (dv = 5) */
#define MLKEM1024_SHAREDBYTES		32
#define MLKEM1024_KEYPAIRSEEDBYTES	64	/* d || z */
#define MLKEM1024_ENCAPSSEEDBYTES	32	/* m */

#define MLKEM_OK	0
#define MLKEM_EINVAL	(-1)	/* a NULL argument */
#define MLKEM_EBADKEY	(-2)	/* ek fails the modulus check (FIPS 203 7.2) */
#define MLKEM_EBADDK	(-3)	/* dk fails the hash check (FIPS 203 7.3) */

/*
 * The seeds must come from an approved random bit generator; the derand
 * forms exist so that results can be reproduced in tests. On error every
 * output is zeroed. Decapsulating a ciphertext that does not re-encrypt
 * to itself succeeds with the implicit-rejection key J(z || c).
 */
int	mlkem1024_keypair_derand(uint8_t pk[MLKEM1024_PUBLICKEYBYTES],
	    uint8_t sk[MLKEM1024_SECRETKEYBYTES],
	    const uint8_t seed[MLKEM1024_KEYPAIRSEEDBYTES]);
int	mlkem1024_encaps_derand(uint8_t ct[MLKEM1024_CIPHERTEXTBYTES],
	    uint8_t ss[MLKEM1024_SHAREDBYTES],
	    const uint8_t pk[MLKEM1024_PUBLICKEYBYTES],
	    const uint8_t m[MLKEM1024_ENCAPSSEEDBYTES]);
int	mlkem1024_decaps(uint8_t ss[MLKEM1024_SHAREDBYTES],
	    const uint8_t ct[MLKEM1024_CIPHERTEXTBYTES],
	    const uint8_t sk[MLKEM1024_SECRETKEYBYTES]);

#endif
