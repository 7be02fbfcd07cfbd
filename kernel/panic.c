/*
 * The end of the line: print why, with a backtrace, and stop. Under the
 * test harness (option qemu-exit) the machine then leaves QEMU with a
 * distinct exit code instead of hanging.
 */
#include <stdarg.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/kernel.h"
#include "lib/fmt/fmt.h"

#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PANIC 3

static int panicking;

void
machine_halt(int code)
{
	cli();
	/* isa-debug-exit: QEMU exits with (code << 1) | 1. */
	if (cmdline_has("qemu-exit"))
		outl(DEBUG_EXIT_PORT, (uint32_t)code);
	for (;;)
		hlt();
}

static void
put(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

void
panic(const char *fmt, ...)
{
	va_list ap;
	uint64_t rbp;

	cli();
	if (panicking++)
		machine_halt(EXIT_PANIC);	/* a fault while panicking */
	printk("\nPANIC: ");
	va_start(ap, fmt);
	fmt_vformat(put, NULL, fmt, ap);
	va_end(ap);
	printk("\nbacktrace of panic():\n");
	__asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
	backtrace_from(rbp);
	printk("system halted.\n");
	machine_halt(EXIT_PANIC);
}
