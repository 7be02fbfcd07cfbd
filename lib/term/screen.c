/*
 * The text screen model (see screen.h). Every cursor change goes through
 * clamping here, so that the caller's cell arrays are indexed only with
 * x < cols and y < rows.
 */
#include "lib/term/screen.h"

static const struct vt_attr plain = { VT_DEFAULT_FG, VT_DEFAULT_BG, 0, 0 };

void
vt_screen_init(struct vt_screen *s, uint32_t cols, uint32_t rows,
    const struct vt_screen_ops *ops, void *ctx)
{
	s->ops = ops;
	s->ctx = ctx;
	s->cols = cols;
	s->rows = rows;
	s->x = s->y = 0;
	s->wrap = 0;
	s->cursor_on = 1;
	s->attr = plain;
	s->saved_x = s->saved_y = 0;
	s->saved_attr = plain;
}

uint8_t
vt_screen_colour(const struct vt_screen *s)
{
	uint8_t fg = s->attr.fg | (s->attr.bold ? 8 : 0), bg = s->attr.bg;

	return s->attr.reverse ? VT_COLOUR(bg, fg & 7) : VT_COLOUR(fg, bg);
}

static void
move_to(struct vt_screen *s, uint32_t x, uint32_t y)
{
	s->x = x < s->cols ? x : s->cols - 1;
	s->y = y < s->rows ? y : s->rows - 1;
	s->wrap = 0;
}

/* Down one row and back to column 0, scrolling at the bottom. */
static void
newline(struct vt_screen *s)
{
	if (s->y + 1 < s->rows)
		s->y++;
	else
		s->ops->scroll(s->ctx);
	s->x = 0;
	s->wrap = 0;
}

static void
print(struct vt_screen *s, uint32_t cp)
{
	if (s->wrap)
		newline(s);
	s->ops->put(s->ctx, s->x, s->y, cp, vt_screen_colour(s));
	if (s->x + 1 < s->cols)
		s->x++;
	else
		s->wrap = 1;
}

static void
control(struct vt_screen *s, uint32_t c)
{
	switch (c) {
	case '\r':
		move_to(s, 0, s->y);
		break;
	case '\n':
		newline(s);
		break;
	case '\b':
		move_to(s, s->x > 0 ? s->x - 1 : 0, s->y);
		break;
	case '\t':
		move_to(s, (s->x / 8 + 1) * 8, s->y);
		break;
	default:
		break;		/* BEL and the rest: nothing to show */
	}
}

static void
save(struct vt_screen *s)
{
	s->saved_x = s->x;
	s->saved_y = s->y;
	s->saved_attr = s->attr;
}

static void
restore(struct vt_screen *s)
{
	move_to(s, s->saved_x, s->saved_y);
	s->attr = s->saved_attr;
}

/* Erase in line (CSI K): 0 cursor to end, 1 start to cursor, 2 all. */
static void
erase_line(struct vt_screen *s, uint32_t mode)
{
	if (mode == 0)
		s->ops->erase(s->ctx, s->y, s->x, s->cols);
	else if (mode == 1)
		s->ops->erase(s->ctx, s->y, 0, s->x + 1);
	else if (mode == 2)
		s->ops->erase(s->ctx, s->y, 0, s->cols);
}

/* Erase in display (CSI J), with the same modes over the whole screen. */
static void
erase_display(struct vt_screen *s, uint32_t mode)
{
	uint32_t from = mode == 0 ? s->y + 1 : 0, to = mode == 1 ? s->y : s->rows;

	if (mode > 2)
		return;
	for (uint32_t y = from; y < to; y++)
		s->ops->erase(s->ctx, y, 0, s->cols);
	if (mode != 2)
		erase_line(s, mode);
}

static void
sgr(struct vt_screen *s, const struct vt_action *a)
{
	if (a->nparams == 0)
		s->attr = plain;
	for (uint32_t i = 0; i < a->nparams; i++) {
		uint32_t p = a->params[i];

		if (p == 0)
			s->attr = plain;
		else if (p == 1 || p == 22)
			s->attr.bold = p == 1;
		else if (p == 7 || p == 27)
			s->attr.reverse = p == 7;
		else if (p >= 30 && p <= 37)
			s->attr.fg = (uint8_t)(p - 30);
		else if (p == 39)
			s->attr.fg = VT_DEFAULT_FG;
		else if (p >= 40 && p <= 47)
			s->attr.bg = (uint8_t)(p - 40);
		else if (p == 49)
			s->attr.bg = VT_DEFAULT_BG;
	}
}

static void
private_mode(struct vt_screen *s, const struct vt_action *a)
{
	for (uint32_t i = 0; i < a->nparams; i++) {
		if (a->params[i] == 25)
			s->cursor_on = a->cp == 'h';
	}
}

static void
csi(struct vt_screen *s, const struct vt_action *a)
{
	/* Counts: an absent or zero parameter means 1. */
	uint32_t n = a->nparams > 0 && a->params[0] > 0 ? a->params[0] : 1;
	uint32_t m = a->nparams > 1 && a->params[1] > 0 ? a->params[1] : 1;
	uint32_t p0 = a->nparams > 0 ? a->params[0] : 0;

	if (a->priv == '?') {
		if (a->cp == 'h' || a->cp == 'l')
			private_mode(s, a);
		return;
	}
	if (a->priv != 0)
		return;
	switch (a->cp) {
	case 'A': move_to(s, s->x, s->y > n ? s->y - n : 0); break;
	case 'B': move_to(s, s->x, s->y + n); break;
	case 'C': move_to(s, s->x + n, s->y); break;
	case 'D': move_to(s, s->x > n ? s->x - n : 0, s->y); break;
	case 'H': case 'f': move_to(s, m - 1, n - 1); break;
	case 'J': erase_display(s, p0); break;
	case 'K': erase_line(s, p0); break;
	case 'm': sgr(s, a); break;
	case 's': save(s); break;
	case 'u': restore(s); break;
	default: break;
	}
}

void
vt_screen_apply(struct vt_screen *s, const struct vt_action *a)
{
	switch (a->kind) {
	case VT_PRINT:
		print(s, a->cp);
		break;
	case VT_CONTROL:
		control(s, a->cp);
		break;
	case VT_ESC:
		if (a->cp == '7')
			save(s);
		else if (a->cp == '8')
			restore(s);
		break;
	case VT_CSI:
		csi(s, a);
		break;
	}
}
