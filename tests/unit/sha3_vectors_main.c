/*
 * Host driver for tests/unit/sha3_vs_hashlib.py. Each input line is
 * "ALG OUTLEN CHUNK HEX" (HEX is "-" for the empty message); the message
 * is absorbed, and the output squeezed, CHUNK bytes at a time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/sha3.h"
#include "lib/fmt/hex.h"

#define MAXMSG	8192
#define MAXOUT	4096

/* The message: "-" for none, else its hex (lib/fmt/hex). */
static int
message(uint8_t *out, size_t *n, const char *hex)
{
	size_t len = strlen(hex);

	*n = 0;
	if (strcmp(hex, "-") == 0)
		return 0;
	if (len % 2 != 0 || len / 2 > MAXMSG)
		return -1;
	*n = len / 2;
	return hex_decode(out, *n, hex, len);
}
static int
init(struct sha3_ctx *ctx, const char *alg, size_t outlen)
{
	if (strcmp(alg, "sha3_256") == 0 && outlen == SHA3_256_BYTES)
		sha3_256_init(ctx);
	else if (strcmp(alg, "sha3_512") == 0 && outlen == SHA3_512_BYTES)
		sha3_512_init(ctx);
	else if (strcmp(alg, "shake_128") == 0)
		shake128_init(ctx);
	else if (strcmp(alg, "shake_256") == 0)
		shake256_init(ctx);
	else
		return -1;
	return 0;
}

static int
run(const char *alg, size_t outlen, size_t chunk, const char *hex)
{
	static uint8_t msg[MAXMSG], out[MAXOUT];
	struct sha3_ctx ctx;
	size_t len, off, n;

	if (outlen > MAXOUT || chunk == 0 || message(msg, &len, hex) != 0 ||
	    init(&ctx, alg, outlen) != 0)
		return -1;
	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		sha3_update(&ctx, msg + off, n);
	}
	if (strncmp(alg, "sha3", 4) == 0)
		sha3_final(&ctx, out);
	else
		for (off = 0; off < outlen; off += n) {
			n = outlen - off < chunk ? outlen - off : chunk;
			shake_squeeze(&ctx, out + off, n);
		}
	for (off = 0; off < outlen; off++)
		printf("%02x", out[off]);
	printf("\n");
	return 0;
}

int
main(void)
{
	static char line[2 * MAXMSG + 128], alg[16], hex[2 * MAXMSG + 2];
	size_t outlen, chunk;

	while (fgets(line, sizeof line, stdin) != NULL) {
		if (sscanf(line, "%15s %zu %zu %16385s", alg, &outlen, &chunk,
		    hex) != 4 || run(alg, outlen, chunk, hex) != 0) {
			fprintf(stderr, "bad input line: %s", line);
			return 1;
		}
	}
	return 0;
}
