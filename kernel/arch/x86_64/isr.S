/*
 * Interrupt entry stubs. Every vector has a 16-byte stub that pushes a
 * zero error code when the CPU does not push one, then the vector number,
 * and jumps to the common path, which saves the general registers as a
 * struct trapframe (trap.h) and calls trap().
 *
 * The vectors that run on their own IST stack (NMI, #DF, #MC) can arrive
 * anywhere, including the few instructions of syscall_entry before its
 * swapgs and of syscall_return after it: there CS is the kernel's but GS
 * is still (or again) the user's, so the saved CS cannot tell whether to
 * swapgs. They take isr_paranoid instead, which asks the CPU: the kernel's
 * GS base is a higher-half (negative) address, a user's never is (user
 * code cannot set its GS base: CR4.FSGSBASE stays off, and a selector load
 * gives base 0). It swaps only if needed and undoes exactly that on exit.
 */
#include "kernel/arch/x86_64/trapframe.inc"

	.text
	.balign 16
	.globl isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	/* Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code. */
	.if (vec == 8) || (vec >= 10 && vec <= 14) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	.if (vec == 2) || (vec == 8) || (vec == 18)
	jmp	isr_paranoid
	.else
	jmp	isr_common
	.endif
	.set vec, vec + 1
	.endr

isr_common:
	/* From ring 3 (CS at 24(%rsp)): switch to the kernel's GS base. */
	testb	$3, 24(%rsp)
	jz	1f
	swapgs
1:	TRAPFRAME_PUSH
	/*
	 * The CPU clears TF and NT on the way in but keeps AC and DF: a
	 * user's AC would open SMAP for this handler and, through a thread
	 * switch, for another thread's kernel code. Start from clean flags
	 * (the interrupted ones are in the frame; iretq restores them).
	 */
	pushq	$2
	popfq
	movq	%rsp, %rdi
	call	trap

/* Returns to the context saved in the trapframe at %rsp. */
	.globl trap_return
trap_return:
	TRAPFRAME_POP
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	addq	$16, %rsp	/* vector and error code */
	iretq

#define MSR_GS_BASE	0xc0000101
#define TF_CS		144	/* trapframe: 15 registers, vector, error, rip, then cs */

isr_paranoid:
	TRAPFRAME_PUSH
	pushq	$2			/* clean flags, as in isr_common */
	popfq
	/* %ebx (callee-saved, so it lives across trap()) remembers the swap. */
	xorl	%ebx, %ebx
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	testl	%edx, %edx
	js	1f			/* negative: GS is the kernel's already */
	swapgs
	movl	$1, %ebx
	/* Ring 0 with the user's GS: we hit a swapgs window; count it (tests). */
	testb	$3, TF_CS(%rsp)
	jnz	1f
	lock incq	trap_gs_window(%rip)
1:	movq	%rsp, %rdi
	call	trap
	testl	%ebx, %ebx
	jz	2f
	swapgs
2:	TRAPFRAME_POP
	addq	$16, %rsp		/* vector and error code */
	iretq
