/*
 * shell: reads lines on the terminal with lib/line's editor, parses them
 * into pipelines and runs built-in commands, each command's output
 * feeding the next one's input through a bounded buffer; '<' and '>'
 * read and write files in the RAM file system.
 */
#include <stdarg.h>

#include "lib/fmt/fmt.h"
#include "lib/line/edit.h"
#include "lib/line/parse.h"
#include "user/shell/replace.h"
#include "user/shell/shell.h"

#define LINE_CAP	65536

struct rfs fs;
static char line[LINE_CAP + 1];
static char words_store[LINE_CAP + 2 * PARSE_MAX_ARGS * PARSE_MAX_CMDS];
static char pipebuf[2][PIPE_MAX];
static char filebuf[PIPE_MAX];
static struct line_hist hist;
static struct line_ed ed;

void
sink_write(struct sink *o, const char *s, size_t n)
{
	if (o->term) {
		/* Runs of plain text in one write each; a control character is '?'. */
		for (size_t i = 0, j; i < n; i = j + 1) {
			for (j = i; j < n; j++) {
				unsigned char c = (unsigned char)s[j];

				if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
					break;
			}
			if (j > i)
				term_write(s + i, j - i);
			if (j < n)
				term_write("?", 1);
		}
		return;
	}
	if (n > o->cap - o->len) {
		n = o->cap - o->len;
		o->full = 1;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

void
sink_colour(struct sink *o, const char *sgr)
{
	if (!o->term)
		return;
	term_puts("\x1b[");
	term_puts(sgr);
	term_puts("m");
}

void
outf(struct sink *o, const char *fmt, ...)
{
	/*
	 * Room for a whole line and the words around it, so that a message
	 * naming a long argument still ends in its reason and newline. Were
	 * one ever longer, its tail becomes "...\n" rather than vanishing.
	 */
	static char buf[LINE_CAP + 1024];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		memcpy(buf + n - 4, "...\n", 4);
	}
	sink_write(o, buf, n);
}

static void
term_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	term_write(s, n);
}

/* Completion: command names for the first word, entries of the current directory after. */
static size_t
complete(void *ctx, int word, const char **cands, size_t max)
{
	static char names[LINE_MAX_CANDS][56];
	uint64_t cookie = 0, type;
	size_t n = 0;

	(void)ctx;
	if (word == 0) {
		for (size_t i = 0; i < ncommands && n < max; i++)
			cands[n++] = commands[i].name;
		return n;
	}
	while (n < max && n < LINE_MAX_CANDS) {
		int64_t next = rfs_readdir(&fs, "", cookie, names[n], &type);

		if (next <= 0)
			break;
		cands[n] = names[n];
		n++;
		cookie = (uint64_t)next;
	}
	return n;
}

/* Reads a whole file (at most PIPE_MAX bytes) into filebuf. */
static int64_t
read_file(const char *name, struct sink *err)
{
	int64_t h = rfs_open(&fs, name, 0x01), n, total = 0;

	if (h < 0) {
		outf(err, "shell: %s: %s\n", name, rfs_strerror(h));
		return h;
	}
	while (total < PIPE_MAX && (n = rfs_read(&fs, h, filebuf + total,
	    (uint64_t)(PIPE_MAX - total))) > 0)
		total += n;
	rfs_close(&fs, h);
	return total;
}

/* '>' replaces the file once all is written (replace.h); '>>' appends. */
static int
write_file(const char *name, int append, const char *data, size_t len, struct sink *err)
{
	struct replace r;
	int64_t e, h;

	if (append) {
		h = rfs_open(&fs, name, RAMFS_O_WRITE | RAMFS_O_CREATE | RAMFS_O_APPEND);
		if ((e = h) >= 0) {
			e = write_all(h, data, len);
			rfs_close(&fs, h);
		}
	} else if ((e = replace_open(&r, name)) >= 0) {
		e = replace_end(&r, write_all(r.h, data, len));
	}
	if (e < 0) {
		outf(err, "shell: %s: %s\n", name, rfs_strerror(e));
		return 1;
	}
	return 0;
}

static void
run(struct parse_line *pl)
{
	struct sink term = { 1, NULL, 0, 0, 0 };
	struct source in = { NULL, 0 };
	int64_t n;

	if (pl->in != NULL) {
		if ((n = read_file(pl->in, &term)) < 0)
			return;
		in.data = filebuf;
		in.len = (size_t)n;
	}
	for (int i = 0; i < pl->ncmds; i++) {
		struct parse_cmd *pc = &pl->cmd[i];
		const struct cmd *c = find_command(pc->argv[0]);
		int last = i == pl->ncmds - 1;
		struct sink out = { 0, pipebuf[i % 2], 0, PIPE_MAX, 0 };
		const char *s;

		if (last && pl->out == NULL)
			out = term;
		if (c == NULL) {
			if ((s = suggest(pc->argv[0])) != NULL)
				outf(&term, "%s: unknown command; did you mean '%s'? ('help' lists them)\n",
				    pc->argv[0], s);
			else
				outf(&term, "%s: unknown command ('help' lists them)\n", pc->argv[0]);
			return;
		}
		if (c->fn(pc->argc, pc->argv, &out, &in) != 0 && !last)
			return;
		if (out.full) {
			outf(&term, "%s: output over %u bytes; the rest was dropped\n",
			    pc->argv[0], PIPE_MAX);
		}
		if (last && pl->out != NULL)
			write_file(pl->out, pl->append, out.buf, out.len, &term);
		in.data = out.buf;
		in.len = out.len;
	}
}

int
main(uint64_t arg)
{
	struct parse_line pl;
	int64_t err;

	(void)arg;
	term_init();
	if ((err = rfs_attach(&fs, SLOT_FS, SLOT_FSBUF, FSBUF_VA)) < 0)
		term_puts("shell: the file system is not reachable\n");
	line_init(&ed, line, LINE_CAP, "$ ", term_out, complete, NULL, &hist);
	term_puts("NONOS shell. 'help' lists the commands.\n");
	persist_offer();
	tor_state_give(&(struct sink){ 1, NULL, 0, 0, 0 });
	for (;;) {
		size_t where;
		int ev;

		line_start(&ed);
		while ((ev = line_feed(&ed, (uint8_t)term_getc())) == LINE_MORE)
			;
		if (ev != LINE_DONE)
			continue;
		if (ed.dropped != 0) {
			outf(&(struct sink){ 1, NULL, 0, 0, 0 },
			    "shell: line too long (%zu bytes over %u); ignored\n",
			    ed.dropped, LINE_CAP);
			continue;
		}
		line_hist_add(&hist, line, ed.len);
		err = parse_line(line, ed.len, &pl, words_store, sizeof(words_store), &where);
		if (err != PARSE_OK) {
			outf(&(struct sink){ 1, NULL, 0, 0, 0 }, "shell: %s (at byte %zu)\n",
			    parse_strerror((int)err), where);
			continue;
		}
		if (pl.ncmds > 0)
			run(&pl);
	}
}
