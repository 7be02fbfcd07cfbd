/*
 * A vault opened for reading (shared by reader.c and rekey.c): the raw
 * header, the unlocked file key and payload stream, chunk buffers.
 */
#ifndef LIB_VAULT_READER_H
#define LIB_VAULT_READER_H

#include <stdint.h>

#include "lib/vault/pack.h"
#include "lib/vault/stream.h"
#include "lib/vault/vault.h"

struct vault_reader {
	struct vault_src src;
	uint8_t *raw;			/* the header, h.len bytes */
	struct vault_header h;
	uint8_t sig[VAULT_SIG_BYTES];
	uint8_t k[VAULT_KEYBYTES];
	struct vault_stream stream;
	uint8_t ct[VAULT_CT_CHUNK];
	uint8_t pt[VAULT_CHUNK];
	uint8_t scratch[VAULT_CHUNK];	/* for diagnosis */
	struct vault_unpacker unpack;
};

/*
 * Reads chunk i into r->ct (*ctlen bytes) and opens it into r->pt
 * (*ctlen - VAULT_TAG bytes); on failure, names the fault.
 */
int vault_reader_chunk(struct vault_reader *r, uint64_t i, size_t *ctlen);

/* Checks sig over BLAKE3 digest of header || body: VAULT_ESIG. */
int vault_sig_check(const struct vault_header *h, const uint8_t digest[32],
    const uint8_t sig[VAULT_SIG_BYTES]);

#endif
