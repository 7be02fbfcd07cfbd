/*
 * The shell's command-line parser: words separated by blanks, '...' and
 * "..." quoting, backslash escapes, commands joined by '|', and '<',
 * '>' and '>>' redirection. Words are copied into caller storage; every
 * limit gives an error with its byte position, never a truncation.
 */
#ifndef LIB_LINE_PARSE_H
#define LIB_LINE_PARSE_H

#include <stddef.h>

#define PARSE_MAX_ARGS	32	/* words per command */
#define PARSE_MAX_CMDS	8	/* commands per pipeline */

enum parse_error {
	PARSE_OK = 0,
	PARSE_EQUOTE = -1,	/* unterminated quote */
	PARSE_EESCAPE = -2,	/* backslash at the end of the line */
	PARSE_EEMPTY = -3,	/* empty command before or after '|' */
	PARSE_EREDIR = -4,	/* no file name after '<', '>' or '>>' */
	PARSE_EDUP = -5,	/* a second '<' or '>' */
	PARSE_EPLACE = -6,	/* '>' before the last command, '<' after the first */
	PARSE_EARGS = -7,	/* more than PARSE_MAX_ARGS words */
	PARSE_ECMDS = -8,	/* more than PARSE_MAX_CMDS commands */
	PARSE_ESPACE = -9,	/* the caller's storage is full */
	PARSE_ECTRL = -10,	/* a control character or NUL in the line */
	PARSE_ERRORS = 11
};

struct parse_cmd {
	int argc;
	char *argv[PARSE_MAX_ARGS + 1];	/* NULL-terminated */
};

struct parse_line {
	int ncmds;			/* 0 for an empty line */
	struct parse_cmd cmd[PARSE_MAX_CMDS];
	char *in;			/* '<' file, or NULL */
	char *out;			/* '>' or '>>' file, or NULL */
	int append;			/* 1 for '>>' */
};

/*
 * Parses s[0..n) into *pl, copying words into store[0..cap). On error,
 * *where (if not NULL) is the byte offset the error was found at.
 */
int parse_line(const char *s, size_t n, struct parse_line *pl, char *store,
    size_t cap, size_t *where);

/* A one-line description of an error. */
const char *parse_strerror(int err);

#endif
