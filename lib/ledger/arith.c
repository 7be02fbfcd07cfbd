/*
 * Checked 128-bit arithmetic, 256-bit products and mul_div (arith.h).
 */
#include "lib/ledger/arith.h"

int
add_ok(u128 a, u128 b, u128 *r)
{
	if (a > U128_MAX - b)
		return -1;
	*r = a + b;
	return 0;
}

int
sub_ok(u128 a, u128 b, u128 *r)
{
	if (b > a)
		return -1;
	*r = a - b;
	return 0;
}

/* Every division here is written out: a 128-bit `/` would call the
 * compiler's runtime (__udivti3), which the kernel does not have. */
int
mul_ok(u128 a, u128 b, u128 *r)
{
	if (mul_wide(a, b).hi != 0)
		return -1;
	*r = a * b;
	return 0;
}

/* Schoolbook on 64-bit halves: four partial products, carries summed. */
struct u256
mul_wide(u128 a, u128 b)
{
	u128 m = (u128)UINT64_MAX;
	u128 a0 = a & m, a1 = a >> 64, b0 = b & m, b1 = b >> 64;
	u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	u128 mid = (p00 >> 64) + (p01 & m) + (p10 & m);
	struct u256 r;

	r.lo = (p00 & m) | (mid << 64);
	r.hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
	return r;
}

int
cmp_wide(struct u256 a, struct u256 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/*
 * hi:lo / d by restoring long division, one bit at a time. The caller has
 * checked hi < d, so the quotient fits in 128 bits; the running remainder
 * is below d but may need a 129th bit after the shift, kept in `top`.
 */
static u128
div_wide(struct u256 n, u128 d, u128 *rem)
{
	u128 r = n.hi, q = 0;

	for (int i = 127; i >= 0; i--) {
		u128 top = r >> 127;

		r = (r << 1) | ((n.lo >> i) & 1);
		q <<= 1;
		if (top || r >= d) {
			r -= d;
			q |= 1;
		}
	}
	*rem = r;
	return q;
}

int
mul_div(u128 a, u128 b, u128 d, enum rounding rd, u128 *r)
{
	struct u256 p;
	u128 q, rem;

	if (d == 0)
		return -1;
	p = mul_wide(a, b);
	if (p.hi >= d)
		return -1;
	q = div_wide(p, d, &rem);
	if (rd == ROUND_UP && rem != 0) {
		if (q == U128_MAX)
			return -1;
		q++;
	}
	*r = q;
	return 0;
}

/* Bit by bit, from the highest even power of two down: exact, no overflow. */
u128
isqrt(u128 x)
{
	u128 res = 0, bit = (u128)1 << 126;

	while (bit > x)
		bit >>= 2;
	while (bit != 0) {
		if (x >= res + bit) {
			x -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}
