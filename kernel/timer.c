/*
 * Timer notifications: a fixed table of (deadline, notification, badge).
 * The table is small and scanned on each tick of the boot CPU; a full
 * table refuses new timers rather than growing.
 */
#include "kernel/kernel.h"
#include "kernel/timer.h"

struct timer {
	uint64_t deadline;
	struct notification *n;
	uint64_t badge;
};

static struct timer timers[TIMER_SLOTS];

int
timer_notify(struct notification *n, uint64_t badge, uint64_t deadline)
{
	for (int i = 0; i < TIMER_SLOTS; i++) {
		if (timers[i].n == NULL) {
			timers[i].n = n;
			timers[i].badge = badge ? badge : 1;
			timers[i].deadline = deadline;
			return E_OK;
		}
	}
	return E_NOMEM;
}

void
timer_expire(uint64_t now)
{
	for (int i = 0; i < TIMER_SLOTS; i++) {
		if (timers[i].n != NULL && now >= timers[i].deadline) {
			struct notification *n = timers[i].n;

			timers[i].n = NULL;
			notification_signal(n, timers[i].badge);
		}
	}
}

void
timer_forget_notification(struct notification *n)
{
	for (int i = 0; i < TIMER_SLOTS; i++) {
		if (timers[i].n == n)
			timers[i].n = NULL;
	}
}
