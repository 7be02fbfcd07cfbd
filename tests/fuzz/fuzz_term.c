/*
 * libFuzzer target for lib/term: input bytes go through the parser into
 * a screen whose size the first two bytes choose. Whatever the input,
 * every action must be well formed (bounded parameter count and values,
 * code points within Unicode), every cell written inside the screen, and
 * the cursor always on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/term/parse.h"
#include "lib/term/screen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SIDE	64

static uint8_t cells[MAX_SIDE][MAX_SIDE];
static uint32_t cols, rows;

static void
op_put(void *ctx, uint32_t x, uint32_t y, uint32_t cp, uint8_t colour)
{
	if (x >= cols || y >= rows || cp > 0x10ffff || (colour >> 4) > 7)
		abort();
	cells[y][x] = colour;
}

static void
op_erase(void *ctx, uint32_t y, uint32_t x0, uint32_t x1)
{
	if (y >= rows || x0 > x1 || x1 > cols)
		abort();
	memset(&cells[y][x0], VT_DEFAULT, x1 - x0);
}

static void
op_scroll(void *ctx)
{
	memmove(cells[0], cells[1], sizeof(cells[0]) * (rows - 1));
	memset(cells[rows - 1], VT_DEFAULT, sizeof(cells[0]));
}

static const struct vt_screen_ops ops = { op_put, op_erase, op_scroll };

static void
check(const struct vt_action *a)
{
	if (a->nparams > VT_PARAMS)
		abort();
	for (int i = 0; i < VT_PARAMS; i++) {
		if (a->params[i] > VT_PARAM_MAX || (i >= a->nparams && a->params[i] != 0))
			abort();
	}
	switch (a->kind) {
	case VT_PRINT:
		if (a->cp < 0x20 || a->cp == 0x7f || a->cp > 0x10ffff ||
		    (a->cp >= 0xd800 && a->cp <= 0xdfff))
			abort();
		break;
	case VT_CONTROL:
		if (a->cp >= 0x20 || a->cp == 0x1b)
			abort();
		break;
	case VT_ESC:
		if (a->cp < 0x30 || a->cp > 0x7e || a->cp == '[')
			abort();
		break;
	case VT_CSI:
		if (a->cp < 0x40 || a->cp > 0x7e)
			abort();
		break;
	default:
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vt_parser p;
	struct vt_screen s;

	if (size < 2)
		return 0;
	cols = data[0] % MAX_SIDE + 1;
	rows = data[1] % MAX_SIDE + 1;
	vt_parser_init(&p);
	vt_screen_init(&s, cols, rows, &ops, NULL);
	for (size_t i = 2; i < size; i++) {
		struct vt_action a[2];
		int n = vt_parse(&p, data[i], a);

		if (n < 0 || n > 2)
			abort();
		for (int k = 0; k < n; k++) {
			check(&a[k]);
			vt_screen_apply(&s, &a[k]);
			if (s.x >= cols || s.y >= rows || s.saved_x >= cols || s.saved_y >= rows)
				abort();
		}
	}
	return 0;
}
