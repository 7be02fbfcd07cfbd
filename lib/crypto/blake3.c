/*
 * BLAKE3 from its specification: a reduced-round BLAKE2s compression
 * function applied over a binary tree of 1 KiB chunks, in portable C.
 */
#include <stddef.h>
#include <stdint.h>

#include "lib/crypto/blake3.h"
#include "lib/libc/string.h"

/* Domain separation flags, ORed into the last word of the state. */
#define CHUNK_START		(1u << 0)
#define CHUNK_END		(1u << 1)
#define PARENT			(1u << 2)
#define ROOT			(1u << 3)
#define KEYED_HASH		(1u << 4)
#define DERIVE_KEY_CONTEXT	(1u << 5)
#define DERIVE_KEY_MATERIAL	(1u << 6)

#define ROUNDS			7

/* The SHA-256 initial hash value, used as the key of the unkeyed modes. */
static const uint32_t IV[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* Applied to the message words between rounds. */
static const uint8_t PERMUTATION[16] = {
	2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
};

/*
 * What a final compression needs: kept apart so that a node's chaining
 * value or any part of the root's output stream can be made from it.
 */
struct output {
	uint32_t cv[8];
	uint32_t block[16];
	uint64_t counter;
	uint32_t block_len;
	uint32_t flags;
};

static uint32_t
load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Message bytes are little-endian words whatever the host's byte order. */
static void
load_block(uint32_t w[16], const uint8_t b[BLAKE3_BLOCK_LEN])
{
	for (int i = 0; i < 16; i++)
		w[i] = load32(b + 4 * i);
}

static uint32_t
ror32(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void
g(uint32_t s[16], int a, int b, int c, int d, uint32_t mx, uint32_t my)
{
	s[a] = s[a] + s[b] + mx;
	s[d] = ror32(s[d] ^ s[a], 16);
	s[c] = s[c] + s[d];
	s[b] = ror32(s[b] ^ s[c], 12);
	s[a] = s[a] + s[b] + my;
	s[d] = ror32(s[d] ^ s[a], 8);
	s[c] = s[c] + s[d];
	s[b] = ror32(s[b] ^ s[c], 7);
}

/* Mixes the columns, then the diagonals, of the 4x4 state. */
static void
round_fn(uint32_t s[16], const uint32_t m[16])
{
	g(s, 0, 4, 8, 12, m[0], m[1]);
	g(s, 1, 5, 9, 13, m[2], m[3]);
	g(s, 2, 6, 10, 14, m[4], m[5]);
	g(s, 3, 7, 11, 15, m[6], m[7]);
	g(s, 0, 5, 10, 15, m[8], m[9]);
	g(s, 1, 6, 11, 12, m[10], m[11]);
	g(s, 2, 7, 8, 13, m[12], m[13]);
	g(s, 3, 4, 9, 14, m[14], m[15]);
}

static void
permute(uint32_t m[16])
{
	uint32_t t[16];

	for (int i = 0; i < 16; i++)
		t[i] = m[PERMUTATION[i]];
	memcpy(m, t, sizeof t);
}

/*
 * The compression function. All 16 output words are returned: the first
 * 8 are the new chaining value, all 16 are a block of root output.
 */
static void
compress(const uint32_t cv[8], const uint32_t block[16], uint64_t counter,
    uint32_t block_len, uint32_t flags, uint32_t out[16])
{
	uint32_t s[16], m[16];

	memcpy(m, block, sizeof m);
	for (int i = 0; i < 8; i++)
		s[i] = cv[i];
	for (int i = 0; i < 4; i++)
		s[8 + i] = IV[i];
	s[12] = (uint32_t)counter;
	s[13] = (uint32_t)(counter >> 32);
	s[14] = block_len;
	s[15] = flags;
	for (int r = 0; r < ROUNDS; r++) {
		round_fn(s, m);
		if (r != ROUNDS - 1)
			permute(m);
	}
	for (int i = 0; i < 8; i++) {
		out[i] = s[i] ^ s[8 + i];
		out[8 + i] = s[8 + i] ^ cv[i];
	}
}

static void
output_cv(const struct output *o, uint32_t cv[8])
{
	uint32_t w[16];

	compress(o->cv, o->block, o->counter, o->block_len, o->flags, w);
	memcpy(cv, w, 8 * sizeof w[0]);
}

/*
 * Root output is an endless stream: block i of it is the root node
 * compressed again with counter i and the ROOT flag.
 */
static void
output_root(const struct output *o, uint64_t offset, uint8_t *out,
    size_t outlen)
{
	uint64_t counter = offset / BLAKE3_BLOCK_LEN;
	size_t skip = (size_t)(offset % BLAKE3_BLOCK_LEN);
	uint32_t w[16];
	uint8_t buf[BLAKE3_BLOCK_LEN];
	size_t n;

	while (outlen > 0) {
		compress(o->cv, o->block, counter, o->block_len,
		    o->flags | ROOT, w);
		for (int i = 0; i < 16; i++)
			store32(buf + 4 * i, w[i]);
		n = BLAKE3_BLOCK_LEN - skip;
		if (n > outlen)
			n = outlen;
		memcpy(out, buf + skip, n);
		out += n;
		outlen -= n;
		counter++;
		skip = 0;
	}
}

/* A parent node's block is its two children's chaining values. */
static void
parent_output(struct output *o, const uint32_t left[8],
    const uint32_t right[8], const uint32_t key[8], uint32_t flags)
{
	memcpy(o->cv, key, sizeof o->cv);
	memcpy(o->block, left, 8 * sizeof left[0]);
	memcpy(o->block + 8, right, 8 * sizeof right[0]);
	o->counter = 0;			/* parents always use counter 0 */
	o->block_len = BLAKE3_BLOCK_LEN;
	o->flags = flags | PARENT;
}

static void
chunk_init(struct blake3_chunk *c, const uint32_t key[8], uint64_t counter,
    uint8_t flags)
{
	memcpy(c->cv, key, sizeof c->cv);
	c->counter = counter;
	memset(c->buf, 0, sizeof c->buf);
	c->buf_len = 0;
	c->blocks = 0;
	c->flags = flags;
}

static size_t
chunk_len(const struct blake3_chunk *c)
{
	return (size_t)c->blocks * BLAKE3_BLOCK_LEN + c->buf_len;
}

static uint32_t
chunk_start_flag(const struct blake3_chunk *c)
{
	return c->blocks == 0 ? CHUNK_START : 0;
}

/*
 * Absorbs at most what is left of the chunk. A full buffer is compressed
 * only when more input arrives, since the last block needs CHUNK_END.
 */
static void
chunk_update(struct blake3_chunk *c, const uint8_t *p, size_t len)
{
	uint32_t m[16], w[16];
	size_t n;

	while (len > 0) {
		if (c->buf_len == BLAKE3_BLOCK_LEN) {
			load_block(m, c->buf);
			compress(c->cv, m, c->counter, BLAKE3_BLOCK_LEN,
			    c->flags | chunk_start_flag(c), w);
			memcpy(c->cv, w, sizeof c->cv);
			c->blocks++;
			c->buf_len = 0;
			memset(c->buf, 0, sizeof c->buf);
		}
		n = BLAKE3_BLOCK_LEN - c->buf_len;
		if (n > len)
			n = len;
		memcpy(c->buf + c->buf_len, p, n);
		c->buf_len += (uint8_t)n;
		p += n;
		len -= n;
	}
}

/* The buffer is zero-padded, as the last block of a chunk must be. */
static void
chunk_output(const struct blake3_chunk *c, struct output *o)
{
	memcpy(o->cv, c->cv, sizeof o->cv);
	load_block(o->block, c->buf);
	o->counter = c->counter;
	o->block_len = c->buf_len;
	o->flags = c->flags | chunk_start_flag(c) | CHUNK_END;
}

/*
 * Merges completed subtrees while the chunk count is even: each trailing
 * zero bit of total_chunks closes one level of the tree. Merging waits for
 * the next chunk so that the last parent can still be given ROOT.
 */
static void
add_chunk_cv(struct blake3 *h, uint32_t cv[8], uint64_t total_chunks)
{
	struct output o;

	while ((total_chunks & 1) == 0) {
		h->stack_len--;
		parent_output(&o, h->stack[h->stack_len], cv, h->key,
		    h->chunk.flags);
		output_cv(&o, cv);
		total_chunks >>= 1;
	}
	memcpy(h->stack[h->stack_len], cv, sizeof h->stack[0]);
	h->stack_len++;
}

static void
init_common(struct blake3 *h, const uint32_t key[8], uint8_t flags)
{
	memcpy(h->key, key, sizeof h->key);
	chunk_init(&h->chunk, key, 0, flags);
	h->stack_len = 0;
	memset(h->stack, 0, sizeof h->stack);
}

void
blake3_init(struct blake3 *h)
{
	init_common(h, IV, 0);
}

void
blake3_init_keyed(struct blake3 *h, const uint8_t key[BLAKE3_KEY_LEN])
{
	uint32_t k[8];

	for (int i = 0; i < 8; i++)
		k[i] = load32(key + 4 * i);
	init_common(h, k, KEYED_HASH);
}

/* Only memcpy and memset are needed from the C library; this is strlen. */
static size_t
cstring_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

/* The context string is hashed into the key of the material hash. */
void
blake3_init_derive_key(struct blake3 *h, const char *context)
{
	uint8_t key[BLAKE3_KEY_LEN];
	uint32_t k[8];

	init_common(h, IV, DERIVE_KEY_CONTEXT);
	blake3_update(h, context, cstring_len(context));
	blake3_final(h, key, sizeof key);
	for (int i = 0; i < 8; i++)
		k[i] = load32(key + 4 * i);
	init_common(h, k, DERIVE_KEY_MATERIAL);
}

void
blake3_update(struct blake3 *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t cv[8];
	struct output o;
	uint64_t next;
	size_t n;

	while (len > 0) {
		/* A full chunk is closed only now that more input follows. */
		if (chunk_len(&h->chunk) == BLAKE3_CHUNK_LEN) {
			chunk_output(&h->chunk, &o);
			output_cv(&o, cv);
			next = h->chunk.counter + 1;
			add_chunk_cv(h, cv, next);
			chunk_init(&h->chunk, h->key, next, h->chunk.flags);
		}
		n = BLAKE3_CHUNK_LEN - chunk_len(&h->chunk);
		if (n > len)
			n = len;
		chunk_update(&h->chunk, p, n);
		p += n;
		len -= n;
	}
}

/* Folds the CV stack into the current chunk, right to left, up to the root. */
void
blake3_final_seek(const struct blake3 *h, uint64_t offset, uint8_t *out,
    size_t outlen)
{
	struct output o;
	uint32_t cv[8];
	size_t i;

	chunk_output(&h->chunk, &o);
	for (i = h->stack_len; i > 0; i--) {
		output_cv(&o, cv);
		parent_output(&o, h->stack[i - 1], cv, h->key, h->chunk.flags);
	}
	output_root(&o, offset, out, outlen);
}

void
blake3_final(const struct blake3 *h, uint8_t *out, size_t outlen)
{
	blake3_final_seek(h, 0, out, outlen);
}

void
blake3(const void *data, size_t len, uint8_t out[BLAKE3_OUT_LEN])
{
	struct blake3 h;

	blake3_init(&h);
	blake3_update(&h, data, len);
	blake3_final(&h, out, BLAKE3_OUT_LEN);
}
