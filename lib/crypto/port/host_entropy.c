/*
 * The platform entropy hook for host builds (unit tests, fuzzers, tools):
 * the kernel's getrandom(2). Built into build/host/libsodium.a only; the
 * kernel supplies its own nonos_platform_random().
 */
#include <errno.h>
#include <stddef.h>
#include <sys/random.h>

#include "lib/crypto/port/nonos_random.h"

int
nonos_platform_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		/* Requests of at most 256 bytes are never cut short. */
		size_t n = len < 256 ? len : 256;
		ssize_t r = getrandom(p, n, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}
