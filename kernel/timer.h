/* One-shot timer notifications: signal a notification after some ticks. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#include "kernel/obj/notification.h"

#define TIMER_SLOTS 256

/* E_NOMEM when every slot is in use. */
int timer_notify(struct notification *n, uint64_t badge, uint64_t ticks);
/* Signals what is due; called on the boot CPU's tick with the kernel lock. */
void timer_expire(uint64_t now);
void timer_forget_notification(struct notification *n);

#endif
