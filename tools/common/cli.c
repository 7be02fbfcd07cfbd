/* Command dispatch and messages for the host tools (cli.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/crypto/crypto.h"
#include "tools/common/cli.h"

static const char *toolname = "nonos";

void
warnx_(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", toolname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_main(const char *tool, const char *usage,
    const struct cli_command *cmds, size_t ncmds, int argc, char **argv)
{
	toolname = tool;
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (nc_init() != NC_OK) {
		warnx_("no entropy from the system");
		return 1;
	}
	for (size_t i = 0; i < ncmds; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	warnx_("unknown command '%s'", argv[1]);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

int
cli_want_help(int argc, char **argv, const char *text)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(text, stdout);
			return 1;
		}
	return 0;
}
