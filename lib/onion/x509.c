/*
 * Minimal DER reading for Tor's RSA material: PKCS#1 public keys and
 * X.509 certificates (only the fields Tor's CERTS checks use), plus RSA
 * PKCS#1 v1.5 verification through BearSSL. Every length is checked
 * against the bytes that enclose it; indefinite lengths are refused.
 */
#include <string.h>

#include <bearssl.h>

#include "lib/crypto/crypto.h"
#include "lib/date/date.h"
#include "lib/onion/x509.h"

enum {
	DER_INTEGER = 0x02,
	DER_BITSTRING = 0x03,
	DER_NULL = 0x05,
	DER_OID = 0x06,
	DER_UTCTIME = 0x17,
	DER_GENTIME = 0x18,
	DER_SEQUENCE = 0x30,
	DER_CTX0 = 0xa0,
};

struct der {
	const uint8_t	*p, *end;
};

/* Reads one TLV; on success val and vlen give its contents. */
static int
der_next(struct der *d, uint8_t *tag, const uint8_t **val, size_t *vlen)
{
	size_t left = (size_t)(d->end - d->p), len, nb, i;
	const uint8_t *p = d->p;

	if (left < 2)
		return ONION_ETRUNC;
	*tag = p[0];
	if ((p[0] & 0x1f) == 0x1f)
		return ONION_ECERT;	/* high tag numbers: not in Tor certs */
	len = p[1];
	p += 2, left -= 2;
	if (len & 0x80) {
		nb = len & 0x7f;
		if (nb == 0 || nb > 4 || nb > left)
			return ONION_ECERT;
		len = 0;
		for (i = 0; i < nb; i++)
			len = len << 8 | p[i];
		if (len < 0x80)
			return ONION_ECERT;	/* not minimal */
		p += nb, left -= nb;
	}
	if (len > left)
		return ONION_ETRUNC;
	*val = p;
	*vlen = len;
	d->p = p + len;
	return ONION_OK;
}

static int
der_expect(struct der *d, uint8_t want, struct der *inner)
{
	const uint8_t *v;
	size_t n;
	uint8_t tag;
	int r;

	if ((r = der_next(d, &tag, &v, &n)) != ONION_OK)
		return r;
	if (tag != want)
		return ONION_ECERT;
	inner->p = v;
	inner->end = v + n;
	return ONION_OK;
}

/* A positive INTEGER with leading zeros stripped. */
static int
der_uint(struct der *d, const uint8_t **v, size_t *n)
{
	struct der x;
	int r;

	if ((r = der_expect(d, DER_INTEGER, &x)) != ONION_OK)
		return r;
	if (x.p == x.end || (x.p[0] & 0x80))
		return ONION_ECERT;
	while (x.end - x.p > 1 && x.p[0] == 0)
		x.p++;
	*v = x.p;
	*n = (size_t)(x.end - x.p);
	return ONION_OK;
}

int
onion_rsa_pub_parse(const uint8_t *der, size_t len, struct onion_rsa_key *k)
{
	struct der d = { der, der + len }, s;
	int r;

	if ((r = der_expect(&d, DER_SEQUENCE, &s)) != ONION_OK)
		return r;
	if (d.p != d.end)
		return ONION_ECERT;
	if ((r = der_uint(&s, &k->n, &k->nlen)) != ONION_OK ||
	    (r = der_uint(&s, &k->e, &k->elen)) != ONION_OK)
		return r;
	if (s.p != s.end || k->nlen > ONION_RSA_MAX_BYTES || k->elen > 8 ||
	    k->nlen < 64 || k->n[0] == 0)
		return ONION_ECERT;
	k->der = der;
	k->derlen = len;
	return ONION_OK;
}

unsigned
onion_rsa_bits(const struct onion_rsa_key *k)
{
	unsigned bits = (unsigned)k->nlen * 8;
	uint8_t top = k->n[0];

	while ((top & 0x80) == 0) {
		top <<= 1;
		bits--;
	}
	return bits;
}

void
onion_rsa_fingerprint(const struct onion_rsa_key *k, uint8_t out[ONION_ID_LEN])
{
	br_sha1_context h;

	br_sha1_init(&h);
	br_sha1_update(&h, k->der, k->derlen);
	br_sha1_out(&h, out);
}

static const uint8_t oid_rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 };
static const uint8_t oid_sha1rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05 };
static const uint8_t oid_sha256rsa[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b };

/* AlgorithmIdentifier { OID, NULL or absent }; returns the OID. */
static int
der_algid(struct der *d, struct der *oid)
{
	struct der a, nul;
	int r;

	if ((r = der_expect(d, DER_SEQUENCE, &a)) != ONION_OK ||
	    (r = der_expect(&a, DER_OID, oid)) != ONION_OK)
		return r;
	if (a.p != a.end) {
		if ((r = der_expect(&a, DER_NULL, &nul)) != ONION_OK)
			return r;
		if (nul.p != nul.end || a.p != a.end)
			return ONION_ECERT;
	}
	return ONION_OK;
}

static int
oid_is(const struct der *oid, const uint8_t *want, size_t n)
{
	return (size_t)(oid->end - oid->p) == n && memcmp(oid->p, want, n) == 0;
}

static int
digits(const uint8_t *p, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

static int
der_time(struct der *d, int64_t *t)
{
	const uint8_t *v;
	size_t n;
	uint8_t tag;
	int y, mo, dd, h, mi, s, r;

	if ((r = der_next(d, &tag, &v, &n)) != ONION_OK)
		return r;
	if (tag == DER_UTCTIME && n == 13 && v[12] == 'Z') {
		y = digits(v, 2);
		if (y < 0)
			return ONION_ECERT;
		y += y < 50 ? 2000 : 1900;
		v += 2;
	} else if (tag == DER_GENTIME && n == 15 && v[14] == 'Z') {
		y = digits(v, 4);
		v += 4;
	} else
		return ONION_ECERT;
	mo = digits(v, 2), dd = digits(v + 2, 2), h = digits(v + 4, 2);
	mi = digits(v + 6, 2), s = digits(v + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
		return ONION_ECERT;
	*t = date_days(y, mo, dd) * 86400 + h * 3600 + mi * 60 + s;
	return ONION_OK;
}

int
onion_x509_parse(const uint8_t *der, size_t len, struct onion_x509 *c)
{
	struct der d = { der, der + len }, cert, tbs, skip, oid, val, spki,
	    bits, sigoid;
	const uint8_t *v;
	size_t n;
	uint8_t tag;
	int r;

	memset(c, 0, sizeof *c);
	if ((r = der_expect(&d, DER_SEQUENCE, &cert)) != ONION_OK)
		return r;
	if (d.p != d.end)
		return ONION_ECERT;
	c->tbs = cert.p;
	if ((r = der_expect(&cert, DER_SEQUENCE, &tbs)) != ONION_OK)
		return r;
	c->tbslen = (size_t)(cert.p - c->tbs);

	if (tbs.p < tbs.end && tbs.p[0] == DER_CTX0 &&
	    (r = der_next(&tbs, &tag, &v, &n)) != ONION_OK)
		return r;				/* version */
	if ((r = der_expect(&tbs, DER_INTEGER, &skip)) != ONION_OK ||
	    (r = der_algid(&tbs, &oid)) != ONION_OK ||
	    (r = der_expect(&tbs, DER_SEQUENCE, &skip)) != ONION_OK ||
	    (r = der_expect(&tbs, DER_SEQUENCE, &val)) != ONION_OK ||
	    (r = der_time(&val, &c->not_before)) != ONION_OK ||
	    (r = der_time(&val, &c->not_after)) != ONION_OK ||
	    (r = der_expect(&tbs, DER_SEQUENCE, &skip)) != ONION_OK ||
	    (r = der_expect(&tbs, DER_SEQUENCE, &spki)) != ONION_OK)
		return r;
	if (val.p != val.end)
		return ONION_ECERT;
	if ((r = der_algid(&spki, &oid)) != ONION_OK ||
	    (r = der_expect(&spki, DER_BITSTRING, &bits)) != ONION_OK)
		return r;
	if (!oid_is(&oid, oid_rsa, sizeof oid_rsa) || bits.p == bits.end ||
	    bits.p[0] != 0 || spki.p != spki.end)
		return ONION_ECERT;
	if ((r = onion_rsa_pub_parse(bits.p + 1,
	    (size_t)(bits.end - bits.p - 1), &c->key)) != ONION_OK)
		return r;

	if ((r = der_algid(&cert, &sigoid)) != ONION_OK ||
	    (r = der_expect(&cert, DER_BITSTRING, &bits)) != ONION_OK)
		return r;
	if (cert.p != cert.end || bits.p == bits.end || bits.p[0] != 0)
		return ONION_ECERT;
	if (oid_is(&sigoid, oid_sha256rsa, sizeof oid_sha256rsa))
		c->sig_hash = 256;
	else if (oid_is(&sigoid, oid_sha1rsa, sizeof oid_sha1rsa))
		c->sig_hash = 1;
	else
		return ONION_ECERT;
	c->sig = bits.p + 1;
	c->siglen = (size_t)(bits.end - bits.p - 1);
	return ONION_OK;
}

int
onion_rsa_verify(const struct onion_rsa_key *k, const uint8_t *sig,
    size_t siglen, int digestinfo, const uint8_t *hash, size_t hashlen)
{
	br_rsa_public_key pk;
	const unsigned char *oid = NULL;
	uint8_t out[64];

	if (hashlen != 20 && hashlen != 32)
		return ONION_EINVAL;
	if (siglen != k->nlen)
		return ONION_ECERT;
	if (digestinfo)
		oid = hashlen == 20 ? BR_HASH_OID_SHA1 : BR_HASH_OID_SHA256;
	pk.n = (unsigned char *)(uintptr_t)k->n;
	pk.nlen = k->nlen;
	pk.e = (unsigned char *)(uintptr_t)k->e;
	pk.elen = k->elen;
	if (!br_rsa_pkcs1_vrfy_get_default()(sig, siglen, oid, hashlen, &pk,
	    out))
		return ONION_ECERT;
	return memcmp(out, hash, hashlen) == 0 ? ONION_OK : ONION_ECERT;
}

int
onion_x509_verify(const struct onion_x509 *c, const struct onion_rsa_key *key)
{
	uint8_t h[32];
	size_t hl;

	if (c->sig_hash == 256) {
		if (nc_sha256(h, c->tbs, c->tbslen) != NC_OK)
			return ONION_ECRYPTO;
		hl = 32;
	} else {
		br_sha1_context s;

		br_sha1_init(&s);
		br_sha1_update(&s, c->tbs, c->tbslen);
		br_sha1_out(&s, h);
		hl = 20;
	}
	return onion_rsa_verify(key, c->sig, c->siglen, 1, h, hl);
}
