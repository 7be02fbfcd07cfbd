/*
 * Hardware grants: I/O-port ranges and interrupt lines. A driver holds
 * exactly the ports and lines it was given; the kernel does each port
 * access for it after checking the range, and turns each interrupt into
 * a signal on a notification, with the line masked until the driver
 * acknowledges it.
 */
#ifndef KERNEL_OBJ_DEVICE_H
#define KERNEL_OBJ_DEVICE_H

#include "kernel/obj/memory.h"
#include "kernel/obj/notification.h"

#define IRQ_LINES	24		/* I/O APIC inputs */
#define IRQ_CONTROL	0xffffffffu	/* line value of the IRQ control object */

struct ioport {
	struct kobj hdr;
	struct memory *mem;
	uint32_t first;
	uint32_t count;
};

struct irq {
	struct kobj hdr;
	struct memory *mem;
	uint32_t line;			/* IRQ_CONTROL: may make any line */
	struct notification *n;		/* bound notification, or NULL */
	uint64_t badge;
};

/* Kernel-made objects for the root task: all ports, IRQ control. */
struct kobj *ioport_root(void);
struct kobj *irq_control(void);

struct ioport *ioport_create(struct memory *m, uint32_t first, uint32_t count);
void ioport_destroy(struct ioport *io);
struct irq *irq_create(struct memory *m, uint32_t line);
void irq_destroy(struct irq *q);

/* Routes the line to n and unmasks it. */
int irq_bind(struct irq *q, struct notification *n, uint64_t badge);
void irq_ack(struct irq *q);
/* Called from trap() for the line's vector. */
void irq_dispatch(uint32_t line);
/* A notification is going away: unbind every line that signals it. */
void irq_forget_notification(struct notification *n);

void ioapic_init(void);

#endif
