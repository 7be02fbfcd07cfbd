/*
 * What happens to a kernel object when its last capability is deleted.
 * Capability spaces and address spaces are not freed here: they belong
 * to a process, which frees them when it ends, after revoking every
 * capability to them (proc.c); their last capability is the kernel's
 * own original. Root quotas and the boot-time objects (console, all
 * ports, IRQ control, PCI control, spawn, machine, counter) live for the
 * whole boot.
 */
#include "kernel/kernel.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/device.h"
#include "kernel/obj/endpoint.h"
#include "kernel/obj/frame.h"
#include "kernel/obj/notification.h"
#include "kernel/obj/pci.h"
#include "kernel/obj/thread.h"

static void
release(void *ctx, struct kobj *obj)
{
	(void)ctx;
	switch (obj->type) {
	case CAP_ENDPOINT:
		endpoint_destroy((struct endpoint *)obj);
		break;
	case CAP_NOTIFICATION:
		notification_destroy((struct notification *)obj);
		break;
	case CAP_FRAME:
		frame_destroy((struct frame *)obj);
		break;
	case CAP_THREAD:
		thread_release((struct thread *)obj);
		break;
	case CAP_MEMORY:
		memory_release((struct memory *)obj);
		break;
	case CAP_IOPORT:
		ioport_destroy((struct ioport *)obj);
		break;
	case CAP_IRQ:
		irq_destroy((struct irq *)obj);
		break;
	case CAP_PCI:
		pcifn_destroy((struct pcifn *)obj);
		break;
	default:
		break;
	}
}

const struct cap_ops kobj_ops = { release, NULL };

/* Capabilities point at the header; every object must start with it. */
_Static_assert(__builtin_offsetof(struct thread, hdr) == 0, "thread header");
_Static_assert(__builtin_offsetof(struct endpoint, hdr) == 0, "endpoint header");
_Static_assert(__builtin_offsetof(struct notification, hdr) == 0, "notification header");
_Static_assert(__builtin_offsetof(struct frame, hdr) == 0, "frame header");
_Static_assert(__builtin_offsetof(struct memory, hdr) == 0, "memory header");
_Static_assert(__builtin_offsetof(struct cnode, hdr) == 0, "cnode header");
_Static_assert(__builtin_offsetof(struct ioport, hdr) == 0, "ioport header");
_Static_assert(__builtin_offsetof(struct irq, hdr) == 0, "irq header");
_Static_assert(__builtin_offsetof(struct pcifn, hdr) == 0, "pci header");
