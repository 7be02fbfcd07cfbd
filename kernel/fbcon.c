/*
 * Framebuffer text console. The terminal model (lib/term/screen.c) says
 * what each action does to the cells; here the cells are kept and drawn.
 * Characters come from Debian's Lat15 console font (linked in by the
 * build) and go into the GOP framebuffer through the direct map; the
 * screen scrolls by moving pixel rows up. Cells (character and colour)
 * are kept in a ring of HISTORY lines, so the view can scroll back
 * (fbcon_scroll); new output returns the view to the bottom. The cursor
 * is its cell drawn with foreground and background swapped; code points
 * the font lacks show as '?'.
 */
#include "kernel/fbcon.h"
#include "kernel/kernel.h"
#include "lib/font/psf.h"
#include "lib/libc/string.h"
#include "lib/term/screen.h"

/* The font file, linked in as a binary blob (see the Makefile). */
extern const uint8_t _binary_font_psf_start[], _binary_font_psf_end[];

#define HISTORY		1000
#define MAX_COLS	256

struct cell {
	uint8_t ch;		/* Latin-1 */
	uint8_t colour;		/* VT_COLOUR(fg, bg) */
};

static struct psf_font font;
static struct cell history[HISTORY][MAX_COLS];
static uint64_t top;			/* history line of the top screen row */
static uint32_t view_back;		/* lines scrolled back; 0: live */
static struct vt_screen vt;
static int cursor_drawn;		/* the cursor is on the screen, at: */
static uint32_t cursor_x, cursor_y;
static uint8_t *fb;
static uint32_t fb_width, fb_height, fb_pitch, fb_format;
static uint32_t cols, rows;

/* The eight ANSI colours (black is the console's background, white its text), then bright. */
static const uint32_t palette[16] = {
	0x101018, 0xc03030, 0x30a030, 0xc0a030, 0x3060d0, 0xb040b0, 0x30a8b0, 0xd0d0d0,
	0x606068, 0xff5858, 0x58f058, 0xf8f058, 0x70a0ff, 0xff70ff, 0x60f0f0, 0xffffff,
};

static uint32_t
pixel(uint32_t rgb)
{
	if (fb_format == BOOTINFO_FB_BGRX)
		return rgb;		/* memory order B, G, R: 0x00RRGGBB */
	return ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff);
}

static struct cell *
hist_line(uint64_t n)
{
	return history[n % HISTORY];
}

static void
blank_line(uint64_t n)
{
	struct cell *l = hist_line(n);

	for (uint32_t c = 0; c < MAX_COLS; c++)
		l[c] = (struct cell){ ' ', VT_DEFAULT };
}

/* Pixel rows y0..y1-1 in the background colour. */
static void
fill_rows(uint32_t y0, uint32_t y1)
{
	uint32_t bg = pixel(palette[VT_DEFAULT_BG]);

	for (uint32_t y = y0; y < y1; y++) {
		uint32_t *row = (uint32_t *)(fb + (uint64_t)y * fb_pitch);
		for (uint32_t x = 0; x < fb_width; x++)
			row[x] = bg;
	}
}

/* Draws cell c at (col, row); inverted swaps its colours (the cursor). */
static void
draw(uint32_t col, uint32_t row, struct cell c, int inverted)
{
	const uint8_t *g = psf_glyph(&font, c.ch);
	uint32_t fg = pixel(palette[c.colour & 15]), bg = pixel(palette[c.colour >> 4 & 15]);

	if (inverted) {
		uint32_t t = fg;

		fg = bg;
		bg = t;
	}
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
cursor_hide(void)
{
	if (cursor_drawn)
		draw(cursor_x, cursor_y, hist_line(top + cursor_y)[cursor_x], 0);
	cursor_drawn = 0;
}

/* Shows the cursor where the terminal has it, unless hidden or scrolled back. */
static void
cursor_show(void)
{
	if (!vt.cursor_on || view_back != 0)
		return;
	cursor_x = vt.x;
	cursor_y = vt.y;
	draw(cursor_x, cursor_y, hist_line(top + cursor_y)[cursor_x], 1);
	cursor_drawn = 1;
}

/* Draws the screen from history, view_back lines above the live text. */
static void
redraw(void)
{
	for (uint32_t r = 0; r < rows; r++) {
		const struct cell *l = hist_line(top - view_back + r);

		for (uint32_t c = 0; c < cols; c++)
			draw(c, r, l[c], 0);
	}
	cursor_drawn = 0;
	cursor_show();
}

/* The terminal's operations on cells (lib/term/screen.h). */
static void
op_put(void *ctx, uint32_t x, uint32_t y, uint32_t cp, uint8_t colour)
{
	struct cell c = { cp < 256 ? (uint8_t)cp : '?', colour };

	hist_line(top + y)[x] = c;
	draw(x, y, c, 0);
}

static void
op_erase(void *ctx, uint32_t y, uint32_t x0, uint32_t x1)
{
	struct cell *l = hist_line(top + y);

	for (uint32_t x = x0; x < x1; x++) {
		l[x] = (struct cell){ ' ', VT_DEFAULT };
		draw(x, y, l[x], 0);
	}
}

static void
op_scroll(void *ctx)
{
	top++;
	blank_line(top + rows - 1);
	memmove(fb, fb + (uint64_t)font.height * fb_pitch,
	    (uint64_t)(rows - 1) * font.height * fb_pitch);
	fill_rows((rows - 1) * font.height, rows * font.height);
}

static const struct vt_screen_ops ops = { op_put, op_erase, op_scroll };

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
	if (rows > HISTORY)
		rows = HISTORY;
	if (cols == 0 || rows == 0) {
		fb = NULL;
		return -1;
	}
	for (uint32_t r = 0; r < rows; r++)
		blank_line(r);
	fill_rows(0, fb_height);
	vt_screen_init(&vt, cols, rows, &ops, NULL);
	cursor_show();
	return 0;
}

void
fbcon_act(const struct vt_action *a)
{
	if (fb == NULL)
		return;
	if (view_back != 0) {
		view_back = 0;
		redraw();
	}
	cursor_hide();
	vt_screen_apply(&vt, a);
	cursor_show();
}

void
fbcon_forget(void)
{
	explicit_bzero(history, sizeof(history));
	if (fb == NULL)
		return;
	top = 0;
	view_back = 0;
	cursor_drawn = 0;
	for (uint32_t r = 0; r < rows; r++)
		blank_line(r);
	fill_rows(0, fb_height);
	vt_screen_init(&vt, cols, rows, &ops, NULL);
}

void
fbcon_scroll(int lines)
{
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
