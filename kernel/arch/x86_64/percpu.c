/*
 * Per-CPU set-up: GS base for kernel code, and the SYSCALL/SYSRET MSRs.
 * SFMASK clears IF, DF, TF and AC on entry, so the kernel starts every
 * system call with interrupts off and SMAP protection armed.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/percpu.h"

#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SFMASK		0xc0000084
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define EFER_SCE		0x1ULL

extern char syscall_entry[];

void
percpu_init(struct cpu *c, uint32_t id)
{
	c->self = c;
	c->id = id;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/*
	 * STAR: kernel CS in 47:32; SYSRET loads CS from 63:48 + 16 and SS
	 * from 63:48 + 8, so 63:48 holds the selector before user data (0x10|3).
	 */
	wrmsr(MSR_STAR, ((uint64_t)(GDT_USER_DS - 8) << 48) |
	    ((uint64_t)GDT_KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_IF | (1u << 10) | (1u << 8) | (1u << 18));
}
