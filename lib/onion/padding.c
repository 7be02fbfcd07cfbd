/*
 * Channel padding decisions and timeouts (padding-spec §2), kept free
 * of I/O and clocks so they can be tested alone; client.c applies them
 * to its links.
 */
#include <string.h>

#include "lib/onion/padding.h"

#define IDLE_BASE_S	180	/* tor: client channels live 3..4.5 min idle */

void
onion_pad_defaults(struct onion_pad_params *p)
{
	p->ito_low_ms = ONION_NF_ITO_LOW;
	p->ito_high_ms = ONION_NF_ITO_HIGH;
	p->pad_before_usage = 1;
}

static int
is(const char *key, size_t keylen, const char *name)
{
	return strlen(name) == keylen && memcmp(key, name, keylen) == 0;
}

int
onion_pad_param(struct onion_pad_params *p, const char *key, size_t keylen,
    uint32_t value)
{
	if (is(key, keylen, "nf_ito_low")) {
		if (value <= ONION_NF_ITO_MAX)
			p->ito_low_ms = value;
	} else if (is(key, keylen, "nf_ito_high")) {
		if (value <= ONION_NF_ITO_MAX)
			p->ito_high_ms = value;
	} else if (is(key, keylen, "nf_pad_before_usage")) {
		if (value <= 1)
			p->pad_before_usage = value;
	} else
		return 0;
	return 1;
}

void
onion_pad_fixup(struct onion_pad_params *p)
{
	if (p->ito_high_ms < p->ito_low_ms)
		p->ito_high_ms = p->ito_low_ms;
}

int
onion_pad_wanted(const struct onion_pad_params *p, int ver,
    enum onion_chan_usage usage)
{
	if (ver < 5)
		return 0;
	switch (usage) {
	case CHAN_USER_TRAFFIC:
		return 1;
	case CHAN_FULL_CIRCS:
		return p->pad_before_usage != 0;
	default:
		return 0;
	}
}

uint32_t
onion_pad_timeout(const struct onion_pad_params *p, uint64_t r1, uint64_t r2)
{
	uint32_t range, x1, x2;

	if (p->ito_low_ms == 0 && p->ito_high_ms == 0)
		return 0;
	if (p->ito_high_ms <= p->ito_low_ms)
		return p->ito_low_ms;
	range = p->ito_high_ms - p->ito_low_ms;
	x1 = (uint32_t)(r1 % range);
	x2 = (uint32_t)(r2 % range);
	return p->ito_low_ms + (x1 > x2 ? x1 : x2);
}

int
onion_pad_tick(struct onion_pad_timer *t, const struct onion_pad_params *p,
    int wanted, int active, uint64_t now_ms, uint64_t (*rnd)(void))
{
	uint32_t ms;

	if (active) {
		t->active_ms = now_ms;
		t->pad_at = 0;
	}
	if (!wanted)
		return 0;
	if (t->pad_at == 0) {
		if ((ms = onion_pad_timeout(p, rnd(), rnd())) == 0)
			return 0;		/* off in this consensus */
		t->pad_at = t->active_ms + ms;
	}
	if (now_ms < t->pad_at)
		return 0;
	/* The PADDING cell is itself the last activity. */
	t->active_ms = now_ms;
	t->pad_at = 0;
	return 1;
}

uint32_t
onion_pad_idle_timeout(uint64_t r)
{
	return IDLE_BASE_S + (uint32_t)(r % (IDLE_BASE_S / 2));
}
