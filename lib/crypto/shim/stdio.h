/* stdio.h for the freestanding libsodium build: included, nothing used. */
#ifndef LIB_CRYPTO_SHIM_STDIO_H
#define LIB_CRYPTO_SHIM_STDIO_H

#include <stddef.h>

#endif
