/*
 * Tests of lib/fmt/hex: encoding every byte value, decoding either case
 * or lower case only, and each refusal (length, non-digits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fmt/hex.h"

static void
test_encode(void **state)
{
	uint8_t in[256], out[256];
	char text[2 * 256 + 1], want[3];

	(void)state;
	for (int i = 0; i < 256; i++)
		in[i] = (uint8_t)i;
	hex_encode(text, in, sizeof in);
	assert_int_equal(strlen(text), 512);
	for (int i = 0; i < 256; i++) {
		snprintf(want, sizeof want, "%02x", i);
		assert_memory_equal(text + 2 * i, want, 2);
	}
	assert_int_equal(hex_decode(out, sizeof out, text, 512), 0);
	assert_memory_equal(in, out, sizeof in);
	assert_int_equal(hex_decode_lower(out, sizeof out, text, 512), 0);
	assert_memory_equal(in, out, sizeof in);
	hex_encode(text, in, 0);
	assert_string_equal(text, "");
}

static void
test_decode(void **state)
{
	uint8_t out[3], want[3] = { 0x0a, 0xbc, 0xff };

	(void)state;
	assert_int_equal(hex_decode(out, 3, "0aBcFf", 6), 0);
	assert_memory_equal(out, want, 3);
	assert_int_equal(hex_decode(out, 3, "0abcff", 6), 0);
	assert_memory_equal(out, want, 3);
	assert_int_equal(hex_decode_lower(out, 3, "0abcff", 6), 0);
	assert_memory_equal(out, want, 3);
	assert_int_equal(hex_decode(out, 0, "", 0), 0);
	/* Only upper-case digits tell the two apart. */
	assert_int_equal(hex_decode_lower(out, 3, "0aBcff", 6), -1);
	assert_int_equal(hex_decode_lower(out, 3, "0abcfF", 6), -1);
}

static void
test_refusals(void **state)
{
	/* The characters on either side of each digit range. */
	static const char notdigits[] = "/:@G`g -x\n";
	uint8_t out[3];
	char text[7];

	(void)state;
	assert_int_equal(hex_decode(out, 3, "0abcf", 5), -1);
	assert_int_equal(hex_decode(out, 3, "0abcff0", 7), -1);
	assert_int_equal(hex_decode(out, 2, "0abcff", 6), -1);
	assert_int_equal(hex_decode(out, 1, "", 0), -1);
	for (const char *c = notdigits; *c; c++) {
		for (int pos = 0; pos < 6; pos++) {
			memcpy(text, "0abcff", 7);
			text[pos] = *c;
			assert_int_equal(hex_decode(out, 3, text, 6), -1);
			assert_int_equal(hex_decode_lower(out, 3, text, 6), -1);
		}
	}
	/* A NUL inside the given length is a character like any other. */
	assert_int_equal(hex_decode(out, 3, "0ab\0ff", 6), -1);
	/*
	 * A huge n whose 2n wraps around to len (found by the WP proof):
	 * comparing len with 2 * n would accept it and read past "ab".
	 */
	assert_int_equal(hex_decode(out, SIZE_MAX / 2 + 2, "ab", 2), -1);
	assert_int_equal(hex_decode_lower(out, SIZE_MAX / 2 + 2, "ab", 2), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
