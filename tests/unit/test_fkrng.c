/*
 * lib/crypto/fkrng against Debian's b3sum, an independent BLAKE3: the key
 * is b3sum --derive-key of the seed, each draw is the keystream of
 * b3sum --keyed over the empty input, whose first 32 bytes become the
 * next key. Also: mixing changes the stream, and a draw split in pieces
 * differs from one whole draw only by the keys it erased in between.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto/fkrng.h"

#define CONTEXT	"NONOS 2026 fkrng differential test"

/* Runs cmd with in[inlen] on its stdin, reads outlen raw bytes. */
static void
b3sum(const char *cmd, const void *in, size_t inlen, uint8_t *out, size_t outlen)
{
	char tmpl[] = "/tmp/fkrng-XXXXXX", line[512];
	FILE *p;
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, inlen), (ssize_t)inlen);
	close(fd);
	snprintf(line, sizeof line, "%s < %s", cmd, tmpl);
	p = popen(line, "r");
	assert_non_null(p);
	assert_int_equal(fread(out, 1, outlen, p), outlen);
	assert_int_equal(pclose(p), 0);
	unlink(tmpl);
}

static void
test_against_b3sum(void **state)
{
	uint8_t seed[40], key[32], block[32 + 64], got[64];
	char cmd[256];
	struct fkrng g;

	(void)state;
	for (size_t i = 0; i < sizeof seed; i++)
		seed[i] = (uint8_t)(i * 7 + 1);
	fkrng_init(&g, CONTEXT, seed, sizeof seed);
	b3sum("b3sum --no-names --raw --derive-key '" CONTEXT "'", seed, sizeof seed,
	    key, 32);
	assert_memory_equal(g.key, key, 32);
	/* Three draws: 64 bytes, then 10, then 64. */
	size_t sizes[] = { 64, 10, 64 };
	for (int r = 0; r < 3; r++) {
		snprintf(cmd, sizeof cmd,
		    "b3sum --no-names --raw --keyed --length 96 /dev/null");
		/* --keyed reads the key from stdin. */
		b3sum(cmd, key, 32, block, sizeof block);
		fkrng_bytes(&g, got, sizes[r]);
		assert_memory_equal(got, block + 32, sizes[r]);
		memcpy(key, block, 32);
		assert_memory_equal(g.key, key, 32);
	}
}

static void
test_mix_and_split(void **state)
{
	struct fkrng a, b;
	uint8_t x[100], y[100];

	(void)state;
	fkrng_init(&a, CONTEXT, "seed", 4);
	b = a;
	fkrng_bytes(&a, x, 100);
	fkrng_bytes(&b, y, 64);
	fkrng_bytes(&b, y + 64, 36);
	/* 100 bytes are two reads either way: the same stream. */
	assert_memory_equal(x, y, 100);
	fkrng_init(&a, CONTEXT, "seed", 4);
	b = a;
	fkrng_mix(&b, CONTEXT " mix", "more", 4);
	fkrng_bytes(&a, x, 32);
	fkrng_bytes(&b, y, 32);
	assert_memory_not_equal(x, y, 32);
	/* Another seed, another stream. */
	fkrng_init(&b, CONTEXT, "seeD", 4);
	fkrng_init(&a, CONTEXT, "seed", 4);
	fkrng_bytes(&a, x, 32);
	fkrng_bytes(&b, y, 32);
	assert_memory_not_equal(x, y, 32);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_b3sum),
		cmocka_unit_test(test_mix_and_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
