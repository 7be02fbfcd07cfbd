/* Hex encoding and strict decoding (hex.h). */
#include "lib/fmt/hex.h"

void
hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	/*@ loop invariant 0 <= i <= n;
	    loop invariant \forall integer k; 0 <= k < i ==>
	      out[2 * k] == hex_char(in[k] / 16) && out[2 * k + 1] == hex_char(in[k] % 16);
	    loop assigns i, out[0 .. 2 * n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] / 16];
		out[2 * i + 1] = digits[in[i] % 16];
	}
	out[2 * n] = '\0';
}

/* The value of one hex digit, or -1; A-F only when upper is set. */
/*@ assigns \nothing;
    ensures upper != 0 ==> \result == hex_value(c);
    ensures upper == 0 && hex_lower(c) ==> \result == hex_value(c);
    ensures upper == 0 && !hex_lower(c) ==> \result == -1; */
static int
digit(char c, int upper)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (upper && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * len is compared with n by halving it: 2 * n could wrap around for a
 * huge n and match a short len.
 */
/*@ requires \valid(out + (0 .. n - 1));
    requires \valid_read(in + (0 .. len - 1));
    requires \separated(out + (0 .. n - 1), in + (0 .. len - 1));
    assigns out[0 .. n - 1];
    ensures \result == 0 || \result == -1;
    ensures upper != 0 ==> (\result == 0 <==> len == 2 * n &&
      (\forall integer i; 0 <= i < len ==> hex_any(in[i])));
    ensures upper == 0 ==> (\result == 0 <==> len == 2 * n &&
      (\forall integer i; 0 <= i < len ==> hex_lower(in[i])));
    ensures \result == 0 ==> \forall integer i; 0 <= i < n ==>
      out[i] == 16 * hex_value(in[2 * i]) + hex_value(in[2 * i + 1]); */
static int
decode(uint8_t *out, size_t n, const char *in, size_t len, int upper)
{
	if (len % 2 != 0 || len / 2 != n)
		return -1;
	/*@ loop invariant 0 <= i <= n;
	    loop invariant upper != 0 ==> \forall integer k; 0 <= k < 2 * i ==> hex_any(in[k]);
	    loop invariant upper == 0 ==> \forall integer k; 0 <= k < 2 * i ==> hex_lower(in[k]);
	    loop invariant \forall integer k; 0 <= k < i ==>
	      out[k] == 16 * hex_value(in[2 * k]) + hex_value(in[2 * k + 1]);
	    loop assigns i, out[0 .. n - 1];
	    loop variant n - i; */
	for (size_t i = 0; i < n; i++) {
		int hi = digit(in[2 * i], upper), lo = digit(in[2 * i + 1], upper);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi * 16 + lo);
	}
	return 0;
}

int
hex_decode(uint8_t *out, size_t n, const char *in, size_t len)
{
	return decode(out, n, in, len, 1);
}

int
hex_decode_lower(uint8_t *out, size_t n, const char *in, size_t len)
{
	return decode(out, n, in, len, 0);
}
