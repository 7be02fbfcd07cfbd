/*
 * The command-line frame the host tools share: "TOOL COMMAND [OPTIONS]"
 * dispatch, help, and messages prefixed with the tool's name.
 */
#ifndef TOOLS_COMMON_CLI_H
#define TOOLS_COMMON_CLI_H

#include <stddef.h>

#define EXIT_USAGE	2

/* One command: fn gets argv from the command's name on. */
struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* Prints "TOOL: msg" on stderr (TOOL as given to cli_main). */
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A tool's main: with no command, usage on stderr and EXIT_USAGE; for
 * -h, --help or help, usage on stdout and 0; otherwise seeds lib/crypto
 * (1 without entropy) and runs the named command, returning its status.
 * An unknown command is a usage error.
 */
int cli_main(const char *tool, const char *usage,
    const struct cli_command *cmds, size_t ncmds, int argc, char **argv);

/* 1 (after printing text on stdout) if any argument is -h or --help. */
int cli_want_help(int argc, char **argv, const char *text);

#endif
