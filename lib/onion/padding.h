/*
 * Channel padding (padding-spec §2): a client sends a PADDING cell on a
 * channel that has been idle for a timeout sampled from the consensus's
 * nf_ito_low..nf_ito_high range, so that a NetFlow record of the TCP
 * connection neither ends nor splits while the user is quiet. A stock
 * tor client negotiates nothing (no PADDING_NEGOTIATE): it pads with the
 * consensus's parameters and lets its guard do the same.
 */
#ifndef LIB_ONION_PADDING_H
#define LIB_ONION_PADDING_H

#include <stdint.h>

/* tor's defaults and bounds for the consensus "params" it reads. */
#define ONION_NF_ITO_LOW	1500	/* ms */
#define ONION_NF_ITO_HIGH	9500	/* ms */
#define ONION_NF_ITO_MAX	60000	/* ms, both bounds */

struct onion_pad_params {
	uint32_t	ito_low_ms;		/* nf_ito_low */
	uint32_t	ito_high_ms;		/* nf_ito_high, >= ito_low_ms */
	uint32_t	pad_before_usage;	/* nf_pad_before_usage, 0 or 1 */
};

/* How a channel has been used so far (tor's channel_usage). */
enum onion_chan_usage {
	CHAN_UNUSED,		/* nothing, or one-hop directory circuits */
	CHAN_FULL_CIRCS,	/* a multi-hop circuit was launched on it */
	CHAN_USER_TRAFFIC,	/* a stream was opened through it */
};

/* tor's defaults, for a consensus whose "params" line says nothing. */
void	onion_pad_defaults(struct onion_pad_params *p);

/*
 * Reads one "params" entry; returns 1 if key was a padding parameter
 * (applied when value is within tor's bounds, ignored otherwise), else 0.
 * Call onion_pad_fixup once the line is read.
 */
int	onion_pad_param(struct onion_pad_params *p, const char *key,
	    size_t keylen, uint32_t value);
/* As tor: nf_ito_high is never below nf_ito_low. */
void	onion_pad_fixup(struct onion_pad_params *p);

/*
 * Whether a client pads a channel of link protocol version ver used as
 * usage: only from version 5 (where padding is defined), on channels
 * carrying user traffic, and on channels with full circuits only if
 * nf_pad_before_usage; one-hop directory channels never.
 */
int	onion_pad_wanted(const struct onion_pad_params *p, int ver,
	    enum onion_chan_usage usage);

/*
 * The idle time (ms) after which to send PADDING: low + max(X1, X2) with
 * X1 and X2 uniform in [0, high - low) taken from r1 and r2 (so both
 * ends padding average near the middle of the range, padding-spec
 * §2); low if the range is empty; 0 if padding is off (both 0).
 */
uint32_t onion_pad_timeout(const struct onion_pad_params *p, uint64_t r1,
	    uint64_t r2);

/*
 * A channel's padding timer (padding-spec §2, tor's channelpadding.c).
 * active_ms: the last cell sent or received other than padding; pad_at:
 * when PADDING is due, 0 until sampled.
 */
struct onion_pad_timer {
	uint64_t	active_ms;
	uint64_t	pad_at;
};

/*
 * One tick at now_ms. active: a cell went either way since the last
 * tick (not counting padding received); wanted: onion_pad_wanted and no
 * cells waiting to be sent. A new timeout is drawn (rnd gives uniform
 * 64-bit values) after activity and after each PADDING. Returns 1 when
 * PADDING is due now.
 */
int	onion_pad_tick(struct onion_pad_timer *t, const struct onion_pad_params *p,
	    int wanted, int active, uint64_t now_ms, uint64_t (*rnd)(void));

/*
 * How long (s) a client channel with no circuits stays open: tor's 3 to
 * 4.5 minutes, from r. The guard's channel is not closed for idling.
 */
uint32_t onion_pad_idle_timeout(uint64_t r);

#endif
