/*
 * The directory over Tor only: the authorities' key certificates, the
 * microdescriptor consensus and its microdescriptors fetched with an
 * HTTP/1.0 GET inside RELAY_BEGIN_DIR streams on one-hop circuits of
 * the client's own (CREATE_FAST to an authority at bootstrap, ntor to
 * a relay afterwards, as tor does), never from a DirPort. Every document
 * goes through the parsers and verifiers of dir.h. Refreshes run while
 * the client does, at the time dir-spec §5.1 gives clients, through
 * the guard when it is a directory cache, and switch the client to the
 * new consensus keeping its guard. No allocation: the caller gives the
 * two relay tables and the response buffer.
 *
 * Use: onion_dir_init, then onion_client_init with onion_dir_consensus()
 * and onion_dir_events() installed as the client's dir_ev, then call
 * onion_dir_pump after each onion_client_pump.
 */
#ifndef LIB_ONION_DIRCLIENT_H
#define LIB_ONION_DIRCLIENT_H

#include "lib/onion/client.h"

#define ONION_DIR_MD_BATCH	90	/* digests per request, as tor */
#define ONION_DIR_TIMEOUT_MS	30000	/* one request, circuit included */
#define ONION_DIR_RELAY_TRIES	3	/* caches tried before authorities */
#define ONION_DIR_REQ_MAX	(64 + ONION_DIR_MD_BATCH * 44)

enum onion_dir_phase {
	DIR_IDLE,		/* consensus in use; waiting for refresh_at */
	DIR_KEYS,		/* fetching /tor/keys/all */
	DIR_CONSENSUS,		/* fetching the microdesc consensus */
	DIR_MICRODESCS,		/* fetching microdescriptors in batches */
	DIR_FAILED,		/* bootstrap failed on every authority */
};

struct onion_dir_stats {
	uint64_t	requests;	/* BEGIN_DIR streams opened */
	uint64_t	bytes;		/* response bytes received */
	uint64_t	failures;	/* requests or documents refused */
	uint64_t	refreshes;	/* consensuses switched to after the first */
};

struct onion_dirclient {
	struct onion_client	*cl;
	const struct onion_authority *auth;
	size_t			nauth;
	struct onion_authcert	certs[ONION_MAX_AUTHORITIES];
	size_t			ncerts;
	struct onion_consensus	cons[2];	/* in use and being fetched */
	int			cur;		/* -1 before the first */
	int64_t			max_age;	/* lateness accepted, s */
	char			*buf;		/* responses (caller's) */
	size_t			cap, len;
	const char		*preset;	/* consensus given, not fetched */
	size_t			preset_len;
	enum onion_dir_phase	phase;
	int			keys_again;	/* refetched keys for this one */
	size_t			md_next;	/* next relay to ask about */
	size_t			md_end;		/* after the batch asked for */
	int64_t			refresh_at;	/* Unix s */
	/* The request in flight. */
	int			circ, stream;	/* -1: none */
	int			ended, end_err, end_reason;
	char			req[ONION_DIR_REQ_MAX];
	size_t			req_len, req_off;
	uint64_t		deadline_ms;
	unsigned		tries;		/* sources tried for this phase */
	uint32_t		start;		/* random first source */
	char			source[ONION_NICK_MAX + 1];	/* for logs */
	int			err;		/* why the last one failed */
	int			expired;	/* a source's certificates or
						   documents were out of date */
	struct onion_dir_stats	stats;
};

/*
 * Sets d up for nauth authorities (kept by pointer), relay tables t0
 * and t1 of cap entries each, and a response buffer of bufcap bytes
 * (the consensus is the largest document). max_age: seconds past
 * valid-until a consensus is still accepted (tor: 24 h). The client's
 * avoid bytes (onion_client_init) must cover cap relays.
 */
void	onion_dir_init(struct onion_dirclient *d, struct onion_client *cl,
	    const struct onion_authority *auth, size_t nauth,
	    struct onion_relay *t0, struct onion_relay *t1, size_t cap,
	    char *buf, size_t bufcap, int64_t max_age);

/* The consensus to give onion_client_init (empty before bootstrap). */
const struct onion_consensus *onion_dir_consensus(
	    const struct onion_dirclient *d);
/* The callbacks to install as the client's dir_ev. */
struct onion_events onion_dir_events(struct onion_dirclient *d);

/*
 * Uses text (kept by pointer) as the consensus instead of fetching it at
 * bootstrap; it is verified like a fetched one and a refusal is final.
 */
void	onion_dir_preset_consensus(struct onion_dirclient *d, const char *text,
	    size_t len);

/*
 * Drives the fetches: bootstrap at first, later a refresh when
 * onion_dir_refresh_due. Returns 1 when a new consensus is in use (the
 * first, or a refresh), 0 otherwise, or the error that made bootstrap
 * fail on every authority (refresh failures are retried; see stats):
 * ONION_EEXPIRED when any of them failed for dates, as that is the one
 * the user can act on (the clock).
 */
int	onion_dir_pump(struct onion_dirclient *d, uint64_t now_ms, int64_t now);

/* Whether a consensus with microdescriptors is in use. */
int	onion_dir_ready(const struct onion_dirclient *d);
/* Whether a refresh is due at now (Unix s) and none is running. */
int	onion_dir_refresh_due(const struct onion_dirclient *d, int64_t now);
/* Starts a refresh now (if none is running). */
int	onion_dir_refresh(struct onion_dirclient *d, uint64_t now_ms);

/*
 * When a client fetches the consensus after c (dir-spec §5.1, tor's
 * schedule): uniformly in the 7/8 of [start, valid-until) after start =
 * fresh-until + 3/4 of (fresh-until - valid-after), from r.
 */
int64_t	onion_dir_refresh_time(const struct onion_consensus *c, uint64_t r);

/*
 * An HTTP/1.0 response (dir-spec §6): "HTTP/1.x NNN reason", headers,
 * an empty line, the body. Sets *status and *body_off. A Content-Encoding
 * other than identity is ONION_EPROTO (we ask for none); a malformed
 * head ONION_EPARSE; a head not yet complete ONION_ETRUNC.
 */
int	onion_http_response(const char *buf, size_t len, int *status,
	    size_t *body_off);

#endif
