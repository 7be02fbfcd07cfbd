/* signal.h for the freestanding libsodium build: included, nothing used. */
#ifndef LIB_CRYPTO_SHIM_SIGNAL_H
#define LIB_CRYPTO_SHIM_SIGNAL_H

#include <stddef.h>

#endif
