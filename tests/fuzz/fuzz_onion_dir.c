/*
 * libFuzzer target for lib/onion's directory parsers: DirAuthority lines,
 * key certificates, the microdescriptor consensus (its signature check
 * and the clock message for its dates, its channel-padding parameters),
 * microdescriptors, the DER readers for RSA keys and X.509, and the head
 * of a directory server's HTTP response (BEGIN_DIR fetches).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/onion/dir.h"
#include "lib/onion/dirclient.h"
#include "lib/onion/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct onion_relay relays[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onion_authority a[4];
	struct onion_authcert certs[4];
	struct onion_consensus c = { .relays = relays, .cap = 64 };
	struct onion_rsa_key k;
	struct onion_x509 x;
	char msg[320];
	const char *text = (const char *)data + 1;
	size_t n, len = size - 1, i, off;
	int status;

	if (size == 0)
		return 0;
	switch (data[0] % 6) {
	case 0:
		(void)onion_authorities_parse(text, len, a, 4, &n);
		break;
	case 1:
		memset(a, 0, sizeof a);
		a[0].v3ident[0] = 1;
		(void)onion_authcerts_parse(text, len, 0, a, 1, certs, 4, &n);
		break;
	case 2:
		if (onion_consensus_parse(text, len, &c) == ONION_OK) {
			if (c.signed_len > len || c.nrelays > c.cap)
				abort();
			memset(a, 0, sizeof a);
			(void)onion_consensus_verify(text, len, &c, a, 3, certs,
			    0, 0, 0);
			/* The clock message for the document's own dates. */
			if ((onion_clock_check(&c, 0, 0, msg, sizeof msg) == 0) !=
			    (msg[0] == '\0') || strlen(msg) >= sizeof msg)
				abort();
			/* Padding parameters stay within tor's bounds. */
			if (c.pad.ito_high_ms < c.pad.ito_low_ms ||
			    c.pad.ito_high_ms > ONION_NF_ITO_MAX ||
			    c.pad.pad_before_usage > 1)
				abort();
		}
		break;
	case 3:
		/* Microdescriptors for relays wanting digest 0 and 1 bytes. */
		memset(relays, 0, 2 * sizeof relays[0]);
		memset(relays[1].md_digest, 1, 32);
		c.nrelays = 2;
		if (onion_microdescs_parse(text, len, &c) > 2)
			abort();
		for (i = 0; i < 2; i++)
			if (relays[i].nports > ONION_MAX_PORTRANGES ||
			    relays[i].nfamily > ONION_MAX_FAMILY)
				abort();
		(void)onion_relay_allows_port(&relays[0], 80);
		break;
	case 5:
		if (onion_http_response(text, len, &status, &off) == ONION_OK &&
		    (off > len || status < 0 || status > 999))
			abort();
		break;
	default:
		if (onion_rsa_pub_parse(data + 1, len, &k) == ONION_OK &&
		    (k.n + k.nlen > data + size || k.e + k.elen > data + size))
			abort();
		if (onion_x509_parse(data + 1, len, &x) == ONION_OK) {
			if (x.tbs + x.tbslen > data + size ||
			    x.sig + x.siglen > data + size)
				abort();
			(void)onion_x509_verify(&x, &x.key);
		}
		break;
	}
	return 0;
}
