/* unistd.h for the freestanding libsodium build: included, nothing used. */
#ifndef LIB_CRYPTO_SHIM_UNISTD_H
#define LIB_CRYPTO_SHIM_UNISTD_H

#include <stddef.h>

#endif
