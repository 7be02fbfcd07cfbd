/*
 * Trust roots for the directory: "DirAuthority" lines (the same format
 * as tor's torrc option) and the authorities' key certificates, which
 * tie each v3 identity key to the short-term key that signs consensuses.
 */
#include <string.h>

#include <bearssl.h>

#include "lib/fmt/hex.h"
#include "lib/onion/dir.h"
#include "lib/onion/text.h"
#include "lib/onion/x509.h"

int
onion_authorities_parse(const char *text, size_t len,
    struct onion_authority *a, size_t cap, size_t *n)
{
	struct onion_lines it = { text, text + len };
	struct onion_span line, w, host;
	char fp[2 * ONION_ID_LEN];
	size_t fplen;
	uint32_t v;
	int have_v3, have_or;
	const char *colon;

	*n = 0;
	while (onion_next_line(&it, &line)) {
		if (!onion_next_word(&line, &w) || w.p[0] == '#')
			continue;
		if (!onion_span_eq(w, "DirAuthority"))
			return ONION_EPARSE;
		if (*n >= cap)
			return ONION_EFULL;
		memset(&a[*n], 0, sizeof a[*n]);
		if (!onion_next_word(&line, &w) || w.len > ONION_NICK_MAX)
			return ONION_EPARSE;
		memcpy(a[*n].nick, w.p, w.len);
		have_v3 = have_or = 0;
		/* Flags and key=value options until the address. */
		for (;;) {
			if (!onion_next_word(&line, &w))
				return ONION_EPARSE;
			if (w.len > 7 && memcmp(w.p, "orport=", 7) == 0) {
				struct onion_span s = { w.p + 7, w.len - 7 };

				if (onion_parse_uint(s, 65535, &v) != 0 || v == 0)
					return ONION_EPARSE;
				a[*n].orport = (uint16_t)v;
				have_or = 1;
			} else if (w.len > 8 && memcmp(w.p, "v3ident=", 8) == 0) {
				if (hex_decode(a[*n].v3ident, ONION_ID_LEN,
				    w.p + 8, w.len - 8) != 0)
					return ONION_EPARSE;
				have_v3 = 1;
			} else if (onion_memchr(w.p, ':', w.len) != NULL)
				break;
		}
		colon = onion_memchr(w.p, ':', w.len);
		host.p = w.p;
		host.len = (size_t)(colon - w.p);
		if (onion_parse_ipv4(host, &a[*n].ipv4) != 0)
			return ONION_EPARSE;
		host.p = colon + 1;
		host.len = w.len - host.len - 1;
		if (onion_parse_uint(host, 65535, &v) != 0 || v == 0)
			return ONION_EPARSE;
		a[*n].dirport = (uint16_t)v;
		/* The fingerprint, possibly in space-separated groups. */
		fplen = 0;
		while (onion_next_word(&line, &w)) {
			if (w.len > sizeof fp - fplen)
				return ONION_EPARSE;
			memcpy(fp + fplen, w.p, w.len);
			fplen += w.len;
		}
		if (!have_v3 || !have_or ||
		    hex_decode(a[*n].rsa_id, ONION_ID_LEN, fp, fplen) != 0)
			return ONION_EPARSE;
		(*n)++;
	}
	return *n > 0 ? ONION_OK : ONION_EPARSE;
}

/* Fields of one key certificate, pointing into the document. */
struct certdoc {
	const char	*start, *signed_end;
	uint8_t		fp[ONION_ID_LEN];
	int64_t		expires;
	uint8_t		idkey[ONION_RSA_DER_MAX], sigkey[ONION_RSA_DER_MAX];
	size_t		idlen, siglen;
	uint8_t		cross[ONION_RSA_MAX_BYTES], cert[ONION_RSA_MAX_BYTES];
	size_t		crosslen, certlen;
	unsigned	seen;
};

enum { SEEN_FP = 1, SEEN_EXP = 2, SEEN_ID = 4, SEEN_SIG = 8, SEEN_CROSS = 16,
	SEEN_CERT = 32, SEEN_ALL = 63 };

/* Reads one certificate starting at its first line; leaves it after. */
static int
certdoc_read(struct onion_lines *it, struct certdoc *d)
{
	struct onion_span line, w, w2, w3;
	int r;

	memset(d, 0, sizeof *d);
	d->start = it->p;
	if (!onion_next_line(it, &line) ||
	    !onion_next_word(&line, &w) ||
	    !onion_span_eq(w, "dir-key-certificate-version") ||
	    !onion_next_word(&line, &w) || !onion_span_eq(w, "3"))
		return ONION_EPARSE;
	while (d->seen != SEEN_ALL) {
		if (!onion_next_line(it, &line) || !onion_next_word(&line, &w))
			return ONION_EPARSE;
		if (onion_span_eq(w, "fingerprint")) {
			if (!onion_next_word(&line, &w2) ||
			    hex_decode(d->fp, ONION_ID_LEN, w2.p, w2.len))
				return ONION_EPARSE;
			d->seen |= SEEN_FP;
		} else if (onion_span_eq(w, "dir-key-expires")) {
			if (!onion_next_word(&line, &w2) ||
			    !onion_next_word(&line, &w3) ||
			    onion_parse_time(w2, w3, &d->expires) != 0)
				return ONION_EPARSE;
			d->seen |= SEEN_EXP;
		} else if (onion_span_eq(w, "dir-identity-key")) {
			if ((r = onion_pem_read(it, "RSA PUBLIC KEY", d->idkey,
			    sizeof d->idkey, &d->idlen)) != 0)
				return r;
			d->seen |= SEEN_ID;
		} else if (onion_span_eq(w, "dir-signing-key")) {
			if ((r = onion_pem_read(it, "RSA PUBLIC KEY", d->sigkey,
			    sizeof d->sigkey, &d->siglen)) != 0)
				return r;
			d->seen |= SEEN_SIG;
		} else if (onion_span_eq(w, "dir-key-crosscert")) {
			if ((r = onion_pem_read(it, NULL, d->cross,
			    sizeof d->cross, &d->crosslen)) != 0)
				return r;
			d->seen |= SEEN_CROSS;
		} else if (onion_span_eq(w, "dir-key-certification")) {
			if (d->seen != (SEEN_ALL & ~SEEN_CERT))
				return ONION_EPARSE;
			d->signed_end = it->p;
			if (it->p[-1] != '\n' ||
			    (r = onion_pem_read(it, "SIGNATURE", d->cert,
			    sizeof d->cert, &d->certlen)) != 0)
				return r ? r : ONION_EPARSE;
			d->seen |= SEEN_CERT;
		} else if (onion_span_eq(w, "dir-key-certificate-version"))
			return ONION_EPARSE;
	}
	return ONION_OK;
}

static int
certdoc_verify(const struct certdoc *d, struct onion_authcert *out)
{
	struct onion_rsa_key id, sk;
	uint8_t fp[ONION_ID_LEN], h[20];
	br_sha1_context s;
	int r;

	if ((r = onion_rsa_pub_parse(d->idkey, d->idlen, &id)) != 0 ||
	    (r = onion_rsa_pub_parse(d->sigkey, d->siglen, &sk)) != 0)
		return r;
	if (onion_rsa_bits(&id) < 1024 || onion_rsa_bits(&sk) < 1024)
		return ONION_ECERT;
	onion_rsa_fingerprint(&id, fp);
	if (memcmp(fp, d->fp, ONION_ID_LEN) != 0)
		return ONION_ECERT;
	/* The identity key certifies the document ... */
	br_sha1_init(&s);
	br_sha1_update(&s, d->start, (size_t)(d->signed_end - d->start));
	br_sha1_out(&s, h);
	if ((r = onion_rsa_verify(&id, d->cert, d->certlen, 0, h, 20)) != 0)
		return r;
	/* ... and the signing key signs the identity's digest. */
	if ((r = onion_rsa_verify(&sk, d->cross, d->crosslen, 0, fp, 20)) != 0)
		return r;
	memcpy(out->v3ident, fp, ONION_ID_LEN);
	onion_rsa_fingerprint(&sk, out->signing_digest);
	out->expires = d->expires;
	memcpy(out->signing_der, d->sigkey, d->siglen);
	out->signing_len = d->siglen;
	return ONION_OK;
}

int
onion_authcerts_parse(const char *text, size_t len, int64_t now,
    const struct onion_authority *auth, size_t nauth,
    struct onion_authcert *out, size_t cap, size_t *n)
{
	struct onion_lines it = { text, text + len };
	struct certdoc d;
	size_t i;
	int r, known;

	*n = 0;
	while (it.p < it.end) {
		if ((r = certdoc_read(&it, &d)) != ONION_OK)
			return r;
		known = 0;
		for (i = 0; i < nauth; i++)
			if (memcmp(auth[i].v3ident, d.fp, ONION_ID_LEN) == 0)
				known = 1;
		if (!known || d.expires < now)
			continue;
		if (*n >= cap)
			return ONION_EFULL;
		if ((r = certdoc_verify(&d, &out[*n])) != ONION_OK)
			return r;
		(*n)++;
	}
	return ONION_OK;
}
