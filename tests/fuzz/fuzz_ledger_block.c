/*
 * libFuzzer target for the ledger's block and genesis decoders: a block
 * header and its transactions, and a genesis file, each of which must
 * encode back to the very bytes accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct genesis_alloc alloc[64];

static void
block(const uint8_t *data, size_t size)
{
	struct ledger_block_header h;
	uint8_t buf[TX_MAX_LEN], hash[L_HASH];
	size_t off = BLOCK_HEADER_LEN;

	if (ledger_block_header_decode(&h, data, size) != L_OK)
		return;
	if (ledger_block_header_encode(&h, buf) != BLOCK_HEADER_LEN ||
	    memcmp(buf, data, BLOCK_HEADER_LEN) != 0)
		abort();
	for (uint32_t i = 0; i < h.ntx && off < size; i++) {
		struct ledger_tx tx;
		size_t used;

		if (ledger_tx_decode(&tx, data + off, size - off, &used) != L_OK)
			break;
		if (ledger_tx_encode(&tx, buf, sizeof buf) != used ||
		    memcmp(buf, data + off, used) != 0)
			abort();
		off += used;
	}
	ledger_block_hash(&h, data + BLOCK_HEADER_LEN, size - BLOCK_HEADER_LEN,
	    hash);
}

static void
genesis(const uint8_t *data, size_t size)
{
	struct ledger_params p;
	uint8_t *buf;
	size_t n, len;

	if (ledger_genesis_decode(&p, alloc, 64, &n, data, size) != L_OK)
		return;
	if ((buf = malloc(size)) == NULL)
		abort();
	len = ledger_genesis_encode(&p, alloc, n, buf, size);
	if (len != size || memcmp(buf, data, size) != 0)
		abort();
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	block(data, size);
	genesis(data, size);
	return 0;
}
