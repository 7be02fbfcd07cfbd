/*
 * A terminal line editor fed one input byte at a time: insertion,
 * backspace, cursor movement, history, kill (Ctrl-U) and cancel (Ctrl-C),
 * tab completion. The buffer only ever holds valid UTF-8 without control
 * characters; invalid input becomes U+FFFD, bytes beyond the buffer are
 * counted and dropped. Output (echo, redraw) goes through a callback.
 */
#ifndef LIB_LINE_EDIT_H
#define LIB_LINE_EDIT_H

#include <stddef.h>
#include <stdint.h>

#define LINE_HIST_N	16	/* lines kept */
#define LINE_HIST_LEN	1024	/* longer lines are not kept */
#define LINE_MAX_CANDS	64	/* completion candidates considered */

enum line_event {
	LINE_MORE = 0,		/* keep feeding */
	LINE_DONE = 1,		/* Enter: buf[0..len) is the line, NUL-terminated */
	LINE_CANCEL = 2,	/* Ctrl-C: the line was abandoned */
	LINE_EOF = 3,		/* Ctrl-D on an empty line */
};

struct line_hist {
	char line[LINE_HIST_N][LINE_HIST_LEN + 1];
	uint16_t len[LINE_HIST_N];
	int count;		/* lines held */
	int next;		/* slot the next line goes to */
};

/* Writes n bytes to the terminal. */
typedef void line_out_fn(void *ctx, const char *s, size_t n);

/*
 * Fills cands (at most max) with the words that may stand at word index
 * `word` (0: the command); the editor keeps those that extend the text
 * typed so far. Returns the count.
 */
typedef size_t line_complete_fn(void *ctx, int word, const char **cands, size_t max);

struct line_ed {
	char *buf;		/* cap + 1 bytes, the caller's */
	size_t cap;
	size_t len, cur;	/* bytes in the line; cursor position (bytes) */
	size_t dropped;		/* bytes that did not fit in this line */
	const char *prompt;
	line_out_fn *out;
	line_complete_fn *complete;
	void *ctx;
	struct line_hist *hist;	/* may be NULL */
	int hist_pos;		/* -1: editing a new line; else lines back */
	char saved[LINE_HIST_LEN + 1];	/* the new line while browsing */
	size_t saved_len;
	int esc;		/* escape-sequence state */
	size_t esc_len;
	char esc_param[8];
	uint8_t u8[4];		/* a UTF-8 sequence being decoded */
	int u8_have, u8_need;
	int last_cr;
};

/* Sets the editor up over buf (cap + 1 bytes). */
void line_init(struct line_ed *ed, char *buf, size_t cap, const char *prompt,
    line_out_fn *out, line_complete_fn *complete, void *ctx, struct line_hist *hist);

/* Starts a new line: prints the prompt. */
void line_start(struct line_ed *ed);

/* Feeds one input byte; returns an enum line_event. */
int line_feed(struct line_ed *ed, uint8_t c);

/* Adds a line to the history (empty, repeated and over-long lines are not kept). */
void line_hist_add(struct line_hist *h, const char *s, size_t n);

#endif
