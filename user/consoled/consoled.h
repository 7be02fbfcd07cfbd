/*
 * consoled's declarations: the input ring both devices feed, the
 * foreground switch, and the two device drivers (COM1, PS/2 keyboard).
 */
#ifndef USER_CONSOLED_CONSOLED_H
#define USER_CONSOLED_CONSOLED_H

#include "user/lib/con.h"
#include "user/lib/nonos.h"

#define SLOT_SERVE	16	/* our endpoint (receive side) */
#define SLOT_UART	17	/* I/O ports 0x3f8..0x3ff */
#define SLOT_UART_IRQ	18	/* IRQ 4 */
#define SLOT_KBD_DATA	19	/* I/O port 0x60 */
#define SLOT_KBD_CMD	20	/* I/O port 0x64 */
#define SLOT_KBD_IRQ	21	/* IRQ 1 */
#define SLOT_EVENTS	22	/* both IRQs, badged */
#define SLOT_UART_BADGE	23
#define SLOT_KBD_BADGE	24
#define SLOT_RECV	25	/* a client's notification on its way in */
#define SLOT_DEV_THREAD	26
#define SLOT_NOTE0	64	/* client b's notification: SLOT_NOTE0 + b */
#define CLIENTS		64	/* badges 1..CLIENTS-1 */
#define BADGE_UART	1
#define BADGE_KBD	2
#define KEY_SWITCH	0x1d	/* Ctrl-]: the next client becomes the foreground */
#define SCROLL_STEP	10	/* lines per Shift+PgUp / Shift+PgDn */

/* Input from either device: queued for the foreground client. */
void input(const char *s, size_t n);
/* Free bytes in the ring; at 0 the next read asks the UART to be drained again. */
size_t input_room(void);

int serial_init(void);		/* 0 when IRQ 4 is bound */
void serial_drain(void);	/* UART -> input() */
int kbd_init(void);		/* 0 when IRQ 1 is bound */
void kbd_drain(void);		/* scancodes -> input() */

#endif
