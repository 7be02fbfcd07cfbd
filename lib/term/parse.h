/*
 * Terminal output parser: folds a byte stream, one byte at a time, into
 * actions for a text screen (lib/term/screen.h): printable code points
 * from UTF-8, control characters, and ESC / CSI sequences with their
 * numeric parameters. The state is a few fixed-size fields, so any input,
 * however long or malformed, costs bounded memory.
 */
#ifndef LIB_TERM_PARSE_H
#define LIB_TERM_PARSE_H

#include <stdint.h>

#define VT_PARAMS	8	/* parameters a CSI sequence may carry; more drop it */
#define VT_PARAM_MAX	9999	/* larger parameter values are clamped to this */
#define VT_REPLACEMENT	0xfffd	/* printed for invalid UTF-8 */

enum vt_kind {
	VT_PRINT,	/* code point cp */
	VT_CONTROL,	/* C0 control character cp (below 0x20) */
	VT_ESC,		/* ESC final: final byte cp (0x30..0x7e) */
	VT_CSI,		/* ESC [ priv params final: final byte cp (0x40..0x7e) */
};

struct vt_action {
	enum vt_kind kind;
	uint32_t cp;
	uint8_t priv;		/* CSI: private marker '<' '=' '>' '?', or 0 */
	uint8_t nparams;	/* CSI: parameters given, <= VT_PARAMS */
	uint16_t params[VT_PARAMS];	/* an empty parameter is 0 */
};

struct vt_parser {
	uint8_t state;		/* parse.c: ground, escape, or in a sequence */
	uint8_t broken;		/* the sequence is malformed: consume it, act on none */
	uint8_t priv;
	uint8_t nparams;
	uint16_t params[VT_PARAMS];
	uint32_t utf8_cp;	/* a UTF-8 sequence in progress */
	uint8_t utf8_left, utf8_len;
};

void vt_parser_init(struct vt_parser *p);

/*
 * Feeds byte b; writes the actions it completes to out[0..] and returns
 * how many (0, 1, or 2 when b cuts a UTF-8 sequence short: U+FFFD first).
 */
int vt_parse(struct vt_parser *p, uint8_t b, struct vt_action out[2]);

/* 1 while an escape sequence is open: the bytes so far are not text. */
int vt_parse_in_sequence(const struct vt_parser *p);

/* Drops an open escape sequence (its bytes so far do nothing). */
void vt_parse_cancel(struct vt_parser *p);

#endif
