/*
 * Differential privacy with integers only: exact samplers for the
 * discrete Laplace and discrete Gaussian distributions (Canonne, Kamath,
 * Steinke 2020, "The Discrete Gaussian for Differential Privacy";
 * Bernoulli(exp(-x)) by their exact method, never floating point, so
 * none of the attacks on floating-point noise (Mironov 2012) apply), and
 * a privacy-budget accountant (pure ε or zCDP ρ) with a lifetime cap
 * past which it refuses. Randomness comes from a byte source the caller
 * supplies; nothing here reads a clock or allocates.
 */
#ifndef LIB_DP_DP_H
#define LIB_DP_DP_H

#include <stddef.h>
#include <stdint.h>

#define DP_OK		0
#define DP_EPARAM	(-1)	/* a parameter out of range */
#define DP_ERANDOM	(-2)	/* the byte source failed */
#define DP_EBUDGET	(-3)	/* the release would pass the lifetime cap */

/* Fills buf with n uniformly random bytes; returns 0, or nonzero on failure. */
struct dp_rng {
	int (*bytes)(void *ctx, uint8_t *buf, size_t n);
	void *ctx;
};

/* Bernoulli(num/den), 0 <= num <= den, den >= 1. */
int dp_bernoulli(const struct dp_rng *r, uint64_t num, uint64_t den, int *out);
/* Bernoulli(exp(-num/den)), 1 <= den < 2^84. */
int dp_bernoulli_exp(const struct dp_rng *r, unsigned __int128 num,
    unsigned __int128 den, int *out);
/*
 * Discrete Laplace with scale t/s: P(y) ∝ exp(-|y| s / t). 1 <= s, t <=
 * 2^32.
 */
int dp_laplace(const struct dp_rng *r, uint64_t s, uint64_t t, int64_t *out);
/*
 * Discrete Gaussian with variance parameter σ² = num/den: P(y) ∝
 * exp(-y² / (2σ²)). 1 <= num <= 2^32, 1 <= den <= 2^16.
 */
int dp_gaussian(const struct dp_rng *r, uint64_t num, uint64_t den,
    int64_t *out);

/*
 * The accountant. Budgets are in millionths (ε = 0.01 is 10000); a cost
 * is rounded up, so the accountant never understates what was spent.
 * PURE adds ε per release (basic composition); ZCDP adds ρ.
 */
enum dp_kind { DP_PURE = 1, DP_ZCDP };

struct dp_accountant {
	uint32_t kind;
	uint64_t cap;		/* lifetime budget, millionths */
	uint64_t spent;
};

#define DP_ACCOUNTANT_LEN	(4 + 4 + 8 + 8)

int dp_account_init(struct dp_accountant *a, enum dp_kind kind, uint64_t cap);
/* Charges cost millionths, or refuses with DP_EBUDGET and charges nothing. */
int dp_account_charge(struct dp_accountant *a, uint64_t cost);
/* The accountant's stored form (it must outlive the process). */
void dp_account_encode(const struct dp_accountant *a,
    uint8_t out[DP_ACCOUNTANT_LEN]);
int dp_account_decode(struct dp_accountant *a, const uint8_t *buf, size_t len);

/*
 * value + discrete Laplace noise calibrated to sensitivity Δ and ε =
 * eps_micro millionths (scale Δ / ε), charged to a PURE accountant
 * first. DP_EBUDGET leaves *out untouched.
 */
int dp_release_laplace(struct dp_accountant *a, const struct dp_rng *r,
    int64_t value, uint64_t sensitivity, uint64_t eps_micro, int64_t *out);
/*
 * value + discrete Gaussian noise of variance num/den, charged ρ = Δ² /
 * (2σ²) to a ZCDP accountant first.
 */
int dp_release_gaussian(struct dp_accountant *a, const struct dp_rng *r,
    int64_t value, uint64_t sensitivity, uint64_t num, uint64_t den,
    int64_t *out);

/* The most a per-capsule count release may spend: ε = 0.01. */
#define DP_CAPSULE_EPS_MAX	10000

/*
 * Per-capsule call counts for one epoch, released with ε = eps_micro
 * (at most DP_CAPSULE_EPS_MAX): one call changes one count by one, so
 * the vector has L1 sensitivity 1 and one charge of ε covers it. Noisy
 * counts below zero are reported as zero (post-processing). The raw
 * counts are never written out.
 */
int dp_release_counts(struct dp_accountant *a, const struct dp_rng *r,
    const uint64_t *counts, size_t n, uint64_t eps_micro, uint64_t *out);

#endif
