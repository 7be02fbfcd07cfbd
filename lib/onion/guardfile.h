/*
 * The entry guard kept across sessions (guard-spec §4): oniond's state
 * file, tor/state in the RAM file system, which a vault keeps when the
 * user saves one (docs/onion.md, "Guards"). One guard, by identity, with
 * the time it was chosen; after GUARD_LIFETIME it is replaced, as tor
 * replaces a sampled guard.
 *
 * The file is text:
 *
 *	# comment lines and blank lines
 *	guard <40 hex digits: RSA identity> <nickname> <chosen: Unix seconds>
 *
 * It is read from a file the user may edit, so anything else is refused
 * with the line and the reason.
 */
#ifndef LIB_ONION_GUARDFILE_H
#define LIB_ONION_GUARDFILE_H

#include "lib/onion/dir.h"

#define GUARDFILE_MAX		4096		/* longer files are refused */
#define GUARD_LIFETIME		(120 * 86400LL)	/* guard-spec's default */

struct onion_guard_rec {
	uint8_t	rsa_id[ONION_ID_LEN];
	char	nick[ONION_NICK_MAX + 1];
	int64_t	chosen;		/* Unix seconds, blurred (onion_guard_chosen) */
};

/*
 * Parses text (len bytes, no NUL needed) into g. ONION_OK, or
 * ONION_EPARSE with why (cut to whycap, NUL-terminated) naming the line
 * and the fault.
 */
int	onion_guardfile_parse(const char *text, size_t len,
	    struct onion_guard_rec *g, char *why, size_t whycap);

/* The file for g into buf; its length, or 0 if cap is too small. */
size_t	onion_guardfile_format(char *buf, size_t cap,
	    const struct onion_guard_rec *g);

/*
 * The time to record as "chosen" for a guard picked at now: now less a
 * random part (rnd) of a tenth of the lifetime, as tor blurs it, so a
 * saved file does not say when the user first went online.
 */
int64_t	onion_guard_chosen(int64_t now, uint64_t rnd);

/*
 * Whether g must be replaced at now: chosen at least GUARD_LIFETIME ago,
 * or more than a day in the future (a clock set back, or an edited file).
 */
int	onion_guard_expired(const struct onion_guard_rec *g, int64_t now);

#endif
