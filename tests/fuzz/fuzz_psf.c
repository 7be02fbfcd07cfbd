/*
 * libFuzzer target for the PSF font parser: every glyph of an accepted
 * font, for every code point, must lie inside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "lib/font/psf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct psf_font f;

	if (psf_parse(data, size, &f) != NULL)
		return 0;
	for (uint32_t cp = 0; cp < 300; cp++) {
		const uint8_t *g = psf_glyph(&f, cp);

		if (g < data || g + f.glyph_bytes > data + size)
			abort();
	}
	return 0;
}
