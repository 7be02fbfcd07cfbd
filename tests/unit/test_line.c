/*
 * Host tests for lib/line: the editor (insertion, cursor movement,
 * backspace, history, Ctrl-U/Ctrl-C, completion, 64 KiB lines, control
 * characters, escape sequences, invalid UTF-8) and the command-line
 * parser (words, quotes, pipes, redirection and every error).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/line/edit.h"
#include "lib/line/parse.h"

#define CAP 65536

static char buf[CAP + 1];
static char screen[1 << 20];
static size_t screen_len;
static struct line_ed ed;
static struct line_hist hist;

static void
out(void *ctx, const char *s, size_t n)
{
	if (screen_len + n > sizeof(screen))
		screen_len = 0;
	memcpy(screen + screen_len, s, n);
	screen_len += n;
}

static size_t
words(void *ctx, int word, const char **cands, size_t max)
{
	static const char *const cmds[] = { "cat", "cp", "caps", "clear", "echo", "help" };
	static const char *const files[] = { "notes.txt", "numbers" };

	if (word == 0) {
		for (size_t i = 0; i < 6; i++)
			cands[i] = cmds[i];
		return 6;
	}
	cands[0] = files[0];
	cands[1] = files[1];
	return 2;
}

static int
setup(void **state)
{
	memset(&hist, 0, sizeof(hist));
	line_init(&ed, buf, CAP, "> ", out, words, NULL, &hist);
	line_start(&ed);
	screen_len = 0;
	return 0;
}

/* Feeds s; returns the last event. */
static int
type(const char *s, size_t n)
{
	int ev = LINE_MORE;

	for (size_t i = 0; i < n; i++)
		ev = line_feed(&ed, (uint8_t)s[i]);
	return ev;
}

#define T(s) type((s), sizeof(s) - 1)

static void
test_insert_and_edit(void **state)
{
	assert_int_equal(T("helo"), LINE_MORE);
	T("\x1b[D");			/* left */
	T("l");
	T("\x1b[C!");			/* right, then at the end */
	assert_string_equal(buf, "hello!");
	T("\x7f");			/* backspace */
	T("\x01X");			/* Ctrl-A, insert at the start */
	T("\x05Y");			/* Ctrl-E */
	assert_string_equal(buf, "XhelloY");
	T("\x1b[H\x1b[3~");		/* home, delete */
	assert_string_equal(buf, "helloY");
	T("\x05\x02\x02\x0b");		/* end, two left, kill to end */
	assert_string_equal(buf, "hell");
	T(" world\x17");		/* Ctrl-W */
	assert_string_equal(buf, "hell ");
	assert_int_equal(T("\r"), LINE_DONE);
	assert_string_equal(buf, "hell ");
	assert_int_equal(ed.len, 5);
}

static void
test_ctrl_u_and_c(void **state)
{
	T("some text");
	T("\x15");
	assert_int_equal(ed.len, 0);
	T("again");
	assert_int_equal(T("\x03"), LINE_CANCEL);
	assert_int_equal(ed.len, 0);
	line_start(&ed);
	assert_int_equal(T("\x04"), LINE_EOF);
	line_start(&ed);
	T("ab\x01\x04");			/* Ctrl-D deletes under the cursor */
	assert_string_equal(buf, "b");
	/* CR LF is one Enter; a lone LF is one too. */
	assert_int_equal(T("\r"), LINE_DONE);
	line_start(&ed);
	assert_int_equal(T("\n"), LINE_MORE);
	assert_int_equal(T("x\n"), LINE_DONE);
}

static void
test_control_characters_ignored(void **state)
{
	char all[64];
	int n = 0;

	for (int c = 0; c < 0x20; c++) {
		if (c != 0x03 && c != 0x04 && c != 0x0a && c != 0x0d && c != 0x1b &&
		    c != 0x09 && c != 0x0c)
			all[n++] = (char)c;
	}
	T("ok");
	assert_int_equal(type(all, (size_t)n), LINE_MORE);
	for (size_t i = 0; i < ed.len; i++)
		assert_true((uint8_t)buf[i] >= 0x20 && buf[i] != 0x7f);
	/* Unknown and over-long escape sequences are dropped whole. */
	line_start(&ed);
	T("a\x1b[99;99;99;99;99;99;99;99;99;99;99;99;99;99;99;99;99zb\x1b[?25hc\x1bxd\x1bOPe");
	assert_string_equal(buf, "abcde");
	line_start(&ed);
	T("\x1b[1111111111111111111111111111111111111111111111111111111111111111");
	T("fg");			/* 'f' ends the sequence */
	assert_string_equal(buf, "g");
}

static void
test_utf8(void **state)
{
	T("h\xc3\xa9");			/* é */
	T("\x7f");
	assert_string_equal(buf, "h");
	T("\xe2\x82\xac\x1b[D\x1b[Dx");	/* €, two code points left */
	assert_string_equal(buf, "xh\xe2\x82\xac");
	line_start(&ed);
	/* Invalid: stray continuation, overlong, surrogate, > U+10FFFF, truncated. */
	T("\x80|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xe2\x82|\xff");
	assert_string_equal(buf,
	    "\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd|\xef\xbf\xbd|\xef\xbf\xbd");
	/* A truncated sequence followed by Enter still ends the line. */
	line_start(&ed);
	assert_int_equal(T("a\xe2\r"), LINE_DONE);
	assert_string_equal(buf, "a\xef\xbf\xbd");
}

static void
test_long_lines(void **state)
{
	static char big[CAP + 100];

	memset(big, 'x', sizeof(big));
	assert_int_equal(type(big, CAP), LINE_MORE);
	assert_int_equal(ed.len, CAP);
	assert_int_equal(ed.dropped, 0);
	assert_int_equal(type(big, 100), LINE_MORE);
	assert_int_equal(ed.dropped, 100);
	assert_int_equal(ed.len, CAP);
	/* A multi-byte character that does not fit is dropped whole. */
	T("\x7f\x7f\xe2\x82\xac\xe2\x82\xac");
	assert_int_equal(ed.len, CAP - 2);
	assert_int_equal(T("\r"), LINE_DONE);
	/* Echo stayed linear: about one byte out per byte in. */
	assert_true(screen_len < 2 * CAP + 1000);
	line_start(&ed);
	assert_int_equal(ed.dropped, 0);
}

static void
test_history(void **state)
{
	line_hist_add(&hist, "first", 5);
	line_hist_add(&hist, "second", 6);
	line_hist_add(&hist, "second", 6);	/* repeats are kept once */
	line_hist_add(&hist, "", 0);
	T("new");
	T("\x1b[A");
	assert_string_equal(buf, "second");
	T("\x1b[A");
	assert_string_equal(buf, "first");
	T("\x1b[A");				/* no older line */
	assert_string_equal(buf, "first");
	T("\x1b[B\x1b[B");
	assert_string_equal(buf, "new");
	T("\x1b[B");
	assert_string_equal(buf, "new");
	for (int i = 0; i < 40; i++) {
		char l[8] = { 'l', (char)('a' + i % 26), (char)('a' + i / 26), 0 };

		line_hist_add(&hist, l, 3);
	}
	assert_int_equal(hist.count, LINE_HIST_N);
	line_start(&ed);
	T("\x10");			/* Ctrl-P */
	assert_string_equal(buf, "lnb");
	line_hist_add(&hist, buf, LINE_HIST_LEN + 1);	/* too long to keep */
	assert_int_equal(hist.count, LINE_HIST_N);
}

static void
test_completion(void **state)
{
	T("e\t");
	assert_string_equal(buf, "echo ");
	T("nu\t");
	assert_string_equal(buf, "echo numbers ");
	line_start(&ed);
	T("c\t");			/* cat cp caps clear: nothing in common past "c" */
	assert_string_equal(buf, "c");
	assert_non_null(memmem(screen, screen_len, "cat  cp  caps  clear", 20));
	T("a\t");			/* cat, caps: "ca" */
	assert_string_equal(buf, "ca");
	T("p\t");
	assert_string_equal(buf, "caps ");
	line_start(&ed);
	T("zz\t");			/* nothing: a bell */
	assert_string_equal(buf, "zz");
}

/* Random bytes never break the invariants. */
static void
test_random_input(void **state)
{
	uint64_t x = 0x123456789abcdefULL;

	line_init(&ed, buf, 300, "$ ", out, words, NULL, &hist);
	line_start(&ed);
	for (int i = 0; i < 200000; i++) {
		int ev;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ev = line_feed(&ed, (uint8_t)(x >> 24));
		assert_true(ed.len <= 300 && ed.cur <= ed.len);
		if (ev != LINE_MORE) {
			for (size_t k = 0; k < ed.len; k++)
				assert_true((uint8_t)buf[k] >= 0x20 && buf[k] != 0x7f);
			line_hist_add(&hist, buf, ed.len);
			line_start(&ed);
		}
	}
}

/* --- Parser ---------------------------------------------------------------- */

static char store[2 * CAP];
static struct parse_line pl;

static int
P(const char *s)
{
	return parse_line(s, strlen(s), &pl, store, sizeof(store), NULL);
}

static void
test_parse_words(void **state)
{
	assert_int_equal(P(""), 0);
	assert_int_equal(pl.ncmds, 0);
	assert_int_equal(P("   \t "), 0);
	assert_int_equal(pl.ncmds, 0);
	assert_int_equal(P("  echo  a\tb  "), 0);
	assert_int_equal(pl.ncmds, 1);
	assert_int_equal(pl.cmd[0].argc, 3);
	assert_string_equal(pl.cmd[0].argv[0], "echo");
	assert_string_equal(pl.cmd[0].argv[2], "b");
	assert_null(pl.cmd[0].argv[3]);
	assert_int_equal(P("echo 'a b|c>d' \"e \\\"f\\\\ \\g\" h\\ i ''"), 0);
	assert_int_equal(pl.cmd[0].argc, 5);
	assert_string_equal(pl.cmd[0].argv[1], "a b|c>d");
	assert_string_equal(pl.cmd[0].argv[2], "e \"f\\ \\g");
	assert_string_equal(pl.cmd[0].argv[3], "h i");
	assert_string_equal(pl.cmd[0].argv[4], "");
	assert_int_equal(P("a'b'\"c\"d"), 0);
	assert_string_equal(pl.cmd[0].argv[0], "abcd");
}

static void
test_parse_pipes_and_redirection(void **state)
{
	assert_int_equal(P("cat a | grep x|wc > out"), 0);
	assert_int_equal(pl.ncmds, 3);
	assert_string_equal(pl.cmd[1].argv[0], "grep");
	assert_string_equal(pl.cmd[2].argv[0], "wc");
	assert_string_equal(pl.out, "out");
	assert_int_equal(pl.append, 0);
	assert_int_equal(P("echo hi >>log"), 0);
	assert_string_equal(pl.out, "log");
	assert_int_equal(pl.append, 1);
	assert_int_equal(P("<in cat | x"), 0);
	assert_string_equal(pl.in, "in");
	assert_string_equal(pl.cmd[0].argv[0], "cat");
	assert_int_equal(P("echo a>b"), 0);
	assert_string_equal(pl.cmd[0].argv[1], "a");
	assert_string_equal(pl.out, "b");
	assert_int_equal(P("echo '>' \"|\""), 0);
	assert_null(pl.out);
	assert_int_equal(pl.ncmds, 1);
}

static void
test_parse_errors(void **state)
{
	size_t where;
	char many[400] = "x";

	assert_int_equal(P("echo 'abc"), PARSE_EQUOTE);
	assert_int_equal(P("echo \"abc\\\""), PARSE_EQUOTE);
	assert_int_equal(P("echo abc\\"), PARSE_EESCAPE);
	assert_int_equal(P("| a"), PARSE_EEMPTY);
	assert_int_equal(P("a |"), PARSE_EEMPTY);
	assert_int_equal(P("a || b"), PARSE_EEMPTY);
	assert_int_equal(P("> f"), PARSE_EEMPTY);
	assert_int_equal(P("a >"), PARSE_EREDIR);
	assert_int_equal(P("a > | b"), PARSE_EREDIR);
	assert_int_equal(P("a >> > b"), PARSE_EREDIR);
	assert_int_equal(P("a > x > y"), PARSE_EDUP);
	assert_int_equal(P("a < x < y"), PARSE_EDUP);
	assert_int_equal(P("a > x | b"), PARSE_EPLACE);
	assert_int_equal(P("a | b < x"), PARSE_EPLACE);
	assert_int_equal(P("a|b|c|d|e|f|g|h|i"), PARSE_ECMDS);
	assert_int_equal(P("a|b|c|d|e|f|g|h"), 0);
	for (int i = 0; i < 40; i++)
		strcat(many, " x");
	assert_int_equal(P(many), PARSE_EARGS);
	assert_int_equal(P("echo a\x01"), PARSE_ECTRL);
	assert_int_equal(P("echo 'a\x1b'"), PARSE_ECTRL);
	assert_int_equal(parse_line("ab\0c", 4, &pl, store, sizeof(store), &where), PARSE_ECTRL);
	assert_int_equal(where, 2);
	assert_int_equal(parse_line("echo hello", 10, &pl, store, 6, &where), PARSE_ESPACE);
	assert_int_equal(pl.ncmds, 0);
	assert_string_equal(parse_strerror(PARSE_EQUOTE), "unterminated quote");
	assert_string_equal(parse_strerror(-99), "unknown error");
}

static void
test_parse_long_line(void **state)
{
	static char big[CAP + 1];

	memset(big, 'y', CAP);
	memcpy(big, "echo ", 5);
	assert_int_equal(parse_line(big, CAP, &pl, store, sizeof(store), NULL), 0);
	assert_int_equal(pl.cmd[0].argc, 2);
	assert_int_equal(strlen(pl.cmd[0].argv[1]), CAP - 5);
}

static void
test_parse_random(void **state)
{
	static const char alphabet[] = "ab |<>'\"\\\t\x01\xff";
	uint64_t x = 42;
	char s[64];

	for (int i = 0; i < 100000; i++) {
		size_t n = (size_t)(i % 64);
		int err;

		for (size_t k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			s[k] = alphabet[x % (sizeof(alphabet) - 1)];
		}
		err = parse_line(s, n, &pl, store, 80, NULL);
		assert_true(err <= 0 && err > -PARSE_ERRORS);
		if (err == 0) {
			for (int c = 0; c < pl.ncmds; c++) {
				assert_true(pl.cmd[c].argc >= 1);
				assert_null(pl.cmd[c].argv[pl.cmd[c].argc]);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_insert_and_edit, setup),
		cmocka_unit_test_setup(test_ctrl_u_and_c, setup),
		cmocka_unit_test_setup(test_control_characters_ignored, setup),
		cmocka_unit_test_setup(test_utf8, setup),
		cmocka_unit_test_setup(test_long_lines, setup),
		cmocka_unit_test_setup(test_history, setup),
		cmocka_unit_test_setup(test_completion, setup),
		cmocka_unit_test_setup(test_random_input, setup),
		cmocka_unit_test(test_parse_words),
		cmocka_unit_test(test_parse_pipes_and_redirection),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_long_line),
		cmocka_unit_test(test_parse_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
