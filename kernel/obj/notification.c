/*
 * Notifications (see notification.h).
 */
#include "kernel/kernel.h"
#include "kernel/obj/device.h"
#include "kernel/obj/notification.h"
#include "kernel/obj/pci.h"
#include "kernel/timer.h"
#include "kernel/sched.h"

struct notification *
notification_create(struct memory *m)
{
	struct notification *n = memory_alloc(m, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->hdr.type = CAP_NOTIFICATION;
	n->hdr.id = kobj_new_id();
	n->mem = m;
	return n;
}

void
notification_dequeue(struct notification *n, struct thread *t)
{
	struct thread **pp = &n->waitq, *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = t->qnext;
	if (n->waitq_tail == t)
		n->waitq_tail = prev;
	t->qnext = NULL;
}

void
notification_destroy(struct notification *n)
{
	irq_forget_notification(n);
	msi_forget_notification(n);
	timer_forget_notification(n);
	while (n->waitq) {
		struct thread *t = n->waitq;

		notification_dequeue(n, t);
		t->waiting_on = NULL;
		t->ipc_result = E_DEAD;
		sched_ready(t);
	}
	memory_free(n->mem, n, sizeof(*n));
}

void
notification_signal(struct notification *n, uint64_t bits)
{
	struct thread *t = n->waitq;

	n->word |= bits;
	if (t == NULL)
		return;
	notification_dequeue(n, t);
	t->waiting_on = NULL;
	t->ipc_result = (int64_t)(n->word & 0x7fffffffffffffffULL);
	n->word = 0;
	sched_ready(t);
}

int64_t
notification_wait(struct notification *n, int block)
{
	struct thread *self = sched_current();
	int64_t bits;

	if (n->word != 0) {
		/* The top bit is kept clear so that results are never negative. */
		bits = (int64_t)(n->word & 0x7fffffffffffffffULL);
		n->word = 0;
		return bits;
	}
	if (!block)
		return E_AGAIN;
	self->waiting_on = n;
	self->state = T_BLOCKED_WAIT;
	self->qnext = NULL;
	if (n->waitq_tail)
		n->waitq_tail->qnext = self;
	else
		n->waitq = self;
	n->waitq_tail = self;
	schedule();
	return self->ipc_result;
}
