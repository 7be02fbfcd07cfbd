/*
 * Framebuffer text console. Characters are drawn from Debian's Lat15
 * console font (linked in by the build) into the GOP framebuffer through
 * the direct map; the screen scrolls by moving pixel rows up. Text is
 * also kept in a ring of HISTORY lines, so the view can scroll back
 * (fbcon_scroll); new output returns the view to the bottom. Input is
 * UTF-8; code points the font lacks show as '?'.
 */
#include "kernel/fbcon.h"
#include "kernel/kernel.h"
#include "lib/font/psf.h"
#include "lib/libc/string.h"

/* The font file, linked in as a binary blob (see the Makefile). */
extern const uint8_t _binary_font_psf_start[], _binary_font_psf_end[];

#define HISTORY		1000
#define MAX_COLS	256

static struct psf_font font;
static uint8_t history[HISTORY][MAX_COLS];	/* Latin-1 text, ' ' padded */
static uint64_t line_no;			/* history line of the cursor row */
static uint32_t view_back;			/* lines scrolled back; 0: live */
static uint32_t utf8_cp, utf8_left;		/* a UTF-8 sequence in progress */
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
	if (cols > MAX_COLS)
		cols = MAX_COLS;
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
	line_no += rows;
	memset(history[line_no % HISTORY], ' ', MAX_COLS);
	view_back = 0;
}

static uint8_t *
hist_line(uint64_t n)
{
	return history[n % HISTORY];
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

/* Draws the screen from history, view_back lines above the live text. */
static void
redraw(void)
{
	uint64_t top = line_no - cy - view_back;

	for (uint32_t r = 0; r < rows; r++) {
		const uint8_t *l = hist_line(top + r);

		for (uint32_t c = 0; c < cols; c++)
			draw(c, r, l[c]);
	}
}

void
fbcon_scroll(int lines)
{
	uint64_t top = line_no - cy;
	uint64_t kept = top < HISTORY - rows ? top : HISTORY - rows;
	int64_t v = (int64_t)view_back + lines;

	if (fb == NULL)
		return;
	if (v < 0)
		v = 0;
	if ((uint64_t)v > kept)
		v = (int64_t)kept;
	if ((uint32_t)v != view_back) {
		view_back = (uint32_t)v;
		redraw();
	}
}

static void
newline(void)
{
	cx = 0;
	line_no++;
	memset(hist_line(line_no), ' ', MAX_COLS);
	if (++cy < rows)
		return;
	/* Scroll one text row up. */
	memmove(fb, fb + (uint64_t)font.height * fb_pitch,
	    (uint64_t)(rows - 1) * font.height * fb_pitch);
	fill_rows((rows - 1) * font.height, rows * font.height);
	cy = rows - 1;
}

/* Folds UTF-8 into code points; returns 1 when cp is complete. */
static int
utf8_step(unsigned char b, uint32_t *cp)
{
	if (utf8_left > 0 && (b & 0xc0) == 0x80) {
		utf8_cp = (utf8_cp << 6) | (b & 0x3f);
		if (--utf8_left > 0)
			return 0;
		*cp = utf8_cp;
		return 1;
	}
	utf8_left = 0;
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if ((b & 0xe0) == 0xc0) {
		utf8_cp = b & 0x1f;
		utf8_left = 1;
	} else if ((b & 0xf0) == 0xe0) {
		utf8_cp = b & 0x0f;
		utf8_left = 2;
	} else if ((b & 0xf8) == 0xf0) {
		utf8_cp = b & 0x07;
		utf8_left = 3;
	} else {
		*cp = '?';
		return 1;
	}
	return 0;
}

void
fbcon_putc(char ch)
{
	uint32_t cp;
	unsigned char c;

	if (fb == NULL || !utf8_step((unsigned char)ch, &cp))
		return;
	c = cp < 256 ? (unsigned char)cp : '?';
	if (view_back != 0) {
		view_back = 0;
		redraw();
	}
	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		cx = 0;
		return;
	case '\b':
		if (cx > 0) {
			hist_line(line_no)[--cx] = ' ';
			draw(cx, cy, ' ');
		}
		return;
	case '\t':
		do
			fbcon_putc(' ');
		while (cx % 8 && cx != 0);
		return;
	}
	hist_line(line_no)[cx] = c;
	draw(cx, cy, c);
	if (++cx == cols)
		newline();
}
