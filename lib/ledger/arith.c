/*
 * The u128 interface (arith.h) over the 64-bit halves of arith64.c, where
 * the arithmetic, cmp_wide's included, is done and proved (docs/proofs.md).
 * Only the splitting of a u128 into halves and the joining back are here;
 * they are tested (tests/unit/test_arith.c compares every function against
 * plain u128 arithmetic), not proved: Frama-C 25 has no 128-bit type (its
 * parser stops at the typedef in arith.h with a syntax error), so nothing
 * that mentions u128 can be given to it.
 */
#include "lib/ledger/arith.h"
#include "lib/ledger/arith64.h"

static struct w128
split(u128 x)
{
	struct w128 w = { (uint64_t)(x >> 64), (uint64_t)x };

	return w;
}

static u128
join(struct w128 w)
{
	return (u128)w.hi << 64 | w.lo;
}

int
add_ok(u128 a, u128 b, u128 *r)
{
	struct w128 s;

	if (w128_add(split(a), split(b), &s))
		return -1;
	*r = join(s);
	return 0;
}

int
sub_ok(u128 a, u128 b, u128 *r)
{
	struct w128 s;

	if (w128_sub(split(a), split(b), &s))
		return -1;
	*r = join(s);
	return 0;
}

int
mul_ok(u128 a, u128 b, u128 *r)
{
	struct w128 p;

	if (w128_mul(split(a), split(b), &p))
		return -1;
	*r = join(p);
	return 0;
}

struct u256
mul_wide(u128 a, u128 b)
{
	struct w128 hi, lo;
	struct u256 r;

	w128_mul_wide(split(a), split(b), &hi, &lo);
	r.hi = join(hi);
	r.lo = join(lo);
	return r;
}

int
cmp_wide(struct u256 a, struct u256 b)
{
	return w256_cmp(split(a.hi), split(a.lo), split(b.hi), split(b.lo));
}

int
mul_div(u128 a, u128 b, u128 d, enum rounding rd, u128 *r)
{
	struct w128 q;

	if (w128_mul_div(split(a), split(b), split(d), rd == ROUND_UP, &q))
		return -1;
	*r = join(q);
	return 0;
}

u128
isqrt(u128 x)
{
	return join(w128_isqrt(split(x)));
}
