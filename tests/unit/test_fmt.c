/*
 * lib/fmt against the host C library's snprintf: the same format and
 * arguments must give the same text and the same length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/fmt/fmt.h"

/* Some cases below are deliberately malformed or narrowing formats. */
#pragma clang diagnostic ignored "-Wformat"
#pragma clang diagnostic ignored "-Wformat-invalid-specifier"

#define SAME(...) do { \
	char want[256], got[256]; \
	int wn = snprintf(want, sizeof want, __VA_ARGS__); \
	size_t gn = fmt_snprintf(got, sizeof got, __VA_ARGS__); \
	assert_string_equal(got, want); \
	assert_int_equal(gn, (size_t)wn); \
} while (0)

static void
test_integers(void **state)
{
	SAME("%d %i %u", 0, -1, 4000000000u);
	SAME("%d %d", INT32_MIN, INT32_MAX);
	SAME("%lld %llu", (long long)INT64_MIN, (unsigned long long)UINT64_MAX);
	SAME("%ld %lu %zu", -5L, 7UL, (size_t)123456789);
	SAME("%hhd %hhu %hd %hu", 200, 300, 70000, 70000);
	SAME("%x %X %o", 0xdeadbeefu, 0xcafeu, 0755u);
	SAME("%llx", 0xffffffff80000000ULL);
}

static void
test_widths_and_flags(void **state)
{
	SAME("[%5d][%-5d][%05d][%+d][% d]", 42, 42, 42, 42, 42);
	SAME("[%08x][%-8x][%8.3x]", 0xabu, 0xabu, 0xabu);
	SAME("[%.0d][%.0u][%5.0d]", 0, 0, 0);
	SAME("[%05d][%+05d][%-+6d]", -42, 42, -3);
	SAME("[%*d][%-*d][%.*d]", 6, 1, 6, 2, 4, 3);
	SAME("[%016llx]", 0x1234ULL);
	SAME("[%#x][%#X][%#llx][%#x][%#10x][%#-10x][%#010x]", 255u, 255u,
	    0xffffffff80000000ULL, 0u, 0xabu, 0xabu, 0xabu);
	SAME("[%#o][%#o]", 8u, 0u);
}

static void
test_strings_and_chars(void **state)
{
	SAME("[%s][%10s][%-10s][%.2s]", "abc", "abc", "abc", "abcdef");
	SAME("[%c][%3c][%-3c]", 'x', 'y', 'z');
	SAME("100%%");
	SAME("%p", (void *)0x1234);
}

static void
test_truncation(void **state)
{
	char buf[5];
	size_t n = fmt_snprintf(buf, sizeof buf, "%s", "abcdefgh");

	assert_int_equal(n, 8);
	assert_string_equal(buf, "abcd");
	n = fmt_snprintf(buf, 0, "%d", 12345);
	assert_int_equal(n, 5);
	n = fmt_snprintf(buf, 1, "%d", 12345);
	assert_string_equal(buf, "");
}

static void
test_unknown_conversions_are_literal(void **state)
{
	char buf[64];

	fmt_snprintf(buf, sizeof buf, "a%qb");
	assert_string_equal(buf, "a%qb");
	fmt_snprintf(buf, sizeof buf, "end%");
	assert_string_equal(buf, "end%");
	fmt_snprintf(buf, sizeof buf, "end%08");
	assert_string_equal(buf, "end%08");
}

static void
test_null_string(void **state)
{
	char buf[16];
	const char *null = NULL;

	fmt_snprintf(buf, sizeof buf, "%s", null);
	assert_string_equal(buf, "(null)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_widths_and_flags),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversions_are_literal),
		cmocka_unit_test(test_null_string),
	};
	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
