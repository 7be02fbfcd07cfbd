/*
 * STREAM chunks: payload key derivation, chunk nonces, sealing, opening,
 * and naming what went wrong when a chunk fails to open.
 */
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/stream.h"

#define PAYLOAD_CONTEXT	"NONOS vault v1 payload"
/* Diagnosis tries at most this many other indices, on the error path only. */
#define DIAGNOSE_MAX	4096

void
vault_stream_init(struct vault_stream *s, const uint8_t k[VAULT_KEYBYTES],
    const uint8_t nonce[VAULT_NONCEBYTES])
{
	struct blake3 h;
	uint8_t out[32 + VAULT_PREFIX_BYTES];

	blake3_init_derive_key(&h, PAYLOAD_CONTEXT);
	blake3_update(&h, k, VAULT_KEYBYTES);
	blake3_update(&h, nonce, VAULT_NONCEBYTES);
	blake3_final(&h, out, sizeof out);
	memcpy(s->key, out, 32);
	memcpy(s->prefix, out + 32, VAULT_PREFIX_BYTES);
	nc_wipe(out, sizeof out);
	nc_wipe(&h, sizeof h);
}

void
vault_stream_wipe(struct vault_stream *s)
{
	nc_wipe(s, sizeof *s);
}

static void
chunk_nonce(uint8_t nonce[NC_AEAD_NONCEBYTES], const struct vault_stream *s,
    uint64_t i, int last)
{
	memcpy(nonce, s->prefix, VAULT_PREFIX_BYTES);
	put64(nonce + VAULT_PREFIX_BYTES, i);
	nonce[VAULT_PREFIX_BYTES + 8] = last ? 1 : 0;
}

int
vault_stream_seal(const struct vault_stream *s, uint64_t i, int last,
    const uint8_t *pt, size_t n, uint8_t *out)
{
	uint8_t nonce[NC_AEAD_NONCEBYTES];

	if (n > VAULT_CHUNK)
		return VAULT_EINVAL;
	chunk_nonce(nonce, s, i, last);
	if (nc_aead_seal(out, n + VAULT_TAG, pt, n, NULL, 0, nonce, s->key) !=
	    NC_OK)
		return VAULT_ECRYPTO;
	return VAULT_OK;
}

int
vault_stream_open(const struct vault_stream *s, uint64_t i, int last,
    const uint8_t *ct, size_t n, uint8_t *out)
{
	uint8_t nonce[NC_AEAD_NONCEBYTES];

	if (n < VAULT_TAG || n > VAULT_CT_CHUNK)
		return VAULT_ECHUNK;
	chunk_nonce(nonce, s, i, last);
	if (nc_aead_open(out, n - VAULT_TAG, ct, n, NULL, 0, nonce, s->key) !=
	    NC_OK)
		return VAULT_ECHUNK;
	return VAULT_OK;
}

int
vault_stream_diagnose(const struct vault_stream *s, uint64_t i,
    uint64_t nchunks, const uint8_t *ct, size_t n, uint8_t *scratch,
    uint64_t *j)
{
	uint64_t lo, hi;
	int last = i + 1 == nchunks;

	*j = i;
	/* The right place, the wrong flag: the stream was cut or extended. */
	if (vault_stream_open(s, i, !last, ct, n, scratch) == VAULT_OK)
		return last ? VAULT_ETRUNC : VAULT_EEXTEND;
	/*
	 * Another place in this stream: any index below nchunks, around i
	 * when there are more than DIAGNOSE_MAX. A failed tag costs only
	 * Poly1305 (libsodium checks before it decrypts).
	 */
	lo = i > DIAGNOSE_MAX / 2 ? i - DIAGNOSE_MAX / 2 : 0;
	hi = nchunks - lo < DIAGNOSE_MAX ? nchunks : lo + DIAGNOSE_MAX;
	for (uint64_t k = lo; k < hi; k++) {
		if (k == i)
			continue;
		for (int flag = 0; flag <= 1; flag++) {
			if (vault_stream_open(s, k, flag, ct, n, scratch) !=
			    VAULT_OK)
				continue;
			*j = k;
			return k < i ? VAULT_EDUP : VAULT_EREORDER;
		}
	}
	return VAULT_ECHUNK;
}

int
vault_body_chunks(uint64_t body_len, uint64_t *nchunks)
{
	uint64_t c, rest;

	if (body_len < VAULT_TAG)
		return VAULT_ETRUNC;
	c = (body_len + VAULT_CT_CHUNK - 1) / VAULT_CT_CHUNK;
	rest = body_len - (c - 1) * VAULT_CT_CHUNK;
	if (rest < VAULT_TAG)
		return VAULT_ETRUNC;
	*nchunks = c;
	return VAULT_OK;
}

size_t
vault_chunk_len(uint64_t body_len, uint64_t nchunks, uint64_t i)
{
	if (i + 1 < nchunks)
		return VAULT_CT_CHUNK;
	return (size_t)(body_len - (nchunks - 1) * VAULT_CT_CHUNK);
}
