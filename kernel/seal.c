/*
 * The per-boot token key: BLAKE3 derive-key over the loader's entropy
 * seed, so tokens from one boot mean nothing in the next. Without any
 * entropy source the key would be a function of the TSC alone, and
 * tokens could be forged: the kernel then refuses to start, unless the
 * option insecure-entropy says to go on (a test machine), which every
 * boot then reports.
 *
 * The kernel's seal records: each is charged to the quota of the process
 * that sealed, and freed (the charge refunded) once it seals nothing.
 */
#include "kernel/kernel.h"
#include "kernel/obj/cnode.h"
#include "kernel/seal.h"
#include "lib/crypto/blake3.h"
#include "lib/libc/string.h"

struct seal_table seal_table;

struct kseal {
	struct seal_rec rec;	/* first: the table links these */
	struct memory *mem;	/* pays for this record */
};

void
seal_init(const struct bootinfo *bi)
{
	uint8_t key[CAP_TOKEN_KEY_LEN];
	uint8_t nonce[8];
	struct blake3 h;
	uint64_t first = 0;

	if (bi->entropy_sources == 0 && !cmdline_has("insecure-entropy"))
		panic("seal: no entropy source (EFI RNG, RDSEED or RDRAND): the "
		    "capability token key would be predictable; refusing to start "
		    "(kernel option insecure-entropy overrides)");
	if (bi->entropy_sources == 0)
		printk("seal: *** INSECURE: no entropy source; option insecure-entropy "
		    "given; capability tokens of this boot can be forged ***\n");
	blake3_init_derive_key(&h, "NONOS 2026 capability token key");
	blake3_update(&h, bi->entropy, sizeof(bi->entropy));
	blake3_update(&h, &bi->tsc_loader_entry, sizeof(bi->tsc_loader_entry));
	blake3_final(&h, key, sizeof(key));
	blake3_final_seek(&h, sizeof(key), nonce, sizeof(nonce));
	for (int i = 7; i >= 0; i--)
		first = (first << 8) | nonce[i];
	seal_table_init(&seal_table, key, first >> 1);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&h, sizeof(h));
	/* The seed would give the key again: nothing else needs it. */
	explicit_bzero(((struct bootinfo *)bi)->entropy, sizeof(bi->entropy));
}

static void
free_record(void *ctx, struct seal_rec *rec)
{
	struct kseal *k = (struct kseal *)rec;

	(void)ctx;
	memory_free(k->mem, k, sizeof(*k));
}

void
seal_reap(uint64_t now)
{
	seal_table_reap(&seal_table, now, &kobj_ops, free_record, NULL);
}

int
seal_make(struct cap *src, uint32_t rights, uint64_t expiry, uint64_t now,
    uint8_t out[CAP_TOKEN_LEN], struct memory *mem)
{
	struct kseal *k;
	int err;

	seal_reap(now);
	if ((k = memory_alloc(mem, sizeof(*k))) == NULL)
		return E_NOMEM;
	k->mem = mem;
	if ((err = cap_seal(&seal_table, &k->rec, src, rights, expiry, now, out)) != E_OK)
		memory_free(mem, k, sizeof(*k));
	return err;
}
