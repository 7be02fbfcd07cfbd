/*
 * BLAKE3: the hash, keyed hash (MAC) and key derivation modes with
 * extendable output, written from the BLAKE3 specification. Portable,
 * single-threaded and allocation-free, for the kernel as well as the host.
 */
#ifndef LIB_CRYPTO_BLAKE3_H
#define LIB_CRYPTO_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE3_KEY_LEN		32
#define BLAKE3_OUT_LEN		32
#define BLAKE3_BLOCK_LEN	64
#define BLAKE3_CHUNK_LEN	1024
/* 2^64 bytes of input are at most 2^54 chunks: one stacked CV per level. */
#define BLAKE3_MAX_DEPTH	54

/* The chunk being filled: its chaining value and one buffered block. */
struct blake3_chunk {
	uint32_t cv[8];
	uint64_t counter;		/* index of this chunk in the input */
	uint8_t buf[BLAKE3_BLOCK_LEN];
	uint8_t buf_len;
	uint8_t blocks;			/* blocks already compressed */
	uint8_t flags;			/* mode flags, without the per-block ones */
};

/* Hasher state. Plain data: it may be copied to fork a hash. */
struct blake3 {
	uint32_t key[8];
	struct blake3_chunk chunk;
	uint8_t stack_len;
	uint32_t stack[BLAKE3_MAX_DEPTH][8];	/* CVs of completed subtrees */
};

void blake3_init(struct blake3 *h);
void blake3_init_keyed(struct blake3 *h, const uint8_t key[BLAKE3_KEY_LEN]);
/* context is a NUL-terminated, application-specific, hard-coded string. */
void blake3_init_derive_key(struct blake3 *h, const char *context);
void blake3_update(struct blake3 *h, const void *data, size_t len);
/*
 * Writes outlen bytes of output. The state is not changed: final may be
 * called again, and update may continue after it.
 */
void blake3_final(const struct blake3 *h, uint8_t *out, size_t outlen);
/* Like blake3_final, but the output starts at byte offset of the stream. */
void blake3_final_seek(const struct blake3 *h, uint64_t offset, uint8_t *out,
    size_t outlen);
/* The default 32-byte hash of data, in one call. */
void blake3(const void *data, size_t len, uint8_t out[BLAKE3_OUT_LEN]);

#endif
