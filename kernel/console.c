/*
 * Kernel console: every message goes to COM1 and, once the framebuffer is
 * up, to the screen.
 */
#include <stdarg.h>

#include "kernel/arch/x86_64/serial.h"
#include "kernel/fbcon.h"
#include "kernel/kernel.h"
#include "lib/abi/nonos.h"
#include "lib/cap/cap.h"
#include "lib/fmt/fmt.h"

static struct kobj console_obj = { CAP_CONSOLE, 0, 0 };

struct kobj *
console_kobj(void)
{
	return &console_obj;
}

void
console_init(const struct bootinfo *bi)
{
	fbcon_init(&bi->fb);
}

void
console_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	fbcon_putc(c);
}

static void
put(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

void
printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(put, NULL, fmt, ap);
	va_end(ap);
}
