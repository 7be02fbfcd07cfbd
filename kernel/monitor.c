/*
 * Kernel monitor: a command line on COM1 for inspecting the machine until
 * the user-space shell exists, and the entry point of the QEMU test
 * harness. Input is read by polling between timer interrupts; anything
 * that is not a printable ASCII character, backspace or Enter is ignored,
 * and an over-long line is refused as a whole.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/serial.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/clock.h"
#include "kernel/kernel.h"
#include "kernel/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmm.h"
#include "kernel/monitor.h"
#include "kernel/manifest.h"
#include "kernel/lock.h"
#include "lib/libc/string.h"

#define LINE_MAX 128
#define EXIT_OK 1

struct command {
	const char *name;
	const char *help;
	void (*fn)(void);
};

static void cmd_help(void);

static void
cmd_mem(void)
{
	printk("frames: %llu free of %llu (%llu MiB free)\n",
	    (unsigned long long)pmm_free_frames(),
	    (unsigned long long)pmm_total_frames(),
	    (unsigned long long)pmm_free_frames() / 256);
	printk("heap: %zu bytes in objects, %zu pages\n",
	    kernel_heap.bytes_in_use, kernel_heap.pages_in_use);
}

static void
cmd_cpus(void)
{
	printk("cpus: %d listed by ACPI, %d online; this is LAPIC %u\n",
	    acpi_madt.cpu_count ? acpi_madt.cpu_count : 1, ncpus, lapic_id());
	printk("nmi: %llu ignored, %llu of them in a swapgs window\n",
	    (unsigned long long)__atomic_load_n(&trap_nmis, __ATOMIC_RELAXED),
	    (unsigned long long)__atomic_load_n(&trap_gs_window, __ATOMIC_RELAXED));
}

static void
cmd_uptime(void)
{
	uint64_t t = timer_ticks;

	printk("up %llu.%02llu s (%llu ticks at %d Hz)\n",
	    (unsigned long long)(t / TIMER_HZ), (unsigned long long)(t % TIMER_HZ),
	    (unsigned long long)t, TIMER_HZ);
}

static void
cmd_date(void)
{
	clock_print("");
}

/* A deliberate kernel fault, to show (and test) the fault report. */
static __attribute__((noinline)) void
cmd_crash(void)
{
	volatile uint64_t *bad = (volatile uint64_t *)0xdead000ULL;

	printk("crash: writing to unmapped address %p\n", (void *)bad);
	*bad = 1;
}

static void
cmd_halt(void)
{
	printk("halting.\n");
	machine_halt(EXIT_OK);
}

static const struct command commands[] = {
	{ "help", "list the commands", cmd_help },
	{ "mem", "free frames and heap use", cmd_mem },
	{ "cpus", "processors listed by ACPI", cmd_cpus },
	{ "uptime", "time since the timer started", cmd_uptime },
	{ "date", "the wall clock (UTC) and where it came from", cmd_date },
	{ "ktest", "run the in-kernel tests", ktest_run_all },
	{ "crash", "fault on purpose and show the report (stops the system)", cmd_crash },
	{ "bootlog", "the measured-boot log and capability ceilings", manifest_print_bootlog },
	{ "halt", "stop the machine", cmd_halt },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
cmd_help(void)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		printk("  %-8s %s\n", commands[i].name, commands[i].help);
}

/* Commands run like system calls: interrupts off, under the kernel lock. */
static void
execute(const char *line)
{
	if (line[0] == 0)
		return;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(line, commands[i].name) == 0) {
			cli();
			bkl_lock();
			commands[i].fn();
			bkl_unlock();
			sti();
			return;
		}
	}
	printk("unknown command '%s'; type 'help' for the list\n", line);
}

static int
read_char(void)
{
	int c;

	while ((c = serial_getc()) < 0)
		hlt();		/* the timer wakes us every 10 ms */
	return c;
}

/* Reads one line into buf; returns 0, or -1 if it was too long. */
static int
read_line(char *buf)
{
	size_t n = 0;
	int too_long = 0;

	for (;;) {
		int c = read_char();

		if (c == '\r' || c == '\n') {
			console_putc('\n');
			buf[n] = 0;
			return too_long ? -1 : 0;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			printk("\b \b");
		} else if (c >= 0x20 && c < 0x7f) {
			if (n < LINE_MAX - 1) {
				buf[n++] = (char)c;
				console_putc((char)c);
			} else {
				too_long = 1;
			}
		}
	}
}

void
monitor_run(void)
{
	char line[LINE_MAX];

	for (;;) {
		printk("nonos> ");
		if (read_line(line) < 0) {
			printk("line too long (at most %d characters); ignored\n",
			    LINE_MAX - 1);
			continue;
		}
		execute(line);
	}
}
