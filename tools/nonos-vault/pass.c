/*
 * Passphrases for nonos-vault: from a file, the environment, or the
 * terminal with echo off (restored on every path out).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "lib/crypto/crypto.h"
#include "tools/common/fileio.h"
#include "tools/nonos-vault/cli.h"

/* Reads one line from the terminal without echo. */
static int
tty_line(int fd, const char *prompt, char *buf, size_t cap, size_t *len)
{
	struct termios old, quiet;
	size_t n = 0;
	char c;
	ssize_t r;

	if (tcgetattr(fd, &old) < 0)
		return -1;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* Echo off before the prompt, so no typed byte is ever shown. */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) < 0)
		return -1;
	if (write(fd, prompt, strlen(prompt)) < 0) {
		tcsetattr(fd, TCSAFLUSH, &old);
		return -1;
	}
	while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
		if (n + 1 < cap)
			buf[n++] = c;
	}
	tcsetattr(fd, TCSAFLUSH, &old);
	(void)!write(fd, "\n", 1);
	buf[n] = '\0';
	*len = n;
	return r < 0 ? -1 : 0;
}

static int
from_tty(char *buf, size_t cap, size_t *len, const char *prompt, int confirm)
{
	char again[VAULT_PASS_MAX + 2];
	size_t n2;
	int fd, r = -1;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0) {
		warnx_("no terminal to ask for the passphrase; use "
		    "--passphrase-file or $%s", PASS_ENV);
		return -1;
	}
	if (tty_line(fd, prompt, buf, cap, len) < 0)
		warnx_("reading the passphrase: %s", strerror(errno));
	else if (confirm &&
	    tty_line(fd, "Again: ", again, sizeof again, &n2) < 0)
		warnx_("reading the passphrase: %s", strerror(errno));
	else if (confirm && (n2 != *len || memcmp(again, buf, n2) != 0))
		warnx_("the passphrases differ");
	else
		r = 0;
	nc_wipe(again, sizeof again);
	close(fd);
	return r;
}

int
get_passphrase(char *buf, size_t cap, size_t *len, const char *file,
    const char *env, const char *prompt, int confirm)
{
	uint8_t *data;
	size_t n;
	const char *e;

	if (file != NULL) {
		if (read_small_file(file, VAULT_PASS_MAX + 1, &data, &n) < 0) {
			warnx_("%s: %s", file, strerror(errno));
			return -1;
		}
		/* The first line; a final newline is not part of it. */
		for (*len = 0; *len < n && data[*len] != '\n'; (*len)++)
			;
		if (*len < cap)
			memcpy(buf, data, *len);
		nc_wipe(data, n);
		free(data);
	} else if ((e = getenv(env)) != NULL) {
		*len = strlen(e);
		if (*len < cap)
			memcpy(buf, e, *len);
	} else if (from_tty(buf, cap, len, prompt, confirm) < 0) {
		return -1;
	}
	if (*len >= cap || *len > VAULT_PASS_MAX) {
		warnx_("passphrase longer than %d bytes", VAULT_PASS_MAX);
		return -1;
	}
	buf[*len] = '\0';
	if (*len == 0) {
		warnx_("empty passphrase");
		return -1;
	}
	return 0;
}
