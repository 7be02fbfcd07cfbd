/*
 * The one entropy hook libsodium's generator (nonos_random.h) asks of its
 * platform, apart so that a platform can define it without libsodium's
 * headers (NØNOS user programs: user/lib/entropy.c).
 */
#ifndef LIB_CRYPTO_PORT_PLATFORM_RANDOM_H
#define LIB_CRYPTO_PORT_PLATFORM_RANDOM_H

#include <stddef.h>

/*
 * Supplied by the platform: fill buf with len bytes from the best entropy
 * source it has. Returns 0, or a negative value if it cannot (then buf is
 * not used). The host build (lib/crypto/port/host_entropy.c) uses
 * getrandom(2); NØNOS programs SYS_RANDOM (user/lib/entropy.c).
 */
int nonos_platform_random(void *buf, size_t len);

#endif
