/*
 * The line editor (see edit.h). A small state machine over input bytes:
 * plain text, escape sequences (ESC [ ... final, ESC O x) and UTF-8
 * sequences. Every edit away from the end of the line redraws the line;
 * typing at the end only echoes, so long pasted lines cost linear output.
 */
#include "lib/line/edit.h"
#include "lib/libc/string.h"

#define ESC_NONE	0
#define ESC_START	1	/* after ESC */
#define ESC_CSI		2	/* after ESC [ */
#define ESC_SS3		3	/* after ESC O */
#define ESC_MAX		32	/* longer sequences are read to their end and ignored */

static const char replacement[3] = { (char)0xef, (char)0xbf, (char)0xbd };

static void
out(struct line_ed *ed, const char *s, size_t n)
{
	if (n != 0)
		ed->out(ed->ctx, s, n);
}

static void
outs(struct line_ed *ed, const char *s)
{
	out(ed, s, strlen(s));
}

static int
is_cont(uint8_t c)
{
	return (c & 0xc0) == 0x80;
}

/* Code points in buf[a..b). */
static size_t
chars(const char *buf, size_t a, size_t b)
{
	size_t n = 0;

	for (size_t i = a; i < b; i++)
		n += !is_cont((uint8_t)buf[i]);
	return n;
}

/* Moves the terminal cursor left by n columns. */
static void
left(struct line_ed *ed, size_t n)
{
	char seq[24];
	size_t i = sizeof(seq);

	if (n == 0)
		return;
	seq[--i] = 'D';
	do {
		seq[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0);
	seq[--i] = '[';
	seq[--i] = '\x1b';
	out(ed, seq + i, sizeof(seq) - i);
}

static void
redraw(struct line_ed *ed)
{
	out(ed, "\r", 1);
	outs(ed, ed->prompt);
	out(ed, ed->buf, ed->len);
	outs(ed, "\x1b[K");
	left(ed, chars(ed->buf, ed->cur, ed->len));
}

/* Inserts s[0..n) at the cursor, or counts it as dropped if it does not fit. */
static void
insert(struct line_ed *ed, const char *s, size_t n)
{
	if (ed->len + n > ed->cap) {
		if (ed->dropped == 0)
			out(ed, "\a", 1);
		ed->dropped += n;
		return;
	}
	memmove(ed->buf + ed->cur + n, ed->buf + ed->cur, ed->len - ed->cur);
	memcpy(ed->buf + ed->cur, s, n);
	ed->len += n;
	ed->cur += n;
	ed->buf[ed->len] = 0;
	if (ed->cur == ed->len)
		out(ed, s, n);
	else
		redraw(ed);
}

/* Replaces the whole line with s[0..n) (n <= cap). */
static void
set_line(struct line_ed *ed, const char *s, size_t n)
{
	memcpy(ed->buf, s, n);
	ed->len = ed->cur = n;
	ed->buf[n] = 0;
	redraw(ed);
}

static size_t
prev_char(const struct line_ed *ed, size_t i)
{
	while (i > 0 && is_cont((uint8_t)ed->buf[--i]))
		;
	return i;
}

static size_t
next_char(const struct line_ed *ed, size_t i)
{
	if (i < ed->len)
		i++;
	while (i < ed->len && is_cont((uint8_t)ed->buf[i]))
		i++;
	return i;
}

/* Deletes buf[a..b). */
static void
erase(struct line_ed *ed, size_t a, size_t b)
{
	int at_end = b == ed->len && ed->cur == b;
	size_t cols = chars(ed->buf, a, b);

	memmove(ed->buf + a, ed->buf + b, ed->len - b);
	ed->len -= b - a;
	ed->buf[ed->len] = 0;
	if (ed->cur >= b)
		ed->cur -= b - a;
	else if (ed->cur > a)
		ed->cur = a;
	if (at_end && cols == 1)
		outs(ed, "\b \b");
	else
		redraw(ed);
}

static void
move_to(struct line_ed *ed, size_t pos)
{
	if (pos == ed->cur)
		return;
	ed->cur = pos;
	redraw(ed);
}

static void
history(struct line_ed *ed, int dir)
{
	struct line_hist *h = ed->hist;
	int pos = ed->hist_pos + dir, slot;

	if (h == NULL || pos < -1 || pos >= h->count)
		return;
	if (ed->hist_pos == -1) {
		/* Keep the new line to come back to, if it fits. */
		ed->saved_len = ed->len <= LINE_HIST_LEN ? ed->len : 0;
		memcpy(ed->saved, ed->buf, ed->saved_len);
	}
	ed->hist_pos = pos;
	if (pos == -1) {
		set_line(ed, ed->saved, ed->saved_len);
		return;
	}
	slot = (h->next - 1 - pos + 2 * LINE_HIST_N) % LINE_HIST_N;
	if (h->len[slot] <= ed->cap)
		set_line(ed, h->line[slot], h->len[slot]);
}

static int
has_prefix(const char *s, const char *p, size_t n)
{
	return strnlen(s, n) == n && memcmp(s, p, n) == 0;
}

static void
complete(struct line_ed *ed)
{
	const char *cands[LINE_MAX_CANDS], *match[LINE_MAX_CANDS];
	size_t start = ed->cur, n, m = 0, common;
	int word = 0;

	if (ed->complete == NULL)
		return;
	while (start > 0 && ed->buf[start - 1] != ' ')
		start--;
	for (size_t i = 0; i < start; i++) {
		if (ed->buf[i] != ' ' && (i == 0 || ed->buf[i - 1] == ' '))
			word++;
	}
	n = ed->complete(ed->ctx, word, cands, LINE_MAX_CANDS);
	if (n > LINE_MAX_CANDS)
		n = LINE_MAX_CANDS;
	for (size_t i = 0; i < n; i++) {
		if (cands[i] != NULL && has_prefix(cands[i], ed->buf + start, ed->cur - start))
			match[m++] = cands[i];
	}
	if (m == 0) {
		out(ed, "\a", 1);
		return;
	}
	/* The longest prefix every match shares. */
	common = strlen(match[0]);
	for (size_t i = 1; i < m; i++) {
		size_t k = 0;

		while (k < common && match[i][k] == match[0][k])
			k++;
		common = k;
	}
	if (common > ed->cur - start) {
		insert(ed, match[0] + (ed->cur - start), common - (ed->cur - start));
		if (m == 1)
			insert(ed, " ", 1);
		return;
	}
	if (m == 1) {
		insert(ed, " ", 1);
		return;
	}
	outs(ed, "\r\n");
	for (size_t i = 0; i < m; i++) {
		outs(ed, match[i]);
		outs(ed, i + 1 < m ? "  " : "\r\n");
	}
	redraw(ed);
}

/* A complete escape sequence: final byte f, parameters ed->esc_param. */
static void
escape(struct line_ed *ed, uint8_t f)
{
	const char *p = ed->esc_param;

	switch (f) {
	case 'A': history(ed, 1); break;
	case 'B': history(ed, -1); break;
	case 'C': move_to(ed, next_char(ed, ed->cur)); break;
	case 'D': move_to(ed, prev_char(ed, ed->cur)); break;
	case 'H': move_to(ed, 0); break;
	case 'F': move_to(ed, ed->len); break;
	case '~':
		if (strcmp(p, "3") == 0 && ed->cur < ed->len)
			erase(ed, ed->cur, next_char(ed, ed->cur));
		else if (strcmp(p, "1") == 0 || strcmp(p, "7") == 0)
			move_to(ed, 0);
		else if (strcmp(p, "4") == 0 || strcmp(p, "8") == 0)
			move_to(ed, ed->len);
		break;
	default:
		break;
	}
}

static int
control(struct line_ed *ed, uint8_t c)
{
	switch (c) {
	case 0x01: move_to(ed, 0); break;				/* ^A */
	case 0x02: move_to(ed, prev_char(ed, ed->cur)); break;	/* ^B */
	case 0x03:							/* ^C */
		outs(ed, "^C\r\n");
		ed->len = ed->cur = 0;
		ed->buf[0] = 0;
		return LINE_CANCEL;
	case 0x04:							/* ^D */
		if (ed->len == 0) {
			outs(ed, "\r\n");
			return LINE_EOF;
		}
		if (ed->cur < ed->len)
			erase(ed, ed->cur, next_char(ed, ed->cur));
		break;
	case 0x05: move_to(ed, ed->len); break;			/* ^E */
	case 0x06: move_to(ed, next_char(ed, ed->cur)); break;	/* ^F */
	case 0x08: case 0x7f:						/* backspace */
		if (ed->cur > 0)
			erase(ed, prev_char(ed, ed->cur), ed->cur);
		break;
	case 0x09: complete(ed); break;				/* tab */
	case 0x0a: case 0x0d:						/* Enter */
		ed->buf[ed->len] = 0;
		outs(ed, "\r\n");
		return LINE_DONE;
	case 0x0b:							/* ^K */
		if (ed->cur < ed->len)
			erase(ed, ed->cur, ed->len);
		break;
	case 0x0c:							/* ^L */
		outs(ed, "\x1b[H\x1b[2J");
		redraw(ed);
		break;
	case 0x0e: history(ed, -1); break;				/* ^N */
	case 0x10: history(ed, 1); break;				/* ^P */
	case 0x15:							/* ^U */
		if (ed->len > 0) {
			ed->len = ed->cur = 0;
			ed->buf[0] = 0;
			redraw(ed);
		}
		break;
	case 0x17: {							/* ^W */
		size_t a = ed->cur;

		while (a > 0 && ed->buf[a - 1] == ' ')
			a--;
		while (a > 0 && ed->buf[a - 1] != ' ')
			a--;
		if (a < ed->cur)
			erase(ed, a, ed->cur);
		break;
	}
	case 0x1b:
		ed->esc = ESC_START;
		ed->esc_len = 0;
		memset(ed->esc_param, 0, sizeof(ed->esc_param));
		break;
	default:
		break;		/* other control characters are ignored */
	}
	return LINE_MORE;
}

/* 1 when c may follow the bytes of ed->u8 as the next continuation byte. */
static int
u8_continues(const struct line_ed *ed, uint8_t c)
{
	uint8_t lead = ed->u8[0];

	if (!is_cont(c))
		return 0;
	if (ed->u8_have == 1) {
		if (lead == 0xe0)
			return c >= 0xa0;	/* no overlong 3-byte forms */
		if (lead == 0xed)
			return c <= 0x9f;	/* no surrogates */
		if (lead == 0xf0)
			return c >= 0x90;	/* no overlong 4-byte forms */
		if (lead == 0xf4)
			return c <= 0x8f;	/* nothing above U+10FFFF */
	}
	return 1;
}

static int feed(struct line_ed *ed, uint8_t c);

/* A byte >= 0x80, or any byte while a sequence is pending. */
static int
utf8(struct line_ed *ed, uint8_t c)
{
	if (ed->u8_need != 0) {
		if (u8_continues(ed, c)) {
			ed->u8[ed->u8_have++] = c;
			if (ed->u8_have == ed->u8_need + 1) {
				insert(ed, (const char *)ed->u8, (size_t)ed->u8_have);
				ed->u8_need = ed->u8_have = 0;
			}
			return LINE_MORE;
		}
		/* A truncated sequence: one replacement, then c on its own. */
		ed->u8_need = ed->u8_have = 0;
		insert(ed, replacement, sizeof(replacement));
		return feed(ed, c);
	}
	if (c >= 0xc2 && c <= 0xdf)
		ed->u8_need = 1;
	else if (c >= 0xe0 && c <= 0xef)
		ed->u8_need = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		ed->u8_need = 3;
	else {
		insert(ed, replacement, sizeof(replacement));
		return LINE_MORE;
	}
	ed->u8[0] = c;
	ed->u8_have = 1;
	return LINE_MORE;
}

static int
feed(struct line_ed *ed, uint8_t c)
{
	int cr = ed->last_cr;

	ed->last_cr = c == '\r';
	if (ed->esc != ESC_NONE) {
		if (c < 0x20 || c == 0x7f || c >= 0x80) {
			ed->esc = ESC_NONE;	/* not a sequence: drop it */
			return feed(ed, c);
		}
		if (ed->esc_len < ESC_MAX + 1)
			ed->esc_len++;		/* over-long: consumed, never acted on */
		if (ed->esc == ESC_START) {
			ed->esc = c == '[' ? ESC_CSI : c == 'O' ? ESC_SS3 : ESC_NONE;
			return LINE_MORE;
		}
		if (ed->esc == ESC_CSI && c >= 0x20 && c <= 0x3f) {
			size_t n = strnlen(ed->esc_param, sizeof(ed->esc_param));

			if (n + 1 < sizeof(ed->esc_param))
				ed->esc_param[n] = (char)c;
			return LINE_MORE;
		}
		ed->esc = ESC_NONE;
		if (c >= 0x40 && c <= 0x7e && ed->esc_len <= ESC_MAX)
			escape(ed, c);
		return LINE_MORE;
	}
	if (ed->u8_need != 0 || c >= 0x80)
		return utf8(ed, c);
	if (c == '\n' && cr)
		return LINE_MORE;	/* the LF of a CR LF */
	if (c < 0x20 || c == 0x7f)
		return control(ed, c);
	insert(ed, (const char *)&c, 1);
	return LINE_MORE;
}

int
line_feed(struct line_ed *ed, uint8_t c)
{
	return feed(ed, c);
}

void
line_init(struct line_ed *ed, char *buf, size_t cap, const char *prompt,
    line_out_fn *outfn, line_complete_fn *comp, void *ctx, struct line_hist *hist)
{
	memset(ed, 0, sizeof(*ed));
	ed->buf = buf;
	ed->cap = cap;
	ed->prompt = prompt;
	ed->out = outfn;
	ed->complete = comp;
	ed->ctx = ctx;
	ed->hist = hist;
	ed->hist_pos = -1;
	buf[0] = 0;
}

void
line_start(struct line_ed *ed)
{
	ed->len = ed->cur = ed->dropped = 0;
	ed->buf[0] = 0;
	ed->hist_pos = -1;
	ed->esc = ESC_NONE;
	ed->u8_need = ed->u8_have = 0;
	outs(ed, ed->prompt);
}

void
line_hist_add(struct line_hist *h, const char *s, size_t n)
{
	int last = (h->next - 1 + LINE_HIST_N) % LINE_HIST_N;

	if (n == 0 || n > LINE_HIST_LEN)
		return;
	if (h->count > 0 && h->len[last] == n && memcmp(h->line[last], s, n) == 0)
		return;
	memcpy(h->line[h->next], s, n);
	h->line[h->next][n] = 0;
	h->len[h->next] = (uint16_t)n;
	h->next = (h->next + 1) % LINE_HIST_N;
	if (h->count < LINE_HIST_N)
		h->count++;
}
