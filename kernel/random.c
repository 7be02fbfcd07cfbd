/*
 * The kernel's random generator (random.h). Its key is derived from the
 * boot seed under its own context, so it says nothing about the capability
 * token key derived from the same seed; fast key erasure means the state
 * a later attacker might read never gives back earlier output. The big
 * kernel lock serialises draws.
 */
#include "kernel/random.h"

#include "kernel/kernel.h"
#include "lib/crypto/fkrng.h"
#include "lib/libc/string.h"

static struct fkrng gen;
static int ready;

void
random_init(const struct bootinfo *bi)
{
	uint8_t seed[sizeof(bi->entropy) + sizeof(bi->tsc_loader_entry)];

	memcpy(seed, bi->entropy, sizeof(bi->entropy));
	memcpy(seed + sizeof(bi->entropy), &bi->tsc_loader_entry,
	    sizeof(bi->tsc_loader_entry));
	fkrng_init(&gen, "NONOS 2026 kernel random generator", seed, sizeof(seed));
	explicit_bzero(seed, sizeof(seed));
	ready = 1;
}

void
random_get(void *out, size_t n)
{
	KASSERT(ready);
	fkrng_bytes(&gen, out, n);
}
