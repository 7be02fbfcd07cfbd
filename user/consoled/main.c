/*
 * consoled: the console service. It alone holds COM1 and the PS/2
 * keyboard; input from both goes to one ring that only the foreground
 * client reads (others get E_AGAIN and wait on their notification).
 * Ctrl-] makes the next attached client the foreground. Output of any
 * client goes to the kernel console as it is: our console capability has
 * the CONTROL right, so escape sequences reach the framebuffer console
 * and COM1 alike.
 */
#include "user/consoled/consoled.h"

#define RING		1024

struct client {
	int live;		/* attached: its notification is in SLOT_NOTE0 + badge */
	char name[CON_NAME + 1];
};

static struct client clients[CLIENTS];
static uint64_t fg;		/* the foreground client's badge; 0: none */
static int fg_chosen;		/* the user picked it with KEY_SWITCH */
static char ring[RING];
static unsigned rhead, rtail;
static int held;		/* the UART holds bytes the full ring could not take */
static volatile int lock_word;
static uint8_t dev_stack[8192] __attribute__((aligned(16)));

/*
 * Makes badge b the foreground (called locked). Input typed for another
 * client goes; input typed while there was none (at boot, before the
 * shell attached) is kept for the first, as a terminal keeps type-ahead.
 */
static void
set_fg(uint64_t b)
{
	if (fg != 0)
		rtail = rhead;
	fg = b;
	printf("consoled: the foreground is %s\n", clients[b].name);
}

/* The next attached client after the foreground, in badge order. */
static void
switch_fg(void)
{
	for (uint64_t k = 1; k < CLIENTS; k++) {
		uint64_t b = (fg + k) % CLIENTS;

		if (b != 0 && clients[b].live) {
			fg_chosen = 1;
			set_fg(b);
			return;
		}
	}
}

/*
 * Free bytes in the ring. When there are none, the UART keeps what came
 * (and the sender waits): the next read wakes the device thread again.
 */
size_t
input_room(void)
{
	size_t room;

	lock_take(&lock_word);
	room = RING - (rhead - rtail);
	if (room == 0)
		held = 1;
	lock_give(&lock_word);
	return room;
}

/* Device input (called unlocked, from the device thread). */
void
input(const char *s, size_t n)
{
	int any = 0;

	lock_take(&lock_word);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == KEY_SWITCH) {
			switch_fg();
			any = 1;
			continue;
		}
		if (rhead - rtail < RING) {	/* full: the rest is dropped */
			ring[rhead++ % RING] = s[i];
			any = 1;
		}
	}
	if (any && fg != 0)
		notify_signal(SLOT_NOTE0 + fg);
	lock_give(&lock_word);
}

static void
device_thread(uint64_t arg)
{
	int64_t bits;

	(void)arg;
	for (;;) {
		if ((bits = notify_wait(SLOT_EVENTS)) < 0) {
			printf("consoled: device wait failed: %s\n", err_name(bits));
			thread_exit();
		}
		if (bits & BADGE_UART)
			serial_drain();
		if (bits & BADGE_KBD)
			kbd_drain();
	}
}

/* A client's notification and name arrive; it may become the foreground. */
static int64_t
do_attach(uint64_t b, const struct msg *m)
{
	struct client *c = &clients[b];
	struct cap_info ci;
	char name[CON_NAME];

	if (!(m->tag & TAG_CAP) || (m->tag & TAG_CAP_DROPPED) ||
	    cap_info(SLOT_RECV, &ci) != E_OK || ci.type != CAP_NOTIFICATION ||
	    !(ci.rights & RIGHT_WRITE)) {
		cap_delete(SLOT_RECV);
		return E_INVAL;
	}
	cap_delete(SLOT_NOTE0 + b);
	if (cap_move(SLOT_RECV, SLOT_NOTE0 + b) != E_OK) {
		cap_delete(SLOT_RECV);
		c->live = 0;
		return E_INVAL;
	}
	memcpy(name, &m->w[0], 8);
	memcpy(name + 8, &m->w[1], 8);
	for (int i = 0; i < CON_NAME; i++) {	/* printable ASCII only */
		c->name[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : 0;
		if (c->name[i] == 0)
			break;
	}
	c->name[CON_NAME] = 0;
	if (c->name[0] == 0)
		memcpy(c->name, "?", 2);
	c->live = 1;
	/* Until the user chooses, the first client in manifest order leads. */
	if (fg == 0 || (!fg_chosen && b < fg))
		set_fg(b);
	if (fg == b && rhead != rtail)
		notify_signal(SLOT_NOTE0 + b);
	return 0;
}

static int64_t
do_read(uint64_t b, const struct msg *m, struct msg *r)
{
	uint64_t n = m->w[0], k = 0;
	char out[CON_CHUNK];

	if (n == 0 || n > CON_CHUNK)
		return E_INVAL;
	if (b != fg)
		return E_AGAIN;
	while (k < n && rtail != rhead)
		out[k++] = ring[rtail++ % RING];
	if (held && rhead - rtail < RING / 2) {
		held = 0;
		notify_signal(SLOT_UART_BADGE);
	}
	if (k == 0)
		return E_AGAIN;
	memcpy(&r->w[1], out, (size_t)k);
	return (int64_t)k;
}

/* A client's bytes to the kernel console, which draws them on both terminals. */
static int64_t
do_write(const struct msg *m)
{
	uint64_t n = m->w[0];

	if (n > CON_CHUNK)
		return E_INVAL;
	console_write(SLOT_CONSOLE, (const char *)&m->w[1], (size_t)n);
	return (int64_t)n;
}

static void
serve(const struct msg *m, struct msg *r)
{
	uint64_t b = m->badge, op = TAG_LABEL(m->tag);
	int64_t v = E_INVAL;

	memset(r, 0, sizeof(*r));
	if (b == 0 || b >= CLIENTS)
		v = E_BADGE;
	else if (op == CON_ATTACH) {
		lock_take(&lock_word);
		v = do_attach(b, m);
		lock_give(&lock_word);
	} else if (!clients[b].live)
		v = E_BADGE;		/* attach first (again, after our restart) */
	else if (op == CON_READ) {
		lock_take(&lock_word);
		v = do_read(b, m, r);
		lock_give(&lock_word);
	} else if (op == CON_WRITE)
		v = do_write(m);
	if (op != CON_ATTACH)
		cap_delete(SLOT_RECV);	/* a capability offered otherwise is not kept */
	r->w[0] = (uint64_t)v;
}

int
main(uint64_t arg)
{
	struct msg m, r;
	int64_t err;

	(void)arg;
	if ((err = notification_create(SLOT_MEMORY, SLOT_EVENTS)) != E_OK) {
		printf("consoled: cannot make its notification: %s\n", err_name(err));
		return 1;
	}
	if (serial_init() < 0)
		printf("consoled: COM1 input is not available\n");
	if (kbd_init() < 0)
		printf("consoled: the PS/2 keyboard is not available\n");
	if ((err = thread_create(SLOT_MEMORY, SLOT_DEV_THREAD, device_thread,
	    dev_stack + sizeof(dev_stack) - 8, 0)) != E_OK) {
		printf("consoled: cannot start the device thread: %s\n", err_name(err));
		return 1;
	}
	/* Input that came before the thread. */
	notify_signal(SLOT_UART_BADGE);
	notify_signal(SLOT_KBD_BADGE);
	printf("consoled: serving COM1 and the PS/2 keyboard\n");
	err = ipc_recv(SLOT_SERVE, SLOT_RECV, &m);
	for (;;) {
		if (err < 0) {
			printf("consoled: receive failed: %s\n", err_name(err));
			thread_kill(SLOT_DEV_THREAD, 0);	/* so that init sees us end */
			return 1;
		}
		serve(&m, &r);
		err = ipc_reply_recv4(SLOT_SERVE, r.tag | ((uint64_t)SLOT_RECV << 48),
		    r.w[0], r.w[1], r.w[2], r.w[3], &m);
	}
}
