/*
 * The body: STREAM (Hoang, Reyhanitabar, Rogaway, Vizár) over
 * XChaCha20-Poly1305, 64 KiB chunks, nonce = prefix || index || last flag.
 * Also the chunk geometry of a body and the diagnosis of a failed chunk.
 */
#ifndef LIB_VAULT_STREAM_H
#define LIB_VAULT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/vault.h"

#define VAULT_CHUNK		65536
#define VAULT_TAG		16
#define VAULT_CT_CHUNK		(VAULT_CHUNK + VAULT_TAG)
#define VAULT_PREFIX_BYTES	15

struct vault_stream {
	uint8_t key[32];
	uint8_t prefix[VAULT_PREFIX_BYTES];
};

/* The payload key and nonce prefix of file key k and payload nonce. */
void vault_stream_init(struct vault_stream *s, const uint8_t k[VAULT_KEYBYTES],
    const uint8_t nonce[VAULT_NONCEBYTES]);
void vault_stream_wipe(struct vault_stream *s);

/* Seals n <= VAULT_CHUNK bytes as chunk i into out (n + VAULT_TAG bytes). */
int vault_stream_seal(const struct vault_stream *s, uint64_t i, int last,
    const uint8_t *pt, size_t n, uint8_t *out);
/* Opens chunk i of n bytes (VAULT_TAG <= n <= VAULT_CT_CHUNK): ECHUNK. */
int vault_stream_open(const struct vault_stream *s, uint64_t i, int last,
    const uint8_t *ct, size_t n, uint8_t *out);

/*
 * After chunk i of nchunks failed to open: names the fault by trying other
 * nonces. Returns VAULT_ETRUNC, VAULT_EEXTEND, VAULT_EDUP, VAULT_EREORDER
 * or VAULT_ECHUNK, and in *j the index the chunk opened as.
 */
int vault_stream_diagnose(const struct vault_stream *s, uint64_t i,
    uint64_t nchunks, const uint8_t *ct, size_t n, uint8_t *scratch,
    uint64_t *j);

/*
 * Chunk geometry: VAULT_ETRUNC unless body_len splits into full chunks and
 * a last one of VAULT_TAG..VAULT_CT_CHUNK bytes.
 */
int vault_body_chunks(uint64_t body_len, uint64_t *nchunks);
size_t vault_chunk_len(uint64_t body_len, uint64_t nchunks, uint64_t i);

#endif
