/*
 * Exact samplers (Canonne, Kamath, Steinke 2020, Algorithms 1-3): every
 * probability is a ratio of integers, every draw a rejection-sampled
 * uniform integer, so the output distribution is exactly the stated one.
 */
#include "lib/dp/dp.h"

typedef unsigned __int128 u128;

/* A uniform integer in [0, n), n >= 1, by rejection on the bit length. */
static int
uniform(const struct dp_rng *r, u128 n, u128 *out)
{
	int bits = 0;
	u128 mask, v;

	while (bits < 128 && (n - 1) >> bits != 0)
		bits++;
	mask = bits == 128 ? ~(u128)0 : ((u128)1 << bits) - 1;
	for (;;) {
		uint8_t b[16];
		int nbytes = (bits + 7) / 8;

		if (nbytes == 0) {
			*out = 0;
			return DP_OK;
		}
		if (r->bytes(r->ctx, b, (size_t)nbytes) != 0)
			return DP_ERANDOM;
		v = 0;
		for (int i = 0; i < nbytes; i++)
			v |= (u128)b[i] << (8 * i);
		v &= mask;
		if (v < n) {
			*out = v;
			return DP_OK;
		}
	}
}

static int
bernoulli(const struct dp_rng *r, u128 num, u128 den, int *out)
{
	u128 u;
	int err;

	if (den == 0 || num > den)
		return DP_EPARAM;
	if ((err = uniform(r, den, &u)) != DP_OK)
		return err;
	*out = u < num;
	return DP_OK;
}

int
dp_bernoulli(const struct dp_rng *r, uint64_t num, uint64_t den, int *out)
{
	return bernoulli(r, num, den, out);
}

/*
 * Bernoulli(exp(-γ)) for γ = num/den in [0, 1]: draw Bernoulli(γ/k) for
 * k = 1, 2, ... until one fails; the answer is whether k ended odd.
 */
static int
bernoulli_exp_small(const struct dp_rng *r, u128 num, u128 den, int *out)
{
	u128 k = 1;
	int a, err;

	for (;;) {
		/* den < 2^84 from the callers here; k past 2^39 has
		 * probability below 1/2^39!: the product cannot overflow. */
		if (den >> 84 != 0 || k >> 39 != 0)
			return DP_EPARAM;
		if ((err = bernoulli(r, num, den * k, &a)) != DP_OK)
			return err;
		if (!a)
			break;
		k++;
	}
	*out = k & 1;
	return DP_OK;
}

/* For γ > 1: ⌊γ⌋ draws of Bernoulli(exp(-1)), then the fraction. */
int
dp_bernoulli_exp(const struct dp_rng *r, u128 num, u128 den, int *out)
{
	int b, err;

	if (den == 0)
		return DP_EPARAM;
	while (num > den) {
		if ((err = bernoulli_exp_small(r, 1, 1, &b)) != DP_OK)
			return err;
		if (!b) {
			*out = 0;
			return DP_OK;
		}
		num -= den;
	}
	return bernoulli_exp_small(r, num, den, out);
}

int
dp_laplace(const struct dp_rng *r, uint64_t s, uint64_t t, int64_t *out)
{
	u128 u, v, x, y;
	int d, a, b, err;

	if (s == 0 || t == 0 || s > ((uint64_t)1 << 32) || t > ((uint64_t)1 << 32))
		return DP_EPARAM;
	for (;;) {
		if ((err = uniform(r, t, &u)) != DP_OK ||
		    (err = dp_bernoulli_exp(r, u, t, &d)) != DP_OK)
			return err;
		if (!d)
			continue;
		/* V ~ Geometric(1 - e^-1): count successes of Bernoulli(e^-1). */
		for (v = 0;; v++) {
			if ((err = bernoulli_exp_small(r, 1, 1, &a)) != DP_OK)
				return err;
			if (!a)
				break;
		}
		x = u + (u128)t * v;
		if (x > UINT64_MAX)
			continue;	/* probability below exp(-2^31) */
		y = (uint64_t)x / s;
		if ((err = bernoulli(r, 1, 2, &b)) != DP_OK)
			return err;
		if (b && y == 0)
			continue;
		if (y > INT64_MAX)
			continue;
		*out = b ? -(int64_t)y : (int64_t)y;
		return DP_OK;
	}
}

/*
 * Discrete Gaussian by rejection from the discrete Laplace of scale
 * t = ⌊σ⌋ + 1: accept Y with probability exp(-(|Y| - σ²/t)² / (2σ²)).
 * With σ² = n/d that exponent is (|Y| d t - n)² / (2 n d t²). |Y| is
 * bounded by 2^24 so the square fits in 128 bits; a larger one (the
 * Laplace tail past 2^24 / t >= 2^7 scales) is rejected too.
 */
int
dp_gaussian(const struct dp_rng *r, uint64_t n, uint64_t d, int64_t *out)
{
	uint64_t t;
	int64_t y;
	int c, err;

	if (n == 0 || d == 0 || n > ((uint64_t)1 << 32) || d > (1u << 16))
		return DP_EPARAM;
	/* t = floor(sqrt(n / d)) + 1 */
	for (t = 1; (u128)t * t * d <= n; t++)
		;
	for (;;) {
		u128 ay, diff, num, den;

		if ((err = dp_laplace(r, 1, t, &y)) != DP_OK)
			return err;
		ay = (u128)(y < 0 ? -y : y);
		if (ay > ((u128)1 << 24))
			continue;
		diff = ay * d * t;
		diff = diff > n ? diff - n : n - diff;
		num = diff * diff;
		den = (u128)2 * n * d * t * t;
		if ((err = dp_bernoulli_exp(r, num, den, &c)) != DP_OK)
			return err;
		if (c) {
			*out = y;
			return DP_OK;
		}
	}
}
