/*
 * Kernel entry from the UEFI loader: interrupts off, the loader's page
 * tables in CR3 and the boot-info physical address in %rdi. We move to
 * our own stack (a guard page below it is unmapped by paging_init) and
 * call kmain, which never returns.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	cli
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp		/* ends the backtrace chain */
	call	kmain
1:	hlt
	jmp	1b

	.section .bss
	.balign 4096
	.globl boot_stack_guard
boot_stack_guard:
	.skip 4096
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip 16384
boot_stack_top:
