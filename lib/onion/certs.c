/*
 * CERTS cell verification for a client (tor-spec §4.2): the RSA identity
 * certificate (self-signed, 1024-bit), the Ed25519 identity -> signing
 * -> TLS link chain, and the RSA -> Ed25519 cross-certificate. Together
 * they bind this TLS connection to one RSA and one Ed25519 identity.
 */
#include <string.h>

#include <bearssl.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/certs.h"
#include "lib/onion/x509.h"

#define ED_EXT_SIGNED_WITH	4
#define ED_EXT_AFFECTS		1
#define CROSS_PREFIX		"Tor TLS RSA/Ed25519 cross-certificate"

int
onion_edcert_parse(const uint8_t *p, size_t len, struct onion_edcert *c)
{
	size_t off, i, n, elen;

	memset(c, 0, sizeof *c);
	if (len < 40 + 64)
		return ONION_ETRUNC;
	if (p[0] != 1)
		return ONION_ECERT;
	c->type = p[1];
	c->expires_hours = onion_be32(p + 2);
	c->key_type = p[6];
	c->key = p + 7;
	n = p[39];
	off = 40;
	for (i = 0; i < n; i++) {
		if (len - off < 4)
			return ONION_ETRUNC;
		elen = onion_be16(p + off);
		if (len - off - 4 < elen)
			return ONION_ETRUNC;
		if (p[off + 2] == ED_EXT_SIGNED_WITH) {
			if (elen != 32 || c->signer != NULL)
				return ONION_ECERT;
			c->signer = p + off + 4;
		} else if (p[off + 3] & ED_EXT_AFFECTS)
			return ONION_ECERT;
		off += 4 + elen;
	}
	if (len - off != 64)
		return len - off < 64 ? ONION_ETRUNC : ONION_ECERT;
	c->body = p;
	c->bodylen = off;
	c->sig = p + off;
	return ONION_OK;
}

static int
edcert_verify(const struct onion_edcert *c, const uint8_t key[32],
    int64_t now)
{
	if (c->signer != NULL && memcmp(c->signer, key, 32) != 0)
		return ONION_ECERT;
	if (nc_verify_ed25519(c->sig, c->body, c->bodylen, key) != NC_OK)
		return ONION_ECERT;
	if ((int64_t)c->expires_hours * 3600 < now)
		return ONION_EEXPIRED;
	return ONION_OK;
}

/* The RSA -> Ed25519 cross-certificate (cert-spec §2.3). */
static int
crosscert_check(const uint8_t *p, size_t len, const struct onion_rsa_key *rsa,
    const uint8_t ed[32], int64_t now)
{
	struct nc_sha256_state h;
	uint8_t d[NC_SHA256_BYTES];
	size_t siglen;

	if (len < 37)
		return ONION_ETRUNC;
	siglen = p[36];
	if (len - 37 < siglen)
		return ONION_ETRUNC;
	if (memcmp(p, ed, 32) != 0)
		return ONION_ECERT;
	(void)nc_sha256_init(&h);
	(void)nc_sha256_update(&h, CROSS_PREFIX, sizeof CROSS_PREFIX - 1);
	(void)nc_sha256_update(&h, p, 36);
	if (nc_sha256_final(&h, d) != NC_OK)
		return ONION_ECRYPTO;
	if (onion_rsa_verify(rsa, p + 37, siglen, 0, d, 32) != ONION_OK)
		return ONION_ECERT;
	if ((int64_t)onion_be32(p + 32) * 3600 < now)
		return ONION_EEXPIRED;
	return ONION_OK;
}

int
onion_certs_check(const uint8_t *body, size_t len,
    const uint8_t tls_cert_sha256[32], int64_t now, struct onion_peer_ids *ids)
{
	const uint8_t *cert[8] = { 0 };
	size_t clen[8] = { 0 };
	struct onion_x509 id;
	struct onion_edcert signing, link;
	size_t off = 1, i, n, l;
	uint8_t t;
	int r;

	if (len < 1)
		return ONION_ETRUNC;
	n = body[0];
	for (i = 0; i < n; i++) {
		if (len - off < 3)
			return ONION_ETRUNC;
		t = body[off];
		l = onion_be16(body + off + 1);
		if (len - off - 3 < l)
			return ONION_ETRUNC;
		if (t < 8) {
			if (cert[t] != NULL)
				return ONION_ECERT;	/* one of each type */
			cert[t] = body + off + 3;
			clen[t] = l;
		}
		off += 3 + l;
	}
	if (cert[CERTTYPE_RSA_ID] == NULL || cert[CERTTYPE_ED_SIGNING] == NULL ||
	    cert[CERTTYPE_ED_LINK] == NULL || cert[CERTTYPE_RSA_ED_CROSS] == NULL)
		return ONION_ECERT;

	/* RSA identity: 1024 bits, self-signed, within its dates. */
	if ((r = onion_x509_parse(cert[CERTTYPE_RSA_ID], clen[CERTTYPE_RSA_ID],
	    &id)) != ONION_OK)
		return r;
	if (onion_rsa_bits(&id.key) != 1024)
		return ONION_ECERT;
	if ((r = onion_x509_verify(&id, &id.key)) != ONION_OK)
		return r;
	if (now < id.not_before || now > id.not_after)
		return ONION_EEXPIRED;

	/* Ed25519 identity -> signing key, self-described by extension 4. */
	if ((r = onion_edcert_parse(cert[CERTTYPE_ED_SIGNING],
	    clen[CERTTYPE_ED_SIGNING], &signing)) != ONION_OK)
		return r;
	if (signing.type != CERTTYPE_ED_SIGNING || signing.key_type != 1 ||
	    signing.signer == NULL)
		return ONION_ECERT;
	if ((r = edcert_verify(&signing, signing.signer, now)) != ONION_OK)
		return r;

	/* Signing key -> SHA-256 of the TLS certificate we were shown. */
	if ((r = onion_edcert_parse(cert[CERTTYPE_ED_LINK],
	    clen[CERTTYPE_ED_LINK], &link)) != ONION_OK)
		return r;
	if (link.type != CERTTYPE_ED_LINK ||
	    (link.key_type != 3 && link.key_type != 1))
		return ONION_ECERT;
	if ((r = edcert_verify(&link, signing.key, now)) != ONION_OK)
		return r;
	if (tls_cert_sha256 == NULL ||
	    nc_ct_equal(link.key, tls_cert_sha256, 32) != NC_OK)
		return ONION_EIDENTITY;

	/* RSA identity vouches for the Ed25519 identity. */
	if ((r = crosscert_check(cert[CERTTYPE_RSA_ED_CROSS],
	    clen[CERTTYPE_RSA_ED_CROSS], &id.key, signing.signer, now)) !=
	    ONION_OK)
		return r;

	onion_rsa_fingerprint(&id.key, ids->rsa_id);
	memcpy(ids->ed_id, signing.signer, 32);
	return ONION_OK;
}
