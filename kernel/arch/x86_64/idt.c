/*
 * Interrupt descriptor table: all 256 vectors point at their stub in
 * isr.S. Every gate is an interrupt gate (interrupts off on entry) with
 * DPL 0, so user code cannot raise any vector with INT n. NMI, #DF and
 * #MC run on stacks of their own (IST) and enter through isr_paranoid,
 * which does not trust the saved CS to tell whose GS base is loaded.
 */
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/trap.h"

struct gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t zero;
} __attribute__((packed));

extern const char isr_stubs[];

static struct gate idt[256];

static void
set_gate(int vec, uint64_t handler, int ist)
{
	struct gate *g = &idt[vec];

	g->off0 = (uint16_t)handler;
	g->sel = GDT_KERNEL_CS;
	g->ist = (uint8_t)ist;
	g->type = 0x8e;			/* present, DPL 0, 64-bit interrupt gate */
	g->off1 = (uint16_t)(handler >> 16);
	g->off2 = (uint32_t)(handler >> 32);
	g->zero = 0;
}

void
idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate(v, (uint64_t)isr_stubs + 16 * (uint64_t)v, 0);
	set_gate(2, (uint64_t)isr_stubs + 16 * 2, IST_NMI);
	set_gate(8, (uint64_t)isr_stubs + 16 * 8, IST_DOUBLE_FAULT);
	set_gate(18, (uint64_t)isr_stubs + 16 * 18, IST_MACHINE_CHECK);
	idt_load();
}

/* Loads the (shared) IDT on the calling CPU. */
void
idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) r;

	r.limit = sizeof(idt) - 1;
	r.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" : : "m"(r));
}
