/*
 * One-shot timer notifications: signal a notification after some ticks.
 * Each pending timer is a small record charged to the quota of the
 * process that set it, so timers are limited by quota like every other
 * kernel object, and no process can use up a table the others need.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#include "kernel/obj/memory.h"
#include "kernel/obj/notification.h"

/* Signals n with badge at tick deadline; E_NOMEM when mem cannot pay. */
int timer_notify(struct notification *n, uint64_t badge, uint64_t deadline,
    struct memory *mem);
/* Signals what is due; called on the boot CPU's tick with the kernel lock. */
void timer_expire(uint64_t now);
/* n is going away: its pending timers are cancelled and freed. */
void timer_forget_notification(struct notification *n);

#endif
