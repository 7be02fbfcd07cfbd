/*
 * What the loader's part of libsodium (mk/verified-boot.mk: Ed25519 verification,
 * SHA-256, SHA-512, sodium/utils.c) links against. Checking a signature
 * allocates nothing and draws no random numbers; those entry points exist
 * only because sodium/utils.c also holds sodium_malloc and its canary.
 * So there is no heap (malloc fails) and a call that should never happen
 * stops the loader instead of returning something wrong.
 */
#include <errno.h>
#include <stdlib.h>

#include <sodium/core.h>
#include <sodium/randombytes.h>

#include "boot/loader.h"

int errno;

static _Noreturn void
stop(const char *what)
{
	con_printf("nonos-loader: error: unexpected call to %s in libsodium\n"
	    "nonos-loader: boot stopped; the kernel was not started.\n", what);
	for (;;)
		__asm__ volatile("hlt");
}

void *
malloc(size_t size)
{
	(void)size;
	return NULL;
}

void
free(void *p)
{
	(void)p;
}

void
abort(void)
{
	stop("abort");
}

void
sodium_misuse(void)
{
	stop("sodium_misuse");
}

void
randombytes_buf(void *const buf, const size_t size)
{
	(void)buf;
	(void)size;
	stop("randombytes_buf");
}
