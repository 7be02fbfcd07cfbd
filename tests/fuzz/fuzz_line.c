/*
 * libFuzzer target for lib/line: input bytes drive the line editor (a
 * small buffer, history and completion), and each finished line goes
 * through the command-line parser. Buffers must stay within their bounds
 * and hold no control characters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/line/edit.h"
#include "lib/line/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (n > 0 && s[n - 1] == 0x7f)	/* touch the bytes for ASan */
		abort();
}

static size_t
words(void *ctx, int word, const char **cands, size_t max)
{
	static const char *const w[] = { "cat", "cp", "caps", "", "c\xc3\xa9" };

	(void)ctx;
	(void)word;
	for (size_t i = 0; i < 5 && i < max; i++)
		cands[i] = w[i];
	return 5;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[201], store[160];
	static struct line_hist hist;
	struct line_ed ed;
	struct parse_line pl;

	memset(&hist, 0, sizeof(hist));
	line_init(&ed, buf, 200, "> ", out, words, NULL, &hist);
	line_start(&ed);
	for (size_t i = 0; i < size; i++) {
		int ev = line_feed(&ed, data[i]);

		if (ed.len > ed.cap || ed.cur > ed.len)
			abort();
		if (ev == LINE_MORE)
			continue;
		for (size_t k = 0; k < ed.len; k++) {
			if ((uint8_t)buf[k] < 0x20 || buf[k] == 0x7f)
				abort();
		}
		if (ev == LINE_DONE &&
		    parse_line(buf, ed.len, &pl, store, sizeof(store), NULL) == PARSE_OK) {
			for (int c = 0; c < pl.ncmds; c++) {
				if (pl.cmd[c].argc < 1 || pl.cmd[c].argv[pl.cmd[c].argc] != NULL)
					abort();
			}
		}
		line_hist_add(&hist, buf, ed.len);
		line_start(&ed);
	}
	return 0;
}
