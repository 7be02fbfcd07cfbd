/*
 * Command-line parsing (see parse.h): one pass over the bytes with a
 * cursor; each word is unquoted into the caller's storage as it is read.
 */
#include "lib/line/parse.h"
#include "lib/libc/string.h"

struct parser {
	const char *s;
	size_t n, i;
	char *store;
	size_t cap, used;
};

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
special(char c)
{
	return c == '|' || c == '<' || c == '>';
}

static int
ctrl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int
put(struct parser *p, char c)
{
	if (p->used == p->cap)
		return PARSE_ESPACE;
	p->store[p->used++] = c;
	return PARSE_OK;
}

/* Reads one word at p->i (not blank, not special) into storage; *w is its start. */
static int
word(struct parser *p, char **w)
{
	char quote = 0;
	int err;

	*w = p->store + p->used;
	while (p->i < p->n) {
		char c = p->s[p->i];

		if (ctrl((unsigned char)c))
			return PARSE_ECTRL;
		if (quote == 0 && (blank(c) || special(c)))
			break;
		p->i++;
		if (quote == 0 && (c == '\'' || c == '"')) {
			quote = c;
			continue;
		}
		if (c == quote) {
			quote = 0;
			continue;
		}
		if (c == '\\' && quote != '\'') {
			if (p->i == p->n)
				return quote ? PARSE_EQUOTE : PARSE_EESCAPE;
			/* In double quotes only \" and \\ are escapes. */
			if (quote == 0 || p->s[p->i] == '"' || p->s[p->i] == '\\')
				c = p->s[p->i++];
			if (ctrl((unsigned char)c))
				return PARSE_ECTRL;
		}
		if ((err = put(p, c)) != PARSE_OK)
			return err;
	}
	if (quote != 0)
		return PARSE_EQUOTE;
	return put(p, 0);
}

static void
skip_blanks(struct parser *p)
{
	while (p->i < p->n && blank(p->s[p->i]))
		p->i++;
}

static int
parse(struct parser *p, struct parse_line *pl)
{
	struct parse_cmd *cmd = &pl->cmd[0];
	int err;

	for (;;) {
		char c, **target;

		skip_blanks(p);
		if (p->i == p->n)
			break;
		c = p->s[p->i];
		if (ctrl((unsigned char)c))
			return PARSE_ECTRL;
		if (c == '|') {
			if (cmd->argc == 0)
				return PARSE_EEMPTY;
			if (pl->out != NULL)
				return PARSE_EPLACE;
			if (pl->ncmds == PARSE_MAX_CMDS)
				return PARSE_ECMDS;
			p->i++;
			cmd = &pl->cmd[pl->ncmds++];
			continue;
		}
		if (c == '<' || c == '>') {
			p->i++;
			if (c == '>' && p->i < p->n && p->s[p->i] == '>') {
				p->i++;
				pl->append = 1;
			}
			target = c == '<' ? &pl->in : &pl->out;
			if (*target != NULL)
				return PARSE_EDUP;
			if (c == '<' && pl->ncmds > 1)
				return PARSE_EPLACE;
			skip_blanks(p);
			if (p->i == p->n || special(p->s[p->i]))
				return PARSE_EREDIR;
			if ((err = word(p, target)) != PARSE_OK)
				return err;
			continue;
		}
		if (cmd->argc == PARSE_MAX_ARGS)
			return PARSE_EARGS;
		if ((err = word(p, &cmd->argv[cmd->argc])) != PARSE_OK)
			return err;
		cmd->argc++;
	}
	if (cmd->argc == 0 && (pl->ncmds > 1 || pl->in || pl->out))
		return PARSE_EEMPTY;
	if (cmd->argc == 0)
		pl->ncmds = 0;
	return PARSE_OK;
}

int
parse_line(const char *s, size_t n, struct parse_line *pl, char *store, size_t cap,
    size_t *where)
{
	struct parser p = { s, n, 0, store, cap, 0 };
	int err;

	memset(pl, 0, sizeof(*pl));
	pl->ncmds = 1;
	err = parse(&p, pl);
	if (where != NULL)
		*where = p.i;
	if (err != PARSE_OK)
		memset(pl, 0, sizeof(*pl));
	return err;
}

const char *
parse_strerror(int err)
{
	static const char *const what[PARSE_ERRORS] = {
		"ok",
		"unterminated quote",
		"backslash at the end of the line",
		"empty command around '|'",
		"missing file name after '<' or '>'",
		"more than one '<' or '>'",
		"'>' only on the last command, '<' only on the first",
		"too many words in a command",
		"too many commands in a pipeline",
		"line too long",
		"control character in the line",
	};

	if (err > 0 || -err >= PARSE_ERRORS)
		return "unknown error";
	return what[-err];
}
