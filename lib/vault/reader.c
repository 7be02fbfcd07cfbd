/*
 * Reading vaults: header and trailer checks, unlocking, chunk-by-chunk
 * decryption into the unpacker, and the signature; also inspection and
 * signature checks that need no secret.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/vault/bytes.h"
#include "lib/vault/header.h"
#include "lib/vault/reader.h"
#include "lib/vault/stanza.h"

/*
 * Reads and parses the header into *rawp / h, then the trailer: the body
 * length must account for every byte of the input. sig gets the signature
 * if there is one.
 */
static int
load(const struct vault_src *src, uint8_t **rawp, struct vault_header *h,
    uint8_t sig[VAULT_SIG_BYTES])
{
	uint8_t fixed[VAULT_FIXED_BYTES], t[VAULT_TRAILER_BYTES], *raw;
	uint64_t rest;
	size_t n = src->size < sizeof fixed ? (size_t)src->size : sizeof fixed;
	size_t siglen;
	uint32_t hlen;
	int r;

	*rawp = NULL;
	if ((r = src->read(src->ctx, 0, fixed, n)) != 0)
		return r;
	if ((r = vault_header_peek(fixed, n, &hlen)) != VAULT_OK)
		return r;
	if (src->size < hlen)
		return VAULT_ETRUNC;
	if ((raw = malloc(hlen)) == NULL)
		return VAULT_ENOMEM;
	if ((r = src->read(src->ctx, 0, raw, hlen)) != 0 ||
	    (r = vault_header_parse(h, raw, hlen)) != VAULT_OK)
		goto fail;
	siglen = vault_sig_len(h);
	rest = src->size - hlen;
	r = VAULT_ETRUNC;
	if (rest < VAULT_TRAILER_BYTES + siglen)
		goto fail;
	rest -= VAULT_TRAILER_BYTES + siglen;
	if ((r = src->read(src->ctx, hlen + rest, t, sizeof t)) != 0 ||
	    (siglen > 0 && (r = src->read(src->ctx, hlen + rest + sizeof t, sig,
	    siglen)) != 0))
		goto fail;
	h->body_len = be64(t);
	if (h->body_len != rest) {
		r = VAULT_ETRUNC;
		goto fail;
	}
	if ((r = vault_body_chunks(h->body_len, &h->nchunks)) != VAULT_OK)
		goto fail;
	*rawp = raw;
	return VAULT_OK;
fail:
	free(raw);
	return r;
}

int
vault_inspect(const struct vault_src *src, struct vault_header *h)
{
	uint8_t *raw, sig[VAULT_SIG_BYTES];
	int r;

	if (src == NULL || src->read == NULL || h == NULL)
		return VAULT_EINVAL;
	r = load(src, &raw, h, sig);
	free(raw);
	return r;
}

int
vault_open(struct vault_reader **rp, const struct vault_src *src,
    const struct vault_unlock *u)
{
	struct vault_reader *r;
	int err;

	*rp = NULL;
	if (src == NULL || src->read == NULL || u == NULL ||
	    (u->pass == NULL && u->id == NULL))
		return VAULT_EINVAL;
	if ((r = calloc(1, sizeof *r)) == NULL)
		return VAULT_ENOMEM;
	r->src = *src;
	if ((err = load(src, &r->raw, &r->h, r->sig)) != VAULT_OK ||
	    (err = vault_unlock_key(r->k, &r->h, r->raw, u)) != VAULT_OK ||
	    (err = vault_header_check_mac(r->raw, r->h.len, r->k)) !=
	    VAULT_OK) {
		vault_close(r);
		return err;
	}
	vault_stream_init(&r->stream, r->k, r->h.nonce);
	*rp = r;
	return VAULT_OK;
}

uint64_t
vault_generation(const struct vault_reader *r)
{
	return r->h.generation;
}

void
vault_close(struct vault_reader *r)
{
	if (r == NULL)
		return;
	free(r->raw);
	nc_wipe(r, sizeof *r);
	free(r);
}

int
vault_reader_chunk(struct vault_reader *r, uint64_t i, size_t *ctlen)
{
	uint64_t j;
	size_t n = vault_chunk_len(r->h.body_len, r->h.nchunks, i);
	int last = i + 1 == r->h.nchunks, err;

	*ctlen = n;
	if ((err = r->src.read(r->src.ctx, r->h.len + i * VAULT_CT_CHUNK, r->ct,
	    n)) != 0)
		return err;
	if (vault_stream_open(&r->stream, i, last, r->ct, n, r->pt) == VAULT_OK)
		return VAULT_OK;
	return vault_stream_diagnose(&r->stream, i, r->h.nchunks, r->ct, n,
	    r->scratch, &j);
}

/* The header's signer against a required one: EUNSIGNED, ESIGNER. */
static int
vault_signer_check(const struct vault_header *h, const uint8_t *signer)
{
	if (signer == NULL)
		return VAULT_OK;
	if (h->sigalg == VAULT_SIGALG_NONE)
		return VAULT_EUNSIGNED;
	if (memcmp(h->signer, signer, VAULT_SIGNER_BYTES) != 0)
		return VAULT_ESIGNER;
	return VAULT_OK;
}

int
vault_sig_check(const struct vault_header *h, const uint8_t digest[32],
    const uint8_t sig[VAULT_SIG_BYTES])
{
	uint8_t msg[VAULT_SIGMSG_BYTES];

	vault_sig_message(msg, digest);
	if (nc_verify_ed25519(sig, msg, sizeof msg, h->signer) != NC_OK)
		return VAULT_ESIG;
	return VAULT_OK;
}

static void
progress(const struct vault_progress *prog, uint64_t done, uint64_t total)
{
	if (prog != NULL && prog->fn != NULL)
		prog->fn(prog->ctx, done, total);
}

/* The unpacker's output: the caller's sink. */
static int
payload_out(void *ctx, const uint8_t *buf, size_t len)
{
	const struct vault_sink *out = ctx;

	return out->write(out->ctx, buf, len);
}

int
vault_read(struct vault_reader *r, const struct vault_sink *out,
    const uint8_t *signer, const struct vault_progress *prog)
{
	struct blake3 hash;
	uint8_t digest[32];
	size_t n;
	int signed_, err;

	if (r == NULL || out == NULL || out->write == NULL)
		return VAULT_EINVAL;
	signed_ = r->h.sigalg != VAULT_SIGALG_NONE;
	if ((err = vault_signer_check(&r->h, signer)) != VAULT_OK)
		return err;
	blake3_init(&hash);
	if (signed_)
		blake3_update(&hash, r->raw, r->h.len);
	vault_unpack_init(&r->unpack, r->h.compression, payload_out, (void
	    *)out);
	for (uint64_t i = 0; i < r->h.nchunks; i++) {
		if ((err = vault_reader_chunk(r, i, &n)) != VAULT_OK)
			return err;
		if (signed_)
			blake3_update(&hash, r->ct, n);
		if ((err = vault_unpack_feed(&r->unpack, r->pt, n - VAULT_TAG))
		    != VAULT_OK)
			return err;
		progress(prog, i * VAULT_CT_CHUNK + n, r->h.body_len);
	}
	if ((err = vault_unpack_finish(&r->unpack)) != VAULT_OK)
		return err;
	if (!signed_)
		return VAULT_OK;
	blake3_final(&hash, digest, sizeof digest);
	return vault_sig_check(&r->h, digest, r->sig);
}

int
vault_check_signature(const struct vault_src *src, const uint8_t *signer,
    const struct vault_progress *prog)
{
	struct vault_header h;
	struct blake3 hash;
	uint8_t *raw, *buf = NULL, sig[VAULT_SIG_BYTES], digest[32];
	uint64_t off;
	size_t n;
	int err;

	if (src == NULL || src->read == NULL)
		return VAULT_EINVAL;
	if ((err = load(src, &raw, &h, sig)) != VAULT_OK)
		return err;
	if (h.sigalg == VAULT_SIGALG_NONE) {
		err = VAULT_EUNSIGNED;
		goto out;
	}
	if ((err = vault_signer_check(&h, signer)) != VAULT_OK)
		goto out;
	if ((buf = malloc(VAULT_CT_CHUNK)) == NULL) {
		err = VAULT_ENOMEM;
		goto out;
	}
	blake3_init(&hash);
	blake3_update(&hash, raw, h.len);
	for (off = 0; off < h.body_len; off += n) {
		n = h.body_len - off < VAULT_CT_CHUNK
		    ? (size_t)(h.body_len - off)
		    : VAULT_CT_CHUNK;
		if ((err = src->read(src->ctx, h.len + off, buf, n)) != 0)
			goto out;
		blake3_update(&hash, buf, n);
		progress(prog, off + n, h.body_len);
	}
	blake3_final(&hash, digest, sizeof digest);
	err = vault_sig_check(&h, digest, sig);
out:
	free(buf);
	free(raw);
	return err;
}
