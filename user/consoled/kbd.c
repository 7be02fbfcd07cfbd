/*
 * The PS/2 keyboard for consoled: scancode set 1 (the i8042 translates)
 * read from port 0x60 on IRQ 1, turned into the bytes a US-layout
 * terminal would send: Shift, Ctrl and Caps Lock apply; arrows, Home,
 * End, Delete, PgUp and PgDn become escape sequences; Shift+PgUp and
 * Shift+PgDn scroll the framebuffer console instead.
 */
#include "user/consoled/consoled.h"

#define DATA		0x60
#define STATUS		0x64
#define ST_OUT		0x01	/* a byte waits in DATA */
#define ST_IN		0x02	/* the controller has not taken our last byte */
#define ST_AUX		0x20	/* that byte is from the mouse */
#define CFG_IRQ1	0x01
#define CFG_XLATE	0x40

static const char plain[0x3a] =
    "\0\x1b" "1234567890-=\x7f\t" "qwertyuiop[]\r\0" "asdfghjkl;'`\0\\"
    "zxcvbnm,./\0*\0 ";
static const char shifted[0x3a] =
    "\0\x1b" "!@#$%^&*()_+\x7f\t" "QWERTYUIOP{}\r\0" "ASDFGHJKL:\"~\0|"
    "ZXCVBNM<>?\0*\0 ";

static int shift, ctrl, caps, ext;

static int64_t
inb(uint64_t slot, uint64_t port)
{
	return ioport_in(slot, port, 1);
}

static int
outb(uint64_t slot, uint64_t port, uint64_t v)
{
	int64_t st;

	for (int spins = 0; spins < 100000; spins++) {
		if ((st = inb(SLOT_KBD_CMD, STATUS)) < 0)
			return -1;
		if (!(st & ST_IN))
			return ioport_out(slot, port, 1, v) == E_OK ? 0 : -1;
	}
	return -1;
}

/* The controller's answer to a command, or -1. */
static int64_t
answer(void)
{
	for (int spins = 0; spins < 100000; spins++) {
		int64_t st = inb(SLOT_KBD_CMD, STATUS);

		if (st < 0)
			return -1;
		if (st & ST_OUT)
			return inb(SLOT_KBD_DATA, DATA);
	}
	return -1;
}

int
kbd_init(void)
{
	int64_t cfg;

	/* Whatever the firmware left unread goes. */
	for (int i = 0; i < 32 && (inb(SLOT_KBD_CMD, STATUS) & ST_OUT); i++)
		inb(SLOT_KBD_DATA, DATA);
	if (outb(SLOT_KBD_CMD, STATUS, 0x20) < 0 || (cfg = answer()) < 0)
		return -1;
	cfg |= CFG_IRQ1 | CFG_XLATE;
	if (outb(SLOT_KBD_CMD, STATUS, 0x60) < 0 || outb(SLOT_KBD_DATA, DATA, (uint64_t)cfg) < 0)
		return -1;
	if (cap_derive(SLOT_EVENTS, SLOT_KBD_BADGE, RIGHT_WRITE, BADGE_KBD) != E_OK ||
	    irq_bind(SLOT_KBD_IRQ, SLOT_KBD_BADGE) != E_OK)
		return -1;
	return 0;
}

/* An extended (0xe0-prefixed) key going down. */
static void
extended(uint8_t code)
{
	const char *seq = NULL;

	switch (code) {
	case 0x48: seq = "\x1b[A"; break;	/* up */
	case 0x50: seq = "\x1b[B"; break;	/* down */
	case 0x4d: seq = "\x1b[C"; break;	/* right */
	case 0x4b: seq = "\x1b[D"; break;	/* left */
	case 0x47: seq = "\x1b[H"; break;	/* Home */
	case 0x4f: seq = "\x1b[F"; break;	/* End */
	case 0x53: seq = "\x1b[3~"; break;	/* Delete */
	case 0x1c: seq = "\r"; break;		/* keypad Enter */
	case 0x35: seq = "/"; break;		/* keypad / */
	case 0x49:				/* PgUp */
	case 0x51:				/* PgDn */
		if (shift) {
			console_scroll(SLOT_CONSOLE, code == 0x49 ? SCROLL_STEP : -SCROLL_STEP);
			return;
		}
		seq = code == 0x49 ? "\x1b[5~" : "\x1b[6~";
		break;
	default:
		return;
	}
	input(seq, strlen(seq));
}

/* One scancode byte. */
static void
scancode(uint8_t code)
{
	int up = code & 0x80;
	uint8_t key = code & 0x7f;
	char c;

	if (code == 0xe0) {
		ext = 1;
		return;
	}
	if (ext) {
		ext = 0;
		if (key == 0x1d)		/* right Ctrl */
			ctrl = !up;
		else if (key != 0x2a && key != 0x36 && !up)	/* fake shifts are dropped */
			extended(key);
		return;
	}
	switch (key) {
	case 0x2a: case 0x36: shift = !up; return;
	case 0x1d: ctrl = !up; return;
	case 0x3a: if (!up) caps = !caps; return;
	}
	if (up || key >= sizeof(plain) || (c = (shift ? shifted : plain)[key]) == 0)
		return;
	if (caps && c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	else if (caps && c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
		c = (char)(c & 0x1f);
	else if (ctrl && (c == '[' || c == ']' || c == '\\'))
		c = (char)(c & 0x1f);
	input(&c, 1);
}

void
kbd_drain(void)
{
	int64_t st;

	for (int i = 0; i < 64 && (st = inb(SLOT_KBD_CMD, STATUS)) >= 0 && (st & ST_OUT); i++) {
		int64_t code = inb(SLOT_KBD_DATA, DATA);

		if (code >= 0 && !(st & ST_AUX))
			scancode((uint8_t)code);
	}
	irq_ack(SLOT_KBD_IRQ);
}
