/*
 * Hexadecimal text for byte strings: hashes, keys and signatures in
 * nonos-sign files, boot manifests, Tor directory documents and logs.
 * Freestanding: the loader, the kernel and the host tools share it.
 *
 * The contracts below (ACSL) are proved with Frama-C WP: docs/proofs.md.
 */
#ifndef LIB_FMT_HEX_H
#define LIB_FMT_HEX_H

#include <stddef.h>
#include <stdint.h>

/*@ predicate hex_lower(char c) = ('0' <= c <= '9') || ('a' <= c <= 'f');
    predicate hex_any(char c) = hex_lower(c) || ('A' <= c <= 'F');
    logic integer hex_value(char c) =
      '0' <= c <= '9' ? c - '0' :
      'a' <= c <= 'f' ? c - 'a' + 10 :
      'A' <= c <= 'F' ? c - 'A' + 10 : -1;
    logic char hex_char(integer v) = v < 10 ? (char)('0' + v) : (char)('a' + v - 10);
*/

/* Lower-case hex of n bytes into out, then a NUL: 2n + 1 bytes. */
/*@ requires 2 * n + 1 <= SIZE_MAX;
    requires \valid(out + (0 .. 2 * n));
    requires \valid_read(in + (0 .. n - 1));
    requires \separated(out + (0 .. 2 * n), in + (0 .. n - 1));
    assigns out[0 .. 2 * n];
    ensures \forall integer i; 0 <= i < n ==>
      out[2 * i] == hex_char(in[i] / 16) && out[2 * i + 1] == hex_char(in[i] % 16);
    ensures out[2 * n] == '\0'; */
void hex_encode(char *out, const uint8_t *in, size_t n);

/*
 * Exactly 2n hex digits, either case, into n bytes. Returns 0, or -1 when
 * len is not 2n or a character is no hex digit (out may then be partly
 * written).
 */
/*@ requires \valid(out + (0 .. n - 1));
    requires \valid_read(in + (0 .. len - 1));
    requires \separated(out + (0 .. n - 1), in + (0 .. len - 1));
    assigns out[0 .. n - 1];
    ensures \result == 0 || \result == -1;
    ensures \result == 0 <==> len == 2 * n &&
      (\forall integer i; 0 <= i < len ==> hex_any(in[i]));
    ensures \result == 0 ==> \forall integer i; 0 <= i < n ==>
      out[i] == 16 * hex_value(in[2 * i]) + hex_value(in[2 * i + 1]); */
int hex_decode(uint8_t *out, size_t n, const char *in, size_t len);

/*
 * Like hex_decode, but lower-case digits only: for texts where every
 * value has exactly one spelling.
 */
/*@ requires \valid(out + (0 .. n - 1));
    requires \valid_read(in + (0 .. len - 1));
    requires \separated(out + (0 .. n - 1), in + (0 .. len - 1));
    assigns out[0 .. n - 1];
    ensures \result == 0 || \result == -1;
    ensures \result == 0 <==> len == 2 * n &&
      (\forall integer i; 0 <= i < len ==> hex_lower(in[i]));
    ensures \result == 0 ==> \forall integer i; 0 <= i < n ==>
      out[i] == 16 * hex_value(in[2 * i]) + hex_value(in[2 * i + 1]); */
int hex_decode_lower(uint8_t *out, size_t n, const char *in, size_t len);

#endif
