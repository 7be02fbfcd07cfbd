/*
 * Relays simulated at the relay-cell level, for tests and fuzzers that
 * drive lib/onion's circuits without a network: circuit ci of a client
 * is opened as if built through three relays whose keys are known to
 * both sides, and the relays' side of the crypto is kept so the caller
 * can seal what an exit sends (and read what the client sends).
 */
#ifndef TESTS_UNIT_ONION_SIM_H
#define TESTS_UNIT_ONION_SIM_H

#include <string.h>

#include "lib/onion/client.h"

#define ONION_SIM_ID(ci)	(0x80000001u + (uint32_t)(ci))

/*
 * Circuit ci, open through three relays whose keys are 16 * ci + i + 1
 * repeated (i = 0 the guard .. 2 the exit), with or without congestion
 * control; relay[i] gets relay i's view: the two digests and the two
 * keys swapped.
 */
static void
onion_sim_open(struct onion_client *cl, int ci, int cc,
    struct onion_hop_crypto relay[3])
{
	struct onion_circ *c = &cl->circs[ci];
	uint8_t keys[ONION_HOP_KEYS], rk[ONION_HOP_KEYS];
	int i;

	c->state = CIRC_OPEN;
	c->id = ONION_SIM_ID(ci);
	c->nhops = 3;
	c->package_window = c->deliver_window = ONION_CIRCWINDOW;
	c->package_max = ONION_CIRCWINDOW;
	c->sendme_inc = ONION_CIRC_INC;
	if (cc) {
		c->cc = 1;
		c->sendme_inc = 31;
		c->package_max = c->package_window = 124;
	}
	c->early_left = 8;
	c->next_stream = 1;
	for (i = 0; i < 3; i++) {
		memset(keys, 16 * ci + i + 1, sizeof keys);
		onion_hop_init(&c->hops[i], keys);
		memcpy(rk, keys + 20, 20), memcpy(rk + 20, keys, 20);
		memcpy(rk + 40, keys + 56, 16), memcpy(rk + 56, keys + 40, 16);
		onion_hop_init(&relay[i], rk);
		c->path[i].relay_index = i;
	}
}

/*
 * Relay hop of a simulated circuit sends payload p towards the client:
 * it seals p, then each relay before it adds its layer. 0, or the error.
 */
static int
onion_sim_seal(struct onion_hop_crypto relay[3], int hop,
    uint8_t p[ONION_PAYLOAD_LEN])
{
	int i, r;

	if ((r = onion_relay_seal(&relay[hop], 0, p, NULL)) != 0)
		return r;
	for (i = hop - 1; i >= 0; i--)
		if ((r = onion_ctr_xor(&relay[i].kf, p, ONION_PAYLOAD_LEN)) != 0)
			return r;
	return 0;
}

#endif
