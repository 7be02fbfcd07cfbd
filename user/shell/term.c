/*
 * The terminal: the shell is a client of consoled (user/lib/con.h),
 * which gives it input while it is the foreground and writes its output
 * to the console.
 */
#include "user/shell/shell.h"

static struct con con;
static int attached;

void
term_init(void)
{
	int64_t err = con_attach(&con, SLOT_CON, SLOT_NOTIFY, SLOT_CON_GIVE, "shell");

	attached = err == 0;
	if (!attached)
		printf("shell: cannot attach to consoled: %s\n", err_name(err));
}

int
term_getc(void)
{
	return con_getc(&con);
}

void
term_write(const char *s, size_t n)
{
	/* Without consoled, the kernel console shows what it can. */
	if (con_write(&con, s, n) < 0 || !attached)
		console_write(SLOT_CONSOLE, s, n);
}

void
term_puts(const char *s)
{
	term_write(s, strlen(s));
}
