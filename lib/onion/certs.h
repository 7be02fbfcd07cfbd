/*
 * The responder's CERTS cell (tor-spec §4.2) and the Ed25519 certificate
 * format it carries (cert-spec §2): parsing, and the checks that bind a
 * TLS connection to a relay's RSA and Ed25519 identities.
 */
#ifndef LIB_ONION_CERTS_H
#define LIB_ONION_CERTS_H

#include "lib/onion/onion.h"

enum {
	CERTTYPE_RSA_LINK = 1,
	CERTTYPE_RSA_ID = 2,
	CERTTYPE_RSA_AUTH = 3,
	CERTTYPE_ED_SIGNING = 4,
	CERTTYPE_ED_LINK = 5,
	CERTTYPE_ED_AUTH = 6,
	CERTTYPE_RSA_ED_CROSS = 7,
};

struct onion_edcert {
	uint8_t		type;
	uint32_t	expires_hours;
	uint8_t		key_type;
	const uint8_t	*key;		/* 32 bytes */
	const uint8_t	*signer;	/* extension 4's key, or NULL */
	const uint8_t	*body;		/* the signed bytes */
	size_t		bodylen;
	const uint8_t	*sig;		/* 64 bytes */
};

/* What a verified CERTS cell proves about the peer. */
struct onion_peer_ids {
	uint8_t		rsa_id[ONION_ID_LEN];
	uint8_t		ed_id[ONION_ED_LEN];
};

/* Parses an Ed25519 certificate; unknown extensions that affect
 * validation make it invalid. The signature is not checked here. */
int	onion_edcert_parse(const uint8_t *p, size_t len, struct onion_edcert *c);

/*
 * Checks a responder's CERTS cell body: exactly one each of types 2, 4,
 * 5 and 7, all signatures, none expired at now (Unix seconds), the type 5
 * cert naming tls_cert_sha256. Writes the proven identities.
 */
int	onion_certs_check(const uint8_t *body, size_t len,
	    const uint8_t tls_cert_sha256[32], int64_t now,
	    struct onion_peer_ids *ids);

#endif
