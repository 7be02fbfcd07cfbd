/*
 * I/O-port and IRQ objects, and the I/O APIC routing behind IRQs (see
 * device.h). Lines are edge-triggered, active high (the ISA defaults);
 * each goes to vector VEC_IRQ_BASE + line on the boot CPU.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/kernel.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/obj/device.h"

#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define REDIR_MASKED	(1u << 16)

static struct ioport all_ports = { { CAP_IOPORT, 0, 0 }, NULL, 0, 0x10000 };
static struct irq control = { { CAP_IRQ, 0, 0 }, NULL, IRQ_CONTROL, NULL, 0 };
static struct irq *bound[IRQ_LINES];
static volatile uint32_t *ioapic;

struct kobj *
ioport_root(void)
{
	return &all_ports.hdr;
}

struct kobj *
irq_control(void)
{
	return &control.hdr;
}

static void
ioapic_write(uint32_t reg, uint32_t v)
{
	ioapic[IOAPIC_REGSEL / 4] = reg;
	ioapic[IOAPIC_WIN / 4] = v;
}

static void
route(uint32_t line, int masked)
{
	if (ioapic == NULL)
		return;
	ioapic_write(0x11 + 2 * line, cpus[0].apic_id << 24);
	ioapic_write(0x10 + 2 * line, (VEC_IRQ_BASE + line) | (masked ? REDIR_MASKED : 0));
}

void
ioapic_init(void)
{
	/* Each I/O APIC's registers where the MADT says: not in the memory map. */
	for (int i = 0; i < acpi_madt.ioapic_count; i++) {
		uint64_t pa = acpi_madt.ioapic[i].addr & ~(PAGE_SIZE - 1);

		if (paging_map_range(HHDM_BASE + pa, pa, PAGE_SIZE,
		    PTE_W | PTE_NX | PTE_G | PTE_CACHE_UC) < 0)
			panic("ioapic: out of memory mapping its registers");
	}
	if (acpi_madt.ioapic_count == 0)
		return;
	ioapic = phys_to_virt(acpi_madt.ioapic[0].addr);
	for (uint32_t line = 0; line < IRQ_LINES; line++)
		route(line, 1);
}

struct ioport *
ioport_create(struct memory *m, uint32_t first, uint32_t count)
{
	struct ioport *io = memory_alloc(m, sizeof(*io));

	if (io == NULL)
		return NULL;
	io->hdr.type = CAP_IOPORT;
	io->hdr.id = kobj_new_id();
	io->mem = m;
	io->first = first;
	io->count = count;
	return io;
}

void
ioport_destroy(struct ioport *io)
{
	if (io->mem)
		memory_free(io->mem, io, sizeof(*io));
}

struct irq *
irq_create(struct memory *m, uint32_t line)
{
	struct irq *q = memory_alloc(m, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->hdr.type = CAP_IRQ;
	q->hdr.id = kobj_new_id();
	q->mem = m;
	q->line = line;
	return q;
}

void
irq_destroy(struct irq *q)
{
	if (q->line < IRQ_LINES && bound[q->line] == q) {
		route(q->line, 1);
		bound[q->line] = NULL;
	}
	if (q->mem)
		memory_free(q->mem, q, sizeof(*q));
}

int
irq_bind(struct irq *q, struct notification *n, uint64_t badge)
{
	if (q->line >= IRQ_LINES)
		return E_INVAL;
	if (bound[q->line] != NULL && bound[q->line] != q)
		return E_BUSY;
	q->n = n;
	q->badge = badge ? badge : 1;
	bound[q->line] = q;
	route(q->line, 0);
	return E_OK;
}

void
irq_ack(struct irq *q)
{
	if (q->line < IRQ_LINES && bound[q->line] == q)
		route(q->line, 0);
}

void
irq_dispatch(uint32_t line)
{
	struct irq *q = line < IRQ_LINES ? bound[line] : NULL;

	/* Masked until the driver acknowledges: no interrupt storm. */
	route(line, 1);
	if (q && q->n)
		notification_signal(q->n, q->badge);
}

void
irq_forget_notification(struct notification *n)
{
	for (uint32_t line = 0; line < IRQ_LINES; line++) {
		if (bound[line] && bound[line]->n == n) {
			route(line, 1);
			bound[line]->n = NULL;
			bound[line] = NULL;
		}
	}
}
