/*
 * SYSCALL entry and SYSRET exit. The entry builds the same struct
 * trapframe as an interrupt (trap.h), on the current thread's kernel
 * stack, so the scheduler treats both alike. On the way out every
 * register is reloaded from the trapframe: the user gets back its own
 * values (or the results the kernel wrote there), never a kernel value.
 */
#include "kernel/arch/x86_64/trapframe.inc"

#define USER_CS		0x23
#define USER_DS		0x1b
#define VEC_SYSCALL	0x100

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:16		/* user rsp */
	movq	%gs:8, %rsp		/* this thread's kernel stack */
	pushq	$USER_DS		/* ss */
	pushq	%gs:16			/* rsp */
	pushq	%r11			/* rflags */
	pushq	$USER_CS		/* cs */
	pushq	%rcx			/* rip */
	pushq	$0			/* error */
	pushq	$VEC_SYSCALL		/* vector */
	TRAPFRAME_PUSH
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp		/* backtraces stop here */
	call	syscall_dispatch

	.globl syscall_return
syscall_return:
	TRAPFRAME_POP
	addq	$16, %rsp		/* vector, error */
	/* Frame is now rip, cs, rflags, rsp, ss; the kernel keeps rip canonical. */
	movq	0(%rsp), %rcx
	movq	16(%rsp), %r11
	movq	24(%rsp), %rsp
	swapgs
	sysretq
