/*
 * The persistence partition's layout and commit protocol (store.h).
 *
 * Head, big-endian, at the start of its 4 KiB block (the rest is zero):
 *   0   8   magic "NONOSPST"
 *   8   4   version 1
 *   12  4   slot (0 or 1; must be the head's own index)
 *   16  8   generation (>= 1)
 *   24  8   vault length (<= the slot's size)
 *   32  8   slot size the layout was made with (must match)
 *   40  32  BLAKE3 of the vault bytes
 *   72  24  zero
 *   96  32  BLAKE3 of bytes [0, 96)
 */
#include "lib/store/store.h"

#include "lib/libc/string.h"
#include "lib/vault/bytes.h"

#define HEAD_LEN	128
#define HEADS_BYTES	(STORE_SLOTS * STORE_BLOCK)
#define VERSION		1

static const char magic[8] = "NONOSPST";

uint64_t
store_slot_bytes(uint64_t size)
{
	if (size < STORE_MIN)
		return 0;
	return (size - HEADS_BYTES) / 2 / STORE_BLOCK * STORE_BLOCK;
}

uint64_t
store_slot_offset(uint64_t size, uint32_t slot)
{
	return HEADS_BYTES + slot * store_slot_bytes(size);
}

static void
encode_head(uint8_t out[HEAD_LEN], const struct store_head *h, uint64_t slot_bytes)
{
	struct blake3 b;

	memset(out, 0, HEAD_LEN);
	memcpy(out, magic, 8);
	put32(out + 8, VERSION);
	put32(out + 12, h->slot);
	put64(out + 16, h->generation);
	put64(out + 24, h->length);
	put64(out + 32, slot_bytes);
	memcpy(out + 40, h->hash, 32);
	blake3_init(&b);
	blake3_update(&b, out, 96);
	blake3_final(&b, out + 96, 32);
}

/* 1 if the head block is all zero (never written). */
static int
blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Decodes head block i; 0 if it is well formed for this partition. */
static int
decode_head(const uint8_t *in, uint32_t i, uint64_t slot_bytes, struct store_head *h)
{
	struct blake3 b;
	uint8_t sum[32];

	blake3_init(&b);
	blake3_update(&b, in, 96);
	blake3_final(&b, sum, 32);
	if (memcmp(in, magic, 8) != 0 || memcmp(sum, in + 96, 32) != 0 ||
	    be32(in + 8) != VERSION || !blank(in + 72, 24) ||
	    !blank(in + HEAD_LEN, STORE_BLOCK - HEAD_LEN))
		return -1;
	h->slot = be32(in + 12);
	h->generation = be64(in + 16);
	h->length = be64(in + 24);
	memcpy(h->hash, in + 40, 32);
	if (h->slot != i || h->generation == 0 || be64(in + 32) != slot_bytes ||
	    h->length > slot_bytes)
		return -1;
	return 0;
}

int
store_read_vault(const struct store_dev *d, const struct store_head *h,
    uint64_t off, void *buf, size_t len)
{
	if (off > h->length || len > h->length - off)
		return STORE_EIO;
	if (d->read(d->ctx, store_slot_offset(d->size, h->slot) + off, buf, len) != 0)
		return STORE_EIO;
	return STORE_OK;
}

/* 1 if the slot's bytes hash to the head's hash, 0 if not, or STORE_EIO. */
static int
data_matches(const struct store_dev *d, const struct store_head *h)
{
	uint8_t buf[STORE_BLOCK], sum[32];
	struct blake3 b;

	blake3_init(&b);
	for (uint64_t off = 0; off < h->length; off += sizeof buf) {
		size_t n = h->length - off < sizeof buf ? h->length - off : sizeof buf;

		if (store_read_vault(d, h, off, buf, n) != STORE_OK)
			return STORE_EIO;
		blake3_update(&b, buf, n);
	}
	blake3_final(&b, sum, 32);
	return memcmp(sum, h->hash, 32) == 0;
}

int
store_scan(const struct store_dev *d, struct store_scan *s)
{
	uint64_t slot_bytes = store_slot_bytes(d->size);
	struct store_head h[STORE_SLOTS];
	uint8_t block[STORE_BLOCK];
	int ok[STORE_SLOTS];

	memset(s, 0, sizeof *s);
	if (slot_bytes == 0)
		return STORE_ESMALL;
	for (uint32_t i = 0; i < STORE_SLOTS; i++) {
		int m;

		ok[i] = 0;
		if (d->read(d->ctx, (uint64_t)i * STORE_BLOCK, block, sizeof block) != 0)
			return STORE_EIO;
		if (blank(block, sizeof block))
			continue;
		if (decode_head(block, i, slot_bytes, &h[i]) == 0) {
			if ((m = data_matches(d, &h[i])) < 0)
				return m;
			ok[i] = m;
		}
		if (!ok[i])
			s->damaged |= 1u << i;
	}
	for (uint32_t i = 0; i < STORE_SLOTS; i++) {
		if (!ok[i])
			continue;
		if (h[i].generation > s->best.generation) {
			s->older = s->best;
			s->best = h[i];
		} else if (h[i].generation > s->older.generation) {
			s->older = h[i];
		}
	}
	return STORE_OK;
}

int
store_begin(struct store_writer *w, const struct store_dev *d,
    const struct store_scan *s, uint64_t floor)
{
	uint64_t base = s->best.generation > floor ? s->best.generation : floor;
	uint64_t gen = base + 1;

	memset(w, 0, sizeof *w);
	w->d = d;
	w->cap = store_slot_bytes(d->size);
	if (w->cap == 0)
		return w->err = STORE_ESMALL;
	/* Never into the slot that holds the vault we would fall back to. */
	if (s->best.generation != 0 && gen % STORE_SLOTS == s->best.slot)
		gen++;
	w->head.generation = gen;
	w->head.slot = (uint32_t)(gen % STORE_SLOTS);
	w->base = store_slot_offset(d->size, w->head.slot);
	blake3_init(&w->hash);
	return STORE_OK;
}

static int
put_block(struct store_writer *w)
{
	uint64_t off = w->head.length - w->fill;

	if (w->d->write(w->d->ctx, w->base + off, w->block, STORE_BLOCK) != 0)
		return w->err = STORE_EIO;
	w->fill = 0;
	return STORE_OK;
}

int
store_write(struct store_writer *w, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (w->err != STORE_OK)
		return w->err;
	if (w->done)
		return w->err = STORE_ESTATE;
	if (len > w->cap - w->head.length)
		return w->err = STORE_ESPACE;
	blake3_update(&w->hash, p, len);
	while (len > 0) {
		size_t n = STORE_BLOCK - w->fill < len ? STORE_BLOCK - w->fill : len;

		memcpy(w->block + w->fill, p, n);
		w->fill += (uint32_t)n;
		w->head.length += n;
		p += n;
		len -= n;
		if (w->fill == STORE_BLOCK && put_block(w) != STORE_OK)
			return w->err;
	}
	return STORE_OK;
}

int
store_finish(struct store_writer *w)
{
	uint8_t block[STORE_BLOCK];

	if (w->err != STORE_OK)
		return w->err;
	if (w->done)
		return w->err = STORE_ESTATE;
	w->done = 1;
	if (w->fill > 0) {
		memset(w->block + w->fill, 0, STORE_BLOCK - w->fill);
		/* put_block writes at length - fill: the block's own start. */
		if (put_block(w) != STORE_OK)
			return w->err;
	}
	blake3_final(&w->hash, w->head.hash, 32);
	if (w->d->flush(w->d->ctx) != 0)
		return w->err = STORE_EIO;
	memset(block, 0, sizeof block);
	encode_head(block, &w->head, w->cap);
	if (w->d->write(w->d->ctx, (uint64_t)w->head.slot * STORE_BLOCK, block,
	    sizeof block) != 0 || w->d->flush(w->d->ctx) != 0)
		return w->err = STORE_EIO;
	return STORE_OK;
}

const char *
store_strerror(int err)
{
	switch (err) {
	case STORE_OK:
		return "success";
	case STORE_EIO:
		return "I/O error on the persistence partition";
	case STORE_ESPACE:
		return "the vault does not fit in the persistence partition";
	case STORE_ESMALL:
		return "the persistence partition is too small";
	case STORE_ESTATE:
		return "persist writer misused";
	default:
		return "unknown persistence error";
	}
}
