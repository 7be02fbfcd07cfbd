/*
 * Per-CPU set-up: GS base for kernel code, and the SYSCALL/SYSRET MSRs.
 * SFMASK decides which of the user's RFLAGS the kernel does not inherit
 * on a system call; see SYSCALL_MASK.
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

/*
 * Flags cleared on SYSCALL entry. The user's own flags are saved in r11
 * and come back with SYSRET; inside, the kernel must start clean:
 * IF off until the stack is switched; DF off for the C ABI; TF off so no
 * single-step trap lands in the kernel; AC off so SMAP holds; NT off,
 * because the kernel never saves RFLAGS when it switches threads, so a
 * user's NT set with popfq would reach the next iretq in the kernel (a
 * preempted thread resuming) and raise #GP; IOPL and RF off as well,
 * though ring 3 cannot set IOPL, so that nothing of the user's flags
 * but the arithmetic ones survives into the kernel.
 */
#define SYSCALL_MASK	(RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_IOPL | \
			 RFLAGS_NT | RFLAGS_RF | RFLAGS_AC)

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
	wrmsr(MSR_SFMASK, SYSCALL_MASK);
}
