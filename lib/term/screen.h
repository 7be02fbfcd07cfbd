/*
 * A text screen driven by parser actions (lib/term/parse.h): the cursor,
 * the colours and attributes of what is written next, and what each
 * action does to the cells. The cells themselves belong to the caller,
 * who is told through three operations what to put, erase and scroll.
 *
 * Understood: printable code points (with a deferred wrap at the last
 * column, like a VT100), CR, LF (which also returns the carriage, as the
 * console has no separate line discipline), BS, TAB; ESC 7 / ESC 8;
 * CSI A B C D (cursor moves), H and f (position), J and K (erase in
 * display / line, modes 0 1 2), m (SGR 0 1 7 22 27 30-37 39 40-47 49),
 * s / u (save / restore), ?25h / ?25l (show / hide the cursor).
 * Everything else is ignored.
 */
#ifndef LIB_TERM_SCREEN_H
#define LIB_TERM_SCREEN_H

#include <stdint.h>

#include "lib/term/parse.h"

/*
 * A cell's colours in one byte: foreground in the low nibble (0..7 the
 * ANSI colours, 8..15 their bright forms for bold), background in the
 * high one (0..7). Reverse video is applied before it is stored.
 */
#define VT_DEFAULT_FG	7
#define VT_DEFAULT_BG	0
#define VT_COLOUR(fg, bg)	((uint8_t)((fg) | (bg) << 4))
#define VT_DEFAULT	VT_COLOUR(VT_DEFAULT_FG, VT_DEFAULT_BG)

struct vt_screen_ops {
	/* Cell (x, y) shows code point cp in colour. */
	void (*put)(void *ctx, uint32_t x, uint32_t y, uint32_t cp, uint8_t colour);
	/* Cells x0..x1-1 of row y become blank (space, VT_DEFAULT). */
	void (*erase)(void *ctx, uint32_t y, uint32_t x0, uint32_t x1);
	/* Every row moves up one; the top one goes, the bottom one is blank. */
	void (*scroll)(void *ctx);
};

struct vt_attr {
	uint8_t fg, bg;		/* 0..7 */
	uint8_t bold, reverse;
};

/* Invariant: x < cols and y < rows, whatever the input. */
struct vt_screen {
	const struct vt_screen_ops *ops;
	void *ctx;
	uint32_t cols, rows;
	uint32_t x, y;		/* the cursor */
	int wrap;		/* the last column was written: the next print wraps first */
	int cursor_on;		/* the cursor is to be shown (?25h) */
	struct vt_attr attr;
	uint32_t saved_x, saved_y;	/* ESC 7, CSI s */
	struct vt_attr saved_attr;
};

/* cols and rows must be at least 1. The cursor starts at (0, 0), shown. */
void vt_screen_init(struct vt_screen *s, uint32_t cols, uint32_t rows,
    const struct vt_screen_ops *ops, void *ctx);

void vt_screen_apply(struct vt_screen *s, const struct vt_action *a);

/* The colour byte the current attributes give a written cell. */
uint8_t vt_screen_colour(const struct vt_screen *s);

#endif
