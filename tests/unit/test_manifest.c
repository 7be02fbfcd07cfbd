/*
 * Tests of lib/manifest, the boot manifest parser at the loader's trust
 * boundary: a good manifest and every field read back; each refusal with
 * its reason and line; one spelling per manifest (no single-byte change
 * of a good manifest parses to the same contents); and the ceiling
 * syntax both ways. The detached signature's format is lib/sign's
 * (test_sign.c); what the loader and nonos-manifest make of it, of each
 * listed file and of the measurements (lib/manifest/verify.c) is tested
 * at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/blake3.h"
#include "lib/fmt/hex.h"
#include "lib/manifest/manifest.h"
#include "lib/sign/sign.h"

#define H1 "0000000000000000000000000000000000000000000000000000000000000001"
#define H2 "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"

static const char good[] =
    "nonos-manifest 1\n"
    "image 7\n"
    "kernel 112304 " H1 " 7\n"
    "module hello 22048 " H2 " 7 endpoint:w console:w\n"
    "module ipc-bench_2.x 1 " H1 " 3\n"
    "module usertests 49592 " H1 " 7 irq:rwxgc memory:rwxgc console:rwg "
    "spawn:c machine:c\n";

static struct manifest m;

static const char *
parse(const char *text, uint32_t *line)
{
	return manifest_parse(text, strlen(text), &m, line);
}

static void
test_good(void **state)
{
	const struct manifest_file *f;
	uint32_t line = 99;

	(void)state;
	assert_null(parse(good, &line));
	assert_int_equal(m.version, 7);
	assert_string_equal(m.kernel.name, "kernel.elf");
	assert_int_equal(m.kernel.size, 112304);
	assert_int_equal(m.kernel.version, 7);
	assert_int_equal(m.kernel.blake3[31], 1);
	assert_int_equal(m.nmodules, 3);
	f = manifest_module(&m, "hello");
	assert_non_null(f);
	assert_int_equal(f->size, 22048);
	assert_int_equal(f->blake3[0], 0xab);
	assert_int_equal(f->ceiling[CAP_ENDPOINT], RIGHT_WRITE);
	assert_int_equal(f->ceiling[CAP_CONSOLE], RIGHT_WRITE);
	assert_int_equal(f->ceiling[CAP_FRAME], 0);
	f = manifest_module(&m, "ipc-bench_2.x");
	assert_non_null(f);
	assert_int_equal(f->version, 3);
	for (int t = 0; t < CAP_TYPE_COUNT; t++)
		assert_int_equal(f->ceiling[t], 0);
	f = manifest_module(&m, "usertests");
	assert_int_equal(f->ceiling[CAP_IRQ], RIGHTS_ALL);
	assert_int_equal(f->ceiling[CAP_CONSOLE], RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT);
	assert_int_equal(f->ceiling[CAP_SPAWN], RIGHT_CONTROL);
	assert_int_equal(f->ceiling[CAP_NULL], 0);
	assert_null(manifest_module(&m, "nosuch"));
	assert_null(manifest_module(&m, "hell"));
	/* No modules at all is a manifest too. */
	assert_null(parse("nonos-manifest 1\nimage 1\nkernel 1 " H1 " 1\n", &line));
	assert_int_equal(m.nmodules, 0);
}

/* text must be refused at line with a reason containing why. */
static void
refused(const char *text, uint32_t want_line, const char *why)
{
	uint32_t line = 1234;
	const char *r = parse(text, &line);

	if (r == NULL || strstr(r, why) == NULL || line != want_line) {
		print_error("%s\n -> %s at line %u; expected '%s' at line %u\n", text,
		    r ? r : "(accepted)", line, why, want_line);
		fail();
	}
}

#define HEAD "nonos-manifest 1\nimage 7\nkernel 5 " H1 " 7\n"

static void
test_refusals(void **state)
{
	char big[MANIFEST_MAX_BYTES + 64];

	(void)state;
	refused("", 0, "empty");
	refused("nonos-manifest 1\nimage 7\nkernel 5 " H1 " 7", 0, "newline");
	refused("nonos-manifest 1\nimage 7\n", 0, "ends before");
	refused("nonos-manifest 2\nimage 7\nkernel 5 " H1 " 7\n", 1, "first line");
	refused("nonos-manifest 1 \nimage 7\nkernel 5 " H1 " 7\n", 1, "first line");
	refused("nonos-manifest 1\r\nimage 7\nkernel 5 " H1 " 7\n", 1, "ASCII");
	refused("nonos-manifest 1\nimage\t7\nkernel 5 " H1 " 7\n", 2, "ASCII");
	refused("nonos-manifest 1\nimage 0\nkernel 5 " H1 " 7\n", 2, "at least 1");
	refused("nonos-manifest 1\nimage 07\nkernel 5 " H1 " 7\n", 2, "leading zero");
	refused("nonos-manifest 1\nimage +7\nkernel 5 " H1 " 7\n", 2, "bad number");
	refused("nonos-manifest 1\nimage 12345678901234567890\nkernel 5 " H1 " 7\n",
	    2, "bad number");
	refused("nonos-manifest 1\nimage  7\nkernel 5 " H1 " 7\n", 2, "spacing");
	refused("nonos-manifest 1\nimage 7 \nkernel 5 " H1 " 7\n", 2, "spacing");
	refused("nonos-manifest 1\n image 7\nkernel 5 " H1 " 7\n", 2, "spacing");
	refused("nonos-manifest 1\nversion 7\nkernel 5 " H1 " 7\n", 2, "second line");
	refused("nonos-manifest 1\nimage 7\nkernel 5 " H1 "\n", 3, "third line");
	refused("nonos-manifest 1\nimage 7\nmodule a 5 " H1 " 7\n", 3, "third line");
	refused("nonos-manifest 1\nimage 7\nkernel 0 " H1 " 7\n", 3, "size out of range");
	refused("nonos-manifest 1\nimage 7\nkernel 536870913 " H1 " 7\n", 3,
	    "size out of range");
	refused("nonos-manifest 1\nimage 7\nkernel 5 " H1 "0 7\n", 3, "BLAKE3");
	refused("nonos-manifest 1\nimage 7\nkernel 5 ABCDEF0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789 7\n", 3, "BLAKE3");
	refused("nonos-manifest 1\nimage 7\nkernel 5 g000000000000000000000000000000"
	    "0000000000000000000000000000000001 7\n", 3, "BLAKE3");
	refused(HEAD "\n", 4, "spacing");
	refused(HEAD "module\n", 4, "needs a name");
	refused(HEAD "module a 5 " H1 "\n", 4, "needs a name");
	refused(HEAD "modules a 5 " H1 " 7\n", 4, "unknown line");
	refused(HEAD "kernel 5 " H1 " 7\n", 4, "unknown line");
	refused(HEAD "module Hello 5 " H1 " 7\n", 4, "module name");
	refused(HEAD "module .hidden 5 " H1 " 7\n", 4, "module name");
	refused(HEAD "module a/b 5 " H1 " 7\n", 4, "module name");
	refused(HEAD "module 0123456789012345678901234567890123456789012345678 5 "
	    H1 " 7\n", 4, "module name");
	refused(HEAD "module b 5 " H1 " 7\nmodule a 5 " H1 " 7\n", 5, "out of order");
	refused(HEAD "module a 5 " H1 " 7\nmodule a 5 " H1 " 7\n", 5, "repeated");
	refused(HEAD "module a 5 " H1 " 7 console\n", 4, "without ':'");
	refused(HEAD "module a 5 " H1 " 7 console:\n", 4, "no rights");
	refused(HEAD "module a 5 " H1 " 7 :w\n", 4, "unknown capability type");
	refused(HEAD "module a 5 " H1 " 7 null:w\n", 4, "unknown capability type");
	refused(HEAD "module a 5 " H1 " 7 Console:w\n", 4, "unknown capability type");
	refused(HEAD "module a 5 " H1 " 7 console:wr\n", 4, "in that order");
	refused(HEAD "module a 5 " H1 " 7 console:ww\n", 4, "in that order");
	refused(HEAD "module a 5 " H1 " 7 console:W\n", 4, "in that order");
	refused(HEAD "module a 5 " H1 " 7 console:rwxgcr\n", 4, "in that order");
	refused(HEAD "module a 5 " H1 " 7 console:w:w\n", 4, "in that order");
	refused(HEAD "module a 5 " H1 " 7 console:w endpoint:w\n", 4, "out of order");
	refused(HEAD "module a 5 " H1 " 7 console:w console:r\n", 4, "repeated");
	refused(HEAD "module a 5 " H1 " 7 cnode:r vspace:r frame:r thread:r "
	    "endpoint:r notification:r irq:r ioport:r memory:r console:r spawn:r "
	    "machine:r pci:r counter:r cnode:r\n", 4, "too many words");
	/* Lines longer than the longest real one. */
	memset(big, 0, sizeof(big));
	strcpy(big, HEAD "module a 5 " H1 " 7 ");
	memset(big + strlen(big), 'x', 1100);
	strcat(big, "\n");
	refused(big, 4, "too long");
	/* The size limit, whatever the content. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	refused(big, 0, "too large");
}

static void
test_module_limit(void **state)
{
	char *text = malloc(MANIFEST_MAX_BYTES + 1);
	size_t len = 0;
	uint32_t line;

	(void)state;
	len += (size_t)sprintf(text + len, HEAD);
	for (int i = 0; i < MANIFEST_MAX_MODULES; i++)
		len += (size_t)sprintf(text + len, "module m%02d 5 " H1 " 7 console:w\n", i);
	assert_null(parse(text, &line));
	assert_int_equal(m.nmodules, MANIFEST_MAX_MODULES);
	sprintf(text + len, "module m99 5 " H1 " 7\n");
	refused(text, 4 + MANIFEST_MAX_MODULES, "too many modules");
	free(text);
}

/*
 * One spelling per manifest: change any one byte of a good manifest to
 * any other value and it is refused or means something else.
 */
static void
test_canonical(void **state)
{
	static struct manifest orig;
	char text[sizeof(good)];
	size_t len = strlen(good);
	uint32_t line;
	long same = 0, accepted = 0;

	(void)state;
	assert_null(manifest_parse(good, len, &orig, &line));
	for (size_t i = 0; i < len; i++) {
		for (int v = 0; v < 256; v++) {
			if (v == (unsigned char)good[i])
				continue;
			memcpy(text, good, len);
			text[i] = (char)v;
			if (manifest_parse(text, len, &m, &line) != NULL)
				continue;
			accepted++;
			if (memcmp(&m, &orig, sizeof(m)) == 0)
				same++;
		}
	}
	assert_int_equal(same, 0);
	assert_true(accepted > 0);	/* e.g. another hash digit */
	/* A cut inside a line is never a manifest. */
	for (size_t n = 0; n < len; n++) {
		if (n > 0 && good[n - 1] == '\n')
			continue;
		assert_non_null(manifest_parse(good, n, &m, &line));
	}
}

static void
test_ceiling_syntax(void **state)
{
	uint32_t ceiling[CAP_TYPE_COUNT], type, rights;
	char text[512];

	(void)state;
	/* Every set of rights of every type, both ways. */
	for (uint32_t t = 1; t < CAP_TYPE_COUNT; t++) {
		for (uint32_t r = 1; r <= RIGHTS_ALL; r++) {
			memset(ceiling, 0, sizeof(ceiling));
			ceiling[t] = r;
			manifest_format_ceiling(ceiling, text, sizeof(text));
			assert_null(manifest_parse_cap(text, strlen(text), &type, &rights));
			assert_int_equal(type, t);
			assert_int_equal(rights, r);
		}
	}
	memset(ceiling, 0, sizeof(ceiling));
	assert_int_equal(manifest_format_ceiling(ceiling, text, sizeof(text)), 4);
	assert_string_equal(text, "none");
	ceiling[CAP_CONSOLE] = RIGHT_WRITE;
	ceiling[CAP_ENDPOINT] = RIGHT_READ | RIGHT_GRANT;
	manifest_format_ceiling(ceiling, text, sizeof(text));
	assert_string_equal(text, "endpoint:rg console:w");
	/* Truncation, like snprintf. */
	assert_int_equal(manifest_format_ceiling(ceiling, text, 5), 21);
	assert_string_equal(text, "endp");
	assert_string_equal(manifest_cap_name(CAP_MACHINE), "machine");
	assert_string_equal(manifest_cap_name(CAP_COUNTER), "counter");
	assert_null(manifest_cap_name(CAP_NULL));
	assert_null(manifest_cap_name(CAP_TYPE_COUNT));
	assert_true(manifest_name_ok("a", 1));
	assert_true(manifest_name_ok("a.b-c_9", 7));
	assert_false(manifest_name_ok("", 0));
	assert_false(manifest_name_ok(".", 1));
	assert_false(manifest_name_ok("..", 2));
	assert_false(manifest_name_ok("a b", 3));
	assert_false(manifest_name_ok(
	    "0123456789012345678901234567890123456789012345678", 48));
	assert_true(manifest_name_ok(
	    "012345678901234567890123456789012345678901234567", 47));
}

/* The signature is checked before the text is parsed, each fault named. */
static void
test_check_signature(void **state)
{
	uint8_t pk[32], sk[64], pk2[32], sk2[64], digest[32];
	char sig[SIGN_SIGFILE_LEN + 1], text[sizeof(good)];
	struct manifest_fault fault;
	struct sign_sig parsed;

	(void)state;
	assert_int_equal(sign_keygen(pk, sk), SIGN_OK);
	assert_int_equal(sign_keygen(pk2, sk2), SIGN_OK);
	blake3(good, strlen(good), digest);
	assert_int_equal(sign_make(sig, digest, sk), SIGN_OK);
	assert_int_equal(manifest_check_signature(good, strlen(good), sig,
	    strlen(sig), pk, &parsed, &fault), SIGN_OK);
	assert_null(fault.why);
	assert_memory_equal(parsed.signer, pk, 32);

	assert_int_equal(manifest_check_signature(good, strlen(good), sig,
	    strlen(sig), pk2, &parsed, &fault), SIGN_EKEY);
	assert_string_equal(fault.path, MANIFEST_SIG_PATH);
	assert_string_equal(fault.why, "signed by another key");
	assert_memory_equal(parsed.signer, pk, 32);	/* for the message */

	/* One byte of the text changed: its hash is not the signed one. */
	memcpy(text, good, sizeof(good));
	text[sizeof("nonos-manifest 1\nimage ") - 1] = '8';
	assert_int_equal(manifest_check_signature(text, strlen(text), sig,
	    strlen(sig), pk, &parsed, &fault), SIGN_EHASH);
	assert_string_equal(fault.path, MANIFEST_PATH);
	assert_string_equal(fault.why, "does not match its signature (hash differs)");

	/* The last hex digit of the Ed25519 signature changed. */
	sig[strlen(sig) - 2] = sig[strlen(sig) - 2] == '0' ? '1' : '0';
	assert_int_equal(manifest_check_signature(good, strlen(good), sig,
	    strlen(sig), pk, &parsed, &fault), SIGN_EBAD);
	assert_string_equal(fault.path, MANIFEST_SIG_PATH);
	assert_string_equal(fault.why, "bad signature");

	assert_int_equal(manifest_check_signature(good, strlen(good), "x", 1, pk,
	    &parsed, &fault), SIGN_EFORMAT);
	assert_string_equal(fault.path, MANIFEST_SIG_PATH);
	assert_string_equal(fault.why, "malformed signature file");
}

/* Size first (the bytes are not read when it differs), then BLAKE3. */
static void
test_check_file(void **state)
{
	struct manifest_file f;
	char why[MANIFEST_WHY_LEN], data[] = "hello";

	(void)state;
	memset(&f, 0, sizeof(f));
	f.size = 5;
	blake3(data, 5, f.blake3);
	assert_null(manifest_check_file(&f, data, 5, why));
	assert_string_equal(manifest_check_file(&f, NULL, 5001, why),
	    "size mismatch (5001 bytes, the manifest says 5)");
	assert_string_equal(manifest_check_file(&f, data, 4, why),
	    "size mismatch (4 bytes, the manifest says 5)");
	data[4] = 'O';
	assert_string_equal(manifest_check_file(&f, data, 5, why), "hash mismatch");
	/* The longest reason fits. */
	f.size = MANIFEST_MAX_FILE;
	assert_non_null(manifest_check_file(&f, NULL, UINT64_MAX, why));
	assert_true(strlen(why) < MANIFEST_WHY_LEN - 1);
	assert_non_null(strstr(why, "18446744073709551615 bytes"));
}

/* The files in the order they are checked, their paths, the events. */
static void
test_files_and_events(void **state)
{
	char path[MANIFEST_PATH_LEN];
	struct manifest_event ev;
	uint32_t line;

	(void)state;
	assert_null(parse(good, &line));
	assert_int_equal(manifest_nfiles(&m), 4);
	assert_ptr_equal(manifest_file(&m, 0), &m.kernel);
	assert_ptr_equal(manifest_file(&m, 1), &m.module[0]);
	assert_ptr_equal(manifest_file(&m, 3), &m.module[2]);
	assert_null(manifest_file(&m, 4));
	manifest_file_path(&m, 0, path);
	assert_string_equal(path, MANIFEST_KERNEL_PATH);
	manifest_file_path(&m, 1, path);
	assert_string_equal(path, "/nonos/modules/hello");
	manifest_file_path(&m, 4, path);
	assert_string_equal(path, "");

	assert_int_equal(manifest_event(&m, 0, &ev), 0);
	assert_int_equal(ev.pcr, 8);
	assert_int_equal(ev.file, -1);
	assert_string_equal(ev.path, "/nonos/manifest");
	assert_int_equal(manifest_event(&m, 1, &ev), 0);
	assert_int_equal(ev.pcr, 9);
	assert_int_equal(ev.file, 0);
	assert_string_equal(ev.path, "/nonos/kernel.elf");
	assert_int_equal(manifest_event(&m, 2, &ev), 0);
	assert_int_equal(ev.pcr, 9);
	assert_int_equal(ev.file, 1);
	assert_string_equal(ev.path, "/nonos/modules/hello");
	assert_int_equal(manifest_event(&m, 4, &ev), 0);
	assert_int_equal(ev.file, 3);
	assert_string_equal(ev.path, "/nonos/modules/usertests");
	assert_int_equal(manifest_event(&m, 5, &ev), -1);

	/* A module may be called kernel.elf; its path is still the module's. */
	assert_null(parse("nonos-manifest 1\nimage 1\nkernel 1 " H1 " 1\n"
	    "module kernel.elf 1 " H1 " 1\n", &line));
	manifest_file_path(&m, 1, path);
	assert_string_equal(path, "/nonos/modules/kernel.elf");
	/* The longest name fits. */
	assert_null(parse("nonos-manifest 1\nimage 1\nkernel 1 " H1 " 1\n"
	    "module 01234567890123456789012345678901234567890123456 1 " H1 " 1\n",
	    &line));
	manifest_file_path(&m, 1, path);
	assert_int_equal(strlen(path), MANIFEST_PATH_LEN - 1);
}

static void
hex_is(const uint8_t v[32], const char *want)
{
	char h[65];

	hex_encode(h, v, 32);
	assert_string_equal(h, want);
}

/* Known answers computed apart (Python's hashlib): SHA-256 extends from zero. */
static void
test_measure(void **state)
{
	uint8_t pcrs[2][32], digest[32], zero[32];

	(void)state;
	memset(pcrs, 0, sizeof(pcrs));
	memset(zero, 0, sizeof(zero));
	assert_int_equal(manifest_measure(pcrs, 8, "abc", 3, digest), 0);
	hex_is(digest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hex_is(pcrs[0], "589f9ffed4c477966bfb8d41f37895b08c69047df8f911d6f3b57fbe08faee8d");
	assert_memory_equal(pcrs[1], zero, 32);
	assert_int_equal(manifest_measure(pcrs, 9, "kernel", 6, digest), 0);
	assert_int_equal(manifest_measure(pcrs, 9, "module", 6, digest), 0);
	hex_is(pcrs[1], "d96edb70b642464831d4262f2c36332f07074bd9ec5a8db3c343f74904175a7a");
	/* Other PCRs are not ours: nothing changes. */
	memcpy(zero, pcrs, 32);
	assert_int_equal(manifest_measure(pcrs, 7, "abc", 3, digest), -1);
	assert_int_equal(manifest_measure(pcrs, 10, "abc", 3, digest), -1);
	assert_memory_equal(pcrs[0], zero, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_module_limit),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_ceiling_syntax),
		cmocka_unit_test(test_check_signature),
		cmocka_unit_test(test_check_file),
		cmocka_unit_test(test_files_and_events),
		cmocka_unit_test(test_measure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
