/*
 * PC Screen Font (PSF1 and PSF2) parsing, for the kernel's framebuffer
 * console. The font file is Debian's console-setup font, linked into the
 * kernel at build time; it is still checked like any other input.
 */
#ifndef LIB_FONT_PSF_H
#define LIB_FONT_PSF_H

#include <stddef.h>
#include <stdint.h>

struct psf_font {
	const uint8_t *glyphs;	/* glyph_count * glyph_bytes bytes */
	uint32_t glyph_count;
	uint32_t glyph_bytes;
	uint32_t width;		/* pixels */
	uint32_t height;	/* pixels */
	uint32_t row_bytes;	/* bytes per glyph row */
	uint16_t map[256];	/* glyph index for code points 0..255 */
};

/* Parses buf[0..len); returns NULL on success or a one-line reason. */
const char *psf_parse(const void *buf, size_t len, struct psf_font *f);

/* The bitmap of the glyph for code point cp (< 256), '?' for others. */
const uint8_t *psf_glyph(const struct psf_font *f, uint32_t cp);

#endif
