/*
 * Entropy for libsodium's generator (lib/crypto/port/platform_random.h),
 * for every program that links lib/crypto: the kernel's generator
 * (SYS_RANDOM), RANDOM_MAX bytes per call. Keys come from it.
 */
#include <stddef.h>

#include "lib/crypto/port/platform_random.h"
#include "user/lib/nonos.h"

int
nonos_platform_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		size_t n = len < RANDOM_MAX ? len : RANDOM_MAX;

		if (random_bytes(p, n) < 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}
