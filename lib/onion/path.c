/*
 * Bandwidth-weighted relay choice (path-spec §2.2, dir-spec §3.8.3):
 * each candidate's consensus bandwidth is scaled by the weight for its
 * position and flags; relays of one family or /16 never share a path.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/path.h"

static int
lists(const struct onion_relay *a, const struct onion_relay *b)
{
	size_t i;

	for (i = 0; i < a->nfamily; i++)
		if (memcmp(a->family[i], b->rsa_id, ONION_ID_LEN) == 0)
			return 1;
	return 0;
}

int
onion_path_compatible(const struct onion_relay *a, const struct onion_relay *b,
    const struct onion_path_rules *rules)
{
	if (a == b || memcmp(a->rsa_id, b->rsa_id, ONION_ID_LEN) == 0)
		return 0;
	if (a->have_ed && b->have_ed && memcmp(a->ed_id, b->ed_id, 32) == 0)
		return 0;
	if (lists(a, b) && lists(b, a))		/* family is mutual */
		return 0;
	if (rules->distinct_subnets && (a->ipv4 >> 16) == (b->ipv4 >> 16))
		return 0;
	return 1;
}

static int
usable(const struct onion_relay *r, int pos, const struct onion_path_rules *ru)
{
	const uint16_t need = RF_RUNNING | RF_VALID;

	if (!r->have_md || (r->flags & need) != need)
		return 0;
	if (pos == POS_GUARD && !(r->flags & RF_GUARD))
		return 0;
	if (pos == POS_EXIT) {
		if (!(r->flags & RF_EXIT) || (r->flags & RF_BADEXIT))
			return 0;
		if (ru->exit_port != 0 && !onion_relay_allows_port(r,
		    ru->exit_port))
			return 0;
	}
	return 1;
}

static uint64_t
weight(const struct onion_consensus *c, const struct onion_relay *r, int pos)
{
	int g = (r->flags & RF_GUARD) != 0;
	int e = (r->flags & RF_EXIT) && !(r->flags & RF_BADEXIT);
	int w;

	switch (pos) {
	case POS_GUARD:
		w = e ? c->w[W_GD] : c->w[W_GG];
		break;
	case POS_EXIT:
		w = g ? c->w[W_ED] : c->w[W_EE];
		break;
	default:
		w = g && e ? c->w[W_MD] : g ? c->w[W_MG] : e ? c->w[W_ME] :
		    c->w[W_MM];
		break;
	}
	return (uint64_t)r->bw * (uint64_t)(w < 0 ? 0 : w);
}

int
onion_path_pick(const struct onion_consensus *c, int pos, const int *chosen,
    size_t n, const struct onion_path_rules *rules, uint64_t rnd)
{
	uint64_t total = 0, count = 0, target = 0, acc = 0;
	size_t i, j;
	int pass, ok;

	/* Pass 0 sums; pass 1 walks to the chosen one. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if (count == 0)
				return ONION_ENOPATH;
			/* All weights zero: choose uniformly. */
			target = total > 0 ? rnd % total : rnd % count;
		}
		for (i = 0; i < c->nrelays; i++) {
			const struct onion_relay *r = &c->relays[i];

			if ((rules->avoid != NULL && rules->avoid[i]) ||
			    !usable(r, pos, rules))
				continue;
			for (ok = 1, j = 0; j < n && ok; j++)
				ok = onion_path_compatible(r,
				    &c->relays[chosen[j]], rules);
			if (!ok)
				continue;
			if (pass == 0) {
				total += weight(c, r, pos);
				count++;
				continue;
			}
			acc += total > 0 ? weight(c, r, pos) : 1;
			if (acc > target)
				return (int)i;
		}
	}
	return ONION_ENOPATH;
}

static uint64_t
rand64(void)
{
	uint64_t v = 0;

	if (nc_random_bytes(&v, sizeof v) != NC_OK)
		return 0;
	return v;
}

int
onion_path_guard_ok(const struct onion_consensus *c, int idx,
    const struct onion_path_rules *rules)
{
	return idx >= 0 && (size_t)idx < c->nrelays &&
	    (rules->avoid == NULL || !rules->avoid[idx]) &&
	    usable(&c->relays[idx], POS_GUARD, rules);
}

int
onion_path_build(const struct onion_consensus *c, int *guard,
    const struct onion_path_rules *rules, int out[3])
{
	struct onion_path_rules any = *rules;
	int g = *guard, e, m, chosen[2];

	if (g >= 0 && !onion_path_guard_ok(c, g, rules))
		g = -1;
	if (g < 0) {
		any.exit_port = 0;
		if ((g = onion_path_pick(c, POS_GUARD, NULL, 0, &any,
		    rand64())) < 0)
			return g;
		*guard = g;
	}
	chosen[0] = g;
	if ((e = onion_path_pick(c, POS_EXIT, chosen, 1, rules, rand64())) < 0)
		return e;
	chosen[1] = e;
	if ((m = onion_path_pick(c, POS_MIDDLE, chosen, 2, rules,
	    rand64())) < 0)
		return m;
	out[0] = g;
	out[1] = m;
	out[2] = e;
	return ONION_OK;
}
