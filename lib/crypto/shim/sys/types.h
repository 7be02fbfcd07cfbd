/* sys/types.h for the freestanding libsodium build: only size_t is used. */
#ifndef LIB_CRYPTO_SHIM_SYS_TYPES_H
#define LIB_CRYPTO_SHIM_SYS_TYPES_H

#include <stddef.h>

#endif
