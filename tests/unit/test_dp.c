/*
 * Tests of lib/dp: the exact samplers against their distributions by χ²
 * goodness of fit at several scales (a fixed-seed generator, so runs are
 * reproducible), the same test refusing samples of a wrong scale, the
 * accountant refusing past its cap, and per-capsule count releases.
 * (The tests use floating point to compute expectations; lib/dp does
 * not.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "lib/dp/dp.h"

#define N	40000
#define SPAN	4096	/* values in [-SPAN, SPAN] are binned */

static uint64_t seed;

/* splitmix64, a fixed-seed byte source for the tests. */
static int
test_bytes(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	while (n > 0) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ull);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		for (int i = 0; i < 8 && n > 0; i++, n--)
			*buf++ = (uint8_t)(z >> (8 * i));
	}
	return 0;
}

static int
failing_bytes(void *ctx, uint8_t *buf, size_t n)
{
	(void)ctx;
	(void)buf;
	(void)n;
	return -1;
}

static const struct dp_rng rng = { test_bytes, NULL };
static const struct dp_rng broken = { failing_bytes, NULL };

static long hist[2 * SPAN + 1];

/* P(y) of the distribution, unnormalised: exp(-|y|/b) or exp(-y²/2σ²). */
static double
weight(int gauss, double param, long y)
{
	if (gauss)
		return exp(-(double)y * (double)y / (2 * param));
	return exp(-fabs((double)y) / param);
}

/*
 * χ² of the histogram against the distribution with parameter param
 * (Laplace scale or Gaussian variance), bins of expectation >= 5 with
 * the tails merged; *crit gets the 10^-4 critical value (Wilson-Hilferty).
 */
static double
chi2(int gauss, double param, double *crit)
{
	double z = 0, stat = 0, e_lo = 0, e_hi = 0;
	long o_lo = 0, o_hi = 0, lo = 0, hi = 0, df = -1;

	for (long y = -SPAN; y <= SPAN; y++)
		z += weight(gauss, param, y);
	while (N * weight(gauss, param, lo - 1) / z >= 5)
		lo--;
	hi = -lo;
	for (long y = -SPAN; y <= SPAN; y++) {
		double e = N * weight(gauss, param, y) / z;
		long o = hist[y + SPAN];

		if (y < lo) {
			e_lo += e;
			o_lo += o;
		} else if (y > hi) {
			e_hi += e;
			o_hi += o;
		} else {
			stat += (o - e) * (o - e) / e;
			df++;
		}
	}
	if (e_lo > 0) {
		stat += (o_lo - e_lo) * (o_lo - e_lo) / e_lo;
		stat += (o_hi - e_hi) * (o_hi - e_hi) / e_hi;
		df += 2;
	}
	*crit = df * pow(1 - 2.0 / (9 * df) + 3.719 * sqrt(2.0 / (9 * df)), 3);
	return stat;
}

static void
fill_laplace(uint64_t s, uint64_t t)
{
	memset(hist, 0, sizeof hist);
	for (int i = 0; i < N; i++) {
		int64_t y;

		assert_int_equal(dp_laplace(&rng, s, t, &y), DP_OK);
		assert_true(y >= -SPAN && y <= SPAN);
		hist[y + SPAN]++;
	}
}

static void
fill_gaussian(uint64_t num, uint64_t den)
{
	memset(hist, 0, sizeof hist);
	for (int i = 0; i < N; i++) {
		int64_t y;

		assert_int_equal(dp_gaussian(&rng, num, den, &y), DP_OK);
		assert_true(y >= -SPAN && y <= SPAN);
		hist[y + SPAN]++;
	}
}

static void
test_laplace_fit(void **state)
{
	static const uint64_t scales[][2] = { { 1, 1 }, { 2, 1 }, { 1, 3 },
	    { 1, 10 }, { 3, 100 } };
	double crit, stat;

	(void)state;
	seed = 1;
	for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
		double b = (double)scales[i][1] / (double)scales[i][0];

		fill_laplace(scales[i][0], scales[i][1]);
		stat = chi2(0, b, &crit);
		print_message("laplace scale %.3f: chi2 %.1f (crit %.1f)\n", b,
		    stat, crit);
		assert_true(stat < crit);
		/* A scale 20 % off is refused. */
		stat = chi2(0, b * 1.2, &crit);
		assert_true(stat > crit);
		stat = chi2(0, b / 1.2, &crit);
		assert_true(stat > crit);
	}
}

static void
test_gaussian_fit(void **state)
{
	static const uint64_t vars[][2] = { { 1, 1 }, { 4, 1 }, { 25, 1 },
	    { 100, 3 }, { 1, 4 } };
	double crit, stat;

	(void)state;
	seed = 2;
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		double v = (double)vars[i][0] / (double)vars[i][1];

		fill_gaussian(vars[i][0], vars[i][1]);
		stat = chi2(1, v, &crit);
		print_message("gaussian variance %.3f: chi2 %.1f (crit %.1f)\n",
		    v, stat, crit);
		assert_true(stat < crit);
		stat = chi2(1, v * 1.3, &crit);
		assert_true(stat > crit);
	}
}

static void
test_bernoulli(void **state)
{
	int b, ones = 0;

	(void)state;
	seed = 3;
	for (int i = 0; i < 100; i++) {
		assert_int_equal(dp_bernoulli(&rng, 0, 7, &b), DP_OK);
		assert_int_equal(b, 0);
		assert_int_equal(dp_bernoulli(&rng, 7, 7, &b), DP_OK);
		assert_int_equal(b, 1);
		assert_int_equal(dp_bernoulli_exp(&rng, 0, 1, &b), DP_OK);
		assert_int_equal(b, 1);
	}
	/* Bernoulli(exp(-2.5)) = 0.0821: 10^5 draws within 5 sd. */
	for (int i = 0; i < 100000; i++) {
		assert_int_equal(dp_bernoulli_exp(&rng, 5, 2, &b), DP_OK);
		ones += b;
	}
	assert_true(fabs(ones - 100000 * exp(-2.5)) < 5 * sqrt(100000 *
	    exp(-2.5) * (1 - exp(-2.5))));
	assert_int_equal(dp_bernoulli(&rng, 8, 7, &b), DP_EPARAM);
	assert_int_equal(dp_bernoulli(&rng, 0, 0, &b), DP_EPARAM);
	assert_int_equal(dp_bernoulli(&broken, 1, 2, &b), DP_ERANDOM);
}

static void
test_accountant(void **state)
{
	struct dp_accountant a, back;
	uint8_t buf[DP_ACCOUNTANT_LEN];
	uint64_t counts[4] = { 10, 0, 5000, 7 }, out[4], keep[4];
	int64_t v;

	(void)state;
	seed = 4;
	assert_int_equal(dp_account_init(&a, 3, 1), DP_EPARAM);
	assert_int_equal(dp_account_init(&a, DP_PURE, 30000), DP_OK);
	/* ε = 0.01 at most per capsule release. */
	assert_int_equal(dp_release_counts(&a, &rng, counts, 4, 10001, out),
	    DP_EPARAM);
	for (int i = 0; i < 3; i++)
		assert_int_equal(dp_release_counts(&a, &rng, counts, 4,
		    DP_CAPSULE_EPS_MAX, out), DP_OK);
	assert_int_equal(a.spent, 30000);
	memcpy(keep, out, sizeof out);
	assert_int_equal(dp_release_counts(&a, &rng, counts, 4, 1, out),
	    DP_EBUDGET);
	assert_memory_equal(keep, out, sizeof out);
	assert_int_equal(a.spent, 30000);
	/* The noise (scale 100) is there: not all releases are exact. */
	assert_true(out[0] != 10 || out[2] != 5000 || out[3] != 7);
	/* Stored and restored, still refusing. */
	dp_account_encode(&a, buf);
	assert_int_equal(dp_account_decode(&back, buf, sizeof buf), DP_OK);
	assert_int_equal(dp_release_laplace(&back, &rng, 5, 1, 1, &v),
	    DP_EBUDGET);
	buf[23] = 0xff;		/* spent > cap */
	assert_int_equal(dp_account_decode(&back, buf, sizeof buf), DP_EPARAM);
	assert_int_equal(dp_account_decode(&back, buf, 5), DP_EPARAM);
	/* zCDP: σ² = 50 with Δ = 1 costs ρ = 0.01. */
	assert_int_equal(dp_account_init(&a, DP_ZCDP, 25000), DP_OK);
	assert_int_equal(dp_release_laplace(&a, &rng, 5, 1, 10, &v), DP_EPARAM);
	assert_int_equal(dp_release_gaussian(&a, &rng, 100, 1, 50, 1, &v), DP_OK);
	assert_int_equal(a.spent, 10000);
	assert_int_equal(dp_release_gaussian(&a, &rng, 100, 1, 50, 1, &v), DP_OK);
	assert_int_equal(dp_release_gaussian(&a, &rng, 100, 1, 50, 1, &v),
	    DP_EBUDGET);
	assert_int_equal(a.spent, 20000);
	assert_int_equal(dp_account_init(&a, DP_PURE, 100), DP_OK);
	assert_int_equal(dp_release_laplace(&a, &broken, 5, 1, 10, &v),
	    DP_ERANDOM);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bernoulli),
		cmocka_unit_test(test_laplace_fit),
		cmocka_unit_test(test_gaussian_fit),
		cmocka_unit_test(test_accountant),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
