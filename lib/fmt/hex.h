/*
 * Hexadecimal text for byte strings: hashes, keys and signatures in
 * nonos-sign files, boot manifests, Tor directory documents and logs.
 * Freestanding: the loader, the kernel and the host tools share it.
 */
#ifndef LIB_FMT_HEX_H
#define LIB_FMT_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out, then a NUL: 2n + 1 bytes. */
void hex_encode(char *out, const uint8_t *in, size_t n);

/*
 * Exactly 2n hex digits, either case, into n bytes. Returns 0, or -1 when
 * len is not 2n or a character is no hex digit (out may then be partly
 * written).
 */
int hex_decode(uint8_t *out, size_t n, const char *in, size_t len);

/*
 * Like hex_decode, but lower-case digits only: for texts where every
 * value has exactly one spelling.
 */
int hex_decode_lower(uint8_t *out, size_t n, const char *in, size_t len);

#endif
