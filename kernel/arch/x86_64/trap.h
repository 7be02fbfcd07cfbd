/* The saved state of an interrupted context, and interrupt set-up. */
#ifndef KERNEL_ARCH_X86_64_TRAP_H
#define KERNEL_ARCH_X86_64_TRAP_H

#include <stdint.h>

/*
 * Layout fixed by trapframe.inc, which isr.S and syscall.S share (pushed
 * last = lowest address = first field).
 */
struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error;
	/* Pushed by the CPU. */
	uint64_t rip, cs, rflags, rsp, ss;
};

#define VEC_TIMER	32
#define VEC_IRQ_BASE	0x40	/* I/O APIC lines 0..23 */
#define VEC_RESCHED	0xf0	/* IPI: a thread became ready on this CPU */
#define VEC_TLB		0xf1	/* IPI: flush the TLB (tlb.c) */
#define VEC_STOP	0xf2	/* IPI: park this CPU for good (machine.c) */
#define VEC_SPURIOUS	255

void idt_init(void);
void idt_load(void);
void trap(struct trapframe *tf);

/* Prints a full report of tf: registers, decoded error, backtrace. */
void trap_report(const struct trapframe *tf, const char *title);

/* Number of faults recovered through the fixup table (for tests). */
extern uint64_t trap_fixups;

/* NMIs received (and ignored) on all CPUs; the monitor's `cpus` shows it. */
extern uint64_t trap_nmis;

/* IST entries (isr.S) that found the user's GS base loaded in ring 0. */
extern uint64_t trap_gs_window;

#endif
