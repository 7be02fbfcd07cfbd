/*
 * Bounded little-endian writer and reader for the ledger's canonical
 * encodings. A short buffer sets `bad` and every later call does
 * nothing, so a caller checks once at the end.
 */
#ifndef LIB_LEDGER_CODEC_H
#define LIB_LEDGER_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/arith.h"

struct enc {
	uint8_t *p;
	size_t len, cap;
	int bad;
};

struct dec {
	const uint8_t *p;
	size_t len, off;
	int bad;
};

void put_bytes(struct enc *e, const void *v, size_t n);
void put_u8(struct enc *e, uint8_t v);
void put_u16(struct enc *e, uint16_t v);
void put_u32(struct enc *e, uint32_t v);
void put_u64(struct enc *e, uint64_t v);
void put_u128(struct enc *e, u128 v);

void get_bytes(struct dec *d, void *v, size_t n);
uint8_t get_u8(struct dec *d);
uint16_t get_u16(struct dec *d);
uint32_t get_u32(struct dec *d);
uint64_t get_u64(struct dec *d);
u128 get_u128(struct dec *d);

struct ledger_params;
/* The parameters' canonical encoding (genesis files, the state hash). */
void genesis_params_put(struct enc *e, const struct ledger_params *p);

#endif
