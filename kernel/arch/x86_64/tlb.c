/*
 * TLB shootdown by generation: the initiator bumps a global generation,
 * interrupts every other CPU, and waits until each has flushed its whole
 * TLB (global pages included) and recorded the generation. A CPU in user
 * mode or idle takes the IPI; one spinning on the big kernel lock (with
 * interrupts off) polls for the request instead.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/tlb.h"
#include "kernel/arch/x86_64/trap.h"

#define CR4_PGE (1ULL << 7)

static volatile uint64_t generation;

static void
flush_all(void)
{
	uint64_t cr4 = read_cr4();

	/* Toggling PGE drops global entries too (kernel stacks are global). */
	write_cr4(cr4 & ~CR4_PGE);
	write_cr4(cr4);
}

void
tlb_service(void)
{
	struct cpu *c = this_cpu();
	uint64_t g = generation;

	if (c->tlb_seen != g) {
		flush_all();
		c->tlb_seen = g;
	}
}

void
tlb_shootdown(void)
{
	struct cpu *me = this_cpu();
	uint64_t g;

	if (ncpus < 2)
		return;
	g = __atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
	me->tlb_seen = g;
	for (int i = 0; i < ncpus; i++) {
		if (&cpus[i] != me && cpus[i].online)
			lapic_send_ipi(cpus[i].apic_id, VEC_TLB);
	}
	for (int i = 0; i < ncpus; i++) {
		while (&cpus[i] != me && cpus[i].online && cpus[i].tlb_seen < g)
			pause();
	}
}
