/*
 * Test vectors in hex, for the cmocka tests: lib/fmt/hex's decoder, the
 * test failing unless hex is exactly 2n digits.
 */
#ifndef TESTS_UNIT_UNHEX_H
#define TESTS_UNIT_UNHEX_H

#include <string.h>

#include "lib/fmt/hex.h"

static void
unhex(uint8_t *out, size_t n, const char *hex)
{
	assert_int_equal(hex_decode(out, n, hex, strlen(hex)), 0);
}

#endif
