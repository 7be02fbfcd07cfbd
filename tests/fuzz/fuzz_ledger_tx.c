/*
 * libFuzzer target for the ledger's transaction decoder: whatever it
 * accepts must encode back to exactly the bytes it consumed (one
 * encoding per transaction), and hash without fault.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ledger/ledger.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t chain[L_HASH];
	struct ledger_tx tx;
	uint8_t buf[TX_MAX_LEN], hash[L_HASH];
	size_t used, n;

	if (ledger_tx_decode(&tx, data, size, &used) != L_OK)
		return 0;
	if (used > size || used > TX_MAX_LEN)
		abort();
	n = ledger_tx_encode(&tx, buf, sizeof buf);
	if (n != used || memcmp(buf, data, n) != 0)
		abort();
	ledger_tx_hash(&tx, chain, hash);
	return 0;
}
