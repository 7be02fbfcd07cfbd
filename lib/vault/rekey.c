/*
 * vault_rekey: the same file key and body under new stanzas and a new
 * signer (and the same generation stanza, unless the lock names one). Every chunk is authenticated on the way through (a damaged body
 * is never re-signed), none is re-encrypted.
 */
#include <stdlib.h>

#include "lib/vault/header.h"
#include "lib/vault/output.h"
#include "lib/vault/reader.h"

int
vault_rekey(const struct vault_src *src, const struct vault_unlock *u,
    const struct vault_lock *lock, const struct vault_sink *sink,
    const struct vault_progress *prog)
{
	struct vault_reader *r;
	struct vault_lock l;
	struct vault_output out;
	uint8_t *raw = NULL;
	size_t rawlen, n;
	int err;

	if (lock == NULL || sink == NULL || sink->write == NULL ||
	    (lock->pass == NULL && lock->nrcpt == 0) ||
	    (lock->pass != NULL && lock->passlen > VAULT_PASS_MAX))
		return VAULT_EINVAL;
	if ((err = vault_open(&r, src, u)) != VAULT_OK)
		return err;
	/* The vault stays the save it was: its generation goes along. */
	l = *lock;
	if (l.generation == 0)
		l.generation = r->h.generation;
	if ((err = vault_header_make(&raw, &rawlen, r->k, r->h.nonce,
	    r->h.compression, &l)) != VAULT_OK)
		goto out;
	vault_output_init(&out, sink, lock->sign_sk);
	if ((err = vault_output_header(&out, raw, rawlen)) != VAULT_OK)
		goto out;
	for (uint64_t i = 0; i < r->h.nchunks; i++) {
		if ((err = vault_reader_chunk(r, i, &n)) != VAULT_OK ||
		    (err = vault_output_body(&out, r->ct, n)) != VAULT_OK)
			goto out;
		if (prog != NULL && prog->fn != NULL)
			prog->fn(prog->ctx, out.body_len, r->h.body_len);
	}
	err = vault_output_trailer(&out);
out:
	free(raw);
	vault_close(r);
	return err;
}
