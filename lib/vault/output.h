/*
 * A vault being written (by vault_create or vault_rekey): the sink, the
 * running BLAKE3 hash of header and body for the signature, and the
 * trailer.
 */
#ifndef LIB_VAULT_OUTPUT_H
#define LIB_VAULT_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/blake3.h"
#include "lib/vault/vault.h"

struct vault_output {
	struct vault_sink sink;
	const uint8_t *sign_sk;		/* NULL: unsigned */
	struct blake3 hash;
	uint64_t body_len;
};

void vault_output_init(struct vault_output *o, const struct vault_sink *sink,
    const uint8_t *sign_sk);
int vault_output_header(struct vault_output *o, const uint8_t *raw, size_t len);
int vault_output_body(struct vault_output *o, const uint8_t *buf, size_t len);
/* Writes the body length and, if signing, the signature. */
int vault_output_trailer(struct vault_output *o);

#endif
