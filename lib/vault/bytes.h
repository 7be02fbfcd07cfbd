/* Big-endian loads and stores for the vault formats. */
#ifndef LIB_VAULT_BYTES_H
#define LIB_VAULT_BYTES_H

#include <stdint.h>

/*
 * The loads are written with * and + rather than shifts and ors (the same
 * values) so that their contracts are proved (docs/proofs.md, lib/vault).
 */
/*@ logic integer be16_at{L}(uint8_t *q) = q[0] * 256 + q[1];
    logic integer be32_at{L}(uint8_t *q) = be16_at(q) * 65536 + be16_at(q + 2);
 */

/*@ requires \valid_read(p + (0 .. 1));
    assigns \nothing;
    ensures \result == be16_at(p); */
static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] * 256 + p[1]);
}

/*@ requires \valid_read(p + (0 .. 3));
    assigns \nothing;
    ensures \result == be32_at(p); */
static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)be16(p) * 65536u + be16(p + 2);
}

/*@ requires \valid_read(p + (0 .. 7));
    assigns \nothing;
    ensures \result == be32_at(p) * 4294967296 + be32_at(p + 4); */
static inline uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) * 4294967296u + be32(p + 4);
}

static inline void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static inline void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

#endif
