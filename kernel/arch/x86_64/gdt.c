/*
 * Global descriptor table and task-state segment. Long mode ignores most
 * of the GDT; we still need code and data selectors for ring 0 and ring 3
 * and a TSS whose interrupt stack table gives double faults, NMIs and
 * machine checks a known-good stack even when the current one is broken.
 */
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/percpu.h"
#include "lib/libc/string.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define IST_STACK_SIZE 8192

/* One GDT and TSS per CPU: each TSS holds that CPU's stacks. */
struct cpu_tables {
	/* Null, kernel code, kernel data, user data, user code, TSS (two slots). */
	uint64_t gdt[7];
	struct tss tss;
	uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));
};

static struct cpu_tables tables[MAX_CPUS];

/* The calling CPU's tables (the GDT register says which). */
static struct cpu_tables *
mine(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) r;

	__asm__ volatile("sgdt %0" : "=m"(r));
	return (struct cpu_tables *)r.base;
}

struct gdtr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static uint64_t
tss_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
	    (0x89ULL << 40) |			/* present, 64-bit TSS available */
	    ((uint64_t)(limit >> 16) & 0xf) << 48 |
	    ((base >> 24) & 0xffULL) << 56;
}

void
gdt_init(unsigned cpu)
{
	struct cpu_tables *t = &tables[cpu];
	uint64_t *gdt = t->gdt;
	struct gdtr r;

	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffULL;		/* kernel code: 64-bit, DPL 0 */
	gdt[2] = 0x00cf92000000ffffULL;		/* kernel data */
	gdt[3] = 0x00cff2000000ffffULL;		/* user data, DPL 3 */
	gdt[4] = 0x00affa000000ffffULL;		/* user code: 64-bit, DPL 3 */
	memset(&t->tss, 0, sizeof(t->tss));
	for (int i = 0; i < 3; i++)
		t->tss.ist[i] = (uint64_t)&t->ist_stacks[i][IST_STACK_SIZE];
	t->tss.iomap_base = sizeof(t->tss);	/* no I/O bitmap: ring 3 gets no ports */
	gdt[5] = tss_low((uint64_t)&t->tss, sizeof(t->tss) - 1);
	gdt[6] = (uint64_t)&t->tss >> 32;

	r.limit = sizeof(t->gdt) - 1;
	r.base = (uint64_t)gdt;
	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "mov %2, %%ds\n\t"
	    "mov %2, %%es\n\t"
	    "mov %2, %%ss\n\t"
	    "xor %%eax, %%eax\n\t"
	    "mov %%ax, %%fs\n\t"
	    "mov %%ax, %%gs\n\t"
	    "ltr %w3"
	    : : "m"(r), "i"(GDT_KERNEL_CS), "r"((uint64_t)GDT_KERNEL_DS),
	      "r"((uint16_t)GDT_TSS) : "rax", "memory");
}

/* The stack the CPU switches to on an interrupt from ring 3. */
void
gdt_set_kernel_stack(uint64_t top)
{
	mine()->tss.rsp[0] = top;
}
