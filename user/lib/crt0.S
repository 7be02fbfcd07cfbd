/*
 * Program entry: the kernel starts the first thread here with its
 * argument in %rdi and the stack pointer at the stack top. main's return
 * value is ignored; the thread then exits.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	xorl	%ebp, %ebp
	andq	$-16, %rsp
	call	main
	movl	$15, %eax		/* SYS_THREAD_EXIT */
	syscall
	ud2
