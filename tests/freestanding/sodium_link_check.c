/*
 * Linked with build/freestanding/libsodium.a and lib/crypto's nc_ API,
 * all built with the kernel's flags, by `make
 * build/freestanding/sodium-link-check`. Linking proves the archive needs
 * nothing beyond the declared environment; running it on the build
 * machine (it uses two Linux system calls, in the stubs and here to
 * report) checks known answers in the kernel's code generation: no SSE,
 * -mcmodel=kernel, -O2. Exit status: 0, or the number of the first check
 * that failed.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/crypto.h"
#include "lib/fmt/hex.h"
#include "lib/libc/string.h"
#include "tests/freestanding/linux_syscall.h"

void nc_link_check_main(void) __attribute__((noreturn));

int nc_check_entropy_fail;
static int check;

static void
say(const char *s)
{
	linux_syscall3(SYS_write, 1, (long)s, (long)strlen(s));
}

static void
expect(int ok)
{
	check++;
	if (!ok) {
		say("sodium-link-check: freestanding known-answer check failed\n");
		linux_exit(check);
	}
}

static int
hexeq(const uint8_t *p, size_t n, const char *hex)
{
	static const char digits[] = "0123456789abcdef";

	if (strlen(hex) != 2 * n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hex[2 * i] != digits[p[i] >> 4] ||
		    hex[2 * i + 1] != digits[p[i] & 15])
			return 0;
	return 1;
}

void
nc_link_check_main(void)
{
	uint8_t h[64], seed[32], pk[32], sk[64], sig[64], k[32], u[32];
	uint8_t key[32], nonce[24], ct[3 + 16], pt[3];
	struct nc_sha256_state s256;

	/* No entropy: init and random bytes fail cleanly, then recover. */
	nc_check_entropy_fail = 1;
	expect(nc_init() == NC_EENTROPY);
	expect(nc_random_bytes(key, sizeof key) == NC_EENTROPY);
	expect(nc_sign_ed25519_keypair(pk, sk) == NC_EENTROPY);
	nc_check_entropy_fail = 0;
	expect(nc_init() == NC_OK);

	expect(nc_sha256(h, "abc", 3) == NC_OK && hexeq(h, 32,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	expect(nc_sha512(h, "abc", 3) == NC_OK && hexeq(h, 64,
	    "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
	expect(nc_sha256_init(&s256) == NC_OK &&
	    nc_sha256_update(&s256, "ab", 2) == NC_OK &&
	    nc_sha256_update(&s256, "c", 1) == NC_OK &&
	    nc_sha256_final(&s256, h) == NC_OK && hexeq(h, 32,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	/* RFC 4231 test case 2 */
	expect(nc_hmac_sha256(h, "Jefe", 4, "what do ya want for nothing?",
	    28) == NC_OK && hexeq(h, 32,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
	expect(nc_blake2b(h, 64, NULL, 0, "abc", 3) == NC_OK && hexeq(h, 64,
	    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
	    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"));

	/* RFC 8032 TEST 2 */
	expect(hex_decode(seed, 32,
	    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", 64) == 0);
	expect(nc_sign_ed25519_seed_keypair(pk, sk, seed) == NC_OK && hexeq(pk, 32,
	    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"));
	expect(nc_sign_ed25519(sig, (const uint8_t *)"\x72", 1, sk) == NC_OK &&
	    hexeq(sig, 64,
	    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
	expect(nc_verify_ed25519(sig, (const uint8_t *)"\x72", 1, pk) == NC_OK);
	sig[63] ^= 1;
	expect(nc_verify_ed25519(sig, (const uint8_t *)"\x72", 1, pk) == NC_EAUTH);

	/* RFC 7748 5.2, first vector; a low-order point. */
	expect(hex_decode(k, 32,
	    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", 64) == 0);
	expect(hex_decode(u, 32,
	    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", 64) == 0);
	expect(nc_x25519(h, k, u) == NC_OK && hexeq(h, 32,
	    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
	memset(u, 0, sizeof u);
	expect(nc_x25519(h, k, u) == NC_EWEAK);

	/* XChaCha20-Poly1305: round trip and a flipped tag bit. */
	expect(nc_random_bytes(key, sizeof key) == NC_OK);
	expect(nc_random_bytes(nonce, sizeof nonce) == NC_OK);
	expect(nc_aead_seal(ct, sizeof ct, (const uint8_t *)"abc", 3,
	    (const uint8_t *)"ad", 2, nonce, key) == NC_OK);
	expect(nc_aead_open(pt, sizeof pt, ct, sizeof ct, (const uint8_t *)"ad", 2,
	    nonce, key) == NC_OK && memcmp(pt, "abc", 3) == 0);
	ct[sizeof ct - 1] ^= 0x40;
	expect(nc_aead_open(pt, sizeof pt, ct, sizeof ct, (const uint8_t *)"ad", 2,
	    nonce, key) == NC_EAUTH);

	/* Argon2id against the argon2 CLI (see tests/unit/test_crypto.c). */
	expect(nc_pwhash_argon2id(h, 16, "p", 1,
	    (const uint8_t *)"saltsaltsaltsalt", 1, 8192) == NC_OK &&
	    hexeq(h, 16, "dedd5052f243a29867e5f05383531e3d"));
	expect(nc_pwhash_argon2id(h, 16, "p", 1,
	    (const uint8_t *)"saltsaltsaltsalt", 1000, 8192) == NC_ELIMIT);

	expect(nc_ct_equal("abc", "abd", 3) == NC_EAUTH);
	expect(nc_wipe(h, sizeof h) == NC_OK && h[0] == 0 && h[63] == 0);

	say("sodium-link-check: freestanding known answers OK\n");
	linux_exit(0);
}
