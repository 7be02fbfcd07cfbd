/*
 * Application processor start-up: the INIT / STARTUP / STARTUP sequence
 * with the start-up code (trampoline.S) at physical 0x8000, which the
 * frame allocator never hands out (it keeps the first MiB). The page is
 * mapped at its own address in the kernel's tables only while APs start.
 */
#include "kernel/acpi.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/paging.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/kernel.h"
#include "kernel/lock.h"
#include "kernel/mm/pmm.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "lib/libc/string.h"

#define TRAMPOLINE_PA	0x8000ULL
#define AP_STACK_PAGES	4

extern const char trampoline_start[], trampoline_end[];
extern const char trampoline_cr3[], trampoline_stack[], trampoline_cpu[],
    trampoline_entry[];

static void
delay_us(uint64_t us)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < us * tsc_per_us)
		pause();
}

/* Where a trampoline parameter lives in the copy at 0x8000. */
static uint64_t *
param(const char *sym)
{
	return phys_to_virt(TRAMPOLINE_PA + (uint64_t)(sym - trampoline_start));
}

static __attribute__((noreturn)) void
ap_entry(struct cpu *c)
{
	gdt_init(c->id);
	idt_load();
	paging_enable_cpu_features();
	sched_init_cpu(c->id);
	lapic_init_ap();
	c->online = 1;
	/* The idle loop: interrupts bring work (timer, reschedule IPIs). */
	for (;;) {
		sti();
		hlt();
	}
}

static int
start_one(struct cpu *c)
{
	uint64_t stack = pmm_alloc_contig(AP_STACK_PAGES, 1);

	if (stack == 0)
		return -1;
	*param(trampoline_stack) = (uint64_t)phys_to_virt(stack) + AP_STACK_PAGES * PAGE_SIZE;
	*param(trampoline_cpu) = (uint64_t)c;
	*param(trampoline_entry) = (uint64_t)ap_entry;
	lapic_send_init(c->apic_id);
	delay_us(10000);
	for (int tries = 0; tries < 2 && !c->online; tries++) {
		lapic_send_sipi(c->apic_id, (uint8_t)(TRAMPOLINE_PA >> 12));
		for (int i = 0; i < 1000 && !c->online; i++)
			delay_us(100);
	}
	return c->online ? 0 : -1;
}

int
smp_start(void)
{
	uint32_t me = lapic_id();
	int want = acpi_madt.cpu_count;

	cpus[0].apic_id = me;
	cpus[0].online = 1;
	ncpus = 1;
	if (want <= 1)
		return 1;
	if (paging_kernel_root() >= (1ULL << 32)) {
		printk("smp: kernel page tables above 4 GiB; staying on one CPU\n");
		return 1;
	}
	memcpy(phys_to_virt(TRAMPOLINE_PA), trampoline_start,
	    (size_t)(trampoline_end - trampoline_start));
	*param(trampoline_cr3) = paging_kernel_root();
	if (paging_map_range(TRAMPOLINE_PA, TRAMPOLINE_PA, PAGE_SIZE, 0) < 0)
		return 1;
	for (int i = 0; i < want && ncpus < MAX_CPUS; i++) {
		struct cpu *c = &cpus[ncpus];

		if (acpi_madt.apic_id[i] == me)
			continue;
		c->id = (uint32_t)ncpus;
		c->apic_id = acpi_madt.apic_id[i];
		/* Counted before it starts, so it is in every CPU loop at once. */
		ncpus++;
		if (start_one(c) < 0) {
			printk("smp: CPU with LAPIC id %u did not start\n", c->apic_id);
			ncpus--;
		}
	}
	paging_unmap_range(TRAMPOLINE_PA, PAGE_SIZE);
	return ncpus;
}
