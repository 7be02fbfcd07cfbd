/*
 * Kernel console: every message goes to COM1 and, once the framebuffer is
 * up, to the screen. One terminal parser (lib/term/parse.c) reads the
 * stream: the screen performs its actions, and the kernel log keeps only
 * the text, not the control sequences that drew it.
 */
#include <stdarg.h>

#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/serial.h"
#include "kernel/fbcon.h"
#include "kernel/kernel.h"
#include "lib/abi/nonos.h"
#include "lib/cap/cap.h"
#include "lib/fmt/fmt.h"
#include "lib/libc/string.h"
#include "lib/term/parse.h"

static struct kobj console_obj = { CAP_CONSOLE, 0, 0 };

/* The kernel log: the most recent LOG_SIZE bytes of console output. */
#define LOG_SIZE (64 * 1024)
static char log_ring[LOG_SIZE];
static uint64_t log_total;
static volatile int console_locked;
static struct vt_parser parser;

void
console_forget(void)
{
	explicit_bzero(log_ring, sizeof(log_ring));
	log_total = 0;
	vt_parser_init(&parser);
	fbcon_forget();
}

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

/* One byte to COM1, the screen and the log (called locked). */
static void
emit(uint8_t b)
{
	struct vt_action a[2];
	int text, n;

	text = !vt_parse_in_sequence(&parser) && (b >= 0x20 ? b != 0x7f : b == '\n' || b == '\t');
	n = vt_parse(&parser, b, a);
	for (int i = 0; i < n; i++)
		fbcon_act(&a[i]);
	if (b == '\n')
		serial_putc('\r');
	serial_putc((char)b);
	if (text) {
		log_ring[log_total % LOG_SIZE] = (char)b;
		log_total++;
	}
}

/*
 * One byte at a time, under a spin lock taken with interrupts off: CPUs
 * may print at once, and an interrupt that prints must not find its own
 * CPU holding the lock. A plain writer can only write text: control
 * characters but \n and \t become '?', and a sequence another writer
 * left open is dropped rather than completed by its bytes.
 */
static void
put(char c, int plain)
{
	uint64_t flags;
	uint8_t b = (uint8_t)c;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	while (__atomic_exchange_n(&console_locked, 1, __ATOMIC_ACQUIRE))
		pause();
	if (plain) {
		if (b != '\n' && b != '\t' && (b < 0x20 || b == 0x7f))
			b = '?';
		vt_parse_cancel(&parser);
	}
	emit(b);
	__atomic_store_n(&console_locked, 0, __ATOMIC_RELEASE);
	if (flags & RFLAGS_IF)
		sti();
}

void
console_putc(char c)
{
	put(c, 0);
}

void
console_putc_plain(char c)
{
	put(c, 1);
}

static void
put_fmt(void *ctx, char c)
{
	(void)ctx;
	console_putc(c);
}

void
printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fmt_vformat(put_fmt, NULL, fmt, ap);
	va_end(ap);
}

size_t
console_log_copy(char *out, size_t len, uint64_t skip)
{
	uint64_t avail = log_total < LOG_SIZE ? log_total : LOG_SIZE;
	uint64_t start;
	size_t n;

	if (skip >= avail)
		return 0;
	avail -= skip;
	n = len < avail ? len : (size_t)avail;
	if (out == NULL)
		return n;	/* only how much there is */
	/* The oldest of the bytes asked for, counting back from the end. */
	start = log_total - skip - n;
	for (size_t i = 0; i < n; i++)
		out[i] = log_ring[(start + i) % LOG_SIZE];
	return n;
}
