/*
 * The ledger's arithmetic on 128-bit numbers held as two 64-bit halves,
 * with no wider C type: checked add, sub and mul, a 256-bit product, a
 * mul_div with an explicit rounding direction and an integer square root.
 * arith.c puts its u128 interface (arith.h) on top of these.
 *
 * Written this way so that Frama-C, which has no 128-bit integer type, can
 * prove it: every function carries an ACSL contract stating its exact
 * result on mathematical integers (docs/proofs.md). No function wraps
 * around: carries and borrows are computed, not observed.
 */
#ifndef LIB_LEDGER_ARITH64_H
#define LIB_LEDGER_ARITH64_H

#include <stdint.h>

/* hi * 2^64 + lo. */
struct w128 {
	uint64_t hi, lo;
};

/*@ logic integer B64 = 18446744073709551616;
    logic integer B127 = 170141183460469231731687303715884105728;
    logic integer B128 = 340282366920938463463374607431768211456;
    logic integer val(struct w128 x) = x.hi * B64 + x.lo;
    lemma val_range: \forall struct w128 x; 0 <= val(x) < B128;
*/

/* Each checked operation returns 0 and writes *r, or -1 (*r untouched). */

/*@ requires \valid(r);
    assigns *r;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==> val(a) + val(b) >= B128;
    ensures \result == 0 ==> val(*r) == val(a) + val(b);
    ensures \result == -1 ==> *r == \old(*r);
*/
int w128_add(struct w128 a, struct w128 b, struct w128 *r);

/*@ requires \valid(r);
    assigns *r;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==> val(b) > val(a);
    ensures \result == 0 ==> val(*r) == val(a) - val(b);
    ensures \result == -1 ==> *r == \old(*r);
*/
int w128_sub(struct w128 a, struct w128 b, struct w128 *r);

/*@ assigns \nothing;
    ensures val(\result) == a * b;
*/
struct w128 mul64(uint64_t a, uint64_t b);

/* The 256-bit product hi:lo. */
/*@ requires \valid(hi) && \valid(lo) && \separated(hi, lo);
    assigns *hi, *lo;
    ensures val(*hi) * B128 + val(*lo) == val(a) * val(b);
*/
void w128_mul_wide(struct w128 a, struct w128 b, struct w128 *hi,
    struct w128 *lo);

/*@ requires \valid(r);
    assigns *r;
    ensures \result == 0 || \result == -1;
    ensures \result == -1 <==> val(a) * val(b) >= B128;
    ensures \result == 0 ==> val(*r) == val(a) * val(b);
    ensures \result == -1 ==> *r == \old(*r);
*/
int w128_mul(struct w128 a, struct w128 b, struct w128 *r);

/* -1, 0 or 1 as a <, = or > b. */
/*@ assigns \nothing;
    ensures val(a) < val(b) ==> \result == -1;
    ensures val(a) == val(b) ==> \result == 0;
    ensures val(a) > val(b) ==> \result == 1;
*/
int w128_cmp(struct w128 a, struct w128 b);

/*
 * -1, 0 or 1 as the 256-bit ahi:alo is below, equal to or above bhi:blo
 * (arith.c's cmp_wide, on halves so that it is proved here).
 */
/*@ assigns \nothing;
    ensures val(ahi) * B128 + val(alo) < val(bhi) * B128 + val(blo) ==>
      \result == -1;
    ensures val(ahi) * B128 + val(alo) == val(bhi) * B128 + val(blo) ==>
      \result == 0;
    ensures val(ahi) * B128 + val(alo) > val(bhi) * B128 + val(blo) ==>
      \result == 1;
*/
int w256_cmp(struct w128 ahi, struct w128 alo, struct w128 bhi,
    struct w128 blo);

/*
 * *r = a * b / d rounded down (up when up is not 0), the product held in
 * 256 bits. -1 if d is 0 or the rounded quotient does not fit in 128 bits.
 * The contract says it without division: rounded down, *r is the q with
 * q * d <= a * b < (q + 1) * d; rounded up, the q with
 * (q - 1) * d < a * b <= q * d.
 */
/*@ requires \valid(r);
    assigns *r;
    ensures \result == 0 || \result == -1;
    ensures val(d) == 0 ==> \result == -1;
    ensures \result == -1 ==> *r == \old(*r);
    behavior down:
      assumes up == 0 && val(d) != 0;
      ensures \result == -1 <==> val(a) * val(b) >= B128 * val(d);
      ensures \result == 0 ==> val(*r) * val(d) <= val(a) * val(b) &&
        val(a) * val(b) < val(*r) * val(d) + val(d);
    behavior up:
      assumes up != 0 && val(d) != 0;
      ensures \result == -1 <==> val(a) * val(b) > (B128 - 1) * val(d);
      ensures \result == 0 ==> val(*r) * val(d) - val(d) < val(a) * val(b) &&
        val(a) * val(b) <= val(*r) * val(d);
*/
int w128_mul_div(struct w128 a, struct w128 b, struct w128 d, int up,
    struct w128 *r);

/* floor(sqrt(x)). */
/*@ assigns \nothing;
    ensures val(\result) * val(\result) <= val(x);
    ensures val(x) < (val(\result) + 1) * (val(\result) + 1);
*/
struct w128 w128_isqrt(struct w128 x);

#endif
