/*
 * vault_create / vault_write / vault_finish: payload bytes are packed
 * (LZ4 blocks), cut into 64 KiB chunks, sealed with STREAM and written
 * after the header. A full chunk is held back until more data arrives, so
 * the final chunk, and only it, carries the last flag.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/vault/header.h"
#include "lib/vault/output.h"
#include "lib/vault/pack.h"
#include "lib/vault/stream.h"

struct vault_writer {
	int err;			/* sticky: the first error */
	struct vault_output out;
	uint8_t sign_sk[VAULT_SIGN_SKBYTES];
	struct vault_stream stream;
	uint64_t index;
	size_t len;			/* plaintext bytes in chunk */
	uint8_t chunk[VAULT_CHUNK];
	uint8_t sealed[VAULT_CT_CHUNK];
	struct vault_packer pack;
};

static int
seal_chunk(struct vault_writer *w, int last)
{
	int r;

	r = vault_stream_seal(&w->stream, w->index, last, w->chunk, w->len,
	    w->sealed);
	if (r != VAULT_OK)
		return r;
	w->index++;
	r = vault_output_body(&w->out, w->sealed, w->len + VAULT_TAG);
	w->len = 0;
	return r;
}

/* The packer's output: chunked here. */
static int
chunk_bytes(void *ctx, const uint8_t *buf, size_t len)
{
	struct vault_writer *w = ctx;
	size_t n;
	int r;

	while (len > 0) {
		if (w->len == VAULT_CHUNK && (r = seal_chunk(w, 0)) != VAULT_OK)
			return r;
		n = VAULT_CHUNK - w->len < len ? VAULT_CHUNK - w->len : len;
		memcpy(w->chunk + w->len, buf, n);
		w->len += n;
		buf += n;
		len -= n;
	}
	return VAULT_OK;
}

static int
lock_ok(const struct vault_lock *lock)
{
	return (lock->pass != NULL || lock->nrcpt > 0) &&
	    (lock->pass == NULL || lock->passlen <= VAULT_PASS_MAX) &&
	    (lock->compress == VAULT_COMP_NONE ||
	    lock->compress == VAULT_COMP_LZ4);
}

int
vault_create(struct vault_writer **wp, const struct vault_lock *lock,
    const struct vault_sink *sink)
{
	struct vault_writer *w;
	uint8_t k[VAULT_KEYBYTES], nonce[VAULT_NONCEBYTES], *raw = NULL;
	size_t rawlen;
	int r;

	*wp = NULL;
	if (lock == NULL || sink == NULL || sink->write == NULL ||
	    !lock_ok(lock))
		return VAULT_EINVAL;
	if ((w = calloc(1, sizeof *w)) == NULL)
		return VAULT_ENOMEM;
	if (nc_random_bytes(k, sizeof k) != NC_OK ||
	    nc_random_bytes(nonce, sizeof nonce) != NC_OK) {
		r = VAULT_ECRYPTO;
		goto fail;
	}
	if ((r = vault_header_make(&raw, &rawlen, k, nonce,
	    (uint8_t)lock->compress, lock)) != VAULT_OK)
		goto fail;
	if (lock->sign_sk != NULL)
		memcpy(w->sign_sk, lock->sign_sk, sizeof w->sign_sk);
	vault_output_init(&w->out, sink, lock->sign_sk != NULL ? w->sign_sk :
	    NULL);
	if ((r = vault_output_header(&w->out, raw, rawlen)) != VAULT_OK)
		goto fail;
	vault_stream_init(&w->stream, k, nonce);
	vault_pack_init(&w->pack, lock->compress, chunk_bytes, w);
	nc_wipe(k, sizeof k);
	free(raw);
	*wp = w;
	return VAULT_OK;
fail:
	nc_wipe(k, sizeof k);
	free(raw);
	vault_writer_free(w);
	return r;
}

int
vault_write(struct vault_writer *w, const void *buf, size_t len)
{
	if (w == NULL || (buf == NULL && len > 0))
		return VAULT_EINVAL;
	if (w->err == VAULT_OK)
		w->err = vault_pack_write(&w->pack, buf, len);
	return w->err;
}

int
vault_finish(struct vault_writer *w)
{
	if (w == NULL)
		return VAULT_EINVAL;
	if (w->err == VAULT_OK)
		w->err = vault_pack_finish(&w->pack);
	if (w->err == VAULT_OK)
		w->err = seal_chunk(w, 1);
	if (w->err == VAULT_OK)
		w->err = vault_output_trailer(&w->out);
	/* Nothing more may be written, even after success. */
	if (w->err == VAULT_OK) {
		w->err = VAULT_EINVAL;
		return VAULT_OK;
	}
	return w->err;
}

void
vault_writer_free(struct vault_writer *w)
{
	if (w == NULL)
		return;
	nc_wipe(w, sizeof *w);
	free(w);
}
