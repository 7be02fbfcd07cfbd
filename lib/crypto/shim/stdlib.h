/* stdlib.h for the freestanding libsodium build: what the environment provides. */
#ifndef LIB_CRYPTO_SHIM_STDLIB_H
#define LIB_CRYPTO_SHIM_STDLIB_H

#include <stddef.h>

void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void free(void *p);
_Noreturn void abort(void);

#endif
