/*
 * Timer notifications (see timer.h): a list of pending records, scanned
 * on each tick of the boot CPU. A record keeps a pointer to the quota
 * that pays for it; the quota lives while it is charged (memory.h).
 */
#include "kernel/kernel.h"
#include "kernel/timer.h"

struct timer {
	uint64_t deadline;
	struct notification *n;
	uint64_t badge;
	struct memory *mem;	/* pays for this record */
	struct timer *next;
};

static struct timer *pending;

int
timer_notify(struct notification *n, uint64_t badge, uint64_t deadline,
    struct memory *mem)
{
	struct timer *t = memory_alloc(mem, sizeof(*t));

	if (t == NULL)
		return E_NOMEM;
	t->deadline = deadline;
	t->n = n;
	t->badge = badge ? badge : 1;
	t->mem = mem;
	t->next = pending;
	pending = t;
	return E_OK;
}

void
timer_expire(uint64_t now)
{
	struct timer **pp = &pending;

	while (*pp) {
		struct timer *t = *pp;

		if (now < t->deadline) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		notification_signal(t->n, t->badge);
		memory_free(t->mem, t, sizeof(*t));
	}
}

void
timer_forget_notification(struct notification *n)
{
	struct timer **pp = &pending;

	while (*pp) {
		struct timer *t = *pp;

		if (t->n != n) {
			pp = &t->next;
			continue;
		}
		*pp = t->next;
		memory_free(t->mem, t, sizeof(*t));
	}
}
