/*
 * Initialisation, random bytes, constant-time comparison and wiping for
 * the nc_ API (lib/crypto/crypto.h), over libsodium.
 */
#include <stdatomic.h>

#include <sodium/core.h>
#include <sodium/randombytes.h>
#include <sodium/utils.h>

#include "lib/crypto/crypto.h"
#include "lib/crypto/port/nonos_random.h"

/* Set once libsodium is initialised and the generator seeded. */
static atomic_int ready;

const char *
nc_strerror(int err)
{
	switch (err) {
	case NC_OK:		return "OK";
	case NC_EINVAL:		return "EINVAL";
	case NC_EAUTH:		return "EAUTH";
	case NC_ELIMIT:		return "ELIMIT";
	case NC_ENOMEM:		return "ENOMEM";
	case NC_EWEAK:		return "EWEAK";
	case NC_EENTROPY:	return "EENTROPY";
	case NC_EINTERNAL:	return "EINTERNAL";
	default:		return "E?";
	}
}

int
nc_init(void)
{
	if (atomic_load_explicit(&ready, memory_order_acquire))
		return NC_OK;
	/*
	 * libsodium's random source is already ours at build time (see
	 * mk/sodium.mk), so there is no randombytes_set_implementation()
	 * call to race with. Seed first: sodium_init() draws random bytes
	 * (its canary), and a draw that finds no entropy aborts.
	 * sodium_init() is itself idempotent and locked.
	 */
	if (nonos_random_seed() != 0)
		return NC_EENTROPY;
	if (sodium_init() < 0)
		return NC_EINTERNAL;
	atomic_store_explicit(&ready, 1, memory_order_release);
	return NC_OK;
}

int
nc_random_bytes(void *buf, size_t len)
{
	int r;

	if (buf == NULL && len > 0)
		return NC_EINVAL;
	if ((r = nc_init()) != NC_OK)
		return r;
	if (len > 0)
		randombytes_buf(buf, len);
	return NC_OK;
}

int
nc_ct_equal(const void *a, const void *b, size_t n)
{
	if (n == 0)
		return NC_OK;
	if (a == NULL || b == NULL)
		return NC_EINVAL;
	return sodium_memcmp(a, b, n) == 0 ? NC_OK : NC_EAUTH;
}

int
nc_wipe(void *p, size_t n)
{
	if (n == 0)
		return NC_OK;
	if (p == NULL)
		return NC_EINVAL;
	sodium_memzero(p, n);
	return NC_OK;
}
