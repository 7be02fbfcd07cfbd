/*
 * Path selection (path-spec §2): a guard, a middle and an exit chosen
 * by consensus bandwidth weights, never two of the same family or, when
 * asked, of the same /16.
 */
#ifndef LIB_ONION_PATH_H
#define LIB_ONION_PATH_H

#include "lib/onion/dir.h"

enum { POS_GUARD, POS_MIDDLE, POS_EXIT };

struct onion_path_rules {
	int		distinct_subnets;	/* no two relays in one /16 */
	uint16_t	exit_port;		/* 0: any exit */
	const uint8_t	*avoid;		/* per relay: nonzero = unusable */
};

/* Whether a and b may share a circuit under rules. */
int	onion_path_compatible(const struct onion_relay *a,
	    const struct onion_relay *b, const struct onion_path_rules *rules);

/*
 * Picks a relay for position pos, compatible with the n relays already
 * in `chosen` (indices). rnd is a uniform 64-bit random value. Returns
 * the relay's index or ONION_ENOPATH.
 */
int	onion_path_pick(const struct onion_consensus *c, int pos,
	    const int *chosen, size_t n, const struct onion_path_rules *rules,
	    uint64_t rnd);

/* Whether relay idx of c may be a guard now (rules->avoid honoured). */
int	onion_path_guard_ok(const struct onion_consensus *c, int idx,
	    const struct onion_path_rules *rules);

/*
 * A whole path: guard (kept if *guard >= 0 and still usable, else
 * chosen and stored), then exit, then middle. out[0..2] = guard,
 * middle, exit.
 */
int	onion_path_build(const struct onion_consensus *c, int *guard,
	    const struct onion_path_rules *rules, int out[3]);

#endif
