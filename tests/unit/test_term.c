/*
 * Host tests for lib/term: the parser (UTF-8 and its errors, controls,
 * ESC and CSI sequences, parameters and their bounds, malformed and
 * unknown sequences) and the screen model on a small cell array (cursor
 * moves and their clamping, wrap and scroll, erase in line and display,
 * SGR colours and attributes, save / restore, cursor visibility).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/term/parse.h"
#include "lib/term/screen.h"

#define COLS	10
#define ROWS	4

/* --- The parser ------------------------------------------------------------ */

static struct vt_action acts[64];
static int nacts;

static void
parse(const char *s)
{
	struct vt_parser p;

	vt_parser_init(&p);
	nacts = 0;
	for (size_t i = 0; i < strlen(s); i++) {
		struct vt_action a[2];
		int n = vt_parse(&p, (uint8_t)s[i], a);

		assert_true(n >= 0 && n <= 2);
		for (int k = 0; k < n; k++) {
			assert_true(nacts < 64);
			acts[nacts++] = a[k];
		}
	}
}

static void
test_text_and_controls(void **state)
{
	parse("a\r\n\b\t\a");
	assert_int_equal(nacts, 6);
	assert_int_equal(acts[0].kind, VT_PRINT);
	assert_int_equal(acts[0].cp, 'a');
	for (int i = 1; i < 6; i++)
		assert_int_equal(acts[i].kind, VT_CONTROL);
	assert_int_equal(acts[1].cp, '\r');
	assert_int_equal(acts[5].cp, '\a');
	parse("\x7f");
	assert_int_equal(nacts, 0);	/* DEL is dropped */
}

static void
test_utf8(void **state)
{
	parse("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	assert_int_equal(nacts, 3);
	assert_int_equal(acts[0].cp, 0xe9);
	assert_int_equal(acts[1].cp, 0x20ac);
	assert_int_equal(acts[2].cp, 0x1f600);
}

static void
test_utf8_invalid(void **state)
{
	/* Stray continuation, impossible leads, cut short, overlong, surrogate. */
	parse("\x80" "\xff" "\xc0" "\xc3" "A" "\xe0\x80\x80" "\xed\xa0\x80" "\xf4\x90\x80\x80");
	assert_int_equal(nacts, 8);
	for (int i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		assert_int_equal(acts[i].kind, VT_PRINT);
		assert_int_equal(acts[i].cp, VT_REPLACEMENT);
	}
	assert_int_equal(acts[3].cp, VT_REPLACEMENT);	/* \xc3 cut short by 'A' */
	assert_int_equal(acts[4].cp, 'A');
	/* ESC in the middle of a character: U+FFFD, then the sequence. */
	parse("\xe2\x82\x1b[K");
	assert_int_equal(nacts, 2);
	assert_int_equal(acts[0].cp, VT_REPLACEMENT);
	assert_int_equal(acts[1].kind, VT_CSI);
	assert_int_equal(acts[1].cp, 'K');
}

static void
test_csi_params(void **state)
{
	parse("\x1b[12;34H");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].kind, VT_CSI);
	assert_int_equal(acts[0].cp, 'H');
	assert_int_equal(acts[0].nparams, 2);
	assert_int_equal(acts[0].params[0], 12);
	assert_int_equal(acts[0].params[1], 34);
	assert_int_equal(acts[0].priv, 0);

	parse("\x1b[K");
	assert_int_equal(acts[0].nparams, 0);
	parse("\x1b[;5H");
	assert_int_equal(acts[0].nparams, 2);
	assert_int_equal(acts[0].params[0], 0);
	assert_int_equal(acts[0].params[1], 5);
	parse("\x1b[?25l");
	assert_int_equal(acts[0].priv, '?');
	assert_int_equal(acts[0].params[0], 25);
	assert_int_equal(acts[0].cp, 'l');
	/* Huge values are clamped, not wrapped. */
	parse("\x1b[99999999999999999999A");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].params[0], VT_PARAM_MAX);
	/* VT_PARAMS parameters are taken; one more drops the sequence. */
	parse("\x1b[1;2;3;4;5;6;7;8m");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].nparams, VT_PARAMS);
	assert_int_equal(acts[0].params[7], 8);
	parse("\x1b[1;2;3;4;5;6;7;8;9mX");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].cp, 'X');
}

static void
test_esc(void **state)
{
	parse("\x1b" "7\x1b" "8");
	assert_int_equal(nacts, 2);
	assert_int_equal(acts[0].kind, VT_ESC);
	assert_int_equal(acts[0].cp, '7');
	assert_int_equal(acts[1].cp, '8');
	/* A charset designation is consumed whole. */
	parse("\x1b(BZ");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].kind, VT_PRINT);
	assert_int_equal(acts[0].cp, 'Z');
}

static void
test_malformed(void **state)
{
	struct vt_parser p;
	struct vt_action a[2];

	/* A marker after a digit, a sub-parameter, an intermediate: dropped whole. */
	parse("\x1b[1?h" "\x1b[1:2m" "\x1b[1 q" "ok");
	assert_int_equal(nacts, 2);
	assert_int_equal(acts[0].cp, 'o');
	/* A control character ends a sequence, and is itself performed. */
	parse("\x1b[12\nA");
	assert_int_equal(nacts, 2);
	assert_int_equal(acts[0].kind, VT_CONTROL);
	assert_int_equal(acts[0].cp, '\n');
	assert_int_equal(acts[1].kind, VT_PRINT);
	/* ESC restarts; a high byte ends the sequence and is text. */
	parse("\x1b[3\x1b[2K" "\x1b[\xc3\xa9");
	assert_int_equal(nacts, 2);
	assert_int_equal(acts[0].kind, VT_CSI);
	assert_int_equal(acts[0].params[0], 2);
	assert_int_equal(acts[1].cp, 0xe9);
	/* Unknown finals still parse (the screen ignores them). */
	parse("\x1b[99;99Z");
	assert_int_equal(nacts, 1);
	assert_int_equal(acts[0].cp, 'Z');
	/* in_sequence and cancel. */
	vt_parser_init(&p);
	assert_false(vt_parse_in_sequence(&p));
	vt_parse(&p, 0x1b, a);
	assert_true(vt_parse_in_sequence(&p));
	vt_parse(&p, '[', a);
	vt_parse_cancel(&p);
	assert_false(vt_parse_in_sequence(&p));
	assert_int_equal(vt_parse(&p, 'K', a), 1);
	assert_int_equal(a[0].kind, VT_PRINT);
}

/* --- The screen ------------------------------------------------------------ */

struct cell {
	uint32_t cp;
	uint8_t colour;
};

static struct cell cells[ROWS][COLS];
static int scrolls;
static struct vt_screen scr;

static void
op_put(void *ctx, uint32_t x, uint32_t y, uint32_t cp, uint8_t colour)
{
	assert_true(x < COLS && y < ROWS);
	cells[y][x] = (struct cell){ cp, colour };
}

static void
op_erase(void *ctx, uint32_t y, uint32_t x0, uint32_t x1)
{
	assert_true(y < ROWS && x0 <= x1 && x1 <= COLS);
	for (uint32_t x = x0; x < x1; x++)
		cells[y][x] = (struct cell){ ' ', VT_DEFAULT };
}

static void
op_scroll(void *ctx)
{
	memmove(cells[0], cells[1], sizeof(cells[0]) * (ROWS - 1));
	op_erase(ctx, ROWS - 1, 0, COLS);
	scrolls++;
}

static const struct vt_screen_ops ops = { op_put, op_erase, op_scroll };
static struct vt_parser parser;

static int
setup(void **state)
{
	for (int y = 0; y < ROWS; y++)
		op_erase(NULL, (uint32_t)y, 0, COLS);
	scrolls = 0;
	vt_screen_init(&scr, COLS, ROWS, &ops, NULL);
	vt_parser_init(&parser);
	return 0;
}

static void
feed(const char *s)
{
	for (size_t i = 0; i < strlen(s); i++) {
		struct vt_action a[2];
		int n = vt_parse(&parser, (uint8_t)s[i], a);

		for (int k = 0; k < n; k++)
			vt_screen_apply(&scr, &a[k]);
		assert_true(scr.x < COLS && scr.y < ROWS);
	}
}

/* Row y as text, trailing spaces cut. */
static const char *
row(int y)
{
	static char s[COLS + 1];
	int n = 0;

	for (int x = 0; x < COLS; x++)
		s[n++] = cells[y][x].cp < 0x80 ? (char)cells[y][x].cp : '#';
	while (n > 0 && s[n - 1] == ' ')
		n--;
	s[n] = 0;
	return s;
}

static void
at(uint32_t x, uint32_t y)
{
	assert_int_equal(scr.x, x);
	assert_int_equal(scr.y, y);
}

static void
test_print_wrap_scroll(void **state)
{
	feed("hello\r\nworld");
	assert_string_equal(row(0), "hello");
	assert_string_equal(row(1), "world");
	at(5, 1);
	/* Writing the last column leaves the cursor there until the next print. */
	feed("\r\n0123456789");
	at(9, 2);
	assert_true(scr.wrap);
	feed("X");
	assert_string_equal(row(3), "X");
	at(1, 3);
	/* LF at the bottom scrolls; LF alone also returns the carriage. */
	feed("\nY");
	assert_int_equal(scrolls, 1);
	assert_string_equal(row(0), "world");
	assert_string_equal(row(3), "Y");
	at(1, 3);
	/* BS moves back without erasing; TAB goes to the next stop, at most the edge. */
	feed("\b");
	at(0, 3);
	assert_string_equal(row(3), "Y");
	feed("\t");
	at(8, 3);
	feed("\t\t");
	at(9, 3);
	feed("\b\b\b\b\b\b\b\b\b\b\b\b");
	at(0, 3);
}

static void
test_cursor_moves(void **state)
{
	feed("\x1b[3;4H");
	at(3, 2);
	feed("\x1b[A");
	at(3, 1);
	feed("\x1b[2B");
	at(3, 3);
	feed("\x1b[5C");
	at(8, 3);
	feed("\x1b[3D");
	at(5, 3);
	feed("\x1b[0A");		/* 0 counts as 1 */
	at(5, 2);
	/* Clamped at every edge, whatever the count. */
	feed("\x1b[99A\x1b[9999D");
	at(0, 0);
	feed("\x1b[99B\x1b[99C");
	at(9, 3);
	feed("\x1b[H");
	at(0, 0);
	feed("\x1b[99;99f");
	at(9, 3);
	feed("\x1b[0;0H");
	at(0, 0);
	/* A move cancels a pending wrap. */
	feed("\x1b[1;10HZ\x1b[DQ");
	assert_string_equal(row(0), "        QZ");
	assert_int_equal(scrolls, 0);
}

static void
test_erase_line(void **state)
{
	feed("abcdefghij\r\nabcdefghij\r\nabcdefghij");
	feed("\x1b[1;4H\x1b[K");
	assert_string_equal(row(0), "abc");
	feed("\x1b[2;4H\x1b[1K");
	assert_string_equal(row(1), "    efghij");
	feed("\x1b[3;4H\x1b[2K");
	assert_string_equal(row(2), "");
	at(3, 2);			/* erasing does not move the cursor */
}

static void
test_erase_display(void **state)
{
	const char *fill = "\x1b[Habcdefghij\r\nabcdefghij\r\nabcdefghij\r\nabcdefghi";

	feed(fill);
	feed("\x1b[2;3H\x1b[J");
	assert_string_equal(row(0), "abcdefghij");
	assert_string_equal(row(1), "ab");
	assert_string_equal(row(2), "");
	assert_string_equal(row(3), "");
	feed(fill);
	feed("\x1b[3;3H\x1b[1J");
	assert_string_equal(row(0), "");
	assert_string_equal(row(1), "");
	assert_string_equal(row(2), "   defghij");
	assert_string_equal(row(3), "abcdefghi");
	feed(fill);
	feed("\x1b[2J");
	for (int y = 0; y < ROWS; y++)
		assert_string_equal(row(y), "");
	at(9, 3);			/* ED 2 leaves the cursor where it is */
	feed("\x1b[5J");		/* unknown mode: nothing */
	assert_int_equal(scrolls, 0);
}

static void
test_sgr(void **state)
{
	feed("a\x1b[31mb\x1b[44mc\x1b[1md\x1b[7me\x1b[0mf\x1b[32;41mg\x1b[39mh\x1b[49mi\x1b[m");
	assert_int_equal(cells[0][0].colour, VT_DEFAULT);
	assert_int_equal(cells[0][1].colour, VT_COLOUR(1, VT_DEFAULT_BG));
	assert_int_equal(cells[0][2].colour, VT_COLOUR(1, 4));
	assert_int_equal(cells[0][3].colour, VT_COLOUR(9, 4));		/* bold: bright */
	assert_int_equal(cells[0][4].colour, VT_COLOUR(4, 1));		/* reverse */
	assert_int_equal(cells[0][5].colour, VT_DEFAULT);
	assert_int_equal(cells[0][6].colour, VT_COLOUR(2, 1));
	assert_int_equal(cells[0][7].colour, VT_COLOUR(VT_DEFAULT_FG, 1));
	assert_int_equal(cells[0][8].colour, VT_DEFAULT);
	assert_int_equal(vt_screen_colour(&scr), VT_DEFAULT);
	/* 22 and 27 undo bold and reverse; unknown parameters change nothing. */
	feed("\x1b[1;7;33m\x1b[22;27;5;38;100m");
	assert_int_equal(vt_screen_colour(&scr), VT_COLOUR(3, VT_DEFAULT_BG));
	/* Erased cells take the default colour, not the current one. */
	feed("\x1b[2K");
	assert_int_equal(cells[0][0].colour, VT_DEFAULT);
}

static void
test_save_restore(void **state)
{
	feed("\x1b[2;3H\x1b[35m\x1b" "7\x1b[4;8H\x1b[0mx\x1b" "8y");
	assert_int_equal(cells[1][2].cp, 'y');
	assert_int_equal(cells[1][2].colour, VT_COLOUR(5, VT_DEFAULT_BG));
	assert_int_equal(cells[3][7].colour, VT_DEFAULT);
	at(3, 1);
	feed("\x1b[1;1H\x1b[s\x1b[3;3H\x1b[u");
	at(0, 0);
}

static void
test_cursor_visibility(void **state)
{
	assert_true(scr.cursor_on);
	feed("\x1b[?25l");
	assert_false(scr.cursor_on);
	feed("\x1b[25h");		/* without '?': another mode, ignored */
	assert_false(scr.cursor_on);
	feed("\x1b[?1;25h");
	assert_true(scr.cursor_on);
	feed("\x1b[>25l");
	assert_true(scr.cursor_on);
}

static void
test_unknown_ignored(void **state)
{
	feed("a\x1b[99;99Z\x1b]0;t\x1b(0b\x1b[?1049hc\x1b" "cd");
	/* ESC ] is not a string sequence here: its text shows (see parse.c). */
	assert_string_equal(row(0), "a0;tbcd");
	assert_int_equal(scrolls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_and_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_utf8_invalid),
		cmocka_unit_test(test_csi_params),
		cmocka_unit_test(test_esc),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test_setup(test_print_wrap_scroll, setup),
		cmocka_unit_test_setup(test_cursor_moves, setup),
		cmocka_unit_test_setup(test_erase_line, setup),
		cmocka_unit_test_setup(test_erase_display, setup),
		cmocka_unit_test_setup(test_sgr, setup),
		cmocka_unit_test_setup(test_save_restore, setup),
		cmocka_unit_test_setup(test_cursor_visibility, setup),
		cmocka_unit_test_setup(test_unknown_ignored, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
