/*
 * Integer arithmetic for the ledger: 128-bit amounts, checked add, sub
 * and mul, one mul_div with an explicit rounding direction over a 256-bit
 * intermediate, 256-bit products for comparisons, and integer square
 * roots. No floats anywhere: every replica computes the same bits.
 * Done in arith64.c on 64-bit halves, where it is proved (docs/proofs.md).
 */
#ifndef LIB_LEDGER_ARITH_H
#define LIB_LEDGER_ARITH_H

#include <stdint.h>

typedef unsigned __int128 u128;

#define U128_MAX	(~(u128)0)

enum rounding { ROUND_DOWN, ROUND_UP };

/* Each returns 0 and writes *r, or -1 (overflow; *r untouched). */
int add_ok(u128 a, u128 b, u128 *r);
int sub_ok(u128 a, u128 b, u128 *r);
int mul_ok(u128 a, u128 b, u128 *r);

/*
 * *r = a * b / d rounded as asked, the product held in 256 bits. -1 if
 * d is 0 or the quotient does not fit in 128 bits.
 */
int mul_div(u128 a, u128 b, u128 d, enum rounding rd, u128 *r);

/* A 256-bit product, hi:lo. */
struct u256 {
	u128 hi, lo;
};

struct u256 mul_wide(u128 a, u128 b);
/* -1, 0 or 1 as a <, = or > b. */
int cmp_wide(struct u256 a, struct u256 b);

/* floor(sqrt(x)). */
u128 isqrt(u128 x);

#endif
