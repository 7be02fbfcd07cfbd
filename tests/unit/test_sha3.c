/*
 * lib/crypto/sha3 against published FIPS 202 / Keccak values and values
 * from Python's hashlib, plus the incremental interface against one-shot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/crypto/sha3.h"
#include "tests/unit/unhex.h"

enum alg { SHA3_256, SHA3_512, SHAKE128, SHAKE256 };

/* One-shot digest, or the first outlen bytes for SHAKE. */
static void
digest(enum alg alg, uint8_t *out, size_t outlen, const void *in, size_t len)
{
	switch (alg) {
	case SHA3_256:
		assert_int_equal(outlen, SHA3_256_BYTES);
		sha3_256(out, in, len);
		break;
	case SHA3_512:
		assert_int_equal(outlen, SHA3_512_BYTES);
		sha3_512(out, in, len);
		break;
	case SHAKE128:
		shake128(out, outlen, in, len);
		break;
	case SHAKE256:
		shake256(out, outlen, in, len);
		break;
	}
}

static void
init(enum alg alg, struct sha3_ctx *ctx)
{
	switch (alg) {
	case SHA3_256:
		sha3_256_init(ctx);
		break;
	case SHA3_512:
		sha3_512_init(ctx);
		break;
	case SHAKE128:
		shake128_init(ctx);
		break;
	case SHAKE256:
		shake256_init(ctx);
		break;
	}
}

static void
check(enum alg alg, const void *in, size_t len, const char *want_hex)
{
	uint8_t want[64], got[64];
	size_t n = strlen(want_hex) / 2;

	assert_true(n <= sizeof want);
	unhex(want, n, want_hex);
	digest(alg, got, n, in, len);
	assert_memory_equal(got, want, n);
}

/* Short-message values from FIPS 202's examples and NIST's CSRC pages. */
static void
test_known_vectors(void **state)
{
	uint8_t a3[200];

	check(SHA3_256, "", 0,
	    "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
	check(SHA3_256, "abc", 3,
	    "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
	check(SHAKE128, "", 0,
	    "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
	check(SHAKE256, "", 0,
	    "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f");
	check(SHA3_512, "abc", 3,
	    "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
	    "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
	check(SHA3_512, "", 0,
	    "a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a6"
	    "15b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26");
	/* 1600 bits of 0xa3: longer than every rate. */
	memset(a3, 0xa3, sizeof a3);
	check(SHA3_256, a3, sizeof a3,
	    "79f38adec5c20307a98ef76e8324afbfd46cfd81b22e3973c65fa1bd9de31787");
	check(SHA3_512, a3, sizeof a3,
	    "e76dfad22084a8b1467fcf2ffa58361bec7628edf5f3fdc0e4805dc48caeeca8"
	    "1b7c13c30adf52a3659584739a2df46be589c51ca1a4a8416df6545a1ce8ba00");
	check(SHAKE128, a3, sizeof a3,
	    "131ab8d2b594946b9c81333f9bb6e0ce75c3b93104fa3469d3917457385da037");
	check(SHAKE256, a3, sizeof a3,
	    "cd8a920ed141aa0407a22d59288652e9d9f1a7ee0c1e7c1ca699424da84a904d");
}

/*
 * Messages one byte short of, equal to, and one past the rate: the pad
 * bytes then share a byte, fill a block, or spill into a fresh block.
 * Expected values from Python's hashlib; byte i of a message is 7 i + 1.
 */
static void
test_rate_boundaries(void **state)
{
	static const struct {
		enum alg	alg;
		size_t		len;
		const char	*hex;
	} v[] = {
		{ SHA3_256, 135, "64ccd300c1cf3d3846046bd588a1613e5ba619c09d45d4b7cc9afa093af29e19" },
		{ SHA3_256, 136, "f106d1024a855c6a20d300bb53ec5472a1bae126fa630fee78219b51add7d768" },
		{ SHA3_256, 137, "fa4d0b0141ec2c69a5dc314ed611a0819b920e95d13d586df89f370809e9465a" },
		{ SHA3_512, 71, "9e4dee6367de5a2369552f7bc5984aa66c4ddec980d907592834fc194af9cc99"
		    "65bcb79292faeedcc93471ecc5b3d33983beb5549e29126074ffccc59af809b8" },
		{ SHA3_512, 72, "574f819c848e9d6f492f03847055180317740ce2f8473374e9c59255d9e2f5fc"
		    "456eef18ed169f36b74e82a03e4164694c102389c0781483838c8840890c429e" },
		{ SHA3_512, 73, "96836c50a2d824ff0eb228e5060e0b88efd30e10b366347e95ace6909bda65b2"
		    "3fa8d268ecf88ad5e53cc3492280389200015556d8c2ee3e3fbaa5bce3db678b" },
		{ SHAKE128, 167, "f556a4f5ec6d8c971f1d0ca3c0dc1a33f4c2878b8c54d313560a66be26b6266f" },
		{ SHAKE128, 168, "0a0378144caa796f9bc4af37b5329eefbf846dd0f089d87ce1f0665e033f7d26" },
		{ SHAKE128, 169, "66469aa3d4eee62f2073f88dedd39e88c41bda26cd5989d02d74de48c57910a7" },
		{ SHAKE256, 135, "d2fbe0a6ded494501cc37fd4f5da330b23e16601b12e4c37f332fdeb44311e63" },
		{ SHAKE256, 136, "982c21d1d328ea0c182357958a9f776ca6a1811bf0f2c64b14262edef5d201c6" },
		{ SHAKE256, 137, "aca65e9d4a27361044d570d20712ab5d6f8a43bfc0f9d4ef0b6f52ff7e607527" },
	};
	uint8_t msg[200];
	size_t i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(7 * i + 1);
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		check(v[i].alg, msg, v[i].len, v[i].hex);
}

/* Output far past one block: bytes 368..399 of SHAKE128("abc"). */
static void
test_long_output(void **state)
{
	uint8_t out[400], want[32];

	shake128(out, sizeof out, "abc", 3);
	unhex(want, sizeof want,
	    "35d6dbb75651b284076f5fde47b4a0586ee173e30bd4d08f2bc59c6114bdd745");
	assert_memory_equal(out + 368, want, sizeof want);
}

/* SHA3-256 of one million 'a' (NIST's long-message example). */
static void
test_million_a(void **state)
{
	static uint8_t a[1000];
	struct sha3_ctx ctx;
	uint8_t got[32], want[32];
	int i;

	memset(a, 'a', sizeof a);
	sha3_256_init(&ctx);
	for (i = 0; i < 1000; i++)
		sha3_update(&ctx, a, sizeof a);
	sha3_final(&ctx, got);
	unhex(want, sizeof want,
	    "5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1");
	assert_memory_equal(got, want, sizeof want);
}

/*
 * Keccak-f[1600] on the all-zero state: the first lanes of the Keccak
 * team's published intermediate values.
 */
static void
test_permutation_zero_state(void **state)
{
	uint64_t st[25];

	memset(st, 0, sizeof st);
	keccak_f1600(st);
	assert_true(st[0] == 0xf1258f7940e1dde7ULL);
	assert_true(st[1] == 0x84d5ccf933c0478aULL);
	assert_true(st[2] == 0xd598261ea65aa9eeULL);
}

/* Every split of a three-block message into two updates gives the same digest. */
static void
test_incremental_absorb(void **state)
{
	static const enum alg algs[] = { SHA3_256, SHA3_512, SHAKE128, SHAKE256 };
	uint8_t msg[3 * SHAKE128_RATE + 5], want[64], got[64];
	struct sha3_ctx ctx;
	size_t a, split, i, outlen;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 131 + 17);
	for (a = 0; a < sizeof algs / sizeof algs[0]; a++) {
		outlen = algs[a] == SHA3_256 ? 32 : 64;
		digest(algs[a], want, outlen, msg, sizeof msg);
		for (split = 0; split <= sizeof msg; split++) {
			init(algs[a], &ctx);
			sha3_update(&ctx, msg, split);
			sha3_update(&ctx, msg + split, sizeof msg - split);
			if (algs[a] == SHAKE128 || algs[a] == SHAKE256)
				shake_squeeze(&ctx, got, outlen);
			else
				sha3_final(&ctx, got);
			assert_memory_equal(got, want, outlen);
		}
	}
}

/* Squeezing in chunks of any size continues one output stream. */
static void
test_incremental_squeeze(void **state)
{
	static const size_t chunks[] = { 1, 3, 7, 135, 136, 137, 167, 168, 169, 500 };
	uint8_t want[1000], got[1000];
	struct sha3_ctx ctx;
	size_t c, off, n;
	int xof;

	for (xof = 0; xof < 2; xof++) {
		digest(xof ? SHAKE256 : SHAKE128, want, sizeof want, "nonos", 5);
		for (c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			init(xof ? SHAKE256 : SHAKE128, &ctx);
			sha3_update(&ctx, "nonos", 5);
			for (off = 0; off < sizeof got; off += n) {
				n = chunks[c];
				if (n > sizeof got - off)
					n = sizeof got - off;
				shake_squeeze(&ctx, got + off, n);
			}
			assert_memory_equal(got, want, sizeof want);
		}
	}
}

/* The sponge cannot absorb once squeezing began; late input is dropped. */
static void
test_update_after_squeeze_ignored(void **state)
{
	uint8_t want[64], got[64];
	struct sha3_ctx ctx;

	shake256(want, sizeof want, "abc", 3);
	shake256_init(&ctx);
	sha3_update(&ctx, "abc", 3);
	shake_squeeze(&ctx, got, 10);
	sha3_update(&ctx, "def", 3);
	shake_squeeze(&ctx, got + 10, sizeof got - 10);
	assert_memory_equal(got, want, sizeof want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_rate_boundaries),
		cmocka_unit_test(test_long_output),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_permutation_zero_state),
		cmocka_unit_test(test_incremental_absorb),
		cmocka_unit_test(test_incremental_squeeze),
		cmocka_unit_test(test_update_after_squeeze_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
