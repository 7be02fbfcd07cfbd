/*
 * bench/vault's lower bound: libsodium's crypto_secretstream_xchacha20poly1305
 * sealing and opening a file's bytes in memory in 64 KiB messages, with the
 * same release libsodium the tools use. Prints "seal MB/s open MB/s" (best
 * of three) for the file named on the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium/crypto_secretstream_xchacha20poly1305.h>

#include "lib/crypto/crypto.h"

#define MSG	65536
#define ABYTES	crypto_secretstream_xchacha20poly1305_ABYTES
#define FINAL	crypto_secretstream_xchacha20poly1305_TAG_FINAL

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *pt, *ct, *back, tag;
	size_t len, nmsg, off, n;
	double t, best_seal = 1e9, best_open = 1e9;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	if (nc_init() != NC_OK || nc_random_bytes(key, sizeof key) != NC_OK)
		return 1;
	pt = slurp(argv[1], &len);
	nmsg = len / MSG + 1;
	if ((ct = malloc(len + nmsg * ABYTES)) == NULL ||
	    (back = malloc(len + 1)) == NULL)
		return 1;
	for (int rep = 0; rep < 3; rep++) {
		t = now();
		crypto_secretstream_xchacha20poly1305_init_push(
		    &st, header, key);
		for (off = 0; off <= len; off += MSG) {
			n = len - off < MSG ? len - off : MSG;
			crypto_secretstream_xchacha20poly1305_push(&st,
			    ct + off / MSG * (MSG + ABYTES), NULL, pt + off, n,
			    NULL, 0, n < MSG ? FINAL : 0);
			if (n < MSG)
				break;
		}
		t = now() - t;
		best_seal = t < best_seal ? t : best_seal;
		t = now();
		if (crypto_secretstream_xchacha20poly1305_init_pull(
			&st, header, key) != 0)
			return 1;
		for (off = 0; off <= len; off += MSG) {
			n = len - off < MSG ? len - off : MSG;
			if (crypto_secretstream_xchacha20poly1305_pull(&st,
				back + off, NULL, &tag,
				ct + off / MSG * (MSG + ABYTES), n + ABYTES,
				NULL, 0) != 0)
				return 1;
			if (n < MSG)
				break;
		}
		t = now() - t;
		best_open = t < best_open ? t : best_open;
		if (tag != FINAL ||
		    memcmp(pt, back, len) != 0)
			return 1;
	}
	printf("%.1f %.1f\n", len / best_seal / 1e6, len / best_open / 1e6);
	return 0;
}
