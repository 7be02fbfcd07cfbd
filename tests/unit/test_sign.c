/*
 * Tests of lib/sign (nonos-sign's formats): key files, signature files
 * (round trip, every refusal, parsed and checked apart as the loader
 * does), manifest lines and their path rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/blake3.h"
#include "lib/fmt/hex.h"
#include "lib/sign/sign.h"

static void
test_keys(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64];
	char pub[SIGN_PUBFILE_LEN + 1], key[SIGN_KEYFILE_LEN + 1];

	(void)state;
	assert_int_equal(sign_keygen(pk, sk), SIGN_OK);
	sign_pub_encode(pub, pk);
	sign_key_encode(key, sk);
	assert_int_equal(strlen(pub), SIGN_PUBFILE_LEN);
	assert_int_equal(strlen(key), SIGN_KEYFILE_LEN);
	assert_int_equal(sign_pub_parse(pk2, pub, strlen(pub)), SIGN_OK);
	assert_memory_equal(pk, pk2, 32);
	assert_int_equal(sign_key_parse(sk2, key, strlen(key)), SIGN_OK);
	assert_memory_equal(sk, sk2, 64);
	/* Without the final newline too; never with anything else. */
	assert_int_equal(sign_pub_parse(pk2, pub, strlen(pub) - 1), SIGN_OK);
	assert_int_equal(sign_pub_parse(pk2, pub, strlen(pub) - 2),
	    SIGN_EFORMAT);
	assert_int_equal(sign_pub_parse(pk2, key, strlen(key)), SIGN_EFORMAT);
	assert_int_equal(sign_key_parse(sk2, pub, strlen(pub)), SIGN_EFORMAT);
	pub[17] = 'x';
	assert_int_equal(sign_pub_parse(pk2, pub, strlen(pub)), SIGN_EFORMAT);
}

static void
test_signature_files(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], digest[32], other[32];
	char sig[SIGN_SIGFILE_LEN + 1], copy[SIGN_SIGFILE_LEN + 1];

	(void)state;
	assert_int_equal(sign_keygen(pk, sk), SIGN_OK);
	assert_int_equal(sign_keygen(pk2, sk2), SIGN_OK);
	blake3("kernel", 6, digest);
	blake3("kernel!", 7, other);
	assert_int_equal(sign_make(sig, digest, sk), SIGN_OK);
	assert_int_equal(strlen(sig), SIGN_SIGFILE_LEN);
	assert_int_equal(sign_check(sig, strlen(sig), digest, pk), SIGN_OK);
	assert_int_equal(sign_check(sig, strlen(sig), other, pk), SIGN_EHASH);
	assert_int_equal(sign_check(sig, strlen(sig), digest, pk2), SIGN_EKEY);
	assert_int_equal(sign_check(sig, strlen(sig) - 2, digest, pk),
	    SIGN_EFORMAT);
	/* Each character of the signature field matters. */
	for (size_t i = 17 + 1 + 64 + 1 + 64 + 1; i < SIGN_SIGFILE_LEN - 1;
	     i++) {
		memcpy(copy, sig, sizeof copy);
		copy[i] = copy[i] == '0' ? '1' : '0';
		assert_int_equal(sign_check(copy, strlen(copy), digest, pk),
		    SIGN_EBAD);
	}
	/* The hash field edited to match another file: the signature fails. */
	memcpy(copy, sig, sizeof copy);
	hex_encode(copy + 17 + 1 + 64 + 1, other, 32);
	copy[17 + 1 + 64 + 1 + 64] = ' ';
	assert_int_equal(sign_check(copy, strlen(copy), other, pk), SIGN_EBAD);
}

/* sign_sig_parse and sign_sig_verify: the two halves of sign_check. */
static void
test_signature_parse(void **state)
{
	uint8_t pk[32], sk[64], digest[32];
	char sig[SIGN_SIGFILE_LEN + 1], bad[SIGN_SIGFILE_LEN + 8];
	struct sign_sig s;

	(void)state;
	assert_int_equal(sign_keygen(pk, sk), SIGN_OK);
	blake3("manifest", 8, digest);
	assert_int_equal(sign_make(sig, digest, sk), SIGN_OK);
	assert_int_equal(sign_sig_parse(&s, sig, strlen(sig)), SIGN_OK);
	assert_memory_equal(s.signer, pk, 32);
	assert_memory_equal(s.hash, digest, 32);
	assert_int_equal(sign_sig_verify(&s, digest, pk), SIGN_OK);
	/* Without the newline too, and in upper case. */
	assert_int_equal(sign_sig_parse(&s, sig, strlen(sig) - 1), SIGN_OK);
	strcpy(bad, sig);
	for (char *p = bad + 18; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_OK);
	assert_memory_equal(s.signer, pk, 32);
	assert_int_equal(sign_sig_verify(&s, digest, pk), SIGN_OK);
	/* Refusals. */
	assert_int_equal(sign_sig_parse(&s, "", 0), SIGN_EFORMAT);
	assert_int_equal(sign_sig_parse(&s, sig, strlen(sig) - 2),
	    SIGN_EFORMAT);
	strcpy(bad, sig);
	bad[0] = 'N';
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_EFORMAT);
	strcpy(bad, sig);
	bad[17] = '\t';
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_EFORMAT);
	strcpy(bad, sig);
	bad[40] = 'g';
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_EFORMAT);
	strcpy(bad, sig);
	strcpy(bad + strlen(bad) - 1, " 00\n");
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_EFORMAT);
	strcpy(bad, sig);
	strcat(bad, "\n");
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_EFORMAT);
	/* One changed signature digit: parses, and no longer verifies. */
	strcpy(bad, sig);
	bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == '0' ? '1' : '0';
	assert_int_equal(sign_sig_parse(&s, bad, strlen(bad)), SIGN_OK);
	assert_int_equal(sign_sig_verify(&s, digest, pk), SIGN_EBAD);
}

static void
test_manifest_lines(void **state)
{
	char line[200];
	uint8_t digest[32], want[32];
	const char *path;
	size_t plen;

	(void)state;
	blake3("x", 1, want);
	hex_encode(line, want, 32);
	strcpy(line + 64, "  mods/one");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_OK);
	assert_memory_equal(digest, want, 32);
	assert_int_equal(plen, 8);
	assert_memory_equal(path, "mods/one", 8);
	strcpy(line + 64, "  ../etc/passwd");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_EPATH);
	strcpy(line + 64, "  /etc/passwd");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_EPATH);
	strcpy(line + 64, "  a\\\\b");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_EPATH);
	strcpy(line + 64, " one");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_EFORMAT);
	strcpy(line + 64, "  ");
	assert_int_equal(sign_manifest_line(line, strlen(line), digest, &path,
	    &plen), SIGN_EFORMAT);
	assert_string_equal(sign_strerror(SIGN_EKEY), "signed by another key");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_signature_files),
		cmocka_unit_test(test_signature_parse),
		cmocka_unit_test(test_manifest_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
