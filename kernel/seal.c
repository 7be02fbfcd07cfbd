/*
 * The per-boot token key: BLAKE3 derive-key over the loader's entropy
 * seed, so tokens from one boot mean nothing in the next.
 */
#include "kernel/kernel.h"
#include "kernel/seal.h"
#include "lib/crypto/blake3.h"
#include "lib/libc/string.h"

struct seal_table seal_table;
static struct seal_rec records[SEAL_RECORDS];

void
seal_init(const struct bootinfo *bi)
{
	uint8_t key[CAP_TOKEN_KEY_LEN];
	uint8_t nonce[8];
	struct blake3 h;
	uint64_t first = 0;

	blake3_init_derive_key(&h, "NONOS 2026 capability token key");
	blake3_update(&h, bi->entropy, sizeof(bi->entropy));
	blake3_update(&h, &bi->tsc_loader_entry, sizeof(bi->tsc_loader_entry));
	blake3_final(&h, key, sizeof(key));
	blake3_final_seek(&h, sizeof(key), nonce, sizeof(nonce));
	for (int i = 7; i >= 0; i--)
		first = (first << 8) | nonce[i];
	seal_table_init(&seal_table, records, SEAL_RECORDS, key, first >> 1);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&h, sizeof(h));
}
