/*
 * LZ4 block packing of the payload: 64 KiB blocks, each compressed with
 * LZ4 (Debian's liblz4 source) or stored raw when that is not smaller.
 */
#include <string.h>

#include <lz4.h>

#include "lib/vault/bytes.h"
#include "lib/vault/pack.h"
#include "lib/vault/vault.h"

_Static_assert(VAULT_BLOCK_BOUND == LZ4_COMPRESSBOUND(VAULT_BLOCK), "bound");

void
vault_pack_init(struct vault_packer *p, int compress, vault_emit_fn *emit,
    void *ctx)
{
	p->compress = compress;
	p->emit = emit;
	p->ctx = ctx;
	p->len = 0;
}

/* Emits the buffered block, compressed if that makes it smaller. */
static int
flush_block(struct vault_packer *p)
{
	int n;

	n = LZ4_compress_default((const char *)p->raw, (char *)p->out + 4,
	    (int)p->len, VAULT_BLOCK_BOUND);
	if (n > 0 && (size_t)n < p->len) {
		put32(p->out, (uint32_t)n);
	} else {
		put32(p->out, VAULT_BLOCK_RAW | (uint32_t)p->len);
		memcpy(p->out + 4, p->raw, p->len);
		n = (int)p->len;
	}
	p->len = 0;
	return p->emit(p->ctx, p->out, 4 + (size_t)n);
}

int
vault_pack_write(struct vault_packer *p, const uint8_t *buf, size_t len)
{
	size_t n;
	int r;

	if (p->compress == VAULT_COMP_NONE)
		return len > 0 ? p->emit(p->ctx, buf, len) : VAULT_OK;
	if (p->compress != VAULT_COMP_LZ4)
		return VAULT_EINVAL;
	while (len > 0) {
		n = VAULT_BLOCK - p->len < len ? VAULT_BLOCK - p->len : len;
		memcpy(p->raw + p->len, buf, n);
		p->len += n;
		buf += n;
		len -= n;
		if (p->len == VAULT_BLOCK && (r = flush_block(p)) != VAULT_OK)
			return r;
	}
	return VAULT_OK;
}

int
vault_pack_finish(struct vault_packer *p)
{
	if (p->compress == VAULT_COMP_LZ4 && p->len > 0)
		return flush_block(p);
	return VAULT_OK;
}

void
vault_unpack_init(struct vault_unpacker *u, int compress, vault_emit_fn *emit,
    void *ctx)
{
	u->compress = compress;
	u->emit = emit;
	u->ctx = ctx;
	u->wordlen = 0;
	u->need = 0;
	u->have = 0;
}

/* Checks a complete block word; sets u->need. */
static int
block_word(struct vault_unpacker *u)
{
	uint32_t w = be32(u->word), n = w & ~VAULT_BLOCK_RAW;

	if (n == 0 ||
	    n > ((w & VAULT_BLOCK_RAW) ? VAULT_BLOCK : VAULT_BLOCK_BOUND))
		return VAULT_ECOMPRESS;
	u->need = n;
	u->have = 0;
	return VAULT_OK;
}

/* Decodes and emits a complete block, then waits for the next word. */
static int
block_done(struct vault_unpacker *u)
{
	int n;

	u->wordlen = 0;
	if (be32(u->word) & VAULT_BLOCK_RAW)
		return u->emit(u->ctx, u->in, u->need);
	n = LZ4_decompress_safe((const char *)u->in, (char *)u->out,
	    (int)u->need, VAULT_BLOCK);
	if (n <= 0)
		return VAULT_ECOMPRESS;
	return u->emit(u->ctx, u->out, (size_t)n);
}

int
vault_unpack_feed(struct vault_unpacker *u, const uint8_t *buf, size_t len)
{
	size_t n;
	int r;

	if (u->compress == VAULT_COMP_NONE)
		return len > 0 ? u->emit(u->ctx, buf, len) : VAULT_OK;
	if (u->compress != VAULT_COMP_LZ4)
		return VAULT_EINVAL;
	while (len > 0) {
		if (u->wordlen < 4) {
			u->word[u->wordlen++] = *buf++;
			len--;
			if (u->wordlen == 4 && (r = block_word(u)) != VAULT_OK)
				return r;
			continue;
		}
		n = u->need - u->have < len ? u->need - u->have : len;
		memcpy(u->in + u->have, buf, n);
		u->have += n;
		buf += n;
		len -= n;
		if (u->have == u->need && (r = block_done(u)) != VAULT_OK)
			return r;
	}
	return VAULT_OK;
}

int
vault_unpack_finish(struct vault_unpacker *u)
{
	if (u->compress == VAULT_COMP_LZ4 && u->wordlen != 0)
		return VAULT_ECOMPRESS;
	return VAULT_OK;
}
