/*
 * The environment that build/freestanding/libsodium.a and the nc_ API need
 * (SODIUM_ENV_SYMS in mk/sodium.mk), as stand-ins for the kernel's: a bump
 * allocator over a static arena, errno, abort, and getrandom(2) as the
 * platform entropy hook. memcpy & co. come from lib/libc/string.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/crypto/port/nonos_random.h"
#include "tests/freestanding/linux_syscall.h"

int errno;

static _Alignas(64) uint8_t arena[1 << 20];
static size_t used;

void *
malloc(size_t size)
{
	size_t need = (size + 63) & ~(size_t)63;
	void *p;

	if (size == 0 || need < size || need > sizeof arena - used)
		return NULL;
	p = arena + used;
	used += need;
	return p;
}

void *
calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		return NULL;
	if ((p = malloc(nmemb * size)) != NULL)
		memset(p, 0, nmemb * size);
	return p;
}

void
free(void *p)
{
	(void)p;
}

void
abort(void)
{
	linux_exit(134);
}

int
nonos_platform_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	if (nc_check_entropy_fail)
		return -1;
	while (len > 0) {
		long r = linux_syscall3(SYS_getrandom, (long)p, (long)len, 0);

		if (r == -4)	/* EINTR */
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}
