/*
 * COM1 for consoled: the 16550 through the port capability in
 * SLOT_UART, received bytes by IRQ 4. Output goes through the kernel
 * console, which also writes COM1.
 */
#include "user/consoled/consoled.h"

#define COM1		0x3f8
#define RBR		0
#define IER		1
#define MCR		4
#define LSR		5
#define LSR_DATA	0x01

static int64_t
inb(uint64_t reg)
{
	return ioport_in(SLOT_UART, COM1 + reg, 1);
}

static void
outb(uint64_t reg, uint64_t v)
{
	ioport_out(SLOT_UART, COM1 + reg, 1, v);
}

int
serial_init(void)
{
	int64_t mcr;

	if (cap_derive(SLOT_EVENTS, SLOT_UART_BADGE, RIGHT_WRITE, BADGE_UART) != E_OK ||
	    irq_bind(SLOT_UART_IRQ, SLOT_UART_BADGE) != E_OK ||
	    (mcr = inb(MCR)) < 0)
		return -1;
	outb(IER, 0x01);			/* receive-data interrupt */
	outb(MCR, (uint64_t)mcr | 0x08);	/* OUT2 routes it to the APIC */
	return 0;
}

/* Takes what the UART holds, as far as the ring has room; the rest waits there. */
static void
drain(void)
{
	char buf[64];
	size_t n = 0, room = input_room();
	int64_t lsr;

	while (room > 0 && (lsr = inb(LSR)) >= 0 && (lsr & LSR_DATA)) {
		buf[n++] = (char)inb(RBR);
		room--;
		if (n == sizeof(buf) || room == 0) {
			input(buf, n);
			n = 0;
			room = input_room();
		}
	}
	input(buf, n);
}

/* Drains, unmasks the line, and drains what came in meanwhile. */
void
serial_drain(void)
{
	drain();
	irq_ack(SLOT_UART_IRQ);
	drain();
}
