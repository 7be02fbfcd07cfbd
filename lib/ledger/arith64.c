/*
 * 128-bit arithmetic on 64-bit halves (arith64.h), proved with Frama-C WP
 * (docs/proofs.md). Every division and remainder here is by a constant
 * power of two (the compiler makes them shifts and masks); they are
 * written as arithmetic because that is what the provers reason about
 * well. The `assert` annotations are intermediate proof steps.
 */
#include "lib/ledger/arith64.h"

#define B32	UINT64_C(0x100000000)
#define B63	UINT64_C(0x8000000000000000)

/*@ logic integer p2(integer k) = k <= 0 ? 1 : 2 * p2(k - 1);
    lemma p2_128: p2(128) == B128;
*/

/* x + y + z as two halves: each fits in 64 bits, the sum may not. */
/*@ assigns \nothing;
    ensures val(\result) == x + y + z;
*/
static struct w128
sum3(uint64_t x, uint64_t y, uint64_t z)
{
	struct w128 s = { 0, x };

	if (s.lo > UINT64_MAX - y) {
		s.lo = s.lo - (UINT64_MAX - y) - 1;
		s.hi++;
	} else {
		s.lo += y;
	}
	if (s.lo > UINT64_MAX - z) {
		s.lo = s.lo - (UINT64_MAX - z) - 1;
		s.hi++;
	} else {
		s.lo += z;
	}
	return s;
}

int
w128_add(struct w128 a, struct w128 b, struct w128 *r)
{
	struct w128 s = sum3(a.lo, b.lo, 0);

	if (a.hi > UINT64_MAX - b.hi || a.hi + b.hi > UINT64_MAX - s.hi)
		return -1;
	s.hi += a.hi + b.hi;
	*r = s;
	return 0;
}

int
w128_sub(struct w128 a, struct w128 b, struct w128 *r)
{
	uint64_t borrow = a.lo < b.lo;

	if (b.hi > a.hi || a.hi - b.hi < borrow)
		return -1;
	r->hi = a.hi - b.hi - borrow;
	if (borrow)
		r->lo = UINT64_MAX - (b.lo - a.lo) + 1;
	else
		r->lo = a.lo - b.lo;
	return 0;
}

/* Schoolbook on 32-bit halves: four partial products, carries summed. */
struct w128
mul64(uint64_t a, uint64_t b)
{
	uint64_t a0 = a % B32, a1 = a / B32, b0 = b % B32, b1 = b / B32;
	uint64_t p00, p01, p10, p11, mid;
	struct w128 r;

	/*@ assert a0 * b0 <= 18446744065119617025 && a0 * b1 <= 18446744065119617025 &&
	        a1 * b0 <= 18446744065119617025 && a1 * b1 <= 18446744065119617025; */
	p00 = a0 * b0;
	p01 = a0 * b1;
	p10 = a1 * b0;
	p11 = a1 * b1;
	mid = p00 / B32 + p01 % B32 + p10 % B32;
	/*@ assert a * b == p11 * B64 + (p01 + p10) * 4294967296 + p00; */
	/*@ assert a * b == (p11 + p01 / 4294967296 + p10 / 4294967296 + mid / 4294967296) * B64
	        + (mid % 4294967296) * 4294967296 + p00 % 4294967296; */
	/*@ assert a * b < B128; */
	r.lo = p00 % B32 + mid % B32 * B32;
	r.hi = p11 + p01 / B32 + p10 / B32 + mid / B32;
	return r;
}

/* Schoolbook on 64-bit halves, the same way one level up. */
void
w128_mul_wide(struct w128 a, struct w128 b, struct w128 *hi,
    struct w128 *lo)
{
	struct w128 p00 = mul64(a.lo, b.lo), p01 = mul64(a.lo, b.hi);
	struct w128 p10 = mul64(a.hi, b.lo), p11 = mul64(a.hi, b.hi);
	struct w128 mid = sum3(p00.hi, p01.lo, p10.lo);
	struct w128 top = sum3(p11.lo, p01.hi, p10.hi);
	struct w128 up;

	/*@ assert val(a) * val(b) == val(p11) * B128 + (val(p01) + val(p10)) * B64 + val(p00); */
	/*@ assert val(a) * val(b) == (val(top) + mid.hi) * B128 + p11.hi * B128 * B64
	        + mid.lo * B64 + p00.lo; */
	up = sum3(top.lo, mid.hi, 0);
	/*@ assert val(a) * val(b) == (up.hi + top.hi + p11.hi) * B64 * B128 + up.lo * B128
	        + mid.lo * B64 + p00.lo; */
	/*@ assert val(a) * val(b) < B128 * B128; */
	hi->hi = p11.hi + top.hi + up.hi;
	hi->lo = up.lo;
	lo->hi = mid.lo;
	lo->lo = p00.lo;
}

int
w128_mul(struct w128 a, struct w128 b, struct w128 *r)
{
	struct w128 hi, lo;

	w128_mul_wide(a, b, &hi, &lo);
	if (hi.hi != 0 || hi.lo != 0)
		return -1;
	*r = lo;
	return 0;
}

int
w128_cmp(struct w128 a, struct w128 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/*
 * The high halves decide unless they are equal: a low half is below
 * 2^128, so it cannot make up for a high half one smaller.
 */
int
w256_cmp(struct w128 ahi, struct w128 alo, struct w128 bhi, struct w128 blo)
{
	int c = w128_cmp(ahi, bhi);

	return c != 0 ? c : w128_cmp(alo, blo);
}

/* 2x + in, less 2^128 if that does not fit: a shift left by one bit. */
/*@ requires in == 0 || in == 1;
    assigns \nothing;
    ensures val(\result) == 2 * val(x) + in - (val(x) >= B127 ? B128 : 0);
*/
static struct w128
shl1(struct w128 x, uint64_t in)
{
	struct w128 r;

	r.hi = x.hi % B63 * 2 + x.lo / B63;
	r.lo = x.lo % B63 * 2 + in;
	return r;
}

/* x - y, plus 2^128 if that is negative: a subtraction that wraps. */
/*@ assigns \nothing;
    ensures val(\result) == val(x) - val(y) + (val(x) < val(y) ? B128 : 0);
*/
static struct w128
sub_wrap(struct w128 x, struct w128 y)
{
	struct w128 r;
	uint64_t borrow = x.lo < y.lo;

	if (borrow)
		r.lo = UINT64_MAX - (y.lo - x.lo) + 1;
	else
		r.lo = x.lo - y.lo;
	if (x.hi > y.hi || (x.hi == y.hi && !borrow))
		r.hi = x.hi - y.hi - borrow;
	else if (x.hi == y.hi)
		r.hi = UINT64_MAX;
	else
		r.hi = UINT64_MAX - (y.hi - x.hi) + 1 - borrow;
	return r;
}

/*
 * hi:lo / d by restoring long division, one bit of lo at a time. The
 * caller has checked hi < d, so the quotient fits in 128 bits; the
 * running remainder is below d but may need a 129th bit after the shift,
 * kept in `top`. After i steps, the bits of lo not yet taken are the top
 * 128 - i bits of l, and q, r are the quotient and remainder of the
 * number made of hi's bits and the i bits taken.
 */
/*@ requires 0 < val(d) && val(hi) < val(d) && \valid(rem);
    assigns *rem;
    ensures val(\result) * val(d) + val(*rem) == val(hi) * B128 + val(lo);
    ensures val(*rem) < val(d);
*/
static struct w128
div_wide(struct w128 hi, struct w128 lo, struct w128 d, struct w128 *rem)
{
	struct w128 r = hi, l = lo, q = { 0, 0 };
	uint64_t top, in;
	int i;

	/*@ loop invariant 0 <= i <= 128;
	    loop invariant val(r) < val(d);
	    loop invariant 1 <= p2(i) && 1 <= p2(128 - i);
	    loop invariant p2(i) * p2(128 - i) == B128;
	    loop invariant val(q) < p2(i);
	    loop invariant (val(hi) * B128 + val(lo)) * p2(i) ==
	        (val(q) * val(d) + val(r)) * B128 + val(l);
	    loop assigns i, r, l, q, top, in;
	    loop variant 128 - i;
	*/
	for (i = 0; i < 128; i++) {
		//@ ghost struct w128 r0 = r;
		//@ ghost struct w128 l0 = l;
		//@ ghost struct w128 q0 = q;
		/*@ assert p2(i + 1) == 2 * p2(i) && p2(128 - i) == 2 * p2(127 - i); */
		/*@ assert p2(i) <= B127; */
		top = r.hi >= B63;
		in = l.hi >= B63;
		r = shl1(r, in);
		/*@ assert val(r) + top * B128 == 2 * val(r0) + in; */
		l = shl1(l, 0);
		/*@ assert top == 1 ==> val(r) < val(d); */
		/*@ assert val(l) == 2 * val(l0) - in * B128; */
		if (top || w128_cmp(r, d) >= 0) {
			r = sub_wrap(r, d);
			q = shl1(q, 1);
			/*@ assert val(r) == 2 * val(r0) + in - val(d); */
			/*@ assert val(q) == 2 * val(q0) + 1; */
			/*@ assert val(q) * val(d) == 2 * (val(q0) * val(d)) + val(d); */
			/*@ assert (val(q) * val(d) + val(r)) * B128 + val(l) ==
			        2 * ((val(q0) * val(d) + val(r0)) * B128 + val(l0)); */
		} else {
			q = shl1(q, 0);
			/*@ assert val(r) == 2 * val(r0) + in; */
			/*@ assert val(q) == 2 * val(q0); */
			/*@ assert val(q) * val(d) == 2 * (val(q0) * val(d)); */
			/*@ assert (val(q) * val(d) + val(r)) * B128 + val(l) ==
			        2 * ((val(q0) * val(d) + val(r0)) * B128 + val(l0)); */
		}
		/*@ assert (val(q) * val(d) + val(r)) * B128 + val(l) ==
		        2 * ((val(q0) * val(d) + val(r0)) * B128 + val(l0)); */
		/*@ assert (val(hi) * B128 + val(lo)) * p2(i + 1) ==
		        2 * ((val(hi) * B128 + val(lo)) * p2(i)); */
	}
	*rem = r;
	return q;
}

int
w128_mul_div(struct w128 a, struct w128 b, struct w128 d, int up,
    struct w128 *r)
{
	struct w128 hi, lo, q, rem;

	if (d.hi == 0 && d.lo == 0)
		return -1;
	w128_mul_wide(a, b, &hi, &lo);
	/*@ assert val(hi) >= val(d) ==> val(hi) * B128 >= val(d) * B128; */
	/*@ assert val(hi) < val(d) ==> (val(hi) + 1) * B128 <= val(d) * B128; */
	if (w128_cmp(hi, d) >= 0)
		return -1;
	q = div_wide(hi, lo, d, &rem);
	/*@ assert val(q) * val(d) + val(rem) == val(a) * val(b); */
	/*@ assert val(q) <= B128 - 2 ==>
	        val(q) * val(d) + val(d) <= (B128 - 1) * val(d); */
	if (up && (rem.hi != 0 || rem.lo != 0)) {
		//@ ghost struct w128 q0 = q;
		if (q.hi == UINT64_MAX && q.lo == UINT64_MAX)
			return -1;
		if (q.lo == UINT64_MAX) {
			q.hi++;
			q.lo = 0;
		} else {
			q.lo++;
		}
		/*@ assert val(q) == val(q0) + 1; */
		/*@ assert val(q) * val(d) == val(q0) * val(d) + val(d); */
	}
	*r = q;
	return 0;
}

/*
 * Binary search for the largest s with s * s <= x: s < 2^64, since
 * x < 2^128. The answer is kept in [lo, hi].
 */
struct w128
w128_isqrt(struct w128 x)
{
	uint64_t lo = 0, hi = UINT64_MAX, mid;
	struct w128 r = { 0, 0 };

	/*@ loop invariant lo <= hi;
	    loop invariant lo * lo <= val(x);
	    loop invariant val(x) < (hi + 1) * (hi + 1);
	    loop assigns lo, hi, mid;
	    loop variant hi - lo;
	*/
	while (lo < hi) {
		mid = lo + (hi - lo) / 2 + 1;
		if (w128_cmp(mul64(mid, mid), x) <= 0)
			lo = mid;
		else
			hi = mid - 1;
	}
	r.lo = lo;
	return r;
}
