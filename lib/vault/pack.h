/*
 * The packed payload (docs/vault-format.md, "Packed payload"): the archive
 * stream cut into blocks of at most 64 KiB, each LZ4-compressed or stored.
 * Both directions are push-style: bytes in, bytes out through a callback.
 */
#ifndef LIB_VAULT_PACK_H
#define LIB_VAULT_PACK_H

#include <stddef.h>
#include <stdint.h>

#define VAULT_BLOCK		65536
#define VAULT_BLOCK_RAW		0x80000000u	/* a stored block */
/* LZ4_COMPRESSBOUND(VAULT_BLOCK), checked against lz4.h in pack.c. */
#define VAULT_BLOCK_BOUND	(VAULT_BLOCK + VAULT_BLOCK / 255 + 16)

typedef int vault_emit_fn(void *ctx, const uint8_t *buf, size_t len);

struct vault_packer {
	int compress;			/* VAULT_COMP_* */
	vault_emit_fn *emit;
	void *ctx;
	size_t len;
	uint8_t raw[VAULT_BLOCK];
	uint8_t out[4 + VAULT_BLOCK_BOUND];
};

struct vault_unpacker {
	int compress;
	vault_emit_fn *emit;
	void *ctx;
	uint8_t word[4];
	size_t wordlen; /* bytes of the block word seen */
	uint32_t need; /* block data bytes, once the word is in */
	size_t have;
	uint8_t in[VAULT_BLOCK_BOUND];
	uint8_t out[VAULT_BLOCK];
};

/* Errors are those of emit, or VAULT_EINVAL for a bad compression id. */
void vault_pack_init(struct vault_packer *p, int compress, vault_emit_fn *emit,
    void *ctx);
int vault_pack_write(struct vault_packer *p, const uint8_t *buf, size_t len);
int vault_pack_finish(struct vault_packer *p);

/* VAULT_ECOMPRESS for a block that is malformed or does not decode. */
void vault_unpack_init(struct vault_unpacker *u, int compress,
    vault_emit_fn *emit, void *ctx);
int vault_unpack_feed(struct vault_unpacker *u, const uint8_t *buf, size_t len);
/* VAULT_ECOMPRESS if the stream ends inside a block. */
int vault_unpack_finish(struct vault_unpacker *u);

#endif
