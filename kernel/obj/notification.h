/*
 * Notifications: a word of signal bits. Signalling ORs the badge of the
 * signaller's capability (1 when unbadged) into the word and wakes one
 * waiter; waiting takes and clears the word, or blocks until it is
 * non-zero. Interrupts and timers are delivered this way.
 */
#ifndef KERNEL_OBJ_NOTIFICATION_H
#define KERNEL_OBJ_NOTIFICATION_H

#include "kernel/obj/memory.h"
#include "kernel/obj/thread.h"

struct notification {
	struct kobj hdr;
	struct memory *mem;
	uint64_t word;
	struct thread *waitq, *waitq_tail;
};

struct notification *notification_create(struct memory *m);
void notification_destroy(struct notification *n);
void notification_dequeue(struct notification *n, struct thread *t);
void notification_signal(struct notification *n, uint64_t bits);
/* Returns the bits, blocking when block is set and the word is empty (else E_AGAIN). */
int64_t notification_wait(struct notification *n, int block);

#endif
