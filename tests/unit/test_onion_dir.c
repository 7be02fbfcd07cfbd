/*
 * lib/onion's directory and certificate parsers against documents served
 * by real tor 0.4.9 relays of a private network (tests/unit/data/onion:
 * DirAuthority lines, key certificates, a microdescriptor consensus, its
 * microdescriptors, and a relay's CERTS cell with its TLS certificate
 * hash), and what each must refuse once a byte is changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/certs.h"
#include "lib/onion/dir.h"
#include "lib/onion/path.h"
#include "lib/onion/text.h"

#define DATA		"tests/unit/data/onion/"
#define CERTS_TIME	1795677181	/* when the CERTS cell was captured */

static char *authorities, *keys, *consensus, *microdescs;
static uint8_t *certs, *tlshash;
static size_t authorities_len, keys_len, consensus_len, microdescs_len;
static size_t certs_len, tlshash_len;

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	authorities = slurp(DATA "authorities", &authorities_len);
	keys = slurp(DATA "keys", &keys_len);
	consensus = slurp(DATA "consensus", &consensus_len);
	microdescs = slurp(DATA "microdescs", &microdescs_len);
	certs = (uint8_t *)slurp(DATA "certs-relay3", &certs_len);
	tlshash = (uint8_t *)slurp(DATA "certs-relay3.tlshash", &tlshash_len);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(authorities), free(keys), free(consensus), free(microdescs);
	free(certs), free(tlshash);
	return 0;
}

static struct onion_span
S(const char *s)
{
	struct onion_span sp = { s, strlen(s) };

	return sp;
}

static void
test_text(void **state)
{
	uint8_t out[32];
	int64_t t;
	uint32_t v;

	(void)state;
	assert_int_equal(onion_b64_decode(out, sizeof out, "aGVsbG8", 7), 5);
	assert_memory_equal(out, "hello", 5);
	assert_int_equal(onion_b64_decode(out, sizeof out, "aGVsbG8=", 8), 5);
	assert_int_equal(onion_b64_decode(out, sizeof out, "aGVsbG9", 7),
	    ONION_EPARSE);			/* non-zero spare bits */
	assert_int_equal(onion_b64_decode(out, sizeof out, "a", 1), ONION_EPARSE);
	assert_int_equal(onion_b64_decode(out, 2, "aGVsbG8", 7), ONION_EPARSE);
	assert_int_equal(onion_b64_decode(out, sizeof out, "a*==", 4),
	    ONION_EPARSE);
	assert_int_equal(onion_parse_time(S("2026-11-26"), S("07:12:50"), &t), 0);
	assert_int_equal(t, 1795677170);
	assert_int_equal(onion_parse_time(S("2026-13-26"), S("07:12:50"), &t),
	    ONION_EPARSE);
	assert_int_equal(onion_parse_time(S("2026-11-26"), S("7:12:50"), &t),
	    ONION_EPARSE);
	assert_int_equal(onion_parse_ipv4(S("127.0.0.1"), &v), 0);
	assert_int_equal(v, 0x7f000001);
	assert_int_equal(onion_parse_ipv4(S("127.0.0"), &v), ONION_EPARSE);
	assert_int_equal(onion_parse_ipv4(S("127.0.0.1.2"), &v), ONION_EPARSE);
	assert_int_equal(onion_parse_ipv4(S("256.0.0.1"), &v), ONION_EPARSE);
	assert_int_equal(onion_parse_uint(S("4294967296"), 0xffffffffu, &v),
	    ONION_EPARSE);
	assert_int_equal(onion_parse_uint(S(""), 5, &v), ONION_EPARSE);
}

static void
test_authorities(void **state)
{
	struct onion_authority a[4];
	size_t n;
	static const char grouped[] = "# comment\n\nDirAuthority moria1 "
	    "orport=9201 v3ident=F533C81CEF0BC0267857C99B2F471ADF249FA232 "
	    "128.31.0.39:9231 1A25 C680 5E10 DDA8 C7C4 7BFE 8D05 5F38 1ADD 4D6D\n";

	(void)state;
	assert_int_equal(onion_authorities_parse(authorities, authorities_len,
	    a, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(a[0].nick, "auth0");
	assert_int_equal(a[0].ipv4, 0x7f000001);
	assert_int_equal(a[0].orport, 25000);
	assert_int_equal(a[0].dirport, 27000);
	assert_int_equal(a[0].v3ident[0], 0xBA);
	assert_int_equal(onion_authorities_parse(authorities, authorities_len,
	    a, 2, &n), ONION_EFULL);
	assert_int_equal(onion_authorities_parse(grouped, sizeof grouped - 1,
	    a, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(a[0].rsa_id[19], 0x6D);
	assert_int_equal(onion_authorities_parse("DirAuthority x 1.2.3.4:5 AB\n",
	    28, a, 4, &n), ONION_EPARSE);
	assert_int_equal(onion_authorities_parse("Bridge x\n", 9, a, 4, &n),
	    ONION_EPARSE);
}

/* Parses the authorities and their certificates. */
static void
load_trust(struct onion_authority *a, size_t *na, struct onion_authcert *c,
    size_t *nc, int64_t now)
{
	assert_int_equal(onion_authorities_parse(authorities, authorities_len,
	    a, ONION_MAX_AUTHORITIES, na), 0);
	assert_int_equal(onion_authcerts_parse(keys, keys_len, now, a, *na, c,
	    ONION_MAX_AUTHORITIES, nc), 0);
}

static void
test_authcerts(void **state)
{
	struct onion_authority a[ONION_MAX_AUTHORITIES];
	struct onion_authcert c[ONION_MAX_AUTHORITIES];
	size_t na, nc;
	char *bad, *p;

	(void)state;
	load_trust(a, &na, c, &nc, CERTS_TIME);
	assert_int_equal(nc, 3);
	/* Expired certificates are dropped. */
	assert_int_equal(onion_authcerts_parse(keys, keys_len,
	    (int64_t)CERTS_TIME + 5 * 365 * 86400, a, na, c, 16, &nc), 0);
	assert_int_equal(nc, 0);
	/* A changed signing key breaks the identity key's certification. */
	bad = malloc(keys_len);
	assert_non_null(bad);
	memcpy(bad, keys, keys_len);
	p = strstr(bad, "dir-signing-key\n-----BEGIN RSA PUBLIC KEY-----\n");
	assert_non_null(p);
	p += strlen("dir-signing-key\n-----BEGIN RSA PUBLIC KEY-----\n") + 20;
	*p = *p == 'A' ? 'B' : 'A';
	assert_int_not_equal(onion_authcerts_parse(bad, keys_len, CERTS_TIME, a,
	    na, c, 16, &nc), 0);
	/* So does an extra day of validity. */
	memcpy(bad, keys, keys_len);
	p = strstr(bad, "dir-key-expires 20");
	assert_non_null(p);
	p[strlen("dir-key-expires 20") + 1] = '9';	/* 2027 -> 2029 */
	assert_int_equal(onion_authcerts_parse(bad, keys_len, CERTS_TIME, a,
	    na, c, 16, &nc), ONION_ECERT);
	/* Truncation is a parse error, never a crash. */
	assert_int_not_equal(onion_authcerts_parse(keys, keys_len / 2,
	    CERTS_TIME, a, na, c, 16, &nc), 0);
	free(bad);
}

static void
test_consensus(void **state)
{
	struct onion_authority a[ONION_MAX_AUTHORITIES];
	struct onion_authcert c[ONION_MAX_AUTHORITIES];
	struct onion_relay relays[8];
	struct onion_consensus cons = { .relays = relays, .cap = 8 };
	size_t na, nc;
	char *bad;

	(void)state;
	assert_int_equal(onion_consensus_parse(consensus, consensus_len,
	    &cons), 0);
	assert_int_equal(cons.nrelays, 5);
	assert_int_equal(cons.valid_after, 1795677170);
	assert_string_equal(relays[4].nick, "relay3");
	assert_int_equal(relays[4].orport, 25003);
	assert_int_equal(relays[4].rsa_id[0], 0xa3);
	assert_true(relays[4].flags & RF_EXIT);
	assert_true(relays[4].flags & RF_GUARD);
	assert_false(relays[4].flags & RF_AUTHORITY);
	assert_true(relays[0].flags & RF_AUTHORITY);
	assert_int_equal(relays[0].bw, 123);
	assert_int_equal(cons.w[W_GD], 3333);
	assert_int_equal(cons.w[W_MM], 10000);
	/* "pr Relay=2-6 ... FlowCtrl=1-2": ntor v3 and congestion control. */
	assert_true(relays[4].flags & RF_NTOR3);
	assert_true(relays[4].flags & RF_FLOWCTRL2);
	/* No "params" line: tor's defaults. */
	assert_int_equal(cons.cc.alg, 2);
	assert_int_equal(cons.cc.sendme_inc, 31);
	assert_int_equal(cons.cc.cwnd_init, 124);
	assert_int_equal(cons.cc.cfx_enabled, 1);

	load_trust(a, &na, c, &nc, cons.valid_after);
	assert_int_equal(onion_consensus_verify(consensus, consensus_len, &cons,
	    a, na, c, nc, cons.valid_after + 5, 0), 0);
	assert_int_equal(onion_consensus_verify(consensus, consensus_len, &cons,
	    a, na, c, nc, cons.valid_until + 3600, 60), ONION_EEXPIRED);
	assert_int_equal(onion_consensus_verify(consensus, consensus_len, &cons,
	    a, na, c, nc, cons.valid_after - 3600, 60), ONION_EEXPIRED);
	/* Without certificates nothing verifies. */
	assert_int_equal(onion_consensus_verify(consensus, consensus_len, &cons,
	    a, na, c, 0, cons.valid_after, 0), ONION_ESIG);
	/* One authority of three is not a majority. */
	assert_int_equal(onion_consensus_verify(consensus, consensus_len, &cons,
	    a, na, c, 1, cons.valid_after, 0), ONION_ESIG);

	/* A relay's port changed: every signature fails. */
	bad = malloc(consensus_len);
	assert_non_null(bad);
	memcpy(bad, consensus, consensus_len);
	{
		char *p = strstr(bad, " 25003 0\n");

		assert_non_null(p);
		p[5] = '4';
	}
	assert_int_equal(onion_consensus_parse(bad, consensus_len, &cons), 0);
	assert_int_equal(onion_consensus_verify(bad, consensus_len, &cons, a,
	    na, c, nc, cons.valid_after, 0), ONION_ESIG);
	/* Structure errors. */
	memcpy(bad, consensus, consensus_len);
	bad[24] = 'X';			/* "network-status-version 3 microdesc" */
	assert_int_equal(onion_consensus_parse(bad, consensus_len, &cons),
	    ONION_EPARSE);
	cons.cap = 3;
	assert_int_equal(onion_consensus_parse(consensus, consensus_len,
	    &cons), ONION_EFULL);
	cons.cap = 8;
	assert_int_equal(onion_consensus_parse(consensus, 700, &cons),
	    ONION_EPARSE);
	free(bad);
}

/* Subprotocol lists and consensus parameters, on a made-up document. */
static void
test_consensus_params(void **state)
{
	static const char doc[] =
	    "network-status-version 3 microdesc\n"
	    "vote-status consensus\n"
	    "valid-after 2026-11-26 07:12:50\n"
	    "valid-until 2026-11-26 08:12:50\n"
	    "params cc_alg=0 cc_sendme_inc=33 cc_cwnd_init=9999999 "
	    "cfx_enabled=0 foo=1\n"
	    "r a AAAAAAAAAAAAAAAAAAAAAAAAAAA 2038-01-01 00:00:00 1.2.3.4 9001 0\n"
	    "m AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "pr Relay=1-3,5 FlowCtrl=1\n"
	    "r b AAAAAAAAAAAAAAAAAAAAAAAAAAA 2038-01-01 00:00:00 1.2.3.5 9001 0\n"
	    "m AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "pr Relay=4 FlowCtrl=0-9 Conflux=1\n"
	    "directory-footer\n"
	    "directory-signature A B\n";
	struct onion_relay relays[2];
	struct onion_consensus c = { .relays = relays, .cap = 2 };

	(void)state;
	assert_int_equal(onion_consensus_parse(doc, sizeof doc - 1, &c), 0);
	assert_int_equal(c.cc.alg, 0);
	assert_int_equal(c.cc.sendme_inc, 33);
	assert_int_equal(c.cc.cwnd_init, 124);	/* out of range: default */
	assert_false(relays[0].flags & (RF_NTOR3 | RF_FLOWCTRL2));
	assert_true(relays[1].flags & RF_NTOR3);
	assert_true(relays[1].flags & RF_FLOWCTRL2);
	/* "Conflux=1" only on the second relay; the network turned it off. */
	assert_false(relays[0].flags & RF_CONFLUX);
	assert_true(relays[1].flags & RF_CONFLUX);
	assert_int_equal(c.cc.cfx_enabled, 0);
	assert_int_equal(relays[0].ipv4, 0x01020304);
}

static void
load_all(struct onion_consensus *cons)
{
	assert_int_equal(onion_consensus_parse(consensus, consensus_len, cons),
	    0);
	assert_int_equal(onion_microdescs_parse(microdescs, microdescs_len,
	    cons), 5);
}

static void
test_microdescs(void **state)
{
	struct onion_relay relays[8];
	struct onion_consensus cons = { .relays = relays, .cap = 8 };
	uint8_t ed[32];
	char *bad;

	(void)state;
	load_all(&cons);
	for (int i = 0; i < 5; i++) {
		assert_true(relays[i].have_md);
		assert_true(relays[i].have_ed);
		assert_true(onion_relay_allows_port(&relays[i], 28080));
		assert_false(onion_relay_allows_port(&relays[i], 80));
	}
	assert_int_equal(onion_b64_decode(ed, 32,
	    "uSLkCGX6wg6keZSISyFIpPsqfjxZh/1Z/a4q1dVcYao", 43), 32);
	assert_memory_equal(relays[0].ed_id, ed, 32);	/* auth2's */

	/* A changed byte: the digest no longer matches; it is not used. */
	bad = malloc(microdescs_len);
	assert_non_null(bad);
	memcpy(bad, microdescs, microdescs_len);
	bad[strstr(bad, "ntor-onion-key ") - bad + 20] ^= 1;
	assert_int_equal(onion_consensus_parse(consensus, consensus_len,
	    &cons), 0);
	assert_int_equal(onion_microdescs_parse(bad, microdescs_len, &cons), 4);
	assert_false(relays[0].have_md);
	free(bad);

	/* Policies: summaries, ranges, reject lists. */
	{
		static const char md[] = "ntor-onion-key "
		    "dO1CHGkHHmhzKMofhpuZKKaGoa8h6H23qlmo0nnLujM\n"
		    "p reject 1-79,81-442,444-65535\n";
		static const char junk[] = "p accept 80\n";
		static const char badp[] = "ntor-onion-key "
		    "dO1CHGkHHmhzKMofhpuZKKaGoa8h6H23qlmo0nnLujM\n"
		    "p accept 90-80\n";
		struct onion_relay r[1];
		struct onion_consensus c1 = { .relays = r, .cap = 1, .nrelays = 1 };

		memset(r, 0, sizeof r);
		assert_int_equal(nc_sha256(r[0].md_digest, md, sizeof md - 1),
		    NC_OK);
		assert_int_equal(onion_microdescs_parse(md, sizeof md - 1, &c1), 1);
		assert_true(onion_relay_allows_port(&r[0], 80));
		assert_true(onion_relay_allows_port(&r[0], 443));
		assert_false(onion_relay_allows_port(&r[0], 22));
		assert_int_equal(onion_microdescs_parse(junk, sizeof junk - 1,
		    &c1), ONION_EPARSE);
		assert_int_equal(onion_microdescs_parse(badp, sizeof badp - 1,
		    &c1), ONION_EPARSE);
	}
}

static void
test_certs(void **state)
{
	struct onion_relay relays[8];
	struct onion_consensus cons = { .relays = relays, .cap = 8 };
	struct onion_peer_ids ids;
	uint8_t *bad, h[32];

	(void)state;
	assert_int_equal(tlshash_len, 32);
	load_all(&cons);
	assert_int_equal(onion_certs_check(certs, certs_len, tlshash,
	    CERTS_TIME, &ids), 0);
	/* The identities it proves are relay3's in the consensus. */
	assert_memory_equal(ids.rsa_id, relays[4].rsa_id, 20);
	assert_memory_equal(ids.ed_id, relays[4].ed_id, 32);

	/* Another TLS certificate than the one certified. */
	memcpy(h, tlshash, 32);
	h[0] ^= 1;
	assert_int_equal(onion_certs_check(certs, certs_len, h, CERTS_TIME,
	    &ids), ONION_EIDENTITY);
	assert_int_equal(onion_certs_check(certs, certs_len, NULL, CERTS_TIME,
	    &ids), ONION_EIDENTITY);
	/* Far in the future, everything has expired. */
	assert_int_equal(onion_certs_check(certs, certs_len, tlshash,
	    (int64_t)CERTS_TIME + 20 * 365 * 86400LL, &ids), ONION_EEXPIRED);
	/*
	 * Every flipped byte from the RSA identity certificate (type 2, at
	 * 593) on is caught. The first, type 1, is the RSA link certificate,
	 * which a client that checks the Ed25519 chain does not use (§4.2).
	 */
	assert_int_equal(certs[0], 5);
	assert_int_equal(certs[1], CERTTYPE_RSA_LINK);
	assert_int_equal(certs[593], CERTTYPE_RSA_ID);
	bad = malloc(certs_len);
	assert_non_null(bad);
	for (size_t i = 593; i < certs_len; i++) {
		memcpy(bad, certs, certs_len);
		bad[i] ^= 0x01;
		assert_int_not_equal(onion_certs_check(bad, certs_len, tlshash,
		    CERTS_TIME, &ids), ONION_OK);
	}
	/* Truncations. */
	for (size_t n = 0; n < certs_len; n += 7)
		assert_int_not_equal(onion_certs_check(certs, n, tlshash,
		    CERTS_TIME, &ids), ONION_OK);
	free(bad);
}

static void
test_edcert(void **state)
{
	uint8_t c[40 + 8 + 64];
	struct onion_edcert e;

	(void)state;
	memset(c, 0, sizeof c);
	c[0] = 1, c[1] = 4, c[6] = 1;
	c[39] = 1;			/* one extension, 4 bytes of data */
	onion_put16(c + 40, 4);
	c[42] = 9;			/* unknown type */
	c[43] = 0;			/* does not affect validation */
	assert_int_equal(onion_edcert_parse(c, sizeof c, &e), 0);
	assert_int_equal(e.bodylen, 48);
	assert_null(e.signer);
	c[43] = 1;			/* affects validation: refuse */
	assert_int_equal(onion_edcert_parse(c, sizeof c, &e), ONION_ECERT);
	c[43] = 0;
	onion_put16(c + 40, 100);	/* runs past the end */
	assert_int_equal(onion_edcert_parse(c, sizeof c, &e), ONION_ETRUNC);
	c[0] = 2;
	assert_int_equal(onion_edcert_parse(c, sizeof c, &e), ONION_ECERT);
	assert_int_equal(onion_edcert_parse(c, 50, &e), ONION_ETRUNC);
}

static void
test_path(void **state)
{
	struct onion_relay relays[8];
	struct onion_consensus cons = { .relays = relays, .cap = 8 };
	struct onion_path_rules rules = { 0, 28080, NULL };
	uint8_t avoid[8] = { 0 };
	int out[3], guard = -1, first;

	(void)state;
	load_all(&cons);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(onion_path_build(&cons, &guard, &rules, out), 0);
		assert_true(out[0] != out[1] && out[1] != out[2] &&
		    out[0] != out[2]);
		if (i == 0)
			first = guard;
		assert_int_equal(guard, first);		/* persistent */
		assert_int_equal(out[0], guard);
	}
	/* No exit for port 80. */
	rules.exit_port = 80;
	assert_int_equal(onion_path_build(&cons, &guard, &rules, out),
	    ONION_ENOPATH);
	/* All on 127.0.0.1: distinct /16s are impossible. */
	rules.exit_port = 28080;
	rules.distinct_subnets = 1;
	assert_int_equal(onion_path_build(&cons, &guard, &rules, out),
	    ONION_ENOPATH);
	rules.distinct_subnets = 0;
	/* A mutual family never shares a path. */
	memcpy(relays[3].family[0], relays[4].rsa_id, 20);
	relays[3].nfamily = 1;
	memcpy(relays[4].family[0], relays[3].rsa_id, 20);
	relays[4].nfamily = 1;
	for (int i = 0; i < 100; i++) {
		guard = -1;
		assert_int_equal(onion_path_build(&cons, &guard, &rules, out), 0);
		for (int j = 0; j < 3; j++)
			for (int k = 0; k < 3; k++)
				assert_false(out[j] == 3 && out[k] == 4);
	}
	/* A relay to avoid is never chosen; an avoided guard is replaced. */
	rules.avoid = avoid;
	avoid[guard] = 1;
	first = guard;
	for (int i = 0; i < 30; i++) {
		assert_int_equal(onion_path_build(&cons, &guard, &rules, out), 0);
		for (int j = 0; j < 3; j++)
			assert_int_not_equal(out[j], first);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_authorities),
		cmocka_unit_test(test_authcerts),
		cmocka_unit_test(test_consensus),
		cmocka_unit_test(test_consensus_params),
		cmocka_unit_test(test_microdescs),
		cmocka_unit_test(test_certs),
		cmocka_unit_test(test_edcert),
		cmocka_unit_test(test_path),
	};

	if (nc_init() != NC_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
