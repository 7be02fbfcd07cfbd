/*
 * lib/crypto/blake3 against the official BLAKE3 test-vector cases (their
 * outputs regenerated with b3sum into data/blake3_vectors.txt), plus the
 * properties the API promises: streaming, repeatable final and seeking.
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

#define XOF_LEN		131
#define MAX_INPUT	102400
#define VECTORS		"tests/unit/data/blake3_vectors.txt"

static const char KEY[] = "whats the Elvish word for friend";
static const char CONTEXT[] = "BLAKE3 2019-12-27 16:29:52 test vectors context";

enum mode { HASH, KEYED, DERIVE };

static const char *argv0;
static uint8_t input[MAX_INPUT];

static void
fill_input(void)
{
	for (size_t i = 0; i < sizeof input; i++)
		input[i] = (uint8_t)(i % 251);
}

/* A fixed-seed generator, so that any failure can be reproduced. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static const char *
mode_name(enum mode m)
{
	return m == HASH ? "hash" : m == KEYED ? "keyed" : "derive-key";
}

static void
init_mode(struct blake3 *h, enum mode m)
{
	switch (m) {
	case HASH:
		blake3_init(h);
		break;
	case KEYED:
		blake3_init_keyed(h, (const uint8_t *)KEY);
		break;
	case DERIVE:
		blake3_init_derive_key(h, CONTEXT);
		break;
	}
}

static void
hash_mode(enum mode m, const uint8_t *p, size_t len, uint8_t *out,
    size_t outlen)
{
	struct blake3 h;

	init_mode(&h, m);
	blake3_update(&h, p, len);
	blake3_final(&h, out, outlen);
}

/* Feeds p in pieces of random size (including empty ones). */
static void
hash_split(enum mode m, const uint8_t *p, size_t len, uint64_t *seed,
    size_t maxpiece, uint8_t *out, size_t outlen)
{
	struct blake3 h;
	size_t n;

	init_mode(&h, m);
	while (len > 0) {
		n = (size_t)(rnd(seed) % (maxpiece + 1));
		if (n > len)
			n = len;
		blake3_update(&h, p, n);
		p += n;
		len -= n;
	}
	blake3_final(&h, out, outlen);
}

/* The tests run from the top folder; fall back to the binary's location. */
static FILE *
open_vectors(void)
{
	char path[4096];
	const char *slash;
	FILE *f;

	if ((f = fopen(VECTORS, "r")) != NULL)
		return f;
	if (argv0 == NULL || (slash = strrchr(argv0, '/')) == NULL)
		return NULL;
	snprintf(path, sizeof path, "%.*s/../../../%s", (int)(slash - argv0),
	    argv0, VECTORS);
	return fopen(path, "r");
}

static void
check_case(size_t len, enum mode m, const uint8_t want[XOF_LEN])
{
	struct blake3 h;
	uint8_t got[XOF_LEN], part[XOF_LEN];
	static const size_t offsets[] = { 1, 31, 32, 63, 64, 65, 100, 130 };

	init_mode(&h, m);
	blake3_update(&h, input, len);
	blake3_final(&h, got, sizeof got);
	if (memcmp(got, want, sizeof got) != 0)
		fail_msg("len %zu mode %s: extended output differs", len,
		    mode_name(m));
	/* A shorter output is a prefix of the longer one. */
	blake3_final(&h, got, BLAKE3_OUT_LEN);
	assert_memory_equal(got, want, BLAKE3_OUT_LEN);
	for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
		blake3_final_seek(&h, offsets[i], part, XOF_LEN - offsets[i]);
		assert_memory_equal(part, want + offsets[i],
		    XOF_LEN - offsets[i]);
	}
	if (m == HASH) {
		blake3(input, len, got);
		assert_memory_equal(got, want, BLAKE3_OUT_LEN);
	}
}

static void
test_official_vectors(void **state)
{
	char line[512], modename[16], hex[300];
	uint8_t want[XOF_LEN];
	size_t len, cases = 0;
	enum mode m;
	FILE *f;

	if ((f = open_vectors()) == NULL)
		fail_msg("cannot open %s", VECTORS);
	while (fgets(line, sizeof line, f) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%zu %15s %299s", &len, modename, hex) != 3 ||
		    len > MAX_INPUT || hex_decode(want, sizeof want, hex, strlen(hex)) != 0)
			fail_msg("malformed line: %s", line);
		if (strcmp(modename, "hash") == 0)
			m = HASH;
		else if (strcmp(modename, "keyed") == 0)
			m = KEYED;
		else if (strcmp(modename, "derive") == 0)
			m = DERIVE;
		else
			fail_msg("unknown mode: %s", modename);
		check_case(len, m, want);
		cases++;
	}
	fclose(f);
	/* 35 input lengths, three modes each. */
	assert_int_equal(cases, 105);
}

/*
 * A few first-32-byte outputs from the upstream test_vectors.json, so that
 * the tests do not rest on b3sum alone.
 */
static void
test_embedded_vectors(void **state)
{
	static const struct {
		size_t len;
		enum mode m;
		const char *hex;
	} v[] = {
		{ 0, HASH, "af1349b9f5f9a1a6a0404dea36dcc949"
		    "9bcb25c9adc112b7cc9a93cae41f3262" },
		{ 1024, HASH, "42214739f095a406f3fc83deb889744a"
		    "c00df831c10daa55189b5d121c855af7" },
		{ 1025, HASH, "d00278ae47eb27b34faecf67b4fe263f"
		    "82d5412916c1ffd97c8cb7fb814b8444" },
		{ 102400, HASH, "bc3e3d41a1146b069abffad3c0d44860"
		    "cf664390afce4d9661f7902e7943e085" },
		{ 0, KEYED, "92b2b75604ed3c761f9d6f62392c8a92"
		    "27ad0ea3f09573e783f1498a4ed60d26" },
		{ 1025, KEYED, "357dc55de0c7e382c900fd6e320acc04"
		    "146be01db6a8ce7210b7189bd664ea69" },
		{ 0, DERIVE, "2cc39783c223154fea8dfb7c1b1660f2"
		    "ac2dcbd1c1de8277b0b0dd39b7e50d7d" },
		{ 102400, DERIVE, "4652cff7a3f385a6103b5c260fc1593e"
		    "13c778dbe608efb092fe7ee69df6e9c6" },
	};
	uint8_t want[BLAKE3_OUT_LEN], got[BLAKE3_OUT_LEN];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		assert_int_equal(hex_decode(want, sizeof want, v[i].hex, strlen(v[i].hex)), 0);
		hash_mode(v[i].m, input, v[i].len, got, sizeof got);
		if (memcmp(got, want, sizeof got) != 0)
			fail_msg("len %zu mode %s differs", v[i].len,
			    mode_name(v[i].m));
	}
}

/* Any way of cutting the input into updates gives the one-shot result. */
static void
test_incremental(void **state)
{
	uint8_t one[XOF_LEN], split[XOF_LEN];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t len;

	for (int m = HASH; m <= DERIVE; m++) {
		for (len = 0; len <= 3 * BLAKE3_CHUNK_LEN + 70; len += 7) {
			hash_mode(m, input, len, one, sizeof one);
			hash_split(m, input, len, &seed, 1, split, sizeof split);
			assert_memory_equal(one, split, sizeof one);
			hash_split(m, input, len, &seed, 200, split,
			    sizeof split);
			assert_memory_equal(one, split, sizeof one);
		}
		for (int i = 0; i < 40; i++) {
			len = (size_t)(rnd(&seed) % MAX_INPUT);
			hash_mode(m, input, len, one, sizeof one);
			hash_split(m, input, len, &seed, 5000, split,
			    sizeof split);
			if (memcmp(one, split, sizeof one) != 0)
				fail_msg("len %zu mode %s differs", len,
				    mode_name(m));
		}
	}
}

/* final leaves the state alone: it can be repeated, and hashing go on. */
static void
test_final_keeps_state(void **state)
{
	struct blake3 h, copy;
	uint8_t a[XOF_LEN], b[XOF_LEN], c[XOF_LEN];

	blake3_init(&h);
	blake3_update(&h, input, 5000);
	copy = h;
	blake3_final(&h, a, sizeof a);
	blake3_final(&h, b, sizeof b);
	assert_memory_equal(a, b, sizeof a);
	assert_memory_equal(&h, &copy, sizeof h);
	blake3_update(&h, input + 5000, 3000);
	blake3_final(&h, b, sizeof b);
	hash_mode(HASH, input, 8000, c, sizeof c);
	assert_memory_equal(b, c, sizeof b);
	/* A copied state is an independent fork. */
	blake3_update(&copy, input + 5000, 1);
	blake3_final(&copy, b, sizeof b);
	hash_mode(HASH, input, 5001, c, sizeof c);
	assert_memory_equal(b, c, sizeof b);
}

/* Any window of the output stream is the matching slice of a long output. */
static void
test_seek(void **state)
{
	struct blake3 h;
	uint8_t all[1024], part[300];

	blake3_init_keyed(&h, (const uint8_t *)KEY);
	blake3_update(&h, input, 2049);
	blake3_final(&h, all, sizeof all);
	for (uint64_t off = 0; off < 700; off += 3) {
		for (size_t n = 0; n <= 300 && off + n <= sizeof all; n += 37) {
			memset(part, 0, sizeof part);
			blake3_final_seek(&h, off, part, n);
			assert_memory_equal(part, all + off, n);
		}
	}
}

/*
 * Output block 2^32 needs the high word of the counter: were it dropped,
 * that block would repeat block 0. Also, a window across it is seamless.
 */
static void
test_seek_far(void **state)
{
	const uint64_t far = (uint64_t)1 << 38;	/* block 2^32 */
	struct blake3 h;
	uint8_t first[64], at[64], across[40], lo[20], hi[20];

	blake3_init(&h);
	blake3_update(&h, input, 100);
	blake3_final(&h, first, sizeof first);
	blake3_final_seek(&h, far, at, sizeof at);
	assert_memory_not_equal(first, at, sizeof at);
	blake3_final_seek(&h, far - 20, across, sizeof across);
	blake3_final_seek(&h, far - 20, lo, sizeof lo);
	blake3_final_seek(&h, far, hi, sizeof hi);
	assert_memory_equal(across, lo, sizeof lo);
	assert_memory_equal(across + 20, hi, sizeof hi);
	assert_memory_equal(hi, at, sizeof hi);
	/* The very last bytes of the 2^64-byte stream can be reached too. */
	blake3_final_seek(&h, UINT64_MAX - 9, at, 10);
}

static void
test_empty_calls(void **state)
{
	struct blake3 h;
	uint8_t a[BLAKE3_OUT_LEN], b[BLAKE3_OUT_LEN];

	blake3_init(&h);
	blake3_update(&h, NULL, 0);
	blake3_update(&h, input, 10);
	blake3_update(&h, NULL, 0);
	blake3_final(&h, NULL, 0);
	blake3_final_seek(&h, 12345, NULL, 0);
	blake3_final(&h, a, sizeof a);
	blake3(input, 10, b);
	assert_memory_equal(a, b, sizeof a);
}

/* Different modes, keys and contexts must not collide on the same input. */
static void
test_domain_separation(void **state)
{
	struct blake3 h;
	uint8_t a[BLAKE3_OUT_LEN], b[BLAKE3_OUT_LEN], key[BLAKE3_KEY_LEN];

	hash_mode(HASH, input, 64, a, sizeof a);
	hash_mode(KEYED, input, 64, b, sizeof b);
	assert_memory_not_equal(a, b, sizeof a);
	memcpy(key, KEY, sizeof key);
	key[31] ^= 1;
	blake3_init_keyed(&h, key);
	blake3_update(&h, input, 64);
	blake3_final(&h, a, sizeof a);
	assert_memory_not_equal(a, b, sizeof a);
	hash_mode(DERIVE, input, 64, a, sizeof a);
	blake3_init_derive_key(&h, "another context");
	blake3_update(&h, input, 64);
	blake3_final(&h, b, sizeof b);
	assert_memory_not_equal(a, b, sizeof a);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_official_vectors),
		cmocka_unit_test(test_embedded_vectors),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_final_keeps_state),
		cmocka_unit_test(test_seek),
		cmocka_unit_test(test_seek_far),
		cmocka_unit_test(test_empty_calls),
		cmocka_unit_test(test_domain_separation),
	};

	argv0 = argc > 0 ? argv[0] : NULL;
	fill_input();
	return cmocka_run_group_tests_name("blake3", tests, NULL, NULL);
}
