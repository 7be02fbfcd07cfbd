/*
 * The privacy accountant and the releases that charge it before they
 * sample: a release that would pass the lifetime cap is refused whole.
 */
#include <string.h>

#include "lib/dp/dp.h"

#define MICRO	1000000u

int
dp_account_init(struct dp_accountant *a, enum dp_kind kind, uint64_t cap)
{
	if (kind != DP_PURE && kind != DP_ZCDP)
		return DP_EPARAM;
	a->kind = kind;
	a->cap = cap;
	a->spent = 0;
	return DP_OK;
}

int
dp_account_charge(struct dp_accountant *a, uint64_t cost)
{
	if (a->spent > a->cap || cost > a->cap - a->spent)
		return DP_EBUDGET;
	a->spent += cost;
	return DP_OK;
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void
dp_account_encode(const struct dp_accountant *a, uint8_t out[DP_ACCOUNTANT_LEN])
{
	memcpy(out, "DPA1", 4);
	out[4] = (uint8_t)a->kind;
	out[5] = out[6] = out[7] = 0;
	put64(out + 8, a->cap);
	put64(out + 16, a->spent);
}

int
dp_account_decode(struct dp_accountant *a, const uint8_t *buf, size_t len)
{
	if (len != DP_ACCOUNTANT_LEN || memcmp(buf, "DPA1", 4) != 0 ||
	    (buf[4] != DP_PURE && buf[4] != DP_ZCDP) || buf[5] || buf[6] ||
	    buf[7] || get64(buf + 16) > get64(buf + 8))
		return DP_EPARAM;
	a->kind = buf[4];
	a->cap = get64(buf + 8);
	a->spent = get64(buf + 16);
	return DP_OK;
}

/*
 * Scale Δ/ε with ε = eps_micro / 10^6: the Laplace of P ∝ exp(-|y| s/t)
 * with s = eps_micro and t = Δ · 10^6. The charge is ε exactly.
 */
int
dp_release_laplace(struct dp_accountant *a, const struct dp_rng *r,
    int64_t value, uint64_t sensitivity, uint64_t eps_micro, int64_t *out)
{
	int64_t noise;
	int err;

	if (a->kind != DP_PURE || eps_micro == 0 || sensitivity == 0 ||
	    sensitivity > 4294 || eps_micro > ((uint64_t)1 << 32))
		return DP_EPARAM;
	if ((err = dp_account_charge(a, eps_micro)) != DP_OK)
		return err;
	if ((err = dp_laplace(r, eps_micro, sensitivity * MICRO, &noise)) != DP_OK)
		return err;
	if ((noise > 0 && value > INT64_MAX - noise) ||
	    (noise < 0 && value < INT64_MIN - noise))
		*out = noise > 0 ? INT64_MAX : INT64_MIN;
	else
		*out = value + noise;
	return DP_OK;
}

/* ρ = Δ² / (2σ²) = Δ² den / (2 num), in millionths rounded up. */
int
dp_release_gaussian(struct dp_accountant *a, const struct dp_rng *r,
    int64_t value, uint64_t sensitivity, uint64_t num, uint64_t den,
    int64_t *out)
{
	uint64_t rho;
	int64_t noise;
	int err;

	if (a->kind != DP_ZCDP || sensitivity == 0 || sensitivity > (1u << 12) ||
	    num == 0 || den == 0 || num > ((uint64_t)1 << 32) || den > (1u << 16))
		return DP_EPARAM;
	/* At most 2^24 * 2^16 * 2^20: no overflow. */
	rho = sensitivity * sensitivity * den * MICRO;
	rho = (rho + 2 * num - 1) / (2 * num);
	if ((err = dp_account_charge(a, rho)) != DP_OK)
		return err;
	if ((err = dp_gaussian(r, num, den, &noise)) != DP_OK)
		return err;
	if ((noise > 0 && value > INT64_MAX - noise) ||
	    (noise < 0 && value < INT64_MIN - noise))
		*out = noise > 0 ? INT64_MAX : INT64_MIN;
	else
		*out = value + noise;
	return DP_OK;
}

int
dp_release_counts(struct dp_accountant *a, const struct dp_rng *r,
    const uint64_t *counts, size_t n, uint64_t eps_micro, uint64_t *out)
{
	int err;

	if (a->kind != DP_PURE || eps_micro == 0 ||
	    eps_micro > DP_CAPSULE_EPS_MAX)
		return DP_EPARAM;
	for (size_t i = 0; i < n; i++)
		if (counts[i] > INT64_MAX)
			return DP_EPARAM;
	if ((err = dp_account_charge(a, eps_micro)) != DP_OK)
		return err;
	for (size_t i = 0; i < n; i++) {
		int64_t noise, v;

		if ((err = dp_laplace(r, eps_micro, MICRO, &noise)) != DP_OK)
			return err;
		v = (int64_t)counts[i];
		if (noise < 0 && v < -noise)
			out[i] = 0;
		else if (noise > 0 && v > INT64_MAX - noise)
			out[i] = INT64_MAX;
		else
			out[i] = (uint64_t)(v + noise);
	}
	return DP_OK;
}
