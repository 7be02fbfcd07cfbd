/*
 * lib/ledger's arithmetic (arith.c over arith64.c) against plain u128
 * arithmetic: the host compiler has unsigned __int128, so every function
 * is compared with a reference written the obvious way, on edge values
 * and on many pseudo-random ones. The reference for mul_div and
 * mul_wide is the former __int128 implementation (schoolbook on 64-bit
 * halves, restoring division), checked itself against a / b where the
 * product fits in 128 bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/ledger/arith.h"

#define NRANDOM 200000

static struct u256
ref_mul_wide(u128 a, u128 b)
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

static u128
ref_div_wide(struct u256 n, u128 d, u128 *rem)
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

static int
ref_mul_div(u128 a, u128 b, u128 d, enum rounding rd, u128 *r)
{
	struct u256 p;
	u128 q, rem;

	if (d == 0)
		return -1;
	p = ref_mul_wide(a, b);
	if (p.hi >= d)
		return -1;
	q = ref_div_wide(p, d, &rem);
	if (rd == ROUND_UP && rem != 0) {
		if (q == U128_MAX)
			return -1;
		q++;
	}
	*r = q;
	return 0;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
next64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const u128 edges[] = {
	0, 1, 2, 3, 7, 10000, UINT32_MAX, (u128)UINT32_MAX + 1,
	(u128)1 << 63, ((u128)1 << 63) - 1, ((u128)1 << 63) + 1,
	UINT64_MAX - 1, UINT64_MAX, (u128)UINT64_MAX + 1, (u128)UINT64_MAX + 2,
	(u128)1 << 100, (u128)1 << 127, ((u128)1 << 127) - 1,
	((u128)1 << 127) + 1, ~(u128)0 - 1, ~(u128)0,
};
#define NEDGES (sizeof edges / sizeof edges[0])

/* A random number of random bit length, so small values are common. */
static u128
random128(void)
{
	u128 x = (u128)next64() << 64 | next64();
	unsigned bits = next64() % 129;

	if (bits == 0)
		return 0;
	x >>= 128 - bits;
	if (next64() % 8 == 0)
		x = edges[next64() % NEDGES] + (u128)(next64() % 5) - 2;
	return x;
}

/* The 256-bit comparison written the obvious way: high halves first. */
static int
ref_cmp_wide(struct u256 a, struct u256 b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	if (a.lo != b.lo)
		return a.lo < b.lo ? -1 : 1;
	return 0;
}

/* Pairs of 256-bit numbers made of a and b: equal or unequal halves. */
static void
check_cmp_wide(u128 a, u128 b)
{
	struct u256 x[4] = { { a, b }, { b, a }, { a, a }, { b, b } };

	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			assert_int_equal(cmp_wide(x[i], x[j]),
			    ref_cmp_wide(x[i], x[j]));
}

static void
check_pair(u128 a, u128 b)
{
	u128 r = 12345, want;
	int ovf;

	ovf = __builtin_add_overflow(a, b, &want);
	assert_int_equal(add_ok(a, b, &r), ovf ? -1 : 0);
	if (!ovf)
		assert_true(r == want);
	r = 12345;
	ovf = __builtin_sub_overflow(a, b, &want);
	assert_int_equal(sub_ok(a, b, &r), ovf ? -1 : 0);
	assert_true(r == (ovf ? 12345 : want));
	r = 12345;
	ovf = __builtin_mul_overflow(a, b, &want);
	assert_int_equal(mul_ok(a, b, &r), ovf ? -1 : 0);
	assert_true(r == (ovf ? 12345 : want));

	struct u256 p = mul_wide(a, b), q = ref_mul_wide(a, b);

	assert_true(p.hi == q.hi && p.lo == q.lo);
	assert_true(p.lo == a * b);
	check_cmp_wide(a, b);
}

static void
check_mul_div(u128 a, u128 b, u128 d)
{
	for (int rd = ROUND_DOWN; rd <= ROUND_UP; rd++) {
		u128 r = 777, want = 777, prod;
		int got = mul_div(a, b, d, (enum rounding)rd, &r);
		int ref = ref_mul_div(a, b, d, (enum rounding)rd, &want);

		assert_int_equal(got, ref);
		assert_true(r == want);
		/* Where the product fits, the plain formula. */
		if (d != 0 && !__builtin_mul_overflow(a, b, &prod)) {
			u128 q = prod / d + (rd == ROUND_UP && prod % d != 0);

			if (!(rd == ROUND_UP && prod / d == U128_MAX &&
			    prod % d != 0)) {
				assert_int_equal(got, 0);
				assert_true(r == q);
			}
		}
	}
}

static void
check_isqrt(u128 x)
{
	u128 s = isqrt(x), sq, next;

	assert_true(s <= UINT64_MAX);
	assert_true(s * s <= x);
	if (s < UINT64_MAX) {
		next = (s + 1) * (s + 1);
		assert_true(x < next);
	} else {
		/* (2^64)^2 = 2^128 > x always. */
		sq = s * s;
		assert_true(sq <= x);
	}
}

static void
test_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEDGES; i++) {
		check_isqrt(edges[i]);
		for (size_t j = 0; j < NEDGES; j++) {
			check_pair(edges[i], edges[j]);
			for (size_t k = 0; k < NEDGES; k++)
				check_mul_div(edges[i], edges[j], edges[k]);
		}
	}
}

static void
test_random(void **state)
{
	(void)state;
	for (int i = 0; i < NRANDOM; i++) {
		u128 a = random128(), b = random128(), d = random128();

		check_pair(a, b);
		check_mul_div(a, b, d);
		/* Divisors near the product's high half: quotients near 2^128. */
		check_mul_div(a, b, ref_mul_wide(a, b).hi + (next64() % 3));
		check_isqrt(a);
	}
}

/* Perfect squares and their neighbours, where isqrt changes. */
static void
test_isqrt_squares(void **state)
{
	(void)state;
	for (int i = 0; i < NRANDOM; i++) {
		u128 s = next64() >> (next64() % 64), x = s * s;

		assert_true(isqrt(x) == s);
		if (x > 0)
			assert_true(isqrt(x - 1) == s - 1);
		if (s < UINT64_MAX)
			assert_true(isqrt(x + 2 * s) == s);
	}
	assert_true(isqrt(~(u128)0) == UINT64_MAX);
}

/* The reference is right where it can be checked directly. */
static void
test_reference(void **state)
{
	(void)state;
	for (int i = 0; i < NRANDOM; i++) {
		u128 a = next64(), b = next64() >> (next64() % 64), d = random128();
		u128 r;

		if (d == 0)
			continue;
		assert_int_equal(ref_mul_div(a, b, d, ROUND_DOWN, &r), 0);
		assert_true(r == a * b / d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_isqrt_squares),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
