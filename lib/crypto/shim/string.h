/*
 * string.h for the freestanding libsodium build: lib/libc's functions,
 * plus strchr (used by sodium/codecs.c for its "ignore" characters),
 * private to this build under another name so that it can never clash
 * with a strchr the kernel's C library may add.
 */
#ifndef LIB_CRYPTO_SHIM_STRING_H
#define LIB_CRYPTO_SHIM_STRING_H

#include "lib/libc/string.h"

static inline char *
nonos_sodium_strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}
#define strchr nonos_sodium_strchr

#endif
