/*
 * The terminal: COM1's 16550 UART driven from user space through the
 * I/O-port capability in SLOT_UART, input delivered by IRQ 4 as
 * notification signals (polled on a timer if the IRQ cannot be had).
 */
#include "user/shell/shell.h"

#define COM1		0x3f8
#define RBR		0	/* receive buffer */
#define THR		0	/* transmit holding */
#define IER		1
#define MCR		4
#define LSR		5
#define LSR_DATA	0x01
#define LSR_THRE	0x20
#define BADGE_IRQ	1
#define BADGE_TIMER	2

static int have_irq;
static uint8_t ring[256];
static unsigned rhead, rtail;

static int64_t
inb(uint64_t port)
{
	return syscall6(SYS_IOPORT_IN, SLOT_UART, COM1 + port, 1, 0, 0, 0);
}

static void
outb(uint64_t port, uint64_t v)
{
	syscall6(SYS_IOPORT_OUT, SLOT_UART, COM1 + port, 1, v, 0, 0);
}

void
term_init(void)
{
	if (notification_create(SLOT_MEMORY, SLOT_NOTIFY) != E_OK)
		return;
	cap_derive(SLOT_NOTIFY, SLOT_IRQ_BADGE, RIGHT_WRITE, BADGE_IRQ);
	have_irq = syscall6(SYS_IRQ_BIND, SLOT_UART_IRQ, SLOT_IRQ_BADGE, 0, 0, 0, 0) == E_OK;
	if (have_irq) {
		outb(IER, 0x01);			/* receive-data interrupt */
		outb(MCR, (uint64_t)(inb(MCR) | 0x08));	/* OUT2 routes it to the PIC/APIC */
	}
	cap_derive(SLOT_NOTIFY, SLOT_TIMER_BADGE, RIGHT_WRITE, BADGE_TIMER);
}

/*
 * Moves bytes from the UART into the ring until it is full; the rest
 * wait in the UART (and the sender), so nothing typed is lost.
 */
static void
drain(void)
{
	int64_t lsr;

	while ((unsigned)(rhead - rtail) < sizeof(ring) &&
	    (lsr = inb(LSR)) >= 0 && (lsr & LSR_DATA))
		ring[rhead++ % sizeof(ring)] = (uint8_t)inb(RBR);
}

int
term_getc(void)
{
	for (;;) {
		drain();
		if (rhead != rtail)
			return ring[rtail++ % sizeof(ring)];
		if (have_irq) {
			syscall6(SYS_IRQ_ACK, SLOT_UART_IRQ, 0, 0, 0, 0, 0);
			drain();
			if (rhead != rtail)
				continue;
			notify_wait(SLOT_NOTIFY);
		} else {
			syscall6(SYS_TIMER_NOTIFY, SLOT_TIMER_BADGE, 1, 0, 0, 0, 0);
			notify_wait(SLOT_NOTIFY);
		}
	}
}

static void
put(uint8_t c)
{
	for (int spins = 0; spins < 100000; spins++) {
		int64_t lsr = inb(LSR);

		if (lsr < 0 || (lsr & LSR_THRE))
			break;
	}
	outb(THR, c);
}

void
term_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put((uint8_t)s[i]);
	}
}

void
term_puts(const char *s)
{
	term_write(s, strlen(s));
}
