/*
 * Framebuffer text console. Characters are drawn from Debian's Lat15
 * console font (linked in by the build) into the GOP framebuffer through
 * the direct map; the screen scrolls by moving pixel rows up.
 */
#include "kernel/fbcon.h"
#include "kernel/kernel.h"
#include "lib/font/psf.h"
#include "lib/libc/string.h"

/* The font file, linked in as a binary blob (see the Makefile). */
extern const uint8_t _binary_font_psf_start[], _binary_font_psf_end[];

static struct psf_font font;
static uint8_t *fb;
static uint32_t fb_width, fb_height, fb_pitch, fb_format;
static uint32_t cols, rows, cx, cy;

#define FG 0x00d0d0d0u
#define BG 0x00101018u

static uint32_t
pixel(uint32_t rgb)
{
	if (fb_format == BOOTINFO_FB_BGRX)
		return rgb;		/* memory order B, G, R: 0x00RRGGBB */
	return ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff);
}

static void
fill_rows(uint32_t y0, uint32_t y1)
{
	uint32_t bg = pixel(BG);

	for (uint32_t y = y0; y < y1; y++) {
		uint32_t *row = (uint32_t *)(fb + (uint64_t)y * fb_pitch);
		for (uint32_t x = 0; x < fb_width; x++)
			row[x] = bg;
	}
}

int
fbcon_init(const struct bootinfo_fb *bfb)
{
	if (bfb->format == BOOTINFO_FB_NONE)
		return -1;
	if (psf_parse(_binary_font_psf_start,
	    (size_t)(_binary_font_psf_end - _binary_font_psf_start), &font) != NULL)
		return -1;
	fb = phys_to_virt(bfb->base);
	fb_width = bfb->width;
	fb_height = bfb->height;
	fb_pitch = bfb->pitch;
	fb_format = bfb->format;
	cols = fb_width / font.width;
	rows = fb_height / font.height;
	if (cols == 0 || rows == 0) {
		fb = NULL;
		return -1;
	}
	fbcon_clear();
	return 0;
}

void
fbcon_clear(void)
{
	if (fb == NULL)
		return;
	fill_rows(0, fb_height);
	cx = cy = 0;
}

static void
draw(uint32_t col, uint32_t row, unsigned char c)
{
	const uint8_t *g = psf_glyph(&font, c);
	uint32_t fg = pixel(FG), bg = pixel(BG);

	for (uint32_t y = 0; y < font.height; y++) {
		uint32_t *line = (uint32_t *)(fb + (uint64_t)(row * font.height + y) * fb_pitch);
		const uint8_t *bits = g + y * font.row_bytes;

		for (uint32_t x = 0; x < font.width; x++) {
			int on = (bits[x / 8] >> (7 - x % 8)) & 1;
			line[col * font.width + x] = on ? fg : bg;
		}
	}
}

static void
newline(void)
{
	cx = 0;
	if (++cy < rows)
		return;
	/* Scroll one text row up. */
	memmove(fb, fb + (uint64_t)font.height * fb_pitch,
	    (uint64_t)(rows - 1) * font.height * fb_pitch);
	fill_rows((rows - 1) * font.height, rows * font.height);
	cy = rows - 1;
}

void
fbcon_putc(char c)
{
	if (fb == NULL)
		return;
	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		cx = 0;
		return;
	case '\b':
		if (cx > 0)
			draw(--cx, cy, ' ');
		return;
	case '\t':
		do
			fbcon_putc(' ');
		while (cx % 8);
		return;
	}
	draw(cx, cy, (unsigned char)c);
	if (++cx == cols)
		newline();
}
