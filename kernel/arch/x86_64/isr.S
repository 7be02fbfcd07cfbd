/*
 * Interrupt entry stubs. Every vector has a 16-byte stub that pushes a
 * zero error code when the CPU does not push one, then the vector number,
 * and jumps to the common path, which saves the general registers as a
 * struct trapframe (trap.h) and calls trap().
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
	jmp	isr_common
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
