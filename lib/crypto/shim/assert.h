/* assert.h for the freestanding libsodium build: a failed assertion aborts. */
#ifndef LIB_CRYPTO_SHIM_ASSERT_H
#define LIB_CRYPTO_SHIM_ASSERT_H

#include <stdlib.h>

#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : abort())
#endif

#endif
