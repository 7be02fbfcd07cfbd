/*
 * Just enough DER to read what Tor signs with RSA: PKCS#1 public keys
 * and the self-signed X.509 identity certificate of a CERTS cell; and
 * RSA PKCS#1 v1.5 signature checks (BearSSL) with or without DigestInfo.
 */
#ifndef LIB_ONION_X509_H
#define LIB_ONION_X509_H

#include "lib/onion/onion.h"

#define ONION_RSA_MAX_BYTES	1024	/* 8192-bit keys at most */

struct onion_rsa_key {
	const uint8_t	*n, *e;		/* big-endian, leading zeros stripped */
	size_t		nlen, elen;
	const uint8_t	*der;		/* the whole RSAPublicKey */
	size_t		derlen;
};

struct onion_x509 {
	const uint8_t		*tbs;	/* signed part, with its header */
	size_t			tbslen;
	int			sig_hash;	/* 1 (SHA-1) or 256 (SHA-256) */
	const uint8_t		*sig;
	size_t			siglen;
	struct onion_rsa_key	key;
	int64_t			not_before, not_after;	/* Unix seconds */
};

/* Reads a PKCS#1 RSAPublicKey: SEQUENCE { INTEGER n, INTEGER e }. */
int	onion_rsa_pub_parse(const uint8_t *der, size_t len,
	    struct onion_rsa_key *k);
/* Modulus size in bits. */
unsigned onion_rsa_bits(const struct onion_rsa_key *k);
/* SHA-1 of the key's DER: a relay's identity digest / fingerprint. */
void	onion_rsa_fingerprint(const struct onion_rsa_key *k,
	    uint8_t out[ONION_ID_LEN]);

/* Parses an X.509 certificate with an RSA key and RSA signature. */
int	onion_x509_parse(const uint8_t *der, size_t len, struct onion_x509 *c);
/* Checks c's signature with key (its own key for a self-signed one). */
int	onion_x509_verify(const struct onion_x509 *c,
	    const struct onion_rsa_key *key);

/*
 * PKCS#1 v1.5 signature over hash. digestinfo selects the standard form
 * (with the hash OID for hashlen 20 or 32) or Tor's raw form (none).
 */
int	onion_rsa_verify(const struct onion_rsa_key *k, const uint8_t *sig,
	    size_t siglen, int digestinfo, const uint8_t *hash, size_t hashlen);

#endif
