/*
 * Host tests for the PSF font parser: Debian's console font as shipped,
 * and truncated or inconsistent headers refused with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/font/psf.h"

static uint8_t fontbuf[1 << 16];
static size_t fontlen;

static int
load_font(void **state)
{
	FILE *p = popen("gzip -dc /usr/share/consolefonts/Lat15-VGA16.psf.gz", "r");

	if (p == NULL)
		return -1;
	fontlen = fread(fontbuf, 1, sizeof(fontbuf), p);
	return pclose(p) == 0 && fontlen > 0 ? 0 : -1;
}

static void
test_debian_font(void **state)
{
	struct psf_font f;
	const uint8_t *a, *space;
	int lit = 0;

	assert_null(psf_parse(fontbuf, fontlen, &f));
	assert_int_equal(f.width, 8);
	assert_int_equal(f.height, 16);
	assert_int_equal(f.glyph_count, 256);
	space = psf_glyph(&f, ' ');
	for (uint32_t i = 0; i < f.glyph_bytes; i++)
		assert_int_equal(space[i], 0);
	a = psf_glyph(&f, 'A');
	for (uint32_t i = 0; i < f.glyph_bytes; i++)
		lit += __builtin_popcount(a[i]);
	assert_true(lit > 10);
	assert_ptr_not_equal(psf_glyph(&f, 'A'), psf_glyph(&f, 'B'));
	assert_ptr_equal(psf_glyph(&f, 0x263a), psf_glyph(&f, '?'));
}

static void
test_truncated(void **state)
{
	struct psf_font f;

	for (size_t n = 0; n < 4 + 256 * 16; n += 97)
		assert_non_null(psf_parse(fontbuf, n, &f));
	assert_non_null(psf_parse("hello", 5, &f));
}

static void
test_psf2_header_checks(void **state)
{
	uint8_t h[32 + 16] = { 0x72, 0xb5, 0x4a, 0x86 };
	struct psf_font f;

	h[8] = 32;		/* header size */
	h[16] = 1;		/* one glyph */
	h[20] = 16;		/* 16 bytes per glyph */
	h[24] = 16;		/* height */
	h[28] = 8;		/* width */
	assert_null(psf_parse(h, sizeof(h), &f));
	assert_non_null(psf_parse(h, sizeof(h) - 1, &f));
	h[20] = 15;
	assert_string_equal(psf_parse(h, sizeof(h), &f),
	    "glyph size disagrees with its dimensions");
	h[20] = 16;
	h[8] = 200;
	assert_non_null(psf_parse(h, sizeof(h), &f));
	h[8] = 32;
	h[4] = 1;
	assert_string_equal(psf_parse(h, sizeof(h), &f), "unknown PSF2 version");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_font),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_psf2_header_checks),
	};
	return cmocka_run_group_tests_name("psf", tests, load_font, NULL);
}
