/*
 * What libsodium (lib/crypto) asks of its platform, for persistd:
 * entropy from the kernel's generator (SYS_RANDOM), and abort.
 */
#include <stddef.h>
#include <stdlib.h>		/* lib/crypto/shim: abort */

#include "lib/crypto/port/nonos_random.h"
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

/* libsodium calls abort on a broken invariant: end, loudly. */
_Noreturn void
abort(void)
{
	printf("persistd: abort\n");
	thread_exit();
}
