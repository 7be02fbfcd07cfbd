/*
 * Directory information a client keeps (dir-spec): the trusted
 * authorities, their key certificates, the microdescriptor consensus
 * and the microdescriptors it names. Parsers fill caller-provided
 * tables; nothing here allocates.
 */
#ifndef LIB_ONION_DIR_H
#define LIB_ONION_DIR_H

#include "lib/onion/onion.h"
#include "lib/onion/padding.h"

#define ONION_MAX_AUTHORITIES	16
#define ONION_NICK_MAX		19
#define ONION_MAX_PORTRANGES	32
#define ONION_MAX_FAMILY	8
#define ONION_RSA_DER_MAX	600	/* up to 4096-bit PKCS#1 keys */

/* A "DirAuthority" line: nickname orport=N [no-v2] v3ident=HEX IP:PORT FP */
struct onion_authority {
	char		nick[ONION_NICK_MAX + 1];
	uint8_t		v3ident[ONION_ID_LEN];
	uint8_t		rsa_id[ONION_ID_LEN];	/* its relay identity */
	uint32_t	ipv4;
	uint16_t	dirport, orport;
};

/* A verified authority key certificate (dir-spec §3.1). */
struct onion_authcert {
	uint8_t		v3ident[ONION_ID_LEN];
	uint8_t		signing_digest[ONION_ID_LEN];
	int64_t		expires;
	uint8_t		signing_der[ONION_RSA_DER_MAX];
	size_t		signing_len;
};

enum {
	RF_AUTHORITY = 1 << 0,
	RF_BADEXIT = 1 << 1,
	RF_EXIT = 1 << 2,
	RF_FAST = 1 << 3,
	RF_GUARD = 1 << 4,
	RF_RUNNING = 1 << 5,
	RF_STABLE = 1 << 6,
	RF_VALID = 1 << 7,
	RF_V2DIR = 1 << 8,
	RF_HSDIR = 1 << 9,
	RF_NTOR3 = 1 << 10,		/* "pr" Relay=4: ntor v3 */
	RF_FLOWCTRL2 = 1 << 11,		/* "pr" FlowCtrl=2: congestion control */
	RF_CONFLUX = 1 << 12,		/* "pr" Conflux=1: linked circuits */
};

struct onion_portrange {
	uint16_t	lo, hi;
};

struct onion_relay {
	char		nick[ONION_NICK_MAX + 1];
	uint8_t		rsa_id[ONION_ID_LEN];
	uint8_t		md_digest[32];
	uint32_t	ipv4;
	uint16_t	orport;
	uint16_t	flags;
	uint32_t	bw;
	/* From the microdescriptor. */
	uint8_t		have_md, have_ed;
	uint8_t		ntor[ONION_KEY_LEN];
	uint8_t		ed_id[ONION_ED_LEN];
	uint8_t		policy_accept;	/* 1: ports are accepted, 0: rejected */
	uint8_t		policy_truncated;
	uint8_t		nports, nfamily;
	struct onion_portrange ports[ONION_MAX_PORTRANGES];
	uint8_t		family[ONION_MAX_FAMILY][ONION_ID_LEN];
};

/* Bandwidth weights (dir-spec §3.8.3), in units of 1/10000. */
enum {
	W_GG, W_GD, W_GM, W_MG, W_MM, W_ME, W_MD, W_EE, W_ED, W_EG, W_EM,
	W_COUNT
};

/* Congestion-control parameters (proposal 324), with tor's defaults. */
struct onion_cc_params {
	uint32_t	alg;		/* cc_alg: 0 off, else on (2 Vegas) */
	uint32_t	sendme_inc;	/* cc_sendme_inc: cells per SENDME */
	uint32_t	cwnd_init;	/* cc_cwnd_init: our sending window */
	uint32_t	xoff_client;	/* cc_xoff_client: cells queued -> XOFF */
	uint32_t	cfx_enabled;	/* cfx_enabled: conflux allowed (1) */
};

struct onion_consensus {
	int64_t			valid_after, fresh_until, valid_until;
	int32_t			w[W_COUNT];
	struct onion_cc_params	cc;
	struct onion_pad_params	pad;		/* channel padding */
	struct onion_relay	*relays;	/* caller's table */
	size_t			nrelays, cap;
	size_t			signed_len;	/* bytes covered by signatures */
};

/* Parses DirAuthority lines (blank lines and # comments allowed). */
int	onion_authorities_parse(const char *text, size_t len,
	    struct onion_authority *a, size_t cap, size_t *n);

/*
 * Parses and verifies every key certificate in text (as served at
 * /tor/keys/all) whose fingerprint is one of the authorities': the
 * identity key must hash to the v3ident, certify the document, and be
 * cross-signed by the signing key; expired ones are skipped.
 * Certificates of unknown authorities are ignored; a bad one is an error.
 */
int	onion_authcerts_parse(const char *text, size_t len, int64_t now,
	    const struct onion_authority *auth, size_t nauth,
	    struct onion_authcert *out, size_t cap, size_t *n);

/*
 * Parses a microdescriptor consensus into c (c->relays and c->cap set
 * by the caller). Structure only: call onion_consensus_verify too.
 */
int	onion_consensus_parse(const char *text, size_t len,
	    struct onion_consensus *c);

/*
 * Checks the signatures of text: more than half of the nauth
 * authorities must have signed it with a certified signing key; and
 * valid_after - skew <= now <= valid_until + skew.
 * ONION_ESIG, ONION_EEXPIRED or ONION_OK.
 */
int	onion_consensus_verify(const char *text, size_t len,
	    const struct onion_consensus *c,
	    const struct onion_authority *auth, size_t nauth,
	    const struct onion_authcert *certs, size_t ncerts,
	    int64_t now, int64_t skew);

/*
 * When now (Unix seconds) lies outside c's validity by more than skew
 * (what makes onion_consensus_verify say ONION_EEXPIRED), writes into
 * buf (cut to size, NUL-terminated) what a user should do about the
 * clock, with the clock's time, the consensus's interval and the
 * distance, and returns the distance in seconds: > 0 if the clock is
 * after valid-until, < 0 if before valid-after. Inside: 0 and "".
 */
int64_t	onion_clock_check(const struct onion_consensus *c, int64_t now,
	    int64_t skew, char *buf, size_t size);

/*
 * Writes into buf what a user should do when the relays' certificates
 * were refused for their dates (ONION_EEXPIRED before any consensus):
 * the clock's time and the advice to set it.
 */
void	onion_clock_certs(int64_t now, char *buf, size_t size);

/*
 * Parses microdescriptors (as served at /tor/micro/d/...) and attaches
 * each to the consensus relay whose digest it has. Returns how many were
 * attached; documents no relay asked for are ignored.
 */
int	onion_microdescs_parse(const char *text, size_t len,
	    struct onion_consensus *c);

/* Whether relay r's exit policy summary accepts port. */
int	onion_relay_allows_port(const struct onion_relay *r, uint16_t port);

#endif
