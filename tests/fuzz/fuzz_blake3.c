/*
 * lib/crypto/blake3 must not depend on how its input is cut into updates:
 * the first bytes choose the mode, the cuts and an output window, the rest
 * is hashed one-shot and in pieces, and the outputs must agree.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"

#define HEADER	8
#define MAX_OUT	300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
init_mode(struct blake3 *h, unsigned mode, const uint8_t *p, size_t len)
{
	uint8_t key[BLAKE3_KEY_LEN] = { 0 };
	char context[40];
	size_t n;

	switch (mode % 3) {
	case 0:
		blake3_init(h);
		break;
	case 1:
		/* The key comes from the input too, zero-padded. */
		n = len < sizeof key ? len : sizeof key;
		if (n > 0)
			memcpy(key, p, n);
		blake3_init_keyed(h, key);
		break;
	default:
		/* The context ends at the first NUL, as a C string does. */
		n = len < sizeof context - 1 ? len : sizeof context - 1;
		if (n > 0)
			memcpy(context, p, n);
		context[n] = '\0';
		blake3_init_derive_key(h, context);
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blake3 one, parts;
	uint8_t want[MAX_OUT], got[MAX_OUT], digest[BLAKE3_OUT_LEN];
	const uint8_t *msg;
	size_t len, a, b, step, outlen, off, n;
	unsigned mode;

	if (size < HEADER)
		return 0;
	mode = data[0];
	msg = data + HEADER;
	len = size - HEADER;
	a = ((size_t)data[1] << 8 | data[2]) % (len + 1);
	b = ((size_t)data[3] << 8 | data[4]) % (len + 1);
	if (a > b) {
		n = a;
		a = b;
		b = n;
	}
	outlen = 1 + data[5] % MAX_OUT;
	off = data[6] % outlen;

	init_mode(&one, mode, msg, len);
	parts = one;
	blake3_update(&one, msg, len);
	blake3_final(&one, want, outlen);

	/* Cut at two chosen points. */
	blake3_update(&parts, msg, a);
	blake3_update(&parts, msg + a, b - a);
	blake3_update(&parts, msg + b, len - b);
	blake3_final(&parts, got, outlen);
	if (memcmp(want, got, outlen) != 0)
		abort();

	/* Fixed-size pieces, 1 to 2048 bytes, across block and chunk ends. */
	init_mode(&parts, mode, msg, len);
	step = 1 + (((size_t)data[7] << 3 | (data[0] >> 2 & 7)) % 2048);
	for (size_t i = 0; i < len; i += n) {
		n = len - i < step ? len - i : step;
		blake3_update(&parts, msg + i, n);
	}
	blake3_final(&parts, got, outlen);
	if (memcmp(want, got, outlen) != 0)
		abort();

	/* A window of the output stream is the slice of the long output. */
	blake3_final_seek(&one, off, got, outlen - off);
	if (memcmp(want + off, got, outlen - off) != 0)
		abort();

	if (mode % 3 == 0) {
		blake3(msg, len, digest);
		blake3_final(&one, want, sizeof want);
		if (memcmp(want, digest, sizeof digest) != 0)
			abort();
	}
	return 0;
}
