/*
 * The console protocol (docs/userspace.md): a client of consoled calls
 * on a badged endpoint capability; bytes travel packed in message words.
 * Only the foreground client's reads return input; others get E_AGAIN
 * and wait on the notification they attached with.
 */
#ifndef USER_LIB_CON_H
#define USER_LIB_CON_H

#include <stdint.h>

#define CON_CHUNK	24	/* bytes per message: words 1..3 */
#define CON_NAME	16	/* a client's name, packed in words 0..1 */

enum con_op {
	CON_ATTACH = 1,		/* TAG_CAP: a notification consoled signals when input
				   waits; w0..w1: name -> 0 */
	CON_READ,		/* (n <= CON_CHUNK) -> count, bytes in w1..w3, or E_AGAIN */
	CON_WRITE,		/* (n <= CON_CHUNK, bytes in w1..w3) -> n */
	CON_OPS
};

/* The client side: the badged endpoint, the notification and its slot. */
struct con {
	uint64_t slot;		/* endpoint capability for consoled */
	uint64_t notify;	/* our notification (read side) */
	uint64_t give;		/* where the write side is made to hand over */
	char name[CON_NAME];
	uint8_t buf[CON_CHUNK];	/* input received but not yet taken */
	unsigned have, next;
};

/* Creates the notification in notify and attaches as name. */
int64_t con_attach(struct con *c, uint64_t slot, uint64_t notify, uint64_t give,
    const char *name);
/* The next input byte; blocks while we are not the foreground. */
int con_getc(struct con *c);
/* Writes n bytes; E_* error if consoled is not reachable. */
int64_t con_write(struct con *c, const void *buf, uint64_t n);

#endif
