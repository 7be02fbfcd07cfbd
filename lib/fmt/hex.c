/* Hex encoding and strict decoding (hex.h). */
#include "lib/fmt/hex.h"

void
hex_encode(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The value of one hex digit, or -1; A-F only when upper is set. */
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

static int
decode(uint8_t *out, size_t n, const char *in, size_t len, int upper)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = digit(in[2 * i], upper), lo = digit(in[2 * i + 1], upper);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
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
